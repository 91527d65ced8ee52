#pragma once
// The value path of float rounding, one float32 at a time, inline: FloatRounder's bulk loop and
// the fused MX kernel (quant/scaled_quantizer.cpp) share it. Internal to core.
//
// For saturating rounding into formats whose cells 2^q (q = e - M for e in [emin, emax]) and
// their inverses are normal float32 powers of two (fp16, every FP8, FP6 and FP4), x is scaled by
// 2^-q to an integer-spaced number, rounded, and scaled back: both scalings are exact. It does
// half the work of encoding and decoding and gives the same values (tested on every code's
// neighbourhood).

#include <algorithm>
#include <bit>
#include <cstdint>

#include "quantscope/formats/float_format.h"
#include "quantscope/formats/rounding.h"

namespace quantscope::detail {

struct ValueConstants {
    std::int32_t mantissa_bits;
    std::int32_t min_exponent;
    std::int32_t max_exponent;
    float max_finite;
    std::uint32_t max_finite_bits;
    std::uint32_t nan_result;          // float32 bits a NaN input becomes
    std::uint32_t keep_negative_zero;  // 1 or 0
};

// Formats the bulk rounder's fast paths cover: subnormal formats whose normal range starts
// inside float32's normal range (every named preset except E8M0).
inline bool fast_path_supported(const FloatFormat& f) {
    return f.has_subnormals() && f.min_exponent() >= -126;
}

// The value path needs also a mantissa (for M = 0 a tie at a binade's top picks the even code,
// which need not be the even multiple of the cell) and normal values (E = 1 under ieee or fn
// has only subnormals).
inline bool value_path_supported(const FloatFormat& f, Saturation saturation) {
    return saturation == Saturation::Saturate && fast_path_supported(f) && f.mantissa_bits() >= 1 &&
           f.max_exponent() >= f.min_exponent() && f.min_exponent() - f.mantissa_bits() >= -126 &&
           f.max_exponent() <= 126;
}

inline ValueConstants value_constants_for(const FloatFormat& f) {
    ValueConstants v{};
    v.mantissa_bits = f.mantissa_bits();
    v.min_exponent = f.min_exponent();
    v.max_exponent = f.max_exponent();
    v.max_finite = static_cast<float>(f.max_finite());
    v.max_finite_bits = std::bit_cast<std::uint32_t>(v.max_finite);
    v.nan_result = f.has_nan() ? 0x7FC00000u : 0u;
    v.keep_negative_zero = f.has_negative_zero() ? 1u : 0u;
    return v;
}

// The float32 bits of `bits`, a finite float or an infinity (which saturates), rounded into the
// format under R. `random24` (stochastic only): 24 random bits; the value rounds up when
// floor(fraction * 2^24) exceeds them. The cell 2^q and its inverse are built from the clamped
// exponent field directly, and the sign is put back with one select.
template <Rounding R>
inline std::uint32_t round_finite_bits(std::uint32_t bits, const ValueConstants& v,
                                       std::uint32_t random24 = 0) {
    const std::uint32_t magnitude_bits = bits & 0x7FFFFFFFu;
    const std::uint32_t sign = bits & 0x80000000u;
    // The cell exponent q = clamp(e, emin, emax) - M, from the biased field f = e + 127:
    // 2^-q has the field 254 + M - f, and 2^q the field f - M.
    auto field = static_cast<std::int32_t>(magnitude_bits >> 23);
    field = std::clamp(field, v.min_exponent + 127, v.max_exponent + 127);
    const float down =
        std::bit_cast<float>(static_cast<std::uint32_t>(254 + v.mantissa_bits - field) << 23);
    const float up =
        std::bit_cast<float>(static_cast<std::uint32_t>(field - v.mantissa_bits) << 23);
    const float a = std::bit_cast<float>(magnitude_bits) * down;  // exact; Inf stays Inf
    float r = 0;
    if constexpr (R == Rounding::NearestEven) {
        r = __builtin_rintf(a);  // the current mode, FE_TONEAREST: ties to even
    } else if constexpr (R == Rounding::NearestAway) {
        const float whole = __builtin_truncf(a);
        r = whole + (a - whole >= 0.5f ? 1.0f : 0.0f);
    } else if constexpr (R == Rounding::TowardZero) {
        r = __builtin_truncf(a);
    } else {
        const float whole = __builtin_floorf(a);
        const float fraction24 = __builtin_floorf((a - whole) * 16777216.0f);
        r = whole +
            (fraction24 > static_cast<float>(static_cast<std::int32_t>(random24)) ? 1.0f : 0.0f);
    }
    float y = r * up;                         // exact
    y = y > v.max_finite ? v.max_finite : y;  // saturate (Inf inputs too)
    const std::uint32_t y_bits = std::bit_cast<std::uint32_t>(y);
    // Zero keeps its sign only where the format has a negative zero.
    const bool keep_sign = y_bits != 0 || v.keep_negative_zero != 0;
    return y_bits | (keep_sign ? sign : 0u);
}

// The same for any float32 bits: NaN becomes the format's NaN (or 0 where it has none).
template <Rounding R>
inline std::uint32_t round_value_bits(std::uint32_t bits, const ValueConstants& v,
                                      std::uint32_t random24 = 0) {
    const std::uint32_t rounded = round_finite_bits<R>(bits, v, random24);
    return (bits & 0x7FFFFFFFu) > 0x7F800000u ? v.nan_result : rounded;
}

}  // namespace quantscope::detail
