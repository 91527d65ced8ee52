#pragma once
// Min / max reductions of short blocks (a quantization group of 16 to 64 values), written with
// GCC's vector types: called once per block inside batch loops, where the auto-vectorizer left
// the plain-array versions scalar (a compare and a conditional move per value). Non-finite
// values are skipped. Internal to core.

#include <cstddef>
#include <cstring>
#include <limits>

namespace quantscope::detail {

inline constexpr std::size_t kReductionLanes = 8;
using ReductionLanes = float __attribute__((vector_size(kReductionLanes * sizeof(float))));

// The smallest and largest finite values of x[0..n); lo > hi when there is none.
inline void short_block_min_max(const float* x, std::size_t n, float& lo, float& hi) {
    constexpr float kInf = std::numeric_limits<float>::infinity();
    constexpr float kMax = std::numeric_limits<float>::max();
    ReductionLanes l = ReductionLanes{} + kInf;
    ReductionLanes h = ReductionLanes{} - kInf;
    std::size_t i = 0;
    for (; i + kReductionLanes <= n; i += kReductionLanes) {
        ReductionLanes v;
        std::memcpy(&v, x + i, sizeof v);
        const auto finite = (v >= -kMax) & (v <= kMax);  // NaN and +-Inf fail
        const ReductionLanes for_lo = finite ? v : ReductionLanes{} + kInf;
        const ReductionLanes for_hi = finite ? v : ReductionLanes{} - kInf;
        l = for_lo < l ? for_lo : l;
        h = for_hi > h ? for_hi : h;
    }
    float low = l[0];
    float high = h[0];
    for (std::size_t j = 1; j < kReductionLanes; ++j) {
        low = l[j] < low ? l[j] : low;
        high = h[j] > high ? h[j] : high;
    }
    for (; i < n; ++i) {
        const bool finite = x[i] >= -kMax && x[i] <= kMax;
        low = finite && x[i] < low ? x[i] : low;
        high = finite && x[i] > high ? x[i] : high;
    }
    lo = low;
    hi = high;
}

// The largest finite magnitude of x[0..n) (0 when there is none).
inline float short_block_absmax(const float* x, std::size_t n) {
    constexpr float kMax = std::numeric_limits<float>::max();
    ReductionLanes m = ReductionLanes{};
    std::size_t i = 0;
    for (; i + kReductionLanes <= n; i += kReductionLanes) {
        ReductionLanes v;
        std::memcpy(&v, x + i, sizeof v);
        const ReductionLanes a = v < 0 ? -v : v;  // NaN stays NaN and fails below
        const ReductionLanes finite = a <= kMax ? a : ReductionLanes{};
        m = finite > m ? finite : m;
    }
    float amax = m[0];
    for (std::size_t j = 1; j < kReductionLanes; ++j) {
        amax = m[j] > amax ? m[j] : amax;
    }
    for (; i < n; ++i) {
        const float a = x[i] < 0 ? -x[i] : x[i];
        amax = a <= kMax && a > amax ? a : amax;
    }
    return amax;
}

}  // namespace quantscope::detail
