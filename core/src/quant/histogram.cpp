#include "quantscope/quant/histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "../common/prefetch.h"
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
    if (values.size() < 4096) {
        return small_finite_range(values);
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

namespace {

// Where a value goes on `bins` equal bins over [lo, hi]: slot 0 is "below", slot bins+1
// "above", 1..bins the bins. One definition for both histogram builders. The arithmetic is the
// values' own float32, which vectorizes 8 wide: below and above are exact comparisons with lo and
// hi (so a value equal to hi joins the last bin), and the bin inside is floor((v - lo) * scale),
// within 2^-24 of the range of the exact edge.
struct SlotGrid {
    float first_inside = 0;  // the smallest float >= lo
    float last_inside = 0;   // the largest float <= hi
    float origin = 0;        // lo as a float
    float scale = 0;         // bins / (hi - lo)
    float last_bin = 0;      // bins - 1
    float above = 0;         // bins + 1

    SlotGrid(double lo, double hi, std::size_t bins) {
        first_inside = static_cast<float>(lo);
        if (static_cast<double>(first_inside) < lo) {
            first_inside = std::nextafter(first_inside, std::numeric_limits<float>::infinity());
        }
        last_inside = static_cast<float>(hi);
        if (static_cast<double>(last_inside) > hi) {
            last_inside = std::nextafter(last_inside, -std::numeric_limits<float>::infinity());
        }
        origin = static_cast<float>(lo);
        scale = static_cast<float>(static_cast<double>(bins) / (hi - lo));
        last_bin = static_cast<float>(bins - 1);
        above = static_cast<float>(bins + 1);
    }
};

// Non-finite values get `skip`. Written without branches so that the loops calling it vectorize;
// a NaN position (an infinite scale) falls into the first bin instead of reaching a conversion.
inline std::uint32_t histogram_slot(float v, const SlotGrid& g, std::uint32_t skip) {
    float bin = __builtin_floorf((v - g.origin) * g.scale);
    bin = bin >= 0.0f ? bin : 0.0f;
    bin = bin <= g.last_bin ? bin : g.last_bin;
    float slot = bin + 1.0f;
    slot = v < g.first_inside ? 0.0f : slot;
    slot = v > g.last_inside ? g.above : slot;
    const bool finite = __builtin_fabsf(v) <= std::numeric_limits<float>::max();
    slot = finite ? slot : 0.0f;  // never convert NaN
    return finite ? static_cast<std::uint32_t>(static_cast<std::int32_t>(slot)) : skip;
}

// Zero counts on `bins` (at least 1) equal bins; a degenerate range (lo == hi) is widened by
// 0.5 on each side.
Histogram empty_histogram(double lo, double hi, std::size_t bins) {
    Histogram h;
    h.lo = hi > lo ? lo : lo - 0.5;
    h.hi = hi > lo ? hi : hi + 0.5;
    h.counts.assign(std::max<std::size_t>(bins, 1), 0);
    return h;
}

}  // namespace

Histogram make_weighted_histogram(std::span<const double> values,
                                  std::span<const std::int64_t> weights, double lo, double hi,
                                  std::size_t bins) {
    Histogram h = empty_histogram(lo, hi, bins);
    lo = h.lo;
    hi = h.hi;
    bins = h.bins();
    const SlotGrid grid(lo, hi, bins);
    constexpr std::uint32_t kSkip = 0xFFFFFFFFU;
    for (std::size_t i = 0; i < values.size() && i < weights.size(); ++i) {
        // The values are levels of float32 arithmetic: exact as floats.
        const std::uint32_t slot = histogram_slot(static_cast<float>(values[i]), grid, kSkip);
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
    Histogram h = empty_histogram(lo, hi, bins);
    lo = h.lo;
    hi = h.hi;
    bins = h.bins();
    const std::size_t chunks = max_chunks();
    // Four copies of the counters, each with a trash slot for non-finite values: the count loop
    // has no branch, and neighbouring values that fall in one bin (common near a distribution's
    // peak) do not serialize on one counter's store-to-load latency.
    const std::size_t stride = bins + 3;
    const auto trash = static_cast<std::uint32_t>(bins + 2);
    std::vector<std::vector<std::int64_t>> partial(chunks,
                                                   std::vector<std::int64_t>(4 * stride, 0));
    const SlotGrid grid(lo, hi, bins);
    parallel_for(values.size(), 4096, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        const SlotGrid g = grid;  // a local copy: the stores to slots cannot alias it
        std::int64_t* c0 = partial[chunk].data();
        std::int64_t* c1 = c0 + stride;
        std::int64_t* c2 = c1 + stride;
        std::int64_t* c3 = c2 + stride;
        constexpr std::size_t kChunk = 1024;
        std::uint32_t slots[kChunk];
        const float* x = values.data();
        for (std::size_t b = begin; b < end; b += kChunk) {
            const std::size_t n = std::min(kChunk, end - b);
            // A line at a time, each asking for the line ahead (prefetch.h).
            std::size_t i = 0;
            for (; i + detail::kValuesPerLine <= n; i += detail::kValuesPerLine) {
                detail::prefetch_ahead(x + b + i);
                for (std::size_t j = i; j < i + detail::kValuesPerLine; ++j) {
                    slots[j] = histogram_slot(x[b + j], g, trash);
                }
            }
            for (; i < n; ++i) {
                slots[i] = histogram_slot(x[b + i], g, trash);
            }
            for (i = 0; i + 4 <= n; i += 4) {
                ++c0[slots[i]];
                ++c1[slots[i + 1]];
                ++c2[slots[i + 2]];
                ++c3[slots[i + 3]];
            }
            for (; i < n; ++i) {
                ++c0[slots[i]];
            }
        }
    });
    for (const std::vector<std::int64_t>& all : partial) {
        for (std::size_t copy = 0; copy < 4; ++copy) {
            const std::int64_t* counts = all.data() + copy * stride;
            h.below += counts[0];
            h.above += counts[bins + 1];
            for (std::size_t b = 0; b < bins; ++b) {
                h.counts[b] += counts[b + 1];
            }
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
