// The training demo (speed target: under 10 s on 2 cores): the float model trained and then
// fine-tuned with fake int4 quantization (PTQ and QAT at 4 bits, the demo's defaults), the
// default sweep of ten formats the Training tab runs, and the low-precision update comparison
// (three runs in bf16).

#include <benchmark/benchmark.h>

#include "quantscope/train/ptq_qat.h"
#include "quantscope/train/update_comparison.h"

namespace {

using namespace quantscope;

void run_sweep(benchmark::State& state, const std::vector<std::string>& formats) {
    const std::vector<QuantConfig> configs = training_configs(formats, default_training_base());
    for (auto _ : state) {
        const PtqQatResult r = run_ptq_qat(TaskSpec{}, TrainSettings{}, configs);
        benchmark::DoNotOptimize(r.points.data());
    }
}

void BM_TrainPtqQatInt4(benchmark::State& state) {
    run_sweep(state, {"int4"});
}
BENCHMARK(BM_TrainPtqQatInt4)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_TrainPtqQatDefaultSweep(benchmark::State& state) {
    run_sweep(state, default_training_formats());
}
BENCHMARK(BM_TrainPtqQatDefaultSweep)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_TrainLowPrecisionUpdates(benchmark::State& state) {
    const Format bf16 = parse_format("bf16");
    for (auto _ : state) {
        const UpdateComparison r = run_update_comparison(TaskSpec{}, TrainSettings{}, bf16);
        benchmark::DoNotOptimize(r.nearest.step_losses.data());
    }
}
BENCHMARK(BM_TrainLowPrecisionUpdates)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
