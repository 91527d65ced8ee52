// The overview over a memory-mapped GGUF keeps resident the tensors in flight, not every page of
// the model it has read so far: each tensor's mapped pages go back once it has been read.
// Measured as the resident pages of file mappings (RssFile), which only those pages move: no
// allocation counts there, so the bound holds under sanitizers too.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "io_test_support.h"
#include "quantscope/io/gguf_writer.h"
#include "quantscope/io/source.h"
#include "quantscope/model/model_overview.h"
#include "quantscope/quant/config_list.h"

namespace quantscope {
namespace {

TEST(OverviewMemory, AMappedGgufsPagesGoBackTensorByTensor) {
    if (test::status_kb("RssFile") < 0) {
        GTEST_SKIP() << "the kernel does not report RssFile";
    }
    constexpr std::size_t kTensors = 6;
    constexpr std::int64_t kRows = 1024;
    constexpr std::int64_t kColumns = 2048;  // 8 MiB of float32 per tensor
    const test::TempFolder folder;
    std::vector<GgufTensor> tensors;
    std::vector<float> values(static_cast<std::size_t>(kRows * kColumns));
    for (std::size_t t = 0; t < kTensors; ++t) {
        for (std::size_t i = 0; i < values.size(); ++i) {
            values[i] = static_cast<float>((i * 13 + t) % 997) * 0.002f - 1.0f;
        }
        tensors.push_back(
            gguf_f32_tensor("blk." + std::to_string(t) + ".weight", {kRows, kColumns}, values));
    }
    const std::string path = folder.file("model.gguf");
    write_gguf(path, tensors);
    tensors.clear();

    const auto source = open_source(path);
    OverviewOptions options;
    options.configs = parse_config_list("int8 per-channel");
    options.concurrency = 1;  // one tensor in flight: after each row, none
    std::vector<long> resident_kb;
    options.on_row = [&resident_kb](const OverviewRow&) {
        resident_kb.push_back(test::status_kb("RssFile"));
    };
    const OverviewResult result = run_overview(*source, options);
    ASSERT_EQ(result.rows.size(), kTensors);
    for (const OverviewRow& row : result.rows) {
        EXPECT_TRUE(row.error.empty()) << row.error;
    }
    // From the first row on (the code the overview runs is resident by then), the mapped pages
    // stay where they were, but for the overhang of a 2 MiB folio the kernel maps past a
    // tensor's end; left in place, each row would add its tensor's 8 MiB.
    ASSERT_EQ(resident_kb.size(), kTensors);
    const long growth = *std::max_element(resident_kb.begin(), resident_kb.end()) - resident_kb[0];
    EXPECT_LT(growth, 4096) << "kB of mapped pages kept after " << kTensors << " tensors of 8 MiB";
}

}  // namespace
}  // namespace quantscope
