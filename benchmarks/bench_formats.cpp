// Bulk rounding of float32 arrays into a format (round_to_format), n Gaussian values scaled to
// the format's range, written to a second buffer. Also the scalar reference for comparison.
// Run: build/release/benchmarks/bench_formats --benchmark_min_time=0.5

#include <benchmark/benchmark.h>

#include "bench_support.h"

#include "quantscope/common/buffer.h"
#include "quantscope/common/generators.h"
#include "quantscope/formats/format.h"

namespace {

using namespace quantscope;

constexpr std::int64_t kValues = 16 << 20;

void round_bulk(benchmark::State& state, const char* name, Rounding rounding) {
    const Tensor& t = bench::gaussian(state.range(0), 8.0);
    const FloatFormat f = parse_format(name).float_format();
    FloatBuffer out(t.values.size());
    for (auto _ : state) {
        const std::int64_t saturated =
            round_to_format(t.values, out, f, rounding, Saturation::Saturate, 1);
        benchmark::DoNotOptimize(saturated);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.SetBytesProcessed(state.iterations() * state.range(0) * 8);  // read + write
}

void BM_RoundFp16(benchmark::State& s) {
    round_bulk(s, "fp16", Rounding::NearestEven);
}
void BM_RoundBf16(benchmark::State& s) {
    round_bulk(s, "bf16", Rounding::NearestEven);
}
void BM_RoundFp8E4M3(benchmark::State& s) {
    round_bulk(s, "fp8_e4m3", Rounding::NearestEven);
}
void BM_RoundFp4E2M1(benchmark::State& s) {
    round_bulk(s, "fp4_e2m1", Rounding::NearestEven);
}
void BM_RoundFp8E4M3Stochastic(benchmark::State& s) {
    round_bulk(s, "fp8_e4m3", Rounding::Stochastic);
}
void BM_RoundFp8E4M3NearestAway(benchmark::State& s) {
    round_bulk(s, "fp8_e4m3", Rounding::NearestAway);
}

void BM_ReferenceFp8E4M3(benchmark::State& state) {
    const Tensor& t = bench::gaussian(state.range(0), 8.0);
    const FloatFormat f = parse_format("fp8_e4m3").float_format();
    FloatBuffer out(t.values.size());
    for (auto _ : state) {
        benchmark::DoNotOptimize(round_to_format_reference(t.values, out, f, Rounding::NearestEven,
                                                           Saturation::Saturate));
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

}  // namespace

BENCHMARK(BM_RoundFp16)->Arg(kValues)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_RoundBf16)->Arg(kValues)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_RoundFp8E4M3)->Arg(kValues)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_RoundFp4E2M1)->Arg(kValues)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_RoundFp8E4M3Stochastic)->Arg(kValues)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_RoundFp8E4M3NearestAway)->Arg(kValues)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ReferenceFp8E4M3)->Arg(1 << 20)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
