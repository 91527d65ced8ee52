#pragma once
// Rounding modes shared by the formats engine and the quantizers.
// nearest-even is IEEE 754's roundTiesToEven (the hardware default); nearest-away is C's round()
// (ties away from zero, used by many hand-worked examples); toward-zero truncates; stochastic
// rounds up with probability equal to the distance from the lower neighbour (seeded, unbiased in
// expectation).

#include <optional>
#include <string_view>

namespace quantscope {

enum class Rounding { NearestEven, NearestAway, TowardZero, Stochastic };

// "nearest-even", "nearest-away", "toward-zero", "stochastic"
std::string_view to_string(Rounding rounding);
std::optional<Rounding> parse_rounding(std::string_view name);

}  // namespace quantscope
