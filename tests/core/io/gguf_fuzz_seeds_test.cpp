// The GGUF fuzzer's seeds (tests/data/fuzz/gguf, copied into its corpus by
// scripts/run-fuzzers.sh): one small valid file per ggml block type, so that the fuzzer starts
// from every type's decoder and its mutations stay within one type's blocks. Each file holds one
// [2, block] tensor named as the type: two blocks of ggml's reference quantizer on a ramp where
// the type has one, else bytes (37 i + 11 id) mod 256. The files are write_gguf's output, so
// this test also rebuilds each from that definition and compares; run it with
// QUANTSCOPE_WRITE_FUZZ_SEEDS=1 to write them after a type is added.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "io_test_support.h"
#include "quantscope/formats/ggml_types.h"
#include "quantscope/io/gguf_writer.h"
#include "quantscope/io/source.h"

namespace quantscope {
namespace {

GgufTensor seed_tensor(const GgmlType& type) {
    const auto block = static_cast<std::size_t>(type.block_elements);
    std::vector<std::byte> data(2 * static_cast<std::size_t>(type.block_bytes));
    if (type.quantize != nullptr) {
        std::vector<float> x(2 * block);
        for (std::size_t i = 0; i < x.size(); ++i) {
            x[i] = static_cast<float>(static_cast<int>(i * 37 % 61) - 30) / 16;
        }
        type.quantize(x.data(), data.data(), 2);
    } else {
        for (std::size_t i = 0; i < data.size(); ++i) {
            data[i] = static_cast<std::byte>((i * 37 + type.id * 11) % 256);
        }
    }
    return {std::string(type.name), {2, type.block_elements}, type.id, data};
}

TEST(GgufFuzzSeeds, EveryBlockTypeHasASeedThatDecodes) {
    const std::string folder = std::string(QUANTSCOPE_TEST_DATA_DIR) + "/fuzz/gguf";
    const bool write = std::getenv("QUANTSCOPE_WRITE_FUZZ_SEEDS") != nullptr;
    int seeds = 0;
    for (const GgmlType& type : ggml_types()) {
        if (type.dequantize == nullptr) {
            continue;  // the plain types: the loader's own dtypes, seeded by model.gguf
        }
        const std::string path = folder + "/" + std::string(type.name) + ".gguf";
        const std::vector<GgufTensor> tensors{seed_tensor(type)};
        if (write) {
            std::filesystem::create_directories(folder);
            write_gguf(path, tensors);
        }
        ASSERT_TRUE(std::filesystem::exists(path)) << "no fuzzing seed for " << type.name;
        EXPECT_EQ(test::file_bytes(path), gguf_bytes(tensors, {})) << path;
        const auto source = open_source(path);
        ASSERT_EQ(source->tensors().size(), 1u) << path;
        EXPECT_EQ(source->tensors()[0].dtype, type.name);
        ASSERT_TRUE(source->readable(0)) << path;
        const Tensor t = source->read(0);
        std::vector<float> expected(2 * static_cast<std::size_t>(type.block_elements));
        type.dequantize(tensors[0].data.data(), expected.data(), 2);
        ASSERT_EQ(t.values.size(), expected.size()) << path;
        for (std::size_t i = 0; i < expected.size(); ++i) {
            ASSERT_TRUE(t.values[i] == expected[i] ||
                        (std::isnan(t.values[i]) && std::isnan(expected[i])))
                << type.name << " value " << i;
        }
        ++seeds;
    }
    // Every block type ggml has a dequantizer for, q4_0 to mxfp4.
    EXPECT_EQ(seeds, 24);
}

}  // namespace
}  // namespace quantscope
