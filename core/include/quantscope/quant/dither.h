#pragma once
// Dither: noise added to x / s before an integer quantizer rounds it (docs/design.md "Dither").
// TPDF (triangular probability density) dither is d = u1 - u2 with u1, u2 independent and
// uniform on [0, 1): the sum of two uniform variables of +-1/2 LSB each, triangular over
// (-1, 1) LSB, mean 0, variance 1/6 LSB^2. Under it the total error of a rounding quantizer
// has mean 0 and variance Delta^2 / 4 (Delta^2 / 12 of rounding plus Delta^2 / 6 of dither),
// and its first two moments no longer depend on the signal: a low-level sine's harmonics turn
// into a flat noise floor. The LSB is the group's step s, so d is added to t = x / s.

#include <cstdint>
#include <optional>
#include <string_view>

#include "quantscope/formats/float_format.h"

namespace quantscope {

enum class Dither { None, Tpdf };

// "none", "tpdf"
std::string_view to_string(Dither dither);
std::optional<Dither> parse_dither(std::string_view name);

// The TPDF dither of element `index` under `seed` (the whole 64 bits, as stochastic rounding),
// in LSB: u1 - u2 from 24 random bits each, exact in float. Its streams (2 index and 2 index + 1
// under a salted seed) are not the ones stochastic rounding draws from, so both can be on at
// once.
inline float tpdf_dither(std::uint64_t seed, std::uint64_t index) {
    constexpr std::uint64_t kSalt = 0xD1B54A32u;
    const float u1 = static_cast<float>(stochastic_bits(seed ^ kSalt, 2 * index) >> 8) * 0x1.0p-24f;
    const float u2 =
        static_cast<float>(stochastic_bits(seed ^ kSalt, 2 * index + 1) >> 8) * 0x1.0p-24f;
    return u1 - u2;
}

}  // namespace quantscope
