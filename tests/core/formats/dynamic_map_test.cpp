// The 8-bit optimizer maps dynamic8 / udynamic8 against their definition (dynamic_map.h):
// every pattern read bit by bit, the table against bitsandbytes' construction, the shape of the
// table, and hand-computed codes.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "quantscope/formats/dynamic_map.h"
#include "quantscope/formats/format.h"

namespace quantscope {
namespace {

// The definition read one bit at a time: sign, count the zeros, the indicator, the fraction.
double read_pattern(std::uint32_t pattern, bool is_signed) {
    int bit = is_signed ? 6 : 7;  // highest bit after the sign
    const double sign = is_signed && (pattern >> 7) == 1 ? -1.0 : 1.0;
    int zeros = 0;
    while (bit >= 0 && ((pattern >> bit) & 1u) == 0) {
        ++zeros;
        --bit;
    }
    if (bit < 0) {
        return sign < 0 ? 1.0 : 0.0;  // the negative zero holds 1.0
    }
    if (zeros == 7) {
        return 1.0;  // udynamic8's 00000001
    }
    --bit;  // the indicator
    double fraction = 0;
    int fraction_bits = 0;
    for (; bit >= 0; --bit) {
        fraction = 2 * fraction + ((pattern >> bit) & 1u);
        ++fraction_bits;
    }
    // The midpoint of bin `fraction` of [0.1, 1] split into 2^fraction_bits.
    const double bin = 0.9 / std::exp2(fraction_bits);
    return sign * std::pow(10.0, -zeros) * (0.1 + (fraction + 0.5) * bin);
}

TEST(DynamicMap, EveryPatternMatchesTheDefinition) {
    for (bool is_signed : {true, false}) {
        for (std::uint32_t pattern = 0; pattern < 256; ++pattern) {
            EXPECT_DOUBLE_EQ(dynamic_map_value(pattern, is_signed),
                             read_pattern(pattern, is_signed))
                << pattern << (is_signed ? " signed" : " unsigned");
        }
    }
}

// bitsandbytes' create_dynamic_map(signed, max_exponent_bits=7, total_bits=8), restated: for
// i = 0..6, the means of linspace(0.1, 1, n + 1) with n = 2^i bins (2^(i+1) unsigned), times
// 10^(i-6), and their negatives when signed; then 0 and 1.0; sorted.
std::vector<double> bitsandbytes_map(bool is_signed) {
    std::vector<double> data;
    for (int i = 0; i < 7; ++i) {
        const int n = is_signed ? 1 << i : 1 << (i + 1);
        for (int j = 0; j < n; ++j) {
            const double lo = 0.1 + 0.9 * j / n;
            const double hi = 0.1 + 0.9 * (j + 1) / n;
            const double mean = std::pow(10.0, i - 6) * (lo + hi) / 2;
            data.push_back(mean);
            if (is_signed) {
                data.push_back(-mean);
            }
        }
    }
    data.push_back(0.0);
    data.push_back(1.0);
    std::sort(data.begin(), data.end());
    return data;
}

TEST(DynamicMap, TableIsTheBitsandbytesConstruction) {
    for (bool is_signed : {true, false}) {
        const Format f = parse_format(is_signed ? "dynamic8" : "udynamic8");
        const std::vector<double> expected = bitsandbytes_map(is_signed);
        ASSERT_EQ(expected.size(), 256u);
        ASSERT_EQ(f.bits(), 8);
        for (std::uint32_t code = 0; code < 256; ++code) {
            // bitsandbytes computes in float32; the table is float32 of the exact value.
            EXPECT_FLOAT_EQ(static_cast<float>(f.decode(code).value),
                            static_cast<float>(expected[code]))
                << f.name() << " code " << code;
            EXPECT_EQ(f.decode(code).value,
                      static_cast<double>(static_cast<float>(f.decode(code).value)));
        }
    }
}

TEST(DynamicMap, MonotoneSymmetricWithZeroAndOne) {
    const LookupFormat& s = dynamic8_format();
    const LookupFormat& u = udynamic8_format();
    for (const LookupFormat* f : {&s, &u}) {
        ASSERT_EQ(f->levels.size(), 256u);
        EXPECT_EQ(f->block, 2048);
        for (std::size_t i = 0; i + 1 < 256; ++i) {
            EXPECT_LT(f->levels[i], f->levels[i + 1]) << f->name << " " << i;
        }
        EXPECT_EQ(f->levels.back(), 1.0);
        EXPECT_NE(std::find(f->levels.begin(), f->levels.end(), 0.0), f->levels.end());
    }
    // Signed: 127 negatives, 0, 127 positives below 1, and 1; each level but 1 has its negation.
    EXPECT_EQ(s.levels[127], 0.0);
    for (std::size_t i = 0; i < 127; ++i) {
        EXPECT_EQ(s.levels[i], -s.levels[254 - i]) << i;
    }
    EXPECT_EQ(s.levels.front(), -static_cast<double>(0.99296875f));  // -1 is not a level
    // Unsigned: 0 first, nothing negative.
    EXPECT_EQ(u.levels.front(), 0.0);
    // Each decade below 1 holds half the levels of the one above (the fraction loses a bit).
    for (const LookupFormat* f : {&s, &u}) {
        int expected = f == &s ? 64 : 128;
        for (int z = 0; z <= 6; ++z, expected /= 2) {
            const auto in_decade = std::count_if(f->levels.begin(), f->levels.end(), [&](double v) {
                return v >= 0.1 * std::pow(10.0, -z) * (1 - 1e-9) && v < std::pow(10.0, -z);
            });
            EXPECT_EQ(in_decade, expected) << f->name << " 10^-" << z;
        }
    }
}

TEST(DynamicMap, HandComputedCodes) {
    // Signed, s|zeros|1|fraction:
    //   0 1 111111: Z=0, K=6, F=63: 0.1 + 0.9 * 127/128 = 0.99296875
    //   0 01 00000: Z=1, K=5, F=0:  0.1 * (0.1 + 0.9 * 1/64) = 0.1 * 0.1140625 = 0.01140625
    //   0 0000001:  Z=6, K=0:       1e-6 * (0.1 + 0.9 / 2) = 0.55e-6
    //   1 0000000:  the negative zero, 1.0
    EXPECT_EQ(dynamic_map_value(0b0'1111111, true), 0.99296875);
    EXPECT_DOUBLE_EQ(dynamic_map_value(0b0'0100000, true), 0.01140625);
    EXPECT_DOUBLE_EQ(dynamic_map_value(0b0'0000001, true), 0.55e-6);
    EXPECT_DOUBLE_EQ(dynamic_map_value(0b1'0000001, true), -0.55e-6);
    EXPECT_DOUBLE_EQ(dynamic_map_value(0b1'0011010, true), -0.01 * (0.1 + 0.9 * 21 / 32));
    EXPECT_EQ(dynamic_map_value(0b1'0000000, true), 1.0);
    EXPECT_EQ(dynamic_map_value(0, true), 0.0);
    // Unsigned, zeros|1|fraction:
    //   1 1111111: Z=0, K=7, F=127: 0.1 + 0.9 * 255/256 = 0.996484375
    //   0000001 0: Z=6, K=1, F=0:   1e-6 * (0.1 + 0.9 / 4) = 0.325e-6
    //   00000001:  1.0
    EXPECT_EQ(dynamic_map_value(0xff, false), 0.996484375);
    EXPECT_DOUBLE_EQ(dynamic_map_value(0b00000010, false), 0.325e-6);
    EXPECT_EQ(dynamic_map_value(0b00000001, false), 1.0);
    EXPECT_EQ(dynamic_map_value(0, false), 0.0);
    // Codes are indices into the sorted table.
    const Format s = parse_format("dynamic8");
    EXPECT_EQ(s.decode(0).value, -static_cast<double>(0.99296875f));
    EXPECT_EQ(s.decode(127).value, 0.0);
    EXPECT_EQ(s.decode(128).value, static_cast<double>(0.55e-6f));
    EXPECT_EQ(s.decode(254).value, static_cast<double>(0.99296875f));
    EXPECT_EQ(s.decode(255).value, 1.0);
    const Format u = parse_format("udynamic8");
    EXPECT_EQ(u.decode(1).value, static_cast<double>(0.325e-6f));
    EXPECT_EQ(u.decode(254).value, static_cast<double>(0.996484375f));
    EXPECT_EQ(u.encode(0.5, Rounding::NearestEven).value,
              u.decode(u.encode(0.5, Rounding::NearestEven).code).value);
    EXPECT_EQ(u.encode(-0.3, Rounding::NearestEven).value, 0.0);  // below the range: clamps to 0
}

}  // namespace
}  // namespace quantscope
