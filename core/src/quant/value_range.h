#pragma once
// The union of finite ranges. Internal to core/quant.

#include <algorithm>

#include "quantscope/quant/histogram.h"

namespace quantscope::detail {

// into = the union of into and r (finite ranges; one without finite values adds nothing).
inline void include_range(ValueRange& into, const ValueRange& r) {
    if (r.any_finite) {
        into.lo = into.any_finite ? std::min(into.lo, r.lo) : r.lo;
        into.hi = into.any_finite ? std::max(into.hi, r.hi) : r.hi;
        into.any_finite = true;
    }
}

}  // namespace quantscope::detail
