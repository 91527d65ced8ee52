#pragma once
// The power spectrum of a real signal (docs/design.md "Spectrum"): a radix-2 FFT, the Hann
// window and Welch's average of overlapping segments, for the error spectrum of the Signal tab
// and `quantscope-cli spectrum`.

#include <complex>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace quantscope {

// In place, the forward DFT X[k] = sum_n x[n] exp(-2 pi i k n / N), unnormalised, for N a power
// of two (an iterative radix-2 Cooley-Tukey, O(N log N)). Throws UsageError for another size.
void fft(std::span<std::complex<double>> data);

// The periodic Hann window of length n: w[i] = (1 - cos(2 pi i / n)) / 2.
std::vector<double> hann_window(std::size_t n);

struct SpectrumOptions {
    std::size_t segment = 4096;  // the FFT length, a power of two >= 2
    double sample_rate = 0;      // Hz; 0 gives frequencies in cycles per sample
    // At most this many segments, spread evenly over a longer signal (0: every one): bounds
    // the work on long recordings at a variance that no plot shows.
    std::size_t max_segments = 0;
};

struct Spectrum {
    std::vector<double> frequency;  // bin k at k * rate / segment, k = 0 .. segment / 2
    std::vector<double> power_db;   // 10 log10 of the bin's power, at least kSpectrumFloorDb
    std::size_t segment = 0;        // the FFT length used
    std::size_t segments = 0;       // how many were averaged
};

// Where a bin with no power at all is drawn: far below anything a float signal reaches.
inline constexpr double kSpectrumFloorDb = -300;

// Welch's estimate: segments of options.segment samples (a shorter signal is one zero-padded
// segment), Hann-windowed, each overlapping the previous by half (the last one ending at the
// signal's end), their one-sided power averaged. Scaled so that a sine of amplitude A centred on
// a bin reads 10 log10(A^2 / 2), its mean power, at that bin. Non-finite samples count as 0.
// An empty signal gives an empty spectrum. Throws UsageError when the segment is not a power of
// two >= 2.
Spectrum power_spectrum(std::span<const float> signal, const SpectrumOptions& options = {});

// The signal of a tensor: every value of a 1-D tensor, or channel 0 of [frames, channels] audio
// (at most kMaxSignalChannels channels); nullopt for other shapes. Sample i is
// values[i * stride].
inline constexpr std::int64_t kMaxSignalChannels = 16;
struct SignalLayout {
    std::size_t samples = 0;
    std::size_t stride = 1;
};
std::optional<SignalLayout> signal_layout(std::span<const std::int64_t> shape, std::size_t count);

// The error E = x - Q(x) of the signal's samples (`layout`), non-finite errors as 0.
std::vector<float> signal_error(std::span<const float> original, std::span<const float> quantized,
                                const SignalLayout& layout);

}  // namespace quantscope
