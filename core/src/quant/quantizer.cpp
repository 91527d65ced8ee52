#include "quantscope/quant/quantizer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "../common/prefetch.h"
#include "../common/stream_store.h"
#include "block_reductions.h"
#include "error_sums.h"
#include "group_layout.h"
#include "histogram_slots.h"
#include "kl_counts.h"
#include "quantscope/common/error.h"
#include "quantscope/common/parallel.h"
#include "quantscope/quant/calibration.h"
#include "result_notes.h"
#include "scale_limits.h"
#include "scaled_quantizer.h"

namespace quantscope {

using detail::GroupLayout;
using detail::make_layout;
using detail::Run;

namespace {

bool is_integer_config(const QuantConfig& config) {
    return config.format.kind() == FormatKind::Integer &&
           config.block_scaling == BlockScaling::None;
}

// Work in blocks that fit in L1/L2 so that the several reductions below re-read cached data.
constexpr std::size_t kBlock = 2048;

// Uniform in [0, 1) for stochastic rounding from the formats engine's counter-based hash: the
// same (seed, index) always gives the same number, whatever the thread split, and the same
// random bits as round_to_format uses.
inline float uniform_from_index(std::uint32_t seed, std::uint64_t index) {
    return static_cast<float>(stochastic_bits(seed, index) >> 8) * 0x1.0p-24f;
}

inline std::uint32_t seed32(std::uint64_t seed) {
    return static_cast<std::uint32_t>(seed) ^ static_cast<std::uint32_t>(seed >> 32);
}

// Rounding written so that GCC vectorizes it: rint and trunc map to vroundps; ties-away is
// trunc plus a correction, exact because t - trunc(t) is exact.
template <Rounding R>
inline float round_to_integer(float t, std::uint32_t seed, std::uint64_t index) {
    if constexpr (R == Rounding::NearestEven) {
        return __builtin_rintf(t);  // current mode FE_TONEAREST: ties to even
    } else if constexpr (R == Rounding::NearestAway) {
        const float whole = __builtin_truncf(t);
        const float fraction = t - whole;
        return whole + (fraction >= 0.5f ? 1.0f : 0.0f) - (fraction <= -0.5f ? 1.0f : 0.0f);
    } else if constexpr (R == Rounding::TowardZero) {
        return __builtin_truncf(t);
    } else {
        return __builtin_floorf(t + uniform_from_index(seed, index));
    }
}

inline float round_scalar(float t, Rounding rounding, std::uint32_t seed, std::uint64_t index) {
    switch (rounding) {
        case Rounding::NearestEven:
            return round_to_integer<Rounding::NearestEven>(t, seed, index);
        case Rounding::NearestAway:
            return round_to_integer<Rounding::NearestAway>(t, seed, index);
        case Rounding::TowardZero:
            return round_to_integer<Rounding::TowardZero>(t, seed, index);
        case Rounding::Stochastic:
            return round_to_integer<Rounding::Stochastic>(t, seed, index);
    }
    return t;
}

// Calls fn.template operator()<R>() with the rounding as a template argument: the kernels are
// instantiated once per rounding.
template <class Fn>
void with_rounding(Rounding rounding, Fn&& fn) {
    switch (rounding) {
        case Rounding::NearestEven:
            fn.template operator()<Rounding::NearestEven>();
            break;
        case Rounding::NearestAway:
            fn.template operator()<Rounding::NearestAway>();
            break;
        case Rounding::TowardZero:
            fn.template operator()<Rounding::TowardZero>();
            break;
        case Rounding::Stochastic:
            fn.template operator()<Rounding::Stochastic>();
            break;
    }
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
    std::uint32_t seed;
};

// The fused kernel's lanes: kLanes independent float accumulators per sum (error_sums.h). Each
// lane sums at most kBlock / kLanes values, so float precision is ample before the block's total
// is added in double. Blocks batch in the kernel when their length is a multiple.
constexpr std::size_t kLanes = detail::kSumLanes;

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

// Where the fused kernel takes its parameters from: one set for the whole call; one per element
// (ParamArrays); or one per run of `block_len` elements (`blocks`), block_len a multiple of
// kLanes, for block granularity: many short groups in one call.
enum class ParamMode { Uniform, PerElement, PerBlock };
struct BlockParams {
    const KernelParams* blocks = nullptr;
    std::size_t block_len = 0;
};

// Scalar path for blocks that hold NaN or Inf: excluded from the sums, passed through.
template <bool PerElement>
void quantize_block_scalar(const float* x, float* y, std::int32_t* codes, std::size_t n,
                           std::uint64_t first_index, const KernelParams& uniform,
                           const ParamArrays& a, MetricSums& sums) {
    for (std::size_t i = 0; i < n; ++i) {
        KernelParams p = uniform;
        if constexpr (PerElement) {
            p.scale = a.scale(i);
            p.inv_scale = a.inv_scale(i);
            p.zero_point = a.zero_point(i);
            p.clip_min = a.clip_min(i);
            p.clip_max = a.clip_max(i);
        }
        const float xi = x[i];
        if (!std::isfinite(xi)) {
            y[i] = xi;
            if (codes != nullptr) {
                codes[i] = 0;
            }
            continue;
        }
        const float r = round_scalar(xi * p.inv_scale, p.rounding, p.seed, first_index + i);
        const float q = std::clamp(r + p.zero_point, p.qmin, p.qmax);
        y[i] = (q - p.zero_point) * p.scale;
        if (codes != nullptr) {
            codes[i] = static_cast<std::int32_t>(q);
        }
        sums.clipped += (xi < p.clip_min || xi > p.clip_max) ? 1 : 0;
    }
    detail::accumulate_error_sums_scalar(x, y, n, sums);
}

// The hot loop: quantize + dequantize + every metric sum in one pass over a cache-sized block,
// kLanes values at a time.

// Never inlined: inside a large caller GCC kept the sums in stack slots, and each block then
// waited on store-to-load forwarding (a fifth of a block:32 run).
// With Kl, it also writes the KL histogram's slot of each value of its whole kLanes steps
// (kl_slot of x / s + z on `grid`; valid whether or not the block held NaN or Inf).
template <Rounding R, ParamMode Mode, bool Kl = false>
[[gnu::noinline]] void quantize_block_fused(const float* __restrict x, float* __restrict y,
                                            std::size_t n, std::uint64_t first_index,
                                            const KernelParams& p, const ParamArrays& a,
                                            MetricSums& sums, float& nonfinite,
                                            const BlockParams& per_block = {},
                                            std::uint32_t* __restrict kl_slots = nullptr,
                                            const detail::KlGrid* grid = nullptr) {
    constexpr bool PerElement = Mode == ParamMode::PerElement;
    const detail::KlGrid g = Kl ? *grid : detail::KlGrid{};
    detail::LaneSums lane_sums;
    float inv_uniform = p.inv_scale;
    float scale_uniform = p.scale;
    float zp_uniform = p.zero_point;
    const float qmin = p.qmin;
    const float qmax = p.qmax;
    float cmin_uniform = p.clip_min;
    float cmax_uniform = p.clip_max;
    const std::size_t whole = n / kLanes * kLanes;
    std::size_t block_end = 0;
    const KernelParams* next_group = per_block.blocks;
    for (std::size_t i = 0; i < whole; i += kLanes) {
        if (i % detail::kValuesPerLine == 0) {
            detail::prefetch_ahead(x + i);
        }
        if constexpr (Mode == ParamMode::PerBlock) {
            if (i == block_end) {  // the next group's parameters, for its kLanes-wide steps
                inv_uniform = next_group->inv_scale;
                scale_uniform = next_group->scale;
                zp_uniform = next_group->zero_point;
                cmin_uniform = next_group->clip_min;
                cmax_uniform = next_group->clip_max;
                ++next_group;
                block_end += per_block.block_len;
            }
        }
        const float* __restrict lanes = PerElement ? a.lanes(i) : nullptr;
#pragma omp simd
        for (std::size_t j = 0; j < kLanes; ++j) {
            const float xi = x[i + j];
            const float inv = PerElement ? lanes[j] : inv_uniform;
            const float scale = PerElement ? lanes[kLanes + j] : scale_uniform;
            const float zp = PerElement ? lanes[2 * kLanes + j] : zp_uniform;
            const float cmin = PerElement ? lanes[3 * kLanes + j] : cmin_uniform;
            const float cmax = PerElement ? lanes[4 * kLanes + j] : cmax_uniform;
            const float t = xi * inv;
            float q = round_to_integer<R>(t, p.seed, first_index + i + j) + zp;
            q = q < qmin ? qmin : q;
            q = q > qmax ? qmax : q;
            const float yi = (q - zp) * scale;
            y[i + j] = yi;
            if constexpr (Kl) {
                kl_slots[i + j] = detail::kl_slot(xi, t + zp, g);
            }
            lane_sums.add(j, xi, yi);
            lane_sums.add_clipped(j, (xi < cmin) | (xi > cmax));
        }
    }
    const bool all_finite = lane_sums.fold_into(sums, whole);
    nonfinite = all_finite ? 0.0f : 1.0f;
    // The tail (and, when the block held NaN or Inf, the caller redoes it all) goes scalar.
    if (all_finite && whole < n) {
        ParamArrays tail = a;
        if constexpr (PerElement) {
            tail = a.from(whole);
        }
        quantize_block_scalar<PerElement>(x + whole, y + whole, nullptr, n - whole,
                                          first_index + whole, p, tail, sums);
    }
}

// `kl` (optional) counts the block's values, n <= kBlock, into the KL histogram.
template <bool PerElement>
void quantize_block_with(const float* x, float* y, std::int32_t* codes, std::size_t n,
                         std::uint64_t first_index, const KernelParams& p, const ParamArrays& a,
                         MetricSums& sums, detail::KlCounts* kl = nullptr) {
    constexpr ParamMode kMode = PerElement ? ParamMode::PerElement : ParamMode::Uniform;
    float nonfinite = 0;
    if (kl != nullptr) {
        std::uint32_t slots[kBlock];
        with_rounding(p.rounding, [&]<Rounding R>() {
            quantize_block_fused<R, kMode, true>(x, y, n, first_index, p, a, sums, nonfinite, {},
                                                 slots, &kl->grid());
        });
        const std::size_t whole = n / kLanes * kLanes;
        kl->add_slots(slots, whole);
        kl->add_at(x + whole, n - whole, [&](std::size_t i) {
            return PerElement ? x[whole + i] * a.inv_scale(whole + i) + a.zero_point(whole + i)
                              : x[whole + i] * p.inv_scale + p.zero_point;
        });
    } else {
        with_rounding(p.rounding, [&]<Rounding R>() {
            quantize_block_fused<R, kMode>(x, y, n, first_index, p, a, sums, nonfinite);
        });
    }
    if (nonfinite != 0) {
        quantize_block_scalar<PerElement>(x, y, codes, n, first_index, p, a, sums);
        return;
    }
    if (codes != nullptr) {
        // Codes follow from Q(x) exactly: q = Q(x) / s + z is an integer-valued float.
        for (std::size_t i = 0; i < n; ++i) {
            const float scale = PerElement ? a.scale(i) : p.scale;
            const float zp = PerElement ? a.zero_point(i) : p.zero_point;
            codes[i] = static_cast<std::int32_t>(__builtin_rintf(y[i] / scale + zp));
        }
    }
}

void quantize_block(const float* x, float* y, std::int32_t* codes, std::size_t n,
                    std::uint64_t first_index, const KernelParams& p, MetricSums& sums,
                    detail::KlCounts* kl = nullptr) {
    quantize_block_with<false>(x, y, codes, n, first_index, p, ParamArrays{}, sums, kl);
}

// Consecutive groups of block_len elements each (a multiple of kLanes), groups[k] for the k-th,
// in one kernel call: per-group calls of 32 values spent more on their set-up and sums than on
// the values. Without codes; a call that meets NaN or Inf redoes its groups one by one. `kl`
// (optional) counts the values into the KL histogram.
void quantize_blocks(const float* x, float* y, std::size_t n, std::uint64_t first_index,
                     const KernelParams* groups, std::size_t block_len, MetricSums& sums,
                     detail::KlCounts* kl) {
    float nonfinite = 0;
    const BlockParams per_block{groups, block_len};
    std::uint32_t slots[kBlock];
    with_rounding(groups->rounding, [&]<Rounding R>() {
        if (kl != nullptr) {  // n: whole kLanes steps
            quantize_block_fused<R, ParamMode::PerBlock, true>(
                x, y, n, first_index, *groups, {}, sums, nonfinite, per_block, slots, &kl->grid());
        } else {
            quantize_block_fused<R, ParamMode::PerBlock>(x, y, n, first_index, *groups, {}, sums,
                                                         nonfinite, per_block);
        }
    });
    if (kl != nullptr) {
        kl->add_slots(slots, n);
    }
    if (nonfinite != 0) {
        for (std::size_t b = 0; b < n; b += block_len) {
            quantize_block(x + b, y + b, nullptr, block_len, first_index + b, groups[b / block_len],
                           sums);
        }
    }
}

// The kernel's parameters for group `g`, on `base`'s code range, rounding and seed (those of the
// config, from kernel_params of any group).
KernelParams with_group(KernelParams base, const GroupParameters& g) {
    base.scale = static_cast<float>(g.scale);
    // 1/s rounded once from double: keeps exact ties (x/s = 42.5) exact in float.
    base.inv_scale = static_cast<float>(1.0 / static_cast<double>(base.scale));
    base.zero_point = static_cast<float>(g.zero_point);
    base.clip_min = clip_bound(base.qmin - 0.5f, base.zero_point, base.scale);
    base.clip_max = clip_bound(base.qmax + 0.5f, base.zero_point, base.scale);
    return base;
}

KernelParams kernel_params(const GroupParameters& g, const QuantConfig& config) {
    KernelParams p{};
    p.qmin = static_cast<float>(config.format.integer_format().min_code());
    p.qmax = static_cast<float>(config.format.integer_format().max_code());
    p.rounding = config.rounding;
    p.seed = seed32(config.seed);
    return with_group(p, g);
}

// into = the union of into and r (finite ranges; one without finite values adds nothing).
void include_range(ValueRange& into, const ValueRange& r) {
    if (r.any_finite) {
        into.lo = into.any_finite ? std::min(into.lo, r.lo) : r.lo;
        into.hi = into.any_finite ? std::max(into.hi, r.hi) : r.hi;
        into.any_finite = true;
    }
}

// Min-max calibration of `count` adjacent groups of `len` values each (len a multiple of kLanes,
// count * len <= kBlock), into their parameters and the kernel's: what choose_parameters and
// kernel_params give group by group, in loops over the batch (for blocks of 32 the calls cost
// more than quantizing the values). Granularity.BatchedBlocksEqualTheScalarReference holds the
// two equal. `params` may be null (only the groups wanted); `seen` (optional) widens by the
// blocks' finite range; `known_lo_hi` (optional) holds each block's finite min and max, as
// short_block_min_max gives them (the cold call's range pass found them), instead of x.
void calibrate_blocks_minmax(const float* x, std::size_t count, std::size_t len,
                             const QuantConfig& config, GroupParameters* groups,
                             KernelParams* params, ValueRange* seen = nullptr,
                             const float* known_lo_hi = nullptr) {
    constexpr std::size_t kWidth = 8;  // groups per vector step below
    constexpr std::size_t kMaxGroups = kBlock / kLanes + kWidth;
    alignas(64) float lo[kMaxGroups];
    alignas(64) float hi[kMaxGroups];
    if (known_lo_hi != nullptr) {
        for (std::size_t g = 0; g < count; ++g) {
            lo[g] = known_lo_hi[2 * g];
            hi[g] = known_lo_hi[2 * g + 1];
        }
    } else {
        for (std::size_t g = 0; g < count; ++g) {
            detail::short_block_min_max(x + g * len, len, lo[g], hi[g]);
        }
    }
    for (std::size_t g = count; g < (count + kWidth - 1) / kWidth * kWidth; ++g) {
        lo[g] = hi[g] = 0;  // padding lanes, never stored
    }
    if (seen != nullptr) {  // the finite range of the blocks, into *seen
        for (std::size_t g = 0; g < count; ++g) {
            include_range(*seen, {lo[g], hi[g], lo[g] <= hi[g]});
        }
    }
    // parameters_for_range(minmax_range(range)) for each: a group with no finite value has the
    // range [0, 0]. The arithmetic runs on kWidth groups at a time in GCC vector types (the
    // group loop stayed scalar, its two double divisions the larger part of calibrating a
    // block), then the two structs are written group by group.
    using Doubles = double __attribute__((vector_size(kWidth * sizeof(double))));
    using Floats = float __attribute__((vector_size(kWidth * sizeof(float))));
    const IntegerFormat& f = config.format.integer_format();
    const auto min_code = static_cast<double>(f.min_code());
    const auto max_code = static_cast<double>(f.max_code());
    const bool symmetric = config.scheme == Scheme::Symmetric;
    const double steps =
        symmetric ? (f.is_signed ? (1 << (f.bits - 1)) - 1 : (1 << f.bits) - 1) : (1 << f.bits) - 1;
    const std::uint32_t seed = seed32(config.seed);
    alignas(64) float scales[kMaxGroups];
    alignas(64) float inv_scales[kMaxGroups];
    alignas(64) double lo_over_scale[kMaxGroups];  // affine: a / scale, for the zero point
    constexpr float kMax = std::numeric_limits<float>::max();
    constexpr float kMin = detail::kMinScale;
    for (std::size_t g = 0; g < count; g += kWidth) {
        Floats l;
        Floats h;
        std::memcpy(&l, lo + g, sizeof l);
        std::memcpy(&h, hi + g, sizeof h);
        const Doubles dl = __builtin_convertvector(l, Doubles);
        const Doubles dh = __builtin_convertvector(h, Doubles);
        const auto any = dl <= dh;
        const Doubles range_lo = any ? dl : Doubles{};
        const Doubles range_hi = any ? dh : Doubles{};
        Doubles scale;
        if (symmetric) {
            const Doubles abs_lo = range_lo < 0 ? -range_lo : range_lo;
            const Doubles abs_hi = range_hi < 0 ? -range_hi : range_hi;
            const Doubles absmax = abs_lo < abs_hi ? abs_hi : abs_lo;  // std::max
            scale = absmax / steps;  // 0 for a degenerate group: redone below
        } else {
            const Doubles a = Doubles{} < range_lo ? Doubles{} : range_lo;    // std::min(lo, 0)
            const Doubles top = range_hi < Doubles{} ? Doubles{} : range_hi;  // std::max(hi, 0)
            const Doubles span = top - a;
            scale = span > 0 ? span / steps : Doubles{} + 1.0;  // 0 spans: redone below
            const Doubles q = a / scale;
            std::memcpy(lo_over_scale + g, &q, sizeof q);
        }
        Floats sc = __builtin_convertvector(scale, Floats);
        // Groups whose scale is not a normal float (their range is degenerate or huge) are
        // redone by parameters_for_range below; 1 here keeps their lanes' arithmetic finite.
        const auto usable = (sc >= kMin) & (sc <= kMax);
        sc = usable ? sc : Floats{} + 1.0f;
        // 1/s rounded once from double, as kernel_params does.
        const Floats inv =
            __builtin_convertvector(1.0 / __builtin_convertvector(sc, Doubles), Floats);
        std::memcpy(scales + g, &sc, sizeof sc);
        std::memcpy(inv_scales + g, &inv, sizeof inv);
    }
    for (std::size_t g = 0; g < count; ++g) {
        const std::int32_t zero_point =
            symmetric ? 0
                      : static_cast<std::int32_t>(std::clamp(
                            min_code - __builtin_nearbyint(lo_over_scale[g]), min_code, max_code));
        const float s = scales[g];
        const float clip_min = static_cast<float>(f.min_code() - zero_point) * s;
        const float clip_max = static_cast<float>(f.max_code() - zero_point) * s;
        groups[g] = {s, zero_point, clip_min, clip_max};
        if (s == 1.0f || !std::isfinite(clip_min) || !std::isfinite(clip_max)) {
            // Rare (a zero, subnormal or huge range, or a scale of exactly 1): the scalar rule.
            const ValueRange r = lo[g] <= hi[g] ? ValueRange{lo[g], hi[g], true} : ValueRange{};
            groups[g] = parameters_for_range(minmax_range(r, config), config);
            if (params != nullptr) {
                params[g] = kernel_params(groups[g], config);
            }
            continue;
        }
        if (params == nullptr) {
            continue;
        }
        KernelParams& p = params[g];
        p.scale = s;
        p.inv_scale = inv_scales[g];
        p.zero_point = static_cast<float>(zero_point);
        p.qmin = static_cast<float>(min_code);
        p.qmax = static_cast<float>(max_code);
        p.clip_min = clip_bound(p.qmin - 0.5f, p.zero_point, s);
        p.clip_max = clip_bound(p.qmax + 0.5f, p.zero_point, s);
        p.rounding = config.rounding;
        p.seed = seed;
    }
}

// The union of the groups' clipping ranges (0, 0 for none). Half a million blocks' parameters
// are 16 MiB: read on both cores, four independent lanes each.
std::pair<double, double> clip_extent(const LargeVector<GroupParameters>& groups) {
    if (groups.empty()) {
        return {0.0, 0.0};
    }
    std::vector<std::pair<double, double>> parts(
        max_chunks(), {groups.front().clip_min, groups.front().clip_max});
    parallel_for(groups.size(), 64, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        constexpr std::size_t kWays = 4;
        double lo[kWays];
        double hi[kWays];
        std::fill(lo, lo + kWays, groups.front().clip_min);
        std::fill(hi, hi + kWays, groups.front().clip_max);
        std::size_t g = begin;
        for (; g + kWays <= end; g += kWays) {
            for (std::size_t k = 0; k < kWays; ++k) {
                lo[k] = std::min(lo[k], groups[g + k].clip_min);
                hi[k] = std::max(hi[k], groups[g + k].clip_max);
            }
        }
        for (; g < end; ++g) {
            lo[0] = std::min(lo[0], groups[g].clip_min);
            hi[0] = std::max(hi[0], groups[g].clip_max);
        }
        parts[chunk] = {*std::min_element(lo, lo + kWays), *std::max_element(hi, hi + kWays)};
    });
    std::pair<double, double> extent = parts.front();
    for (const auto& [lo, hi] : parts) {
        extent.first = std::min(extent.first, lo);
        extent.second = std::max(extent.second, hi);
    }
    return extent;
}

}  // namespace

GroupParameters parameters_for_range(const ClipRange& range, const QuantConfig& config) {
    if (!is_integer_config(config)) {
        return detail::scaled_parameters(range, config);
    }
    double lo = range.lo;
    double hi = range.hi;
    const IntegerFormat& f = config.format.integer_format();
    const auto min_code = static_cast<double>(f.min_code());
    const auto max_code = static_cast<double>(f.max_code());
    GroupParameters g;
    // The range the codes cover, in the kernel's float arithmetic (equal to the end levels).
    auto set_clip = [&] {
        g.clip_min = static_cast<float>(f.min_code() - g.zero_point) * static_cast<float>(g.scale);
        g.clip_max = static_cast<float>(f.max_code() - g.zero_point) * static_cast<float>(g.scale);
    };
    if (config.scheme == Scheme::Symmetric) {
        const double threshold = std::max(std::fabs(lo), std::fabs(hi));
        const int levels_half = f.is_signed ? (1 << (f.bits - 1)) - 1 : (1 << f.bits) - 1;
        // A zero, subnormal or huge range gets the nearest usable scale (scale_limits.h).
        g.scale = detail::usable_scale(threshold / levels_half, std::max(-min_code, max_code));
        g.zero_point = 0;
        set_clip();
        return g;
    }
    lo = std::min(lo, 0.0);
    hi = std::max(hi, 0.0);
    const double span = hi - lo;
    auto zero_point_for = [&](double scale) {
        return static_cast<std::int32_t>(std::clamp(
            min_code - std::nearbyint(scale > 0 ? lo / scale : 0.0), min_code, max_code));
    };
    const double wanted = span / ((1 << f.bits) - 1);
    g.zero_point = zero_point_for(wanted);
    // Scales are applied in float32: store the float32 value so that every path agrees.
    g.scale = static_cast<float>(wanted);
    set_clip();
    if (g.scale >= detail::kMinScale && std::isfinite(g.clip_min) && std::isfinite(g.clip_max)) {
        return g;
    }
    // A zero or tiny span: the smallest scale; a span near twice the float maximum: the largest
    // scale whose end levels, with the zero point it gives, are finite.
    g.scale = detail::usable_scale(wanted, 1.0);
    g.zero_point = zero_point_for(g.scale);
    for (int tries = 0; tries < 4; ++tries) {
        const double levels =
            std::max(std::fabs(min_code - g.zero_point), std::fabs(max_code - g.zero_point));
        const float top = detail::max_scale_for(levels);
        if (g.scale <= top) {
            break;
        }
        g.scale = top;
        g.zero_point = zero_point_for(g.scale);
    }
    set_clip();
    if (!std::isfinite(g.clip_min) || !std::isfinite(g.clip_max)) {
        g.scale = detail::max_scale_for(max_code - min_code);  // finite whatever the zero point
        g.zero_point = zero_point_for(g.scale);
        set_clip();
    }
    return g;
}

ClipRange clipping_bounds(const GroupParameters& params, const QuantConfig& config) {
    const auto scale = static_cast<float>(params.scale);
    if (!is_integer_config(config)) {
        const detail::CodeRange r = detail::code_range(config);
        return {static_cast<float>(r.lo) * scale, static_cast<float>(r.hi) * scale};
    }
    const auto zero_point = static_cast<float>(params.zero_point);
    const IntegerFormat& f = config.format.integer_format();
    return {clip_bound(static_cast<float>(f.min_code()) - 0.5f, zero_point, scale),
            clip_bound(static_cast<float>(f.max_code()) + 0.5f, zero_point, scale)};
}

GroupParameters choose_parameters(std::span<const float> values, const QuantConfig& config) {
    return parameters_for_range(calibrate(values, config), config);
}

MetricSums measure_quantization(std::span<const float> values, const GroupParameters& params,
                                const QuantConfig& config) {
    if (!is_integer_config(config)) {
        return detail::measure_scaled(values, params, config);
    }
    const KernelParams p = kernel_params(params, config);
    std::vector<MetricSums> partial(max_chunks());
    parallel_for(values.size(), kBlock, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        MetricSums sums;
        std::vector<float> scratch(kBlock);
        for (std::size_t b = begin; b < end; b += kBlock) {
            const std::size_t n = std::min(kBlock, end - b);
            quantize_block(values.data() + b, scratch.data(), nullptr, n, b, p, sums);
        }
        partial[chunk] = sums;
    });
    MetricSums total;
    for (const MetricSums& s : partial) {
        total += s;
    }
    return total;
}

std::vector<double> quantization_levels(const GroupParameters& params,
                                        const IntegerFormat& format) {
    std::vector<double> levels;
    levels.reserve(static_cast<std::size_t>(format.max_code() - format.min_code() + 1));
    for (std::int32_t q = format.min_code(); q <= format.max_code(); ++q) {
        // Same float arithmetic as the kernel, so levels equal the dequantized values exactly.
        levels.push_back(static_cast<float>(q - params.zero_point) *
                         static_cast<float>(params.scale));
    }
    return levels;
}

std::vector<double> quantization_levels(const GroupParameters& params, const QuantConfig& config) {
    if (is_integer_config(config)) {
        return quantization_levels(params, config.format.integer_format());
    }
    const Format& f = config.format;
    if (f.bits() > 12) {
        return {};  // thousands of levels: too many to draw or align bins to
    }
    std::vector<double> levels = f.all_values();
    const double step = config.block_scaling == BlockScaling::MX && f.kind() == FormatKind::Integer
                            ? 1.0 / 64.0
                            : 1.0;
    for (double& v : levels) {
        v = static_cast<float>(static_cast<float>(v * step) * static_cast<float>(params.scale));
    }
    return levels;
}

float quantize_value_reference(float x, const GroupParameters& params, const QuantConfig& config,
                               std::uint64_t index) {
    if (!is_integer_config(config)) {
        return detail::quantize_scaled_value_reference(x, params, config, index);
    }
    if (!std::isfinite(x)) {
        return x;
    }
    const float scale = static_cast<float>(params.scale);
    const float inv_scale = static_cast<float>(1.0 / static_cast<double>(scale));
    const float r = round_scalar(x * inv_scale, config.rounding, seed32(config.seed), index);
    const float q = std::clamp(r + static_cast<float>(params.zero_point),
                               static_cast<float>(config.format.integer_format().min_code()),
                               static_cast<float>(config.format.integer_format().max_code()));
    return (q - static_cast<float>(params.zero_point)) * scale;
}

namespace {

// Runs the kernel over one run with one set of parameters, counting the KL histogram (optional)
// while each block is in L1.
void quantize_run(std::span<const float> values, const Run& run, const KernelParams& p, float* y,
                  std::int32_t* codes, MetricSums& sums, const std::atomic<bool>* cancel,
                  detail::KlCounts* kl) {
    for (std::size_t b = 0; b < run.length; b += kBlock) {
        detail::throw_if_cancelled(cancel);
        const std::size_t offset = run.offset + b;
        const std::size_t n = std::min(kBlock, run.length - b);
        quantize_block(values.data() + offset, y + offset, codes ? codes + offset : nullptr, n,
                       offset, p, sums, kl);
    }
}

}  // namespace

QuantResult quantize(std::span<const float> values, const QuantConfig& config,
                     const QuantizeOptions& options) {
    return quantize(values, {}, config, options);
}

ValueSummary summarize_values(std::span<const float> values) {
    ValueSummary summary;
    summary.range = finite_range(values);
    return summary;
}

namespace {

// What a cold quantize() learned in the pass that found the finite range: the groups' min-max
// calibration, which the quantize pass then does not repeat.
struct KnownCalibration {
    const GroupLayout* layout = nullptr;                     // make_layout's, when it was made
    const std::vector<ClipRange>* strided_ranges = nullptr;  // strided channels
    LargeVector<GroupParameters>* groups = nullptr;          // contiguous groups, integer formats
    // Uniform short blocks (integer min-max, MX): each block's finite min and max.
    const LargeVector<float>* block_lo_hi = nullptr;
};

// Whether the batch kernel takes a run of groups of this length (else one group at a time).
bool batches_groups_of(std::size_t length) {
    return length % kLanes == 0 && length <= kBlock / 2;
}

// The end of the batch that starts at group `gi`: the adjacent groups of its length that follow,
// before `end`, at most kBlock values in all.
std::size_t batch_end(const GroupLayout& layout, std::size_t gi, std::size_t end) {
    const Run first = layout.run(gi);
    if (layout.block_length != 0) {
        return std::min(end, gi + std::max<std::size_t>(1, kBlock / first.length));
    }
    std::size_t length = 0;
    while (gi < end && length + first.length <= kBlock &&
           layout.single_runs[gi].length == first.length &&
           layout.single_runs[gi].offset == first.offset + length) {
        length += first.length;
        ++gi;
    }
    return gi;
}

// The min-max parameters of every group of a contiguous layout (blocks, channels along axis 0)
// of an integer config, and the finite range of all values, in one pass.
ValueRange calibrate_groups_minmax(std::span<const float> values, const GroupLayout& layout,
                                   const QuantConfig& config,
                                   LargeVector<GroupParameters>& groups) {
    const std::size_t group_count = layout.groups();
    groups.resize(group_count);  // every group is written below
    std::vector<ValueRange> seen(max_chunks());
    parallel_for_tasks(
        group_count, values.size(), [&](std::size_t chunk, std::size_t begin, std::size_t end) {
            ValueRange range;
            std::size_t gi = begin;
            while (gi < end) {
                const Run first = layout.run(gi);
                if (!batches_groups_of(first.length)) {
                    const ValueRange r = finite_range(values.subspan(first.offset, first.length));
                    groups[gi] = parameters_for_range(minmax_range(r, config), config);
                    include_range(range, r);
                    ++gi;
                    continue;
                }
                const std::size_t first_group = gi;
                gi = batch_end(layout, gi, end);
                calibrate_blocks_minmax(values.data() + first.offset, gi - first_group,
                                        first.length, config, &groups[first_group], nullptr,
                                        &range);
            }
            seen[chunk] = range;
        });
    ValueRange all;
    for (const ValueRange& r : seen) {
        include_range(all, r);
    }
    return all;
}

// The finite min and max of every block of a uniform-block layout (lo_hi[2 g], lo_hi[2 g + 1],
// as short_block_min_max gives them), and the finite range of all values, in one pass: the
// range pass of a cold call, which reads every value anyway, and 8 bytes a block (4 MiB for
// blocks of 32 at 16M values) instead of the quantize pass folding each block's lanes.
ValueRange block_min_max(std::span<const float> values, const GroupLayout& layout,
                         LargeVector<float>& lo_hi) {
    const std::size_t blocks = layout.groups();
    const std::size_t length = layout.block_length;
    lo_hi.resize(2 * blocks);  // every entry is written below
    std::vector<ValueRange> seen(max_chunks());
    parallel_for_tasks(
        blocks, values.size(), [&](std::size_t chunk, std::size_t begin, std::size_t end) {
            ValueRange range;
            float* out = lo_hi.data();
            for (std::size_t g = begin; g < end; ++g) {
                const float* x = values.data() + g * length;
                for (std::size_t i = 0; i < length; i += detail::kValuesPerLine) {
                    detail::prefetch_ahead(x + i);
                }
                detail::short_block_min_max(x, length, out[2 * g], out[2 * g + 1]);
                include_range(range, {out[2 * g], out[2 * g + 1], out[2 * g] <= out[2 * g + 1]});
            }
            seen[chunk] = range;
        });
    ValueRange all;
    for (const ValueRange& r : seen) {
        include_range(all, r);
    }
    return all;
}

// Quantizes without outliers; the KL metric is left to the caller.
// `range` (optional) is the values' finite range, for per-tensor min-max calibration;
// `kl` (optional) counts the KL metric's histogram; `known` (optional) is the min-max
// calibration of a cold call's first pass.
QuantResult quantize_core(std::span<const float> values, std::span<const std::int64_t> shape,
                          const QuantConfig& config, const QuantizeOptions& options,
                          const ValueRange* range = nullptr, detail::KlCounter* kl = nullptr,
                          const KnownCalibration& known = {}) {
    const std::vector<ClipRange>* strided_ranges = known.strided_ranges;
    using detail::KlCounter;
    GroupLayout made;
    if (known.layout == nullptr) {
        made = make_layout(values.size(), shape, config.granularity);
    }
    const GroupLayout& layout = known.layout != nullptr ? *known.layout : made;
    const std::size_t group_count = layout.groups();
    QuantResult result;
    const bool groups_known = known.groups != nullptr && known.groups->size() == group_count;
    const float* const block_lo_hi =
        known.block_lo_hi != nullptr && known.block_lo_hi->size() == 2 * group_count
            ? known.block_lo_hi->data()
            : nullptr;
    if (groups_known) {
        result.groups = std::move(*known.groups);
    } else {
        result.groups.resize(group_count);
    }
    result.dequantized.resize(values.size());
    if (options.keep_codes) {
        result.codes.resize(values.size());
    }
    float* y = result.dequantized.data();
    std::int32_t* codes = options.keep_codes ? result.codes.data() : nullptr;
    std::vector<MetricSums> partial(max_chunks());
    constexpr double kInf = std::numeric_limits<double>::infinity();
    std::vector<std::pair<double, double>> task_extents(max_chunks(), {kInf, -kInf});
    bool extent_known = false;  // task_extents hold the groups' clipping ranges' union

    if (!is_integer_config(config)) {
        std::optional<std::pair<double, double>> extent;
        partial.front() =
            detail::quantize_scaled(values, layout, config, options, result, kl, range,
                                    strided_ranges, &extent, known.block_lo_hi);
        if (extent) {
            task_extents.front() = *extent;
            extent_known = true;
        }
    } else if (group_count == 1 && !layout.strided) {
        // Per tensor: calibrate once, then split the single run across the cores.
        GroupParameters g;
        if (range != nullptr && config.calibration.method == CalibrationMethod::MinMax) {
            // The finite range is known: no second pass for it.
            g = parameters_for_range(minmax_range(*range, config), config);
        } else {
            g = choose_parameters(values, config);
        }
        result.groups[0] = g;
        const KernelParams p = kernel_params(g, config);
        parallel_for(values.size(), kBlock,
                     [&](std::size_t chunk, std::size_t begin, std::size_t end) {
                         MetricSums sums;
                         quantize_run(values, {begin, end - begin}, p, y, codes, sums,
                                      options.cancel, KlCounter::local(kl, chunk));
                         partial[chunk] = sums;
                     });
    } else if (!layout.strided) {
        // Blocks and contiguous channels: each task calibrates and quantizes its own groups.
        parallel_for_tasks(
            group_count, values.size(), [&](std::size_t chunk, std::size_t begin, std::size_t end) {
                MetricSums sums;
                // The union of this task's clipping ranges, from groups just written (in cache),
                // instead of a pass over all of them afterwards (16 MiB for blocks of 32).
                std::pair<double, double> extent = task_extents[chunk];
                auto widen = [&](std::size_t from, std::size_t to) {
                    // In locals: through `extent` itself every step waited on the last store.
                    double lo = extent.first;
                    double hi = extent.second;
                    for (std::size_t k = from; k < to; ++k) {
                        lo = std::min(lo, result.groups[k].clip_min);
                        hi = std::max(hi, result.groups[k].clip_max);
                    }
                    extent = {lo, hi};
                };
                detail::KlCounts* const counts = KlCounter::local(kl, chunk);
                std::vector<KernelParams> batch;
                std::size_t gi = begin;
                while (gi < end) {
                    const Run first = layout.run(gi);
                    if (codes != nullptr || !batches_groups_of(first.length)) {
                        // A long group (a channel) or one the batch kernel does not take.
                        const GroupParameters g =
                            groups_known ? result.groups[gi]
                                         : choose_parameters(
                                               values.subspan(first.offset, first.length), config);
                        result.groups[gi] = g;
                        quantize_run(values, first, kernel_params(g, config), y, codes, sums,
                                     options.cancel, counts);
                        widen(gi, gi + 1);
                        ++gi;
                        continue;
                    }
                    // Short blocks: calibrate up to kBlock values' worth of adjacent groups of one
                    // length, then quantize them in one kernel call.
                    detail::throw_if_cancelled(options.cancel);
                    const std::size_t first_group = gi;
                    gi = batch_end(layout, gi, end);
                    const std::size_t count = gi - first_group;
                    const std::size_t length = count * first.length;
                    batch.resize(count);
                    if (groups_known) {
                        const KernelParams base = kernel_params(result.groups[first_group], config);
                        for (std::size_t k = 0; k < count; ++k) {
                            batch[k] = with_group(base, result.groups[first_group + k]);
                        }
                    } else if (config.calibration.method == CalibrationMethod::MinMax) {
                        calibrate_blocks_minmax(
                            values.data() + first.offset, count, first.length, config,
                            &result.groups[first_group], batch.data(), nullptr,
                            block_lo_hi != nullptr ? block_lo_hi + 2 * first_group : nullptr);
                    } else {
                        for (std::size_t k = 0; k < count; ++k) {
                            const GroupParameters g = choose_parameters(
                                values.subspan(first.offset + k * first.length, first.length),
                                config);
                            result.groups[first_group + k] = g;
                            batch[k] = kernel_params(g, config);
                        }
                    }
                    widen(first_group, gi);
                    const float* xb = values.data() + first.offset;
                    float* yb = y + first.offset;
                    quantize_blocks(xb, yb, length, first.offset, batch.data(), first.length, sums,
                                    counts);
                }
                task_extents[chunk] = extent;
                partial[chunk] = sums;
            });
        extent_known = true;
    } else {
        // Strided channels: calibrate each channel, then sweep the rows. Min-max ranges come
        // from one row-major pass; other methods gather each channel.
        if (config.calibration.method == CalibrationMethod::MinMax) {
            std::vector<ClipRange> computed;
            if (strided_ranges == nullptr) {
                computed = detail::strided_minmax_ranges(values, layout, config);
            }
            const std::vector<ClipRange>& ranges =
                strided_ranges != nullptr ? *strided_ranges : computed;
            for (std::size_t c = 0; c < layout.dim; ++c) {
                result.groups[c] = parameters_for_range(ranges[c], config);
            }
        } else {
            parallel_for_tasks(
                layout.dim, values.size(), [&](std::size_t, std::size_t begin, std::size_t end) {
                    for (std::size_t c = begin; c < end; ++c) {
                        result.groups[c] = parameters_for_range(
                            detail::calibrate_group(values, layout, c, config), config);
                    }
                });
        }
        if (layout.inner == 1) {
            // Channels along the last axis: per-element parameter arrays over each row.
            constexpr std::size_t kFields = ParamArrays::kFields;
            std::vector<float> packed((layout.dim + kLanes - 1) / kLanes * kFields * kLanes, 1.0f);
            KernelParams uniform{};
            for (std::size_t c = 0; c < layout.dim; ++c) {
                const KernelParams p = kernel_params(result.groups[c], config);
                float* lanes = packed.data() + c / kLanes * kFields * kLanes + c % kLanes;
                lanes[0] = p.inv_scale;
                lanes[kLanes] = p.scale;
                lanes[2 * kLanes] = p.zero_point;
                lanes[3 * kLanes] = p.clip_min;
                lanes[4 * kLanes] = p.clip_max;
                uniform = p;
            }
            const ParamArrays params{packed.data()};
            parallel_for_tasks(
                layout.outer, values.size(),
                [&](std::size_t chunk, std::size_t begin, std::size_t end) {
                    MetricSums sums;
                    detail::KlCounts* const counts = KlCounter::local(kl, chunk);
                    alignas(64) float block[kBlock];
                    for (std::size_t o = begin; o < end; ++o) {
                        detail::throw_if_cancelled(options.cancel);
                        for (std::size_t c0 = 0; c0 < layout.dim; c0 += kBlock) {
                            const std::size_t offset = o * layout.dim + c0;
                            const std::size_t n = std::min(kBlock, layout.dim - c0);
                            const ParamArrays a = params.from(c0);  // c0: a multiple of kBlock
                            const float* x = values.data() + offset;
                            // Q(x) is made in `block`, then streamed out: its lines then
                            // neither cost a read nor crowd the counters out of L1
                            // (stream_store.h).
                            quantize_block_with<true>(x, block, codes ? codes + offset : nullptr, n,
                                                      offset, uniform, a, sums, counts);
                            detail::stream_store(y + offset, block, n);
                        }
                    }
                    detail::stream_fence();
                    partial[chunk] = sums;
                });
        } else {
            parallel_for_tasks(layout.outer * layout.dim, values.size(),
                               [&](std::size_t chunk, std::size_t begin, std::size_t end) {
                                   MetricSums sums;
                                   detail::KlCounts* const counts = KlCounter::local(kl, chunk);
                                   for (std::size_t r = begin; r < end; ++r) {
                                       const std::size_t c = r % layout.dim;
                                       quantize_run(values, {r * layout.inner, layout.inner},
                                                    kernel_params(result.groups[c], config), y,
                                                    codes, sums, options.cancel, counts);
                                   }
                                   partial[chunk] = sums;
                               });
        }
    }

    MetricSums total;
    for (const MetricSums& s : partial) {
        total += s;
    }
    detail::make_sums_exact(values, y, total);
    result.metrics = finish_metrics(total);
    std::pair<double, double> extent{kInf, -kInf};
    if (extent_known && group_count > 0) {
        for (const std::pair<double, double>& e : task_extents) {
            extent = {std::min(extent.first, e.first), std::max(extent.second, e.second)};
        }
    } else {
        extent = clip_extent(result.groups);
    }
    result.clip_min = extent.first;
    result.clip_max = extent.second;
    result.storage = storage_for(static_cast<std::int64_t>(values.size()),
                                 static_cast<std::int64_t>(group_count), config);
    return result;
}

// LLM.int8()-style: values beyond the threshold are kept in FP16 (rounded to it, so their small
// error counts too) and hidden from calibration as NaN; everything else is quantized. `kl`
// counts the quantized values only (kept values are exact).
QuantResult quantize_with_outliers(std::span<const float> values,
                                   std::span<const std::int64_t> shape, const QuantConfig& config,
                                   const QuantizeOptions& options, detail::KlCounter& kl) {
    const auto threshold = static_cast<float>(config.outlier_threshold);
    FloatBuffer inliers(values.size());
    std::vector<std::int64_t> kept(max_chunks(), 0);
    parallel_for(values.size(), kBlock, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        std::int64_t count = 0;
        for (std::size_t i = begin; i < end; ++i) {
            const bool outlier = std::fabs(values[i]) > threshold && std::isfinite(values[i]);
            inliers[i] = outlier ? std::numeric_limits<float>::quiet_NaN() : values[i];
            count += outlier ? 1 : 0;
        }
        kept[chunk] = count;
    });
    std::int64_t outliers = 0;
    for (std::int64_t c : kept) {
        outliers += c;
    }
    QuantConfig inner = config;
    inner.outlier_threshold = 0;
    QuantResult result = quantize_core(inliers, shape, inner, options, nullptr, &kl);
    const std::int64_t clipped = static_cast<std::int64_t>(
        std::llround(result.metrics.clipped_fraction * static_cast<double>(result.metrics.count)));
    const FloatFormat fp16 = parse_format("fp16").float_format();
    const FloatRounder to_fp16(fp16, Rounding::NearestEven, Saturation::Saturate);
    std::vector<MetricSums> partial(max_chunks());
    parallel_for(values.size(), kBlock, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        MetricSums sums;
        for (std::size_t b = begin; b < end; b += kBlock) {
            const std::size_t n = std::min(kBlock, end - b);
            float kept_value[kBlock];
            to_fp16.round(values.subspan(b, n), std::span<float>(kept_value, n), b);
            for (std::size_t i = 0; i < n; ++i) {
                if (std::isnan(inliers[b + i]) && !std::isnan(values[b + i])) {
                    result.dequantized[b + i] = kept_value[i];
                    if (options.keep_codes) {
                        result.codes[b + i] = 0;
                    }
                }
            }
            detail::accumulate_error_sums(values.data() + b, result.dequantized.data() + b, n,
                                          sums);
        }
        partial[chunk] = sums;
    });
    MetricSums total;
    for (const MetricSums& s : partial) {
        total += s;
    }
    total.clipped = clipped;
    detail::make_sums_exact(values, result.dequantized.data(), total);
    result.metrics = finish_metrics(total);
    const auto n = static_cast<double>(std::max<std::int64_t>(total.count, 1));
    result.metrics.outlier_fraction = static_cast<double>(outliers) / n;
    // Each kept outlier: its FP16 value and a 32-bit position; its slot in the quantized tensor
    // is still stored (dense layout), as in LLM.int8's decomposition.
    result.storage.outlier_bytes = outliers * 6;
    result.storage.bytes += result.storage.outlier_bytes;
    result.storage.bits_per_value = values.empty() ? 0.0
                                                   : static_cast<double>(result.storage.bytes) * 8 /
                                                         static_cast<double>(values.size());
    return result;
}

// quantize_with_range's result for values that are not empty, without its notes.
QuantResult quantize_measured(std::span<const float> values, std::span<const std::int64_t> shape,
                              const QuantConfig& config, const QuantizeOptions& options,
                              const ValueRange& range, const KnownCalibration& known) {
    detail::KlCounter kl(config);
    QuantResult result = config.outlier_threshold > 0
                             ? quantize_with_outliers(values, shape, config, options, kl)
                             : quantize_core(values, shape, config, options, &range, &kl, known);
    kl.finish(result.metrics);
    return result;
}

// Everything quantize() does, with the finite range known and the histogram of x known or not
// (then the kernels count it as they go). An empty tensor is answered before any loop or
// allocation: its shape may claim 2^62 channels.
QuantResult quantize_with_range(std::span<const float> values, std::span<const std::int64_t> shape,
                                const QuantConfig& config, const QuantizeOptions& options,
                                const ValueRange& range, const KnownCalibration& known = {}) {
    check_config(config);
    QuantResult result;
    if (values.empty()) {
        detail::checked_shape(0, shape, config.granularity);
        result.metrics = finish_metrics({});
    } else {
        result = quantize_measured(values, shape, config, options, range, known);
    }
    result.notes = detail::result_notes(values.size(), range, config, result);
    return result;
}

}  // namespace

QuantResult quantize(std::span<const float> values, std::span<const std::int64_t> shape,
                     const QuantConfig& config, const QuantizeOptions& options,
                     const ValueSummary& summary) {
    return quantize_with_range(values, shape, config, options, summary.range);
}

QuantResult quantize(std::span<const float> values, std::span<const std::int64_t> shape,
                     const QuantConfig& config, const QuantizeOptions& options) {
    // The histogram of x is counted by the kernels, in the same pass as Q(x). Min-max strided
    // channels and long groups are calibrated in the pass that finds the finite range.
    // Blocks that tile their rows (integer min-max short blocks, MX): that pass finds each
    // block's min and max too, and the quantize pass their parameters from them.
    auto with_block_ranges = [&](const GroupLayout& layout) {
        LargeVector<float> lo_hi;
        const ValueRange range = block_min_max(values, layout, lo_hi);
        return quantize_with_range(values, shape, config, options, range,
                                   {.layout = &layout, .block_lo_hi = &lo_hi});
    };
    if (config.outlier_threshold <= 0 && config.calibration.method == CalibrationMethod::MinMax &&
        config.granularity.kind != Granularity::Kind::Tensor &&
        config.block_scaling == BlockScaling::None) {
        check_config(config);
        const GroupLayout layout = make_layout(values.size(), shape, config.granularity);
        if (layout.strided) {
            ValueRange range;
            const std::vector<ClipRange> ranges =
                detail::strided_minmax_ranges(values, layout, config, &range);
            return quantize_with_range(values, shape, config, options, range,
                                       {.layout = &layout, .strided_ranges = &ranges});
        }
        if (is_integer_config(config) && layout.groups() > 1 &&
            !batches_groups_of(layout.run(0).length)) {
            // Long groups (channels along axis 0): calibrated in the range pass, each group is
            // read once less. Short blocks stay calibrated in the quantize pass, in L1: a pass
            // writing their parameters (16 MiB for blocks of 32) was 1-1.5 ms slower.
            LargeVector<GroupParameters> groups;
            const ValueRange range = calibrate_groups_minmax(values, layout, config, groups);
            return quantize_with_range(values, shape, config, options, range,
                                       {.layout = &layout, .groups = &groups});
        }
        if (is_integer_config(config) && layout.block_length != 0 &&
            batches_groups_of(layout.block_length)) {
            return with_block_ranges(layout);  // uniform short blocks
        }
        return quantize_with_range(values, shape, config, options, finite_range(values),
                                   {.layout = &layout});
    }
    if (config.outlier_threshold <= 0 && config.block_scaling == BlockScaling::MX) {
        // (Not NVFP4's blocks of 16: its run was 2 ms slower.)
        check_config(config);
        const GroupLayout layout = make_layout(values.size(), shape, config.granularity);
        if (layout.block_length != 0) {
            return with_block_ranges(layout);
        }
        return quantize_with_range(values, shape, config, options, finite_range(values),
                                   {.layout = &layout});
    }
    return quantize_with_range(values, shape, config, options, finite_range(values));
}

Metrics reference_kl_metrics(std::span<const float> values, std::span<const std::int64_t> shape,
                             const QuantConfig& config, const QuantResult& result) {
    const GroupLayout layout = make_layout(values.size(), shape, config.granularity);
    detail::KlCounter counter(config);
    detail::KlCounts& counts = *detail::KlCounter::local(&counter, 0);
    const auto threshold = static_cast<float>(config.outlier_threshold);
    std::size_t g = 0;  // runs ascend through the values
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (layout.strided) {
            g = (i / layout.inner) % layout.dim;
        } else {
            while (g + 1 < layout.groups() && layout.run(g + 1).offset <= i) {
                ++g;
            }
        }
        const float x = values[i];
        if (config.outlier_threshold > 0 && std::fabs(x) > threshold) {
            continue;  // kept in FP16: exact
        }
        const auto scale = static_cast<float>(result.groups[g].scale);
        const float inv = scale > 0 ? static_cast<float>(1.0 / static_cast<double>(scale)) : 0.0f;
        const float zero_point =
            is_integer_config(config) ? static_cast<float>(result.groups[g].zero_point) : 0.0f;
        counts.add(&x, 1, inv, zero_point);
    }
    Metrics m = result.metrics;
    counter.finish(m);
    return m;
}

HistogramPlot make_histogram_plot(std::span<const float> values, const QuantResult& result,
                                  const QuantConfig& config, std::size_t bins,
                                  std::optional<ClipRange> range) {
    HistogramPlot plot;
    double lo = 0;
    double hi = 0;
    if (range) {
        lo = range->lo;  // the caller's view: values outside count as below / above
        hi = range->hi;
    } else {
        const ValueRange r = finite_range(values);
        lo = std::min(r.any_finite ? r.lo : 0.0, result.clip_min);
        hi = std::max(r.any_finite ? r.hi : 0.0, result.clip_max);
    }
    if (result.groups.size() == 1) {
        plot.levels = quantization_levels(result.groups.front(), config);
    }
    // Aligned bins need a uniform grid: integer formats only.
    if (!range && bins == 0 && is_integer_config(config) && !plot.levels.empty() &&
        plot.levels.size() <= kMaxAlignedLevels) {
        // Bins aligned to the rounding cells: k bins per step with the level at the centre of
        // the middle one, so the dequantized histogram holds exactly the count of each level.
        const double step = result.groups.front().scale;
        const std::size_t per_step = std::max<std::size_t>(1, (128 / plot.levels.size()) | 1);
        const double width = step / static_cast<double>(per_step);
        const double first_edge = plot.levels.front() - step / 2;
        const double below = std::ceil(std::max(0.0, first_edge - lo) / width);
        const double above = std::ceil(std::max(0.0, hi - (plot.levels.back() + step / 2)) / width);
        const double total = below + above + static_cast<double>(plot.levels.size() * per_step);
        if (total <= static_cast<double>(kMaxAlignedBins)) {
            lo = first_edge - below * width;
            hi = lo + total * width;
            bins = static_cast<std::size_t>(total);
        }
    }
    if (bins == 0) {
        bins = automatic_bin_count(values.size());
    }
    const float* y = result.dequantized.data();
    {
        // Original and dequantized on the same bins, in one pass over both arrays.
        detail::PairHistograms both(detail::empty_histogram(lo, hi, bins));
        parallel_for(values.size(), kBlock,
                     [&](std::size_t chunk, std::size_t begin, std::size_t end) {
                         const auto counts = both.local(chunk);
                         for (std::size_t b = begin; b < end; b += kBlock) {
                             counts.add(values.data() + b, y + b, std::min(kBlock, end - b), true);
                         }
                     });
        plot.original = both.x();
        plot.dequantized = both.y();
    }
    // The bins span the errors of the values inside the clipping range (the rounding error the
    // format makes); clipped values, whose errors can be thousands of steps, land in `below` /
    // `above` instead of squeezing the rounding error into one bin. The density view shows them.
    // E is made a block at a time, twice (for its range, then its counts), instead of being
    // written out: two tensor-sized arrays cost more than the subtraction.
    const auto clip_lo = static_cast<float>(result.clip_min);
    const auto clip_hi = static_cast<float>(result.clip_max);
    auto errors_of_block = [&](std::size_t b, std::size_t n, float* __restrict e) {
        const float* __restrict xb = values.data() + b;
        const float* __restrict yb = y + b;
        for (std::size_t i = 0; i < n; i += detail::kValuesPerLine) {
            detail::prefetch_ahead(xb + i);
            detail::prefetch_ahead(yb + i);
        }
        for (std::size_t i = 0; i < n; ++i) {
            e[i] = xb[i] - yb[i];  // NaN/Inf give NaN or Inf: skipped
        }
    };
    struct ErrorRanges {
        ValueRange inside;  // errors of the values inside the clipping range
        ValueRange all;
    };
    std::vector<ErrorRanges> ranges(max_chunks());
    parallel_for(values.size(), kBlock, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        constexpr float kInf = std::numeric_limits<float>::infinity();
        float e[kBlock + kLanes];
        // kLanes lanes per bound, and excluded values made +-Inf before a plain min / max, so
        // that the loop vectorizes (combined conditions did not).
        float inside_lo[kLanes], inside_hi[kLanes], all_lo[kLanes], all_hi[kLanes];
        std::fill(inside_lo, inside_lo + kLanes, kInf);
        std::fill(all_lo, all_lo + kLanes, kInf);
        std::fill(inside_hi, inside_hi + kLanes, -kInf);
        std::fill(all_hi, all_hi + kLanes, -kInf);
        for (std::size_t b = begin; b < end; b += kBlock) {
            const std::size_t n = std::min(kBlock, end - b);
            errors_of_block(b, n, e);
            // Whole lanes; a short last block's tail is padded with NaN, which both skip.
            const std::size_t padded = (n + kLanes - 1) / kLanes * kLanes;
            std::fill(e + n, e + padded, std::numeric_limits<float>::quiet_NaN());
            const float* x = values.data() + b;
            for (std::size_t i = 0; i < padded; i += kLanes) {
                for (std::size_t j = 0; j < kLanes; ++j) {
                    const float v = e[i + j];
                    const float xv = i + j < n ? x[i + j] : 0.0f;
                    const bool finite = __builtin_fabsf(v) <= 3.40282347e38f;
                    const bool inside = finite & (xv >= clip_lo) & (xv <= clip_hi);
                    const float for_lo = finite ? v : kInf;
                    const float for_hi = finite ? v : -kInf;
                    const float in_lo = inside ? v : kInf;
                    const float in_hi = inside ? v : -kInf;
                    all_lo[j] = for_lo < all_lo[j] ? for_lo : all_lo[j];
                    all_hi[j] = for_hi > all_hi[j] ? for_hi : all_hi[j];
                    inside_lo[j] = in_lo < inside_lo[j] ? in_lo : inside_lo[j];
                    inside_hi[j] = in_hi > inside_hi[j] ? in_hi : inside_hi[j];
                }
            }
        }
        for (std::size_t j = 1; j < kLanes; ++j) {
            all_lo[0] = std::min(all_lo[0], all_lo[j]);
            all_hi[0] = std::max(all_hi[0], all_hi[j]);
            inside_lo[0] = std::min(inside_lo[0], inside_lo[j]);
            inside_hi[0] = std::max(inside_hi[0], inside_hi[j]);
        }
        ErrorRanges& r = ranges[chunk];
        r.all = all_lo[0] <= all_hi[0] ? ValueRange{all_lo[0], all_hi[0], true} : ValueRange{};
        r.inside = inside_lo[0] <= inside_hi[0] ? ValueRange{inside_lo[0], inside_hi[0], true}
                                                : ValueRange{};
    });
    auto merge = [](ValueRange& into, const ValueRange& r) {
        if (r.any_finite) {
            into.lo = into.any_finite ? std::min(into.lo, r.lo) : r.lo;
            into.hi = into.any_finite ? std::max(into.hi, r.hi) : r.hi;
            into.any_finite = true;
        }
    };
    ValueRange error_range;
    ValueRange all_errors;
    for (const ErrorRanges& r : ranges) {
        merge(error_range, r.inside);
        merge(all_errors, r.all);
    }
    if (!error_range.any_finite) {
        error_range = all_errors;  // everything clipped: show it all
    }
    const Histogram error_shape =
        detail::empty_histogram(error_range.lo, error_range.hi, automatic_bin_count(values.size()));
    std::vector<std::optional<detail::SlotCounts>> error_counts(max_chunks());
    parallel_for(values.size(), kBlock, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        detail::SlotCounts& counts = error_counts[chunk].emplace(error_shape);
        float e[kBlock];
        for (std::size_t b = begin; b < end; b += kBlock) {
            const std::size_t n = std::min(kBlock, end - b);
            errors_of_block(b, n, e);
            counts.add(e, n, false);
        }
    });
    plot.error = error_shape;
    for (const std::optional<detail::SlotCounts>& counts : error_counts) {
        if (counts) {
            counts->add_to(plot.error);
        }
    }
    plot.clip_min = result.clip_min;
    plot.clip_max = result.clip_max;
    return plot;
}

}  // namespace quantscope
