// TPDF dither (docs/design.md "Dither"): the total error of a dithered quantizer on a low-level
// sine has mean 0 and variance Delta^2 / 4, is uncorrelated with the signal, and its spectrum
// is flat where the undithered error's holds the sine's harmonics.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "quantscope/common/error.h"
#include "quantscope/common/generators.h"
#include "quantscope/quant/dither.h"
#include "quantscope/quant/quantizer.h"
#include "quantscope/signal/spectrum.h"

namespace quantscope {
namespace {

constexpr double kRate = 48000;
constexpr double kFrequency = 1000;  // 48 samples a period: an undithered error repeats exactly

// int8 symmetric over [-1, 1]: one step Delta = 1/127; the sine spans +-3.2 steps.
QuantConfig low_level_config(Dither dither) {
    QuantConfig config = config_from_fields({{"format", "int8"},
                                             {"calibration", "manual:-1,1"},
                                             {"dither", std::string(to_string(dither))}});
    config.seed = 3;
    return config;
}

struct SineRun {
    std::vector<float> x;
    std::vector<float> error;  // x - Q(x)
    double step = 0;
};

SineRun quantize_sine(Dither dither) {
    const Tensor sine = generate("sine:frequency=1000,amplitude=0.025,rate=48000,duration=1");
    const QuantResult result = quantize(sine.values, low_level_config(dither));
    SineRun run;
    run.x.assign(sine.values.begin(), sine.values.end());
    run.step = result.groups[0].scale;
    run.error = signal_error(sine.values, result.dequantized, {sine.values.size(), 1});
    return run;
}

TEST(Dither, ParsesAndPrints) {
    EXPECT_EQ(parse_dither("tpdf"), Dither::Tpdf);
    EXPECT_EQ(parse_dither("none"), Dither::None);
    EXPECT_FALSE(parse_dither("rpdf"));
    EXPECT_THROW(config_from_fields({{"dither", "white"}}), UsageError);
    // Dither needs a uniform step: refused for floats and block formats, dropped by apply_format.
    EXPECT_THROW(check_config(config_from_fields({{"format", "fp8_e4m3"}, {"dither", "tpdf"}})),
                 UsageError);
    QuantConfig c = config_from_fields({{"format", "int4"}, {"dither", "tpdf"}});
    EXPECT_EQ(describe(c), "int4 symmetric minmax nearest-even tpdf-dither");
    apply_format(c, "mxfp4");
    EXPECT_EQ(c.dither, Dither::None);
}

TEST(Dither, TpdfIsTriangularOverOneStepEitherSide) {
    // Mean 0, variance 1/6, within (-1, 1), and the density's triangle: a quarter of the mass
    // beyond +-1/2 on each side (1/8 each), more than half within +-0.3.
    const std::size_t n = 400000;
    double sum = 0;
    double squares = 0;
    std::size_t beyond_half = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double d = tpdf_dither(7, i);
        ASSERT_GT(d, -1.0);
        ASSERT_LT(d, 1.0);
        sum += d;
        squares += d * d;
        beyond_half += std::fabs(d) > 0.5 ? 1 : 0;
    }
    // Standard errors: 0.41 / sqrt(n) = 6.5e-4 for the mean; about 2.9e-4 for the variance.
    EXPECT_NEAR(sum / n, 0.0, 0.004);
    EXPECT_NEAR(squares / n, 1.0 / 6.0, 0.002);
    EXPECT_NEAR(static_cast<double>(beyond_half) / n, 0.25, 0.004);
    // Deterministic: the same seed and index, the same value; another seed, another value.
    EXPECT_EQ(tpdf_dither(7, 12345), tpdf_dither(7, 12345));
    EXPECT_NE(tpdf_dither(7, 12345), tpdf_dither(8, 12345));
}

TEST(Dither, ErrorOfALowLevelSineHasMeanZeroVarianceAQuarterStepSquaredAndNoCorrelation) {
    const SineRun run = quantize_sine(Dither::Tpdf);
    const double n = static_cast<double>(run.error.size());
    double mean = 0;
    double power = 0;
    double cross = 0;
    double signal_power = 0;
    for (std::size_t i = 0; i < run.error.size(); ++i) {
        mean += run.error[i];
        power += static_cast<double>(run.error[i]) * run.error[i];
        cross += static_cast<double>(run.error[i]) * run.x[i];
        signal_power += static_cast<double>(run.x[i]) * run.x[i];
    }
    mean /= n;
    const double variance = power / n - mean * mean;
    const double correlation = cross / std::sqrt(power * signal_power);
    const double d2 = run.step * run.step;
    // 48000 independent errors within +-1.5 steps: the mean's standard error is
    // Delta / 2 / sqrt(n) = 0.0023 Delta, the variance's under 0.003 Delta^2, the correlation's
    // 1 / sqrt(n) = 0.0046. Bounds at about five of each.
    EXPECT_NEAR(mean / run.step, 0.0, 0.012);
    EXPECT_NEAR(variance / d2, 0.25, 0.015);
    EXPECT_LT(std::fabs(correlation), 0.025);
    // Undithered, the same sine's error is a deterministic function of x: its variance is not
    // the quarter step squared (rounding alone gives about Delta^2 / 12).
    const SineRun plain = quantize_sine(Dither::None);
    double plain_power = 0;
    for (float e : plain.error) {
        plain_power += static_cast<double>(e) * e;
    }
    EXPECT_LT(plain_power / n / d2, 0.12);
}

// How far the strongest of the sine's harmonics 2f .. 10f stands above the spectrum's median.
double harmonics_above_median_db(const SineRun& run) {
    const Spectrum s = power_spectrum(run.error, {.segment = 4096, .sample_rate = kRate});
    std::vector<double> sorted = s.power_db;
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
    const double median = sorted[sorted.size() / 2];
    double strongest = -1e300;
    const double bin = kRate / 4096;
    for (int h = 2; h <= 10; ++h) {
        // The harmonic falls between bins (1000 / 11.72 is not whole): the larger neighbour.
        const auto k = static_cast<std::size_t>(std::floor(h * kFrequency / bin));
        strongest = std::max({strongest, s.power_db[k], s.power_db[k + 1]});
    }
    return strongest - median;
}

TEST(Dither, RemovesTheHarmonicsFromTheErrorSpectrum) {
    const double plain = harmonics_above_median_db(quantize_sine(Dither::None));
    const double dithered = harmonics_above_median_db(quantize_sine(Dither::Tpdf));
    // Undithered: the error repeats every 48 samples, all of its power at multiples of 1 kHz.
    EXPECT_GT(plain, 40.0);
    // Dithered: a flat floor; 22 averaged segments keep the largest of 18 bins within a few dB.
    EXPECT_LT(dithered, 6.0);
}

}  // namespace
}  // namespace quantscope
