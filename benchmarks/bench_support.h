#pragma once
// What the benchmark binaries share: a seeded Gaussian tensor, generated once per size, and the
// quantize() row of a named format.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

#include "quantscope/common/generators.h"
#include "quantscope/quant/quantizer.h"

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

// quantize() + dequantize + every metric with format `format` on state.range(0) Gaussian values
// shaped [4096, n / 4096].
inline void run_named(benchmark::State& state, std::string_view format) {
    const Tensor& t = bench::gaussian(state.range(0));
    QuantConfig config;
    apply_format(config, format);
    const std::vector<std::int64_t> shape{4096, state.range(0) / 4096};
    for (auto _ : state) {
        QuantResult r = quantize(t.values, shape, config);
        benchmark::DoNotOptimize(r.metrics.mse);
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.SetBytesProcessed(state.iterations() * state.range(0) * 8);
}

}  // namespace quantscope::bench
