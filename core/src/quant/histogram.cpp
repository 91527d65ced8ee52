#include "quantscope/quant/histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>

#include "../common/prefetch.h"
#include "histogram_slots.h"
#include "quantscope/common/parallel.h"

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
            const bool finite = __builtin_fabsf(v) <= 3.40282347e38f;
            const float for_lo = finite ? v : kInf;
            const float for_hi = finite ? v : -kInf;
            lo[j] = for_lo < lo[j] ? for_lo : lo[j];
            hi[j] = for_hi > hi[j] ? for_hi : hi[j];
        }
    }
    for (; i < n; ++i) {
        const float v = x[i];
        const bool finite = __builtin_fabsf(v) <= 3.40282347e38f;
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
        if (!r.any_finite) {
            continue;
        }
        range.lo = range.any_finite ? std::min(range.lo, r.lo) : r.lo;
        range.hi = range.any_finite ? std::max(range.hi, r.hi) : r.hi;
        range.any_finite = true;
    }
    return range;
}

Histogram make_weighted_histogram(std::span<const double> values,
                                  std::span<const std::int64_t> weights, double lo, double hi,
                                  std::size_t bins) {
    Histogram h = detail::empty_histogram(lo, hi, bins);
    bins = h.bins();
    const detail::SlotGrid grid(h);
    constexpr std::uint32_t kSkip = 0xFFFFFFFFU;
    for (std::size_t i = 0; i < values.size() && i < weights.size(); ++i) {
        // The values are levels of float32 arithmetic: exact as floats.
        const std::uint32_t slot =
            detail::histogram_slot(static_cast<float>(values[i]), grid, kSkip);
        if (slot == kSkip) {
            continue;
        }
        if (slot == 0) {
            h.below += weights[i];
        } else if (slot == bins + 1) {
            h.above += weights[i];
        } else {
            h.counts[slot - 1] += weights[i];
        }
    }
    return h;
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

std::size_t automatic_bin_count(std::size_t value_count) {
    // Twice the cube root of n (Rice rule): 100k values get 93 bins, 16M get 504.
    const double rice = 2.0 * std::cbrt(static_cast<double>(value_count));
    return std::clamp<std::size_t>(static_cast<std::size_t>(rice), 16, 512);
}

double kl_divergence(const Histogram& p, const Histogram& q) {
    const double p_total = static_cast<double>(p.total());
    const double q_total = static_cast<double>(q.total());
    if (p_total == 0 || q_total == 0 || p.bins() != q.bins()) {
        return 0;
    }
    // Empty bins of Q get a small probability so that KL stays finite; this is the usual
    // smoothing in calibration tools.
    constexpr double kFloor = 1e-10;
    double kl = 0;
    for (std::size_t b = 0; b < p.bins(); ++b) {
        if (p.counts[b] == 0) {
            continue;
        }
        const double pb = static_cast<double>(p.counts[b]) / p_total;
        const double qb = std::max(static_cast<double>(q.counts[b]) / q_total, kFloor);
        kl += pb * std::log(pb / qb);
    }
    return std::max(kl, 0.0);
}

}  // namespace quantscope
