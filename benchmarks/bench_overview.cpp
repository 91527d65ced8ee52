// The model overview (issue 20): every tensor of a generated multi-tensor BF16 safetensors file
// (tests/support/synthetic_model.h, 102 tensors, 68 M parameters) at INT8 per channel, read
// from the page cache. Items are parameters: items_per_second is parameters/s (target 0.3 G/s).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "quantscope/io/source.h"
#include "quantscope/model/model_overview.h"
#include "quantscope/quant/config_list.h"
#include "synthetic_model.h"

namespace {

using namespace quantscope;

const std::string& model_path() {
    static const std::string path = [] {
        const std::string p =
            (std::filesystem::temp_directory_path() / "quantscope-bench-overview.safetensors")
                .string();
        test::SyntheticModel model;
        model.hidden = 512;
        model.ffn = 1408;
        model.vocab = 32000;
        test::write_synthetic_model(p, model);
        return p;
    }();
    return path;
}

void BM_OverviewInt8PerChannel(benchmark::State& state) {
    const auto source = open_source(model_path());
    OverviewOptions options;
    options.configs = parse_config_list("int8 per-channel");
    std::int64_t parameters = 0;
    for (auto _ : state) {
        const OverviewResult result = run_overview(*source, options);
        parameters = overview_totals(result.rows, 0).parameters;
        benchmark::DoNotOptimize(result.rows.data());
    }
    state.SetItemsProcessed(state.iterations() * parameters);
}
BENCHMARK(BM_OverviewInt8PerChannel)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    std::filesystem::remove(model_path());
    return 0;
}
