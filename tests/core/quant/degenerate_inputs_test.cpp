// Special tensors (zeros, subnormals, constants, values near the float maximum, NaN and Inf,
// zero-length axes) under every format family, scheme, granularity and calibration: no crash,
// every metric defined (docs/design.md "Metrics for degenerate inputs"), every scale usable and
// every level finite (docs/design.md "Degenerate clipping ranges"), and a note that says so.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "quantscope/common/error.h"
#include "quantscope/quant/quantizer.h"
#include "quantscope/quant/sweep.h"

namespace quantscope {
namespace {

constexpr float kMax = std::numeric_limits<float>::max();
constexpr float kMin = std::numeric_limits<float>::min();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

QuantConfig config_of(std::string_view format, std::string_view scheme = "",
                      std::string_view granularity = "", std::string_view calibration = "") {
    QuantConfig c;
    apply_format(c, format);
    if (!scheme.empty()) {
        c.scheme = *parse_scheme(scheme);
    }
    if (!granularity.empty()) {
        c.granularity = parse_granularity(granularity);
    }
    if (!calibration.empty()) {
        c.calibration = parse_calibration(calibration);
    }
    return c;
}

// One config of every format family and scheme.
std::vector<QuantConfig> every_family() {
    std::vector<QuantConfig> configs;
    for (const char* name : {"int8", "int2", "int16", "uint4"}) {
        configs.push_back(config_of(name, "symmetric"));
        configs.push_back(config_of(name, "affine"));
    }
    for (const char* name :
         {"fp8_e4m3", "fp8_e5m2", "fp4_e2m1", "fp6_e3m2", "fp16", "bf16", "fp32", "nf4", "e3m0"}) {
        configs.push_back(config_of(name, "scaled"));
        configs.push_back(config_of(name, "direct"));
    }
    for (const std::string& name : block_format_names()) {
        configs.push_back(config_of(name));
    }
    return configs;
}

struct Special {
    std::string name;
    std::vector<float> values;
};

// 64 values each, a [4, 16] tensor.
std::vector<Special> special_tensors() {
    std::vector<Special> s;
    auto fill = [](auto fn) {
        std::vector<float> v(64);
        for (std::size_t i = 0; i < v.size(); ++i) {
            v[i] = fn(i);
        }
        return v;
    };
    s.push_back({"zeros", fill([](std::size_t) { return 0.0f; })});
    s.push_back({"zeros and 1e-40", fill([](std::size_t i) { return i % 2 ? 1e-40f : 0.0f; })});
    s.push_back({"all subnormal", fill([](std::size_t i) { return i % 3 ? -1e-42f : 3e-39f; })});
    s.push_back({"smallest subnormal", fill([](std::size_t i) {
                     return i % 2 ? std::numeric_limits<float>::denorm_min() : 0.0f;
                 })});
    s.push_back({"constant 3", fill([](std::size_t) { return 3.0f; })});
    s.push_back({"constant -1e-30", fill([](std::size_t) { return -1e-30f; })});
    s.push_back({"near FLT_MAX", fill([](std::size_t i) {
                     return i % 4 == 0 ? kMax : i % 4 == 1 ? -kMax : i % 4 == 2 ? 3.3e38f : 1.0f;
                 })});
    s.push_back({"FLT_MAX and tiny", fill([](std::size_t i) { return i == 7 ? kMax : 1e-30f; })});
    s.push_back({"all NaN", fill([](std::size_t) { return kNaN; })});
    s.push_back({"NaN Inf 0 subnormal", fill([](std::size_t i) {
                     const float v[] = {kNaN, kInf, -kInf, 0.0f, 1e-41f, -kMin, kMin, -0.0f};
                     return v[i % 8];
                 })});
    return s;
}

// What every result must satisfy, whatever the input.
void expect_well_defined(std::span<const float> x, const QuantResult& r, const std::string& what) {
    EXPECT_EQ(undefined_metric(r.metrics), "") << what;
    EXPECT_TRUE(std::isfinite(r.clip_min) && std::isfinite(r.clip_max)) << what;
    for (const GroupParameters& g : r.groups) {
        ASSERT_TRUE(std::isfinite(g.scale) && g.scale >= 0) << what << " scale " << g.scale;
        // A usable scale: its inverse is a finite float (0 only for NVFP4 blocks sent to zero).
        ASSERT_TRUE(g.scale == 0 || std::isfinite(1.0f / static_cast<float>(g.scale)))
            << what << " scale " << g.scale;
        ASSERT_TRUE(std::isfinite(g.clip_min) && std::isfinite(g.clip_max)) << what;
    }
    ASSERT_EQ(r.dequantized.size(), x.size()) << what;
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (std::isfinite(x[i])) {
            ASSERT_TRUE(std::isfinite(r.dequantized[i])) << what << " at " << i << ": " << x[i];
        } else {
            ASSERT_TRUE(std::isnan(x[i]) ? std::isnan(r.dequantized[i]) : r.dequantized[i] == x[i])
                << what << " at " << i;
        }
    }
    // The sums in double (the reference) give the same metrics.
    const Metrics exact = finish_metrics(reference_metric_sums(x, r.dequantized, -kInf, kInf));
    EXPECT_EQ(exact.count, r.metrics.count) << what;
    auto near = [](double a, double b) {
        return a == b || std::fabs(a - b) <= 1e-5 * std::max(std::fabs(a), std::fabs(b));
    };
    EXPECT_PRED2(near, exact.mse, r.metrics.mse) << what;
    EXPECT_PRED2(near, exact.mean_error, r.metrics.mean_error) << what;
    EXPECT_PRED2(near, exact.cosine_similarity, r.metrics.cosine_similarity) << what;
    if (std::isfinite(exact.sqnr_db) || std::isfinite(r.metrics.sqnr_db)) {
        EXPECT_NEAR(exact.sqnr_db, r.metrics.sqnr_db, 1e-3) << what;
    } else {
        EXPECT_EQ(exact.sqnr_db, r.metrics.sqnr_db) << what;
    }
}

TEST(DegenerateInputs, SpecialTensorsUnderEveryFamilyGranularityAndCalibration) {
    const std::vector<std::int64_t> shape{4, 16};
    for (const Special& t : special_tensors()) {
        for (const QuantConfig& base : every_family()) {
            std::vector<std::string> granularities{""};
            if (base.block_scaling == BlockScaling::None &&
                base.format.kind() != FormatKind::Lookup) {
                granularities = {"tensor", "channel:0", "channel:1", "block:4", "block:5"};
            }
            for (const std::string& g : granularities) {
                for (const char* cal : {"minmax", "percentile:99", "mse", "sigma:3", "kl",
                                        "manual:0,0", "manual:-1,2"}) {
                    QuantConfig c = base;
                    if (!g.empty()) {
                        c.granularity = parse_granularity(g);
                    }
                    c.calibration = parse_calibration(cal);
                    if (c.calibration.method == CalibrationMethod::KL &&
                        c.granularity.kind == Granularity::Kind::Block) {
                        continue;  // kl needs a whole tensor or channel (check_config)
                    }
                    const bool searches = c.calibration.method == CalibrationMethod::MSE ||
                                          c.calibration.method == CalibrationMethod::Sigma;
                    if (searches && g != "tensor" && !g.empty()) {
                        continue;  // their threshold search, per group, is the slow part
                    }
                    const bool minmax = c.calibration.method == CalibrationMethod::MinMax;
                    if (!minmax && (g == "channel:0" || g == "block:4")) {
                        continue;  // the other paths of min-max (fused range pass) only
                    }
                    // Stochastic rounding with one calibration, the summary given with two:
                    // the paths differ, the rule does not.
                    c.rounding = cal[0] == 'p' ? Rounding::Stochastic : Rounding::NearestEven;
                    const std::string what =
                        t.name + ": " + describe(c) + " " + to_string(c.granularity);
                    expect_well_defined(t.values, quantize(t.values, shape, c), what);
                    if (minmax || c.calibration.method == CalibrationMethod::Manual) {
                        const QuantResult warm =
                            quantize(t.values, shape, c, {}, summarize_values(t.values));
                        expect_well_defined(t.values, warm, what + " (summary given)");
                    }
                }
            }
        }
    }
}

TEST(DegenerateInputs, OutlierThresholdOnSpecialTensors) {
    for (const Special& t : special_tensors()) {
        for (const char* format : {"int8", "fp8_e4m3", "nf4", "mxfp4", "nvfp4"}) {
            QuantConfig c = config_of(format);
            for (const double threshold : {1e-41, 1.0, 3.0e38}) {
                c.outlier_threshold = threshold;
                expect_well_defined(t.values, quantize(t.values, c), t.name + ": " + describe(c));
            }
        }
    }
}

// The original examples: 64 values of 0 and 1e-40 crashed int8 min-max (1 / s overflowed float).
TEST(DegenerateInputs, SubnormalRangeTakesTheSmallestNormalScaleAndSaysSo) {
    std::vector<float> x(64, 0.0f);
    for (std::size_t i = 1; i < x.size(); i += 2) {
        x[i] = 1e-40f;
    }
    for (const QuantConfig& c : {config_of("int8"), config_of("int2", "affine"),
                                 config_of("fp8_e4m3"), config_of("fp4_e2m1"), config_of("nf4")}) {
        const QuantResult r = quantize(x, c);
        ASSERT_EQ(r.groups.size(), 1u) << describe(c);
        EXPECT_EQ(r.groups[0].scale, kMin) << describe(c);
        ASSERT_FALSE(r.notes.empty()) << describe(c);
        EXPECT_NE(r.notes.front().find("2^-126"), std::string::npos) << r.notes.front();
        expect_well_defined(x, r, describe(c));
    }
    // fp8 E4M3 keeps them: 1e-40 / 2^-126 = 0.0085 is above its smallest subnormal, 2^-9.
    const QuantResult fp8 = quantize(x, config_of("fp8_e4m3"));
    EXPECT_GT(fp8.metrics.sqnr_db, 15);
    // int8 rounds them to zero: SQNR 0 dB, cosine 0 (Q(x) is the zero vector).
    const QuantResult int8 = quantize(x, config_of("int8"));
    EXPECT_EQ(int8.metrics.sqnr_db, 0);
    EXPECT_EQ(int8.metrics.cosine_similarity, 0);
    EXPECT_GT(int8.metrics.mse, 0);  // 1e-80 / 2: summed in double, not lost to float
}

// manual:0,0 is a zero clipping range, for every family: the smallest scale, so every non-zero
// value clips (to the top level, near 0), and a note names the manual range. Before, it became
// each format's own range (NF4 [-1, 1] clipped a constant 3.0 to an MSE of 4).
TEST(DegenerateInputs, ZeroManualRangeClipsEverythingInEveryFamily) {
    const std::vector<float> x(64, 3.0f);
    for (const char* format : {"int8", "uint4", "fp8_e4m3", "fp4_e2m1", "nf4", "e3m0"}) {
        const QuantConfig c = config_of(format, "", "", "manual:0,0");
        const QuantResult r = quantize(x, c);
        EXPECT_EQ(r.groups.at(0).scale, kMin) << format;
        EXPECT_EQ(r.metrics.clipped_fraction, 1.0) << format;
        EXPECT_NEAR(r.metrics.mse, 9.0, 1e-6) << format;
        ASSERT_FALSE(r.notes.empty()) << format;
        EXPECT_NE(r.notes.front().find("manual:0,0"), std::string::npos) << r.notes.front();
    }
}

// MX and NVFP4 choose their own scales and the direct scheme has none: a calibration they do not
// use is named in a note instead of being dropped without a word.
TEST(DegenerateInputs, IgnoredCalibrationIsNoted) {
    const std::vector<float> x{0.5f, -1.5f, 2.0f, 0.25f};
    for (const char* format : {"mxfp4", "mxint8", "nvfp4"}) {
        const QuantResult r = quantize(x, config_of(format, "", "", "manual:-1,1"));
        ASSERT_FALSE(r.notes.empty()) << format;
        EXPECT_NE(r.notes.front().find("manual:-1,1 is not used"), std::string::npos)
            << r.notes.front();
        EXPECT_TRUE(quantize(x, config_of(format)).notes.empty()) << format;
    }
    const QuantResult direct = quantize(x, config_of("fp16", "direct", "", "percentile:99"));
    ASSERT_EQ(direct.notes.size(), 1u);
    EXPECT_NE(direct.notes.front().find("not used"), std::string::npos);
}

// Ranges near the float maximum: every level finite (int8's -128 s overflowed before), Q(x)
// finite, the sums in double (x^2 overflows float), and a note.
TEST(DegenerateInputs, RangesNearTheFloatMaximumKeepEveryLevelFinite) {
    // 64 values: whole vector steps of the kernels, whose float lanes overflow on x^2.
    std::vector<float> x;
    for (int k = 0; k < 8; ++k) {
        x.insert(x.end(), {kMax, -kMax, 3.3e38f, 1.0f, -2.5e38f, 0.0f, 1e38f, -kMax});
    }
    for (const QuantConfig& c : every_family()) {
        const QuantResult r = quantize(x, c);
        expect_well_defined(x, r, describe(c));
        for (const double level : quantization_levels(r.groups.at(0), c)) {
            ASSERT_TRUE(std::isfinite(level)) << describe(c);
        }
        if (c.scheme != Scheme::Direct) {
            ASSERT_FALSE(r.notes.empty()) << describe(c);
            EXPECT_NE(r.notes.back().find("float32 maximum"), std::string::npos) << describe(c);
        }
    }
}

// A manual range beyond the float maximum asks for a scale that overflows float32: the largest
// usable one instead, every level finite.
TEST(DegenerateInputs, ManualRangeBeyondTheFloatMaximum) {
    const std::vector<float> x{1.0f, -2.0f, 3e38f, -kMax};
    for (const char* format : {"int8", "uint4", "int16", "fp8_e4m3", "nf4", "bf16"}) {
        for (const char* scheme : {"", "affine"}) {
            QuantConfig c = config_of(format, "", "", "manual:-1e300,1e300");
            if (*scheme != 0 && c.format.kind() == FormatKind::Integer) {
                c.scheme = Scheme::Affine;
            }
            const QuantResult r = quantize(x, c);
            expect_well_defined(x, r, describe(c));
            if (c.scheme != Scheme::Direct) {  // bf16 rounds directly (s = 1)
                EXPECT_GT(r.groups.at(0).scale, 1e30) << describe(c);
            }
        }
    }
}

// One rule at the parameter level too: the scalar rule and the batched block calibration agree
// on blocks of zeros, subnormals and huge values.
TEST(DegenerateInputs, BatchedBlocksFollowTheScalarRule) {
    std::vector<float> x(32 * 6);
    for (std::size_t i = 0; i < x.size(); ++i) {
        const std::size_t block = i / 32;
        x[i] = block == 0   ? 0.0f
               : block == 1 ? (i % 2 ? 1e-40f : 0.0f)
               : block == 2 ? kMax
               : block == 3 ? (i % 2 ? -kMax : kMax)
               : block == 4 ? kNaN
                            : static_cast<float>(i) * 0.01f;
    }
    for (const char* scheme : {"symmetric", "affine"}) {
        const QuantConfig c = config_of("int8", scheme, "block:32");
        const QuantResult r = quantize(x, c);
        ASSERT_EQ(r.groups.size(), 6u);
        for (std::size_t b = 0; b < 6; ++b) {
            const std::span<const float> block(x.data() + b * 32, 32);
            const GroupParameters want =
                parameters_for_range(minmax_range(finite_range(block), c), c);
            EXPECT_EQ(r.groups[b].scale, want.scale) << scheme << " block " << b;
            EXPECT_EQ(r.groups[b].zero_point, want.zero_point) << scheme << " block " << b;
            EXPECT_EQ(r.groups[b].clip_max, want.clip_max) << scheme << " block " << b;
        }
        EXPECT_EQ(r.groups[0].scale, kMin) << scheme;
        EXPECT_EQ(r.groups[1].scale, kMin) << scheme;
        expect_well_defined(x, r, scheme);
    }
}

// Random shapes with a zero-length axis, every granularity: no groups, the no-data metrics, a
// note, and no time spent on the rows or channels the shape claims.
TEST(DegenerateInputs, EmptyTensorsOfRandomShapesAndEveryGranularity) {
    std::mt19937_64 rng(16);
    std::vector<std::vector<std::int64_t>> shapes{
        {0}, {16385, 0}, {4097, 0}, {0, 1LL << 62}, {1LL << 40, 0}, {0, 0, 0}};
    for (int k = 0; k < 60; ++k) {
        std::vector<std::int64_t> shape(1 + rng() % 4);
        for (std::int64_t& d : shape) {
            d = static_cast<std::int64_t>(rng() % 9);
        }
        // One axis up to 2^40 (the product of the others stays far from overflowing), one 0.
        shape[rng() % shape.size()] = static_cast<std::int64_t>(rng() % (1ULL << 40));
        shape[rng() % shape.size()] = 0;
        shapes.push_back(shape);
    }
    const std::vector<float> none;
    const auto start = std::chrono::steady_clock::now();
    for (const std::vector<std::int64_t>& shape : shapes) {
        const int rank = static_cast<int>(shape.size());
        std::vector<std::string> granularities{"tensor", "block:1", "block:32", "block:5"};
        for (int axis = -rank; axis < rank; ++axis) {
            granularities.push_back("channel:" + std::to_string(axis));
        }
        for (const QuantConfig& base : every_family()) {
            for (const std::string& g : granularities) {
                QuantConfig c = base;
                if (base.block_scaling == BlockScaling::None) {
                    c.granularity = parse_granularity(g);
                }
                const std::string what = shape_to_string(shape) + " " + describe(c) + " " + g;
                const QuantResult r = quantize(none, shape, c);
                EXPECT_TRUE(r.groups.empty()) << what;
                EXPECT_EQ(r.metrics.count, 0) << what;
                EXPECT_EQ(undefined_metric(r.metrics), "") << what;
                EXPECT_EQ(r.clip_min, 0) << what;
                EXPECT_EQ(r.clip_max, 0) << what;
                EXPECT_EQ(r.storage.bytes, 0) << what;
                ASSERT_EQ(r.notes.size(), 1u) << what;
                const QuantResult warm = quantize(none, shape, c, {}, summarize_values(none));
                EXPECT_TRUE(warm.groups.empty()) << what;
                const HistogramPlot plot = make_histogram_plot(none, r, c);
                EXPECT_EQ(plot.original.total(), 0) << what;
            }
        }
        // A channel axis the shape does not have is still a usage error.
        QuantConfig c = config_of("int8", "", "channel:" + std::to_string(rank));
        EXPECT_THROW(quantize(none, shape, c), UsageError) << shape_to_string(shape);
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
    // A shape that does not hold the values is refused, not looped over.
    const std::vector<std::int64_t> wrong{1LL << 40, 0};
    EXPECT_THROW(quantize(std::vector<float>{1.0f}, wrong, config_of("int8")), UsageError);
}

TEST(DegenerateInputs, EmptyTensorInEveryEntryPoint) {
    const std::vector<float> none;
    const std::vector<std::int64_t> shape{0, 1LL << 62};
    QuantConfig base = config_of("int8", "", "channel:1");
    const std::vector<QuantConfig> grid =
        sweep_grid(base, {"int8", "int4", "fp8_e4m3", "nf4", "mxfp4", "nvfp4"},
                   {"minmax", "percentile:99.9", "kl", "mse", "sigma:3", "manual:-1,1"});
    const SweepResult s = sweep(none, shape, grid);
    ASSERT_EQ(s.rows.size(), grid.size());
    for (const SweepRow& row : s.rows) {
        EXPECT_EQ(undefined_metric(row.metrics), "") << describe(row.config);
        EXPECT_EQ(row.groups, 0u);
    }
    EXPECT_EQ(summarize_values(none).range.any_finite, false);
    EXPECT_EQ(make_histogram(none, 0, 0, 16).total(), 0);
    for (const char* cal : {"minmax", "percentile:99.9", "kl", "mse", "sigma:3"}) {
        const QuantConfig c = config_of("int8", "", "", cal);
        const ClipRange range = calibrate(none, c);
        EXPECT_EQ(range.lo, 0) << cal;
        EXPECT_EQ(range.hi, 0) << cal;
        EXPECT_EQ(choose_parameters(none, c).scale, kMin) << cal;
    }
}

// Each definition of docs/design.md "Metrics for degenerate inputs", from the sums.
TEST(MetricsForDegenerateInputs, EveryDefinition) {
    constexpr double kInfD = std::numeric_limits<double>::infinity();
    auto metrics = [](std::vector<float> x, std::vector<float> y) {
        return finish_metrics(reference_metric_sums(x, y, -kInf, kInf));
    };
    // No finite value: nothing measured, nothing lost.
    const Metrics none = metrics({kNaN, kInf}, {kNaN, kInf});
    EXPECT_EQ(none.count, 0);
    EXPECT_EQ(none.mse, 0);
    EXPECT_EQ(none.rmse, 0);
    EXPECT_EQ(none.sqnr_db, kInfD);
    EXPECT_EQ(none.max_abs_error, 0);
    EXPECT_EQ(none.mean_error, 0);
    EXPECT_EQ(none.cosine_similarity, 1);
    EXPECT_EQ(none.clipped_fraction, 0);
    EXPECT_EQ(none.zero_fraction, 0);
    // An all-zero signal reproduced exactly: SQNR +Inf, cosine 1 (two zero vectors are equal).
    const Metrics zeros = metrics({0, 0, 0}, {0, 0, 0});
    EXPECT_EQ(zeros.sqnr_db, kInfD);
    EXPECT_EQ(zeros.cosine_similarity, 1);
    EXPECT_EQ(zeros.mse, 0);
    // An all-zero signal with an error: SQNR -Inf, cosine 0 (a zero vector has no direction).
    const Metrics from_zero = metrics({0, 0}, {1e-38f, 0});
    EXPECT_EQ(from_zero.sqnr_db, -kInfD);
    EXPECT_EQ(from_zero.cosine_similarity, 0);
    // A signal quantized to all zeros: SQNR 0 dB, cosine 0.
    const Metrics to_zero = metrics({1e-40f, -2e-40f}, {0, 0});
    EXPECT_EQ(to_zero.sqnr_db, 0);
    EXPECT_EQ(to_zero.cosine_similarity, 0);
    EXPECT_GT(to_zero.mse, 0);
    EXPECT_EQ(to_zero.zero_fraction, 1);
    // Values near the float maximum: finite sums in double.
    const Metrics big = metrics({kMax, -kMax}, {-kMax, kMax});
    EXPECT_TRUE(std::isfinite(big.mse));
    EXPECT_NEAR(big.cosine_similarity, -1, 1e-12);
    EXPECT_NEAR(big.sqnr_db, 10 * std::log10(0.25), 1e-9);
    for (const Metrics& m : {none, zeros, from_zero, to_zero, big}) {
        EXPECT_EQ(undefined_metric(m), "");
    }
    Metrics bad = big;
    bad.mse = std::nan("");
    EXPECT_EQ(undefined_metric(bad), "mse");
    bad = big;
    bad.cosine_similarity = std::nan("");
    EXPECT_EQ(undefined_metric(bad), "cosine_similarity");
}

}  // namespace
}  // namespace quantscope
