// The planner on 1,000 tensors x 8 configs (issue 20: under 100 ms), sizes and SQNRs shaped
// like a model's: tensors of 10^5 to 5 x 10^7 parameters, configs of 2 to 16 bits with about
// 6 dB per bit, scales at one FP32 per 32 values.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>

#include "quantscope/plan/planner.h"

namespace {

using namespace quantscope;

PlanTable model_like_table() {
    std::mt19937_64 rng(1);
    std::uniform_real_distribution<double> log_size(5.0, 7.7);
    std::normal_distribution<double> spread(0.0, 2.0);
    const int bits[] = {2, 3, 4, 5, 6, 8, 12, 16};
    PlanTable table;
    for (const int b : bits) {
        table.configs.push_back({"int" + std::to_string(b), true});
    }
    for (int t = 0; t < 1000; ++t) {
        const auto n = static_cast<std::int64_t>(std::pow(10.0, log_size(rng)));
        const double sensitivity = spread(rng);
        PlanTensor tensor{"t" + std::to_string(t), n, {}};
        for (const int b : bits) {
            tensor.candidates.push_back(
                {(n * b + 7) / 8 + 4 * ((n + 31) / 32), 6.02 * b - 5.0 + sensitivity, 0, ""});
        }
        table.tensors.push_back(std::move(tensor));
    }
    return table;
}

void plan_bench(benchmark::State& state, PlanObjective objective) {
    const PlanTable table = model_like_table();
    const PlanBounds bounds = plan_bounds(table, {});
    const std::int64_t budget = bounds.min_bytes + (bounds.max_bytes - bounds.min_bytes) / 3;
    double gap = 0;
    for (auto _ : state) {
        const Plan plan = make_plan(table, {budget, objective, {}});
        benchmark::DoNotOptimize(plan.total_bytes);
        gap = plan.gap_db;
    }
    state.counters["gap_db"] = gap;
}

void BM_Plan1000x8Weighted(benchmark::State& state) {
    plan_bench(state, PlanObjective::Weighted);
}
void BM_Plan1000x8Worst(benchmark::State& state) {
    plan_bench(state, PlanObjective::Worst);
}

BENCHMARK(BM_Plan1000x8Weighted)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Plan1000x8Worst)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
