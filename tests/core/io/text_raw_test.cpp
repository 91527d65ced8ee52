// CSV/TXT tables, raw binary with a user-given dtype and shape, and gen: sources.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string_view>

#include "io_test_support.h"
#include "quantscope/common/error.h"
#include "quantscope/common/generators.h"
#include "quantscope/io/load_error.h"
#include "quantscope/io/raw_source.h"
#include "quantscope/io/source.h"

namespace quantscope {
namespace {

using test::expect_values;
using test::fixture;

TEST(Text, CsvWithHeaderIsTwoDimensional) {
    const auto source = open_source(fixture("table.csv"));
    EXPECT_EQ(source->format_name(), "csv");
    EXPECT_EQ(source->tensors()[0].shape, (Shape{2, 3}));
    expect_values(source->read(0), {1, 2, 3, 4.5f, -0.5f, 6});
    ASSERT_EQ(source->metadata().size(), 1U);
    EXPECT_EQ(source->metadata()[0].second, "a, b, c");
}

TEST(Text, OneColumnIsOneDimensional) {
    const auto source = open_source(fixture("column.txt"));
    EXPECT_EQ(source->tensors()[0].shape, (Shape{3}));
    expect_values(source->read(0), {1, 2, 3});
}

std::vector<std::byte> bytes_of(std::string_view text) {
    std::vector<std::byte> bytes(text.size());
    std::memcpy(bytes.data(), text.data(), text.size());
    return bytes;
}

TEST(Text, ByteOrderMarkAndEveryLineEndAsLoadtxtReadsThem) {
    // NumPy's loadtxt skips a UTF-8 byte-order mark and takes LF, CRLF and a lone CR as line
    // ends: three rows of two values each time, none taken for a header.
    for (const std::string_view text :
         {std::string_view("\xEF\xBB\xBF"
                           "1,2\n3,4\n5,6\n"),
          std::string_view("1,2\r\n3,4\r\n5,6\r\n"), std::string_view("1,2\r3,4\r5,6"),
          std::string_view("\xEF\xBB\xBF"
                           "1,2\r3,4\n5,6\r\n")}) {
        SCOPED_TRACE(std::string(text));
        const auto source = open_source_bytes("t.csv", bytes_of(text));
        EXPECT_EQ(source->tensors()[0].shape, (Shape{3, 2}));
        EXPECT_TRUE(source->metadata().empty());
        expect_values(source->read(0), {1, 2, 3, 4, 5, 6});
    }
}

TEST(Text, OutOfRangeAndSubnormalNumbersAsPythonFloatGivesThem) {
    // float('1e400') is inf and float('1e-400') is 0 in Python: values, not a header row.
    const float inf = std::numeric_limits<float>::infinity();
    const float tiny = std::numeric_limits<float>::denorm_min();
    const auto source =
        open_source_bytes("t.csv", bytes_of("1e400,-1e400,1e-400\n-1E-999,1.401298464324817e-45,"
                                            "0.0000000000000000000000000000000000000000000014\n"
                                            "123456789e40,-0.00000e-9999,1e-40\n"));
    EXPECT_EQ(source->tensors()[0].shape, (Shape{3, 3}));
    EXPECT_TRUE(source->metadata().empty());
    const Tensor t = source->read(0);
    expect_values(t, {inf, -inf, 0, -0.0f, tiny, tiny, inf, -0.0f, 0x1.16c2p-133f});
    EXPECT_TRUE(std::signbit(t.values[3]));
    EXPECT_FALSE(std::signbit(t.values[2]));
}

TEST(Raw, BigEndianInt16WithShape) {
    const auto source =
        open_source("raw:" + fixture("raw_be_i16.bin") + "?dtype=int16&shape=3,4&endian=big");
    EXPECT_EQ(source->format_name(), "raw");
    EXPECT_EQ(source->tensors()[0].shape, (Shape{3, 4}));
    EXPECT_EQ(source->tensors()[0].dtype, "int16");
    expect_values(source->read(0), {-6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5});
}

TEST(Raw, ShapeDefaultsToTheWholeFile) {
    const auto source = open_source("raw:" + fixture("raw_be_i16.bin") + "?dtype=uint8");
    EXPECT_EQ(source->tensors()[0].shape, (Shape{24}));
    const auto offset = open_source("raw:" + fixture("raw_be_i16.bin") + "?dtype=int16&offset=20");
    EXPECT_EQ(offset->tensors()[0].shape, (Shape{2}));
}

TEST(Raw, StructOptionsMatchTheSpec) {
    RawOptions options;
    options.path = fixture("raw_be_i16.bin");
    options.dtype = "int16";
    options.shape = Shape{12};
    options.big_endian = true;
    expect_values(open_raw(options)->read(0), {-6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5});
    const RawOptions parsed = parse_raw_spec("a?b.bin?dtype=bfloat16&shape=2,3&offset=7");
    EXPECT_EQ(parsed.path, "a?b.bin");
    EXPECT_EQ(parsed.dtype, "bfloat16");
    EXPECT_EQ(parsed.shape, (Shape{2, 3}));
    EXPECT_EQ(parsed.offset, 7U);
    EXPECT_FALSE(parsed.big_endian);
}

TEST(Raw, MismatchesAreReported) {
    try {
        (void)open_source("raw:" + fixture("raw_be_i16.bin") + "?dtype=float32&shape=7");
        FAIL();
    } catch (const LoadError& error) {
        EXPECT_EQ(error.offset(), 0U);
        EXPECT_EQ(error.problem(),
                  "shape [7] of float32 needs 28 bytes, the file has 24 after offset 0");
    }
    EXPECT_THROW((void)open_source("raw:" + fixture("raw_be_i16.bin")), UsageError);
    EXPECT_THROW((void)open_source("raw:" + fixture("raw_be_i16.bin") + "?dtype=int13"),
                 UsageError);
    EXPECT_THROW((void)open_source("raw:" + fixture("raw_be_i16.bin") + "?dtype=int8&shape=x"),
                 UsageError);
    EXPECT_THROW((void)open_source("raw:" + fixture("raw_be_i16.bin") + "?dtype=int8&colour=red"),
                 UsageError);
}

TEST(Generator, OneTensorFromTheSpec) {
    const auto source = open_source("gen:gaussian:n=1000,seed=3");
    EXPECT_EQ(source->format_name(), "generator");
    ASSERT_EQ(source->tensors().size(), 1U);
    EXPECT_EQ(source->tensors()[0].count, 1000);
    EXPECT_EQ(source->sample_rate(), 0.0);
    const Tensor expected = generate("gaussian:n=1000,seed=3");
    const Tensor tensor = source->read(0);
    EXPECT_TRUE(std::equal(tensor.values.begin(), tensor.values.end(), expected.values.begin(),
                           expected.values.end()));
}

TEST(Generator, SineReportsItsSampleRate) {
    EXPECT_EQ(open_source("gen:sine:rate=16000,duration=0.01")->sample_rate(), 16000.0);
    EXPECT_THROW((void)open_source("gen:nonsense"), UsageError);
}

}  // namespace
}  // namespace quantscope
