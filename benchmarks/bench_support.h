#pragma once
// Inputs shared by the benchmark binaries: a seeded Gaussian tensor, generated once per size.

#include <cstdint>
#include <string>

#include "quantscope/common/generators.h"

namespace quantscope::bench {

// n values of N(0, std^2), seed 1; the last tensor asked for is kept.
inline const Tensor& gaussian(std::int64_t n, double std = 1.0) {
    static std::int64_t cached_n = -1;
    static double cached_std = 0;
    static Tensor cached;
    if (cached_n != n || cached_std != std) {
        cached =
            generate("gaussian:n=" + std::to_string(n) + ",std=" + std::to_string(std) + ",seed=1");
        cached_n = n;
        cached_std = std;
    }
    return cached;
}

}  // namespace quantscope::bench
