// The .npy writer: float32 and original-dtype round trips through the project's own reader,
// atomic replacement, and NumPy's header layout.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "io_test_support.h"
#include "quantscope/common/error.h"
#include "quantscope/io/npy_writer.h"
#include "quantscope/io/source.h"

namespace quantscope {
namespace {

using test::fixture;

class NpyWriter : public ::testing::Test {
protected:
    void SetUp() override {
        folder_ = std::filesystem::temp_directory_path() /
                  ("quantscope_writer_" +
                   std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(folder_);
        std::filesystem::create_directories(folder_);
    }
    void TearDown() override { std::filesystem::remove_all(folder_); }
    std::string path(const char* name) const { return (folder_ / name).string(); }

    std::filesystem::path folder_;
};

TEST_F(NpyWriter, Float32RoundTrip) {
    const std::vector<float> values{1.5f,   -2.0f, 0.0f, std::numeric_limits<float>::infinity(),
                                    1e-40f, -3.25f};
    write_npy(path("a.npy"), values, Shape{2, 3});
    const auto source = open_source(path("a.npy"));
    EXPECT_EQ(source->tensors()[0].dtype, "float32");
    EXPECT_EQ(source->tensors()[0].shape, (Shape{2, 3}));
    const Tensor tensor = source->read(0);
    EXPECT_EQ(std::vector<float>(tensor.values.begin(), tensor.values.end()), values);
    // NumPy's layout: magic, version 1.0, data on a 64-byte boundary.
    const auto bytes = test::file_bytes(path("a.npy"));
    EXPECT_EQ(bytes.size(), 128U + 24U);
    EXPECT_EQ(bytes[6], std::byte{1});
    EXPECT_EQ(bytes[127], std::byte{'\n'});
}

TEST_F(NpyWriter, OriginalDtypeIsPreserved) {
    for (const char* file :
         {"int_i1.npy", "int_u1.npy", "int_be_i2.npy", "int_le_u2.npy", "int_le_i4.npy",
          "int_be_u4.npy", "int_le_i8.npy", "int_le_u8.npy", "f16.npy", "f64_be.npy", "bool.npy",
          "fortran.npy", "scalar.npy", "empty.npy"}) {
        const Tensor original = open_source(fixture(file))->read(0);
        EXPECT_EQ(write_npy(path("t.npy"), original), original.info.dtype) << file;
        const Tensor back = open_source(path("t.npy"))->read(0);
        EXPECT_EQ(back.info.dtype, original.info.dtype) << file;
        EXPECT_EQ(back.info.shape, original.info.shape) << file;
        EXPECT_EQ(std::vector<float>(back.values.begin(), back.values.end()),
                  std::vector<float>(original.values.begin(), original.values.end()))
            << file;
    }
}

TEST_F(NpyWriter, NonNativeDtypesFallBackToFloat32) {
    const Tensor bf16 = open_source(fixture("model.safetensors"))->read("bf16");
    EXPECT_EQ(write_npy(path("b.npy"), bf16), "float32");
    const Tensor back = open_source(path("b.npy"))->read(0);
    EXPECT_EQ(back.info.dtype, "float32");
    EXPECT_EQ(back.values[1], -0.5f);
}

TEST_F(NpyWriter, IntegersRoundToEvenAndSaturate) {
    const std::vector<float> values{2.5f,   3.5f,    -2.5f,
                                    300.0f, -300.0f, std::numeric_limits<float>::quiet_NaN()};
    write_npy(path("i.npy"), values, Shape{6}, "int8");
    const Tensor back = open_source(path("i.npy"))->read(0);
    EXPECT_EQ(back.info.dtype, "int8");
    test::expect_values(back, {2, 4, -2, 127, -128, 0});
}

TEST_F(NpyWriter, Float16RoundsToNearestEven) {
    // 1 + 2^-11 is halfway between 1 and the next float16: ties to even gives 1.
    const std::vector<float> values{1.0f + std::ldexp(1.0f, -11), 70000.0f, 0.1f};
    write_npy(path("h.npy"), values, Shape{3}, "float16");
    const Tensor back = open_source(path("h.npy"))->read(0);
    EXPECT_EQ(back.info.dtype, "float16");
    test::expect_values(back, {1.0f, std::numeric_limits<float>::infinity(), 0.0999755859375f});
}

TEST_F(NpyWriter, ReplacesAtomicallyAndLeavesNoTemporaryFile) {
    const std::vector<float> first(1000, 1.0f);
    const std::vector<float> second{2.0f};
    write_npy(path("x.npy"), first, Shape{1000});
    write_npy(path("x.npy"), second, Shape{1});
    EXPECT_EQ(open_source(path("x.npy"))->tensors()[0].count, 1);
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(folder_)) {
        ++files;
    }
    EXPECT_EQ(files, 1U);
}

TEST_F(NpyWriter, ErrorsAreReported) {
    const std::vector<float> values{1, 2, 3};
    EXPECT_THROW(write_npy(path("s.npy"), values, Shape{2, 2}), UsageError);
    EXPECT_THROW(write_npy(path("s.npy"), values, Shape{3}, "bfloat16"), UsageError);
    EXPECT_THROW(write_npy(path("missing/s.npy"), values, Shape{3}), Error);
    EXPECT_FALSE(std::filesystem::exists(path("s.npy")));
}

TEST_F(NpyWriter, LargeHeadersStillParse) {
    // 40 dimensions of 1: a long shape tuple, still well under NumPy's 10000-byte limit.
    const Shape shape(40, 1);
    const std::vector<float> values{7.0f};
    write_npy(path("d.npy"), values, shape);
    const auto source = open_source(path("d.npy"));
    EXPECT_EQ(source->tensors()[0].shape, shape);
    EXPECT_EQ(source->read(0).values[0], 7.0f);
}

}  // namespace
}  // namespace quantscope
