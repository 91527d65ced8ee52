// Strided samples (Source::read with ReadOptions::stride): for every loader, a sample of every
// k-th value equals the whole read taken k at a time, bit for bit; a broken file fails the
// sample as it fails the whole read; and sampling a large tensor holds the sample, not the
// tensor.
#include <gtest/gtest.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>

#include <bit>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "io_test_support.h"
#include "quantscope/common/cancel.h"
#include "quantscope/common/error.h"
#include "quantscope/formats/ggml_types.h"
#include "quantscope/io/gguf_writer.h"
#include "quantscope/io/load_error.h"
#include "quantscope/io/source.h"

namespace quantscope {
// Not anonymous: the suite compiles in unity batches with other files' helpers.
namespace strided_test {

namespace fs = std::filesystem;
using test::append;
using test::append_le;
using test::fixture;
using test::kSanitized;
using test::npy_bytes;
using test::reset_peak_resident;
using test::status_kb;
using test::TempFolder;
using test::write_file;

std::vector<std::byte> random_bytes(std::size_t count, std::uint32_t seed) {
    std::mt19937 random(seed);
    std::vector<std::byte> bytes(count);
    for (auto& b : bytes) {
        b = static_cast<std::byte>(random() & 0xFF);
    }
    return bytes;
}

// A safetensors file of one tensor.
std::vector<std::byte> safetensors_bytes(const std::string& dtype, const std::string& shape,
                                         const std::vector<std::byte>& data) {
    const std::string header = "{\"t\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape +
                               ",\"data_offsets\":[0," + std::to_string(data.size()) + "]}}";
    std::vector<std::byte> out;
    append_le<std::uint64_t>(out, header.size());
    append(out, header);
    out.insert(out.end(), data.begin(), data.end());
    return out;
}

// A zip of one member `name`, deflated.
std::vector<std::byte> deflated_zip(const std::string& name, const std::vector<std::byte>& data) {
    return test::zip_bytes({{name, data}}, true);
}

std::uint32_t bits_of(float value) {
    return std::bit_cast<std::uint32_t>(value);
}

// Every readable tensor of `spec`, sampled at each stride, against the whole read.
void expect_samples_match(const std::string& spec, bool memory_map = true) {
    SCOPED_TRACE(spec + (memory_map ? "" : " (pread)"));
    const auto source = open_source(spec, SourceOptions{.memory_map = memory_map});
    std::size_t read = 0;
    for (std::size_t index = 0; index < source->tensors().size(); ++index) {
        if (!source->readable(index)) {
            continue;
        }
        ++read;
        const Tensor whole = source->read(index);
        const std::int64_t n = whole.info.count;
        for (const std::int64_t k :
             {std::int64_t{2}, std::int64_t{3}, std::int64_t{7}, std::int64_t{31}, std::int64_t{32},
              std::int64_t{33}, std::int64_t{255}, std::int64_t{256}, std::int64_t{257},
              std::int64_t{4099}, std::int64_t{100'003}, std::max<std::int64_t>(1, n), n + 1}) {
            SCOPED_TRACE(whole.info.name + " k=" + std::to_string(k));
            if (k < 1) {
                continue;
            }
            const Tensor sample = source->read(index, ReadOptions{k, {}});
            const auto expected = static_cast<std::size_t>(n == 0 ? 0 : (n - 1) / k + 1);
            ASSERT_EQ(sample.values.size(), expected);
            EXPECT_EQ(sample.info.name, whole.info.name);
            EXPECT_EQ(sample.info.dtype, whole.info.dtype);
            if (k > 1) {
                EXPECT_EQ(sample.info.shape, (Shape{static_cast<std::int64_t>(expected)}));
                EXPECT_EQ(sample.info.count, static_cast<std::int64_t>(expected));
            }
            for (std::size_t j = 0; j < expected; ++j) {
                const float want = whole.values[j * static_cast<std::size_t>(k)];
                if (bits_of(sample.values[j]) != bits_of(want)) {
                    ADD_FAILURE() << "value " << j << " (element "
                                  << j * static_cast<std::size_t>(k) << "): " << sample.values[j]
                                  << " != " << want;
                    break;
                }
            }
        }
        // Stride 1 is the whole read, in its shape.
        const Tensor one = source->read(index, ReadOptions{1, {}});
        EXPECT_EQ(one.info.shape, whole.info.shape);
        ASSERT_EQ(one.values.size(), whole.values.size());
        if (!whole.values.empty()) {  // memcmp's pointers must not be null, even for 0 bytes
            EXPECT_EQ(std::memcmp(one.values.data(), whole.values.data(), 4 * whole.values.size()),
                      0);
        }
    }
    EXPECT_GT(read, 0U);
}

// The stored fixtures of every loader, each tensor of each.
TEST(StridedRead, EveryFixtureSamplesAsItsWholeReadTakenKAtATime) {
    for (const char* name : {"f32_2x3.npy",
                             "f16.npy",
                             "f64_be.npy",
                             "fortran.npy",
                             "int_be_i2.npy",
                             "int_be_u4.npy",
                             "int_i1.npy",
                             "int_le_i8.npy",
                             "bool.npy",
                             "scalar.npy",
                             "empty.npy",
                             "v2.npy",
                             "v3.npy",
                             "stored.npz",
                             "deflated.npz",
                             "deflated_ramp.npz",
                             "model.safetensors",
                             "sharded.safetensors.index.json",
                             "model.gguf",
                             "ggml_types.gguf",
                             "model.onnx",
                             "pcm8.wav",
                             "pcm16.wav",
                             "pcm24.wav",
                             "pcm32.wav",
                             "float32.wav",
                             "extensible.wav",
                             "table.csv",
                             "column.txt"}) {
        expect_samples_match(fixture(name));
        expect_samples_match(fixture(name), false);
    }
    expect_samples_match("raw:" + fixture("raw_be_i16.bin") + "?dtype=int16&endian=big");
    expect_samples_match("gen:gaussian:n=1000,seed=3");
}

// Tensors large enough to span several read windows (8 MB) and many blocks, in the types whose
// sampling decodes something other than whole elements: 16-bit floats, sub-byte elements, ggml
// blocks, column-major order, a deflated stream.
TEST(StridedRead, LargeTensorsOfEveryPackingSampleAsTheirWholeRead) {
    TempFolder folder;
    // float16 and bfloat16: 6M values, 12 MB.
    const auto half = random_bytes(std::size_t{12} << 20, 1);
    write_file(folder.file("half.npy"), npy_bytes("<f2", false, "(3000, 2097)", [&] {
                   return std::vector<std::byte>(half.begin(), half.begin() + 3000 * 2097 * 2);
               }()));
    write_file(folder.file("bf16.safetensors"), safetensors_bytes("BF16", "[6291456]", half));
    // Column-major int16, big-endian, three axes.
    write_file(folder.file("fortran.npy"),
               npy_bytes(">i2", true, "(301, 97, 211)",
                         std::vector<std::byte>(half.begin(), half.begin() + 301 * 97 * 211 * 2)));
    // 4-bit and 6-bit floats.
    write_file(folder.file("f4.safetensors"), safetensors_bytes("F4", "[9000002]", [&] {
                   return std::vector<std::byte>(half.begin(), half.begin() + 4500001);
               }()));
    write_file(folder.file("f6.safetensors"), safetensors_bytes("F6_E2M3", "[4000000]", [&] {
                   return std::vector<std::byte>(half.begin(), half.begin() + 3000000);
               }()));
    // ggml blocks: q4_K (256 values in 144 bytes), q8_0 (32 in 34); random scales may be NaN,
    // which compares bit for bit.
    std::vector<GgufTensor> gguf;
    for (const char* type_name : {"q4_K", "q8_0", "q6_K", "f16"}) {
        const GgmlType& type = *find_ggml_type(type_name);
        const std::int64_t rows = 97;
        const std::int64_t columns = type.block_elements * 257;
        const auto bytes =
            static_cast<std::size_t>(rows * columns / type.block_elements * type.block_bytes);
        gguf.push_back({type_name, {rows, columns}, type.id, random_bytes(bytes, 7)});
    }
    write_gguf(folder.file("blocks.gguf"), gguf);
    // Raw q4_0 and int4, the last window partial.
    write_file(folder.file("q4_0.bin"),
               std::vector<std::byte>(half.begin(), half.begin() + 18 * 500'001));
    // A deflated npz member of 3M float32 (12 MB): several inflated pieces.
    write_file(folder.file("deflated.npz"),
               deflated_zip("big.npy", npy_bytes("<f4", false, "(3145728,)", half)));

    for (const bool map : {true, false}) {
        expect_samples_match(folder.file("half.npy"), map);
        expect_samples_match(folder.file("bf16.safetensors"), map);
        expect_samples_match(folder.file("fortran.npy"), map);
        expect_samples_match(folder.file("f4.safetensors"), map);
        expect_samples_match(folder.file("f6.safetensors"), map);
        expect_samples_match(folder.file("blocks.gguf"), map);
        expect_samples_match("raw:" + folder.file("q4_0.bin") + "?dtype=q4_0", map);
        expect_samples_match("raw:" + folder.file("q4_0.bin") + "?dtype=int4", map);
        expect_samples_match(folder.file("deflated.npz"), map);
    }
}

TEST(StridedRead, EdgeCases) {
    const auto source = open_source(fixture("f32_2x3.npy"));
    // A stride past the end: the first value alone.
    const Tensor first = source->read(0, ReadOptions{1000, {}});
    EXPECT_EQ(first.info.shape, (Shape{1}));
    EXPECT_EQ(first.values.size(), 1U);
    EXPECT_EQ(first.values[0], source->read(0).values[0]);
    // An empty tensor: an empty sample.
    const auto empty = open_source(fixture("empty.npy"));
    EXPECT_EQ(empty->read(0, ReadOptions{5, {}}).values.size(), 0U);
    EXPECT_EQ(empty->read(0, ReadOptions{5, {}}).info.shape, (Shape{0}));
    // Strides below 1 are refused.
    EXPECT_THROW((void)source->read(0, ReadOptions{0, {}}), UsageError);
    EXPECT_THROW((void)source->read(0, ReadOptions{-3, {}}), UsageError);
    // The sample's bytes are the stored bytes of the values it holds.
    EXPECT_EQ(source->read(0, ReadOptions{2, {}}).info.bytes, 12);
}

TEST(StridedRead, ProgressRisesToOneAndCancelStops) {
    TempFolder folder;
    const auto bytes = random_bytes(std::size_t{40} << 20, 5);
    write_file(folder.file("big.safetensors"), safetensors_bytes("F32", "[10485760]", bytes));
    const auto source = open_source(folder.file("big.safetensors"));
    std::vector<double> seen;
    (void)source->read(0, ReadOptions{3, [&seen](double done) { seen.push_back(done); }});
    ASSERT_GE(seen.size(), 3U);
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
    EXPECT_EQ(seen.back(), 1.0);
    std::atomic<bool> cancel{false};
    const CancelScope scope(&cancel);
    EXPECT_THROW((void)source->read(0, ReadOptions{3,
                                                   [&cancel](double done) {
                                                       if (done > 0.2) {
                                                           cancel = true;
                                                       }
                                                   }}),
                 Cancelled);
}

// A corrupt deflated member fails the sample with the whole read's message (file, offset,
// problem): the sample streams through the same inflater and its checks.
TEST(StridedRead, ACorruptOrTruncatedFileFailsTheSampleAsTheWholeRead) {
    const auto original = test::file_bytes(fixture("deflated_ramp.npz"));
    const auto u16 = [&](std::size_t at) {
        return static_cast<std::size_t>(original[at]) |
               (static_cast<std::size_t>(original[at + 1]) << 8);
    };
    const std::size_t data = 30 + u16(26) + u16(28);
    int failures = 0;
    for (std::size_t at = data + 40; at < original.size() - 200; at += 97) {
        auto bytes = original;
        bytes[at] ^= std::byte{0x5A};
        std::unique_ptr<Source> source;
        try {
            source = open_source_bytes("corrupt.npz", bytes);
        } catch (const LoadError&) {
            continue;  // the header itself broke: nothing to read
        }
        std::string whole;
        std::string sample;
        try {
            (void)source->read(0);
        } catch (const LoadError& error) {
            whole = error.what();
        }
        try {
            (void)source->read(0, ReadOptions{7, {}});
        } catch (const LoadError& error) {
            sample = error.what();
        }
        EXPECT_EQ(sample, whole) << "byte " << at;
        failures += whole.empty() ? 0 : 1;
    }
    EXPECT_GT(failures, 10);

    // Truncated: the external data of an ONNX model cut in half.
    TempFolder folder;
    const std::string model = folder.file("model.onnx");
    fs::copy_file(fixture("model.onnx"), model);
    auto external = test::file_bytes(fixture("onnx_external.bin"));
    external.resize(external.size() / 2);
    write_file(folder.file("onnx_external.bin"), external);
    const auto onnx = open_source(model);
    int external_failures = 0;
    for (std::size_t i = 0; i < onnx->tensors().size(); ++i) {
        if (!onnx->readable(i)) {
            continue;
        }
        std::string whole;
        std::string sample;
        try {
            (void)onnx->read(i);
        } catch (const LoadError& error) {
            whole = error.what();
        }
        try {
            (void)onnx->read(i, ReadOptions{2, {}});
        } catch (const LoadError& error) {
            sample = error.what();
        }
        EXPECT_EQ(sample, whole) << onnx->tensors()[i].name;
        external_failures += whole.empty() ? 0 : 1;
    }
    EXPECT_GT(external_failures, 0);
}

// A stored npz member's sample checks the member's CRC-32 as the member streams past: a corrupt
// byte fails the sample with the whole read's message, whether the sample holds its element or
// not.
TEST(StridedRead, AStoredNpzMembersSampleChecksItsCrc) {
    constexpr std::size_t kCount = 100'000;
    std::vector<std::byte> data(kCount * sizeof(float));
    for (std::size_t i = 0; i < kCount; ++i) {
        const float value = static_cast<float>(i) * 0.25f;
        std::memcpy(data.data() + i * sizeof(float), &value, sizeof(float));
    }
    const auto npy = npy_bytes("<f4", false, "(" + std::to_string(kCount) + ",)", data);
    const auto zip = test::zip_bytes({{"x.npy", npy}}, false);
    const std::size_t first_value = 30 + 5 + (npy.size() - data.size());
    {
        TempFolder folder;
        write_file(folder.file("x.npz"), zip);
        expect_samples_match(folder.file("x.npz"));
        expect_samples_match(folder.file("x.npz"), false);
    }
    // Element 0 (in every sample) and element 50,001 (in none of stride 2's, 7's or 1000's).
    for (const std::size_t element : {std::size_t{0}, std::size_t{50'001}}) {
        auto bytes = zip;
        bytes[first_value + element * sizeof(float) + 1] ^= std::byte{0x5A};
        const auto source = open_source_bytes("corrupt.npz", bytes);
        std::string whole;
        try {
            (void)source->read(0);
        } catch (const LoadError& error) {
            whole = error.what();
        }
        EXPECT_NE(whole.find("fails its CRC-32 check"), std::string::npos) << whole;
        for (const std::int64_t k : {2, 7, 1000}) {
            std::string sample;
            try {
                (void)source->read(0, ReadOptions{k, {}});
            } catch (const LoadError& error) {
                sample = error.what();
            }
            EXPECT_EQ(sample, whole) << "element " << element << ", k=" << k;
        }
    }
}

// ONNX typed fields (float_data, ...) are read in order and only the sample kept: a 64 MB
// tensor's sample holds the sample and a bounded piece, neither the tensor laid out whole nor
// every mapped page of its field.
TEST(StridedRead, AnOnnxTypedFieldsSampleHoldsTheSampleNotTheTensor) {
    TempFolder folder;
    // Small enough for every stride, large enough for several pieces and release windows.
    std::vector<float> values(std::size_t{3} << 20);
    for (std::size_t i = 0; i < values.size(); ++i) {
        values[i] = static_cast<float>(i % 4093) - 2000.5f;
    }
    write_file(folder.file("typed.onnx"), test::onnx_float_model({{"w", values}}, true));
    expect_samples_match(folder.file("typed.onnx"));
    expect_samples_match(folder.file("typed.onnx"), false);

    values.resize(std::size_t{16} << 20);
    for (std::size_t i = 0; i < values.size(); ++i) {
        values[i] = static_cast<float>(i);
    }
    write_file(folder.file("large.onnx"), test::onnx_float_model({{"w", values}}, true));
    values = {};
    if (kSanitized) {
        GTEST_SKIP() << "sanitizers change what an allocation costs";
    }
    const auto source = open_source(folder.file("large.onnx"));
    ::malloc_trim(0);
    if (!reset_peak_resident()) {
        GTEST_SKIP() << "cannot reset VmHWM through /proc/self/clear_refs";
    }
    const long before_kb = status_kb("VmRSS");
    const Tensor sample = source->read(0, ReadOptions{100, {}});
    const long growth_mb = (status_kb("VmHWM") - before_kb) / 1024;
    ASSERT_EQ(sample.values.size(), (std::size_t{16} << 20) / 100 + 1);
    EXPECT_EQ(sample.values[12345], 1234500.0f);
    std::printf("sampling 64 MB of float_data every 100th value: peak grew by %ld MB\n", growth_mb);
    EXPECT_LT(growth_mb, 32) << "the sample is 0.7 MB, the tensor 64 MB";
}

// A 400 MB tensor sampled every 100th value: the resident set grows by the 4 MB sample and a
// window or two, not by the tensor (mapped pages are released as the read moves on; pread reads
// bounded windows).
TEST(StridedRead, SamplingALargeTensorHoldsTheSampleNotTheTensor) {
    TempFolder folder;
    const std::string path = folder.file("large.npy");
    constexpr std::size_t kValues = std::size_t{100} << 20;  // 400 MB of float32
    {
        std::vector<std::byte> header =
            npy_bytes("<f4", false, "(" + std::to_string(kValues) + ",)", {});
        std::ofstream out(path, std::ios::binary);
        out.write(reinterpret_cast<const char*>(header.data()),
                  static_cast<std::streamsize>(header.size()));
        std::vector<float> chunk(std::size_t{1} << 20);
        for (std::size_t done = 0; done < kValues; done += chunk.size()) {
            for (std::size_t i = 0; i < chunk.size(); ++i) {
                chunk[i] = static_cast<float>(done + i);
            }
            out.write(reinterpret_cast<const char*>(chunk.data()),
                      static_cast<std::streamsize>(chunk.size() * sizeof(float)));
        }
    }
    if (kSanitized) {
        GTEST_SKIP() << "sanitizers change what an allocation costs";
    }
    for (const bool map : {true, false}) {
        SCOPED_TRACE(map ? "mmap" : "pread");
        const auto source = open_source(path, SourceOptions{.memory_map = map});
        ::malloc_trim(0);
        if (!reset_peak_resident()) {
            GTEST_SKIP() << "cannot reset VmHWM through /proc/self/clear_refs";
        }
        const long before_kb = status_kb("VmRSS");
        const Tensor sample = source->read(0, ReadOptions{100, {}});
        const long peak_kb = status_kb("VmHWM");
        ASSERT_EQ(sample.values.size(), kValues / 100);
        EXPECT_EQ(sample.values[12345], 1234500.0f);
        const long growth_mb = (peak_kb - before_kb) / 1024;
        std::printf("sampling 400 MB every 100th value (%s): peak grew by %ld MB\n",
                    map ? "mmap" : "pread", growth_mb);
        EXPECT_LT(growth_mb, 40) << "the sample is 4 MB, the tensor 400 MB";
    }
}

}  // namespace strided_test
}  // namespace quantscope
