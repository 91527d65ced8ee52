#include "quantscope/train/optimizer_state.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "quantscope/common/error.h"
#include "quantscope/quant/quantizer.h"
#include "quantscope/quant/storage.h"

namespace quantscope {

namespace {

constexpr std::array kFormats{StateFormat::Fp32, StateFormat::Int8, StateFormat::Dynamic8};

QuantConfig make_moment_config(StateFormat format, Moment moment) {
    QuantConfig config;
    const bool first = moment == Moment::First;
    if (format == StateFormat::Int8) {
        apply_format(config, first ? "int8" : "uint8");
        // Absmax scaling for both: the second moment is never negative, so uint8 spends all
        // 256 levels on [0, absmax] as the dynamic map's unsigned variant does.
        config.scheme = Scheme::Symmetric;
    } else {
        apply_format(config, first ? "dynamic8" : "udynamic8");
    }
    config.granularity.kind = Granularity::Kind::Block;
    config.granularity.block = kStateBlock;
    config.calibration = Calibration{};
    config.rounding = Rounding::NearestEven;
    check_config(config);
    return config;
}

}  // namespace

std::span<const StateFormat> state_formats() {
    return kFormats;
}

std::string_view to_string(StateFormat format) {
    switch (format) {
        case StateFormat::Fp32:
            return "fp32";
        case StateFormat::Int8:
            return "int8";
        case StateFormat::Dynamic8:
            return "dynamic8";
    }
    return "fp32";
}

std::optional<StateFormat> parse_state_format(std::string_view name) {
    for (const StateFormat format : kFormats) {
        if (to_string(format) == name) {
            return format;
        }
    }
    return std::nullopt;
}

std::string_view state_format_label(StateFormat format) {
    switch (format) {
        case StateFormat::Fp32:
            return "FP32";
        case StateFormat::Int8:
            return "int8 linear";
        case StateFormat::Dynamic8:
            return "dynamic map";
    }
    return "FP32";
}

std::optional<QuantConfig> moment_config(StateFormat format, Moment moment) {
    if (format == StateFormat::Fp32) {
        return std::nullopt;
    }
    return make_moment_config(format, moment);
}

double StateError::relative_rms() const {
    if (sum_error2 == 0) {
        return 0;
    }
    if (sum_value2 == 0) {
        return std::numeric_limits<double>::infinity();
    }
    return std::sqrt(sum_error2 / sum_value2);
}

double StateError::zeroed_fraction() const {
    return nonzero > 0 ? static_cast<double>(zeroed) / static_cast<double>(nonzero) : 0.0;
}

StateError& StateError::operator+=(const StateError& other) {
    sum_error2 += other.sum_error2;
    sum_value2 += other.sum_value2;
    nonzero += other.nonzero;
    zeroed += other.zeroed;
    return *this;
}

StateError compare_state(std::span<const float> values, std::span<const float> stored) {
    if (values.size() != stored.size()) {
        throw UsageError("compare_state: the state and its stored copy differ in length");
    }
    StateError error;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const double x = values[i];
        const double e = x - static_cast<double>(stored[i]);
        error.sum_error2 += e * e;
        error.sum_value2 += x * x;
        if (x != 0) {
            ++error.nonzero;
            error.zeroed += stored[i] == 0 ? 1 : 0;
        }
    }
    return error;
}

StateError store_state(std::span<float> values, StateFormat format, Moment moment) {
    const std::optional<QuantConfig> config = moment_config(format, moment);
    if (!config || values.empty()) {
        return compare_state(values, values);
    }
    const QuantResult result = quantize(values, *config);
    const std::span<const float> stored(result.dequantized.data(), result.dequantized.size());
    const StateError error = compare_state(values, stored);
    std::copy(stored.begin(), stored.end(), values.begin());
    return error;
}

std::int64_t state_bytes(std::int64_t count, StateFormat format, Moment moment) {
    const std::optional<QuantConfig> config = moment_config(format, moment);
    if (!config) {
        return 4 * count;
    }
    const std::array<std::int64_t, 1> shape{count};
    return storage_for(count, group_count(shape, *config), *config).bytes;
}

}  // namespace quantscope
