#include "quantscope/quant/quant_config.h"

#include <charconv>

#include "quantscope/common/error.h"

namespace quantscope {

std::string IntegerFormat::name() const {
    std::string text = is_signed ? "int" : "uint";
    text += std::to_string(bits);
    return text;
}

IntegerFormat parse_integer_format(std::string_view name) {
    IntegerFormat format;
    std::string_view digits;
    if (name.starts_with("uint")) {
        format.is_signed = false;
        digits = name.substr(4);
    } else if (name.starts_with("int")) {
        digits = name.substr(3);
    } else {
        throw UsageError("unknown format '" + std::string(name) + "' (expected intK or uintK)");
    }
    const char* end = digits.data() + digits.size();
    auto [ptr, ec] = std::from_chars(digits.data(), end, format.bits);
    if (digits.empty() || ec != std::errc() || ptr != end || format.bits < 2 || format.bits > 16) {
        throw UsageError("format '" + std::string(name) + "': the width K must be 2 to 16");
    }
    return format;
}

std::string_view to_string(Scheme scheme) {
    return scheme == Scheme::Symmetric ? "symmetric" : "affine";
}

std::optional<Scheme> parse_scheme(std::string_view name) {
    if (name == "symmetric") {
        return Scheme::Symmetric;
    }
    if (name == "affine") {
        return Scheme::Affine;
    }
    return std::nullopt;
}

std::string describe(const QuantConfig& config) {
    std::string text = config.format.name() + " " + std::string(to_string(config.scheme));
    if (config.calibration.method == CalibrationMethod::MinMax) {
        text += " minmax";
    } else {
        text += " manual[" + std::to_string(config.calibration.manual_min) + ", " +
                std::to_string(config.calibration.manual_max) + "]";
    }
    text += " " + std::string(to_string(config.rounding));
    return text;
}

}  // namespace quantscope
