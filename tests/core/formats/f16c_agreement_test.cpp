// FP16 rounding agrees bit for bit with the CPU's F16C converter (vcvtps2ph), an implementation
// independent of ours, on a large random sample weighted toward subnormals and exact ties. x86
// only; the portable build runs it too (its target attribute needs no -march), where it checks
// the plain C++ rounding against the hardware.

#if defined(__x86_64__) || defined(__i386__)

#include <gtest/gtest.h>
#include <immintrin.h>

#include <bit>
#include <cmath>
#include <random>

#include "quantscope/formats/format.h"

namespace quantscope {
namespace {

__attribute__((target("f16c"))) std::uint16_t f16c_nearest_even(float x) {
    const __m128i h = _mm_cvtps_ph(_mm_set_ss(x), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    return static_cast<std::uint16_t>(_mm_extract_epi16(h, 0));
}

__attribute__((target("f16c"))) std::uint16_t f16c_toward_zero(float x) {
    const __m128i h = _mm_cvtps_ph(_mm_set_ss(x), _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    return static_cast<std::uint16_t>(_mm_extract_epi16(h, 0));
}

std::vector<float> sample() {
    std::mt19937 rng(2024);
    std::vector<float> values;
    std::uniform_int_distribution<std::uint32_t> any_bits;
    std::uniform_int_distribution<std::uint32_t> half_bits(0, 0xFFFF);
    std::uniform_real_distribution<float> subnormal_range(-6.2e-5f, 6.2e-5f);
    for (int i = 0; i < 300000; ++i) {
        values.push_back(std::bit_cast<float>(any_bits(rng)));  // every magnitude
        values.push_back(subnormal_range(rng));                 // fp16 subnormals
        // Exact ties: a half value plus half its spacing, and the floats either side.
        const std::uint32_t h = half_bits(rng) & 0x7BFEu;
        const Format fp16 = parse_format("fp16");
        const double a = fp16.decode(h).value;
        const double b = fp16.decode(h + 1).value;
        const auto tie = static_cast<float>(0.5 * (a + b));
        values.insert(values.end(),
                      {tie, -tie, std::nextafter(tie, 0.0f), std::nextafter(tie, 1e9f)});
    }
    return values;
}

TEST(F16CAgreement, NearestEvenAndTowardZeroMatchTheHardware) {
    if (!__builtin_cpu_supports("f16c")) {
        GTEST_SKIP() << "this CPU has no F16C";
    }
    const Format fp16 = parse_format("fp16");
    const FloatFormat& f = fp16.float_format();
    const std::vector<float> values = sample();
    std::vector<float> bulk(values.size());
    round_to_format(values, bulk, f, Rounding::NearestEven, Saturation::IeeeCast);
    std::size_t checked = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const float x = values[i];
        const std::uint16_t hw = f16c_nearest_even(x);
        const Encoded ours = encode(f, x, Rounding::NearestEven, Saturation::IeeeCast);
        if (std::isnan(x)) {
            ASSERT_EQ(decode(f, hw).value_class, ValueClass::NaN);
            ASSERT_TRUE(std::isnan(bulk[i]));
            continue;
        }
        ASSERT_EQ(ours.code, hw) << "x = " << x;
        ASSERT_EQ(std::bit_cast<std::uint32_t>(bulk[i]),
                  std::bit_cast<std::uint32_t>(static_cast<float>(decode(f, hw).value)))
            << "x = " << x;
        const Encoded trunc = encode(f, x, Rounding::TowardZero, Saturation::IeeeCast);
        ASSERT_EQ(trunc.code, f16c_toward_zero(x)) << "x = " << x;
        ++checked;
    }
    EXPECT_GT(checked, 1'500'000u);
}

}  // namespace
}  // namespace quantscope

#endif  // x86
