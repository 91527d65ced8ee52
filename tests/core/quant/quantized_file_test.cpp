// Writing a quantized tensor (quantscope/quant/quantized_file.h): a .gguf under a ggml config
// holds ggml's blocks, which the loader reads back as that type and decodes to quantize()'s Q(x);
// under another config a .gguf holds Q(x) as f32; any other name gets a float32 .npy.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <unistd.h>

#include "quantscope/common/error.h"
#include "quantscope/io/source.h"
#include "quantscope/quant/ggml_config.h"
#include "quantscope/quant/quantized_file.h"
#include "quantscope/quant/quantizer.h"

namespace quantscope {
namespace {

class QuantizedFile : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("qs-quantized-file-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::string path(const std::string& name) const { return (dir_ / name).string(); }

    // Two rows of 512 with a NaN, an Inf, a -Inf and a large outlier.
    static std::vector<float> awkward_values() {
        std::vector<float> x(2 * 512);
        for (std::size_t i = 0; i < x.size(); ++i) {
            x[i] = std::sin(0.37f * static_cast<float>(i)) * (1.0f + static_cast<float>(i % 7));
        }
        x[3] = std::numeric_limits<float>::quiet_NaN();
        x[300] = std::numeric_limits<float>::infinity();
        x[700] = -std::numeric_limits<float>::infinity();
        x[900] = 250.0f;
        return x;
    }

    std::filesystem::path dir_;
};

QuantConfig config_named(std::string_view format) {
    QuantConfig c;
    apply_format(c, format);
    return c;
}

TEST_F(QuantizedFile, GgufUnderAGgmlTypeHoldsItsBlocks) {
    const std::vector<float> x = awkward_values();
    const Shape shape{2, 512};
    std::vector<float> clean = x;  // what ggml's quantizer sees: non-finite values as 0
    for (float& v : clean) {
        v = std::isfinite(v) ? v : 0.0f;
    }
    for (const GgmlConfigType& t : ggml_config_types()) {
        const QuantConfig config = config_named(t.type->name);
        const QuantResult r = quantize(x, shape, config);
        const std::string file = path(std::string(t.type->name) + ".gguf");
        EXPECT_EQ(write_quantized(file, "blk.0.w", shape, x, r.dequantized, config),
                  std::string(t.type->name) + " blocks in GGUF");

        const auto blocks = x.size() / static_cast<std::size_t>(t.type->block_elements);
        std::vector<std::byte> expected(blocks * static_cast<std::size_t>(t.type->block_bytes));
        t.type->quantize(clean.data(), expected.data(), blocks);
        EXPECT_EQ(ggml_blocks(x, shape, config), expected) << t.type->name;

        const auto source = open_source(file);
        ASSERT_EQ(source->tensors().size(), 1u);
        const TensorInfo& info = source->tensors().front();
        EXPECT_EQ(info.name, "blk.0.w");
        EXPECT_EQ(info.shape, shape);
        EXPECT_EQ(info.dtype, t.type->name);
        const Tensor read = source->read(0);
        for (std::size_t i = 0; i < x.size(); ++i) {
            // Q(x) keeps a non-finite x; the blocks hold what the quantizer gave its 0.
            if (std::isfinite(x[i])) {
                ASSERT_EQ(std::bit_cast<std::uint32_t>(read.values[i]),
                          std::bit_cast<std::uint32_t>(r.dequantized[i]))
                    << t.type->name << " " << i;
            } else {
                ASSERT_TRUE(std::isfinite(read.values[i])) << t.type->name << " " << i;
            }
        }
    }
}

TEST_F(QuantizedFile, GgufUnderAnotherConfigHoldsQOfXAsF32) {
    const std::vector<float> x = awkward_values();
    const Shape shape{2, 512};
    QuantConfig config = config_named("int4");
    config.granularity = parse_granularity("block:32");
    const QuantResult r = quantize(x, shape, config);
    const std::string file = path("int4.GGUF");  // the extension in any case
    EXPECT_EQ(write_quantized(file, "w", shape, x, r.dequantized, config), "float32 Q(x) in GGUF");
    const auto source = open_source(file);
    EXPECT_EQ(source->tensors().front().dtype, "float32");
    const Tensor read = source->read(0);
    ASSERT_EQ(read.values.size(), x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        ASSERT_EQ(std::bit_cast<std::uint32_t>(read.values[i]),
                  std::bit_cast<std::uint32_t>(r.dequantized[i]))
            << i;
    }
    EXPECT_THROW(ggml_blocks(x, shape, config), UsageError);
}

TEST_F(QuantizedFile, OtherNamesGetANpyOfQOfX) {
    const std::vector<float> x = awkward_values();
    const Shape shape{2, 512};
    const QuantConfig config = config_named("q4_0");
    const QuantResult r = quantize(x, shape, config);
    const std::string file = path("q.npy");
    EXPECT_EQ(write_quantized(file, "w", shape, x, r.dequantized, config), "float32 Q(x) in .npy");
    const Tensor read = open_source(file)->read(0);
    EXPECT_EQ(read.info.shape, shape);
    for (std::size_t i = 0; i < x.size(); ++i) {
        ASSERT_EQ(std::bit_cast<std::uint32_t>(read.values[i]),
                  std::bit_cast<std::uint32_t>(r.dequantized[i]))
            << i;
    }
}

TEST_F(QuantizedFile, RowsOfPartBlocksAreRefused) {
    const std::vector<float> x(3 * 100, 0.5f);
    const Shape shape{3, 100};
    const QuantConfig config = config_named("q4_K");
    EXPECT_THROW(ggml_blocks(x, shape, config), UsageError);
    EXPECT_THROW(write_quantized(path("bad.gguf"), "w", shape, x, x, config), UsageError);
    EXPECT_FALSE(std::filesystem::exists(path("bad.gguf")));
}

TEST_F(QuantizedFile, GgmlBlocksCannotHoldKeptOutliers) {
    // quantize() takes kept outliers out of the blocks; ggml's blocks have no place for them.
    const std::vector<float> x = awkward_values();
    const Shape shape{2, 512};
    QuantConfig config = config_named("q4_K");
    config.outlier_threshold = 100;
    const QuantResult r = quantize(x, shape, config);
    try {
        write_quantized(path("outliers.gguf"), "w", shape, x, r.dequantized, config);
        FAIL() << "no error";
    } catch (const UsageError& e) {
        EXPECT_EQ(std::string(e.what()),
                  "q4_K blocks cannot hold the outliers kept in FP16 (outlier threshold 100): "
                  "write Q(x) to a .npy instead, or keep no outliers");
    }
    EXPECT_FALSE(std::filesystem::exists(path("outliers.gguf")));
    EXPECT_NO_THROW(write_quantized(path("outliers.npy"), "w", shape, x, r.dequantized, config));
}

}  // namespace
}  // namespace quantscope
