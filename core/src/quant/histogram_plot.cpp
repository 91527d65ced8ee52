#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "../common/finite_float.h"
#include "../common/prefetch.h"
#include "../simd/kernel_table.h"
#include "error_sums.h"
#include "histogram_slots.h"
#include "quantscope/common/parallel.h"
#include "quantscope/quant/quantizer.h"
#include "scaled_quantizer.h"
#include "value_range.h"

namespace quantscope {

namespace {

// Work in blocks that fit in L1/L2 so that the passes below re-read cached data.
constexpr std::size_t kBlock = 2048;
constexpr std::size_t kLanes = detail::kSumLanes;

}  // namespace

using detail::is_integer_config;

namespace per_level {

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
                    const bool finite = detail::is_finite_float(v);
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
    ValueRange error_range;
    ValueRange all_errors;
    for (const ErrorRanges& r : ranges) {
        detail::include_range(error_range, r.inside);
        detail::include_range(all_errors, r.all);
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

}  // namespace per_level

}  // namespace quantscope
