#pragma once
// The one rule for degenerate ranges (docs/design.md "Degenerate clipping ranges"): a group's
// scale is a normal float32 whose levels are all finite. The kernels multiply by 1/s in float32,
// so a scale below 2^-126 (a zero, subnormal or tiny range) would make 1/s infinite and x / s
// NaN; a scale whose end level overflows would make Q(x) infinite. Internal to core/quant.

#include <algorithm>
#include <cmath>
#include <limits>

namespace quantscope::detail {

// The smallest scale: 2^-126, the smallest normal float32 (MX's E8M0 goes one lower, 2^-127,
// whose inverse 2^127 is still finite).
inline constexpr float kMinScale = std::numeric_limits<float>::min();

// The largest float32 scale s for which float(levels) * s, the end level of a group whose codes
// reach `levels` steps from its zero, is finite.
inline float max_scale_for(double levels) {
    constexpr float kMax = std::numeric_limits<float>::max();
    auto s = static_cast<float>(static_cast<double>(kMax) / std::max(levels, 1.0));
    while (!(static_cast<float>(levels) * s <= kMax)) {
        s = std::nextafter(s, 0.0f);
    }
    return s;
}

// `wanted` as a float32 scale within [kMinScale, max_scale_for(levels)]; a NaN or zero scale
// (a degenerate range) becomes kMinScale.
inline float usable_scale(double wanted, double levels) {
    const auto s = static_cast<float>(wanted);
    if (!(s >= kMinScale)) {
        return kMinScale;
    }
    const float top = max_scale_for(levels);
    return s <= top ? s : top;
}

}  // namespace quantscope::detail
