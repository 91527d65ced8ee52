// Published constants of every named format, name round trips, fields and neighbours.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "quantscope/common/error.h"
#include "quantscope/formats/format.h"

namespace quantscope {
namespace {

FormatProperties props(const char* name) {
    return parse_format(name).properties();
}

TEST(FormatProperties, PublishedMaxima) {
    EXPECT_EQ(props("fp16").max_finite, 65504.0);
    // BF16: (2 - 2^-7) * 2^127 = 3.38953139e38
    EXPECT_EQ(props("bf16").max_finite, std::ldexp(2.0 - std::ldexp(1.0, -7), 127));
    EXPECT_NEAR(props("bf16").max_finite, 3.38953139e38, 1e30);
    EXPECT_EQ(props("fp32").max_finite, static_cast<double>(std::numeric_limits<float>::max()));
    EXPECT_EQ(props("fp8_e4m3").max_finite, 448.0);  // S.1111.110 = 1.75 * 2^8
    EXPECT_EQ(props("fp8_e4m3").min_subnormal, std::ldexp(1.0, -9));
    EXPECT_EQ(props("fp8_e5m2").max_finite, 57344.0);      // 1.75 * 2^15
    EXPECT_EQ(props("fp8_e4m3fnuz").max_finite, 240.0);    // bias 8: 1.875 * 2^7
    EXPECT_EQ(props("fp8_e5m2fnuz").max_finite, 57344.0);  // bias 16: 1.75 * 2^15
    EXPECT_EQ(props("fp6_e2m3").max_finite, 7.5);          // 1.875 * 2^2
    EXPECT_EQ(props("fp6_e3m2").max_finite, 28.0);         // 1.75 * 2^4
    EXPECT_EQ(props("fp4_e2m1").max_finite, 6.0);          // 1.5 * 2^2
    EXPECT_EQ(props("fp4_e2m1_ieee").max_finite, 3.0);     // top exponent reserved
    EXPECT_EQ(props("e8m0").max_finite, std::ldexp(1.0, 127));
    EXPECT_EQ(props("e8m0").min_subnormal, std::ldexp(1.0, -127));
    EXPECT_EQ(props("tf32").bits, 19);
    EXPECT_EQ(props("tf32").epsilon, std::ldexp(1.0, -10));
    EXPECT_EQ(props("fp16").epsilon, std::ldexp(1.0, -10));
    EXPECT_EQ(props("fp16").min_normal, std::ldexp(1.0, -14));
    EXPECT_EQ(props("fp16").min_subnormal, std::ldexp(1.0, -24));
}

TEST(FormatProperties, SpecialValuesPerPolicy) {
    const FormatProperties fp16 = props("fp16");
    EXPECT_TRUE(fp16.has_inf && fp16.has_nan && fp16.has_negative_zero);
    const FormatProperties e4m3 = props("fp8_e4m3");
    EXPECT_TRUE(!e4m3.has_inf && e4m3.has_nan && e4m3.has_negative_zero);
    const FormatProperties fnuz = props("fp8_e4m3fnuz");
    EXPECT_TRUE(!fnuz.has_inf && fnuz.has_nan && !fnuz.has_negative_zero);
    const FormatProperties e2m1 = props("fp4_e2m1");
    EXPECT_TRUE(!e2m1.has_inf && !e2m1.has_nan && e2m1.has_negative_zero);
    const FormatProperties e8m0 = props("e8m0");
    EXPECT_TRUE(!e8m0.has_inf && e8m0.has_nan && !e8m0.has_negative_zero);
    EXPECT_EQ(e8m0.bits, 8);
    EXPECT_EQ(e8m0.value_count, 255u);  // 2^-127 .. 2^127; 0xFF is NaN
}

TEST(FormatProperties, ValueCounts) {
    EXPECT_EQ(props("fp8_e4m3").value_count, 253u);  // 256 codes - 2 NaN - one duplicate zero
    EXPECT_EQ(props("fp8_e5m2").value_count, 247u);  // 256 - 6 NaN - 2 Inf - 1 zero
    EXPECT_EQ(props("fp8_e4m3fnuz").value_count, 255u);
    EXPECT_EQ(props("fp4_e2m1").value_count, 15u);
    EXPECT_EQ(props("fp16").value_count, 63487u);  // 65536 - 2046 NaN - 2 Inf - 1 zero
    EXPECT_EQ(props("int8").value_count, 256u);
    EXPECT_EQ(props("nf4").value_count, 16u);
    for (const Format& f : named_formats()) {
        if (f.bits() <= 16) {
            EXPECT_EQ(f.all_values().size(), f.properties().value_count) << f.name();
        }
    }
}

TEST(FormatProperties, E2M1ValuesFiniteAndIeee) {
    EXPECT_EQ(parse_format("fp4_e2m1").all_values(),
              (std::vector<double>{-6, -4, -3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3, 4, 6}));
    EXPECT_EQ(parse_format("fp4_e2m1_ieee").all_values(),
              (std::vector<double>{-3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3}));
    const Format ieee = parse_format("fp4_e2m1_ieee");
    EXPECT_EQ(ieee.decode(0b0110).value_class, ValueClass::Infinite);
    EXPECT_EQ(ieee.decode(0b1110).value, -std::numeric_limits<double>::infinity());
    EXPECT_EQ(ieee.decode(0b0111).value_class, ValueClass::NaN);
}

TEST(FormatProperties, NamesRoundTrip) {
    for (const Format& f : named_formats()) {
        const Format again = parse_format(f.name());
        EXPECT_EQ(again.name(), f.name());
        EXPECT_TRUE(again == f) << f.name();
    }
    for (const char* generic : {"e4m3", "e4m3_fn", "e5m2_fnuz", "e2m1_finite", "e4m3_fn_b8",
                                "e3m4_ieee_b2", "e1m6_finite", "e8m0"}) {
        const Format f = parse_format(generic);
        const Format again = parse_format(f.name());
        EXPECT_TRUE(again == f) << generic << " -> " << f.name();
    }
    EXPECT_EQ(parse_format("e3m4_ieee_b2").name(), "e3m4_b2");
    EXPECT_TRUE(parse_format("e4m3_fn") == parse_format("fp8_e4m3"));
    EXPECT_FALSE(parse_format("e4m3") == parse_format("fp8_e4m3"));
    EXPECT_TRUE(parse_format("float16") == parse_format("fp16"));
    EXPECT_EQ(parse_format("e4m3_fn_b8").float_format().bias(), 8);
}

// Issue 18: a FloatFormat's derived values are built with it and cannot be changed apart from
// the defining ones (they were public fields: `f.bits = 8` compiled and left the rest stale).
template <typename F>
concept FieldsAssignable = requires(F f) {
    f.bits = 8;
    f.exponent_bits = 4;
    f.max_finite = 1.0;
};
static_assert(!FieldsAssignable<FloatFormat>);

TEST(FloatFormatDescriptor, EveryWayToMakeOneHasItsDerivedValues) {
    const FloatFormat fp32 = parse_format("fp32").float_format();
    const FloatFormat made_default;  // was fp32's parameters with zeros for everything derived
    EXPECT_TRUE(made_default == fp32);
    EXPECT_EQ(made_default.bits(), 32);
    EXPECT_EQ(made_default.max_finite(), static_cast<double>(std::numeric_limits<float>::max()));
    EXPECT_EQ(made_default.min_subnormal(), std::ldexp(1.0, -149));
    EXPECT_EQ(made_default.value_count(), fp32.value_count());
    EXPECT_EQ(made_default.nan_code(), 0x7FC00000u);
    // A preset is the generic format under another name; == compares the format, not the label.
    const FloatFormat generic = make_float_format(4, 3, SpecialPolicy::Fn);
    const FloatFormat preset = parse_format("fp8_e4m3").float_format();
    EXPECT_EQ(generic.name(), "e4m3_fn");
    EXPECT_EQ(preset.name(), "fp8_e4m3");
    EXPECT_TRUE(generic == preset);
    EXPECT_EQ(preset.max_finite(), 448.0);
    EXPECT_EQ(generic.named("x").max_finite(), 448.0);
    EXPECT_FALSE(generic == make_float_format(4, 3, SpecialPolicy::Fnuz));
}

TEST(FormatProperties, BadNamesAreUsageErrors) {
    for (const char* bad : {"", "fp", "e1m0", "e1m0_fn", "e9m2", "e0m3", "e4m24", "e8m23_finite",
                            "e4m3_xx", "e4m3_b", "int1", "int17", "uint", "nf5", "fp8", "E4M3"}) {
        EXPECT_THROW(parse_format(bad), UsageError) << bad;
    }
}

TEST(FormatFields, E4M3Max) {
    const Format f = parse_format("fp8_e4m3");
    const CodeFields c = f.fields(0x7E);
    EXPECT_EQ(c.bit_string, "0 1111 110");
    EXPECT_EQ(c.exponent_field, 15u);
    EXPECT_EQ(c.mantissa_field, 6u);
    EXPECT_EQ(c.unbiased_exponent, 8);
    EXPECT_EQ(c.value, 448.0);
    EXPECT_EQ(c.formula, "(-1)^0 * (1 + 6/8) * 2^(15 - 7) = 448");
    EXPECT_EQ(f.fields(0x7F).value_class, ValueClass::NaN);
    const CodeFields sub = f.fields(0x81);
    EXPECT_EQ(sub.value_class, ValueClass::Subnormal);
    EXPECT_EQ(sub.formula, "(-1)^1 * (0 + 1/8) * 2^(1 - 7) = -0.001953125");
    const CodeFields e8m0 = parse_format("e8m0").fields(127);
    EXPECT_EQ(e8m0.bit_string, "01111111");
    EXPECT_EQ(e8m0.value, 1.0);
    EXPECT_EQ(parse_format("int8").fields(0x83).formula,
              "-2^7 * 1 + 3 = -125 (read as sign-magnitude: -3)");
}

TEST(FormatNeighbours, NextUpDownUlp) {
    const Format e4m3 = parse_format("fp8_e4m3");
    EXPECT_EQ(e4m3.next_up(1.0), 1.125);
    EXPECT_EQ(e4m3.next_down(1.0), 0.9375);
    EXPECT_EQ(e4m3.next_up(1.05), 1.125);
    EXPECT_EQ(e4m3.next_down(1.05), 1.0);
    EXPECT_EQ(e4m3.next_up(-1.0), -0.9375);
    EXPECT_EQ(e4m3.next_down(-1.0), -1.125);
    EXPECT_EQ(e4m3.next_up(0.0), std::ldexp(1.0, -9));
    EXPECT_EQ(e4m3.next_down(0.0), -std::ldexp(1.0, -9));
    EXPECT_EQ(e4m3.next_up(448.0), 448.0);
    EXPECT_EQ(e4m3.next_down(448.0), 416.0);
    EXPECT_EQ(e4m3.ulp(1.0), 0.125);
    EXPECT_EQ(e4m3.ulp(-1.5), 0.125);
    EXPECT_EQ(e4m3.ulp(300.0), 32.0);
    EXPECT_EQ(e4m3.ulp(448.0), 32.0);
    EXPECT_EQ(e4m3.ulp(0.0), std::ldexp(1.0, -9));
    const Format fp32 = parse_format("fp32");
    EXPECT_EQ(fp32.next_up(1.0), static_cast<double>(std::nextafter(1.0f, 2.0f)));
    EXPECT_EQ(fp32.ulp(1.0), std::ldexp(1.0, -23));
    const Format e8m0 = parse_format("e8m0");
    EXPECT_EQ(e8m0.next_up(1.0), 2.0);
    EXPECT_EQ(e8m0.next_down(1.0), 0.5);
    EXPECT_EQ(e8m0.next_down(0.0), std::ldexp(1.0, -127));
    const Format nf4 = parse_format("nf4");
    EXPECT_EQ(nf4.next_up(0.0), 0.07958029955625534);
    EXPECT_EQ(nf4.next_down(0.0), -0.09105003625154495);
    EXPECT_EQ(parse_format("int4").next_up(7.0), 7.0);
    EXPECT_EQ(parse_format("int4").next_down(-7.5), -8.0);
    EXPECT_TRUE(std::isnan(e4m3.next_up(std::nan(""))));
}

// DESIGN.md worked examples.
TEST(FormatGolden, E4M3TieAndFp16Overflow) {
    const Format e4m3 = parse_format("fp8_e4m3");
    // 1.0625 = 1 + 1/16 lies halfway between 1.0 (mantissa 000) and 1.125 (mantissa 001):
    // ties to even keep the even mantissa 000, ties away take 1.125.
    EXPECT_EQ(e4m3.encode(1.0625, Rounding::NearestEven).value, 1.0);
    EXPECT_EQ(e4m3.encode(1.0625, Rounding::NearestAway).value, 1.125);
    EXPECT_EQ(e4m3.encode(1.0625, Rounding::NearestEven).error, 0.0625);
    const Format fp16 = parse_format("fp16");
    // 10000 * 10000 = 1e8 > 65504: an IEEE cast overflows to Inf; quantization saturates.
    const Encoded cast = fp16.encode(1e8, Rounding::NearestEven, Saturation::IeeeCast);
    EXPECT_TRUE(std::isinf(cast.value));
    EXPECT_TRUE(cast.overflowed);
    EXPECT_EQ(cast.code, 0x7C00u);
    const Encoded saturated = fp16.encode(1e8, Rounding::NearestEven, Saturation::Saturate);
    EXPECT_EQ(saturated.value, 65504.0);
    EXPECT_TRUE(saturated.saturated);
    EXPECT_EQ(saturated.code, 0x7BFFu);
    // 65519.99 rounds down to 65504 (below the midpoint 65520 to the would-be 65536); 65520
    // itself ties to even, which is the overflowing 2^16: Inf under a cast.
    EXPECT_EQ(fp16.encode(65519.99, Rounding::NearestEven, Saturation::IeeeCast).value, 65504.0);
    EXPECT_TRUE(std::isinf(fp16.encode(65520, Rounding::NearestEven, Saturation::IeeeCast).value));
    EXPECT_EQ(fp16.encode(65520, Rounding::TowardZero, Saturation::IeeeCast).value, 65504.0);
    // E4M3 has no Inf: a cast overflows to NaN.
    EXPECT_TRUE(std::isnan(e4m3.encode(1000, Rounding::NearestEven, Saturation::IeeeCast).value));
    EXPECT_EQ(e4m3.encode(1000, Rounding::NearestEven, Saturation::Saturate).value, 448.0);
    EXPECT_EQ(e4m3.encode(-1000, Rounding::NearestEven, Saturation::Saturate).code, 0xFEu);
}

}  // namespace
}  // namespace quantscope
