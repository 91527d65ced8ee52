#pragma once
// What many groups' parameters look like at a glance (DESIGN.md "Group parameters"): a per-block
// or per-channel result has thousands of scales, and its first one says little about the rest.

#include <cstdint>
#include <vector>

#include "quantscope/common/buffer.h"
#include "quantscope/quant/quantizer.h"

namespace quantscope {

struct Spread {
    double min = 0;
    double median = 0;  // the mean of the two middle values for an even count
    double max = 0;
};

// Counts of the scales on `counts.size()` bins from lo to hi: equal bins, or, when log_spaced,
// bins of equal ratio (edge k at lo * (hi / lo)^(k / bins)). Values equal to hi land in the
// last bin.
struct ScaleHistogram {
    double lo = 0;
    double hi = 0;
    bool log_spaced = false;
    std::vector<std::int64_t> counts;
};

struct GroupSummary {
    std::int64_t groups = 0;
    Spread scale;
    Spread zero_point;
    ScaleHistogram scales;
};

// The summary of a result's groups, the scales' histogram with `bins` bins (one when every scale
// is the same), log-spaced when the positive scales span more than a decade (no scale is 0).
inline constexpr std::size_t kScaleHistogramBins = 32;
GroupSummary summarize_groups(const LargeVector<GroupParameters>& groups,
                              std::size_t bins = kScaleHistogramBins);

}  // namespace quantscope
