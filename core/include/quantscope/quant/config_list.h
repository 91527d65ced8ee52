#pragma once
// A list of whole configs as one line of text, for commands and panels that run several plans
// at once (the model overview's column groups, the planner's allowed configs):
//   "int8 per-channel; fp8_e4m3; int4 block:32; nf4; mxfp4"
// Items are separated by ';'. Each item is a format name (apply_format: it sets the format's own
// scheme and granularity) followed by words that each set one field:
//   a granularity   tensor | per-tensor | channel[:AXIS] | per-channel | block:N
//   a scheme        symmetric | affine | scaled | direct
//   a calibration   minmax | percentile:P | kl | mse | sigma:K | manual:MIN,MAX
//   a rounding      nearest-even | nearest-away | toward-zero | stochastic
//   FIELD=VALUE     any config field by name (config_fields(): seed=7, outlier_threshold=6)
// Fields an item does not set keep `base`'s values where the format allows (apply_format's
// rules), as sweep_grid does.

#include <string>
#include <string_view>
#include <vector>

#include "quantscope/quant/quant_config.h"

namespace quantscope {

// Throws UsageError naming the item and word that do not parse, or an empty list.
std::vector<QuantConfig> parse_config_list(std::string_view text, const QuantConfig& base = {});

// One config as a short item parse_config_list reads back to the same config:
// "int8 per-channel", "int4 block:32", "fp8_e4m3", "mxfp4", "int8 affine percentile:99.9".
// Fields equal to what the format alone would set are left out.
std::string config_label(const QuantConfig& config);

// The labels joined by "; ".
std::string config_list_text(const std::vector<QuantConfig>& configs);

}  // namespace quantscope
