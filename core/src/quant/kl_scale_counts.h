#pragma once
// The KL metric's histograms (kl_counts.h) of one tensor under several scales, as the kl
// calibration compares its candidate thresholds (DESIGN.md "KL divergence"), counted exactly in
// one pass with one counter increment per value whatever the number of scales.
// Internal to core/quant.

#include <cstdint>
#include <span>
#include <vector>

#include "kl_counts.h"

namespace quantscope::detail {

struct KlScaleCounts {
    std::vector<std::vector<double>> counts;  // [scale][kKlBins]: what KlCounts would count
    std::int64_t finite = 0;                  // finite values
};

// The counts of `values` on `grid` for each scale's 1/s and z (u = x * inv_scale + zero_point,
// KlCounts::add's arithmetic), inv_scale >= 0.
KlScaleCounts count_kl_scales(std::span<const float> values, const KlGrid& grid,
                              std::span<const float> inv_scale, std::span<const float> zero_point);

}  // namespace quantscope::detail
