#include "quantscope/formats/rounding.h"

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

}  // namespace quantscope
