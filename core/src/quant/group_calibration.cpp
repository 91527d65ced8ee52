#include "group_calibration.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "../common/prefetch.h"
#include "block_reductions.h"
#include "quantscope/common/buffer.h"
#include "quantscope/common/parallel.h"
#include "scale_limits.h"
#include "value_range.h"

namespace quantscope::detail {

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

void calibrate_blocks_minmax(const float* x, std::size_t count, std::size_t len,
                             const QuantConfig& config, GroupParameters* groups,
                             KernelParams* params, ValueRange* seen, const float* known_lo_hi) {
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
        p.dither = config.dither;
        p.seed = config.seed;
    }
}

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

std::vector<ClipRange> strided_minmax_ranges(std::span<const float> values,
                                             const GroupLayout& layout, const QuantConfig& config,
                                             ValueRange* finite_out) {
    constexpr float kInf = std::numeric_limits<float>::infinity();
    const std::size_t width = layout.dim * layout.inner;  // one outer slice
    std::vector<std::vector<float>> lows(max_chunks());
    std::vector<std::vector<float>> highs(max_chunks());
    parallel_for_tasks(layout.outer, values.size(),
                       [&](std::size_t chunk, std::size_t b, std::size_t e) {
                           std::vector<float>& lo = lows[chunk];
                           std::vector<float>& hi = highs[chunk];
                           lo.assign(width, kInf);
                           hi.assign(width, -kInf);
                           float* __restrict low = lo.data();
                           float* __restrict high = hi.data();
                           for (std::size_t o = b; o < e; ++o) {
                               fold_row_min_max(values.data() + o * width, low, high, width);
                           }
                       });
    std::vector<ClipRange> ranges(layout.dim);
    float all_lo = kInf;
    float all_hi = -kInf;
    for (std::size_t c = 0; c < layout.dim; ++c) {
        float lo = kInf;
        float hi = -kInf;
        for (std::size_t t = 0; t < lows.size(); ++t) {
            if (lows[t].empty()) {
                continue;
            }
            for (std::size_t i = 0; i < layout.inner; ++i) {
                lo = std::min(lo, lows[t][c * layout.inner + i]);
                hi = std::max(hi, highs[t][c * layout.inner + i]);
            }
        }
        all_lo = std::min(all_lo, lo);
        all_hi = std::max(all_hi, hi);
        if (!(lo <= hi)) {
            lo = hi = 0;  // no finite value in this channel
        }
        if (config.scheme == Scheme::Symmetric) {
            const double absmax = std::max(std::fabs(lo), std::fabs(hi));
            ranges[c] = {-absmax, absmax};
        } else {
            ranges[c] = {lo, hi};
        }
    }
    if (finite_out != nullptr) {
        *finite_out = all_lo <= all_hi ? ValueRange{all_lo, all_hi, true} : ValueRange{};
    }
    return ranges;
}

ClipRange calibrate_group(std::span<const float> values, const GroupLayout& layout,
                          std::size_t group, const QuantConfig& config) {
    if (!layout.strided) {
        const Run run = layout.run(group);
        return calibrate(values.subspan(run.offset, run.length), config);
    }
    FloatBuffer gathered(layout.outer * layout.inner);
    for (std::size_t o = 0; o < layout.outer; ++o) {
        const float* source = values.data() + (o * layout.dim + group) * layout.inner;
        std::copy(source, source + layout.inner, gathered.data() + o * layout.inner);
    }
    return calibrate(gathered, config);
}

}  // namespace quantscope::detail
