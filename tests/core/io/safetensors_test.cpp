// safetensors: every dtype, __metadata__, zero-size tensors, listed-only complex.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>

#include "io_test_support.h"
#include "quantscope/io/load_error.h"
#include "quantscope/io/source.h"

namespace quantscope {
namespace {

using test::expect_values;
using test::fixture;

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

TEST(Safetensors, ListsDtypesShapesAndBytes) {
    const auto source = open_source(fixture("model.safetensors"));
    EXPECT_EQ(source->format_name(), "safetensors");
    ASSERT_EQ(source->tensors().size(), 19U);
    const auto& bf16 = source->tensors()[*source->find("bf16")];
    EXPECT_EQ(bf16.dtype, "bfloat16");
    EXPECT_EQ(bf16.shape, (Shape{3}));
    EXPECT_EQ(bf16.bytes, 6);
    EXPECT_EQ(source->tensors()[*source->find("e4m3")].dtype, "float8_e4m3");
    EXPECT_EQ(source->tensors()[*source->find("fp4")].bytes, 2);
    EXPECT_EQ(source->tensors()[*source->find("fp6")].bytes, 3);
    EXPECT_EQ(source->tensors()[*source->find("fp6")].dtype, "float6_e2m3");
}

TEST(Safetensors, MetadataIsShown) {
    const auto source = open_source(fixture("model.safetensors"));
    ASSERT_EQ(source->metadata().size(), 2U);
    EXPECT_EQ(source->metadata()[0], (std::pair<std::string, std::string>{"format", "pt"}));
}

TEST(Safetensors, DecodesEveryDtype) {
    const auto source = open_source(fixture("model.safetensors"));
    expect_values(source->read("f32"), {1, -2, 3.5f, 0});
    expect_values(source->read("bf16"),
                  {1.0f, -0.5f, std::bit_cast<float>(0x7F610000u)});  // 3e38 truncated
    expect_values(source->read("f16"), {0.25f, -65504.0f});
    expect_values(source->read("f64"), {1e-3f});
    expect_values(source->read("e4m3"), {1.0f, 2.0f, -1.0f, 448.0f, kNaN, std::ldexp(1.0f, -9)});
    expect_values(source->read("e5m2"), {1.0f, kInf, 57344.0f, std::ldexp(1.0f, -16)});
    expect_values(source->read("i8"), {-128, 0, 127});
    expect_values(source->read("u8"), {0, 255});
    expect_values(source->read("i16"), {-300, 300});
    expect_values(source->read("u16"), {65535});
    expect_values(source->read("i32"), {-70000, 70000});
    expect_values(source->read("u32"), {4e9f});
    expect_values(source->read("i64"), {-5});
    expect_values(source->read("u64"), {7});
    expect_values(source->read("flag"), {1, 0, 1});
    expect_values(source->read("fp4"), {1.0f, 6.0f, -0.5f, 0.0f});
    expect_values(source->read("fp6"), {1.0f, 0.0f, 0.0f, 1.0f});
}

TEST(Safetensors, ZeroSizeTensorIsEmpty) {
    const auto source = open_source(fixture("model.safetensors"));
    const auto index = *source->find("empty");
    EXPECT_EQ(source->tensors()[index].shape, (Shape{0, 4}));
    EXPECT_EQ(source->tensors()[index].count, 0);
    EXPECT_TRUE(source->read(index).values.empty());
}

TEST(Safetensors, ComplexIsListedOnly) {
    const auto source = open_source(fixture("model.safetensors"));
    const auto index = *source->find("cplx");
    EXPECT_EQ(source->tensors()[index].dtype, "complex64");
    EXPECT_FALSE(source->readable(index));
    EXPECT_THROW((void)source->read(index), LoadError);
}

TEST(Safetensors, UnknownNameIsAUsageError) {
    const auto source = open_source(fixture("model.safetensors"));
    EXPECT_THROW((void)source->read("nope"), UsageError);
    EXPECT_THROW((void)source->read(std::size_t{99}), UsageError);
}

}  // namespace
}  // namespace quantscope
