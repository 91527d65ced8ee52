// Float, lookup and block-scaled configs: agreement with the scalar reference on every element,
// hand-computed MX and NVFP4 blocks, NF4, special values, storage and config checks.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "quantscope/common/error.h"
#include "quantscope/common/generators.h"
#include "quantscope/quant/quantizer.h"

namespace quantscope {
namespace {

QuantConfig config_named(std::string_view format, Rounding rounding = Rounding::NearestEven) {
    QuantConfig c;
    apply_format(c, format);
    c.rounding = rounding;
    return c;
}

std::vector<float> gaussian(std::size_t n, std::uint32_t seed, float std = 1.0f) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> g(0.0f, std);
    std::vector<float> v(n);
    for (float& x : v) {
        x = g(rng);
    }
    return v;
}

// The group of element i for a [rows, cols] tensor under the config's granularity.
std::size_t group_of(std::size_t i, std::size_t cols, const Granularity& g) {
    switch (g.kind) {
        case Granularity::Kind::Tensor:
            return 0;
        case Granularity::Kind::Channel:
            return g.axis == 0 ? i / cols : i % cols;
        case Granularity::Kind::Block: {
            const std::size_t per_row =
                (cols + static_cast<std::size_t>(g.block) - 1) / static_cast<std::size_t>(g.block);
            return (i / cols) * per_row + (i % cols) / static_cast<std::size_t>(g.block);
        }
    }
    return 0;
}

TEST(ScaledFormats, EveryElementMatchesTheScalarReference) {
    const std::size_t rows = 48;
    const std::size_t cols = 72;  // not a multiple of 32 or 16: short last blocks
    std::vector<float> x = gaussian(rows * cols, 11);
    x[5] = 40.0f;  // an outlier
    x[100] = 1e-30f;
    const std::vector<std::int64_t> shape{static_cast<std::int64_t>(rows),
                                          static_cast<std::int64_t>(cols)};
    const char* formats[] = {"fp8_e4m3",     "fp8_e5m2", "fp6_e2m3", "fp6_e3m2",   "fp4_e2m1",
                             "fp8_e4m3fnuz", "nf4",      "mxfp4",    "mxfp8_e4m3", "mxfp6_e3m2",
                             "mxint8",       "nvfp4",    "bf16",     "fp16",       "e3m4_fn"};
    for (const char* name : formats) {
        for (Rounding r : {Rounding::NearestEven, Rounding::NearestAway, Rounding::TowardZero,
                           Rounding::Stochastic}) {
            std::vector<QuantConfig> configs{config_named(name, r)};
            if (configs[0].block_scaling == BlockScaling::None) {
                for (const char* g : {"tensor", "channel:0", "channel:1", "block:32"}) {
                    QuantConfig c = configs[0];
                    c.granularity = parse_granularity(g);
                    configs.push_back(c);
                }
            }
            for (const QuantConfig& c : configs) {
                const QuantResult result = quantize(x, shape, c);
                for (std::size_t i = 0; i < x.size(); ++i) {
                    const GroupParameters& g = result.groups[group_of(i, cols, c.granularity)];
                    const float expected = quantize_value_reference(x[i], g, c, i);
                    ASSERT_EQ(result.dequantized[i], expected)
                        << describe(c) << " element " << i << " x " << x[i];
                }
                const MetricSums reference =
                    reference_metric_sums(x, result.dequantized, -1e30, 1e30);
                EXPECT_NEAR(result.metrics.mse, reference.sum_e2 / static_cast<double>(x.size()),
                            1e-6 * result.metrics.mse + 1e-12)
                    << describe(c);
            }
        }
    }
}

// Aligned short blocks (rows a multiple of the block) are calibrated by the quantize pass, a
// window at a time; other layouts in a pass of their own. The same block values must get the
// same parameters and the same Q(x) either way: rows of 2 blocks (aligned), and the same rows
// with a short third block of tiny values (not aligned; the tensor's absmax, which NVFP4's
// tensor scale depends on, is unchanged). With all-zero, subnormal, NaN and Inf blocks, and
// enough rows to split across the cores.
TEST(ScaledFormats, BlocksCalibratedInTheQuantizePassEqualASeparatePass) {
    for (const char* name : {"mxfp4", "mxfp8_e4m3", "mxint8", "nvfp4", "nf4", "fp8_e4m3"}) {
        QuantConfig c = config_named(name);
        if (c.block_scaling == BlockScaling::None && c.format.kind() != FormatKind::Lookup) {
            c.granularity = parse_granularity("block:32");
        }
        const auto block = static_cast<std::size_t>(c.granularity.block);
        const std::size_t rows = 8200;
        const std::size_t aligned_cols = 2 * block;
        const std::size_t cols = aligned_cols + 8;
        std::vector<float> a = gaussian(rows * aligned_cols, 5);
        for (std::size_t i = 0; i < block; ++i) {
            a[3 * aligned_cols + i] = 0.0f;                                      // all zero
            a[5 * aligned_cols + i] = std::numeric_limits<float>::denorm_min();  // subnormal
        }
        a[7 * aligned_cols + 3] = std::numeric_limits<float>::quiet_NaN();
        a[9 * aligned_cols + block + 1] = -std::numeric_limits<float>::infinity();
        a[11 * aligned_cols] = 1e30f;
        std::vector<float> b(rows * cols, 1e-3f);
        for (std::size_t r = 0; r < rows; ++r) {
            std::copy_n(a.begin() + static_cast<std::ptrdiff_t>(r * aligned_cols), aligned_cols,
                        b.begin() + static_cast<std::ptrdiff_t>(r * cols));
        }
        const std::vector<std::int64_t> aligned_shape{static_cast<std::int64_t>(rows),
                                                      static_cast<std::int64_t>(aligned_cols)};
        const std::vector<std::int64_t> shape{static_cast<std::int64_t>(rows),
                                              static_cast<std::int64_t>(cols)};
        const QuantResult inline_pass = quantize(a, aligned_shape, c);
        const QuantResult separate_pass = quantize(b, shape, c);
        ASSERT_EQ(inline_pass.groups.size(), rows * 2) << name;
        ASSERT_EQ(separate_pass.groups.size(), rows * 3) << name;
        for (std::size_t r = 0; r < rows; ++r) {
            for (std::size_t k = 0; k < 2; ++k) {
                const GroupParameters& g = inline_pass.groups[r * 2 + k];
                const GroupParameters& h = separate_pass.groups[r * 3 + k];
                ASSERT_EQ(g.scale, h.scale) << name << " row " << r << " block " << k;
                ASSERT_EQ(g.clip_max, h.clip_max) << name << " row " << r << " block " << k;
            }
            for (std::size_t i = 0; i < aligned_cols; ++i) {
                const float p = inline_pass.dequantized[r * aligned_cols + i];
                const float q = separate_pass.dequantized[r * cols + i];
                ASSERT_TRUE(p == q || (std::isnan(p) && std::isnan(q))) << name << " row " << r;
            }
        }
        // The aligned kernels find the clipping extent and count the clipped values on the way;
        // the short blocks of 1e-3 change neither (a tiny scale, nothing clipped).
        EXPECT_EQ(inline_pass.clip_min, separate_pass.clip_min) << name;
        EXPECT_EQ(inline_pass.clip_max, separate_pass.clip_max) << name;
        const auto clipped = [](const QuantResult& q) {
            return std::llround(q.metrics.clipped_fraction * static_cast<double>(q.metrics.count));
        };
        if (c.block_scaling == BlockScaling::MX) {  // its power of two clips a block's top
            EXPECT_GT(clipped(inline_pass), 0) << name;
        }
        EXPECT_EQ(clipped(inline_pass), clipped(separate_pass)) << name;
        EXPECT_EQ(inline_pass.metrics.nan_count, 1) << name;
        EXPECT_EQ(inline_pass.metrics.inf_count, 1) << name;
    }
}

// The vectorized lookup rounding (NF4) at every midpoint between levels: the float just below,
// the midpoint rounded to float, and the float just above, against the reference's encode in
// double, under both nearest modes.
TEST(ScaledFormats, LookupRoundingAtEveryMidpoint) {
    for (Rounding rounding : {Rounding::NearestEven, Rounding::NearestAway}) {
        QuantConfig c = config_named("nf4", rounding);
        c.scheme = Scheme::Direct;
        c.granularity = parse_granularity("tensor");
        const LookupFormat* f = c.format.as_lookup();
        ASSERT_NE(f, nullptr);
        std::vector<float> x;
        for (double mid : f->midpoints) {
            const auto m = static_cast<float>(mid);
            for (float v : {std::nextafter(m, -2.0f), m, std::nextafter(m, 2.0f)}) {
                x.push_back(v);
                x.push_back(-v);
            }
        }
        x.push_back(std::numeric_limits<float>::quiet_NaN());
        x.push_back(5.0f);  // beyond the top level: saturates
        const QuantResult r = quantize(x, c);
        for (std::size_t i = 0; i < x.size(); ++i) {
            const float expected = quantize_value_reference(x[i], r.groups[0], c, i);
            const float got = r.dequantized[i];
            ASSERT_TRUE(got == expected || (std::isnan(got) && std::isnan(expected)))
                << describe(c) << " x " << x[i];
        }
    }
}

TEST(ScaledFormats, DirectRoundsTheValuesAsTheyAre) {
    const std::vector<float> x = gaussian(10000, 3, 100.0f);
    QuantConfig c = config_named("fp8_e4m3");
    c.scheme = Scheme::Direct;
    const QuantResult r = quantize(x, c);
    std::vector<float> expected(x.size());
    round_to_format(x, expected, parse_format("fp8_e4m3").float_format(), Rounding::NearestEven,
                    Saturation::Saturate);
    EXPECT_EQ(std::vector<float>(r.dequantized.begin(), r.dequantized.end()), expected);
    EXPECT_EQ(r.groups[0].scale, 1.0);
    EXPECT_EQ(r.storage.bits_per_value, 8.0);  // no scale stored
    // Wide formats default to direct.
    EXPECT_EQ(config_named("bf16").scheme, Scheme::Direct);
    EXPECT_EQ(config_named("fp8_e5m2").scheme, Scheme::Scaled);
}

// Scaled FP8: s = absmax / 448. With absmax 4.48 the scale is 0.01 (in float32), so x maps to
// 100 x. E4M3 steps are 8 in [64, 128) and 16 in [128, 256): -1.04 -> -104 = -1.625 * 2^6
// (exact); 0.97 -> 97 -> 96 (nearer); 2.0 -> 200, the midpoint of 192 (mantissa 100) and 208
// (101): ties to even give 192, so 2.0 comes back as 1.92.
TEST(ScaledFormats, Fp8ScaledMapsTheRangeOntoTheTopValue) {
    const std::vector<float> x{4.48f, -1.04f, 0.97f, 2.0f};
    const QuantResult r = quantize(x, config_named("fp8_e4m3"));
    EXPECT_FLOAT_EQ(static_cast<float>(r.groups[0].scale), 4.48f / 448.0f);
    EXPECT_NEAR(r.dequantized[0], 4.48f, 1e-6);
    EXPECT_NEAR(r.dequantized[1], -1.04f, 1e-6);
    EXPECT_NEAR(r.dequantized[2], 0.96f, 1e-6);
    EXPECT_NEAR(r.dequantized[3], 1.92f, 1e-6);
    EXPECT_EQ(r.metrics.clipped_fraction, 0.0);
    EXPECT_NEAR(r.clip_max, 4.48, 1e-6);
}

// MXFP4, one block of 32 along the last axis with one huge outlier:
// amax = 1000, floor(log2 1000) = 9, emax(E2M1) = 2, so X = 2^7 = 128. 1000/128 = 7.8125 lies
// more than half a step (1) beyond E2M1's largest value 6 and saturates: 6 * 128 = 768
// (clipped: OCP's scale rule clips such blocks by design). The other values,
// 0.1/128 = 0.00078, are far below E2M1's smallest step 0.5 and become 0.
TEST(ScaledFormats, MxBlockWithOneHugeOutlier) {
    std::vector<float> x(32, 0.1f);
    x[7] = 1000.0f;
    const QuantResult r = quantize(x, config_named("mxfp4"));
    ASSERT_EQ(r.groups.size(), 1u);
    EXPECT_EQ(r.groups[0].scale, 128.0);
    EXPECT_EQ(r.dequantized[7], 768.0f);
    for (std::size_t i = 0; i < 32; ++i) {
        if (i != 7) {
            EXPECT_EQ(r.dequantized[i], 0.0f);
        }
    }
    EXPECT_EQ(r.metrics.clipped_fraction, 1.0 / 32);
    EXPECT_EQ(r.metrics.zero_fraction, 31.0 / 32);
    EXPECT_DOUBLE_EQ(r.storage.bits_per_value, 4.25);  // 32 x 4 bits + one 8-bit E8M0 scale
}

// A row of 40 is one block of 32 and a short block of 8. The short block holds 3.0 and 1.1:
// amax 3, floor(log2 3) = 1, X = 2^(1-2) = 0.5; 3/0.5 = 6 (E2M1's top, exact) -> 3.0;
// 1.1/0.5 = 2.2 -> nearest E2M1 value 2 -> 1.0. A block of zeros stays zero, under the smallest
// E8M0 scale, 2^-127 (docs/design.md "Degenerate clipping ranges").
TEST(ScaledFormats, MxShortLastBlockAndZeroBlock) {
    std::vector<float> x(40, 0.0f);
    x[32] = 3.0f;
    x[33] = 1.1f;
    x[34] = -1.1f;
    const std::vector<std::int64_t> shape{1, 40};
    const QuantResult r = quantize(x, shape, config_named("mxfp4"));
    ASSERT_EQ(r.groups.size(), 2u);
    EXPECT_EQ(r.groups[0].scale, 0x1.0p-127);  // all-zero block
    EXPECT_EQ(r.groups[1].scale, 0.5);
    EXPECT_EQ(r.dequantized[32], 3.0f);
    EXPECT_EQ(r.dequantized[33], 1.0f);
    EXPECT_EQ(r.dequantized[34], -1.0f);
    for (std::size_t i = 0; i < 32; ++i) {
        EXPECT_EQ(r.dequantized[i], 0.0f);
    }
    EXPECT_TRUE(std::isinf(r.metrics.sqnr_db) || r.metrics.sqnr_db > 10);
}

// MXFP8 E4M3 with subnormal elements: amax 256 gives X = 2^(8 - 8) = 1. 0.001 lies in E4M3's
// subnormal range (step 2^-9 = 0.001953125): 0.001 / 0.001953125 = 0.512 rounds up to one step.
// 0.0009 (0.46 of a step) rounds to zero.
TEST(ScaledFormats, MxSubnormalElements) {
    std::vector<float> x(32, 0.0f);
    x[0] = 256.0f;
    x[1] = 0.001f;
    x[2] = 0.0009f;
    x[3] = 0.00390625f;  // exactly two steps: 2 * 2^-9
    const QuantResult r = quantize(x, config_named("mxfp8_e4m3"));
    EXPECT_EQ(r.groups[0].scale, 1.0);
    EXPECT_EQ(r.dequantized[0], 256.0f);
    EXPECT_EQ(r.dequantized[1], 0.001953125f);
    EXPECT_EQ(r.dequantized[2], 0.0f);
    EXPECT_EQ(r.dequantized[3], 0.00390625f);
}

// MXINT8: elements are int8 codes times 2^-6. amax 1.0 gives X = 2^(0 - 0) = 1; 0.3 * 64 = 19.2
// -> 19 -> 19/64 = 0.296875; 1.0 * 64 = 64 -> 1.0; -1.5 * 64 = -96 -> -1.5.
TEST(ScaledFormats, MxInt8) {
    std::vector<float> x(32, 0.0f);
    x[0] = 0.3f;
    x[1] = 1.0f;
    x[2] = -1.5f;
    const QuantResult r = quantize(x, config_named("mxint8"));
    EXPECT_EQ(r.groups[0].scale, 1.0);
    EXPECT_EQ(r.dequantized[0], 0.296875f);
    EXPECT_EQ(r.dequantized[1], 1.0f);
    EXPECT_EQ(r.dequantized[2], -1.5f);
}

// NVFP4, two blocks of 16. Tensor amax 6: S = 6 / (448 * 6) = 1/448 (in float32).
// Block 1 (amax 6): 6 / 6 / S = 448, E4M3's top value, so its scale is 448 * S = 1 and the
// values 6, 3, 1.5, 0.5, -2 are E2M1 values: exact.
// Block 2 (amax 0.9): 0.9 / 6 / S = 67.2, E4M3 neighbours 64 and 72 -> 64, scale 64/448 = 1/7.
// 0.9 * 7 = 6.3 saturates to 6 -> 6/7 = 0.857, within half a step (1) of 6: rounding, not
// clipping (the block's own maximum is never clipped); 0.3 * 7 = 2.1 -> 2 -> 2/7.
TEST(ScaledFormats, Nvfp4TwoLevelScales) {
    std::vector<float> x(32, 0.0f);
    x[0] = 6.0f;
    x[1] = 3.0f;
    x[2] = 1.5f;
    x[3] = 0.5f;
    x[4] = -2.0f;
    x[16] = 0.9f;
    x[17] = 0.3f;
    const QuantResult r = quantize(x, config_named("nvfp4"));
    ASSERT_EQ(r.groups.size(), 2u);
    EXPECT_NEAR(r.groups[0].scale, 1.0, 1e-6);
    EXPECT_NEAR(r.groups[1].scale, 1.0 / 7.0, 1e-6);
    for (int i = 0; i < 5; ++i) {
        EXPECT_NEAR(r.dequantized[static_cast<std::size_t>(i)], x[static_cast<std::size_t>(i)],
                    1e-6);
    }
    EXPECT_NEAR(r.dequantized[16], 6.0 / 7.0, 1e-6);
    EXPECT_NEAR(r.dequantized[17], 2.0 / 7.0, 1e-6);
    EXPECT_EQ(r.metrics.clipped_fraction, 0.0);
    // 32 x 4 bits + 2 E4M3 block scales + one FP32 tensor scale = 128 + 16 + 32 bits.
    EXPECT_EQ(r.storage.bytes, 22);
}

// NF4 with absmax per block of 64 (QLoRA): values divided by the block's absmax land on the
// 16 levels; the absmax element itself maps to level 1.0 and comes back exactly.
TEST(ScaledFormats, Nf4BlocksOf64) {
    std::vector<float> x = gaussian(128, 5);
    x[10] = 4.0f;
    const QuantResult r = quantize(x, config_named("nf4"));
    ASSERT_EQ(r.groups.size(), 2u);
    EXPECT_EQ(r.groups[0].scale, 4.0);
    EXPECT_EQ(r.dequantized[10], 4.0f);
    const std::vector<double> levels = parse_format("nf4").all_values();
    for (std::size_t i = 0; i < 64; ++i) {
        const double level = r.dequantized[i] / 4.0;
        EXPECT_NE(std::find_if(levels.begin(), levels.end(),
                               [&](double v) { return std::fabs(v - level) < 1e-6; }),
                  levels.end())
            << i;
    }
    EXPECT_DOUBLE_EQ(r.storage.bits_per_value, 4.5);  // 4 bits + a 32-bit absmax per 64
}

// The 8-bit Adam maps with absmax per block of 2048: the absmax comes back exactly (level 1.0),
// and every value is absmax times a level of the table (exactly: the absmax is a power of 2).
TEST(ScaledFormats, DynamicMapBlocksOf2048) {
    for (const char* name : {"dynamic8", "udynamic8"}) {
        std::vector<float> x = gaussian(4096, 7);
        if (name[0] == 'u') {
            for (float& v : x) {
                v = v * v;  // a second moment is not negative
            }
        }
        x[2048 + 5] = 64.0f;
        const QuantResult r = quantize(x, config_named(name));
        ASSERT_EQ(r.groups.size(), 2u) << name;
        EXPECT_EQ(r.groups[1].scale, 64.0) << name;
        EXPECT_EQ(r.dequantized[2048 + 5], 64.0f) << name;
        const std::vector<double> levels = parse_format(name).all_values();
        for (std::size_t i = 2048; i < 4096; ++i) {
            const double level = r.dequantized[i] / 64.0;
            EXPECT_TRUE(std::binary_search(levels.begin(), levels.end(), level))
                << name << " " << i;
        }
        EXPECT_DOUBLE_EQ(r.storage.bits_per_value, 8 + 32.0 / 2048) << name;
    }
}

TEST(ScaledFormats, NanAndInfAreCountedExcludedAndPassedThrough) {
    std::vector<float> x = {1.0f, std::numeric_limits<float>::quiet_NaN(), -2.0f,
                            std::numeric_limits<float>::infinity(), 0.5f};
    for (const char* name : {"fp8_e4m3", "fp4_e2m1", "nf4", "mxfp4", "nvfp4"}) {
        const QuantResult r = quantize(x, config_named(name));
        EXPECT_TRUE(std::isnan(r.dequantized[1])) << name;
        EXPECT_TRUE(std::isinf(r.dequantized[3])) << name;
        EXPECT_EQ(r.metrics.nan_count, 1) << name;
        EXPECT_EQ(r.metrics.inf_count, 1) << name;
        EXPECT_EQ(r.metrics.count, 3) << name;
        EXPECT_TRUE(std::isfinite(r.groups[0].scale)) << name;
        // The scale ignores Inf: the range covers 2 (MX rounds it up to a power of two, 3).
        EXPECT_GE(r.clip_max, 1.99) << name;
        EXPECT_LE(r.clip_max, 3.0) << name;
    }
}

// Empty, all-zero, constant and single-element tensors under every kind of scaled config: defined
// results, no NaN from a zero scale. A constant maps to the format's top value (scaled) or its
// block's power of two (MX), so it comes back exactly where that value is representable.
TEST(ScaledFormats, EdgeTensors) {
    for (const char* name : {"fp8_e4m3", "fp4_e2m1", "nf4", "mxfp4", "mxint8", "nvfp4", "bf16"}) {
        const QuantConfig c = config_named(name);
        const QuantResult empty = quantize(std::vector<float>{}, c);
        EXPECT_TRUE(empty.dequantized.empty()) << name;
        EXPECT_EQ(empty.metrics.count, 0) << name;
        EXPECT_TRUE(std::isinf(empty.metrics.sqnr_db)) << name;
        const QuantResult zeros = quantize(std::vector<float>(100, 0.0f), c);
        EXPECT_EQ(zeros.metrics.mse, 0.0) << name;
        EXPECT_TRUE(std::isinf(zeros.metrics.sqnr_db)) << name;
        EXPECT_EQ(zeros.metrics.cosine_similarity, 1.0) << name;
        // NVFP4 stores a zero block's scale as E4M3 zero (the block decodes to zeros); every
        // other config keeps a positive scale.
        for (const GroupParameters& g : zeros.groups) {
            EXPECT_TRUE(std::isfinite(g.scale) && g.scale >= 0) << name;
            EXPECT_TRUE(g.scale > 0 || std::string(name) == "nvfp4") << name;
        }
        const QuantResult constant = quantize(std::vector<float>(40, -3.0f), c);
        for (float y : constant.dequantized) {
            EXPECT_NEAR(y, -3.0f, 3.0f * 0.07f) << name;  // within E2M1's coarsest relative step
        }
        const QuantResult single = quantize(std::vector<float>{0.7f}, c);
        ASSERT_EQ(single.dequantized.size(), 1u) << name;
        EXPECT_NEAR(single.dequantized[0], 0.7f, 0.7f * 0.25f) << name;
        EXPECT_EQ(single.metrics.count, 1) << name;
    }
    // Scaled and lookup configs map a lone value onto their top value: exact.
    EXPECT_EQ(quantize(std::vector<float>{0.7f}, config_named("fp8_e4m3")).dequantized[0], 0.7f);
    EXPECT_EQ(quantize(std::vector<float>{0.7f}, config_named("nf4")).dequantized[0], 0.7f);
}

TEST(ScaledFormats, StochasticIsUnbiasedNearestIsNot) {
    // 0.26 lies between E2M1 steps 0 and 0.5 at fraction 0.52 (with s = 1: manual range 6).
    QuantConfig c = config_named("fp4_e2m1", Rounding::Stochastic);
    c.calibration = parse_calibration("manual:-6,6");
    std::vector<float> x(200000, 0.26f);
    const QuantResult r = quantize(x, c);
    const double bound = 5 * 0.5 * std::sqrt(0.52 * 0.48 / static_cast<double>(x.size()));
    EXPECT_NEAR(r.metrics.mean_error, 0.0, bound);
    c.rounding = Rounding::NearestEven;
    EXPECT_NEAR(quantize(x, c).metrics.mean_error, 0.26 - 0.5, 1e-6);
}

TEST(ScaledFormats, PercentileBeatsMinMaxWithOutliers) {
    Tensor t = builtin_sample();
    QuantConfig minmax = config_named("fp8_e4m3");
    QuantConfig pct = minmax;
    pct.calibration = parse_calibration("percentile:99.9");
    QuantConfig mse = minmax;
    mse.calibration = parse_calibration("mse");
    const QuantResult a = quantize(t.values, minmax);
    const QuantResult b = quantize(t.values, pct);
    const QuantResult m = quantize(t.values, mse);
    EXPECT_LT(b.clip_max, a.clip_max);
    EXPECT_GT(b.metrics.clipped_fraction, 0.0);
    EXPECT_LE(m.metrics.mse, a.metrics.mse * 1.0001);
}

TEST(ScaledFormats, ConfigChecks) {
    QuantConfig c = config_named("fp8_e4m3");
    c.scheme = Scheme::Affine;
    const std::vector<float> x{1.0f, 2.0f};
    EXPECT_THROW(quantize(x, c), UsageError);
    QuantConfig mx = config_named("mxfp4");
    mx.granularity = parse_granularity("block:16");
    EXPECT_THROW(quantize(x, mx), UsageError);
    QuantConfig integer = config_named("int8");
    integer.scheme = Scheme::Scaled;
    EXPECT_THROW(quantize(x, integer), UsageError);
    EXPECT_EQ(format_name(config_named("mxfp6_e2m3")), "mxfp6_e2m3");
    EXPECT_EQ(format_name(config_named("nvfp4")), "nvfp4");
    EXPECT_EQ(config_named("nvfp4").granularity.block, 16);
    EXPECT_EQ(config_named("nf4").granularity.block, 64);
    EXPECT_EQ(describe(config_named("dynamic8")), "dynamic8 scaled block:2048 minmax nearest-even");
    EXPECT_EQ(describe(config_named("udynamic8")),
              "udynamic8 scaled block:2048 minmax nearest-even");
    EXPECT_EQ(describe(config_named("mxfp4")), "mxfp4 scaled block:32 minmax nearest-even");
    QuantConfig bad;
    EXPECT_THROW(apply_format(bad, "mxfp3"), UsageError);
}

TEST(ScaledFormats, LevelsForDrawing) {
    const std::vector<float> x{-3.0f, 1.0f, 6.0f};
    const QuantConfig c = config_named("fp4_e2m1");
    const QuantResult r = quantize(x, c);  // s = 1
    EXPECT_EQ(quantization_levels(r.groups[0], c),
              (std::vector<double>{-6, -4, -3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3, 4, 6}));
    const HistogramPlot plot = make_histogram_plot(x, r, c);
    EXPECT_EQ(plot.levels.size(), 15u);
    EXPECT_EQ(plot.original.total(), 3);
}

}  // namespace
}  // namespace quantscope
