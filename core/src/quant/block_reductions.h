#pragma once
// Min / max reductions of short blocks (a quantization group of 16 to 64 values) and of rows into
// running per-channel ranges, written with GCC's vector types: called once per block (or row)
// inside loops where the auto-vectorizer left the plain-array versions scalar, or vectorized
// them with an aliasing check per call. Non-finite values are skipped. Internal to core.

#include <cstddef>
#include <cstring>
#include <limits>

#include "../common/prefetch.h"

namespace quantscope::detail {

inline constexpr std::size_t kReductionLanes = 8;
using ReductionLanes = float __attribute__((vector_size(kReductionLanes * sizeof(float))));

// The lanes' minimum (maximum) by halving: three shuffles and three compares, where a lane-by-lane
// loop was a chain of seven dependent scalar steps, the hot spot of per-block calibration.
inline float fold_min(ReductionLanes v) {
    using Half = float __attribute__((vector_size(4 * sizeof(float))));
    using Quarter = float __attribute__((vector_size(2 * sizeof(float))));
    const Half a = __builtin_shufflevector(v, v, 0, 1, 2, 3);
    const Half b = __builtin_shufflevector(v, v, 4, 5, 6, 7);
    const Half m4 = b < a ? b : a;
    const Quarter c = __builtin_shufflevector(m4, m4, 0, 1);
    const Quarter d = __builtin_shufflevector(m4, m4, 2, 3);
    const Quarter m2 = d < c ? d : c;
    return m2[1] < m2[0] ? m2[1] : m2[0];
}
inline float fold_max(ReductionLanes v) {
    using Half = float __attribute__((vector_size(4 * sizeof(float))));
    using Quarter = float __attribute__((vector_size(2 * sizeof(float))));
    const Half a = __builtin_shufflevector(v, v, 0, 1, 2, 3);
    const Half b = __builtin_shufflevector(v, v, 4, 5, 6, 7);
    const Half m4 = b > a ? b : a;
    const Quarter c = __builtin_shufflevector(m4, m4, 0, 1);
    const Quarter d = __builtin_shufflevector(m4, m4, 2, 3);
    const Quarter m2 = d > c ? d : c;
    return m2[1] > m2[0] ? m2[1] : m2[0];
}

// l = min(l, v) and h = max(h, v) lane by lane, over the finite lanes of v. Non-finite lanes
// become +-Inf first, so that each lane is a plain min / max (a combined condition did not
// vectorize).
template <class Lanes>
inline void widen_lanes(Lanes v, Lanes& l, Lanes& h) {
    constexpr float kInf = std::numeric_limits<float>::infinity();
    constexpr float kMax = std::numeric_limits<float>::max();
    const auto finite = (v >= -kMax) & (v <= kMax);  // NaN and +-Inf fail
    const Lanes for_lo = finite ? v : Lanes{} + kInf;
    const Lanes for_hi = finite ? v : Lanes{} - kInf;
    l = for_lo < l ? for_lo : l;
    h = for_hi > h ? for_hi : h;
}

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
        widen_lanes(v, l, h);
    }
    float low = fold_min(l);
    float high = fold_max(h);
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
    float amax = fold_max(m);
    for (; i < n; ++i) {
        const float a = x[i] < 0 ? -x[i] : x[i];
        amax = a <= kMax && a > amax ? a : amax;
    }
    return amax;
}

// low[k] = min(low[k], x[k]) and high[k] = max(high[k], x[k]) over the finite x[k], k < n: one
// row folded into its channels' running ranges. The plain loop, split at each prefetched line,
// was vectorized with an aliasing check per line, a large share of the pass.
inline void fold_row_min_max(const float* x, float* low, float* high, std::size_t n) {
    constexpr float kMax = std::numeric_limits<float>::max();
    using Line = float __attribute__((vector_size(kValuesPerLine * sizeof(float))));
    std::size_t k = 0;
    for (; k + kValuesPerLine <= n; k += kValuesPerLine) {
        prefetch_ahead(x + k);
        Line v;
        Line l;
        Line h;
        std::memcpy(&v, x + k, sizeof v);
        std::memcpy(&l, low + k, sizeof l);
        std::memcpy(&h, high + k, sizeof h);
        widen_lanes(v, l, h);
        std::memcpy(low + k, &l, sizeof l);
        std::memcpy(high + k, &h, sizeof h);
    }
    for (; k < n; ++k) {
        const float v = x[k];
        const bool finite = v >= -kMax && v <= kMax;
        low[k] = finite && v < low[k] ? v : low[k];
        high[k] = finite && v > high[k] ? v : high[k];
    }
}

}  // namespace quantscope::detail
