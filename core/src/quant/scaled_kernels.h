#pragma once
// The scaled quantizer's kernels over windows of kScaledWindow values: x / s, rounding into the
// element format (fused into the loop for float formats on the value path, by ElementRounder
// otherwise), y = r * s, the metric sums, the clipped count and the KL histogram. Internal to
// core/quant.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>

#include "../formats/float_value_rounding.h"
#include "element_rounder.h"
#include "group_layout.h"
#include "kl_counts.h"
#include "quantscope/quant/quantizer.h"
#include "scaled_parameters.h"

namespace quantscope::detail {

// Quantizes [begin, end) with per-group scales; returns the sums and writes y (and codes).
// `chooser` (optional) chooses aligned blocks of `block_length` values window by window into
// `chosen`; `fused_rounding` (optional): the element format's value-path constants, when the
// kernel rounds in its loop; `largest_scale` receives the largest scale of aligned blocks.
MetricSums quantize_range(std::span<const float> values, std::size_t begin, std::size_t end,
                          const GroupLayout& layout, const LargeVector<GroupParameters>& groups,
                          const QuantConfig& config, const ElementRounder& rounder, float* y,
                          std::int32_t* codes, const std::atomic<bool>* cancel = nullptr,
                          KlCounts* kl = nullptr, const GroupChooser* chooser = nullptr,
                          std::size_t block_length = 0, GroupParameters* chosen = nullptr,
                          const ValueConstants* fused_rounding = nullptr,
                          float* largest_scale = nullptr);

}  // namespace quantscope::detail
