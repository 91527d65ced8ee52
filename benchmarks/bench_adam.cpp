// 8-bit optimizer states: the Optimizer tab's three Adam runs on the demo (342 steps each), and
// one Adam step over 1M parameters per state format (the cost of dequantize, update, requantize
// against FP32).

#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "quantscope/train/adam.h"
#include "quantscope/train/adam_comparison.h"

namespace {

using namespace quantscope;

void BM_AdamComparisonDemo(benchmark::State& state) {
    for (auto _ : state) {
        const AdamComparison c =
            run_adam_comparison(adam_demo_task(), adam_demo_settings(), adam_demo_optimizer());
        benchmark::DoNotOptimize(c.runs.data());
    }
}
BENCHMARK(BM_AdamComparisonDemo)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_AdamStep(benchmark::State& state) {
    const auto format = static_cast<StateFormat>(state.range(0));
    const std::size_t n = 1 << 20;
    std::mt19937 rng(1);
    std::normal_distribution<float> normal(0.0f, 1e-3f);
    std::vector<float> g(n);
    for (float& x : g) {
        x = normal(rng);
    }
    std::vector<float> p(n, 0.0f);
    Adam adam({static_cast<std::int64_t>(n)}, format);
    for (auto _ : state) {
        adam.step(p, g);
        benchmark::DoNotOptimize(p.data());
    }
    state.SetLabel(std::string(to_string(format)));
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_AdamStep)->DenseRange(0, 2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
