#include "quantscope/formats/rounding.h"

#include <cmath>

namespace quantscope {

std::string_view to_string(Rounding rounding) {
    switch (rounding) {
        case Rounding::NearestEven:
            return "nearest-even";
        case Rounding::NearestAway:
            return "nearest-away";
        case Rounding::TowardZero:
            return "toward-zero";
        case Rounding::Stochastic:
            return "stochastic";
    }
    return "nearest-even";
}

std::optional<Rounding> parse_rounding(std::string_view name) {
    for (Rounding r : {Rounding::NearestEven, Rounding::NearestAway, Rounding::TowardZero,
                       Rounding::Stochastic}) {
        if (name == to_string(r)) {
            return r;
        }
    }
    return std::nullopt;
}

bool stochastic_up(double fraction, std::uint32_t random_bits) {
    return static_cast<std::uint32_t>(std::floor(std::ldexp(fraction, 24))) > (random_bits >> 8);
}

double round_to_integer(double value, Rounding rounding, std::uint32_t random_bits) {
    switch (rounding) {
        case Rounding::NearestEven:
            return std::nearbyint(value);
        case Rounding::NearestAway:
            return std::round(value);
        case Rounding::TowardZero:
            return std::trunc(value);
        case Rounding::Stochastic: {
            // stochastic_up's rule on floor(fraction * 2^24), taken as a difference of exact
            // products: value - lower itself rounds for a tiny negative value (-2^-60 + 1). The
            // integer kernels compute the same in float (integer_kernels.h).
            const double lower = std::floor(value);
            const double fraction24 = std::floor(std::ldexp(value, 24)) - std::ldexp(lower, 24);
            return lower + (fraction24 > static_cast<double>(random_bits >> 8) ? 1.0 : 0.0);
        }
    }
    return std::nearbyint(value);
}

}  // namespace quantscope
