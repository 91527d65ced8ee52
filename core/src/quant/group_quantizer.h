#pragma once
// Quantizing every group of a layout, outliers aside: each group's calibration and parameters,
// then the kernels over its values (integer formats here, scaled ones through
// scaled_quantizer.h), the metric sums, the clipping extent and the storage. Internal to
// core/quant.

#include <span>
#include <vector>

#include "group_layout.h"
#include "kl_counts.h"
#include "quantscope/quant/quantizer.h"

namespace quantscope::detail {

// What a cold quantize() learned in the pass that found the finite range: the groups' min-max
// calibration, which the quantize pass then does not repeat.
struct KnownCalibration {
    const GroupLayout* layout = nullptr;                     // make_layout's, when it was made
    const std::vector<ClipRange>* strided_ranges = nullptr;  // strided channels
    LargeVector<GroupParameters>* groups = nullptr;          // contiguous groups, integer formats
    // Uniform short blocks (integer min-max, MX): each block's finite min and max.
    const LargeVector<float>* block_lo_hi = nullptr;
};

// Quantizes without outliers; the KL metric is left to the caller.
// `range` (optional) is the values' finite range, for per-tensor min-max calibration;
// `kl` (optional) counts the KL metric's histogram; `known` (optional) is the min-max
// calibration of a cold call's first pass.
QuantResult quantize_core(std::span<const float> values, std::span<const std::int64_t> shape,
                          const QuantConfig& config, const QuantizeOptions& options,
                          const ValueRange* range = nullptr, KlCounter* kl = nullptr,
                          const KnownCalibration& known = {});

}  // namespace quantscope::detail
