#include "quantscope/quant/histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>

#include "../common/finite_float.h"
#include "../common/prefetch.h"
#include "../simd/kernel_table.h"
#include "histogram_slots.h"
#include "quantscope/common/parallel.h"
#include "value_range.h"

namespace quantscope {

std::int64_t Histogram::total() const {
    return std::accumulate(counts.begin(), counts.end(), std::int64_t{0});
}

namespace {

// Serial min/max of a span: no threads, no allocations (per-block calibration calls this
// hundreds of thousands of times); finite_range runs it on each core's share.
ValueRange small_finite_range(std::span<const float> values) {
    // Sixteen independent lanes so that the min/max chains vectorize (one chain is a
    // latency-bound scalar loop).
    constexpr std::size_t kLanes = 16;
    constexpr float kInf = std::numeric_limits<float>::infinity();
    float lo[kLanes];
    float hi[kLanes];
    std::fill(lo, lo + kLanes, kInf);
    std::fill(hi, hi + kLanes, -kInf);
    const float* x = values.data();
    const std::size_t n = values.size();
    std::size_t i = 0;
    for (; i + kLanes <= n; i += kLanes) {
        detail::prefetch_ahead(x + i);  // kLanes floats: one line
        for (std::size_t j = 0; j < kLanes; ++j) {
            // Non-finite values become +-Inf first, so that each lane is a plain min / max (a
            // combined condition kept GCC from vectorizing).
            const float v = x[i + j];
            const bool finite = detail::is_finite_float(v);
            const float for_lo = finite ? v : kInf;
            const float for_hi = finite ? v : -kInf;
            lo[j] = for_lo < lo[j] ? for_lo : lo[j];
            hi[j] = for_hi > hi[j] ? for_hi : hi[j];
        }
    }
    for (; i < n; ++i) {
        const float v = x[i];
        const bool finite = detail::is_finite_float(v);
        lo[0] = finite && v < lo[0] ? v : lo[0];
        hi[0] = finite && v > hi[0] ? v : hi[0];
    }
    const float low = *std::min_element(lo, lo + kLanes);
    const float high = *std::max_element(hi, hi + kLanes);
    ValueRange range;
    if (low <= high) {
        range = {low, high, true};
    }
    return range;
}

}  // namespace

namespace per_level {

ValueRange finite_range(std::span<const float> values) {
    if (values.size() < kParallelThreshold) {
        return small_finite_range(values);  // parallel_for would run it on this thread anyway
    }
    std::vector<ValueRange> ranges(max_chunks());
    parallel_for(values.size(), 4096, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        ranges[chunk] = small_finite_range(values.subspan(begin, end - begin));
    });
    ValueRange range;
    for (const ValueRange& r : ranges) {
        detail::include_range(range, r);
    }
    return range;
}

Histogram make_histogram(std::span<const float> values, double lo, double hi, std::size_t bins) {
    Histogram h = detail::empty_histogram(lo, hi, bins);
    std::vector<std::optional<detail::SlotCounts>> partial(max_chunks());
    parallel_for(values.size(), 4096, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        detail::SlotCounts& counts = partial[chunk].emplace(h);
        for (std::size_t b = begin; b < end; b += detail::SlotCounts::kRun) {
            counts.add(values.data() + b, std::min(detail::SlotCounts::kRun, end - b), true);
        }
    });
    for (const std::optional<detail::SlotCounts>& counts : partial) {
        if (counts) {
            counts->add_to(h);
        }
    }
    return h;
}

}  // namespace per_level

std::size_t automatic_bin_count(std::size_t value_count) {
    // Twice the cube root of n (Rice rule): 100k values get 93 bins, 16M get 504.
    const double rice = 2.0 * std::cbrt(static_cast<double>(value_count));
    return std::clamp<std::size_t>(static_cast<std::size_t>(rice), 16, 512);
}

CellDivergence cell_divergence(std::span<const double> p, std::span<const std::size_t> cell_ends,
                               std::span<const double> cell_mass) {
    const std::span<const double> source = cell_mass.empty() ? p : cell_mass;
    double p_total = 0;
    double q_total = 0;
    for (std::size_t k = 0; k < p.size(); ++k) {
        p_total += p[k];
        q_total += source[k];
    }
    CellDivergence d;
    if (!(p_total > 0) || !(q_total > 0)) {
        return d;
    }
    constexpr double kLostMass = 1e-12;  // a cell without mass costs, finitely
    std::size_t start = 0;
    for (const std::size_t end : cell_ends) {
        double mass = 0;
        std::size_t nonzero = 0;
        for (std::size_t k = start; k < end; ++k) {
            mass += source[k];
            nonzero += p[k] != 0 ? 1 : 0;
        }
        if (nonzero > 0) {
            const double q = std::max(mass / static_cast<double>(nonzero) / q_total, kLostMass);
            for (std::size_t k = start; k < end; ++k) {
                if (p[k] != 0) {
                    const double pk = p[k] / p_total;
                    d.kl += pk * std::log(pk / q);
                }
            }
            d.degrees += static_cast<std::int64_t>(nonzero) - 1;
        }
        start = end;
    }
    d.kl = std::max(d.kl, 0.0);
    return d;
}

}  // namespace quantscope
