#pragma once
// The one dispatch from a rounding mode known at run time to a kernel instantiated per mode.
// Internal to core.

#include "quantscope/formats/rounding.h"

namespace quantscope::detail {

// Returns fn.template operator()<R>() with `rounding` as the template argument R, so that a
// kernel's inner loop is compiled once per mode, without a branch per value.
template <class Fn>
decltype(auto) with_rounding(Rounding rounding, Fn&& fn) {
    switch (rounding) {
        case Rounding::NearestAway:
            return fn.template operator()<Rounding::NearestAway>();
        case Rounding::TowardZero:
            return fn.template operator()<Rounding::TowardZero>();
        case Rounding::Stochastic:
            return fn.template operator()<Rounding::Stochastic>();
        case Rounding::NearestEven:
            break;
    }
    return fn.template operator()<Rounding::NearestEven>();
}

}  // namespace quantscope::detail
