#pragma once
// The notes of a quantization result (QuantResult::notes): what happened that the metrics and
// parameters do not say by themselves. Internal to core/quant.

#include <string>
#include <vector>

#include "quantscope/quant/histogram.h"
#include "quantscope/quant/quantizer.h"

namespace quantscope::detail {

// Notes for a result of `count` values whose finite range is `range`.
std::vector<std::string> result_notes(std::size_t count, const ValueRange& range,
                                      const QuantConfig& config, const QuantResult& result);

}  // namespace quantscope::detail
