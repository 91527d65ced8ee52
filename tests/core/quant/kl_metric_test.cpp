// The KL metric (DESIGN.md "KL divergence"): KL(P || Q~) of the values' histogram in code units,
// the quantity the kl calibration minimises, which must not grow with the tensor's size.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "quantscope/common/generators.h"
#include "quantscope/quant/calibration.h"
#include "quantscope/quant/quantizer.h"

namespace quantscope {
namespace {

QuantConfig manual_config(const char* format, const char* calibration = "manual:-4,4") {
    QuantConfig c;
    apply_format(c, format);
    c.calibration = parse_calibration(calibration);
    return c;
}

// The figures: the old KL (histograms of x and Q(x) bin by bin) went from 0.05 at 1M to
// 8.6 at 16M values for one config. With a fixed range on Gaussian data, int2, int3 and int4 now
// agree within 10 % between 1M and 16M values, and at 16M values KL falls with every bit.
TEST(KlMetric, DoesNotGrowWithTheTensorsSize) {
    const Tensor small = generate("gaussian:n=1000000,seed=21");
    const Tensor large = generate("gaussian:n=16000000,seed=22");
    double previous = std::numeric_limits<double>::infinity();
    for (const char* format : {"int2", "int3", "int4", "int5"}) {
        const QuantConfig c = manual_config(format);
        const QuantResult at_16m = quantize(large.values, c);
        const double kl = at_16m.metrics.kl_divergence;
        EXPECT_LT(kl, previous) << format;  // strictly falling from 2 to 5 bits
        EXPECT_FALSE(at_16m.metrics.kl_below_sampling_floor) << format;
        previous = kl;
        if (std::string(format) != "int5") {
            const double at_1m = quantize(small.values, c).metrics.kl_divergence;
            EXPECT_NEAR(at_1m, kl, 0.1 * kl) << format;
        }
    }
}

// A density flat over every cell loses nothing to the quantizer: uniform values over the cells
// of INT4 on [-4, 4] give a KL within the sampling floor, whatever the size (the old metric, which
// compared the histograms of x and of the spikes of Q(x), gave about log(bins per level)).
TEST(KlMetric, FlatDensityCostsOnlyTheSample) {
    // INT4 symmetric over [-4, 4]: s = 4/7, cells from -8.5 s to 7.5 s.
    const double s = 4.0 / 7.0;
    const std::string spec = "uniform:low=" + std::to_string(-8.5 * s) +
                             ",high=" + std::to_string(7.5 * s) + ",seed=29,n=";
    for (const char* n : {"100000", "4000000"}) {
        const Tensor t = generate(spec + n);
        const QuantResult r = quantize(t.values, manual_config("int4"));
        EXPECT_LT(r.metrics.kl_divergence, r.metrics.kl_sampling_floor) << n;
        EXPECT_TRUE(r.metrics.kl_below_sampling_floor) << n;
    }
}

// Many groups share one grid of cells in code units: a channel scaled by a power of two has the
// same code values, so per channel the KL of rows 2^r x_r equals that of the rows x_r, and the
// KL of blocks stays put between a small and a large tensor of one distribution.
TEST(KlMetric, GroupsShareTheCodeGrid) {
    const Tensor t = generate("gaussian:n=262144,seed=23");
    const std::vector<std::int64_t> shape{64, 4096};
    std::vector<float> scaled(t.values.begin(), t.values.end());
    for (std::size_t i = 0; i < scaled.size(); ++i) {
        scaled[i] = std::ldexp(scaled[i], static_cast<int>(i / 4096) - 32);
    }
    QuantConfig c;
    apply_format(c, "int4");
    c.granularity = parse_granularity("channel:0");
    const QuantResult plain = quantize(t.values, shape, c);
    const QuantResult by_row = quantize(scaled, shape, c);
    EXPECT_GT(plain.metrics.kl_divergence, 0.0);
    EXPECT_EQ(plain.metrics.kl_divergence, by_row.metrics.kl_divergence);
    // Per tensor the rows' scales spread the values over few cells: a much larger divergence.
    QuantConfig tensor = c;
    tensor.granularity = parse_granularity("tensor");
    EXPECT_GT(quantize(scaled, shape, tensor).metrics.kl_divergence,
              2 * plain.metrics.kl_divergence);

    // (Smaller tensors add their sampling floor, (non-empty bins - cells) / 2n: 0.004 at 262k.)
    const Tensor small = generate("gaussian:n=1048576,seed=28");
    const Tensor large = generate("gaussian:n=8388608,seed=24");
    for (const char* format : {"int4", "mxfp4", "nvfp4", "nf4"}) {
        QuantConfig b;
        apply_format(b, format);
        if (b.block_scaling == BlockScaling::None && b.format.as_lookup() == nullptr) {
            b.granularity = parse_granularity("block:32");
        }
        const std::vector<std::int64_t> small_shape{1024, 1024};
        const std::vector<std::int64_t> large_shape{8192, 1024};
        const double kl_small = quantize(small.values, small_shape, b).metrics.kl_divergence;
        const double kl_large = quantize(large.values, large_shape, b).metrics.kl_divergence;
        EXPECT_GT(kl_large, 0.0) << format;
        EXPECT_NEAR(kl_small, kl_large, 0.1 * kl_large) << format;
    }
}

// Outliers kept in FP16 are exact: they weigh in with a divergence of 0, so the KL is the
// inliers' KL times their share.
TEST(KlMetric, OutliersKeptInFp16WeighInAsExact) {
    const Tensor t = generate("mixture:n=200000,outliers=0.01,outlier-scale=20,seed=25");
    QuantConfig c = manual_config("int4", "manual:-3,3");
    c.outlier_threshold = 5;
    const QuantResult with_outliers = quantize(t.values, c);
    std::vector<float> inliers;
    for (float v : t.values) {
        if (std::fabs(v) <= 5.0f) {
            inliers.push_back(v);
        }
    }
    ASSERT_LT(inliers.size(), t.values.size());
    c.outlier_threshold = 0;
    const QuantResult alone = quantize(inliers, c);
    const double share = static_cast<double>(inliers.size()) / static_cast<double>(t.values.size());
    EXPECT_NEAR(with_outliers.metrics.kl_divergence, alone.metrics.kl_divergence * share,
                1e-12 * alone.metrics.kl_divergence);
}

// The sampling floor: on 65k values INT8 min-max is below it (its cells are finer than the
// sample resolves), INT3 far above; the floor is about (non-empty bins - cells) / 2n.
TEST(KlMetric, SamplingFloor) {
    const Tensor t = generate("gaussian:n=65536,seed=26");
    QuantConfig c;
    apply_format(c, "int8");
    const QuantResult int8 = quantize(t.values, c);
    EXPECT_TRUE(int8.metrics.kl_below_sampling_floor);
    // About 1700 non-empty bins in 255 cells: (1700 - 255) / (2 * 65536) = 0.011.
    EXPECT_GT(int8.metrics.kl_sampling_floor, 0.005);
    EXPECT_LT(int8.metrics.kl_sampling_floor, 0.02);
    apply_format(c, "int3");
    const QuantResult int3 = quantize(t.values, c);
    EXPECT_FALSE(int3.metrics.kl_below_sampling_floor);
    EXPECT_GT(int3.metrics.kl_divergence, 5 * int3.metrics.kl_sampling_floor);
    // Nothing finite: nothing to measure.
    const QuantResult none = quantize(std::vector<float>{}, c);
    EXPECT_EQ(none.metrics.kl_divergence, 0.0);
    EXPECT_EQ(none.metrics.kl_sampling_floor, 0.0);
}

// On a long-tailed tensor the kl calibration's KL is no larger than min-max's, and no larger than
// that of any of its candidate thresholds (TensorRT's choice among them).
TEST(KlMetric, KlCalibrationHasTheSmallestKl) {
    const Tensor t = generate("student-t:n=200000,dof=2,seed=27");
    for (const char* format : {"int8", "int4", "int3", "fp8_e4m3", "fp4_e2m1"}) {
        QuantConfig kl = manual_config(format, "kl");
        const QuantResult chosen = quantize(t.values, kl);
        const QuantResult minmax = quantize(t.values, manual_config(format, "minmax"));
        EXPECT_LE(chosen.metrics.kl_divergence, minmax.metrics.kl_divergence) << format;
        const std::vector<double> candidates = kl_candidates(t.values, kl);
        ASSERT_GE(candidates.size(), 5u);
        int equal = 0;
        for (double threshold : candidates) {
            QuantConfig candidate = kl;
            candidate.calibration.method = CalibrationMethod::Manual;
            candidate.calibration.manual_min = -threshold;
            candidate.calibration.manual_max = threshold;
            const double kl_there = quantize(t.values, candidate).metrics.kl_divergence;
            EXPECT_LE(chosen.metrics.kl_divergence, kl_there) << format << " at " << threshold;
            equal += kl_there == chosen.metrics.kl_divergence ? 1 : 0;
        }
        EXPECT_GE(equal, 1) << format;  // the choice is one of them, measured alike
    }
}

// The calibration counts every candidate's KL histogram in one pass (a histogram of the sum of a
// value's slots under all the scales): it must give the metric quantize() reports, to the bit, on
// values that sit on bin edges, exact zeros of both signs, subnormals, NaN and Inf.
TEST(KlMetric, CandidatesMeasuredInOnePassAsQuantizeMeasuresThem) {
    const Tensor gaussian = generate("gaussian:n=70000,seed=31");
    std::vector<float> values(gaussian.values.begin(), gaussian.values.end());
    const std::vector<double> thresholds{0.9, 1.7, 2.5, 3.1, 4.0, 4.3};
    for (double t : thresholds) {
        for (int k = -1030; k <= 1030; ++k) {  // bin edges and their float neighbours
            const auto edge = static_cast<float>(t / 127 * (k / 8.0 - 0.5));
            values.push_back(edge);
            values.push_back(std::nextafter(edge, 0.0f));
            values.push_back(std::nextafter(edge, 5.0f));
        }
    }
    for (int i = 0; i < 3000; ++i) {
        values.push_back(i % 2 == 0 ? 0.0f : -0.0f);
        values.push_back(std::ldexp(i % 2 == 0 ? 1.0f : -1.0f, -140 + i % 20));  // subnormal
    }
    values.push_back(std::numeric_limits<float>::quiet_NaN());
    values.push_back(std::numeric_limits<float>::infinity());
    values.push_back(-std::numeric_limits<float>::infinity());
    values.push_back(4.3f);
    const FiniteMoments m = finite_moments(values);
    for (const char* format : {"int8", "int4", "fp8_e4m3", "fp4_e2m1"}) {
        for (const char* scheme : {"symmetric", "affine"}) {
            QuantConfig c = manual_config(format);
            if (c.format.kind() == FormatKind::Integer) {
                c.scheme = std::string(scheme) == "affine" ? Scheme::Affine : Scheme::Symmetric;
            } else if (std::string(scheme) == "affine") {
                continue;
            }
            const std::vector<double> kl = kl_metrics_at(values, thresholds, m, c);
            ASSERT_EQ(kl.size(), thresholds.size());
            for (std::size_t i = 0; i < thresholds.size(); ++i) {
                QuantConfig manual = c;
                manual.calibration.method = CalibrationMethod::Manual;
                manual.calibration.manual_min = c.scheme == Scheme::Symmetric
                                                    ? -thresholds[i]
                                                    : std::max(m.min, -thresholds[i]);
                manual.calibration.manual_max =
                    c.scheme == Scheme::Symmetric ? thresholds[i] : std::min(m.max, thresholds[i]);
                EXPECT_EQ(kl[i], quantize(values, manual).metrics.kl_divergence)
                    << format << " " << scheme << " at " << thresholds[i];
            }
        }
    }
}

}  // namespace
}  // namespace quantscope
