#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "quantscope/common/error.h"
#include "quantscope/common/generators.h"
#include "quantscope/quant/quantizer.h"

namespace quantscope {
namespace {

QuantConfig config_for(std::string_view format, std::string_view granularity,
                       Scheme scheme = Scheme::Symmetric,
                       Rounding rounding = Rounding::NearestEven) {
    QuantConfig c;
    c.format = Format(parse_integer_format(format));
    c.granularity = parse_granularity(granularity);
    c.scheme = scheme;
    c.rounding = rounding;
    return c;
}

// A [rows, cols] tensor whose rows have very different magnitudes, like weight channels.
FloatBuffer uneven_rows(std::size_t rows, std::size_t cols) {
    const Tensor t = generate("gaussian:n=" + std::to_string(rows * cols) + ",seed=21");
    FloatBuffer v = t.values;
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            v[r * cols + c] *= static_cast<float>(std::pow(1.3, static_cast<double>(r % 17)));
        }
    }
    return v;
}

// Each group quantized on its own as a 1-D per-tensor problem must give the same values.
void expect_groups_match_separate_quantization(const FloatBuffer& x,
                                               const std::vector<std::vector<std::size_t>>& groups,
                                               const QuantResult& result, QuantConfig per_tensor) {
    per_tensor.granularity = {};
    ASSERT_EQ(result.groups.size(), groups.size());
    for (std::size_t g = 0; g < groups.size(); ++g) {
        FloatBuffer slice;
        for (std::size_t i : groups[g]) {
            slice.push_back(x[i]);
        }
        const QuantResult alone = quantize(slice, per_tensor);
        ASSERT_FLOAT_EQ(static_cast<float>(alone.groups[0].scale),
                        static_cast<float>(result.groups[g].scale));
        ASSERT_EQ(alone.groups[0].zero_point, result.groups[g].zero_point);
        for (std::size_t k = 0; k < groups[g].size(); ++k) {
            ASSERT_EQ(alone.dequantized[k], result.dequantized[groups[g][k]])
                << "group " << g << " element " << k;
        }
    }
}

TEST(Granularity, PerChannelEqualsEachChannelAlone) {
    const std::size_t rows = 40;
    const std::size_t cols = 300;
    const FloatBuffer x = uneven_rows(rows, cols);
    const std::vector<std::int64_t> shape{static_cast<std::int64_t>(rows),
                                          static_cast<std::int64_t>(cols)};
    for (Scheme scheme : {Scheme::Symmetric, Scheme::Affine}) {
        for (Rounding r : {Rounding::NearestEven, Rounding::NearestAway}) {
            // Axis 0: each row is a channel (weights: one scale per output channel).
            const QuantConfig rows_config = config_for("int8", "channel:0", scheme, r);
            std::vector<std::vector<std::size_t>> row_groups(rows);
            for (std::size_t i = 0; i < rows * cols; ++i) {
                row_groups[i / cols].push_back(i);
            }
            expect_groups_match_separate_quantization(x, row_groups,
                                                      quantize(x, shape, rows_config), rows_config);
            // Axis -1: each column is a channel (activations: one scale per feature).
            const QuantConfig cols_config = config_for("int4", "channel:-1", scheme, r);
            std::vector<std::vector<std::size_t>> col_groups(cols);
            for (std::size_t i = 0; i < rows * cols; ++i) {
                col_groups[i % cols].push_back(i);
            }
            expect_groups_match_separate_quantization(x, col_groups,
                                                      quantize(x, shape, cols_config), cols_config);
        }
    }
}

TEST(Granularity, MiddleAxisOfA3dTensor) {
    const FloatBuffer x = uneven_rows(6, 5 * 7);  // viewed as [6, 5, 7], channels on axis 1
    const std::vector<std::int64_t> shape{6, 5, 7};
    const QuantConfig c = config_for("int8", "channel:1", Scheme::Affine);
    std::vector<std::vector<std::size_t>> groups(5);
    for (std::size_t i = 0; i < x.size(); ++i) {
        groups[(i / 7) % 5].push_back(i);
    }
    expect_groups_match_separate_quantization(x, groups, quantize(x, shape, c), c);
}

TEST(Granularity, BlocksAlongTheLastAxisWithShortLastBlock) {
    const FloatBuffer x = uneven_rows(10, 100);  // rows of 100: blocks 32, 32, 32, 4
    const std::vector<std::int64_t> shape{10, 100};
    const QuantConfig c = config_for("int4", "block:32");
    std::vector<std::vector<std::size_t>> groups;
    for (std::size_t row = 0; row < 10; ++row) {
        for (std::size_t b = 0; b < 100; b += 32) {
            groups.emplace_back();
            for (std::size_t k = b; k < std::min<std::size_t>(b + 32, 100); ++k) {
                groups.back().push_back(row * 100 + k);
            }
        }
    }
    const QuantResult r = quantize(x, shape, c);
    expect_groups_match_separate_quantization(x, groups, r, c);
    // 1000 4-bit codes + 40 FP32 scales = 500 + 160 bytes.
    EXPECT_EQ(r.storage.bytes, 660);
    EXPECT_DOUBLE_EQ(r.storage.bits_per_value, (1000.0 * 4 + 40 * 32) / 1000.0);
}

// Short blocks go through the kernel many groups per call (block lengths that are a multiple of
// 8, adjacent groups of one length); every element must still be the scalar reference under its
// own group's parameters, with NaN and Inf inside some blocks, every rounding, both schemes, and
// a tensor large enough to be split across the cores.
TEST(Granularity, BatchedBlocksEqualTheScalarReference) {
    const std::size_t rows = 1200;
    const std::size_t cols = 520;  // blocks of 8, 24, 32 and 40 leave a short last block
    FloatBuffer x = uneven_rows(rows, cols);
    x[5] = std::numeric_limits<float>::quiet_NaN();
    x[cols * 7 + 33] = std::numeric_limits<float>::infinity();
    x[cols * 900 + 100] = -std::numeric_limits<float>::infinity();
    // Blocks the calibration must get right on its own: all NaN, subnormal, near the float
    // maximum, all zero, and constant below zero (an affine zero point at the top code).
    for (std::size_t i = 0; i < 48; ++i) {
        x[cols * 50 + i] = std::numeric_limits<float>::quiet_NaN();
        x[cols * 60 + i] = std::numeric_limits<float>::denorm_min() * static_cast<float>(i % 5);
        x[cols * 70 + i] = (i % 2 == 0 ? 3e38f : -2e38f);
        x[cols * 80 + i] = 0.0f;
        x[cols * 90 + i] = -2.5f;
    }
    const std::vector<std::int64_t> shape{static_cast<std::int64_t>(rows),
                                          static_cast<std::int64_t>(cols)};
    for (const char* granularity : {"block:8", "block:24", "block:32", "block:40", "block:7"}) {
        for (Rounding rounding : {Rounding::NearestEven, Rounding::NearestAway,
                                  Rounding::TowardZero, Rounding::Stochastic}) {
            for (Scheme scheme : {Scheme::Symmetric, Scheme::Affine}) {
                QuantConfig c = config_for("int4", granularity, scheme, rounding);
                c.seed = 7;
                const QuantResult r = quantize(x, shape, c);
                const auto block = static_cast<std::size_t>(c.granularity.block);
                const std::size_t per_row = (cols + block - 1) / block;
                ASSERT_EQ(r.groups.size(), rows * per_row);
                for (std::size_t i = 0; i < x.size(); ++i) {
                    const std::size_t g = (i / cols) * per_row + (i % cols) / block;
                    const float expected = quantize_value_reference(x[i], r.groups[g], c, i);
                    const float got = r.dequantized[i];
                    ASSERT_TRUE(got == expected || (std::isnan(got) && std::isnan(expected)))
                        << granularity << " " << describe(c) << " element " << i;
                }
                EXPECT_EQ(r.metrics.nan_count, 49);
                EXPECT_EQ(r.metrics.inf_count, 2);
                // Each group's parameters are its own calibration.
                for (std::size_t g = 0; g < r.groups.size(); ++g) {
                    const std::size_t row = g / per_row;
                    const std::size_t col = g % per_row * block;
                    const GroupParameters alone =
                        choose_parameters(std::span<const float>(x.data() + row * cols + col,
                                                                 std::min(block, cols - col)),
                                          c);
                    ASSERT_EQ(r.groups[g].scale, alone.scale) << granularity << " group " << g;
                    ASSERT_EQ(r.groups[g].zero_point, alone.zero_point) << g;
                    ASSERT_EQ(r.groups[g].clip_min, alone.clip_min) << g;
                    ASSERT_EQ(r.groups[g].clip_max, alone.clip_max) << g;
                }
            }
        }
    }
}

// DESIGN.md worked example, vector-wise: groups A = [30, 10, 20, 30] and B = [0, 2, 2, 0].
// One INT4 scale for both, s = 30/7 = 4.29: B/s = [0, 0.47, 0.47, 0] rounds to all zeros, so
// B's detail is lost. One scale per row gives B s = 2/7 and keeps it exactly.
TEST(Granularity, VectorWiseScalesKeepTheSmallGroup) {
    const FloatBuffer x{30, 10, 20, 30, 0, 2, 2, 0};
    const std::vector<std::int64_t> shape{2, 4};
    const QuantResult shared = quantize(x, shape, config_for("int4", "tensor"));
    for (std::size_t i = 4; i < 8; ++i) {
        EXPECT_EQ(shared.dequantized[i], 0.0f);
    }
    const QuantResult per_row = quantize(x, shape, config_for("int4", "channel:0"));
    EXPECT_NEAR(per_row.dequantized[5], 2.0f, 1e-6f);
    EXPECT_NEAR(per_row.dequantized[6], 2.0f, 1e-6f);
    EXPECT_GT(per_row.metrics.sqnr_db, shared.metrics.sqnr_db);
}

TEST(Granularity, FinerGroupsGiveBetterSqnrAndCostScales) {
    const FloatBuffer x = uneven_rows(64, 512);
    const std::vector<std::int64_t> shape{64, 512};
    const QuantResult tensor = quantize(x, shape, config_for("int8", "tensor"));
    const QuantResult channel = quantize(x, shape, config_for("int8", "channel:0"));
    const QuantResult block = quantize(x, shape, config_for("int8", "block:32"));
    EXPECT_GT(channel.metrics.sqnr_db, tensor.metrics.sqnr_db + 3);
    EXPECT_GT(block.metrics.sqnr_db, channel.metrics.sqnr_db);
    EXPECT_EQ(channel.storage.bytes, 64 * 512 + 64 * 4);
    EXPECT_EQ(block.storage.bytes, 64 * 512 + 64 * 16 * 4);
}

TEST(Granularity, LargeTensorsSplitAcrossCoresGiveTheSameResult) {
    // Over the parallel threshold; the metrics agree with the scalar reference sums.
    const FloatBuffer x = uneven_rows(1024, 1024);
    const std::vector<std::int64_t> shape{1024, 1024};
    for (std::string_view g : {"channel:0", "channel:1", "block:64"}) {
        const QuantResult r = quantize(x, shape, config_for("int8", g));
        const Metrics ref = finish_metrics(
            reference_metric_sums(x, r.dequantized, -std::numeric_limits<double>::infinity(),
                                  std::numeric_limits<double>::infinity()));
        EXPECT_NEAR(r.metrics.mse, ref.mse, 1e-6 * ref.mse) << g;
        EXPECT_DOUBLE_EQ(r.metrics.max_abs_error, ref.max_abs_error) << g;
    }
}

TEST(Granularity, BadRequestsAreUsageErrors) {
    const FloatBuffer x(12, 1.0f);
    const std::vector<std::int64_t> wrong{5, 2};
    EXPECT_THROW(quantize(x, wrong, config_for("int8", "tensor")), UsageError);
    const std::vector<std::int64_t> shape{3, 4};
    EXPECT_THROW(quantize(x, shape, config_for("int8", "channel:2")), UsageError);
    EXPECT_THROW(quantize(x, shape, config_for("int8", "channel:-3")), UsageError);
    QuantConfig kl = config_for("int8", "block:4");
    kl.calibration = parse_calibration("kl");
    EXPECT_THROW(quantize(x, shape, kl), UsageError);
    for (std::string_view bad : {"block:0", "block:x", "channel:a", "row", "block"}) {
        EXPECT_THROW(parse_granularity(bad), UsageError) << bad;
    }
    EXPECT_EQ(to_string(parse_granularity("channel")), "channel:0");
    EXPECT_EQ(to_string(parse_granularity("block:64")), "block:64");
    EXPECT_EQ(to_string(parse_granularity("tensor")), "tensor");
}

// Per channel where every value would be its own group (36 bits a value, 154 dB on a 1-D
// tensor), and axes outside the shape: refused with a reason naming the axis, which the GUI shows.
TEST(Granularity, ProblemsNameTheAxis) {
    const std::vector<std::int64_t> one_d{1000};
    EXPECT_EQ(granularity_problem(parse_granularity("channel"), one_d),
              "granularity channel:0 on a tensor of shape [1000] makes every value its own group "
              "(axis 0 is the only axis)");
    EXPECT_EQ(granularity_problem(parse_granularity("channel:-1"), {}),
              "granularity channel:-1 on a 1-D tensor makes every value its own group (axis -1 "
              "is the only axis)");
    const std::vector<std::int64_t> row{1, 1000};
    EXPECT_EQ(granularity_problem(parse_granularity("channel:1"), row),
              "granularity channel:1 on a tensor of shape [1, 1000] makes every value its own "
              "group (axis 1 is the only one longer than 1)");
    EXPECT_EQ(granularity_problem(parse_granularity("channel:0"), row), "");  // one group
    const std::vector<std::int64_t> matrix{3, 4};
    EXPECT_EQ(granularity_problem(parse_granularity("channel:2"), matrix),
              "granularity channel:2 does not fit a tensor of shape [3, 4]: axis 2 is not one of "
              "its 2 axes");
    for (const char* fine : {"tensor", "channel:0", "channel:1", "channel:-1", "block:32"}) {
        EXPECT_EQ(granularity_problem(parse_granularity(fine), matrix), "") << fine;
        EXPECT_EQ(granularity_problem(parse_granularity(fine), {}).empty(),
                  std::string_view(fine).substr(0, 7) != "channel")
            << fine;
    }
    Granularity zero_block;
    zero_block.kind = Granularity::Kind::Block;
    zero_block.block = 0;
    EXPECT_NE(granularity_problem(zero_block, matrix), "");
    // quantize() refuses with the same text.
    const FloatBuffer x(1000, 1.0f);
    try {
        quantize(x, one_d, config_for("int8", "channel:0"));
        ADD_FAILURE() << "per channel on a 1-D tensor was accepted";
    } catch (const UsageError& e) {
        EXPECT_EQ(std::string(e.what()),
                  granularity_problem(parse_granularity("channel:0"), one_d));
    }
}

TEST(Granularity, EmptyTensors) {
    const std::vector<std::int64_t> shape{0, 8};
    for (std::string_view g : {"tensor", "channel:0", "channel:1", "block:4"}) {
        const QuantResult r = quantize(FloatBuffer{}, shape, config_for("int8", g));
        EXPECT_TRUE(r.dequantized.empty()) << g;
        EXPECT_EQ(r.metrics.count, 0) << g;
    }
}

}  // namespace
}  // namespace quantscope
