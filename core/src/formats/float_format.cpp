// The float descriptor, decode, the exact scalar encoder (the reference) and the bit fields.
// The reference works in double, where every float32 input and every format value up to 32
// bits is exact, and finds the two neighbours of a value arithmetically (frexp / ldexp), an
// approach independent of the bulk path's integer bit manipulation (float_rounding.cpp).

#include "quantscope/formats/float_format.h"

#include "bit_text.h"

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <limits>

#include "quantscope/common/error.h"

namespace quantscope {

std::string_view to_string(SpecialPolicy policy) {
    switch (policy) {
        case SpecialPolicy::Ieee:
            return "ieee";
        case SpecialPolicy::Fn:
            return "fn";
        case SpecialPolicy::Fnuz:
            return "fnuz";
        case SpecialPolicy::Finite:
            return "finite";
    }
    return "ieee";
}

std::optional<SpecialPolicy> parse_special_policy(std::string_view name) {
    for (SpecialPolicy p :
         {SpecialPolicy::Ieee, SpecialPolicy::Fn, SpecialPolicy::Fnuz, SpecialPolicy::Finite}) {
        if (name == to_string(p)) {
            return p;
        }
    }
    return std::nullopt;
}

std::string_view to_string(Saturation saturation) {
    return saturation == Saturation::Saturate ? "saturate" : "ieee-cast";
}

std::string_view to_string(ValueClass value_class) {
    switch (value_class) {
        case ValueClass::Zero:
            return "zero";
        case ValueClass::Subnormal:
            return "subnormal";
        case ValueClass::Normal:
            return "normal";
        case ValueClass::Infinite:
            return "inf";
        case ValueClass::NaN:
            return "nan";
    }
    return "nan";
}

namespace {

std::uint32_t low_mask(int bits) {
    return bits >= 32 ? 0xFFFFFFFFu : (1u << bits) - 1u;
}

int default_bias(int exponent_bits, SpecialPolicy policy) {
    return (1 << (exponent_bits - 1)) - 1 + (policy == SpecialPolicy::Fnuz ? 1 : 0);
}

std::string generic_name(int exponent_bits, int mantissa_bits, SpecialPolicy policy, int bias) {
    std::string name = "e" + std::to_string(exponent_bits) + "m" + std::to_string(mantissa_bits);
    if (policy != SpecialPolicy::Ieee) {
        name += "_";
        name += to_string(policy);
    }
    if (bias != default_bias(exponent_bits, policy)) {
        name += "_b" + std::to_string(bias);
    }
    return name;
}

}  // namespace

// Fills every derived member from the defining ones.
FloatFormat::FloatFormat(int exponent_bits, int mantissa_bits, int bias, SpecialPolicy policy,
                         bool has_sign, bool has_subnormals, std::string name)
    : exponent_bits_(exponent_bits),
      mantissa_bits_(mantissa_bits),
      bias_(bias),
      policy_(policy),
      has_sign_(has_sign),
      has_subnormals_(has_subnormals),
      name_(std::move(name)) {
    const int E = exponent_bits_;
    const int M = mantissa_bits_;
    bits_ = (has_sign_ ? 1 : 0) + E + M;
    sign_mask_ = has_sign_ ? (1u << (E + M)) : 0u;
    const std::uint32_t exponent_all_ones = low_mask(E);
    const std::uint32_t mantissa_all_ones = low_mask(M);

    has_inf_ = policy_ == SpecialPolicy::Ieee;
    has_nan_ = policy_ == SpecialPolicy::Fn || policy_ == SpecialPolicy::Fnuz ||
               (policy_ == SpecialPolicy::Ieee && M > 0);
    has_negative_zero_ = has_sign_ && policy_ != SpecialPolicy::Fnuz;

    // Largest finite code: the top exponent field is Inf/NaN under ieee; under fn only its
    // all-ones mantissa is NaN (with M = 0 that is the whole field).
    std::uint32_t max_field = exponent_all_ones;
    std::uint32_t max_mantissa = mantissa_all_ones;
    if (policy_ == SpecialPolicy::Ieee) {
        max_field = exponent_all_ones - 1;
    } else if (policy_ == SpecialPolicy::Fn) {
        if (M == 0) {
            max_field = exponent_all_ones - 1;
        } else {
            max_mantissa = mantissa_all_ones - 1;
        }
    }
    max_exponent_field_ = static_cast<int>(max_field);
    max_finite_code_ = (max_field << M) | max_mantissa;
    min_exponent_ = has_subnormals_ ? 1 - bias_ : -bias_;
    max_exponent_ = static_cast<int>(max_field) - bias_;
    if (policy_ == SpecialPolicy::Ieee) {
        nan_code_ = M > 0 ? (exponent_all_ones << M) | (1u << (M - 1)) : 0u;
    } else if (policy_ == SpecialPolicy::Fn) {
        nan_code_ = low_mask(E + M);
    } else if (policy_ == SpecialPolicy::Fnuz) {
        nan_code_ = sign_mask_;
    }
    epsilon_ = std::ldexp(1.0, -M);
    max_finite_ = decode(*this, max_finite_code_).value;
    // Without normals (ieee with E = 1) min_normal stays 0.
    min_normal_ = (max_field >= 1 || !has_subnormals_) ? std::ldexp(1.0, min_exponent_) : 0.0;
    min_subnormal_ = (has_subnormals_ && M > 0) ? std::ldexp(1.0, min_exponent_ - M)
                                                : std::ldexp(1.0, min_exponent_);
    // Positive codes 1 .. max_finite_code are all finite and distinct; add zero once.
    const std::uint64_t positive = max_finite_code_;
    value_count_ = has_subnormals_ ? (has_sign_ ? 2 * positive + 1 : positive + 1) : positive + 1;
}

FloatFormat::FloatFormat() : FloatFormat(8, 23, 127, SpecialPolicy::Ieee, true, true, "fp32") {}

FloatFormat FloatFormat::named(std::string name) const {
    FloatFormat copy = *this;
    copy.name_ = std::move(name);
    return copy;
}

bool FloatFormat::operator==(const FloatFormat& other) const {
    return exponent_bits_ == other.exponent_bits_ && mantissa_bits_ == other.mantissa_bits_ &&
           bias_ == other.bias_ && policy_ == other.policy_ && has_sign_ == other.has_sign_ &&
           has_subnormals_ == other.has_subnormals_;
}

FloatFormat make_float_format(int exponent_bits, int mantissa_bits, SpecialPolicy policy,
                              std::optional<int> bias) {
    if (exponent_bits < 1 || exponent_bits > 8 || mantissa_bits < 0 || mantissa_bits > 23 ||
        1 + exponent_bits + mantissa_bits > 32) {
        throw UsageError("float format e" + std::to_string(exponent_bits) + "m" +
                         std::to_string(mantissa_bits) +
                         ": E must be 1..8 and M 0..23 (1 + E + M <= 32)");
    }
    const int b = bias.value_or(default_bias(exponent_bits, policy));
    const std::string name = generic_name(exponent_bits, mantissa_bits, policy, b);
    if (b < -200 || b > 400) {
        throw UsageError("float format " + name + ": bias out of range");
    }
    FloatFormat f(exponent_bits, mantissa_bits, b, policy, true, true, name);
    if (f.max_finite_code() == 0) {
        throw UsageError("float format " + name + " has no non-zero finite value");
    }
    if (!(f.max_finite() <= FLT_MAX) || f.min_subnormal() < std::ldexp(1.0, -149)) {
        throw UsageError("float format " + name +
                         ": its range leaves float32's (largest value must be <= 3.4e38, "
                         "smallest >= 2^-149); QuantScope computes in float32");
    }
    return f;
}

FloatFormat e8m0_format() {
    return FloatFormat(8, 0, 127, SpecialPolicy::Fn, false, false, "e8m0");
}

Decoded decode(const FloatFormat& f, std::uint32_t code) {
    const int M = f.mantissa_bits();
    code &= low_mask(f.bits());
    const bool negative = (code & f.sign_mask()) != 0;
    const std::uint32_t magnitude = code & ~f.sign_mask();
    const std::uint32_t field = magnitude >> M;
    const std::uint32_t mantissa = magnitude & low_mask(M);
    const double nan = std::numeric_limits<double>::quiet_NaN();

    switch (f.policy()) {
        case SpecialPolicy::Ieee:
            if (field == low_mask(f.exponent_bits())) {
                if (mantissa == 0) {
                    const double inf = std::numeric_limits<double>::infinity();
                    return {negative ? -inf : inf, ValueClass::Infinite};
                }
                return {nan, ValueClass::NaN};
            }
            break;
        case SpecialPolicy::Fn:
            if (magnitude == low_mask(f.exponent_bits() + M)) {
                return {nan, ValueClass::NaN};
            }
            break;
        case SpecialPolicy::Fnuz:
            if (code == f.sign_mask()) {
                return {nan, ValueClass::NaN};
            }
            break;
        case SpecialPolicy::Finite:
            break;
    }
    double magnitude_value = 0;
    ValueClass value_class = ValueClass::Normal;
    if (field == 0 && f.has_subnormals()) {
        magnitude_value = std::ldexp(static_cast<double>(mantissa), f.min_exponent() - M);
        value_class = mantissa == 0 ? ValueClass::Zero : ValueClass::Subnormal;
    } else {
        const double significand = static_cast<double>((1u << M) | mantissa);
        magnitude_value = std::ldexp(significand, static_cast<int>(field) - f.bias() - M);
    }
    return {negative ? -magnitude_value : magnitude_value, value_class};
}

namespace {

// Positive code of the magnitude r * 2^(cell_exponent - M), r an integer in [0, 2^(M+1)],
// where cell_exponent is the exponent of the binade the rounding happened in.
std::uint64_t magnitude_code(const FloatFormat& f, std::uint64_t r, int cell_exponent) {
    const int M = f.mantissa_bits();
    const std::uint64_t implicit = std::uint64_t{1} << M;
    if (r < implicit) {
        // Only reachable in the subnormal cell (cell_exponent == min_exponent), or at r = 0.
        return r;
    }
    // r = 2^(M+1) carries into the next binade, which the code sequence does by itself.
    const auto field = static_cast<std::uint64_t>(cell_exponent + f.bias());
    return (field << M) + (r - implicit);
}

Encoded special_result(const FloatFormat& f, std::uint32_t code) {
    Encoded e;
    e.code = code;
    e.value = decode(f, code).value;
    return e;
}

}  // namespace

Encoded encode(const FloatFormat& f, double value, Rounding rounding, Saturation saturation,
               std::uint32_t random_bits) {
    const int M = f.mantissa_bits();
    if (std::isnan(value)) {
        if (f.has_nan()) {
            return special_result(f, f.nan_code());
        }
        Encoded e;  // a finite format has no NaN: report it, give +0
        e.invalid = true;
        return e;
    }
    const bool negative = std::signbit(value);
    const double magnitude = std::fabs(value);

    if (!f.has_sign() && negative && magnitude != 0) {
        // E8M0 holds only positive powers of two.
        Encoded e = saturation == Saturation::IeeeCast ? special_result(f, f.nan_code())
                                                       : special_result(f, 0);
        e.invalid = true;
        e.error = value - e.value;
        return e;
    }

    const auto with_sign = [&](std::uint64_t magnitude_code_value) {
        Encoded e;
        auto code = static_cast<std::uint32_t>(magnitude_code_value);
        if (negative && f.has_sign() && (code != 0 || f.has_negative_zero())) {
            code |= f.sign_mask();
        }
        e.code = code;
        e.value = decode(f, code).value;
        e.error = std::isinf(value) ? 0.0 : value - e.value;
        return e;
    };
    const auto overflow = [&]() {
        Encoded e;
        if (saturation == Saturation::IeeeCast && rounding != Rounding::TowardZero &&
            (f.has_inf() || f.has_nan())) {
            const std::uint32_t inf_code = (low_mask(f.exponent_bits()) << M);
            e = f.has_inf() ? with_sign(inf_code) : special_result(f, f.nan_code());
            e.overflowed = true;
            e.error = 0;
        } else {
            e = with_sign(f.max_finite_code());
        }
        return e;
    };

    if (std::isinf(magnitude)) {
        if (saturation == Saturation::IeeeCast && f.has_inf()) {
            Encoded e = with_sign(low_mask(f.exponent_bits()) << M);
            e.saturated = true;
            return e;
        }
        Encoded e = overflow();
        e.saturated = true;
        e.error = 0;
        return e;
    }
    if (magnitude == 0) {
        return with_sign(0);  // E8M0 has no zero: its code 0 (2^-127) is the nearest value
    }

    int frexp_exponent = 0;
    std::frexp(magnitude, &frexp_exponent);
    const int exponent = frexp_exponent - 1;  // magnitude in [2^exponent, 2^(exponent+1))
    if (exponent > f.max_exponent()) {
        Encoded e = overflow();
        e.saturated = true;
        return e;
    }
    if (!f.has_subnormals() && exponent < f.min_exponent()) {
        Encoded e = with_sign(0);  // below E8M0's smallest value: that value
        return e;
    }
    const int cell_exponent = std::max(exponent, f.min_exponent());
    const double scaled = std::ldexp(magnitude, M - cell_exponent);  // exact
    const double lower = std::floor(scaled);
    const double fraction = scaled - lower;  // exact
    const auto lower_r = static_cast<std::uint64_t>(lower);
    bool up = false;
    switch (rounding) {
        case Rounding::NearestEven:
            if (fraction > 0.5) {
                up = true;
            } else if (fraction == 0.5) {
                up = (magnitude_code(f, lower_r, cell_exponent) & 1u) != 0;
            }
            break;
        case Rounding::NearestAway:
            up = fraction >= 0.5;
            break;
        case Rounding::TowardZero:
            up = false;
            break;
        case Rounding::Stochastic:
            up = static_cast<std::uint32_t>(std::floor(std::ldexp(fraction, 24))) >
                 (random_bits >> 8);
            break;
    }
    const std::uint64_t code = magnitude_code(f, lower_r + (up ? 1 : 0), cell_exponent);
    const bool beyond = magnitude > f.max_finite();
    if (code > f.max_finite_code()) {
        Encoded e = overflow();
        e.saturated = beyond;
        return e;
    }
    Encoded e = with_sign(code);
    e.saturated = beyond;
    return e;
}

namespace {

std::string format_number(double value) {
    if (std::isnan(value)) {
        return "NaN";
    }
    if (std::isinf(value)) {
        return value > 0 ? "Inf" : "-Inf";
    }
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.10g", value);
    return buffer;
}

}  // namespace

CodeFields fields(const FloatFormat& f, std::uint32_t code) {
    const int M = f.mantissa_bits();
    CodeFields c;
    c.code = code & low_mask(f.bits());
    c.bits = f.bits();
    c.sign = (c.code & f.sign_mask()) != 0 ? 1u : 0u;
    c.exponent_field = (c.code & ~f.sign_mask()) >> M;
    c.mantissa_field = c.code & low_mask(M);
    const Decoded d = decode(f, c.code);
    c.value = d.value;
    c.value_class = d.value_class;

    if (f.has_sign()) {
        c.bit_string = detail::bit_text(c.sign, 1) + " ";
    }
    c.bit_string += detail::bit_text(c.exponent_field, f.exponent_bits());
    if (M > 0) {
        c.bit_string += " " + detail::bit_text(c.mantissa_field, M);
    }

    const std::string sign_part = f.has_sign() ? "(-1)^" + std::to_string(c.sign) + " * " : "";
    const std::string fraction =
        M > 0 ? std::to_string(c.mantissa_field) + "/" + std::to_string(1u << M) : "0";
    const std::string bias = std::to_string(f.bias());
    switch (d.value_class) {
        case ValueClass::NaN:
            c.unbiased_exponent = static_cast<int>(c.exponent_field) - f.bias();
            c.formula = "NaN (" + std::string(to_string(f.policy())) + " NaN encoding)";
            break;
        case ValueClass::Infinite:
            c.unbiased_exponent = static_cast<int>(c.exponent_field) - f.bias();
            c.formula =
                std::string(c.sign != 0 ? "-" : "+") + "Inf (exponent all ones, mantissa 0)";
            break;
        case ValueClass::Zero:
        case ValueClass::Subnormal:
            c.unbiased_exponent = f.min_exponent();
            c.formula = sign_part + "(0 + " + fraction + ") * 2^(1 - " + bias +
                        ") = " + format_number(c.value);
            break;
        case ValueClass::Normal:
            c.unbiased_exponent = static_cast<int>(c.exponent_field) - f.bias();
            c.formula = sign_part + "(1 + " + fraction + ") * 2^(" +
                        std::to_string(c.exponent_field) + " - " + bias +
                        ") = " + format_number(c.value);
            break;
    }
    return c;
}

}  // namespace quantscope
