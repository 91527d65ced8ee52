#pragma once
// Outliers kept apart (LLM.int8() style). Internal to core/quant.

#include <span>

#include "kl_counts.h"
#include "quantscope/quant/quantizer.h"

namespace quantscope::detail {

// LLM.int8()-style: values beyond the threshold are kept in FP16 (rounded to it, so their small
// error counts too) and hidden from calibration as NaN; everything else is quantized. `kl`
// counts the quantized values only (kept values are exact).
QuantResult quantize_with_outliers(std::span<const float> values,
                                   std::span<const std::int64_t> shape, const QuantConfig& config,
                                   const QuantizeOptions& options, KlCounter& kl);

}  // namespace quantscope::detail
