// The FFT against the DFT's definition, and the power spectrum's scale and peaks.

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <vector>

#include "quantscope/common/error.h"
#include "quantscope/signal/spectrum.h"

namespace quantscope {
namespace {

std::vector<std::complex<double>> direct_dft(const std::vector<std::complex<double>>& x) {
    const std::size_t n = x.size();
    std::vector<std::complex<double>> out(n);
    for (std::size_t k = 0; k < n; ++k) {
        std::complex<double> sum = 0;
        for (std::size_t i = 0; i < n; ++i) {
            // k * i reduced mod n keeps the angle's argument small and exact.
            const double angle =
                -2 * std::numbers::pi * static_cast<double>((k * i) % n) / static_cast<double>(n);
            sum += x[i] * std::polar(1.0, angle);
        }
        out[k] = sum;
    }
    return out;
}

TEST(Fft, EqualsTheDirectDftOnSmallSizes) {
    std::mt19937 random(5);
    std::normal_distribution<double> normal;
    for (std::size_t n : {1, 2, 4, 8, 16, 32, 64, 256}) {
        SCOPED_TRACE(n);
        std::vector<std::complex<double>> x(n);
        for (auto& v : x) {
            v = {normal(random), normal(random)};
        }
        const auto expected = direct_dft(x);
        fft(x);
        for (std::size_t k = 0; k < n; ++k) {
            EXPECT_NEAR(x[k].real(), expected[k].real(), 1e-12 * static_cast<double>(n)) << k;
            EXPECT_NEAR(x[k].imag(), expected[k].imag(), 1e-12 * static_cast<double>(n)) << k;
        }
    }
}

TEST(Fft, RefusesLengthsThatAreNotPowersOfTwo) {
    std::vector<std::complex<double>> x(12);
    EXPECT_THROW(fft(x), UsageError);
    std::vector<std::complex<double>> none;
    EXPECT_THROW(fft(none), UsageError);
    EXPECT_THROW(power_spectrum(std::vector<float>(8, 1.0f), {.segment = 3}), UsageError);
}

std::vector<float> sine(std::size_t n, double amplitude, double cycles_per_sample) {
    std::vector<float> x(n);
    for (std::size_t i = 0; i < n; ++i) {
        x[i] = static_cast<float>(amplitude * std::sin(2 * std::numbers::pi * cycles_per_sample *
                                                       static_cast<double>(i)));
    }
    return x;
}

TEST(PowerSpectrum, ASineOnABinPeaksThereAtItsMeanPower) {
    // 1000 Hz at 48 kHz on 1024-point segments: bin 1000 / 46.875 is not whole, so take a
    // frequency on a bin: 21 * 46.875 = 984.375 Hz.
    const double rate = 48000;
    const std::size_t segment = 1024;
    const double frequency = 21 * rate / segment;
    const Spectrum s = power_spectrum(sine(48000, 0.5, frequency / rate),
                                      {.segment = segment, .sample_rate = rate});
    ASSERT_EQ(s.power_db.size(), segment / 2 + 1);
    EXPECT_EQ(s.segment, segment);
    EXPECT_EQ(s.segments, 93u);  // starts every 512 below 48000 - 1024, and the last one
    std::size_t peak = 0;
    for (std::size_t k = 0; k < s.power_db.size(); ++k) {
        peak = s.power_db[k] > s.power_db[peak] ? k : peak;
    }
    EXPECT_EQ(peak, 21u);
    EXPECT_DOUBLE_EQ(s.frequency[peak], frequency);
    EXPECT_NEAR(s.power_db[peak], 10 * std::log10(0.5 * 0.5 / 2), 0.01);
    // Hann: the neighbours hold half the peak's amplitude (-6.02 dB), the bins beyond nothing.
    EXPECT_NEAR(s.power_db[20], s.power_db[21] - 6.02, 0.05);
    EXPECT_LT(s.power_db[30], s.power_db[21] - 100);
}

TEST(PowerSpectrum, AtMostMaxSegmentsSpreadOverTheSignal) {
    const double rate = 48000;
    const std::vector<float> x = sine(48000, 0.5, 21.0 / 1024);
    const Spectrum all = power_spectrum(x, {.segment = 1024, .sample_rate = rate});
    const Spectrum some =
        power_spectrum(x, {.segment = 1024, .sample_rate = rate, .max_segments = 10});
    EXPECT_EQ(all.segments, 93u);
    EXPECT_EQ(some.segments, 10u);
    // A stationary sine: the same peak from fewer segments.
    EXPECT_NEAR(some.power_db[21], all.power_db[21], 0.01);
}

TEST(PowerSpectrum, ShortSignalsAreOneZeroPaddedSegmentAndEmptyIsEmpty) {
    const Spectrum s = power_spectrum(sine(100, 1, 0.25), {.segment = 256});
    EXPECT_EQ(s.segments, 1u);
    EXPECT_EQ(s.power_db.size(), 129u);
    EXPECT_DOUBLE_EQ(s.frequency[128], 0.5);  // cycles per sample without a rate
    std::size_t peak = 0;
    for (std::size_t k = 0; k < s.power_db.size(); ++k) {
        peak = s.power_db[k] > s.power_db[peak] ? k : peak;
    }
    EXPECT_EQ(peak, 64u);
    EXPECT_TRUE(power_spectrum(std::vector<float>{}).power_db.empty());
    // Silence: every bin at the floor, no -inf.
    const Spectrum zero = power_spectrum(std::vector<float>(64, 0.0f), {.segment = 64});
    for (double p : zero.power_db) {
        EXPECT_EQ(p, kSpectrumFloorDb);
    }
}

TEST(SignalLayout, OneDAndChannelZeroOfAudio) {
    const std::vector<std::int64_t> audio{3, 2};
    const auto layout = signal_layout(audio, 6);
    ASSERT_TRUE(layout);
    EXPECT_EQ(layout->samples, 3u);
    EXPECT_EQ(layout->stride, 2u);
    const std::vector<float> x{1, 10, 2, 20, 3, 30};
    const std::vector<float> q{1.5f, 0, 2, 0, std::nanf(""), 0};
    EXPECT_EQ(signal_error(x, q, *layout), (std::vector<float>{-0.5f, 0, 0}));
    const std::vector<std::int64_t> image{4, 4, 3};
    EXPECT_FALSE(signal_layout(image, 48));
}

}  // namespace
}  // namespace quantscope
