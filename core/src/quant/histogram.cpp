#include "quantscope/quant/histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "quantscope/common/parallel.h"

namespace quantscope {

std::int64_t Histogram::total() const {
    return std::accumulate(counts.begin(), counts.end(), std::int64_t{0});
}

ValueRange finite_range(std::span<const float> values) {
    std::vector<float> lows(max_chunks(), std::numeric_limits<float>::infinity());
    std::vector<float> highs(max_chunks(), -std::numeric_limits<float>::infinity());
    parallel_for(values.size(), 4096, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        float lo = std::numeric_limits<float>::infinity();
        float hi = -lo;
        for (std::size_t i = begin; i < end; ++i) {
            const float v = values[i];
            // Inf and NaN fail this test, so they never widen the range.
            const bool finite = std::fabs(v) <= std::numeric_limits<float>::max();
            lo = finite && v < lo ? v : lo;
            hi = finite && v > hi ? v : hi;
        }
        lows[chunk] = lo;
        highs[chunk] = hi;
    });
    ValueRange range;
    const float lo = *std::min_element(lows.begin(), lows.end());
    const float hi = *std::max_element(highs.begin(), highs.end());
    if (lo <= hi) {
        range = {lo, hi, true};
    }
    return range;
}

Histogram make_histogram(std::span<const float> values, double lo, double hi, std::size_t bins) {
    bins = std::max<std::size_t>(bins, 1);
    if (!(hi > lo)) {
        lo -= 0.5;
        hi += 0.5;
    }
    Histogram h;
    h.lo = lo;
    h.hi = hi;
    h.counts.assign(bins, 0);
    const std::size_t chunks = max_chunks();
    std::vector<std::vector<std::int64_t>> partial(chunks, std::vector<std::int64_t>(bins + 2, 0));
    const double scale = static_cast<double>(bins) / (hi - lo);
    parallel_for(values.size(), 4096, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        std::vector<std::int64_t>& counts = partial[chunk];
        const double last = static_cast<double>(bins);
        for (std::size_t i = begin; i < end; ++i) {
            const double v = values[i];
            if (!(std::fabs(v) <= std::numeric_limits<double>::max())) {
                continue;
            }
            // Slot 0 is "below", slot bins+1 "above"; a value equal to hi joins the last bin.
            double position = (v - lo) * scale;
            std::size_t slot;
            if (position < 0) {
                slot = 0;
            } else if (position > last) {
                slot = bins + 1;
            } else {
                slot = 1 + std::min(bins - 1, static_cast<std::size_t>(position));
            }
            ++counts[slot];
        }
    });
    for (const std::vector<std::int64_t>& counts : partial) {
        h.below += counts[0];
        h.above += counts[bins + 1];
        for (std::size_t b = 0; b < bins; ++b) {
            h.counts[b] += counts[b + 1];
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
