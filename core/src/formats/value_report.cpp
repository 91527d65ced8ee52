#include "quantscope/formats/value_report.h"

#include "bit_text.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace quantscope {

namespace {

constexpr double kFloatMax = std::numeric_limits<float>::max();

// Decimal digits, least significant first, of a non-negative big integer.
using Digits = std::vector<std::uint8_t>;

void multiply(Digits& digits, unsigned factor) {
    unsigned carry = 0;
    for (std::uint8_t& d : digits) {
        const unsigned v = d * factor + carry;
        d = static_cast<std::uint8_t>(v % 10);
        carry = v / 10;
    }
    while (carry > 0) {
        digits.push_back(static_cast<std::uint8_t>(carry % 10));
        carry /= 10;
    }
}

Digits digits_of(std::uint64_t n) {
    Digits digits;
    do {
        digits.push_back(static_cast<std::uint8_t>(n % 10));
        n /= 10;
    } while (n > 0);
    return digits;
}

ValueReport finish(const Format& format, ValueReport r) {
    r.fields = format.fields(r.encoded.code);
    const double own = r.fields.value;
    const auto scaled = [&r](double v) { return (v - r.zero_point) * r.scale; };
    r.value = scaled(own);
    r.error = r.input - r.value;
    r.relative_error = std::isnan(r.input) ? std::nan("")
                       : r.input == 0      ? 0.0
                                           : r.error / std::abs(r.input);
    r.next_down = scaled(format.next_down(own));
    r.next_up = scaled(format.next_up(own));
    r.ulp = format.ulp(own) * r.scale;
    r.exact = exact_decimal(own);
    return r;
}

// x / s for a code at a scale: an integer format's as the integer quantizer computes it, x in
// float32 times 1/s rounded once from double to float32 (integer_kernels.h), so that the code
// shown is the engine's, ties and stochastic picks included; otherwise in double.
double scaled_input(const Format& format, double input, double scale) {
    if (format.kind() != FormatKind::Integer || !(std::fabs(input) <= kFloatMax) ||
        !(std::fabs(scale) <= kFloatMax) || scale == 0) {
        return input / scale;
    }
    const auto s = static_cast<float>(scale);
    const auto inv = 1.0 / static_cast<double>(s);
    if (!(std::fabs(inv) <= kFloatMax)) {
        return input / scale;
    }
    return static_cast<double>(static_cast<float>(input) * static_cast<float>(inv));
}

}  // namespace

std::string exact_decimal(double value) {
    if (std::isnan(value)) {
        return "nan";
    }
    if (std::isinf(value)) {
        return value > 0 ? "inf" : "-inf";
    }
    if (value == 0) {
        return std::signbit(value) ? "-0" : "0";
    }
    // value = mantissa * 2^exponent with an odd (or 53-bit) integer mantissa.
    int exponent = 0;
    const double fraction = std::frexp(std::abs(value), &exponent);
    auto mantissa = static_cast<std::uint64_t>(std::ldexp(fraction, 53));
    exponent -= 53;
    while (mantissa % 2 == 0) {
        mantissa /= 2;
        ++exponent;
    }
    Digits digits = digits_of(mantissa);
    std::size_t decimals = 0;
    if (exponent >= 0) {
        for (int i = 0; i < exponent; ++i) {
            multiply(digits, 2);
        }
    } else {
        // m / 2^k = m * 5^k / 10^k: k decimals, exactly.
        for (int i = 0; i < -exponent; ++i) {
            multiply(digits, 5);
        }
        decimals = static_cast<std::size_t>(-exponent);
    }
    while (digits.size() <= decimals) {
        digits.push_back(0);  // leading zeros of 0.000...
    }
    std::string text = value < 0 ? "-" : "";
    for (std::size_t i = digits.size(); i-- > 0;) {
        text += static_cast<char>('0' + digits[i]);
        if (i == decimals && decimals > 0) {
            text += '.';
        }
    }
    return text;
}

ValueReport report_value(const Format& format, double input, Rounding rounding, double scale,
                         double zero_point, std::uint32_t random_bits) {
    ValueReport r;
    r.input = input;
    r.scale = scale;
    r.zero_point = zero_point;
    r.rounding = rounding;
    // Affine integers round x / s, then add z: rounding x / s + z would move the ties
    // (-42.5 + 106 = 63.5 rounds away to 64, where round(-42.5) + 106 = 63).
    const double scaled =
        scale == 1 && zero_point == 0 ? input : scaled_input(format, input, scale);
    const double stored = zero_point == 0 || !std::isfinite(scaled)
                              ? scaled
                              : round_to_integer(scaled, rounding, random_bits) + zero_point;
    r.encoded = format.encode(stored, rounding, Saturation::Saturate, random_bits);
    r.ieee_cast =
        (format.encode(stored, rounding, Saturation::IeeeCast, random_bits).value - zero_point) *
        scale;
    return finish(format, r);
}

ValueReport report_code(const Format& format, std::uint32_t code, double scale, double zero_point) {
    ValueReport r;
    r.scale = scale;
    r.zero_point = zero_point;
    const Decoded decoded = format.decode(code);
    r.encoded.code = code;
    r.encoded.value = decoded.value;
    r.input = (decoded.value - zero_point) * scale;
    r.ieee_cast = r.input;
    return finish(format, r);
}

std::string unsigned_bits(std::int64_t q, int bits) {
    if (q < 0 || bits <= 0 || bits > 62 || q >= (std::int64_t{1} << bits)) {
        return {};
    }
    return detail::bit_text(static_cast<std::uint64_t>(q), bits);
}

std::string sign_magnitude_bits(std::int64_t q, int bits) {
    if (bits < 2 || bits > 62) {
        return {};
    }
    const std::uint64_t magnitude = static_cast<std::uint64_t>(q < 0 ? -q : q);
    if (magnitude >= (std::uint64_t{1} << (bits - 1))) {
        return {};
    }
    return (q < 0 ? "1" : "0") + detail::bit_text(magnitude, bits - 1);
}

std::string twos_complement_bits(std::int64_t q, int bits) {
    if (bits < 2 || bits > 62 || q < -(std::int64_t{1} << (bits - 1)) ||
        q >= (std::int64_t{1} << (bits - 1))) {
        return {};
    }
    return detail::bit_text(static_cast<std::uint64_t>(q) & ((std::uint64_t{1} << bits) - 1), bits);
}

}  // namespace quantscope
