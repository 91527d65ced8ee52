// The value report behind `bits` and the bit inspector: exact decimal expansions worked by hand,
// the integer encodings, and the report's numbers against the format engine.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "quantscope/formats/value_report.h"

namespace quantscope {
namespace {

TEST(ExactDecimal, HandWorkedValues) {
    // 0.1f = 13421773 * 2^-27 = 13421773 * 5^27 / 10^27.
    EXPECT_EQ(exact_decimal(static_cast<double>(0.1f)), "0.100000001490116119384765625");
    // The smallest fp16 subnormal: 2^-24 = 5^24 / 10^24.
    EXPECT_EQ(exact_decimal(std::ldexp(1.0, -24)), "0.000000059604644775390625");
    EXPECT_EQ(exact_decimal(65504.0), "65504");
    EXPECT_EQ(exact_decimal(-1.5), "-1.5");
    EXPECT_EQ(exact_decimal(0.0), "0");
    EXPECT_EQ(exact_decimal(-0.0), "-0");
    EXPECT_EQ(exact_decimal(std::ldexp(1.0, 70)), "1180591620717411303424");
    EXPECT_EQ(exact_decimal(std::numeric_limits<double>::infinity()), "inf");
    EXPECT_EQ(exact_decimal(std::nan("")), "nan");
    // The smallest double subnormal has 751 significant digits after 323 zeros.
    const std::string tiny = exact_decimal(std::numeric_limits<double>::denorm_min());
    EXPECT_EQ(tiny.substr(0, 6), "0.0000");
    EXPECT_EQ(tiny.size(), 2u + 1074u);
    EXPECT_EQ(tiny.back(), '5');
}

TEST(ValueReport, E4m3TieRoundsToEven) {
    // 1.0625 lies halfway between 1 and 1.125: ties to even keep the even mantissa, 1.0.
    const Format e4m3 = parse_format("fp8_e4m3");
    const ValueReport even = report_value(e4m3, 1.0625, Rounding::NearestEven);
    EXPECT_EQ(even.value, 1.0);
    EXPECT_EQ(even.error, 0.0625);
    EXPECT_DOUBLE_EQ(even.relative_error, 0.0625 / 1.0625);
    EXPECT_EQ(even.next_up, 1.125);
    EXPECT_EQ(even.ulp, 0.125);
    const ValueReport away = report_value(e4m3, 1.0625, Rounding::NearestAway);
    EXPECT_EQ(away.value, 1.125);
    // Beyond 448 the quantizer saturates while an IEEE-style cast has no Inf to go to: NaN.
    const ValueReport big = report_value(e4m3, 1000, Rounding::NearestEven);
    EXPECT_TRUE(big.encoded.saturated);
    EXPECT_EQ(big.value, 448.0);
    EXPECT_TRUE(std::isnan(big.ieee_cast));
    const ValueReport f16 = report_value(parse_format("fp16"), 1e5, Rounding::NearestEven);
    EXPECT_EQ(f16.value, 65504.0);
    EXPECT_TRUE(std::isinf(f16.ieee_cast));
}

TEST(ValueReport, ScaledIntegerAndCodes) {
    // x = 3.6 in (-10, 10) to int8 symmetric: s = 10 / 127, q = round(45.72) = 46.
    const Format int8 = parse_format("int8");
    const double s = 10.0 / 127;
    const ValueReport r = report_value(int8, 3.6, Rounding::NearestEven, s);
    EXPECT_EQ(r.fields.value, 46.0);
    EXPECT_DOUBLE_EQ(r.value, 46 * s);
    EXPECT_DOUBLE_EQ(r.ulp, s);
    // Every code of fp8_e4m3 reads back as the engine decodes it.
    const Format e4m3 = parse_format("fp8_e4m3");
    for (std::uint32_t code = 0; code < 256; ++code) {
        const ValueReport c = report_code(e4m3, code);
        const double v = e4m3.decode(code).value;
        if (std::isnan(v)) {
            EXPECT_TRUE(std::isnan(c.value));
        } else {
            EXPECT_EQ(c.value, v) << code;
            EXPECT_EQ(c.exact, exact_decimal(v));
        }
    }
}

TEST(ValueReport, AffineTiesRoundBeforeTheZeroPoint) {
    // Affine UINT8 of [-2.5, 3.5]: s = 6/255, z = 106; -1.0 / s = -42.5 is a tie.
    const Format uint8 = parse_format("uint8");
    const double s = 6.0 / 255;
    EXPECT_EQ(report_value(uint8, -1.0, Rounding::NearestEven, s, 106).fields.value, 64.0);
    EXPECT_EQ(report_value(uint8, -1.0, Rounding::NearestAway, s, 106).fields.value, 63.0);
    EXPECT_EQ(report_value(uint8, 1.0, Rounding::NearestEven, s, 106).fields.value, 148.0);
    EXPECT_EQ(report_value(uint8, 1.0, Rounding::NearestAway, s, 106).fields.value, 149.0);
    const ValueReport r = report_value(uint8, 3.5, Rounding::NearestEven, s, 106);
    EXPECT_EQ(r.fields.value, 255.0);
    EXPECT_NEAR(r.value, (255 - 106) * s, 1e-12);
}

// At a scale from the engine (a float32), the inspector divides as the integer quantizer does,
// x times 1/s rounded to float32: for s = float(6 / 255) that makes -1 / s exactly -42.5, a tie,
// as the Steps tab shows, where the quotient in double is -42.4999992.
TEST(ValueReport, ScaledIntegersDivideAsTheEngineDoes) {
    const Format uint8 = parse_format("uint8");
    const auto s = static_cast<double>(static_cast<float>(6.0 / 255));
    EXPECT_EQ(report_value(uint8, -1.0, Rounding::NearestAway, s, 106).fields.value, 63.0);
    EXPECT_EQ(report_value(uint8, -1.0, Rounding::NearestEven, s, 106).fields.value, 64.0);
    EXPECT_EQ(report_value(parse_format("int8"), -1.0, Rounding::NearestAway, s).fields.value,
              -43.0);
}

TEST(IntegerEncodings, ThreeWaysToWriteMinusFive) {
    EXPECT_EQ(twos_complement_bits(-5, 8), "11111011");
    EXPECT_EQ(sign_magnitude_bits(-5, 8), "10000101");
    EXPECT_EQ(unsigned_bits(-5, 8), "");
    EXPECT_EQ(unsigned_bits(200, 8), "11001000");
    EXPECT_EQ(twos_complement_bits(200, 8), "");  // beyond 127
    EXPECT_EQ(sign_magnitude_bits(-128, 8), "");  // sign-magnitude stops at -127
    EXPECT_EQ(twos_complement_bits(-128, 8), "10000000");
}

}  // namespace
}  // namespace quantscope
