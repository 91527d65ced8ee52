#pragma once
// The metric sums of a block of (x, Q(x)) pairs, for paths that produce Q(x) first (float,
// lookup and block-scaled formats). Internal to core/quant.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "../common/finite_float.h"
#include "quantscope/quant/metrics.h"

namespace quantscope::detail {

// Float accumulators per sum in the fused kernels: 16, one AVX-512 register each, on every
// instruction-set level, so that the sums are added in the same order and every level gives the
// same metrics to the last bit (AVX2 holds each in two registers).
inline constexpr std::size_t kSumLanes = 16;

// The sums of the vectorized kernels, kSumLanes float accumulators each (a vector register each
// when the caller's lane loop, under `#pragma omp simd`, vectorizes): lane j adds its pairs with
// add(j, x, y). Kernels pass blocks of at most a few thousand values, so float partial sums lose
// nothing that matters before they are folded in double.
struct LaneSums {
    alignas(64) float x2[kSumLanes] = {};
    alignas(64) float y2[kSumLanes] = {};
    alignas(64) float xy[kSumLanes] = {};
    alignas(64) float se[kSumLanes] = {};
    alignas(64) float se2[kSumLanes] = {};
    alignas(64) float emax[kSumLanes] = {};
    alignas(64) float clipped[kSumLanes] = {};
    alignas(64) float zeroed[kSumLanes] = {};
    alignas(64) float bad[kSumLanes] = {};

    // A non-finite x counts as bad (NaN fails the comparison, Inf exceeds the largest float):
    // the caller then redoes its block exactly.
    void add(std::size_t j, float x, float y) {
        const float e = x - y;
        const float ae = __builtin_fabsf(e);
        x2[j] += x * x;
        y2[j] += y * y;
        xy[j] += x * y;
        se[j] += e;
        se2[j] += e * e;
        emax[j] = ae > emax[j] ? ae : emax[j];
        zeroed[j] += ((y == 0.0f) & (x != 0.0f)) ? 1.0f : 0.0f;
        bad[j] += is_finite_float(x) ? 0.0f : 1.0f;
    }
    void add_clipped(std::size_t j, bool was_clipped) { clipped[j] += was_clipped ? 1.0f : 0.0f; }
    // The clipped count alone (fold_into adds it with the rest, unless a pair was bad).
    std::int64_t clipped_count() const {
        std::int64_t total = 0;
        for (std::size_t j = 0; j < kSumLanes; ++j) {
            total += static_cast<std::int64_t>(clipped[j]);
        }
        return total;
    }

    // Adds the lanes, `count` pairs, to `sums` and returns true, unless a pair was bad: then
    // `sums` is left as it was.
    bool fold_into(MetricSums& sums, std::size_t count) const {
        float bad_total = 0;
        MetricSums lanes;
        for (std::size_t j = 0; j < kSumLanes; ++j) {
            lanes.sum_x2 += x2[j];
            lanes.sum_y2 += y2[j];
            lanes.sum_xy += xy[j];
            lanes.sum_e += se[j];
            lanes.sum_e2 += se2[j];
            lanes.max_abs_e = std::max<double>(lanes.max_abs_e, emax[j]);
            lanes.clipped += static_cast<std::int64_t>(clipped[j]);
            lanes.zeroed += static_cast<std::int64_t>(zeroed[j]);
            bad_total += bad[j];
        }
        if (bad_total != 0) {
            return false;
        }
        lanes.count = static_cast<std::int64_t>(count);
        sums += lanes;
        return true;
    }
};

// Adds the sums of n pairs; NaN and Inf in x are counted and skipped. `clipped` is not touched:
// the caller knows which values saturated.
void accumulate_error_sums(const float* x, const float* y, std::size_t n, MetricSums& sums);
// The same one pair at a time in double: for blocks holding NaN or Inf, and short tails.
void accumulate_error_sums_scalar(const float* x, const float* y, std::size_t n, MetricSums& sums);

// The float lanes lose what a float cannot hold: squares of values below about 2^-63 underflow
// and squares beyond 2^64 overflow. When `sums` show either (a sum not finite, or x, Q(x) or E
// all that small), they are redone over x and y in double (accumulate_error_sums_scalar; its
// squares of float32 values neither underflow nor overflow), keeping the clipped count. Only
// degenerate tensors pay for the second pass.
void make_sums_exact(std::span<const float> x, const float* y, MetricSums& sums);

}  // namespace quantscope::detail
