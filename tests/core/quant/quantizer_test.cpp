#include "quantscope/quant/quantizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "quantscope/common/error.h"
#include "quantscope/common/generators.h"

namespace quantscope {
namespace {

QuantConfig config_for(std::string_view format, Scheme scheme,
                       Rounding rounding = Rounding::NearestEven) {
    QuantConfig c;
    c.format = Format(parse_integer_format(format));
    c.scheme = scheme;
    c.rounding = rounding;
    return c;
}

std::vector<std::int32_t> codes_of(const std::vector<float>& x, const QuantConfig& c) {
    QuantizeOptions options;
    options.keep_codes = true;
    return quantize(x, c, options).codes;
}

// DESIGN.md worked example: symmetric INT8 of [-2.5, -1, 0, 1, 3.5].
// T = 3.5, s = 3.5/127 = 0.027559; x/s = [-90.71, -36.29, 0, 36.29, 127] -> [-91, -36, 0, 36, 127].
TEST(QuantizerGolden, SymmetricInt8BothNearestModes) {
    const std::vector<float> x{-2.5f, -1.0f, 0.0f, 1.0f, 3.5f};
    for (Rounding r : {Rounding::NearestEven, Rounding::NearestAway}) {
        const QuantConfig c = config_for("int8", Scheme::Symmetric, r);
        EXPECT_EQ(codes_of(x, c), (std::vector<std::int32_t>{-91, -36, 0, 36, 127}));
        const QuantResult result = quantize(x, c);
        EXPECT_FLOAT_EQ(static_cast<float>(result.groups[0].scale), 3.5f / 127.0f);
        EXPECT_EQ(result.groups[0].zero_point, 0);
    }
}

// DESIGN.md worked example: affine UINT8 of the same vector. [A, B] = [-2.5, 3.5], s = 6/255,
// z = 0 - round(-2.5 / s) = 0 - round(-106.25) = 106. x/s = [-106.25, -42.5, 0, 42.5, 148.75]:
// -42.5 and 42.5 are exact ties, so ties-away gives [0, 63, 106, 149, 255] and ties-to-even
// gives [0, 64, 106, 148, 255].
TEST(QuantizerGolden, AffineUint8TiesDifferByMode) {
    const std::vector<float> x{-2.5f, -1.0f, 0.0f, 1.0f, 3.5f};
    const QuantConfig away = config_for("uint8", Scheme::Affine, Rounding::NearestAway);
    const QuantConfig even = config_for("uint8", Scheme::Affine, Rounding::NearestEven);
    EXPECT_EQ(codes_of(x, away), (std::vector<std::int32_t>{0, 63, 106, 149, 255}));
    EXPECT_EQ(codes_of(x, even), (std::vector<std::int32_t>{0, 64, 106, 148, 255}));
    const QuantResult r = quantize(x, even);
    EXPECT_EQ(r.groups[0].zero_point, 106);
    EXPECT_FLOAT_EQ(static_cast<float>(r.groups[0].scale), 6.0f / 255.0f);
}

// DESIGN.md worked example: x = 3.6 with range (-10, 10) to INT8 affine.
// s = 20/255 = 0.0784, z = -128 - round(-10 / s) = -128 - round(-127.5) = -128 + 128 = 0
// (both nearest modes), q = round(3.6 / 0.0784) = round(45.9) = 46.
TEST(QuantizerGolden, AffineInt8ManualRange) {
    for (Rounding r : {Rounding::NearestEven, Rounding::NearestAway}) {
        QuantConfig c = config_for("int8", Scheme::Affine, r);
        c.calibration = parse_calibration("manual:-10,10");
        const std::vector<float> x{3.6f};
        QuantizeOptions options;
        options.keep_codes = true;
        const QuantResult result = quantize(x, c, options);
        EXPECT_NEAR(result.groups[0].scale, 0.0784, 1e-4);
        EXPECT_EQ(result.groups[0].zero_point, 0);
        EXPECT_EQ(result.codes, (std::vector<std::int32_t>{46}));
    }
}

TEST(Quantizer, TowardZeroAndStochastic) {
    QuantConfig c = config_for("int8", Scheme::Symmetric, Rounding::TowardZero);
    c.calibration = parse_calibration("manual:-127,127");  // s = 1
    const std::vector<float> x{2.9f, -2.9f, 0.5f, -0.5f};
    EXPECT_EQ(codes_of(x, c), (std::vector<std::int32_t>{2, -2, 0, 0}));
    // Stochastic: 0.25 rounds up a quarter of the time; mean error near zero.
    c.rounding = Rounding::Stochastic;
    c.seed = 99;
    const std::vector<float> quarter(100000, 0.25f);
    const QuantResult r = quantize(quarter, c);
    double ups = 0;
    for (float y : r.dequantized) {
        ups += y;
    }
    EXPECT_NEAR(ups / 100000.0, 0.25, 0.01);
    EXPECT_EQ(quantize(quarter, c).dequantized, r.dequantized);  // seeded: reproducible
}

// The fast kernel against the scalar reference on every element, for every mode and scheme,
// across the parallel threshold so that the thread split is exercised too.
TEST(Quantizer, FastPathMatchesScalarReference) {
    const Tensor t = generate("mixture:n=600000,outliers=0.001,seed=5");
    for (Scheme scheme : {Scheme::Symmetric, Scheme::Affine}) {
        for (Rounding r : {Rounding::NearestEven, Rounding::NearestAway, Rounding::TowardZero,
                           Rounding::Stochastic}) {
            for (std::string_view format : {"int8", "int4", "uint8", "int16", "int2"}) {
                const QuantConfig c = config_for(format, scheme, r);
                const QuantResult result = quantize(t.values, c);
                const GroupParameters& g = result.groups[0];
                for (std::size_t i = 0; i < t.values.size(); ++i) {
                    ASSERT_EQ(result.dequantized[i], quantize_value_reference(t.values[i], g, c, i))
                        << format << " " << to_string(scheme) << " " << to_string(r) << " at " << i;
                }
                const ClipRange bounds = clipping_bounds(g, c);
                const MetricSums ref =
                    reference_metric_sums(t.values, result.dequantized, bounds.lo, bounds.hi);
                const Metrics m = finish_metrics(ref);
                EXPECT_NEAR(result.metrics.mse, m.mse, 1e-6 * m.mse + 1e-12);
                EXPECT_NEAR(result.metrics.sqnr_db, m.sqnr_db, 1e-4);
                // The kernel subtracts in float, the reference in double.
                EXPECT_NEAR(result.metrics.max_abs_error, m.max_abs_error, 1e-6 * m.max_abs_error);
                EXPECT_DOUBLE_EQ(result.metrics.clipped_fraction, m.clipped_fraction);
                EXPECT_DOUBLE_EQ(result.metrics.zero_fraction, m.zero_fraction);
            }
        }
    }
}

TEST(Quantizer, Int8OnGaussianIsNearTheoreticalSqnr) {
    // Uniform quantization noise: MSE = s^2 / 12 where no value clips.
    const Tensor t = generate("gaussian:n=1000000,seed=2");
    const QuantResult r = quantize(t.values, config_for("int8", Scheme::Symmetric));
    const double s = r.groups[0].scale;
    EXPECT_NEAR(r.metrics.mse, s * s / 12.0, 0.02 * s * s / 12.0);
    EXPECT_NEAR(r.metrics.max_abs_error, s / 2, 1e-3 * s);
    EXPECT_EQ(r.metrics.clipped_fraction, 0.0);
    EXPECT_GT(r.metrics.cosine_similarity, 0.9999);
    EXPECT_EQ(r.storage.bytes, 1000000 + 4);
    EXPECT_NEAR(r.storage.bits_per_value, 8.000032, 1e-9);
}

TEST(Quantizer, OutliersRuinPerTensorMinMax) {
    // The built-in sample: 8 outliers stretch the INT8 step, so the bulk loses resolution.
    const Tensor sample = builtin_sample();
    const QuantResult with_outliers =
        quantize(sample.values, config_for("int8", Scheme::Symmetric));
    FloatBuffer clean = sample.values;
    for (float& v : clean) {
        v = std::fabs(v) > 6.0f ? 0.0f : v;
    }
    const QuantResult without = quantize(clean, config_for("int8", Scheme::Symmetric));
    EXPECT_NEAR(with_outliers.groups[0].scale, 20.0 / 127.0, 1e-6);
    EXPECT_GT(without.metrics.sqnr_db, with_outliers.metrics.sqnr_db + 8.0);
}

TEST(Quantizer, EdgeTensors) {
    const QuantConfig c = config_for("int8", Scheme::Symmetric);
    const QuantResult empty = quantize(std::vector<float>{}, c);
    EXPECT_TRUE(empty.dequantized.empty());
    EXPECT_EQ(empty.metrics.count, 0);
    EXPECT_TRUE(std::isinf(empty.metrics.sqnr_db));
    const QuantResult zeros = quantize(std::vector<float>(100, 0.0f), c);
    EXPECT_EQ(zeros.metrics.mse, 0.0);
    EXPECT_TRUE(std::isinf(zeros.metrics.sqnr_db));
    EXPECT_EQ(zeros.metrics.cosine_similarity, 1.0);
    const QuantResult constant = quantize(std::vector<float>(10, -3.0f), c);
    EXPECT_FLOAT_EQ(constant.dequantized[0], -3.0f);
    const QuantResult single =
        quantize(std::vector<float>{0.7f}, config_for("int4", Scheme::Affine));
    EXPECT_NEAR(single.dequantized[0], 0.7f, 1e-6f);
}

TEST(Quantizer, NanAndInfAreCountedExcludedAndPassedThrough) {
    const float inf = std::numeric_limits<float>::infinity();
    const float nan = std::numeric_limits<float>::quiet_NaN();
    std::vector<float> x{1.0f, nan, -2.0f, inf, 0.5f, -inf};
    const QuantResult r = quantize(x, config_for("int8", Scheme::Symmetric));
    EXPECT_EQ(r.metrics.nan_count, 1);
    EXPECT_EQ(r.metrics.inf_count, 2);
    EXPECT_EQ(r.metrics.count, 3);
    EXPECT_NEAR(r.groups[0].scale, 2.0 / 127.0, 1e-7);  // Inf did not set the range
    EXPECT_TRUE(std::isnan(r.dequantized[1]));
    EXPECT_EQ(r.dequantized[3], inf);
    EXPECT_TRUE(std::isfinite(r.metrics.mse));
}

TEST(Quantizer, LevelsCoverTheCodes) {
    const std::vector<float> x{-1.0f, 1.0f};
    const QuantConfig c = config_for("int4", Scheme::Symmetric);
    const QuantResult r = quantize(x, c);
    const std::vector<double> levels = quantization_levels(r.groups[0], c);
    ASSERT_EQ(levels.size(), 16u);
    EXPECT_NEAR(levels.front(), -8.0 / 7.0, 1e-6);
    EXPECT_NEAR(levels.back(), 1.0, 1e-6);
    EXPECT_TRUE(std::is_sorted(levels.begin(), levels.end()));
    EXPECT_DOUBLE_EQ(r.clip_min, levels.front());
    EXPECT_DOUBLE_EQ(r.clip_max, levels.back());
}

TEST(QuantConfigText, ParsesAndRejects) {
    EXPECT_EQ(parse_integer_format("int8").bits, 8);
    EXPECT_FALSE(parse_integer_format("uint4").is_signed);
    EXPECT_EQ(parse_integer_format("int16").max_code(), 32767);
    EXPECT_EQ(parse_integer_format("int2").min_code(), -2);
    for (std::string_view bad : {"int1", "int17", "int", "float8", "int8x", "uint-4"}) {
        EXPECT_THROW(parse_integer_format(bad), UsageError) << bad;
    }
    EXPECT_EQ(parse_scheme("affine"), Scheme::Affine);
    EXPECT_FALSE(parse_scheme("asym").has_value());
}

}  // namespace
}  // namespace quantscope

namespace quantscope {
namespace {

TEST(HistogramPlot, BinsAlignWithRoundingCells) {
    const Tensor t = generate("gaussian:n=20000,seed=4");
    const QuantConfig c = config_for("int4", Scheme::Symmetric);
    QuantizeOptions options;
    options.keep_codes = true;
    const QuantResult r = quantize(t.values, c, options);
    const HistogramPlot plot = make_histogram_plot(t.values, r, c);
    ASSERT_EQ(plot.levels.size(), 16u);
    const std::size_t per_step = 9;  // (128 / 16) | 1: odd, so each level is a bin centre
    ASSERT_EQ(plot.dequantized.bins(), 16 * per_step);
    for (std::size_t level = 0; level < 16; ++level) {
        const auto expected =
            std::count(r.codes.begin(), r.codes.end(), static_cast<std::int32_t>(level) - 8);
        EXPECT_EQ(plot.dequantized.counts[level * per_step + per_step / 2], expected) << level;
    }
    EXPECT_EQ(plot.original.total(), 20000);
}

}  // namespace
}  // namespace quantscope
