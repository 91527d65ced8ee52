// Every code of every float format of at most 16 bits: round trips, every midpoint between
// neighbours and the doubles either side of it, saturation, and the special values per policy.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "format_test_support.h"

namespace quantscope {
namespace {

std::string label(const FloatFormat& f) {
    return f.name();
}

TEST(FloatExhaustive, FormatListCoversPresetsAndGenerics) {
    const auto formats = test::exhaustive_float_formats();
    EXPECT_GE(formats.size(), 200u);
}

TEST(FloatExhaustive, EveryCodeRoundTrips) {
    for (const FloatFormat& f : test::exhaustive_float_formats()) {
        const std::uint32_t count = 1u << f.bits();
        for (std::uint32_t code = 0; code < count; ++code) {
            const Decoded d = decode(f, code);
            if (d.value_class == ValueClass::NaN) {
                ASSERT_TRUE(f.has_nan()) << label(f);
                const Encoded e = encode(f, d.value, Rounding::NearestEven, Saturation::Saturate);
                ASSERT_EQ(e.code, f.nan_code()) << label(f);
                continue;
            }
            for (Rounding mode : test::kAllRoundings) {
                for (Saturation sat : {Saturation::Saturate, Saturation::IeeeCast}) {
                    if (d.value_class == ValueClass::Infinite && sat == Saturation::Saturate) {
                        continue;  // Inf saturates to max: checked below
                    }
                    const Encoded e = encode(f, d.value, mode, sat, 0x12345678u);
                    ASSERT_EQ(e.code, code) << label(f) << " code " << code << " value " << d.value;
                    ASSERT_FALSE(e.saturated && d.value_class != ValueClass::Infinite);
                    ASSERT_EQ(e.error, 0.0);
                }
            }
        }
    }
}

// For neighbours a < b, the midpoint and the doubles just inside it.
TEST(FloatExhaustive, EveryMidpointRoundsAsTheModeSays) {
    for (const FloatFormat& f : test::exhaustive_float_formats()) {
        const auto values = test::finite_values_with_codes(f);
        for (std::size_t i = 0; i + 1 < values.size(); ++i) {
            const test::ValueCode lo = values[i];
            const test::ValueCode hi = values[i + 1];
            const double mid = 0.5 * (lo.value + hi.value);  // exact in double
            const bool lo_is_smaller = std::fabs(lo.value) < std::fabs(hi.value);
            const test::ValueCode small = lo_is_smaller ? lo : hi;
            const test::ValueCode large = lo_is_smaller ? hi : lo;
            // Ties to even: the neighbour whose code is even. Zero is code 0 (or 0x80... for -0,
            // also even), so a tie next to zero goes to zero.
            const std::uint32_t even = (lo.code & 1u) == 0 ? lo.code : hi.code;
            const auto code_of = [&](double x, Rounding r, std::uint32_t random = 0) {
                std::uint32_t c = encode(f, x, r, Saturation::Saturate, random).code;
                // The midpoint between -min and 0 rounds to -0 where it exists: same value as 0.
                if (decode(f, c).value == 0) {
                    c = 0;
                }
                return c;
            };
            const auto canonical = [&](std::uint32_t c) {
                return decode(f, c).value == 0 ? 0u : c;
            };
            ASSERT_EQ(code_of(mid, Rounding::NearestEven), canonical(even))
                << label(f) << " tie between " << lo.value << " and " << hi.value;
            ASSERT_EQ(code_of(mid, Rounding::NearestAway), canonical(large.code))
                << label(f) << " " << mid;
            ASSERT_EQ(code_of(mid, Rounding::TowardZero), canonical(small.code))
                << label(f) << " " << mid;
            // Stochastic: the fraction at a midpoint is exactly 1/2, so random bits below 2^31
            // round away from zero and the rest toward it.
            ASSERT_EQ(code_of(mid, Rounding::Stochastic, 0u), canonical(large.code));
            ASSERT_EQ(code_of(mid, Rounding::Stochastic, 0x7FFFFF00u), canonical(large.code));
            ASSERT_EQ(code_of(mid, Rounding::Stochastic, 0x80000000u), canonical(small.code));
            const double below = std::nextafter(mid, -std::numeric_limits<double>::infinity());
            const double above = std::nextafter(mid, std::numeric_limits<double>::infinity());
            for (Rounding r : {Rounding::NearestEven, Rounding::NearestAway}) {
                ASSERT_EQ(code_of(below, r), canonical(lo.code)) << label(f) << " " << below;
                ASSERT_EQ(code_of(above, r), canonical(hi.code)) << label(f) << " " << above;
            }
            ASSERT_EQ(code_of(below, Rounding::TowardZero),
                      canonical(lo_is_smaller ? lo.code : small.code));
            ASSERT_EQ(code_of(above, Rounding::TowardZero), canonical(small.code));
            // The rounding error is exact: input minus the value chosen.
            const Encoded e = encode(f, below, Rounding::NearestEven, Saturation::Saturate);
            ASSERT_EQ(e.error, below - lo.value);
        }
    }
}

TEST(FloatExhaustive, SaturationAndOverflowAtTheEnds) {
    const double inf = std::numeric_limits<double>::infinity();
    for (const FloatFormat& f : test::exhaustive_float_formats()) {
        const double max = f.max_finite();
        for (double beyond : {std::nextafter(max, inf), max * 1.5, max * 4, 1e300, inf}) {
            for (Rounding r : test::kAllRoundings) {
                const Encoded sat = encode(f, beyond, r, Saturation::Saturate, 0);
                ASSERT_EQ(sat.value, max) << label(f) << " " << beyond;
                ASSERT_TRUE(sat.saturated);
                const Encoded neg = encode(f, -beyond, r, Saturation::Saturate, 0);
                ASSERT_EQ(neg.value, -max) << label(f);
                const Encoded cast = encode(f, beyond, r, Saturation::IeeeCast, 0);
                if (std::isinf(beyond) && f.has_inf()) {
                    ASSERT_EQ(cast.value, inf) << label(f);
                } else if (r == Rounding::TowardZero || (!f.has_inf() && !f.has_nan())) {
                    ASSERT_EQ(cast.value, max) << label(f);
                } else if (f.has_inf()) {
                    // Beyond max by more than half a step overflows to Inf (the top step is
                    // at most max itself, so 2 max always does); nextafter(max) still rounds
                    // to max under the nearest modes. 1.5 max is a tie for M = 0 formats.
                    if (beyond > max * 1.25 || r == Rounding::Stochastic) {
                        if (beyond >= max * 2) {
                            ASSERT_EQ(cast.value, inf) << label(f) << " " << beyond;
                            ASSERT_TRUE(cast.overflowed);
                        }
                    } else {
                        ASSERT_EQ(cast.value, max) << label(f);
                    }
                } else if (beyond >= max * 2) {
                    ASSERT_TRUE(std::isnan(cast.value)) << label(f) << " " << beyond;
                }
            }
        }
    }
}

TEST(FloatExhaustive, NanInfAndNegativeZeroPerPolicy) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (const FloatFormat& f : test::exhaustive_float_formats()) {
        const Encoded n = encode(f, nan, Rounding::NearestEven, Saturation::Saturate);
        if (f.has_nan()) {
            ASSERT_TRUE(std::isnan(n.value)) << label(f);
            ASSERT_EQ(decode(f, n.code).value_class, ValueClass::NaN);
        } else {
            ASSERT_TRUE(n.invalid) << label(f);
            ASSERT_EQ(n.value, 0.0);
        }
        const Encoded z = encode(f, -0.0, Rounding::NearestEven, Saturation::Saturate);
        ASSERT_EQ(z.value, 0.0);
        ASSERT_EQ(std::signbit(z.value), f.has_negative_zero()) << label(f);
        ASSERT_EQ(z.code, f.has_negative_zero() ? f.sign_mask() : 0u) << label(f);
        // Tiny negative values that round to zero keep their sign only where -0 exists.
        const Encoded tiny =
            encode(f, -f.min_subnormal() / 4, Rounding::NearestEven, Saturation::Saturate);
        ASSERT_EQ(std::signbit(tiny.value), f.has_negative_zero()) << label(f);
        std::uint32_t nan_codes = 0;
        std::uint32_t inf_codes = 0;
        for (std::uint32_t code = 0; code < (1u << f.bits()); ++code) {
            const ValueClass c = decode(f, code).value_class;
            nan_codes += c == ValueClass::NaN ? 1 : 0;
            inf_codes += c == ValueClass::Infinite ? 1 : 0;
        }
        ASSERT_EQ(inf_codes, f.has_inf() ? 2u : 0u) << label(f);
        switch (f.policy()) {
            case SpecialPolicy::Ieee:
                ASSERT_EQ(nan_codes, 2 * ((1u << f.mantissa_bits()) - 1)) << label(f);
                break;
            case SpecialPolicy::Fn:
                ASSERT_EQ(nan_codes, 2u) << label(f);
                break;
            case SpecialPolicy::Fnuz:
                ASSERT_EQ(nan_codes, 1u) << label(f);
                ASSERT_EQ(decode(f, f.sign_mask()).value_class, ValueClass::NaN);
                break;
            case SpecialPolicy::Finite:
                ASSERT_EQ(nan_codes, 0u) << label(f);
                break;
        }
    }
}

TEST(FloatExhaustive, E8M0IsAnUnsignedPowerOfTwo) {
    const FloatFormat f = e8m0_format();
    for (std::uint32_t code = 0; code < 255; ++code) {
        ASSERT_EQ(decode(f, code).value, std::ldexp(1.0, static_cast<int>(code) - 127));
        ASSERT_EQ(encode(f, std::ldexp(1.0, static_cast<int>(code) - 127), Rounding::NearestEven,
                         Saturation::Saturate)
                      .code,
                  code);
    }
    EXPECT_EQ(decode(f, 255).value_class, ValueClass::NaN);
    // 1.5 * 2^k ties between 2^k and 2^(k+1): the even code wins (code 127 is 1.0, odd).
    EXPECT_EQ(encode(f, 1.5, Rounding::NearestEven, Saturation::Saturate).value, 2.0);
    EXPECT_EQ(encode(f, 3.0, Rounding::NearestEven, Saturation::Saturate).value, 2.0);
    EXPECT_EQ(encode(f, 1.4, Rounding::NearestEven, Saturation::Saturate).value, 1.0);
    EXPECT_EQ(encode(f, 0.0, Rounding::NearestEven, Saturation::Saturate).value,
              std::ldexp(1.0, -127));
    EXPECT_TRUE(encode(f, -1.0, Rounding::NearestEven, Saturation::Saturate).invalid);
}

TEST(FloatStochastic, UnbiasedInExpectationWhileNearestIsBiased) {
    const FloatFormat f = parse_format("fp8_e4m3").float_format();
    // 1.03 lies between 1.0 and 1.125 at fraction 0.24: nearest always gives 1.0.
    const double x = 1.03;
    const int trials = 200000;
    double sum = 0;
    for (int i = 0; i < trials; ++i) {
        sum += encode(f, x, Rounding::Stochastic, Saturation::Saturate,
                      stochastic_bits(99, static_cast<std::uint64_t>(i)))
                   .value;
    }
    const double mean = sum / trials;
    // Each draw is 1.0 or 1.125: std 0.125 * sqrt(p (1-p)) ~ 0.053; 5 sigma of the mean:
    const double bound = 5 * 0.125 * std::sqrt(0.24 * 0.76 / trials);
    EXPECT_NEAR(mean, x, bound);
    const double nearest = encode(f, x, Rounding::NearestEven, Saturation::Saturate).value;
    EXPECT_GT(std::fabs(nearest - x), 10 * bound);
}

}  // namespace
}  // namespace quantscope
