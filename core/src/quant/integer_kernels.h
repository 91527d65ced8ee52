#pragma once
// The integer quantizer's fused kernels: quantize, dequantize, every metric sum and the KL
// histogram's slots in one pass over a cache-sized block, kLanes values at a time, for one
// group, per-element parameters (channels along the last axis) or a batch of short blocks.
// Internal to core/quant.

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "../common/rounding_dispatch.h"
#include "error_sums.h"
#include "kl_counts.h"
#include "quantscope/formats/rounding.h"
#include "quantscope/quant/dither.h"
#include "quantscope/quant/quantizer.h"

namespace quantscope::detail {

// Work in blocks that fit in L1/L2 so that the several reductions below re-read cached data.
inline constexpr std::size_t kBlock = 2048;

// Stochastic rounding of t under `bits`: up (toward +inf) when floor(fraction * 2^24) exceeds
// the top 24 of `bits`, the rule of round_to_integer (rounding.h) and the float formats, here in
// float and exact: t * 2^24 and floor(t) * 2^24 are exact, and their floors differ by an integer
// below 2^24, which a float holds (t + u in float would round, and go up for the other bits).
// Beyond 2^104, inf - inf is NaN and compares false: such t are integers already.
inline float round_stochastic(float t, std::uint32_t bits) {
    const float lower = __builtin_floorf(t);
    const float fraction24 = __builtin_floorf(t * 0x1.0p24f) - lower * 0x1.0p24f;
    const auto random24 = static_cast<float>(static_cast<std::int32_t>(bits >> 8));
    return lower + (fraction24 > random24 ? 1.0f : 0.0f);
}

// Rounding written so that GCC vectorizes it: rint and trunc map to vroundps; ties-away is
// trunc plus a correction, exact because t - trunc(t) is exact. Stochastic rounding draws
// stochastic_bits_at(key, low_index): `key` is stochastic_key(seed, index), hoisted by the
// kernels over a run of indices that share their upper half.
template <Rounding R>
inline float round_to_integer(float t, std::uint32_t key, std::uint32_t low_index) {
    if constexpr (R == Rounding::NearestEven) {
        return __builtin_rintf(t);  // current mode FE_TONEAREST: ties to even
    } else if constexpr (R == Rounding::NearestAway) {
        const float whole = __builtin_truncf(t);
        const float fraction = t - whole;
        return whole + (fraction >= 0.5f ? 1.0f : 0.0f) - (fraction <= -0.5f ? 1.0f : 0.0f);
    } else if constexpr (R == Rounding::TowardZero) {
        return __builtin_truncf(t);
    } else {
        return round_stochastic(t, stochastic_bits_at(key, low_index));
    }
}

inline float round_scalar(float t, Rounding rounding, std::uint64_t seed, std::uint64_t index) {
    const std::uint32_t key = stochastic_key(seed, index);
    const auto low = static_cast<std::uint32_t>(index);
    return with_rounding(rounding, [&]<Rounding R>() { return round_to_integer<R>(t, key, low); });
}

// Whether the indices [first_index, first_index + n) cross a 2^32 boundary, where the key of
// stochastic_bits changes: the vector kernels hoist one key, so such a block goes scalar.
inline bool crosses_key_boundary(std::uint64_t first_index, std::size_t n) {
    return n > 0 && (first_index >> 32) != ((first_index + n - 1) >> 32);
}

// t = x / s with the config's dither added (dither.h), before rounding.
inline float dithered(float t, Dither dither, std::uint64_t seed, std::uint64_t index) {
    return dither == Dither::Tpdf ? t + tpdf_dither(seed, index) : t;
}

// The clipping bounds of a group in the kernels' float arithmetic: half a step beyond the end
// codes, so that the float rounding of a min-max scale (127 * (amax / 127) != amax) never
// counts the group's extreme value as clipped.
inline float clip_bound(float code, float zero_point, float scale) {
    return (code - zero_point) * scale;
}

struct KernelParams {
    float scale;
    float inv_scale;
    float zero_point;
    float qmin;
    float qmax;
    float clip_min;  // where clipping starts (clipping_bounds), not the end levels
    float clip_max;
    Rounding rounding;
    std::uint64_t seed;
    // Dithered configs take the scalar path: the fused kernel stays as it is for the rest.
    Dither dither;
};

// The fused kernel's lanes: kLanes independent float accumulators per sum (error_sums.h). Each
// lane sums at most kBlock / kLanes values, so float precision is ample before the block's total
// is added in double. Blocks batch in the kernel when their length is a multiple.
inline constexpr std::size_t kLanes = kSumLanes;

// Per-element parameters for per-channel quantization along the last axis, kLanes channels at a
// time: their 1/s, then s, z, clip_min and clip_max, then the next kLanes channels'. One pointer
// where five separate arrays left GCC short of registers in the kernel, which then kept its sums
// in memory. Element i of a block uses channel i (`packed` is offset to the block's first
// element, a multiple of kLanes).
struct ParamArrays {
    static constexpr std::size_t kFields = 5;
    const float* packed = nullptr;

    const float* lanes(std::size_t i) const { return packed + i / kLanes * kFields * kLanes; }
    float inv_scale(std::size_t i) const { return lanes(i)[i % kLanes]; }
    float scale(std::size_t i) const { return lanes(i)[kLanes + i % kLanes]; }
    float zero_point(std::size_t i) const { return lanes(i)[2 * kLanes + i % kLanes]; }
    float clip_min(std::size_t i) const { return lanes(i)[3 * kLanes + i % kLanes]; }
    float clip_max(std::size_t i) const { return lanes(i)[4 * kLanes + i % kLanes]; }
    // The arrays from element i on, i a multiple of kLanes.
    ParamArrays from(std::size_t i) const { return {lanes(i)}; }
};

// The kernel's parameters for group `g`, on `base`'s code range, rounding and seed (those of the
// config, from kernel_params of any group).
inline KernelParams with_group(KernelParams base, const GroupParameters& g) {
    base.scale = static_cast<float>(g.scale);
    // 1/s rounded once from double: keeps exact ties (x/s = 42.5) exact in float.
    base.inv_scale = static_cast<float>(1.0 / static_cast<double>(base.scale));
    base.zero_point = static_cast<float>(g.zero_point);
    base.clip_min = clip_bound(base.qmin - 0.5f, base.zero_point, base.scale);
    base.clip_max = clip_bound(base.qmax + 0.5f, base.zero_point, base.scale);
    return base;
}

inline KernelParams kernel_params(const GroupParameters& g, const QuantConfig& config) {
    KernelParams p{};
    p.qmin = static_cast<float>(config.format.integer_format().min_code());
    p.qmax = static_cast<float>(config.format.integer_format().max_code());
    p.rounding = config.rounding;
    p.seed = config.seed;
    p.dither = config.dither;
    return with_group(p, g);
}

// Quantizes x[0..n), n <= kBlock, with one set of parameters; codes (optional) receive the
// codes. `kl` (optional) counts the block's values into the KL histogram.
void quantize_block(const float* x, float* y, std::int32_t* codes, std::size_t n,
                    std::uint64_t first_index, const KernelParams& p, MetricSums& sums,
                    KlCounts* kl = nullptr);

// The same with per-element parameters `a` (element i of the block uses a's entry i); `uniform`
// gives the code range, rounding and seed.
void quantize_block_per_element(const float* x, float* y, std::int32_t* codes, std::size_t n,
                                std::uint64_t first_index, const KernelParams& uniform,
                                const ParamArrays& a, MetricSums& sums, KlCounts* kl);

// Consecutive groups of block_len elements each (a multiple of kLanes), groups[k] for the k-th,
// in one kernel call: per-group calls of 32 values spent more on their set-up and sums than on
// the values. Without codes; a call that meets NaN or Inf redoes its groups one by one. `kl`
// (optional) counts the values into the KL histogram.
void quantize_blocks(const float* x, float* y, std::size_t n, std::uint64_t first_index,
                     const KernelParams* groups, std::size_t block_len, MetricSums& sums,
                     KlCounts* kl);

}  // namespace quantscope::detail
