// Quantize + dequantize + every metric, per tensor, over n float32 Gaussian values.
// Run: build/release/benchmarks/bench_quantize --benchmark_min_time=1

#include <benchmark/benchmark.h>

#include "bench_support.h"

#include <vector>

#include "quantscope/common/generators.h"
#include "quantscope/quant/calibration.h"
#include "quantscope/quant/quantizer.h"

namespace {

using namespace quantscope;

void run(benchmark::State& state, std::string_view format, Scheme scheme, Rounding rounding,
         std::string_view granularity = "tensor") {
    const Tensor& t = bench::gaussian(state.range(0));
    QuantConfig config;
    apply_format(config, format);
    config.scheme = scheme;
    config.rounding = rounding;
    config.granularity = parse_granularity(granularity);
    // A [4096, n / 4096] weight-like matrix for channel and block granularity.
    const std::vector<std::int64_t> shape{4096, state.range(0) / 4096};
    for (auto _ : state) {
        QuantResult r = quantize(t.values, shape, config);
        benchmark::DoNotOptimize(r.metrics.mse);
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.SetBytesProcessed(state.iterations() * state.range(0) * 8);  // read x, write Q(x)
}

void BM_Int8SymmetricPerTensor(benchmark::State& state) {
    run(state, "int8", Scheme::Symmetric, Rounding::NearestEven);
}
void BM_Uint8AffinePerTensor(benchmark::State& state) {
    run(state, "uint8", Scheme::Affine, Rounding::NearestEven);
}
void BM_Int4SymmetricStochastic(benchmark::State& state) {
    run(state, "int4", Scheme::Symmetric, Rounding::Stochastic);
}

void BM_Int8PerChannelAxis0(benchmark::State& state) {
    run(state, "int8", Scheme::Symmetric, Rounding::NearestEven, "channel:0");
}
void BM_Int8PerChannelLastAxis(benchmark::State& state) {
    run(state, "int8", Scheme::Symmetric, Rounding::NearestEven, "channel:1");
}
void BM_Int4Block32(benchmark::State& state) {
    run(state, "int4", Scheme::Symmetric, Rounding::NearestEven, "block:32");
}

// Float and block-scaled configs, by name (apply_format sets scheme and granularity).
void BM_Fp8E4M3Scaled(benchmark::State& state) {
    bench::run_named(state, "fp8_e4m3");
}
void BM_Mxfp4(benchmark::State& state) {
    bench::run_named(state, "mxfp4");
}
void BM_Mxfp8E4M3(benchmark::State& state) {
    bench::run_named(state, "mxfp8_e4m3");
}
void BM_Nvfp4(benchmark::State& state) {
    bench::run_named(state, "nvfp4");
}
void BM_Nf4(benchmark::State& state) {
    bench::run_named(state, "nf4");
}

// A whole KL calibration: the 2048-bin |x| histogram, TensorRT's threshold search, and the KL
// metric of its candidates, counted exactly (a pass each).
void BM_KlCalibration(benchmark::State& state) {
    const Tensor& t = bench::gaussian(state.range(0));
    QuantConfig config;
    config.calibration = parse_calibration("kl");
    for (auto _ : state) {
        const ClipRange range = calibrate(t.values, config);
        benchmark::DoNotOptimize(range.hi);
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

// The analysis as sweeps and the GUI run it: the value summary (the range of x, which does not
// depend on the config) computed once per tensor, then quantize + dequantize + every metric for
// the config.
void run_with_summary(benchmark::State& state, std::string_view format,
                      std::string_view granularity = "") {
    const Tensor& t = bench::gaussian(state.range(0));
    const ValueSummary summary = summarize_values(t.values);
    QuantConfig config;
    apply_format(config, format);
    if (!granularity.empty()) {
        config.granularity = parse_granularity(granularity);
    }
    const std::vector<std::int64_t> shape{4096, state.range(0) / 4096};
    for (auto _ : state) {
        QuantResult r = quantize(t.values, shape, config, {}, summary);
        benchmark::DoNotOptimize(r.metrics.kl_divergence);
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.SetBytesProcessed(state.iterations() * state.range(0) * 8);
}

void BM_Int8PerTensorWithSummary(benchmark::State& state) {
    run_with_summary(state, "int8");
}
void BM_Int8PerChannelAxis0WithSummary(benchmark::State& state) {
    run_with_summary(state, "int8", "channel:0");
}
void BM_Int8PerChannelLastAxisWithSummary(benchmark::State& state) {
    run_with_summary(state, "int8", "channel:1");
}
void BM_Int4Block32WithSummary(benchmark::State& state) {
    run_with_summary(state, "int4", "block:32");
}
void BM_Fp8E4M3ScaledWithSummary(benchmark::State& state) {
    run_with_summary(state, "fp8_e4m3");
}
void BM_Mxfp4WithSummary(benchmark::State& state) {
    run_with_summary(state, "mxfp4");
}

void BM_HistogramPlot(benchmark::State& state) {
    const Tensor& t = bench::gaussian(state.range(0));
    QuantConfig config;
    const QuantResult r = quantize(t.values, config);
    for (auto _ : state) {
        HistogramPlot plot = make_histogram_plot(t.values, r, config);
        benchmark::DoNotOptimize(plot.original.counts.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

constexpr std::int64_t k16M = 1 << 24;
BENCHMARK(BM_Int8SymmetricPerTensor)
    ->Arg(1 << 20)
    ->Arg(k16M)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_Uint8AffinePerTensor)->Arg(k16M)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Int4SymmetricStochastic)->Arg(k16M)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Int8PerChannelAxis0)->Arg(k16M)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Int8PerChannelLastAxis)->Arg(k16M)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Int4Block32)->Arg(k16M)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Fp8E4M3Scaled)->Arg(k16M)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Mxfp4)->Arg(k16M)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Mxfp8E4M3)->Arg(k16M)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Nvfp4)->Arg(k16M)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Nf4)->Arg(k16M)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_KlCalibration)->Arg(k16M)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Int8PerTensorWithSummary)->Arg(k16M)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Int8PerChannelAxis0WithSummary)
    ->Arg(k16M)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_Int8PerChannelLastAxisWithSummary)
    ->Arg(k16M)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_Int4Block32WithSummary)->Arg(k16M)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Fp8E4M3ScaledWithSummary)->Arg(k16M)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Mxfp4WithSummary)->Arg(k16M)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_HistogramPlot)->Arg(k16M)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
