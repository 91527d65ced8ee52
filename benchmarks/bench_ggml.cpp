// llama.cpp's block types on 16M Gaussian values ([4096, 4096]), both cores:
//   BM_GgmlQuantizer/TYPE  ggml's reference quantizer alone (GgmlType::quantize), the blocks
//                          split across the cores as quantize() splits them; the build's own
//                          instruction set (x86-64-v2 in the dist build), where quantize() runs
//                          the copy of the CPU's level
//   BM_GgmlConfig/TYPE     quantize() with the type as its config: the quantizer, the
//                          dequantization, every metric, KL included
// docs/performance.md quotes them with the command.
#include <benchmark/benchmark.h>

#include <vector>

#include "bench_support.h"
#include "quantscope/common/parallel.h"
#include "quantscope/quant/ggml_config.h"
#include "quantscope/quant/quantizer.h"

namespace {

using namespace quantscope;

constexpr std::int64_t k16M = 16 << 20;

void BM_GgmlQuantizer(benchmark::State& state, const char* name) {
    const Tensor& t = bench::gaussian(state.range(0));
    const GgmlType& type = *find_ggml_type(name);
    const auto block = static_cast<std::size_t>(type.block_elements);
    const std::size_t blocks = t.values.size() / block;
    std::vector<std::byte> out(blocks * static_cast<std::size_t>(type.block_bytes));
    for (auto _ : state) {
        parallel_for_tasks(
            blocks, t.values.size(), [&](std::size_t, std::size_t begin, std::size_t end) {
                type.quantize(t.values.data() + begin * block,
                              out.data() + begin * static_cast<std::size_t>(type.block_bytes),
                              end - begin);
            });
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_GgmlConfig(benchmark::State& state, const char* name) {
    bench::run_named(state, name);
}

#define GGML_ROWS(type)                              \
    BENCHMARK_CAPTURE(BM_GgmlQuantizer, type, #type) \
        ->Arg(k16M)                                  \
        ->Unit(benchmark::kMillisecond)              \
        ->UseRealTime();                             \
    BENCHMARK_CAPTURE(BM_GgmlConfig, type, #type)    \
        ->Arg(k16M)                                  \
        ->Unit(benchmark::kMillisecond)              \
        ->UseRealTime()

GGML_ROWS(q4_0);
GGML_ROWS(q4_1);
GGML_ROWS(q5_0);
GGML_ROWS(q5_1);
GGML_ROWS(q8_0);
GGML_ROWS(iq4_nl);
GGML_ROWS(q2_K);
GGML_ROWS(q3_K);
GGML_ROWS(q4_K);
GGML_ROWS(q5_K);
GGML_ROWS(q6_K);

}  // namespace

BENCHMARK_MAIN();
