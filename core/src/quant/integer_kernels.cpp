#include "integer_kernels.h"

#include <cmath>

#include "../common/prefetch.h"

namespace quantscope::detail {

namespace {

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
                // NaN: 0; +-Inf: the end code it saturates to (infinite_input_code).
                codes[i] = std::isnan(xi) ? 0 : static_cast<std::int32_t>(xi > 0 ? p.qmax : p.qmin);
            }
            continue;
        }
        const float t = dithered(xi * p.inv_scale, p.dither, p.seed, first_index + i);
        const float r = round_scalar(t, p.rounding, p.seed, first_index + i);
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
// waited on store-to-load forwarding.
// With KernelSlots, it also writes the KL histogram's slot of each value of its whole kLanes steps
// (kl_slot of x / s + z on `grid`; valid whether or not the block held NaN or Inf).
template <Rounding R, ParamMode Mode, KlCounting K = KlCounting::None>
[[gnu::noinline]] void quantize_block_fused(const float* __restrict x, float* __restrict y,
                                            std::size_t n, std::uint64_t first_index,
                                            const KernelParams& p, const ParamArrays& a,
                                            MetricSums& sums, float& nonfinite,
                                            const BlockParams& per_block = {},
                                            std::uint32_t* __restrict kl_slots = nullptr,
                                            const detail::KlGrid* grid = nullptr) {
    constexpr bool PerElement = Mode == ParamMode::PerElement;
    constexpr bool kWriteSlots = K == KlCounting::KernelSlots;
    const detail::KlGrid g = kWriteSlots ? *grid : detail::KlGrid{};
    detail::LaneSums lane_sums;
    float inv_uniform = p.inv_scale;
    float scale_uniform = p.scale;
    float zp_uniform = p.zero_point;
    const float qmin = p.qmin;
    const float qmax = p.qmax;
    float cmin_uniform = p.clip_min;
    float cmax_uniform = p.clip_max;
    const std::size_t whole = n / kLanes * kLanes;
    // The caller sends a block that crosses a key boundary to the scalar path (stochastic).
    const std::uint32_t key = stochastic_key(p.seed, first_index);
    const auto low_index = static_cast<std::uint32_t>(first_index);
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
            float q =
                round_to_integer<R>(t, key, low_index + static_cast<std::uint32_t>(i + j)) + zp;
            q = q < qmin ? qmin : q;
            q = q > qmax ? qmax : q;
            const float yi = (q - zp) * scale;
            y[i + j] = yi;
            if constexpr (kWriteSlots) {
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

// x[i] in code units, x / s + z: where the KL histogram counts it.
template <bool PerElement>
float code_position(const float* x, std::size_t i, const KernelParams& p, const ParamArrays& a) {
    return PerElement ? x[i] * a.inv_scale(i) + a.zero_point(i) : x[i] * p.inv_scale + p.zero_point;
}

// Dithered configs (and stochastic blocks across a key boundary): the scalar path, and the KL
// histogram of x (undithered) from each value's position. Apart, so that the fused kernel's
// caller stays as it was.
template <bool PerElement>
[[gnu::noinline]] void quantize_block_dithered(const float* x, float* y, std::int32_t* codes,
                                               std::size_t n, std::uint64_t first_index,
                                               const KernelParams& p, const ParamArrays& a,
                                               MetricSums& sums, detail::KlCounts* kl) {
    if (kl != nullptr) {
        std::uint32_t slots[kBlock];
        for (std::size_t i = 0; i < n; ++i) {
            slots[i] = kl_slot(x[i], code_position<PerElement>(x, i, p, a), kl->grid());
        }
        kl->add_slots(slots, n);
    }
    quantize_block_scalar<PerElement>(x, y, codes, n, first_index, p, a, sums);
}

// `kl` (optional) counts the block's values, n <= kBlock, into the KL histogram.
template <bool PerElement>
void quantize_block_with(const float* x, float* y, std::int32_t* codes, std::size_t n,
                         std::uint64_t first_index, const KernelParams& p, const ParamArrays& a,
                         MetricSums& sums, detail::KlCounts* kl = nullptr) {
    if (p.dither != Dither::None ||
        (p.rounding == Rounding::Stochastic && crosses_key_boundary(first_index, n))) {
        quantize_block_dithered<PerElement>(x, y, codes, n, first_index, p, a, sums, kl);
        return;
    }
    constexpr ParamMode kMode = PerElement ? ParamMode::PerElement : ParamMode::Uniform;
    float nonfinite = 0;
    const KlCounting how = kl_counting(kl, true);
    std::uint32_t slots[kBlock];
    with_rounding(p.rounding, [&]<Rounding R>() {
        if (how == KlCounting::KernelSlots) {
            quantize_block_fused<R, kMode, KlCounting::KernelSlots>(
                x, y, n, first_index, p, a, sums, nonfinite, {}, slots, &kl->grid());
        } else {
            quantize_block_fused<R, kMode>(x, y, n, first_index, p, a, sums, nonfinite);
        }
    });
    count_kl_window(kl, how, slots, n / kLanes * kLanes, x, n,
                    [&](std::size_t i) { return code_position<PerElement>(x, i, p, a); });
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

}  // namespace

void quantize_block(const float* x, float* y, std::int32_t* codes, std::size_t n,
                    std::uint64_t first_index, const KernelParams& p, MetricSums& sums,
                    detail::KlCounts* kl) {
    quantize_block_with<false>(x, y, codes, n, first_index, p, ParamArrays{}, sums, kl);
}

void quantize_block_per_element(const float* x, float* y, std::int32_t* codes, std::size_t n,
                                std::uint64_t first_index, const KernelParams& uniform,
                                const ParamArrays& a, MetricSums& sums, KlCounts* kl) {
    quantize_block_with<true>(x, y, codes, n, first_index, uniform, a, sums, kl);
}

// Consecutive groups of block_len elements each (a multiple of kLanes), groups[k] for the k-th,
// in one kernel call: per-group calls of 32 values spent more on their set-up and sums than on
// the values. Without codes; a call that meets NaN or Inf redoes its groups one by one. `kl`
// (optional) counts the values into the KL histogram.
void quantize_blocks(const float* x, float* y, std::size_t n, std::uint64_t first_index,
                     const KernelParams* groups, std::size_t block_len, MetricSums& sums,
                     detail::KlCounts* kl) {
    if (groups->dither != Dither::None ||
        (groups->rounding == Rounding::Stochastic && crosses_key_boundary(first_index, n))) {
        // the scalar way, group by group
        for (std::size_t b = 0; b < n; b += block_len) {
            quantize_block(x + b, y + b, nullptr, block_len, first_index + b, groups[b / block_len],
                           sums, kl);
        }
        return;
    }
    float nonfinite = 0;
    const BlockParams per_block{groups, block_len};
    const KlCounting how = kl_counting(kl, true);
    std::uint32_t slots[kBlock];
    with_rounding(groups->rounding, [&]<Rounding R>() {
        if (how == KlCounting::KernelSlots) {
            quantize_block_fused<R, ParamMode::PerBlock, KlCounting::KernelSlots>(
                x, y, n, first_index, *groups, {}, sums, nonfinite, per_block, slots, &kl->grid());
        } else {
            quantize_block_fused<R, ParamMode::PerBlock>(x, y, n, first_index, *groups, {}, sums,
                                                         nonfinite, per_block);
        }
    });
    // n: whole kLanes steps, every slot the kernel's
    count_kl_window(kl, how, slots, n, x, n, [](std::size_t) { return 0.0f; });
    if (nonfinite != 0) {
        for (std::size_t b = 0; b < n; b += block_len) {
            quantize_block(x + b, y + b, nullptr, block_len, first_index + b, groups[b / block_len],
                           sums);
        }
    }
}

}  // namespace quantscope::detail
