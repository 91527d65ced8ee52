#pragma once
// A QuantConfig as JSON, in the CLI's text forms ({"format": "mxfp4", "scheme": "scaled",
// "granularity": "block:32", "calibration": "percentile:99.9", ...}), for session files and the
// comparison export. Reading applies the format first (it sets a default scheme and
// granularity), then every other field as written.

#include <QJsonObject>

#include "quantscope/quant/quant_config.h"

namespace quantscope::app {

QJsonObject configToJson(const QuantConfig& config);
// Throws UsageError on an unknown format, scheme, granularity, calibration or rounding.
QuantConfig configFromJson(const QJsonObject& json);

bool sameConfig(const QuantConfig& a, const QuantConfig& b);

}  // namespace quantscope::app
