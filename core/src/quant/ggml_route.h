#pragma once
// quantize()'s route for ggml's block types (ggml_quantizer.h says what it computes): windows of
// whole blocks through ggml's quantizer, then one vector pass per window that decodes Q(x) and
// takes each value's code-unit position, KL slot, clipping and metric sums while the window is
// in L1. Internal to core/quant.

#include <cstdint>
#include <span>

#include "kl_counts.h"
#include "quantscope/quant/quantizer.h"

namespace quantscope::detail {

// Fills result.groups, result.dequantized, result.codes (when asked) and result.clip_min /
// clip_max (the union of the blocks' ranges; which sign a bound of zero takes depends on the
// order of the union), counts the KL histogram into `kl` (optional) and
// returns the metric sums, clipped count included.
MetricSums quantize_ggml(std::span<const float> values, std::span<const std::int64_t> shape,
                         const QuantConfig& config, const QuantizeOptions& options,
                         QuantResult& result, KlCounter* kl);

}  // namespace quantscope::detail
