// The bytes the Signal tab plays: float to 16-bit PCM with the gain, the full scale and the
// clipping guard, code for code.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "quantscope/signal/pcm.h"

namespace quantscope {
namespace {

TEST(Pcm16, ScalesRoundsAndSaturates) {
    const float inf = std::numeric_limits<float>::infinity();
    const std::vector<float> x{0.0f,  0.5f, -0.5f, 1.0f,          -1.0f, 1.5f,
                               -2.0f, inf,  -inf,  std::nanf(""), 0.25f};
    const Pcm16 pcm = to_pcm16(x, 0, 1);
    // 0.5 * 32767 = 16383.5 rounds away from zero.
    EXPECT_EQ(pcm.samples, (std::vector<std::int16_t>{0, 16384, -16384, 32767, -32767, 32767,
                                                      -32767, 32767, -32767, 0, 8192}));
    EXPECT_EQ(pcm.clipped, 4u);  // 1.5, -2 and the infinities; +-1 exactly is not clipped
}

TEST(Pcm16, GainInDecibelsAndFullScale) {
    const std::vector<float> x{0.01f, -0.02f, 0.1f};
    // +20 dB is x10; full scale 2 halves: 0.05, -0.1, 0.5 of full scale.
    const Pcm16 pcm = to_pcm16(x, 20, 2);
    EXPECT_EQ(pcm.samples, (std::vector<std::int16_t>{1638, -3277, 16384}));
    EXPECT_EQ(pcm.clipped, 0u);
    // +40 dB: x100, 0.1 -> 10 / 2 = 5 times full scale: saturated and counted. (0.01f is a
    // little below 0.01: 16383.4996; -0.02f * 50 is just inside full scale: -32767, unclipped.)
    const Pcm16 loud = to_pcm16(x, 40, 2);
    EXPECT_EQ(loud.samples, (std::vector<std::int16_t>{16383, -32767, 32767}));
    EXPECT_EQ(loud.clipped, 1u);
}

TEST(Pcm16, FullScaleAndHeadroom) {
    EXPECT_EQ(pcm_full_scale(std::vector<float>{0.25f, -0.9f}), 1.0);
    EXPECT_EQ(pcm_full_scale(std::vector<float>{3.0f, -4.0f, std::nanf("")}), 4.0);
    EXPECT_NEAR(headroom_db(std::vector<float>{0.01f, -0.001f}, 1), 40.0, 1e-5);
    EXPECT_TRUE(std::isinf(headroom_db(std::vector<float>{0.0f}, 1)));
}

}  // namespace
}  // namespace quantscope
