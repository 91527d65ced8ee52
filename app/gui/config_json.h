#pragma once
// A QuantConfig as JSON for session files and the comparison export: every field of core's
// config_fields() under its name, in its CLI text form ({"format": "mxfp4", "scheme": "scaled",
// "granularity": "block:32", "calibration": "percentile:99.9", "seed": "0", ...}), the CLI's
// --json config object. Reading applies the format first (it sets a default scheme and
// granularity), then every other field given.

#include <QJsonObject>

#include "quantscope/quant/quant_config.h"

namespace quantscope::app {

QJsonObject configToJson(const QuantConfig& config);
// Throws UsageError on an unknown format, scheme, granularity, calibration or rounding, or a
// field of the wrong JSON type.
QuantConfig configFromJson(const QJsonObject& json);

}  // namespace quantscope::app
