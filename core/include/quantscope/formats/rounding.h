#pragma once
// Rounding modes shared by the formats engine and the quantizers.
// nearest-even is IEEE 754's roundTiesToEven (the hardware default); nearest-away is C's round()
// (ties away from zero, used by many hand-worked examples); toward-zero truncates; stochastic
// rounds up with probability equal to the distance from the lower neighbour (seeded, unbiased in
// expectation).

#include <cstdint>
#include <optional>
#include <string_view>

namespace quantscope {

enum class Rounding { NearestEven, NearestAway, TowardZero, Stochastic };

// "nearest-even", "nearest-away", "toward-zero", "stochastic"
std::string_view to_string(Rounding rounding);
std::optional<Rounding> parse_rounding(std::string_view name);

// `fraction` in [0, 1) rounds up under stochastic rounding when its top 24 bits exceed the top
// 24 of `random_bits`: probability `fraction`, to 2^-24.
bool stochastic_up(double fraction, std::uint32_t random_bits);
// A value rounded to an integer under `rounding` (the scalar reference for integer codes; a
// non-finite value comes back as it is); `random_bits` drives stochastic rounding, which rounds
// up (toward +inf) when the fraction's top 24 bits exceed the top 24 of `random_bits`, as
// stochastic_up: probability equal to the fraction. The engine, the reference quantizer and the
// bit inspector take `random_bits` from stochastic_bits(seed, index) (float_format.h).
double round_to_integer(double value, Rounding rounding, std::uint32_t random_bits = 0);

}  // namespace quantscope
