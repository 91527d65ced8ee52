#include "quantscope/quant/calibration.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "quantscope/common/error.h"
#include "quantscope/common/generators.h"
#include "quantscope/quant/quantizer.h"

namespace quantscope {
namespace {

QuantConfig int8_with(std::string_view calibration, Scheme scheme = Scheme::Symmetric) {
    QuantConfig c;
    c.format = Format(parse_integer_format("int8"));
    c.scheme = scheme;
    c.calibration = parse_calibration(calibration);
    return c;
}

// NumPy's percentile (method "linear"), computed the slow obvious way.
double numpy_percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    const double rank = p / 100 * static_cast<double>(v.size() - 1);
    const auto k = static_cast<std::size_t>(std::floor(rank));
    const std::size_t k2 = std::min(k + 1, v.size() - 1);
    return v[k] + (rank - static_cast<double>(k)) * (v[k2] - v[k]);
}

TEST(Percentile, MatchesNumpyLinearInterpolation) {
    const Tensor t = generate("mixture:n=100001,outliers=0.01,seed=3");
    std::vector<double> abs_values;
    std::vector<double> plain;
    for (float x : t.values) {
        abs_values.push_back(std::fabs(x));
        plain.push_back(x);
    }
    for (double p : {50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
        EXPECT_DOUBLE_EQ(percentile(t.values, p, true), numpy_percentile(abs_values, p)) << p;
        EXPECT_DOUBLE_EQ(percentile(t.values, p, false), numpy_percentile(plain, p)) << p;
        EXPECT_DOUBLE_EQ(percentile(t.values, 100 - p, false), numpy_percentile(plain, 100 - p));
    }
    // Small hand-checked case: |x| = [1, 2, 3, 4], P90 -> rank 2.7 -> 3 + 0.7 * 1 = 3.7.
    EXPECT_DOUBLE_EQ(percentile(std::vector<float>{-4, 1, -2, 3}, 90, true), 3.7);
}

TEST(Percentile, IgnoresNanAndInfAndHandlesRepeats) {
    const float inf = std::numeric_limits<float>::infinity();
    const std::vector<float> v{inf, 1, 1, 1, 1, std::numeric_limits<float>::quiet_NaN(), 2};
    EXPECT_DOUBLE_EQ(percentile(v, 50, false), 1.0);
    EXPECT_DOUBLE_EQ(percentile(v, 100, false), 2.0);
    EXPECT_DOUBLE_EQ(percentile(std::vector<float>{}, 99, true), 0.0);
}

TEST(FiniteMoments, MeanStdMinMax) {
    const std::vector<float> v{1, 2, 3, 4, std::numeric_limits<float>::infinity()};
    const FiniteMoments m = finite_moments(v);
    EXPECT_EQ(m.count, 4);
    EXPECT_DOUBLE_EQ(m.mean, 2.5);
    EXPECT_DOUBLE_EQ(m.stddev, std::sqrt(1.25));
    EXPECT_DOUBLE_EQ(m.min, 1);
    EXPECT_DOUBLE_EQ(m.max, 4);
}

// The acceptance test: on a Gaussian with a few outliers, percentile, KL and MSE pick a
// narrower range than min-max and a better SQNR.
TEST(Calibration, ClippingMethodsBeatMinMaxOnOutliers) {
    // About three outliers of 10 to 20 sigma in a million values.
    const Tensor t = generate("mixture:n=1000000,outliers=0.000003,outlier-scale=20,seed=11");
    const QuantResult minmax = quantize(t.values, int8_with("minmax"));
    ASSERT_GT(minmax.clip_max, 9.0);  // the outliers are there
    for (std::string_view method : {"percentile:99.9", "kl", "mse", "sigma:4"}) {
        const QuantResult r = quantize(t.values, int8_with(method));
        EXPECT_LT(r.clip_max, minmax.clip_max * 0.6) << method;
        EXPECT_GT(r.metrics.sqnr_db, minmax.metrics.sqnr_db + 1.0) << method;
        EXPECT_GT(r.metrics.clipped_fraction, 0.0) << method;
    }
}

TEST(Calibration, MseChoiceIsBestOfADenseGrid) {
    const Tensor t = generate("mixture:n=100000,outliers=0.001,outlier-scale=30,seed=12");
    for (std::string_view format : {"int8", "int4"}) {
        QuantConfig c = int8_with("mse");
        c.format = Format(parse_integer_format(format));
        const QuantResult chosen = quantize(t.values, c);
        const double absmax = std::max(std::fabs(finite_moments(t.values).min),
                                       std::fabs(finite_moments(t.values).max));
        double grid_best = std::numeric_limits<double>::infinity();
        for (int j = 1; j <= 400; ++j) {
            const double threshold = absmax * j / 400;
            const GroupParameters g = parameters_for_range({-threshold, threshold}, c);
            grid_best =
                std::min(grid_best, finish_metrics(measure_quantization(t.values, g, c)).mse);
        }
        EXPECT_LE(chosen.metrics.mse, grid_best * (1 + 1e-3)) << format;
    }
}

TEST(Calibration, AffineUsesBothSides) {
    const Tensor t = generate("uniform:n=10000,low=-1,high=3,seed=2");
    const ClipRange r = calibrate(t.values, int8_with("percentile:99", Scheme::Affine));
    EXPECT_NEAR(r.lo, -1 + 0.04, 0.01);
    EXPECT_NEAR(r.hi, 3 - 0.04, 0.01);
    const ClipRange s = calibrate(t.values, int8_with("sigma:1", Scheme::Affine));
    EXPECT_NEAR(s.lo, 1 - 4 / std::sqrt(12.0), 0.02);
    EXPECT_NEAR(s.hi, 1 + 4 / std::sqrt(12.0), 0.02);
}

TEST(Calibration, EdgeTensors) {
    for (std::string_view method : {"minmax", "percentile:99", "kl", "mse", "sigma:3"}) {
        const QuantConfig c = int8_with(method);
        EXPECT_NO_THROW(quantize(std::vector<float>{}, c)) << method;
        const QuantResult zeros = quantize(std::vector<float>(64, 0.0f), c);
        EXPECT_EQ(zeros.metrics.mse, 0.0) << method;
        const QuantResult one = quantize(std::vector<float>{2.5f}, c);
        EXPECT_NEAR(one.dequantized[0], 2.5f, 0.02f) << method;
        const QuantResult constant = quantize(std::vector<float>(50, -1.5f), c);
        EXPECT_NEAR(constant.dequantized[0], -1.5f, 0.02f) << method;
    }
}

TEST(KlThreshold, KeepsEverythingWhenNothingIsInTheTail) {
    // Uniform mass: clipping always loses information, so the full range wins.
    std::vector<std::int64_t> hist(2048, 100);
    EXPECT_DOUBLE_EQ(kl_threshold(hist, 2048.0, 128), 2048.0);
    // A spike at 0 and one far outlier bin: the threshold stops well short of the outlier.
    std::vector<std::int64_t> spiky(2048, 0);
    for (std::size_t i = 0; i < 200; ++i) {
        spiky[i] = static_cast<std::int64_t>(10000 * std::exp(-static_cast<double>(i) / 40));
    }
    spiky[2047] = 1;
    EXPECT_LT(kl_threshold(spiky, 2048.0, 128), 1000.0);
}

// The serial TensorRT-style search, written out here: candidates i = target .. bins, the first
// smallest KL wins.
double serial_kl_threshold(const std::vector<std::int64_t>& hist, double absmax,
                           std::size_t target) {
    const std::size_t bins = hist.size();
    double best_kl = std::numeric_limits<double>::infinity();
    std::size_t best_i = bins;
    for (std::size_t i = target; i <= bins; ++i) {
        std::vector<double> p(hist.begin(), hist.begin() + static_cast<std::ptrdiff_t>(i));
        for (std::size_t k = i; k < bins; ++k) {
            p[i - 1] += static_cast<double>(hist[k]);
        }
        std::vector<double> q(i, 0.0);
        const std::size_t merged = i / target;
        for (std::size_t j = 0; j < target; ++j) {
            const std::size_t start = j * merged;
            const std::size_t stop = j + 1 == target ? i : start + merged;
            double total = 0;
            std::size_t nonzero = 0;
            for (std::size_t k = start; k < stop; ++k) {
                total += static_cast<double>(hist[k]);
                nonzero += p[k] != 0 ? 1 : 0;
            }
            for (std::size_t k = start; k < stop; ++k) {
                q[k] = p[k] != 0 ? total / static_cast<double>(nonzero) : 0.0;
            }
        }
        double p_sum = 0;
        double q_sum = 0;
        for (std::size_t k = 0; k < i; ++k) {
            p_sum += p[k];
            q_sum += q[k];
        }
        if (p_sum == 0 || q_sum == 0) {
            continue;
        }
        double kl = 0;
        for (std::size_t k = 0; k < i; ++k) {
            if (p[k] != 0) {
                const double pk = p[k] / p_sum;
                kl += pk * std::log(pk / std::max(q[k] / q_sum, 1e-12));
            }
        }
        if (kl < best_kl) {
            best_kl = kl;
            best_i = i;
        }
    }
    return static_cast<double>(best_i) * absmax / static_cast<double>(bins);
}

// The search runs on both cores, every other candidate each: it must choose what the serial
// search chooses, on Gaussian-like and heavy-tailed histograms and on ties (a single occupied
// bin gives KL 0 for every candidate: the first one wins).
TEST(KlThreshold, SearchOnBothCoresEqualsTheSerialSearch) {
    std::vector<std::vector<std::int64_t>> cases;
    std::vector<std::int64_t> gaussian(2048, 0);
    std::vector<std::int64_t> heavy(2048, 0);
    for (std::size_t i = 0; i < 2048; ++i) {
        const double t = static_cast<double>(i) / 300.0;
        gaussian[i] = static_cast<std::int64_t>(1e6 * std::exp(-t * t / 2));
        heavy[i] = static_cast<std::int64_t>(1e6 / (1 + t * t * t));
    }
    heavy[2000] += 50;
    std::vector<std::int64_t> single(2048, 0);
    single[5] = 100;
    std::vector<std::int64_t> small(300, 0);
    for (std::size_t i = 0; i < small.size(); ++i) {
        small[i] = static_cast<std::int64_t>((i * 7919) % 13);
    }
    for (const auto* hist : {&gaussian, &heavy, &single, &small}) {
        for (std::size_t target : {std::size_t{128}, std::size_t{8}, std::size_t{255}}) {
            EXPECT_EQ(kl_threshold(*hist, 3.0, target), serial_kl_threshold(*hist, 3.0, target))
                << hist->size() << " bins, target " << target;
        }
    }
    EXPECT_EQ(kl_threshold(single, 2048.0, 128), 128.0);
}

TEST(CalibrationText, ParsesPrintsAndRejects) {
    for (std::string_view text :
         {"minmax", "percentile:99.9", "kl", "mse", "sigma:3", "manual:-1,2.5"}) {
        EXPECT_EQ(to_string(parse_calibration(text)), text);
    }
    EXPECT_EQ(parse_calibration("percentile").parameter, 99.9);
    for (std::string_view bad : {"minmax:3", "percentile:40", "percentile:x", "sigma:-1",
                                 "manual:3,1", "manual:1", "entropy", "kl:2"}) {
        EXPECT_THROW(parse_calibration(bad), UsageError) << bad;
    }
}

}  // namespace
}  // namespace quantscope
