#pragma once
// What ggml's legacy, K and iq4_nl quantizers share: the block's value of largest magnitude and
// the threshold below which a group is all zero.

#include <cmath>
#include <cstddef>

namespace quantscope::ggml {

constexpr float kGroupMaxEps = 1e-15f;  // ggml's GROUP_MAX_EPS: below it a group is all zero

// The value of largest magnitude (its sign kept; the first of equals), NaN ignored: ggml's
// running `if (amax < fabsf(x)) { amax = fabsf(x); max = x; }` (for 16 or 32 values, faster as
// written than in lanes).
template <std::size_t N>
float signed_absmax(const float* x) {
    float amax = 0.0f;
    float max = 0.0f;
    for (std::size_t j = 0; j < N; ++j) {
        if (amax < std::fabs(x[j])) {
            amax = std::fabs(x[j]);
            max = x[j];
        }
    }
    return max;
}

}  // namespace quantscope::ggml
