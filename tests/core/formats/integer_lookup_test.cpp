// Integer formats int2..int16 / uint2..uint16 exhaustively, and the NF4 lookup table.

#include <gtest/gtest.h>

#include <cmath>

#include "quantscope/common/error.h"
#include "quantscope/formats/format.h"

namespace quantscope {
namespace {

TEST(IntegerFormats, EveryCodeOfEveryWidth) {
    for (bool is_signed : {true, false}) {
        for (int bits = 2; bits <= 16; ++bits) {
            const Format f(IntegerFormat{bits, is_signed});
            const IntegerFormat& i = f.integer_format();
            ASSERT_EQ(f.name(), (is_signed ? "int" : "uint") + std::to_string(bits));
            const std::vector<double> values = f.all_values();
            ASSERT_EQ(values.size(), std::size_t{1} << bits);
            ASSERT_EQ(values.front(), i.min_code());
            ASSERT_EQ(values.back(), i.max_code());
            for (std::uint32_t code = 0; code < (1u << bits); ++code) {
                const double v = f.decode(code).value;
                for (Rounding r : {Rounding::NearestEven, Rounding::NearestAway,
                                   Rounding::TowardZero, Rounding::Stochastic}) {
                    ASSERT_EQ(f.encode(v, r).code, code);
                }
                if (v < i.max_code()) {
                    // Ties: v + 0.5 goes to the even integer, or away from zero.
                    const double tie = v + 0.5;
                    const double even = std::fmod(v, 2.0) == 0 ? v : v + 1;
                    ASSERT_EQ(f.encode(tie, Rounding::NearestEven).value, even);
                    ASSERT_EQ(f.encode(tie, Rounding::NearestAway).value, tie > 0 ? v + 1 : v);
                    ASSERT_EQ(f.encode(tie, Rounding::TowardZero).value, tie > 0 ? v : v + 1);
                    ASSERT_EQ(f.encode(std::nextafter(tie, -1e9), Rounding::NearestAway).value, v);
                    ASSERT_EQ(f.encode(std::nextafter(tie, 1e9), Rounding::NearestEven).value,
                              v + 1);
                }
            }
            const Encoded above = f.encode(i.max_code() + 1000.5, Rounding::NearestEven);
            EXPECT_TRUE(above.saturated);
            EXPECT_EQ(above.value, i.max_code());
            const Encoded below = f.encode(i.min_code() - 3.0, Rounding::TowardZero);
            EXPECT_TRUE(below.saturated);
            EXPECT_EQ(below.value, i.min_code());
            EXPECT_TRUE(f.encode(std::nan(""), Rounding::NearestEven).invalid);
        }
    }
}

TEST(IntegerFormats, SignMagnitudeReadingForTeaching) {
    const IntegerFormat int8{8, true};
    EXPECT_EQ(int8.value_of(0xFF), -1);
    EXPECT_EQ(int8.sign_magnitude_value(0xFF), -127);
    EXPECT_EQ(int8.value_of(0x80), -128);
    EXPECT_EQ(int8.sign_magnitude_value(0x80), 0);  // "negative zero": why two's complement wins
    EXPECT_EQ(int8.code_of(-3), 0xFDu);
    const IntegerFormat uint4{4, false};
    EXPECT_EQ(uint4.value_of(0xF), 15);
    EXPECT_EQ(uint4.sign_magnitude_value(0xF), 15);
}

TEST(LookupFormats, Nf4Levels) {
    const Format nf4 = parse_format("nf4");
    const std::vector<double> values = nf4.all_values();
    ASSERT_EQ(values.size(), 16u);
    EXPECT_EQ(values.front(), -1.0);
    EXPECT_EQ(values.back(), 1.0);
    EXPECT_EQ(values[7], 0.0);  // exact zero (QLoRA keeps one)
    EXPECT_EQ(nf4.decode(7).value, 0.0);
    // 8 levels above zero, 7 below: the asymmetric construction of QLoRA's Appendix E.
    EXPECT_EQ(std::count_if(values.begin(), values.end(), [](double v) { return v > 0; }), 8);
    for (std::uint32_t code = 0; code < 16; ++code) {
        EXPECT_EQ(nf4.encode(nf4.decode(code).value, Rounding::NearestEven).code, code);
    }
    // Midpoint between 0.5626170039176941 (13) and 0.7229568362236023 (14): even index 14 under
    // ties-to-even, the larger magnitude (14) under ties-away; nearby values go to the closer.
    const double mid = 0.5 * (0.5626170039176941 + 0.7229568362236023);
    EXPECT_EQ(nf4.encode(mid, Rounding::NearestEven).code, 14u);
    EXPECT_EQ(nf4.encode(0.6, Rounding::NearestEven).code, 13u);
    EXPECT_EQ(nf4.encode(0.7, Rounding::NearestEven).code, 14u);
    EXPECT_EQ(nf4.encode(0.7, Rounding::TowardZero).code, 13u);
    // -0.7 lies between -1 (0) and -0.6961928009986877 (1): toward zero is level 1.
    EXPECT_EQ(nf4.encode(-0.7, Rounding::TowardZero).code, 1u);
    EXPECT_TRUE(nf4.encode(1.5, Rounding::NearestEven).saturated);
    EXPECT_EQ(nf4.encode(1.5, Rounding::NearestEven).value, 1.0);
    EXPECT_EQ(nf4.encode(-3, Rounding::NearestEven).value, -1.0);
    EXPECT_EQ(nf4.properties().bits, 4);
}

TEST(LookupFormats, Nf4StochasticIsUnbiased) {
    const Format nf4 = parse_format("nf4");
    const double x = 0.3;  // between 0.24611230194568634 and 0.33791524171829224
    double sum = 0;
    const int trials = 100000;
    for (int i = 0; i < trials; ++i) {
        sum += nf4.encode(x, Rounding::Stochastic, Saturation::Saturate,
                          stochastic_bits(3, static_cast<std::uint64_t>(i)))
                   .value;
    }
    const double gap = 0.33791524171829224 - 0.24611230194568634;
    EXPECT_NEAR(sum / trials, x, 5 * gap * 0.5 / std::sqrt(trials));
}

TEST(NamedFormats, ListIsCompleteAndOrdered) {
    std::vector<std::string> names;
    for (const Format& f : named_formats()) {
        names.push_back(f.name());
    }
    for (const char* expected :
         {"fp32",         "tf32",         "fp16",     "bf16",     "fp8_e4m3", "fp8_e5m2",
          "fp8_e4m3fnuz", "fp8_e5m2fnuz", "fp6_e2m3", "fp6_e3m2", "fp4_e2m1", "fp4_e2m1_ieee",
          "fp4_e1m2",     "fp4_e3m0",     "e8m0",     "int2",     "int8",     "int16",
          "uint2",        "uint16",       "nf4",      "dynamic8", "udynamic8"}) {
        EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
    }
    EXPECT_EQ(names.front(), "fp32");
    EXPECT_EQ(names.back(), "udynamic8");
    EXPECT_THROW(parse_format("fp32").all_values(), UsageError);
}

}  // namespace
}  // namespace quantscope
