// Storing optimizer states (optimizer_state.h): the stored state is the engine's
// dequantize(quantize(x)) under each moment's config, blocks of 2048 from the tensor's start,
// the dynamic map keeps the second moment's small values where linear int8 flushes them, and the
// byte counts are bitsandbytes' (1 byte per value + one FP32 absmax per block).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "quantscope/formats/dynamic_map.h"
#include "quantscope/quant/memory_estimate.h"
#include "quantscope/quant/quantizer.h"
#include "quantscope/train/optimizer_state.h"

namespace quantscope {
namespace {

// 5000 values: blocks of 2048, 2048 and 904; a different spread in each block so that every
// block gets its own absmax.
std::vector<float> moment_like(bool non_negative, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> x(5000);
    for (std::size_t i = 0; i < x.size(); ++i) {
        const float spread = i < 2048 ? 1e-3f : (i < 4096 ? 0.5f : 20.0f);
        const float g = spread * normal(rng);
        x[i] = non_negative ? g * g : g;
    }
    return x;
}

struct Case {
    StateFormat format;
    Moment moment;
};
constexpr Case kEightBitCases[] = {{StateFormat::Int8, Moment::First},
                                   {StateFormat::Int8, Moment::Second},
                                   {StateFormat::Dynamic8, Moment::First},
                                   {StateFormat::Dynamic8, Moment::Second}};

TEST(OptimizerState, StoredStateIsTheQuantizersRoundTrip) {
    for (const Case& c : kEightBitCases) {
        const std::vector<float> x = moment_like(c.moment == Moment::Second, 7);
        const QuantResult reference = quantize(x, *moment_config(c.format, c.moment));
        std::vector<float> stored = x;
        store_state(stored, c.format, c.moment);
        ASSERT_EQ(stored.size(), reference.dequantized.size());
        for (std::size_t i = 0; i < stored.size(); ++i) {
            ASSERT_EQ(stored[i], reference.dequantized[i]) << to_string(c.format) << " " << i;
        }
        EXPECT_EQ(reference.groups.size(), 3u);  // 2048 + 2048 + 904
    }
}

// The configs restated by hand, block by block: int8 round(x / s) s with s = absmax / 127
// (uint8: absmax / 255 for the second moment); the dynamic maps the nearest level times absmax.
TEST(OptimizerState, BlocksAreAbsmaxOver2048Values) {
    for (const Case& c : kEightBitCases) {
        const bool second = c.moment == Moment::Second;
        const std::vector<float> x = moment_like(second, 11);
        std::vector<float> stored = x;
        store_state(stored, c.format, c.moment);
        for (std::size_t begin = 0; begin < x.size(); begin += 2048) {
            const std::size_t end = std::min(x.size(), begin + 2048);
            double absmax = 0;
            for (std::size_t i = begin; i < end; ++i) {
                absmax = std::max(absmax, std::fabs(static_cast<double>(x[i])));
            }
            for (std::size_t i = begin; i < end; ++i) {
                double expected = 0;
                if (c.format == StateFormat::Int8) {
                    const double s = absmax / (second ? 255 : 127);
                    expected = std::nearbyint(x[i] / s) * s;
                } else {
                    const LookupFormat& f = second ? udynamic8_format() : dynamic8_format();
                    expected = f.levels[nearest_level(f, x[i] / absmax, true)] * absmax;
                }
                ASSERT_NEAR(stored[i], expected, 1e-6 * absmax)
                    << to_string(c.format) << (second ? " v " : " m ") << i;
            }
        }
    }
}

TEST(OptimizerState, Fp32StoresExactly) {
    std::vector<float> x = moment_like(false, 3);
    const std::vector<float> before = x;
    const StateError e = store_state(x, StateFormat::Fp32, Moment::First);
    EXPECT_EQ(x, before);
    EXPECT_EQ(e.relative_rms(), 0.0);
    EXPECT_FALSE(moment_config(StateFormat::Fp32, Moment::First).has_value());
}

// The second moment's wide range: v = g^2 with g ~ N(0, sigma^2), sigma log-uniform over
// [1e-3, 1] per value (v spans about eight decades), 16384 values. Linear uint8 with absmax
// flushes every v below absmax / 510 to zero (76% of them), the dynamic map only those below
// about 1.6e-7 absmax (11%: g^2 has a long tail towards 0); its relative RMS is about half.
TEST(OptimizerState, DynamicMapBeatsLinearOnTheSecondMoment) {
    std::mt19937_64 rng(2022);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::uniform_real_distribution<float> exponent(-3.0f, 0.0f);
    std::vector<float> v(16384);
    for (float& x : v) {
        const float g = std::pow(10.0f, exponent(rng)) * normal(rng);
        x = g * g;
    }
    std::vector<float> linear = v;
    std::vector<float> dynamic = v;
    const StateError e_linear = store_state(linear, StateFormat::Int8, Moment::Second);
    const StateError e_dynamic = store_state(dynamic, StateFormat::Dynamic8, Moment::Second);
    EXPECT_LT(e_dynamic.relative_rms(), 0.75 * e_linear.relative_rms());
    EXPECT_GT(e_linear.zeroed_fraction(), 0.5);
    EXPECT_LT(e_dynamic.zeroed_fraction(), 0.25 * e_linear.zeroed_fraction());
    std::printf("relative RMS: linear %.5f dynamic %.5f; zeroed: linear %.4f dynamic %.4f\n",
                e_linear.relative_rms(), e_dynamic.relative_rms(), e_linear.zeroed_fraction(),
                e_dynamic.zeroed_fraction());
}

TEST(OptimizerState, BytesAreOnePerValuePlusAnAbsmaxPerBlock) {
    EXPECT_EQ(state_bytes(5000, StateFormat::Fp32, Moment::First), 20000);
    for (const Case& c : kEightBitCases) {
        EXPECT_EQ(state_bytes(5000, c.format, c.moment), 5000 + 4 * 3);
        EXPECT_EQ(state_bytes(2048, c.format, c.moment), 2048 + 4);
        EXPECT_EQ(state_bytes(0, c.format, c.moment), 0);
    }
    // The memory calculator's 8-bit Adam counts the same bytes for one tensor.
    const std::int64_t n = 1'000'000;
    EXPECT_EQ(state_bytes(n, StateFormat::Dynamic8, Moment::First) +
                  state_bytes(n, StateFormat::Dynamic8, Moment::Second),
              training_memory(n, OptimizerStates::EightBitAdam).optimizer);
    EXPECT_EQ(2 * state_bytes(n, StateFormat::Fp32, Moment::First),
              training_memory(n, OptimizerStates::Fp32Adam).optimizer);
}

TEST(OptimizerState, ErrorSumsAndDegenerateCases) {
    const std::vector<float> x{3, 0, -4};
    const std::vector<float> y{3, 1, 0};
    const StateError e = compare_state(x, y);
    EXPECT_DOUBLE_EQ(e.sum_error2, 1 + 16);
    EXPECT_DOUBLE_EQ(e.sum_value2, 9 + 16);
    EXPECT_DOUBLE_EQ(e.relative_rms(), std::sqrt(17.0 / 25.0));
    EXPECT_EQ(e.nonzero, 2);
    EXPECT_EQ(e.zeroed, 1);
    EXPECT_DOUBLE_EQ(e.zeroed_fraction(), 0.5);
    const std::vector<float> zeros{0, 0};
    const std::vector<float> ones{1, 0};
    EXPECT_EQ(compare_state(zeros, zeros).relative_rms(), 0.0);
    EXPECT_EQ(compare_state(zeros, zeros).zeroed_fraction(), 0.0);
    EXPECT_TRUE(std::isinf(compare_state(zeros, ones).relative_rms()));
}

TEST(OptimizerState, NamesParseBack) {
    for (const StateFormat f : state_formats()) {
        EXPECT_EQ(parse_state_format(to_string(f)), f);
    }
    EXPECT_FALSE(parse_state_format("int4").has_value());
}

}  // namespace
}  // namespace quantscope
