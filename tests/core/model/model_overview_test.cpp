// The model overview engine (model_overview.h) on generated models with known sensitive tensors.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <limits>
#include <mutex>
#include <set>
#include <thread>

#include "quantscope/common/error.h"
#include "quantscope/io/gguf_writer.h"
#include "quantscope/io/source.h"
#include "quantscope/model/model_overview.h"
#include "quantscope/quant/config_list.h"
#include "quantscope/quant/quantizer.h"
#include "synthetic_model.h"

namespace quantscope {
namespace {

namespace fs = std::filesystem;

class TempDir {
public:
    TempDir() {
        path_ =
            fs::temp_directory_path() /
            ("qs-overview-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(path_);
        fs::create_directories(path_);
    }
    ~TempDir() { fs::remove_all(path_); }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    fs::path path_;
};

test::SyntheticModel wide_model() {
    test::SyntheticModel model;
    model.hidden = 128;
    model.ffn = 256;
    return model;
}

OverviewResult overview_of(const Source& source, const std::string& configs) {
    OverviewOptions options;
    options.configs = parse_config_list(configs);
    return run_overview(source, options);
}

TEST(LayerIndex, FirstWholeNumberPart) {
    EXPECT_EQ(layer_index("model.layers.12.mlp.up_proj.weight"), 12);
    EXPECT_EQ(layer_index("blk.3.attn_q.weight"), 3);
    EXPECT_EQ(layer_index("transformer.h.7.attn.c_attn.weight"), 7);
    EXPECT_EQ(layer_index("lm_head.weight"), std::nullopt);
    EXPECT_EQ(layer_index("layer12.weight"), std::nullopt);               // not a part of its own
    EXPECT_EQ(layer_index("a.99999999999999999999999.b"), std::nullopt);  // overflows
    EXPECT_EQ(layer_index(""), std::nullopt);
}

TEST(ModelSqnr, ParameterWeightedRelativeNoise) {
    ModelSqnr sqnr;
    sqnr.add(10, 1);  // relative noise 0.1
    sqnr.add(30, 3);  // 0.001
    EXPECT_NEAR(sqnr.db(), -10 * std::log10((0.1 + 3 * 0.001) / 4), 1e-12);
    const double inf = std::numeric_limits<double>::infinity();
    ModelSqnr exact;
    exact.add(inf, 100);
    EXPECT_EQ(exact.db(), inf);
    exact.add(20, 100);
    EXPECT_NEAR(exact.db(), 23.0103, 1e-4);  // the exact tensor halves the noise
    exact.add(-inf, 1);
    EXPECT_EQ(exact.db(), -inf);
    EXPECT_EQ(ModelSqnr{}.db(), inf);
}

// The file's sensitive tensors (one with outliers, one long-tailed) come first, worst first,
// under per-tensor and per-channel INT8; everything else is well behind.
TEST(ModelOverview, RanksTheSensitiveTensorsWorst) {
    const TempDir dir;
    const test::SyntheticModel model = wide_model();
    test::write_synthetic_model(dir.file("m.safetensors"), model);
    const auto source = open_source(dir.file("m.safetensors"));
    OverviewResult result = overview_of(*source, "int8; int8 per-channel");
    ASSERT_FALSE(result.cancelled);
    ASSERT_EQ(result.rows.size(), test::synthetic_tensors(model).size());
    const std::set<std::string> sensitive{test::outlier_tensor_name(model),
                                          test::tail_tensor_name(model)};
    for (std::size_t config = 0; config < 2; ++config) {
        std::vector<OverviewRow> rows = result.rows;
        sort_overview_worst_first(rows, config);
        EXPECT_EQ((std::set<std::string>{rows[0].name, rows[1].name}), sensitive) << config;
        EXPECT_LT(rows[1].cells[config].metrics.sqnr_db + 3, rows[2].cells[config].metrics.sqnr_db)
            << config;
    }
}

// Each cell is what quantize() gives the tensor alone, the analysis tabs' call.
TEST(ModelOverview, CellsAreQuantizeResults) {
    const TempDir dir;
    test::SyntheticModel model;
    model.layers = 2;
    test::write_synthetic_model(dir.file("m.safetensors"), model);
    const auto source = open_source(dir.file("m.safetensors"));
    const auto configs = parse_config_list("int8 per-channel; mxfp4; fp8_e4m3");
    OverviewOptions options;
    options.configs = configs;
    const OverviewResult result = run_overview(*source, options);
    ASSERT_EQ(result.rows.size(), source->tensors().size());
    for (const OverviewRow& row : result.rows) {
        const Tensor tensor = source->read(row.tensor);
        EXPECT_EQ(row.name, tensor.info.name);
        EXPECT_EQ(row.parameters, tensor.info.count);
        EXPECT_EQ(row.bytes_before, tensor.info.bytes);
        ASSERT_EQ(row.cells.size(), configs.size());
        for (std::size_t c = 0; c < configs.size(); ++c) {
            QuantConfig config = configs[c];
            if (!granularity_problem(config.granularity, tensor.info.shape).empty()) {
                config.granularity = {};  // the 1-D norms fall back to one scale
                EXPECT_NE(row.cells[c].note.find("per tensor instead"), std::string::npos);
            }
            EXPECT_EQ(row.cells[c].config, config);
            const QuantResult expected = quantize(tensor.values, tensor.info.shape, config);
            EXPECT_EQ(row.cells[c].metrics.sqnr_db, expected.metrics.sqnr_db) << row.name;
            EXPECT_EQ(row.cells[c].metrics.mse, expected.metrics.mse);
            EXPECT_EQ(row.cells[c].metrics.max_abs_error, expected.metrics.max_abs_error);
            EXPECT_EQ(row.cells[c].metrics.clipped_fraction, expected.metrics.clipped_fraction);
            EXPECT_EQ(row.cells[c].storage.bytes, expected.storage.bytes);
        }
    }
    const OverviewTotals totals = overview_totals(result.rows, 1);
    std::int64_t bytes = 0;
    ModelSqnr sqnr;
    for (const OverviewRow& row : result.rows) {
        bytes += row.cells[1].storage.bytes;
        sqnr.add(row.cells[1].metrics.sqnr_db, row.parameters);
    }
    EXPECT_EQ(totals.bytes_after, bytes);
    EXPECT_EQ(totals.model_sqnr_db, sqnr.db());
    EXPECT_EQ(totals.tensors, result.rows.size());
}

// Rows stream as tensors finish, one callback at a time, with progress after each; the result
// lists them in file order whatever order they finished in.
TEST(ModelOverview, RowsStreamWithProgress) {
    const TempDir dir;
    const test::SyntheticModel model;
    test::write_synthetic_model(dir.file("m.safetensors"), model);
    const auto source = open_source(dir.file("m.safetensors"));
    OverviewOptions options;
    options.configs = parse_config_list("int4 block:32");
    options.concurrency = 2;
    std::atomic<int> inside{0};
    std::vector<std::size_t> seen;
    std::vector<OverviewProgress> progress;
    options.on_row = [&](const OverviewRow& row) {
        EXPECT_EQ(inside.fetch_add(1), 0);
        std::this_thread::yield();
        seen.push_back(row.tensor);
        inside.fetch_sub(1);
    };
    options.on_progress = [&](const OverviewProgress& p) { progress.push_back(p); };
    const OverviewResult result = run_overview(*source, options);
    ASSERT_EQ(seen.size(), source->tensors().size());
    ASSERT_EQ(progress.size(), seen.size());
    for (std::size_t i = 0; i < progress.size(); ++i) {
        EXPECT_EQ(progress[i].tensors_done, i + 1);
        EXPECT_EQ(progress[i].tensors_total, seen.size());
    }
    EXPECT_EQ(progress.back().parameters_done, progress.back().parameters_total);
    for (std::size_t i = 0; i < result.rows.size(); ++i) {
        EXPECT_EQ(result.rows[i].tensor, i);
    }
}

// Cancelling from a row callback: the rows finished so far come back, marked cancelled, and
// no worker keeps running (run_overview returned, the callbacks stop).
TEST(ModelOverview, CancelKeepsTheRowsDone) {
    const TempDir dir;
    const test::SyntheticModel model;
    test::write_synthetic_model(dir.file("m.safetensors"), model);
    const auto source = open_source(dir.file("m.safetensors"));
    std::atomic<bool> cancel{false};
    OverviewOptions options;
    options.configs = parse_config_list("int8");
    options.cancel = &cancel;
    std::mutex mutex;
    std::size_t delivered = 0;
    options.on_row = [&](const OverviewRow&) {
        const std::lock_guard<std::mutex> lock(mutex);
        if (++delivered == 10) {
            cancel = true;
        }
    };
    const OverviewResult result = run_overview(*source, options);
    EXPECT_TRUE(result.cancelled);
    EXPECT_GE(result.rows.size(), 10U);
    EXPECT_LT(result.rows.size(), source->tensors().size());
    EXPECT_EQ(result.rows.size(), delivered);
    for (const OverviewRow& row : result.rows) {
        EXPECT_EQ(row.cells.size(), 1U);
        EXPECT_TRUE(row.error.empty());
    }
    const std::size_t after = delivered;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(delivered, after);  // nothing runs on behind the caller's back
}

TEST(ModelOverview, SkipsIntegerTensorsAndSaysWhy) {
    const auto source =
        open_source(std::string(QUANTSCOPE_TEST_DATA_DIR) + "/io/model.safetensors");
    const OverviewResult result = overview_of(*source, "int8");
    for (const auto& [index, reason] : result.skipped) {
        EXPECT_FALSE(reason.empty());
        EXPECT_FALSE(std::any_of(result.rows.begin(), result.rows.end(),
                                 [&](const OverviewRow& r) { return r.tensor == index; }));
    }
    const auto i8 = *source->find("i8");
    EXPECT_TRUE(std::any_of(result.skipped.begin(), result.skipped.end(), [&](const auto& s) {
        return s.first == i8 && s.second.find("integer dtype int8") != std::string::npos;
    }));
    EXPECT_TRUE(std::any_of(result.rows.begin(), result.rows.end(),
                            [](const OverviewRow& r) { return r.name == "bf16"; }));
}

TEST(ModelOverview, RefusesNoConfigAndBadIndices) {
    const auto source = open_source("gen:gaussian:n=64");
    OverviewOptions options;
    EXPECT_THROW((void)run_overview(*source, options), UsageError);
    options.configs = parse_config_list("int8");
    options.tensors = {5};
    EXPECT_THROW((void)run_overview(*source, options), UsageError);
}

TEST(ModelOverview, ExportsTheSameRowsAsCsvAndJson) {
    const TempDir dir;
    test::SyntheticModel model;
    model.layers = 1;
    test::write_synthetic_model(dir.file("m.safetensors"), model);
    const auto source = open_source(dir.file("m.safetensors"));
    const auto configs = parse_config_list("int8 per-channel; nf4");
    OverviewOptions options;
    options.configs = configs;
    OverviewResult result = run_overview(*source, options);
    sort_overview_worst_first(result.rows);
    const std::string csv = overview_csv(result.rows, configs);
    EXPECT_EQ(csv.substr(0, csv.find('\n')),
              "tensor,shape,dtype,parameters,layer,bytes_before,sqnr_db@int8 per-channel,"
              "mse@int8 per-channel,max_abs_error@int8 per-channel,"
              "clipped_fraction@int8 per-channel,bytes_after@int8 per-channel,sqnr_db@nf4,"
              "mse@nf4,max_abs_error@nf4,clipped_fraction@nf4,bytes_after@nf4,"
              "delta_sqnr_db@nf4,note");
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'),
              static_cast<std::ptrdiff_t>(result.rows.size() + 1));
    // A norm with its layer, and its per-channel fallback noted.
    EXPECT_NE(csv.find("\nmodel.layers.0.input_layernorm.weight,[64],bfloat16,64,0,128,"),
              std::string::npos);
    EXPECT_NE(csv.find("quantized per tensor instead"), std::string::npos);
    const std::string json = overview_json(result.rows, configs);
    EXPECT_NE(json.find("\"label\": \"int8 per-channel\""), std::string::npos);
    EXPECT_NE(json.find("\"model_sqnr_db\": "), std::string::npos);
    EXPECT_NE(json.find("\"delta_sqnr_db\": "), std::string::npos);
    EXPECT_NE(json.find("\"layer\": null"), std::string::npos);  // lm_head
}

TEST(ModelOverview, GgmlTypesFallBackAsLlamaCppDoes) {
    // Rows of 512 hold whole K-quant blocks; rows of 96 only blocks of 32, so llama.cpp quantizes
    // them in the K-quant's fallback type; rows of 100 hold neither: fp16, and for the 32-value
    // types llama.cpp has no fallback at all. Every tensor keeps its cells: no row errors.
    const TempDir dir;
    std::vector<GgufTensor> tensors;
    for (const std::int64_t row : {512, 96, 100}) {
        std::vector<float> values(static_cast<std::size_t>(4 * row));
        for (std::size_t i = 0; i < values.size(); ++i) {
            values[i] = std::sin(0.1f * static_cast<float>(i));
        }
        tensors.push_back(gguf_f32_tensor("w" + std::to_string(row), {4, row}, values));
    }
    write_gguf(dir.file("m.gguf"), tensors);
    const auto source = open_source(dir.file("m.gguf"));
    const OverviewResult result = overview_of(*source, "q4_K; q6_K; q4_0");
    ASSERT_EQ(result.rows.size(), 3u);
    struct Expected {
        const char* type;
        const char* note;
        std::int64_t bytes;
    };
    const Expected expected[3][3] = {
        // 4 rows of 512: 8 blocks of 256 (144 and 210 bytes) or 64 of 32 (18 bytes).
        {{"q4_K", "", 8 * 144}, {"q6_K", "", 8 * 210}, {"q4_0", "", 64 * 18}},
        // 4 rows of 96: 12 blocks of 32, q5_0 22 bytes, q8_0 34.
        {{"q5_0",
          "rows of 96 are not whole blocks of 256 for q4_K: q5_0 instead, as llama.cpp "
          "falls back",
          12 * 22},
         {"q8_0",
          "rows of 96 are not whole blocks of 256 for q6_K: q8_0 instead, as llama.cpp "
          "falls back",
          12 * 34},
         {"q4_0", "", 12 * 18}},
        // 400 values in fp16: 800 bytes.
        {{"fp16",
          "rows of 100 are not whole blocks of 256 for q4_K or q5_0: fp16 instead, as "
          "llama.cpp falls back",
          800},
         {"fp16",
          "rows of 100 are not whole blocks of 256 for q6_K or q8_0: fp16 instead, as "
          "llama.cpp falls back",
          800},
         {"fp16",
          "rows of 100 are not whole blocks of 32 for q4_0: llama.cpp cannot store this "
          "tensor in q4_0; counted as fp16",
          800}},
    };
    for (std::size_t r = 0; r < 3; ++r) {
        const OverviewRow& row = result.rows[r];
        EXPECT_EQ(row.error, "") << row.name;
        ASSERT_EQ(row.cells.size(), 3u) << row.name;
        for (std::size_t c = 0; c < 3; ++c) {
            const OverviewCell& cell = row.cells[c];
            EXPECT_EQ(format_name(cell.config), expected[r][c].type) << row.name << " " << c;
            EXPECT_EQ(cell.note, expected[r][c].note) << row.name << " " << c;
            EXPECT_EQ(cell.storage.bytes, expected[r][c].bytes) << row.name << " " << c;
            EXPECT_GT(cell.metrics.sqnr_db, 10.0) << row.name << " " << c;
        }
    }
    // The totals count every tensor under every config.
    for (std::size_t c = 0; c < 3; ++c) {
        EXPECT_EQ(overview_totals(result.rows, c).tensors, 3u);
    }
}

}  // namespace
}  // namespace quantscope
