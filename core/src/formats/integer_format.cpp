#include "quantscope/formats/integer_format.h"

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

std::int32_t IntegerFormat::value_of(std::uint32_t code) const {
    code &= code_mask();
    if (is_signed && (code >> (bits - 1)) != 0) {
        return static_cast<std::int32_t>(code) - (1 << bits);
    }
    return static_cast<std::int32_t>(code);
}

std::int32_t IntegerFormat::sign_magnitude_value(std::uint32_t code) const {
    code &= code_mask();
    if (!is_signed) {
        return static_cast<std::int32_t>(code);
    }
    const auto magnitude = static_cast<std::int32_t>(code & (code_mask() >> 1));
    return (code >> (bits - 1)) != 0 ? -magnitude : magnitude;
}

}  // namespace quantscope
