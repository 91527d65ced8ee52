// The memory calculator and the storage rule it shares with quantize().

#include "quantscope/quant/memory_estimate.h"

#include <gtest/gtest.h>

#include <numeric>
#include <string>
#include <vector>

#include "quantscope/quant/quantizer.h"
#include "quantscope/quant/storage.h"

namespace quantscope {
namespace {

QuantConfig config(const char* format, const char* granularity = "tensor",
                   Scheme scheme = Scheme::Symmetric) {
    QuantConfig c;
    apply_format(c, format);
    if (std::string(granularity) != "tensor") {
        c.granularity = parse_granularity(granularity);
    }
    if (c.format.kind() == FormatKind::Integer) {
        c.scheme = scheme;
    }
    return c;
}

QuantConfig direct(const char* format) {
    QuantConfig c = config(format);
    c.scheme = Scheme::Direct;
    return c;
}

constexpr std::int64_t k8B = 8'000'000'000;

// The figures: 8e9 parameters take 32 / 16 / 8 / 4 GB (1 GB = 1e9 bytes) as FP32, a
// 16-bit format, an 8-bit and a 4-bit one, before scales.
TEST(MemoryEstimate, EightBillionParametersByWidth) {
    EXPECT_EQ(weight_memory(k8B, 4096, direct("fp32")).value_bytes, 32'000'000'000);
    EXPECT_EQ(weight_memory(k8B, 4096, direct("bf16")).value_bytes, 16'000'000'000);
    EXPECT_EQ(weight_memory(k8B, 4096, config("int8")).value_bytes, 8'000'000'000);
    EXPECT_EQ(weight_memory(k8B, 4096, config("int4")).value_bytes, 4'000'000'000);
    // Direct rounding stores no scale; per tensor one FP32 scale.
    EXPECT_EQ(weight_memory(k8B, 4096, direct("fp32")).scale_bytes, 0);
    EXPECT_EQ(weight_memory(k8B, 4096, config("int8")).scale_bytes, 4);
}

// Scales per group, worked out by hand for 8e9 parameters in rows of 4096:
//   int4 block:32: one FP32 scale per 32 values = 1 bit per value = 1e9 bytes, a fifth of 5e9;
//   mxfp4: one E8M0 byte per 32 values = 8e9 / 32 = 250e6 bytes;
//   nvfp4: one E4M3 byte per 16 values = 500e6 bytes, plus the FP32 tensor scale (4 bytes);
//   nf4: one FP32 absmax per 64 values = 500e6 bytes;
//   int8 per channel: 8e9 / 4096 = 1,953,125 rows, 4 bytes each = 7,812,500 bytes;
//   int8 affine per channel: and a K-bit zero point per row, 1,953,125 bytes more.
TEST(MemoryEstimate, ScalesAndTheirShare) {
    const WeightMemory int4 = weight_memory(k8B, 4096, config("int4", "block:32"));
    EXPECT_EQ(int4.scale_bytes, 1'000'000'000);
    EXPECT_DOUBLE_EQ(int4.scale_share(), 0.2);
    EXPECT_EQ(weight_memory(k8B, 4096, config("mxfp4")).scale_bytes, 250'000'000);
    EXPECT_EQ(weight_memory(k8B, 4096, config("nvfp4")).scale_bytes, 500'000'004);
    EXPECT_EQ(weight_memory(k8B, 4096, config("nf4")).scale_bytes, 500'000'000);
    EXPECT_EQ(weight_memory(k8B, 4096, config("int8", "channel")).scale_bytes, 7'812'500);
    EXPECT_EQ(weight_memory(k8B, 4096, config("int8", "channel", Scheme::Affine)).scale_bytes,
              7'812'500 + 1'953'125);
}

// A count that is not a whole number of rows: the last row is short and its last block too.
// 10,000 values in rows of 4096: 2 full rows of 128 blocks of 32, then 1808 values in 57 blocks.
TEST(MemoryEstimate, AShortLastRow) {
    EXPECT_EQ(weight_memory(10'000, 4096, config("int4", "block:32")).scale_bytes,
              (2 * 128 + 57) * 4);
    EXPECT_EQ(weight_memory(10'000, 4096, config("int8", "channel")).scale_bytes, 3 * 4);
    EXPECT_EQ(weight_memory(10'000, 4096, config("int8")).scale_bytes, 4);
}

// Mixed precision with Adam: 4 + 2 + 2 + 8 = 16 bytes per parameter; 8-bit Adam keeps each
// moment in one byte plus an FP32 absmax per block of 2048: 8e9 / 2048 = 3,906,250 blocks.
TEST(MemoryEstimate, Training) {
    const TrainingMemory fp32 = training_memory(k8B, OptimizerStates::Fp32Adam);
    EXPECT_EQ(fp32.total(), 16 * k8B);
    EXPECT_EQ(fp32.master_weights, 4 * k8B);
    EXPECT_EQ(fp32.optimizer, 8 * k8B);
    const TrainingMemory eight = training_memory(k8B, OptimizerStates::EightBitAdam);
    EXPECT_EQ(eight.optimizer, 2 * k8B + 2 * 4 * 3'906'250);
    EXPECT_EQ(eight.total(), 10 * k8B + 31'250'000);
}

// The calculator counts storage exactly as quantize() does on real tensors, for every kind of
// granularity and block format, including short tails and per channel on either axis.
TEST(MemoryEstimate, AgreesWithQuantizeOnEveryGranularity) {
    const std::vector<Shape> shapes{{96, 40}, {7, 5, 33}, {1000}, {3, 64}};
    std::vector<QuantConfig> configs{config("int8"),
                                     config("int8", "channel"),
                                     config("int8", "channel:-1"),
                                     config("int4", "block:32", Scheme::Affine),
                                     config("int4", "block:7"),
                                     config("fp8_e4m3", "block:16"),
                                     direct("bf16"),
                                     config("mxfp4"),
                                     config("mxint8"),
                                     config("nvfp4"),
                                     config("nf4")};
    for (const Shape& shape : shapes) {
        const std::int64_t n =
            std::accumulate(shape.begin(), shape.end(), std::int64_t{1}, std::multiplies<>());
        std::vector<float> values(static_cast<std::size_t>(n));
        for (std::size_t i = 0; i < values.size(); ++i) {
            values[i] = static_cast<float>(static_cast<double>(i % 17) - 8.5);
        }
        for (const QuantConfig& c : configs) {
            if (!granularity_problem(c.granularity, shape).empty()) {
                continue;
            }
            const QuantResult r = quantize(values, shape, c);
            const std::string what = describe(c) + " on " + std::to_string(shape.size()) + "-D";
            EXPECT_EQ(static_cast<std::int64_t>(r.groups.size()), group_count(shape, c)) << what;
            const WeightMemory m = weight_memory(std::vector<Shape>{shape}, c);
            EXPECT_EQ(m.total(), r.storage.bytes) << what;
            EXPECT_EQ(m.scale_bytes, r.storage.scale_bytes) << what;
        }
    }
}

TEST(MemoryEstimate, PresetsAreTheSizesTheyName) {
    ASSERT_EQ(model_size_presets().size(), 4u);
    EXPECT_EQ(model_size_presets()[1].name, "8B");
    EXPECT_EQ(model_size_presets()[1].parameters, k8B);
    EXPECT_EQ(model_size_presets()[3].parameters, 405'000'000'000);
}

}  // namespace
}  // namespace quantscope
