#pragma once
// "Finite" for float32 as the vector loops test it. Internal to core.

#include <limits>

namespace quantscope::detail {

// Whether v is finite (false for NaN and +-Inf): |v| at most the largest float, one compare
// without a branch, for the kernels' vector loops.
inline bool is_finite_float(float v) {
    return __builtin_fabsf(v) <= std::numeric_limits<float>::max();
}

}  // namespace quantscope::detail
