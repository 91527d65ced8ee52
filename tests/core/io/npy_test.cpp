// .npy files written by NumPy: every numeric dtype, both byte orders, Fortran order, versions
// 1 to 3, scalars and empty arrays; mmap and pread give the same values.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "io_test_support.h"
#include "quantscope/io/load_error.h"
#include "quantscope/io/source.h"

namespace quantscope {
namespace {

using test::expect_values;
using test::fixture;

TEST(Npy, Float32ListsThenReads) {
    const auto source = open_source(fixture("f32_2x3.npy"));
    EXPECT_EQ(source->format_name(), "npy");
    ASSERT_EQ(source->tensors().size(), 1U);
    const TensorInfo& info = source->tensors()[0];
    EXPECT_EQ(info.name, "f32_2x3");
    EXPECT_EQ(info.dtype, "float32");
    EXPECT_EQ(info.shape, (Shape{2, 3}));
    EXPECT_EQ(info.count, 6);
    EXPECT_EQ(info.bytes, 24);
    const Tensor tensor = source->read(0);
    EXPECT_EQ(tensor.info.dtype, "float32");
    expect_values(tensor, {-1.5f, -1.0f, -0.5f, 0.0f, 0.5f, 1.0f});
}

TEST(Npy, BigEndianFloat64) {
    const auto source = open_source(fixture("f64_be.npy"));
    EXPECT_EQ(source->tensors()[0].dtype, "float64");
    EXPECT_EQ(source->tensors()[0].bytes, 40);
    expect_values(source->read(0), {-1.5f, -1.0f, -0.5f, 0.0f, 0.5f});
}

TEST(Npy, Float16IncludingSubnormalAndInf) {
    const auto tensor = open_source(fixture("f16.npy"))->read(0);
    EXPECT_EQ(tensor.info.dtype, "float16");
    expect_values(tensor, {0.0f, 1.0f, -2.0f, 65504.0f, std::ldexp(1.0f, -24),
                           std::numeric_limits<float>::infinity()});
}

struct IntCase {
    const char* file;
    const char* dtype;
    bool is_signed;
};

class NpyIntegers : public ::testing::TestWithParam<IntCase> {};

TEST_P(NpyIntegers, EveryWidthAndByteOrder) {
    const auto source = open_source(fixture(GetParam().file));
    const Tensor tensor = source->read(0);
    EXPECT_EQ(tensor.info.dtype, GetParam().dtype);
    if (GetParam().is_signed) {
        expect_values(tensor, {-3, -2, -1, 0, 1, 2, 3});
    } else {
        expect_values(tensor, {0, 1, 2, 3, 4, 5, 6});
    }
}

INSTANTIATE_TEST_SUITE_P(Dtypes, NpyIntegers,
                         ::testing::Values(IntCase{"int_i1.npy", "int8", true},
                                           IntCase{"int_u1.npy", "uint8", false},
                                           IntCase{"int_le_i2.npy", "int16", true},
                                           IntCase{"int_be_i2.npy", "int16", true},
                                           IntCase{"int_le_u2.npy", "uint16", false},
                                           IntCase{"int_le_i4.npy", "int32", true},
                                           IntCase{"int_be_u4.npy", "uint32", false},
                                           IntCase{"int_le_i8.npy", "int64", true},
                                           IntCase{"int_le_u8.npy", "uint64", false}));

TEST(Npy, Bool) {
    const auto tensor = open_source(fixture("bool.npy"))->read(0);
    EXPECT_EQ(tensor.info.dtype, "bool");
    expect_values(tensor, {1, 0, 1});
}

TEST(Npy, FortranOrderIsTransposedToRowMajor) {
    const auto source = open_source(fixture("fortran.npy"));
    EXPECT_EQ(source->tensors()[0].shape, (Shape{2, 3, 4}));
    const Tensor tensor = source->read(0);
    ASSERT_EQ(tensor.values.size(), 24U);
    for (std::size_t i = 0; i < 24; ++i) {
        EXPECT_EQ(tensor.values[i], static_cast<float>(i));  // np.arange(24).reshape(2, 3, 4)
    }
    bool found = false;
    for (const auto& [key, value] : source->metadata()) {
        found = found || (key == "fortran_order" && value == "True");
    }
    EXPECT_TRUE(found);
}

TEST(Npy, Versions2And3) {
    for (const char* file : {"v2.npy", "v3.npy"}) {
        const auto source = open_source(fixture(file));
        expect_values(source->read(0), {-1.5f, -1.0f, -0.5f, 0.0f});
        EXPECT_EQ(source->metadata()[0].second, file[1] == '2' ? "2.0" : "3.0");
    }
}

TEST(Npy, ScalarAndEmpty) {
    const auto scalar = open_source(fixture("scalar.npy"));
    EXPECT_TRUE(scalar->tensors()[0].shape.empty());
    EXPECT_EQ(scalar->tensors()[0].count, 1);
    expect_values(scalar->read(0), {3.5f});
    const auto empty = open_source(fixture("empty.npy"));
    EXPECT_EQ(empty->tensors()[0].shape, (Shape{0, 3}));
    EXPECT_EQ(empty->tensors()[0].count, 0);
    EXPECT_TRUE(empty->read(0).values.empty());
}

TEST(Npy, ComplexIsListedButNotRead) {
    const auto source = open_source(fixture("complex.npy"));
    EXPECT_EQ(source->tensors()[0].dtype, "complex64");
    EXPECT_EQ(source->tensors()[0].bytes, 16);
    EXPECT_FALSE(source->readable(0));
    EXPECT_NE(source->note(0).find("unsupported"), std::string::npos);
    try {
        (void)source->read(0);
        FAIL() << "complex read";
    } catch (const LoadError& error) {
        EXPECT_NE(error.problem().find("unsupported dtype complex64"), std::string::npos);
        EXPECT_EQ(error.offset(), 128U);
    }
}

TEST(Npy, PreadGivesTheSameValuesAsMmap) {
    for (const char* file : {"f32_2x3.npy", "f64_be.npy", "fortran.npy", "int_be_i2.npy"}) {
        const auto mapped = open_source(fixture(file))->read(0);
        const auto read = open_source(fixture(file), SourceOptions{.memory_map = false})->read(0);
        EXPECT_EQ(std::vector<float>(mapped.values.begin(), mapped.values.end()),
                  std::vector<float>(read.values.begin(), read.values.end()))
            << file;
    }
}

}  // namespace
}  // namespace quantscope
