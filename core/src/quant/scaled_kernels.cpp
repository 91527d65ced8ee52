#include "scaled_kernels.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "../common/finite_float.h"
#include "../common/prefetch.h"
#include "../common/rounding_dispatch.h"
#include "error_sums.h"

namespace quantscope::detail {

namespace {

constexpr std::size_t kBlock = kScaledWindow;

// The rounding the fused kernels apply for mode R: they round deterministically (stochastic
// rounding goes through the ElementRounder, never through them).
template <Rounding R>
constexpr Rounding kFusedRounding = R == Rounding::Stochastic ? Rounding::NearestEven : R;

// Calls fn(begin, end, group) for the stretches of [begin, end) that share one group, in order.
template <typename Fn>
void for_each_segment(const GroupLayout& layout, std::size_t begin, std::size_t end, Fn&& fn) {
    if (layout.strided) {
        std::size_t pos = begin;
        while (pos < end) {
            const std::size_t row = pos / layout.inner;
            const std::size_t stop = std::min(end, (row + 1) * layout.inner);
            fn(pos, stop, row % layout.dim);
            pos = stop;
        }
        return;
    }
    if (const std::size_t length = layout.block_length; length != 0) {
        for (std::size_t pos = begin; pos < end;) {
            const std::size_t g = pos / length;
            const std::size_t stop = std::min(end, (g + 1) * length);
            fn(pos, stop, g);
            pos = stop;
        }
        return;
    }
    const LargeVector<Run>& runs = layout.single_runs;
    auto it = std::upper_bound(runs.begin(), runs.end(), begin,
                               [](std::size_t v, const Run& r) { return v < r.offset; });
    std::size_t g = static_cast<std::size_t>(it - runs.begin()) - 1;
    std::size_t pos = begin;
    while (pos < end && g < runs.size()) {
        const std::size_t stop = std::min(end, runs[g].offset + runs[g].length);
        fn(pos, stop, g);
        pos = stop;
        ++g;
    }
}

// Where clipping starts in code units, t = x / s: the outer edges of the outermost cells
// (code_range); a t beyond them is clipped.
struct ClipLimits {
    float lo;
    float hi;
};
ClipLimits clip_limits(const QuantConfig& config) {
    const CodeRange r = code_range(config);
    return {static_cast<float>(r.lo), static_cast<float>(r.hi)};
}

// Finite values x whose scaled values t lie beyond the clipping limits; a t that overflowed to
// +-Inf (a tiny scale) saturates, so it counts.
std::int64_t count_clipped(const float* x, const float* t, std::size_t n,
                           const ClipLimits& limits) {
    std::int64_t clipped = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const bool finite = is_finite_float(x[i]);
        clipped += (finite && (t[i] < limits.lo || t[i] > limits.hi)) ? 1 : 0;
    }
    return clipped;
}

// The kernel of a window of aligned blocks, each of `length` values (a power of two and a
// multiple of kSumLanes) under one scale, from x, each block's s and 1/s: t = x / s and its
// rounding r into the element format, either given (`Fused` false: t and r computed by the
// caller, any format and rounding) or computed here (`Fused`: a float format on the value path,
// rounding R, as the bulk rounder does it, without the L1 arrays); then y = r * s (NaN and Inf
// pass through), the metric sums and the clipped count in registers, and with KernelSlots the KL
// histogram's slot of each value (kl_slot of t on `grid`). Returns false, leaving `sums` as it
// was, when the window holds NaN or Inf: the caller redoes its sums (y and the slots are right).
// Never inlined, for the sums to stay in registers.
template <bool Fused, Rounding R, KlCounting K>
[[gnu::noinline]] bool quantize_window(const float* __restrict x, const float* __restrict t,
                                       const float* __restrict r,
                                       const float* __restrict block_scale,
                                       const float* __restrict block_inv, float* __restrict y,
                                       std::size_t n, std::size_t length, ClipLimits limits,
                                       const ValueConstants& element, MetricSums& sums,
                                       std::uint32_t* __restrict kl_slots, KlGrid grid) {
    const KlGrid g = grid;
    constexpr std::size_t kLanes = kSumLanes;
    const ValueConstants v = element;
    const float clip_lo = limits.lo;
    const float clip_hi = limits.hi;
    LaneSums lanes;
    // Blocks of a power of two (they divide kBlock): the block of a step by a shift, without a
    // branch (which kept GCC from vectorizing some instantiations).
    const int shift = std::countr_zero(length);
    for (std::size_t i = 0; i < n; i += kLanes) {
        const std::size_t block = i >> shift;
        const float s = block_scale[block];
        const float inv = block_inv[block];
        if (Fused && i % kValuesPerLine == 0) {
            prefetch_ahead(x + i);  // the windows ahead, a line a step (kPrefetchBytes)
        }
#pragma omp simd
        for (std::size_t j = 0; j < kLanes; ++j) {
            const float xi = x[i + j];
            const bool finite = is_finite_float(xi);
            float ti = 0;
            float ri = 0;
            if constexpr (Fused) {
                ti = xi * inv;
                ri =
                    std::bit_cast<float>(round_finite_bits<R>(std::bit_cast<std::uint32_t>(ti), v));
            } else {
                ti = t[i + j];
                ri = r[i + j];
            }
            const float yi = finite ? ri * s : xi;
            y[i + j] = yi;
            if constexpr (K == KlCounting::KernelSlots) {
                kl_slots[i + j] = kl_slot(xi, ti, g);
            }
            lanes.add(j, xi, yi);
            const bool beyond = (ti < clip_lo) | (ti > clip_hi);
            lanes.add_clipped(j, beyond && finite);
        }
    }
    return lanes.fold_into(sums, n);
}

// quantize_window for, fused, a deterministic rounding; the slots on `kl`'s grid when `how` is
// KernelSlots.
bool quantize_window(bool fused, Rounding rounding, const float* x, const float* t, const float* r,
                     const float* block_scale, const float* block_inv, float* y, std::size_t n,
                     std::size_t length, ClipLimits limits, const ValueConstants& element,
                     MetricSums& sums, KlCounting how, const KlCounts* kl,
                     std::uint32_t* kl_slots) {
    const KlGrid grid = how == KlCounting::KernelSlots ? kl->grid() : KlGrid{};
    auto run = [&]<bool Fused, Rounding R>() {
        if (how == KlCounting::KernelSlots) {
            return quantize_window<Fused, R, KlCounting::KernelSlots>(
                x, t, r, block_scale, block_inv, y, n, length, limits, element, sums, kl_slots,
                grid);
        }
        return quantize_window<Fused, R, KlCounting::None>(
            x, t, r, block_scale, block_inv, y, n, length, limits, element, sums, kl_slots, grid);
    };
    if (!fused) {  // R unused
        return run.template operator()<false, Rounding::NearestEven>();
    }
    return with_rounding(
        rounding, [&]<Rounding R>() { return run.template operator()<true, kFusedRounding<R>>(); });
}

// The element codes of x[0..n) rounded to r[0..n): 0 for NaN, infinite_input_code for +-Inf
// (whatever r: a zero scale makes its t NaN).
void write_codes(const float* x, const float* r, std::size_t n, const QuantConfig& config,
                 std::int32_t* codes) {
    const float step = is_mx_int8(config) ? kMxInt8Step : 1.0f;
    const std::int32_t inf_codes[2] = {infinite_input_code(-1.0f, config),
                                       infinite_input_code(1.0f, config)};
    for (std::size_t i = 0; i < n; ++i) {
        codes[i] =
            std::isinf(x[i]) ? inf_codes[x[i] > 0 ? 1 : 0]
            : std::isfinite(r[i])
                ? static_cast<std::int32_t>(
                      config.format.encode(static_cast<double>(r[i] / step), Rounding::NearestEven)
                          .code)
                : 0;
    }
}

// A block's scale and its inverse as the kernels use them; `largest` keeps the largest scale.
void set_block_scale(const GroupParameters& group, float& scale, float& inv, float& largest) {
    const auto sc = static_cast<float>(group.scale);
    // A zero scale (an NVFP4 block that underflows E4M3) sends the block to zero.
    scale = sc;
    inv = sc > 0 ? static_cast<float>(1.0 / static_cast<double>(sc)) : 0.0f;
    largest = sc > largest ? sc : largest;
}

// The values of a per-tensor window beyond its last whole vector (fewer than kSumLanes), one at a
// time with the fused kernel's arithmetic: Q(x), not the sums.
void quantize_tail(const float* x, float* y, std::size_t n, float scale, float inv,
                   const ValueConstants& element, Rounding rounding) {
    with_rounding(rounding, [&]<Rounding R>() {
        for (std::size_t i = 0; i < n; ++i) {
            const auto t = std::bit_cast<std::uint32_t>(x[i] * inv);
            const float r = std::bit_cast<float>(round_value_bits<kFusedRounding<R>>(t, element));
            y[i] = is_finite_float(x[i]) ? r * scale : x[i];
        }
    });
}

// Aligned short blocks (aligned_block_length): each window's groups are chosen from values
// about to be in L1 anyway, and each block is scaled by its one scale, without per-value scale
// arrays. `fused_rounding` (optional): the element format's value-path constants, when the kernel
// rounds in its loop. Without a chooser, the one group of a per-tensor config (groups[0]) scales
// every value, and only the fused kernel runs: windows of kBlock are its blocks, and a window's
// values beyond its last whole vector go through quantize_tail. `kl` (optional) counts each
// window's values in code units.
MetricSums quantize_aligned_blocks(std::span<const float> values, std::size_t begin,
                                   std::size_t end, std::size_t length, const GroupChooser* chooser,
                                   GroupParameters* groups, const QuantConfig& config,
                                   const ElementRounder& rounder, float* y, std::int32_t* codes,
                                   const std::atomic<bool>* cancel, KlCounts* kl,
                                   const ValueConstants* fused_rounding, float& largest_scale) {
    MetricSums sums;
    const ClipLimits limits = clip_limits(config);
    alignas(64) float block_scale[kBlock];  // one per block
    alignas(64) float block_inv[kBlock];
    alignas(64) float t[kBlock];
    alignas(64) float r[kBlock];
    alignas(64) std::uint32_t slots[kBlock];
    const bool uniform = chooser == nullptr;
    const KlCounting how = kl_counting(kl, true);
    if (uniform) {
        set_block_scale(groups[0], block_scale[0], block_inv[0], largest_scale);
    }
    for (std::size_t b = begin; b < end; b += kBlock) {
        throw_if_cancelled(cancel);
        const std::size_t n = std::min(kBlock, end - b);
        const float* x = values.data() + b;
        float* yb = y + b;
        if (uniform) {
            const std::size_t whole = n / kSumLanes * kSumLanes;
            const bool finite =
                quantize_window(true, config.rounding, x, nullptr, nullptr, block_scale, block_inv,
                                yb, whole, kBlock, limits, *fused_rounding, sums, how, kl, slots);
            quantize_tail(x + whole, yb + whole, n - whole, block_scale[0], block_inv[0],
                          *fused_rounding, config.rounding);
            for (std::size_t i = 0; i < n; ++i) {  // rare: NaN or Inf inside, or a tail
                if (!finite || i >= whole) {
                    t[i] = x[i] * block_inv[0];
                }
            }
            if (!finite) {
                accumulate_error_sums_scalar(x, yb, n, sums);
                sums.clipped += count_clipped(x, t, n, limits);
            } else if (whole < n) {
                accumulate_error_sums_scalar(x + whole, yb + whole, n - whole, sums);
                sums.clipped += count_clipped(x + whole, t + whole, n - whole, limits);
            }
            count_kl_window(kl, how, slots, whole, x, n,
                            [&](std::size_t i) { return x[i] * block_inv[0] + 0.0f; });
            continue;
        }
        const std::size_t g0 = b / length;
        const std::size_t blocks = n / length;
        GroupParameters* window_groups = groups + g0;
        chooser->choose(g0, g0 + blocks, window_groups, false);
        for (std::size_t k = 0; k < blocks; ++k) {
            set_block_scale(window_groups[k], block_scale[k], block_inv[k], largest_scale);
        }
        if (fused_rounding == nullptr) {
            for (std::size_t k = 0; k < blocks; ++k) {
                const float* xk = x + k * length;
                float* tk = t + k * length;
                const float inv = block_inv[k];
                for (std::size_t i = 0; i < length; ++i) {
                    tk[i] = xk[i] * inv;
                }
            }
            for (std::size_t i = 0; i < n; i += kValuesPerLine) {
                prefetch_ahead(x + i);  // two blocks ahead (kPrefetchBytes = 2 kBlock floats)
            }
            rounder.round(t, r, n, b);
        }
        const ValueConstants unused{};
        const bool finite = quantize_window(fused_rounding != nullptr, config.rounding, x, t, r,
                                            block_scale, block_inv, yb, n, length, limits,
                                            fused_rounding != nullptr ? *fused_rounding : unused,
                                            sums, how, kl, slots);
        if (!finite && fused_rounding != nullptr) {
            for (std::size_t k = 0; k < blocks; ++k) {  // t, for the clipped count below
                for (std::size_t i = k * length; i < (k + 1) * length; ++i) {
                    t[i] = x[i] * block_inv[k];
                }
            }
        }
        if (!finite) {
            // NaN or Inf inside: the sums exactly, skipping them.
            accumulate_error_sums_scalar(x, yb, n, sums);
            sums.clipped += count_clipped(x, t, n, limits);
        }
        count_kl_window(kl, how, slots, n, x, n, [](std::size_t) { return 0.0f; });
        if (codes != nullptr) {
            write_codes(x, r, n, config, codes + b);
        }
    }
    return sums;
}

}  // namespace

MetricSums quantize_range(std::span<const float> values, std::size_t begin, std::size_t end,
                          const GroupLayout& layout, const LargeVector<GroupParameters>& groups,
                          const QuantConfig& config, const ElementRounder& rounder, float* y,
                          std::int32_t* codes, const std::atomic<bool>* cancel, KlCounts* kl,
                          const GroupChooser* chooser, std::size_t block_length,
                          GroupParameters* chosen, const ValueConstants* fused_rounding,
                          float* largest_scale) {
    if (chooser != nullptr && block_length % kSumLanes == 0) {
        return quantize_aligned_blocks(values, begin, end, block_length, chooser, chosen, config,
                                       rounder, y, codes, cancel, kl, fused_rounding,
                                       *largest_scale);
    }
    if (fused_rounding != nullptr && chooser == nullptr) {  // per tensor
        return quantize_aligned_blocks(values, begin, end, kBlock, nullptr, chosen, config, rounder,
                                       y, codes, cancel, kl, fused_rounding, *largest_scale);
    }
    MetricSums sums;
    const ClipLimits limits = clip_limits(config);
    alignas(64) float scale[kBlock];
    alignas(64) float inv_scale[kBlock];
    alignas(64) float t[kBlock];
    alignas(64) float r[kBlock];
    for (std::size_t b = begin; b < end; b += kBlock) {
        throw_if_cancelled(cancel);
        const std::size_t n = std::min(kBlock, end - b);
        if (chooser != nullptr) {
            // Aligned short blocks: this window's groups, from values about to be in L1 anyway.
            chooser->choose(b / block_length, (b + n) / block_length, chosen + b / block_length,
                            false);
        }
        for_each_segment(layout, b, b + n, [&](std::size_t s, std::size_t e, std::size_t g) {
            const auto sc = static_cast<float>(groups[g].scale);
            // A zero scale (an NVFP4 block that underflows E4M3) sends the block to zero.
            const float inv = sc > 0 ? static_cast<float>(1.0 / static_cast<double>(sc)) : 0.0f;
            std::fill(scale + (s - b), scale + (e - b), sc);
            std::fill(inv_scale + (s - b), inv_scale + (e - b), inv);
        });
        const float* x = values.data() + b;
        for (std::size_t i = 0; i < n; ++i) {
            t[i] = x[i] * inv_scale[i];
        }
        for (std::size_t i = 0; i < n; i += kValuesPerLine) {
            prefetch_ahead(x + i);  // two blocks ahead (kPrefetchBytes = 2 kBlock floats)
        }
        rounder.round(t, r, n, b);
        float* yb = y + b;
        for (std::size_t i = 0; i < n; ++i) {
            const float q = r[i] * scale[i];
            yb[i] = is_finite_float(x[i]) ? q : x[i];  // NaN/Inf pass through
        }
        accumulate_error_sums(x, yb, n, sums);
        count_kl_window(kl, kl_counting(kl, false), nullptr, 0, x, n,
                        [&](std::size_t i) { return t[i]; });
        sums.clipped += count_clipped(x, t, n, limits);
        if (codes != nullptr) {
            write_codes(x, r, n, config, codes + b);
        }
    }
    return sums;
}

}  // namespace quantscope::detail
