// Sweeps, LLM.int8-style outliers, the error histogram and per-block MSE calibration.

#include <gtest/gtest.h>

#include <limits>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "quantscope/common/error.h"
#include "quantscope/common/generators.h"
#include "quantscope/quant/reference_quantizer.h"
#include "quantscope/quant/sweep.h"

namespace quantscope {
namespace {

TEST(Sweep, RowsEqualSingleRunsAndProgressCounts) {
    const Tensor t = generate("mixture:n=20000,seed=4");
    QuantConfig base;
    const std::vector<QuantConfig> grid =
        sweep_grid(base, {"int8", "fp8_e4m3", "int4", "mxfp4"}, {"minmax", "percentile:99.9"});
    ASSERT_EQ(grid.size(), 7u);  // mxfp4 once: its scales come from each block's absmax
    std::vector<std::size_t> seen;
    const SweepResult result =
        sweep(t.values, t.info.shape, grid, [&](std::size_t done, std::size_t total) {
            EXPECT_EQ(total, 7u);
            seen.push_back(done);
            return true;
        });
    EXPECT_FALSE(result.cancelled);
    EXPECT_EQ(seen, (std::vector<std::size_t>{1, 2, 3, 4, 5, 6, 7}));
    ASSERT_EQ(result.rows.size(), 7u);
    for (const SweepRow& row : result.rows) {
        const QuantResult single = quantize(t.values, t.info.shape, row.config);
        EXPECT_EQ(row.metrics.mse, single.metrics.mse) << describe(row.config);
        EXPECT_EQ(row.metrics.kl_divergence, single.metrics.kl_divergence);
        EXPECT_EQ(row.storage.bytes, single.storage.bytes);
    }
    EXPECT_EQ(describe(result.rows[2].config), "fp8_e4m3 scaled minmax nearest-even");
    std::vector<SweepRow> sorted = result.rows;
    sort_worst_first(sorted);
    for (std::size_t i = 1; i < sorted.size(); ++i) {
        EXPECT_LE(sorted[i - 1].metrics.sqnr_db, sorted[i].metrics.sqnr_db);
    }
    EXPECT_EQ(format_name(sorted.front().config).substr(0, 4), "int4");
}

TEST(Sweep, CallbackCancels) {
    const Tensor t = generate("gaussian:n=5000,seed=1");
    const std::vector<QuantConfig> grid =
        sweep_grid(QuantConfig{}, {"int2", "int3", "int4", "int5", "int6"}, {"minmax"});
    const SweepResult result =
        sweep(t.values, t.info.shape, grid, [](std::size_t done, std::size_t) { return done < 2; });
    EXPECT_TRUE(result.cancelled);
    EXPECT_EQ(result.rows.size(), 2u);
    EXPECT_THROW(sweep_grid(QuantConfig{}, {"int99"}, {"minmax"}), UsageError);
}

// A set cancel flag stops every path (integer per tensor, per block, strided channels; scaled and
// block-scaled floats) with Cancelled; a clear flag changes nothing.
TEST(Cancel, EveryPathStopsOnTheFlag) {
    const Tensor t = generate("gaussian:n=65536,seed=2");
    const std::vector<std::int64_t> shape{256, 256};
    std::atomic<bool> stop{true};
    std::atomic<bool> go{false};
    for (const char* format : {"int8", "fp8_e4m3", "mxfp4", "nf4"}) {
        for (const char* granularity : {"tensor", "channel:1", "block:32"}) {
            QuantConfig c;
            apply_format(c, format);
            if (c.block_scaling == BlockScaling::None && c.format.kind() != FormatKind::Lookup) {
                c.granularity = parse_granularity(granularity);
            }
            QuantizeOptions options;
            options.cancel = &stop;
            EXPECT_THROW(quantize(t.values, shape, c, options), Cancelled) << describe(c);
            options.cancel = &go;
            EXPECT_EQ(quantize(t.values, shape, c, options).metrics.mse,
                      quantize(t.values, shape, c).metrics.mse)
                << describe(c);
        }
    }
}

TEST(Outliers, KeptInFp16AndOutOfTheScale) {
    const Tensor t = builtin_sample();  // N(0,1) with 8 outliers of magnitude 12..20
    QuantConfig plain;
    QuantConfig kept = plain;
    kept.outlier_threshold = 6.0;
    const QuantResult a = quantize(t.values, plain);
    const QuantResult b = quantize(t.values, kept);
    EXPECT_DOUBLE_EQ(b.metrics.outlier_fraction, 8.0 / 65536.0);
    EXPECT_GT(b.metrics.sqnr_db, a.metrics.sqnr_db + 10);  // the scale follows the bulk
    EXPECT_LT(b.clip_max, 6.0);
    EXPECT_GT(b.clip_max, 4.0);
    std::size_t outliers = 0;
    for (std::size_t i = 0; i < t.values.size(); ++i) {
        if (std::fabs(t.values[i]) > 6.0f) {
            ++outliers;
            // FP16 keeps 11 significant bits: relative error at most 2^-11.
            EXPECT_NEAR(b.dequantized[i], t.values[i], std::fabs(t.values[i]) * 0x1.0p-11);
        }
    }
    EXPECT_EQ(outliers, 8u);
    EXPECT_EQ(b.storage.outlier_bytes, 8 * 6);
    EXPECT_EQ(b.storage.bytes, a.storage.bytes + 48);
    EXPECT_EQ(b.metrics.count, 65536);
    EXPECT_EQ(b.metrics.nan_count, 0);
    EXPECT_NE(describe(kept).find("outliers>6"), std::string::npos);
    QuantConfig bad = plain;
    bad.outlier_threshold = -1;
    EXPECT_THROW(quantize(t.values, bad), UsageError);
}

TEST(ErrorHistogram, CoversEveryFiniteError) {
    const Tensor t = generate("gaussian:n=30000,seed=2");
    QuantConfig c;
    apply_format(c, "int4");
    const QuantResult r = quantize(t.values, c);
    const HistogramPlot plot = make_histogram_plot(t.values, r, c);
    EXPECT_EQ(plot.error.total(), 30000);
    EXPECT_EQ(plot.error.below + plot.error.above, 0);
    EXPECT_NEAR(std::max(-plot.error.lo, plot.error.hi), r.metrics.max_abs_error, 1e-6);
    // Min-max int4: the error stays within half a step.
    EXPECT_LE(plot.error.hi, r.groups[0].scale / 2 + 1e-6);
}

TEST(HistogramPlotRange, CallerChosenRangeAndBins) {
    const Tensor t = generate("gaussian:n=20000,seed=8");
    QuantConfig c;
    const QuantResult r = quantize(t.values, c);
    const HistogramPlot plot = make_histogram_plot(t.values, r, c, 40, ClipRange{-1.0, 1.0});
    EXPECT_EQ(plot.original.bins(), 40u);
    EXPECT_EQ(plot.original.lo, -1.0);
    EXPECT_EQ(plot.original.hi, 1.0);
    std::int64_t inside = 0;
    for (float v : t.values) {
        inside += (v >= -1.0f && v <= 1.0f) ? 1 : 0;
    }
    EXPECT_EQ(plot.original.total(), inside);
    EXPECT_EQ(plot.original.total() + plot.original.below + plot.original.above, 20000);
    EXPECT_EQ(plot.dequantized.bins(), 40u);
}

// With clipping, the bins hold the rounding error of the values inside the range (within half a
// step) and the clipped values' large errors are counted beside them.
TEST(ErrorHistogram, ClippedErrorsCountedBesideTheBins) {
    const Tensor t = builtin_sample();  // 8 outliers of 12..20
    QuantConfig c;
    c.calibration = parse_calibration("manual:-4,4");
    const QuantResult r = quantize(t.values, c);
    const HistogramPlot plot = make_histogram_plot(t.values, r, c);
    std::int64_t clipped = 0;
    for (float v : t.values) {
        clipped += (v < r.clip_min || v > r.clip_max) ? 1 : 0;
    }
    EXPECT_GT(clipped, 8);
    EXPECT_EQ(plot.error.below + plot.error.above, clipped);
    EXPECT_EQ(plot.error.total(), 65536 - clipped);
    EXPECT_LE(std::max(-plot.error.lo, plot.error.hi), r.groups[0].scale / 2 + 1e-6);
}

TEST(PerBlockMse, NoWorseThanMinMax) {
    const Tensor t = generate("laplace:n=8192,seed=3");
    QuantConfig minmax;
    apply_format(minmax, "int4");
    minmax.granularity = parse_granularity("block:32");
    QuantConfig mse = minmax;
    mse.calibration = parse_calibration("mse");
    const QuantResult a = quantize(t.values, minmax);
    const QuantResult b = quantize(t.values, mse);
    EXPECT_LT(b.metrics.mse, a.metrics.mse);
    QuantConfig kl = minmax;
    kl.calibration = parse_calibration("kl");
    EXPECT_THROW(quantize(t.values, kl), UsageError);
}

TEST(ValueSummary, SharedSummaryGivesTheSameResult) {
    const Tensor t = generate("student-t:n=10000,dof=3,seed=9");
    const ValueSummary summary = summarize_values(t.values);
    QuantConfig c;
    const QuantResult a = quantize(t.values, t.info.shape, c);
    const QuantResult b = quantize(t.values, t.info.shape, c, {}, summary);
    EXPECT_EQ(a.metrics.kl_divergence, b.metrics.kl_divergence);
    EXPECT_GT(a.metrics.kl_divergence, 0.0);
}

// The kernels count the KL metric's histogram as they go; the metric must equal the scalar
// reference's, which counts value by value from each value's group, and every metric must equal
// the run that is handed a summary, for every kind of config and granularity.
double reference_kl(std::span<const float> values, std::span<const std::int64_t> shape,
                    const QuantConfig& config, const QuantResult& result) {
    const Metrics m = reference_quantize(values, shape, config).metrics;
    EXPECT_EQ(m.kl_sampling_floor, result.metrics.kl_sampling_floor) << describe(config);
    return m.kl_divergence;
}

// Every kernel path: per tensor, channels (contiguous, strided, last axis), batched and single
// blocks, stochastic rounding, float, MX, NVFP4 and NF4 kernels, fused or not.
TEST(ValueSummary, KernelCountedHistogramsEqualSeparatePasses) {
    Tensor t = generate("mixture:n=1200000,seed=8");
    t.values[17] = std::numeric_limits<float>::quiet_NaN();
    t.values[400000] = std::numeric_limits<float>::infinity();
    const ValueSummary summary = summarize_values(t.values);
    struct Case {
        const char* format;
        const char* granularity;  // empty: the format's own
        const char* calibration = "minmax";
        Rounding rounding = Rounding::NearestEven;
        Scheme scheme = Scheme::Symmetric;  // integer formats
    };
    // Rows of 1000 end in a short block of 8 for blocks of 32; rows of 960 hold whole blocks
    // (the kernels for aligned blocks).
    const std::vector<std::vector<std::int64_t>> shapes{{1200, 1000}, {1250, 960}};
    for (const std::vector<std::int64_t>& shape : shapes) {
        for (const Case& k : std::vector<Case>{
                 {"int8", "tensor"},
                 {"int8", "channel:0"},
                 {"int8", "channel:1"},
                 {"int8", "channel:1", "percentile:99"},
                 {"uint8", "channel:0", "minmax", Rounding::NearestAway, Scheme::Affine},
                 {"int4", "block:32"},
                 {"int4", "block:7"},
                 {"int2", "block:4"},
                 {"int4", "tensor", "minmax", Rounding::Stochastic},
                 {"int4", "channel:1", "minmax", Rounding::Stochastic},
                 {"int16", "tensor"},
                 {"fp8_e4m3", "tensor"},
                 {"fp8_e5m2", "channel:1"},
                 {"fp4_e2m1", "channel:1"},
                 {"mxfp4", ""},
                 {"mxfp4", "", "minmax", Rounding::NearestAway},
                 {"mxfp4", "", "minmax", Rounding::TowardZero},
                 {"mxfp4", "", "minmax", Rounding::Stochastic},
                 {"mxfp6_e2m3", ""},
                 {"mxfp6_e3m2", ""},
                 {"mxfp8_e4m3", ""},
                 {"mxfp8_e5m2", "", "minmax", Rounding::NearestAway},
                 {"mxint8", ""},
                 {"nvfp4", ""},
                 {"nf4", ""}}) {
            QuantConfig c;
            apply_format(c, k.format);
            if (std::string_view(k.granularity).size() > 0) {
                c.granularity = parse_granularity(k.granularity);
            }
            c.calibration = parse_calibration(k.calibration);
            c.rounding = k.rounding;
            if (c.format.as_integer() != nullptr) {
                c.scheme = k.scheme;
            }
            const QuantResult cold = quantize(t.values, shape, c);
            const QuantResult warm = quantize(t.values, shape, c, {}, summary);
            EXPECT_EQ(cold.metrics.kl_divergence, reference_kl(t.values, shape, c, cold))
                << describe(c);
            EXPECT_EQ(cold.metrics.kl_divergence, warm.metrics.kl_divergence) << describe(c);
            EXPECT_EQ(cold.metrics.mse, warm.metrics.mse) << describe(c);
            EXPECT_EQ(cold.metrics.nan_count, 1) << describe(c);
            EXPECT_EQ(cold.metrics.inf_count, 1) << describe(c);
            for (std::size_t g = 0; g < cold.groups.size(); ++g) {
                ASSERT_EQ(cold.groups[g].scale, warm.groups[g].scale)
                    << describe(c) << " group " << g;
            }
        }
    }
}

// Per tensor, float formats are rounded inside the kernel's loop a vector at a time, and the
// values after a window's last whole vector one at a time. A length that leaves a tail (and NaN,
// Inf in it), every nearest mode and a 16-bit format: Q(x) equal to the scalar reference, the
// KL metric equal to the reference's, every metric equal to the unfused kernel's.
TEST(ValueSummary, PerTensorFloatKernelTailsAndJointCounts) {
    Tensor t = generate("mixture:n=300013,seed=9");  // 300013 = 292 windows of 1024 + 1005
    t.values[300005] = std::numeric_limits<float>::quiet_NaN();
    t.values[300011] = -std::numeric_limits<float>::infinity();
    for (const char* format : {"fp8_e4m3", "fp8_e5m2", "fp6_e3m2", "fp4_e2m1", "fp16"}) {
        for (const Rounding rounding :
             {Rounding::NearestEven, Rounding::NearestAway, Rounding::TowardZero}) {
            QuantConfig c;
            apply_format(c, format);
            c.rounding = rounding;
            const QuantResult cold = quantize(t.values, c);
            ASSERT_EQ(cold.groups.size(), 1u);
            for (std::size_t i = 0; i < t.values.size(); ++i) {
                const float want = quantize_value_reference(t.values[i], cold.groups[0], c, i);
                const float got = cold.dequantized[i];
                ASSERT_TRUE(got == want || (std::isnan(got) && std::isnan(want)))
                    << describe(c) << " value " << i;
            }
            EXPECT_EQ(cold.metrics.kl_divergence, reference_kl(t.values, {}, c, cold))
                << describe(c);
            // Keeping the codes takes the unfused kernel (round, then measure, then count): the
            // same metrics to the last bit.
            QuantizeOptions keep;
            keep.keep_codes = true;
            const std::vector<std::int64_t> shape{static_cast<std::int64_t>(t.values.size())};
            const QuantResult unfused = quantize(t.values, shape, c, keep);
            EXPECT_EQ(cold.metrics.mse, unfused.metrics.mse) << describe(c);
            EXPECT_EQ(cold.metrics.sqnr_db, unfused.metrics.sqnr_db) << describe(c);
            EXPECT_EQ(cold.metrics.max_abs_error, unfused.metrics.max_abs_error) << describe(c);
            EXPECT_EQ(cold.metrics.cosine_similarity, unfused.metrics.cosine_similarity)
                << describe(c);
            EXPECT_EQ(cold.metrics.clipped_fraction, unfused.metrics.clipped_fraction)
                << describe(c);
            EXPECT_EQ(cold.metrics.zero_fraction, unfused.metrics.zero_fraction) << describe(c);
            EXPECT_EQ(cold.metrics.kl_divergence, unfused.metrics.kl_divergence) << describe(c);
            EXPECT_EQ(cold.metrics.nan_count, 1) << describe(c);
            EXPECT_EQ(cold.metrics.inf_count, 1) << describe(c);
        }
    }
}

// A cold call finds the finite range in the pass that calibrates min-max groups (strided
// channels, blocks, channels along axis 0). The range must be the summary's even when its ends
// lie in a short last block, a block the batch kernel does not take, or next to NaN and Inf, and
// a group of NaN only contributes nothing: every group and the result must equal the run handed
// the summary.
TEST(ValueSummary, RangeFromTheCalibrationPassEqualsTheSummarys) {
    constexpr float kNan = std::numeric_limits<float>::quiet_NaN();
    constexpr float kInf = std::numeric_limits<float>::infinity();
    struct Case {
        const char* format;
        const char* granularity;
        std::vector<std::int64_t> shape;
        std::size_t low_at;   // where the smallest value goes
        std::size_t high_at;  // where the largest goes
    };
    // [60, 100]: block:32 leaves a last block of 4 in each row; block:7 does not batch; block:24
    // over rows of 40 leaves blocks of 16, which batch where 24 does not (AVX-512); [5, 12, 100]
    // puts channel:1 in the middle (strided); rows of 48 hold whole blocks of 16 and 48, whose
    // min and max the range pass finds (blocks of NaN only among them).
    for (const Case& k : std::vector<Case>{{"int8", "block:32", {60, 100}, 5999, 99},
                                           {"int8", "block:16", {125, 48}, 5999, 47},
                                           {"uint8", "block:48", {125, 48}, 3, 5950},
                                           {"int4", "block:7", {60, 100}, 6, 5998},
                                           {"uint8", "block:16", {60, 100}, 97, 5903},
                                           {"int8", "block:24", {150, 40}, 430, 4025},
                                           {"int8", "channel:0", {60, 100}, 5999, 0},
                                           {"int8", "channel:1", {60, 100}, 5999, 99},
                                           {"int8", "channel:1", {5, 12, 100}, 5999, 1},
                                           {"fp8_e4m3", "channel:1", {60, 100}, 5998, 3}}) {
        Tensor t = generate("gaussian:n=6000,seed=12");
        t.values[k.low_at] = -9.5f;
        t.values[k.high_at] = 7.25f;
        t.values[1] = kNan;
        t.values[2] = -kInf;
        for (std::size_t i = 200; i < 300; ++i) {  // row 2 (a channel:0 group) is NaN only
            t.values[i] = kNan;
        }
        t.info.shape = k.shape;
        QuantConfig c;
        apply_format(c, k.format);
        c.granularity = parse_granularity(k.granularity);
        if (std::string_view(k.format) == "uint8") {
            c.scheme = Scheme::Affine;
        }
        const ValueSummary summary = summarize_values(t.values);
        ASSERT_EQ(summary.range.lo, -9.5);
        const QuantResult cold = quantize(t.values, k.shape, c);
        const QuantResult warm = quantize(t.values, k.shape, c, {}, summary);
        EXPECT_EQ(cold.metrics.kl_divergence, warm.metrics.kl_divergence) << describe(c);
        EXPECT_EQ(cold.metrics.kl_divergence, reference_kl(t.values, k.shape, c, cold))
            << describe(c);
        EXPECT_EQ(cold.metrics.mse, warm.metrics.mse) << describe(c);
        EXPECT_EQ(cold.clip_min, warm.clip_min) << describe(c);
        EXPECT_EQ(cold.clip_max, warm.clip_max) << describe(c);
        ASSERT_EQ(cold.groups.size(), warm.groups.size());
        for (std::size_t g = 0; g < cold.groups.size(); ++g) {
            ASSERT_EQ(cold.groups[g].scale, warm.groups[g].scale) << describe(c) << " group " << g;
            ASSERT_EQ(cold.groups[g].zero_point, warm.groups[g].zero_point) << describe(c);
            ASSERT_EQ(cold.groups[g].clip_min, warm.groups[g].clip_min) << describe(c);
            ASSERT_EQ(cold.groups[g].clip_max, warm.groups[g].clip_max) << describe(c);
        }
        // Kept codes take the one-group-at-a-time kernels: the same groups and values.
        QuantizeOptions with_codes;
        with_codes.keep_codes = true;
        const QuantResult coded = quantize(t.values, k.shape, c, with_codes);
        EXPECT_EQ(coded.metrics.kl_divergence, warm.metrics.kl_divergence) << describe(c);
        for (std::size_t g = 0; g < cold.groups.size(); ++g) {
            ASSERT_EQ(coded.groups[g].scale, warm.groups[g].scale) << describe(c) << " group " << g;
        }
        for (std::size_t i = 0; i < t.values.size(); ++i) {
            ASSERT_TRUE(cold.dequantized[i] == warm.dequantized[i] ||
                        (std::isnan(cold.dequantized[i]) && std::isnan(warm.dequantized[i])))
                << describe(c) << " at " << i;
            ASSERT_TRUE(coded.dequantized[i] == warm.dequantized[i] ||
                        (std::isnan(coded.dequantized[i]) && std::isnan(warm.dequantized[i])))
                << describe(c) << " at " << i;
        }
    }
}

// A range from -FLT_MAX to FLT_MAX under uint8 affine: the lowest level, (0 - 128) s, overflows
// to -Inf. The KL metric, counted from x in code units, stays finite and equals the reference.
TEST(ValueSummary, LevelsBeyondTheFloatMaximumStayInTheCodeTable) {
    constexpr float kMax = std::numeric_limits<float>::max();
    std::vector<float> x(600000);
    for (std::size_t i = 0; i < x.size(); ++i) {
        x[i] = i % 3 == 0 ? -kMax : (i % 3 == 1 ? kMax : static_cast<float>(i) * 1e30f);
    }
    QuantConfig c;
    c.format = parse_format("uint8");
    c.scheme = Scheme::Affine;
    const QuantResult cold = quantize(x, {}, c);
    for (const float y : cold.dequantized) {
        ASSERT_TRUE(std::isfinite(y));
    }
    EXPECT_TRUE(std::isfinite(cold.groups[0].clip_min));
    EXPECT_TRUE(std::isfinite(cold.groups[0].clip_max));
    EXPECT_TRUE(std::isfinite(cold.metrics.mse));
    EXPECT_TRUE(std::isfinite(cold.metrics.sqnr_db));
    const ValueSummary summary = summarize_values(x);
    const QuantResult warm = quantize(x, {}, c, {}, summary);
    EXPECT_EQ(cold.metrics.kl_divergence, reference_kl(x, {}, c, cold));
    EXPECT_EQ(cold.metrics.kl_divergence, warm.metrics.kl_divergence);
    EXPECT_TRUE(std::isfinite(warm.metrics.kl_divergence));
}

}  // namespace
}  // namespace quantscope
