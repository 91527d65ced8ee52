// Adam with FP32 and 8-bit states (adam.h): the update by hand, bitsandbytes' order (update the
// parameters with the fresh float state, then requantize), the state errors it reports, and the
// bytes it keeps.

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "quantscope/common/error.h"
#include "quantscope/quant/quantizer.h"
#include "quantscope/train/adam.h"

namespace quantscope {
namespace {

// f(p) = p^2 from p = 1, lr 0.1, b1 0.9, b2 0.999, eps 1e-8, so g = 2p:
//   t = 1: g = 2,   m = 0.2,  v = 0.004,    m^ = 2,        v^ = 4,        p = 1 - 0.1 * 2 / 2
//          = 0.9
//   t = 2: g = 1.8, m = 0.9 * 0.2 + 0.1 * 1.8 = 0.36, v = 0.999 * 0.004 + 0.001 * 3.24 =
//          0.007236, m^ = 0.36 / 0.19 = 1.8947368, v^ = 0.007236 / 0.001999 = 3.6198099,
//          p = 0.9 - 0.1 * 1.8947368 / 1.9025798 = 0.8004122
TEST(Adam, Fp32TwoStepsByHand) {
    AdamSettings s;
    s.learning_rate = 0.1;
    Adam adam({1}, StateFormat::Fp32, s);
    std::vector<float> p{1.0f};
    std::vector<float> g{2.0f};
    adam.step(p, g);
    EXPECT_NEAR(p[0], 0.9f, 1e-6);
    EXPECT_NEAR(adam.first_moment()[0], 0.2f, 1e-7);
    EXPECT_NEAR(adam.second_moment()[0], 0.004f, 1e-8);
    g[0] = 2 * p[0];
    adam.step(p, g);
    EXPECT_NEAR(adam.first_moment()[0], 0.36f, 1e-6);
    EXPECT_NEAR(adam.second_moment()[0], 0.007236f, 1e-8);
    EXPECT_NEAR(p[0], 0.8004122f, 2e-6);
    EXPECT_EQ(adam.steps(), 2);
}

// Without bias correction, t = 1: p = 1 - 0.1 * 0.2 / (sqrt(0.004) + 1e-8) = 1 - 0.3162278.
TEST(Adam, WithoutBiasCorrection) {
    AdamSettings s;
    s.learning_rate = 0.1;
    s.bias_correction = false;
    Adam adam({1}, StateFormat::Fp32, s);
    std::vector<float> p{1.0f};
    const std::vector<float> g{2.0f};
    adam.step(p, g);
    EXPECT_NEAR(p[0], 0.6837722f, 1e-6);
}

std::vector<float> gaussian(std::size_t n, float sigma, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.0f, sigma);
    std::vector<float> x(n);
    for (float& value : x) {
        value = normal(rng);
    }
    return x;
}

// bitsandbytes' order: the parameters move by the freshly updated float m and v, and only then
// are m and v requantized. So the first step (m^ = g, v^ = g^2 exactly) moves every parameter
// exactly as FP32 Adam does, and the state stored is the quantizer's round trip of (1 - b1) g.
TEST(Adam, UpdatesWithTheFloatStateThenRequantizes) {
    const std::vector<float> g = gaussian(3000, 0.01f, 5);
    std::vector<float> p32(g.size(), 0.5f);
    Adam fp32({3000}, StateFormat::Fp32);
    fp32.step(p32, g);
    for (const StateFormat format : {StateFormat::Int8, StateFormat::Dynamic8}) {
        std::vector<float> p(g.size(), 0.5f);
        Adam adam({3000}, format);
        const AdamStepReport report = adam.step(p, g);
        EXPECT_EQ(p, p32) << to_string(format);
        std::vector<float> m(g.size());
        for (std::size_t i = 0; i < g.size(); ++i) {
            m[i] = 0.1f * g[i];  // (1 - b1) taken in double, then float
        }
        const QuantResult q = quantize(m, *moment_config(format, Moment::First));
        for (std::size_t i = 0; i < g.size(); ++i) {
            ASSERT_EQ(adam.first_moment()[i], q.dequantized[i]) << i;
        }
        EXPECT_GT(report.first.relative_rms(), 0.0);
        // After one step the shadow holds the same float state the stored one was made from.
        EXPECT_DOUBLE_EQ(report.first_drift.relative_rms(), report.first.relative_rms());
    }
}

// A gradient stream on a quadratic, curvatures over a decade mixed within every block: FP32
// reports no error; the dynamic map flushes fewer v to zero than linear int8 and ends within 10%
// of FP32's loss (linear int8 diverges here: a v flushed to zero while m is not turns the update
// into m / eps).
TEST(Adam, QuadraticStream) {
    const std::size_t n = 4096 + 512;
    std::vector<float> curvature(n);
    for (std::size_t i = 0; i < n; ++i) {
        curvature[i] = std::pow(10.0f, -1.0f + static_cast<float>(i % 97) / 96.0f);
    }
    const std::vector<float> start = gaussian(n, 1.0f, 9);
    const auto loss = [&](const std::vector<float>& p) {
        double sum = 0;
        for (std::size_t i = 0; i < n; ++i) {
            sum += 0.5 * curvature[i] * p[i] * p[i];
        }
        return sum;
    };
    AdamSettings s;
    s.learning_rate = 0.01;
    double v_zeroed[3] = {};
    double final_loss[3] = {};
    for (const StateFormat format : state_formats()) {
        Adam adam({4096, 512}, format, s);
        std::vector<float> p = start;
        std::vector<float> g(n);
        double sum_v_zeroed = 0;
        for (int t = 0; t < 200; ++t) {
            for (std::size_t i = 0; i < n; ++i) {
                g[i] = curvature[i] * p[i];
            }
            const AdamStepReport r = adam.step(p, g);
            sum_v_zeroed += r.second.zeroed_fraction();
            if (format == StateFormat::Fp32) {
                ASSERT_EQ(r.first.relative_rms(), 0.0);
                ASSERT_EQ(r.second_drift.relative_rms(), 0.0);
            }
        }
        const auto k = static_cast<std::size_t>(format);
        v_zeroed[k] = sum_v_zeroed / 200;
        final_loss[k] = loss(p);
    }
    EXPECT_LT(final_loss[0], 0.3 * loss(start));
    EXPECT_NEAR(final_loss[2], final_loss[0], 0.1 * final_loss[0]);
    EXPECT_LT(v_zeroed[2], 0.5 * v_zeroed[1]);
    std::printf(
        "loss start %.4f fp32 %.4f int8 %.4f dynamic8 %.4f; v zeroed int8 %.5f dynamic8 "
        "%.5f\n",
        loss(start), final_loss[0], final_loss[1], final_loss[2], v_zeroed[1], v_zeroed[2]);
}

TEST(Adam, DeterministicForTheSameGradients) {
    const std::vector<float> g = gaussian(5000, 1.0f, 1);
    std::vector<float> a(5000, 0.0f);
    std::vector<float> b(5000, 0.0f);
    Adam x({5000}, StateFormat::Dynamic8);
    Adam y({5000}, StateFormat::Dynamic8);
    for (int t = 0; t < 3; ++t) {
        x.step(a, g);
        y.step(b, g);
    }
    EXPECT_EQ(a, b);
}

// Two tensors, 5000 and 100 values: FP32 8 bytes per parameter; 8-bit one byte per value and
// moment plus 4 bytes per block (5000: 3 blocks, 100: 1), twice.
TEST(Adam, StateBytes) {
    EXPECT_EQ(Adam({5000, 100}, StateFormat::Fp32).state_bytes(), 8 * 5100);
    EXPECT_DOUBLE_EQ(Adam({5000, 100}, StateFormat::Fp32).state_bytes_per_parameter(), 8.0);
    for (const StateFormat format : {StateFormat::Int8, StateFormat::Dynamic8}) {
        const Adam adam({5000, 100}, format);
        EXPECT_EQ(adam.state_bytes(), 2 * (5000 + 12 + 100 + 4));
        EXPECT_DOUBLE_EQ(adam.state_bytes_per_parameter(), 2.0 * 5116 / 5100);
    }
    EXPECT_EQ(Adam({}, StateFormat::Int8).state_bytes_per_parameter(), 0.0);
}

TEST(Adam, RefusesBadInput) {
    EXPECT_THROW(Adam({-1}, StateFormat::Fp32), UsageError);
    AdamSettings s;
    s.beta2 = 1.0;
    EXPECT_THROW(Adam({1}, StateFormat::Fp32, s), UsageError);
    s = {};
    s.epsilon = 0;
    EXPECT_THROW(Adam({1}, StateFormat::Fp32, s), UsageError);
    Adam adam({2, 3}, StateFormat::Int8);
    std::vector<float> p(4);
    std::vector<float> g(4);
    EXPECT_THROW(adam.step(p, g), UsageError);
}

}  // namespace
}  // namespace quantscope
