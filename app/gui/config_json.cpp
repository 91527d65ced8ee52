#include "config_json.h"

#include "quantscope/common/error.h"

namespace quantscope::app {

QJsonObject configToJson(const QuantConfig& config) {
    return {
        {"format", QString::fromStdString(format_name(config))},
        {"scheme", QString::fromLatin1(to_string(config.scheme))},
        {"granularity", QString::fromStdString(to_string(config.granularity))},
        {"calibration", QString::fromStdString(to_string(config.calibration))},
        {"rounding", QString::fromLatin1(to_string(config.rounding))},
        // A JSON number holds 53 bits: the seed goes as text.
        {"seed", QString::number(config.seed)},
        {"outlier_threshold", config.outlier_threshold},
    };
}

QuantConfig configFromJson(const QJsonObject& json) {
    QuantConfig config;
    apply_format(config, json.value("format").toString("int8").toStdString());
    if (json.contains("scheme")) {
        const auto scheme = parse_scheme(json.value("scheme").toString().toStdString());
        if (!scheme) {
            throw UsageError("unknown scheme '" + json.value("scheme").toString().toStdString() +
                             "'");
        }
        config.scheme = *scheme;
    }
    if (json.contains("granularity")) {
        config.granularity = parse_granularity(json.value("granularity").toString().toStdString());
    }
    if (json.contains("calibration")) {
        config.calibration = parse_calibration(json.value("calibration").toString().toStdString());
    }
    if (json.contains("rounding")) {
        const auto rounding = parse_rounding(json.value("rounding").toString().toStdString());
        if (!rounding) {
            throw UsageError("unknown rounding '" +
                             json.value("rounding").toString().toStdString() + "'");
        }
        config.rounding = *rounding;
    }
    config.seed = json.value("seed").toString("0").toULongLong();
    config.outlier_threshold = json.value("outlier_threshold").toDouble(0);
    return config;
}

bool sameConfig(const QuantConfig& a, const QuantConfig& b) {
    return configToJson(a) == configToJson(b);
}

}  // namespace quantscope::app
