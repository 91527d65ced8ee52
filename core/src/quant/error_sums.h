#pragma once
// The metric sums of a block of (x, Q(x)) pairs, for paths that produce Q(x) first (float,
// lookup and block-scaled formats). Internal to core/quant.

#include <cstddef>

#include "quantscope/quant/metrics.h"

namespace quantscope::detail {

// Float accumulators per sum in the fused kernels (one vector register each): 16 with AVX-512,
// which has 32 registers; 8 with AVX2, where 16 lanes took more registers than it has and the
// spills cost a quarter of the time. The sums' order, and so their last digits, follow it;
// Q(x) does not.
#if defined(__AVX512F__)
inline constexpr std::size_t kSumLanes = 16;
#else
inline constexpr std::size_t kSumLanes = 8;
#endif

// Adds the sums of n pairs; NaN and Inf in x are counted and skipped. `clipped` is not touched:
// the caller knows which values saturated.
void accumulate_error_sums(const float* x, const float* y, std::size_t n, MetricSums& sums);
// The same one pair at a time in double: for blocks holding NaN or Inf, and short tails.
void accumulate_error_sums_scalar(const float* x, const float* y, std::size_t n, MetricSums& sums);

}  // namespace quantscope::detail
