// Every ggml type through a GGUF file: written by write_gguf, listed and read back by the GGUF
// loader (name, stored type, bits per weight, bytes, values equal to the type's dequantizer),
// a type id newer than this build, and the hostile cases for block types (a row that is not
// whole blocks, data cut short, an offset past the end).
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "io_test_support.h"
#include "quantscope/common/error.h"
#include "quantscope/formats/format.h"
#include "quantscope/formats/ggml_types.h"
#include "quantscope/io/gguf_writer.h"
#include "quantscope/io/load_error.h"
#include "quantscope/io/source.h"

namespace quantscope {
namespace {

namespace fs = std::filesystem;

std::vector<std::byte> random_bytes(std::size_t size, unsigned seed) {
    std::mt19937 rng(seed);
    std::vector<std::byte> bytes(size);
    for (auto& b : bytes) {
        b = static_cast<std::byte>(rng() & 0xFFu);
    }
    return bytes;
}

// A tensor of `type` with `rows` rows of `blocks` blocks, random bytes.
GgufTensor random_tensor(const GgmlType& type, std::int64_t rows, std::int64_t blocks,
                         unsigned seed) {
    const auto bytes = static_cast<std::size_t>(rows * blocks * type.block_bytes);
    return {std::string(type.name),
            {rows, blocks * type.block_elements},
            type.id,
            random_bytes(bytes, seed)};
}

// What the plain types' bytes mean (little-endian).
template <typename T>
float element(const std::byte* p) {
    T value;
    std::memcpy(&value, p, sizeof(T));
    return static_cast<float>(value);
}

std::vector<float> expected_values(const GgmlType& type, const std::vector<std::byte>& data) {
    if (type.dequantize != nullptr) {
        std::vector<float> out(data.size() / static_cast<std::size_t>(type.block_bytes) *
                               static_cast<std::size_t>(type.block_elements));
        type.dequantize(data.data(), out.data(),
                        data.size() / static_cast<std::size_t>(type.block_bytes));
        return out;
    }
    static const std::vector<float> fp16 = parse_format("fp16").decode_table();
    const auto size = static_cast<std::size_t>(type.block_bytes);
    std::vector<float> out(data.size() / size);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const std::byte* p = data.data() + i * size;
        std::uint16_t half = 0;
        std::memcpy(&half, p, std::min<std::size_t>(size, 2));
        if (type.name == "f32") {
            out[i] = element<float>(p);
        } else if (type.name == "f16") {
            out[i] = fp16[half];
        } else if (type.name == "bf16") {
            out[i] = std::bit_cast<float>(static_cast<std::uint32_t>(half) << 16);
        } else if (type.name == "f64") {
            out[i] = element<double>(p);
        } else if (type.name == "i8") {
            out[i] = element<std::int8_t>(p);
        } else if (type.name == "i16") {
            out[i] = element<std::int16_t>(p);
        } else if (type.name == "i32") {
            out[i] = element<std::int32_t>(p);
        } else {
            out[i] = element<std::int64_t>(p);
        }
    }
    return out;
}

// Bitwise equality, any NaN equal to any NaN.
void expect_same(std::span<const float> got, const std::vector<float>& expected,
                 const std::string& what) {
    ASSERT_EQ(got.size(), expected.size()) << what;
    std::size_t differ = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
        const bool same =
            (std::isnan(got[i]) && std::isnan(expected[i])) ||
            std::bit_cast<std::uint32_t>(got[i]) == std::bit_cast<std::uint32_t>(expected[i]);
        if (!same && differ++ < 3) {
            ADD_FAILURE() << what << "[" << i << "]: " << got[i] << " != " << expected[i];
        }
    }
    EXPECT_EQ(differ, 0U) << what;
}

class GgufTypes : public ::testing::Test {
protected:
    void SetUp() override {
        folder_ =
            fs::temp_directory_path() /
            ("qs-gguf-types-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(folder_);
    }
    void TearDown() override { fs::remove_all(folder_); }
    std::string path(const std::string& name) const { return (folder_ / name).string(); }

    fs::path folder_;
};

TEST_F(GgufTypes, EveryTypeWrittenIsListedAndReadBack) {
    std::vector<GgufTensor> tensors;
    unsigned seed = 1;
    for (const GgmlType& type : ggml_types()) {
        tensors.push_back(random_tensor(type, 3, 2, seed++));
    }
    const std::string file = path("every_type.gguf");
    write_gguf(file, tensors, std::vector<std::pair<std::string, std::string>>{{"k", "v"}});
    const auto source = open_source(file);
    ASSERT_EQ(source->tensors().size(), tensors.size());
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        const GgmlType& type = *find_ggml_type(tensors[i].type);
        const TensorInfo& info = source->tensors()[i];
        EXPECT_EQ(info.name, type.name);
        EXPECT_EQ(info.shape, tensors[i].shape);
        EXPECT_EQ(info.bytes, static_cast<std::int64_t>(tensors[i].data.size()));
        ASSERT_TRUE(source->readable(i)) << type.name;
        if (type.dequantize != nullptr) {
            // Block types keep ggml's name, with their bits per weight in the note.
            EXPECT_EQ(info.dtype, type.name);
            EXPECT_EQ(source->note(i).rfind(std::string(type.name) + ": ", 0), 0U)
                << source->note(i);
            EXPECT_NE(source->note(i).find(" bits per weight"), std::string::npos);
        }
        const Tensor tensor = source->read(i);
        EXPECT_EQ(tensor.info.dtype, info.dtype);
        expect_same(tensor.values, expected_values(type, tensors[i].data), info.name);
    }
    EXPECT_EQ(source->tensors()[0].dtype, "float32");  // plain types: QuantScope's own names
}

TEST_F(GgufTypes, WriterReproducesTheFixtureMadeFromTheSpec) {
    // tests/data/io/ggml_types.gguf is built byte by byte by make_fixtures.py: a [2, block]
    // tensor of every block type, byte i of its data (i * 37 + id * 11) mod 256.
    std::vector<GgufTensor> tensors;
    for (const GgmlType& type : ggml_types()) {
        if (type.dequantize == nullptr) {
            continue;
        }
        std::vector<std::byte> data(2 * static_cast<std::size_t>(type.block_bytes));
        for (std::size_t i = 0; i < data.size(); ++i) {
            data[i] = static_cast<std::byte>((i * 37 + type.id * 11) % 256);
        }
        tensors.push_back({std::string(type.name), {2, type.block_elements}, type.id, data});
    }
    const auto fixture = test::file_bytes(test::fixture("ggml_types.gguf"));
    EXPECT_EQ(gguf_bytes(tensors, {}), fixture);
    const auto source = open_source(test::fixture("ggml_types.gguf"));
    ASSERT_EQ(source->tensors().size(), tensors.size());
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        EXPECT_EQ(source->tensors()[i].dtype, tensors[i].name);
        EXPECT_TRUE(source->readable(i));
        expect_same(source->read(i).values,
                    expected_values(*find_ggml_type(tensors[i].type), tensors[i].data),
                    tensors[i].name);
    }
}

TEST_F(GgufTypes, QuantizedTensorsReadBackAsDequantized) {
    // Quantize with ggml's reference quantizer, write the blocks, read the file: the values are
    // the blocks' dequantization, bit for bit.
    std::mt19937 rng(11);
    std::normal_distribution<float> gauss(0, 1);
    std::vector<GgufTensor> tensors;
    std::vector<std::vector<float>> expected;
    for (const GgmlType& type : ggml_types()) {
        if (type.quantize == nullptr) {
            continue;
        }
        const std::int64_t rows = 3;
        const std::int64_t blocks_per_row = 5;
        const auto blocks = static_cast<std::size_t>(rows * blocks_per_row);
        std::vector<float> x(blocks * static_cast<std::size_t>(type.block_elements));
        for (float& v : x) {
            v = gauss(rng);
        }
        std::vector<std::byte> data(blocks * static_cast<std::size_t>(type.block_bytes));
        type.quantize(x.data(), data.data(), blocks);
        tensors.push_back(
            {std::string(type.name), {rows, blocks_per_row * type.block_elements}, type.id, data});
        expected.push_back(expected_values(type, data));
    }
    ASSERT_EQ(tensors.size(), 12U);  // q4_0 q4_1 q5_0 q5_1 q8_0 q8_1 q2_K..q6_K iq4_nl
    const std::string file = path("quantized.gguf");
    write_gguf(file, tensors);
    const auto source = open_source(file);
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        expect_same(source->read(i).values, expected[i], tensors[i].name);
    }
}

TEST_F(GgufTypes, BitsPerWeightInTheNote) {
    const GgmlType& q4_k = *find_ggml_type("q4_K");
    const GgmlType& q6_k = *find_ggml_type("q6_K");
    const GgmlType& iq4_xs = *find_ggml_type("iq4_xs");
    const std::vector<GgufTensor> tensors{
        random_tensor(q4_k, 1, 1, 1), random_tensor(q6_k, 1, 1, 2), random_tensor(iq4_xs, 1, 1, 3)};
    const auto source = open_source_bytes("notes.gguf", gguf_bytes(tensors, {}));
    EXPECT_EQ(source->note(0), "q4_K: 4.5 bits per weight");
    EXPECT_EQ(source->note(1), "q6_K: 6.5625 bits per weight");
    EXPECT_EQ(source->note(2), "iq4_xs: 4.25 bits per weight");
    EXPECT_EQ(source->tensors()[0].bytes, 144);
}

TEST_F(GgufTypes, LargeTensorsDecodeAcrossThreads) {
    // Past the parallel threshold (2^19 values) and not a multiple of the worker count's chunks:
    // the chunks must start on block boundaries.
    for (const char* name : {"q4_K", "iq2_xxs", "q5_0"}) {
        const GgmlType& type = *find_ggml_type(name);
        const std::int64_t blocks = (std::int64_t{1} << 20) / type.block_elements + 3;
        const std::vector<GgufTensor> tensors{random_tensor(type, 1, blocks, 7)};
        const auto source = open_source_bytes("large.gguf", gguf_bytes(tensors, {}));
        expect_same(source->read(0).values, expected_values(type, tensors[0].data), name);
    }
}

// Where the u32 type id of tensor `name` sits in a file gguf_bytes made.
std::size_t type_field(const std::vector<std::byte>& bytes, const std::string& name,
                       std::size_t dims) {
    const auto* begin = reinterpret_cast<const char*>(bytes.data());
    const std::string_view text(begin, bytes.size());
    const std::size_t at = text.find(name);
    EXPECT_NE(at, std::string_view::npos);
    return at + name.size() + 4 + 8 * dims;
}

void put_u32(std::vector<std::byte>& bytes, std::size_t at, std::uint32_t value) {
    std::memcpy(bytes.data() + at, &value, 4);
}

void put_u64(std::vector<std::byte>& bytes, std::size_t at, std::uint64_t value) {
    std::memcpy(bytes.data() + at, &value, 8);
}

TEST_F(GgufTypes, UnknownTypeIdListsThatTensorOnly) {
    // A newer ggml's type (200 here) must not make the file fail: the tensor is listed with
    // its id, unreadable, and the tensors around it read as usual.
    const std::vector<float> a{1, 2, 3, 4};
    const std::vector<float> b{-1, -2};
    std::vector<GgufTensor> tensors{gguf_f32_tensor("a", {4}, a),
                                    random_tensor(*find_ggml_type("mxfp4"), 2, 1, 3),
                                    gguf_f32_tensor("b", {2}, b)};
    tensors[1].name = "newer";
    auto bytes = gguf_bytes(tensors, {});
    put_u32(bytes, type_field(bytes, "newer", 2), 200);
    const auto source = open_source_bytes("newer.gguf", bytes);
    ASSERT_EQ(source->tensors().size(), 3U);
    const std::size_t newer = *source->find("newer");
    EXPECT_FALSE(source->readable(newer));
    EXPECT_EQ(source->tensors()[newer].dtype, "ggml type 200");
    EXPECT_EQ(source->tensors()[newer].shape, (Shape{2, 32}));
    EXPECT_NE(source->note(newer).find("unknown ggml type 200"), std::string::npos);
    try {
        (void)source->read(newer);
        ADD_FAILURE() << "read an unknown type";
    } catch (const LoadError& error) {
        EXPECT_NE(std::string(error.what()).find("tensor 'newer': unknown ggml type 200"),
                  std::string::npos)
            << error.what();
    }
    test::expect_values(source->read("a"), {1, 2, 3, 4});
    test::expect_values(source->read("b"), {-1, -2});
}

// The LoadError message opening `bytes` gives ("" when it opens).
std::string open_error(const std::vector<std::byte>& bytes) {
    try {
        (void)open_source_bytes("hostile.gguf", bytes);
    } catch (const LoadError& error) {
        return error.what();
    }
    return "";
}

TEST_F(GgufTypes, HostileBlockTensors) {
    const GgmlType& q4_k = *find_ggml_type("q4_K");
    const std::vector<GgufTensor> one{random_tensor(q4_k, 2, 1, 5)};
    const auto good = gguf_bytes(one, {});
    ASSERT_EQ(open_error(good), "");
    // The tensor info starts at 24 (no metadata): name length, "q4_K", n_dims at 36, ne[0] at
    // 40, ne[1] at 48, type at 56, offset at 60.
    auto row = good;
    put_u64(row, 40, 255);
    EXPECT_NE(open_error(row).find(
                  "offset 36: tensor 'q4_K': q4_K needs ne[0] (255) to be a multiple of 256"),
              std::string::npos)
        << open_error(row);
    // More blocks claimed by the shape than the data holds: 2 rows of 144 bytes, the file cut
    // 1 byte short.
    auto cut = good;
    cut.pop_back();
    EXPECT_NE(open_error(cut).find("offset 24: tensor 'q4_K': data [0, +288) passes the end of "
                                   "the data section (287 bytes"),
              std::string::npos)
        << open_error(cut);
    // A shape claiming 2^40 rows: checked against the file, never allocated.
    auto huge = good;
    put_u64(huge, 48, std::uint64_t{1} << 40);
    EXPECT_NE(open_error(huge).find("passes the end of the data section"), std::string::npos)
        << open_error(huge);
    auto past = good;
    put_u64(past, 60, 1024);
    EXPECT_NE(open_error(past).find("offset 24: tensor 'q4_K': data [1024, +288) passes the end"),
              std::string::npos)
        << open_error(past);
}

TEST_F(GgufTypes, WriterRejectsWhatItCannotWrite) {
    const GgmlType& q8_0 = *find_ggml_type("q8_0");
    GgufTensor tensor = random_tensor(q8_0, 1, 1, 1);
    tensor.data.pop_back();
    EXPECT_THROW((void)gguf_bytes(std::span(&tensor, 1), {}), UsageError);  // data size
    GgufTensor row = random_tensor(q8_0, 1, 1, 1);
    row.shape = {2, 16};
    EXPECT_THROW((void)gguf_bytes(std::span(&row, 1), {}), UsageError);  // half a block a row
    GgufTensor unknown = random_tensor(q8_0, 1, 1, 1);
    unknown.type = 31;
    EXPECT_THROW((void)gguf_bytes(std::span(&unknown, 1), {}), UsageError);
    const std::vector<GgufTensor> twice{random_tensor(q8_0, 1, 1, 1), random_tensor(q8_0, 1, 1, 2)};
    EXPECT_THROW((void)gguf_bytes(twice, {}), UsageError);
    const std::vector<float> three{1, 2, 3};
    EXPECT_THROW((void)gguf_f32_tensor("t", {2, 2}, three), UsageError);
    EXPECT_THROW(write_gguf(path("missing/folder/t.gguf"), twice), Error);
}

TEST_F(GgufTypes, WriterKeepsShapeAndMetadata) {
    const std::vector<float> values{1, 2, 3, 4, 5, 6};
    const std::vector<GgufTensor> tensors{gguf_f32_tensor("w", {2, 3}, values),
                                          gguf_f32_tensor("s", {}, std::span(values).first(1))};
    const std::string file = path("meta.gguf");
    write_gguf(file, tensors,
               std::vector<std::pair<std::string, std::string>>{{"general.name", "x"}});
    const auto source = open_source(file);
    EXPECT_EQ(source->tensors()[0].shape, (Shape{2, 3}));
    EXPECT_EQ(source->tensors()[1].shape, Shape{});
    test::expect_values(source->read("w"), {1, 2, 3, 4, 5, 6});
    test::expect_values(source->read("s"), {1});
    bool found = false;
    for (const auto& [key, value] : source->metadata()) {
        found = found || (key == "general.name" && value == "x");
    }
    EXPECT_TRUE(found);
}

}  // namespace
}  // namespace quantscope
