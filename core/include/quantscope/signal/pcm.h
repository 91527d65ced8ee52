#pragma once
// Samples as a sound card plays them (docs/design.md "Listening"): 16-bit signed PCM from float
// samples, with a gain and a full scale. Saturates, never wraps.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace quantscope {

struct Pcm16 {
    std::vector<std::int16_t> samples;
    std::size_t clipped = 0;  // samples beyond full scale after the gain, saturated
};

// sample i = round(clamp(x[i] * 10^(gain_db / 20) / full_scale, -1, 1) * 32767), ties away
// from zero; NaN plays as 0. full_scale > 0 is the value that plays at the loudest code.
Pcm16 to_pcm16(std::span<const float> x, double gain_db, double full_scale);

// The full scale that plays `original` as it is when it fits in [-1, 1] (audio, unit sines) and
// brings its peak to full scale otherwise: max(1, max |x|) over the finite samples. The
// quantized signal and the error play at the original's full scale, so that their loudness
// compares with it.
double pcm_full_scale(std::span<const float> original);

// The gain in dB at which `x`'s peak reaches full scale (how far the error can be amplified
// before clipping); +inf for silence.
double headroom_db(std::span<const float> x, double full_scale);

}  // namespace quantscope
