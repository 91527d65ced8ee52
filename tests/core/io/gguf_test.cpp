// GGUF v3 built from the spec: F32/F16/BF16 read, Q8_0, Q4_0 and Q4_K dequantized.
#include <gtest/gtest.h>

#include <map>

#include "io_test_support.h"
#include "quantscope/io/load_error.h"
#include "quantscope/io/source.h"

namespace quantscope {
namespace {

using test::expect_values;
using test::fixture;

TEST(Gguf, ListsTensorsRowMajor) {
    const auto source = open_source(fixture("model.gguf"));
    EXPECT_EQ(source->format_name(), "gguf");
    ASSERT_EQ(source->tensors().size(), 6U);
    const auto& f32 = source->tensors()[0];
    EXPECT_EQ(f32.name, "f32");
    EXPECT_EQ(f32.shape, (Shape{2, 3}));  // ne = [3, 2]
    EXPECT_EQ(source->tensors()[3].dtype, "q8_0");
    EXPECT_EQ(source->tensors()[3].shape, (Shape{2, 32}));
    EXPECT_EQ(source->tensors()[3].bytes, 68);
    EXPECT_EQ(source->tensors()[4].dtype, "q4_0");
    EXPECT_EQ(source->tensors()[4].bytes, 18);
}

TEST(Gguf, ReadsFloatTypes) {
    const auto source = open_source(fixture("model.gguf"));
    expect_values(source->read("f32"), {1, 2, 3, 4, 5, 6});
    expect_values(source->read("f16"), {0.5f, -1.5f});
    expect_values(source->read("bf16"), {2.0f, -4.0f});
}

TEST(Gguf, DequantizesQ8_0) {
    const auto tensor = open_source(fixture("model.gguf"))->read("q8");
    ASSERT_EQ(tensor.values.size(), 64U);
    for (std::size_t i = 0; i < 64; ++i) {
        // scale 0.5, codes -16 .. 15 in each of the two blocks
        EXPECT_EQ(tensor.values[i], 0.5f * static_cast<float>(static_cast<int>(i % 32) - 16));
    }
}

TEST(Gguf, DequantizesQ4_0) {
    const auto tensor = open_source(fixture("model.gguf"))->read("q4");
    ASSERT_EQ(tensor.values.size(), 32U);
    for (int j = 0; j < 16; ++j) {
        // byte j holds j (low nibble, element j) and 15 - j (high nibble, element j + 16)
        EXPECT_EQ(tensor.values[static_cast<std::size_t>(j)], 0.25f * static_cast<float>(j - 8));
        EXPECT_EQ(tensor.values[static_cast<std::size_t>(j + 16)],
                  0.25f * static_cast<float>(15 - j - 8));
    }
}

TEST(Gguf, KQuantsAreRead) {
    // The fixture's q4_K tensor is one all-zero block: scales 0, so every value is 0.
    const auto source = open_source(fixture("model.gguf"));
    const auto index = *source->find("q4k");
    EXPECT_EQ(source->tensors()[index].dtype, "q4_K");
    EXPECT_EQ(source->tensors()[index].bytes, 144);
    EXPECT_TRUE(source->readable(index));
    EXPECT_EQ(source->note(index), "q4_K: 4.5 bits per weight");
    const Tensor tensor = source->read(index);
    EXPECT_EQ(tensor.info.dtype, "q4_K");
    ASSERT_EQ(tensor.values.size(), 256U);
    for (const float value : tensor.values) {
        EXPECT_EQ(value, 0.0f);
    }
}

TEST(Gguf, MetadataValues) {
    const auto source = open_source(fixture("model.gguf"));
    std::map<std::string, std::string> metadata(source->metadata().begin(),
                                                source->metadata().end());
    EXPECT_EQ(metadata["version"], "3");
    EXPECT_EQ(metadata["general.architecture"], "test");
    EXPECT_EQ(metadata["general.alignment"], "32");
    EXPECT_EQ(metadata["test.count"], "12345678901");
    EXPECT_EQ(metadata["test.flag"], "true");
    EXPECT_EQ(metadata["tokenizer.tokens"], "[3 x string] a, bc, d");
    EXPECT_EQ(metadata["test.scores"].substr(0, 25), "[20 x float32] 0.000000, ");
    EXPECT_NE(metadata["test.scores"].find(", ..."), std::string::npos);
}

}  // namespace
}  // namespace quantscope
