// The quantized operators' integer product: int8 x int8 -> int32 at m = k = n (1024 is the
// speed target: under 100 ms on 2 cores), and the whole dynamic mode at the same size
// (quantize X per row and W per column, the integer product, the rescale, the metrics, and the
// float64 reference product), and the plain loops on one thread for comparison.

#include <benchmark/benchmark.h>

#include <random>

#include "../core/src/ops/integer_gemm.h"
#include "quantscope/common/generators.h"
#include "quantscope/ops/quantized_matmul.h"

namespace {

using namespace quantscope;

MatrixI8 random_int8(Eigen::Index rows, Eigen::Index cols, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> dist(-127, 127);
    MatrixI8 m(rows, cols);
    for (Eigen::Index i = 0; i < m.size(); ++i) {
        m.data()[i] = static_cast<std::int8_t>(dist(rng));
    }
    return m;
}

void BM_Int8Matmul(benchmark::State& state) {
    const Eigen::Index n = state.range(0);
    const MatrixI8 a = random_int8(n, n, 1);
    const MatrixI8 b = random_int8(n, n, 2);
    for (auto _ : state) {
        MatrixI32 c = integer_matmul(a, b);
        benchmark::DoNotOptimize(c.data());
    }
    state.SetItemsProcessed(state.iterations() * n * n * n);  // multiply-adds
}
BENCHMARK(BM_Int8Matmul)->Arg(256)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime();

// The plain loops the SIMD kernel is tested against (and the portable build runs), one thread.
void BM_Int8MatmulPlainLoops(benchmark::State& state) {
    const Eigen::Index n = state.range(0);
    const MatrixI8 a = random_int8(n, n, 1);
    const MatrixI8 b = random_int8(n, n, 2);
    MatrixI32 c(n, n);
    const auto size = static_cast<std::size_t>(n);
    for (auto _ : state) {
        ops_detail::int8_gemm_scalar(a.data(), b.data(), c.data(), size, size, size);
        benchmark::DoNotOptimize(c.data());
    }
    state.SetItemsProcessed(state.iterations() * n * n * n);
}
BENCHMARK(BM_Int8MatmulPlainLoops)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_DynamicMode(benchmark::State& state) {
    const std::string n = std::to_string(state.range(0));
    MatmulProblem p;
    p.x = matrix_from_tensor(generate("matrix:rows=" + n + ",cols=" + n + ",outlier-columns=4"),
                             false, "X");
    p.w = matrix_from_tensor(generate("matrix:rows=" + n + ",cols=" + n + ",std=0.05,seed=2"),
                             false, "W");
    MatmulSettings s;
    s.weight.granularity = parse_granularity("channel:1");
    const MatmulMode mode = MatmulMode::Dynamic;
    for (auto _ : state) {
        MatmulOutput out = run_quantized_matmul(p, s, std::span(&mode, 1));
        benchmark::DoNotOptimize(out.modes.data());
    }
}
BENCHMARK(BM_DynamicMode)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
