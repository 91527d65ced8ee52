#include "quantscope/quant/group_summary.h"

#include <algorithm>
#include <cmath>

namespace quantscope {
namespace {

Spread spread_of(std::vector<double> v) {
    Spread s;
    if (v.empty()) {
        return s;
    }
    const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    s.min = *lo;
    s.max = *hi;
    const std::size_t middle = v.size() / 2;
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(middle), v.end());
    s.median = v[middle];
    if (v.size() % 2 == 0) {  // the largest of the lower half
        const double below =
            *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(middle));
        s.median = (below + s.median) / 2;
    }
    return s;
}

}  // namespace

GroupSummary summarize_groups(const LargeVector<GroupParameters>& groups, std::size_t bins) {
    GroupSummary summary;
    summary.groups = static_cast<std::int64_t>(groups.size());
    if (groups.empty()) {
        return summary;
    }
    std::vector<double> scales;
    std::vector<double> zero_points;
    scales.reserve(groups.size());
    zero_points.reserve(groups.size());
    for (const GroupParameters& g : groups) {
        scales.push_back(g.scale);
        zero_points.push_back(g.zero_point);
    }
    summary.scale = spread_of(scales);
    summary.zero_point = spread_of(std::move(zero_points));
    ScaleHistogram& h = summary.scales;
    h.lo = summary.scale.min;
    h.hi = summary.scale.max;
    if (!(h.hi > h.lo)) {
        h.counts.assign(1, summary.groups);
        return summary;
    }
    bins = std::max<std::size_t>(bins, 1);
    h.counts.assign(bins, 0);
    h.log_spaced = h.lo > 0 && h.hi > 10 * h.lo;
    const double span = h.log_spaced ? std::log(h.hi / h.lo) : h.hi - h.lo;
    for (double s : scales) {
        const double position = (h.log_spaced ? std::log(s / h.lo) : s - h.lo) / span;
        const double bin = std::floor(position * static_cast<double>(bins));
        ++h.counts[static_cast<std::size_t>(std::clamp(bin, 0.0, static_cast<double>(bins - 1)))];
    }
    return summary;
}

}  // namespace quantscope
