// The fast bulk path against the scalar reference, bit for bit, on every code's neighbourhood
// of every format of at most 16 bits, on a strided walk through all float32 bit patterns, and
// on chunked and multi-threaded runs.

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <random>

#include "format_test_support.h"
#include "quantscope/common/parallel.h"

namespace quantscope {
namespace {

std::uint32_t bits_of(float x) {
    return std::bit_cast<std::uint32_t>(x);
}

// Inputs around every value of the format: the value, the float32 midpoint to the next value,
// and the floats either side of each; plus the ends, specials, float32 subnormals and noise.
std::vector<float> probe_inputs(const FloatFormat& f) {
    std::vector<float> in;
    const float inf = std::numeric_limits<float>::infinity();
    if (f.bits() <= 16) {
        const auto values = test::finite_values_with_codes(f);
        for (std::size_t i = 0; i < values.size(); ++i) {
            const auto v = static_cast<float>(values[i].value);
            in.insert(in.end(), {v, std::nextafter(v, inf), std::nextafter(v, -inf)});
            if (i + 1 < values.size()) {
                const double mid = 0.5 * (values[i].value + values[i + 1].value);
                const auto m = static_cast<float>(mid);
                in.insert(in.end(), {m, std::nextafter(m, inf), std::nextafter(m, -inf)});
            }
        }
    }
    const auto max = static_cast<float>(f.max_finite());
    in.insert(in.end(), {max, std::nextafter(max, inf), -std::nextafter(max, inf), max * 1.5f,
                         -max * 3.0f, inf, -inf, std::numeric_limits<float>::quiet_NaN(),
                         -std::numeric_limits<float>::quiet_NaN(), 0.0f, -0.0f,
                         std::numeric_limits<float>::denorm_min(),
                         -std::numeric_limits<float>::min(), std::numeric_limits<float>::max()});
    std::mt19937 rng(1234);
    std::uniform_int_distribution<std::uint32_t> any_bits;
    for (int i = 0; i < 4000; ++i) {
        in.push_back(std::bit_cast<float>(any_bits(rng)));
    }
    std::normal_distribution<float> gauss(0.0f, static_cast<float>(f.max_finite()) / 4);
    for (int i = 0; i < 4000; ++i) {
        in.push_back(gauss(rng));
    }
    return in;
}

void expect_fast_matches_reference(const FloatFormat& f, std::span<const float> in) {
    std::vector<float> fast(in.size());
    std::vector<float> reference(in.size());
    for (Rounding r : test::kAllRoundings) {
        for (Saturation s : {Saturation::Saturate, Saturation::IeeeCast}) {
            const std::int64_t fast_count = round_to_format(in, fast, f, r, s, 77, 5);
            const std::int64_t ref_count = round_to_format_reference(in, reference, f, r, s, 77, 5);
            ASSERT_EQ(fast_count, ref_count) << f.name() << " " << to_string(r);
            for (std::size_t i = 0; i < in.size(); ++i) {
                ASSERT_EQ(bits_of(fast[i]), bits_of(reference[i]))
                    << f.name() << " " << to_string(r) << " " << to_string(s) << " input " << in[i]
                    << " (0x" << std::hex << bits_of(in[i]) << std::dec << ") fast " << fast[i]
                    << " reference " << reference[i];
            }
        }
    }
}

TEST(BulkRounding, FastPathMatchesReferenceAroundEveryCode) {
    for (const FloatFormat& f : test::exhaustive_float_formats()) {
        const std::vector<float> in = probe_inputs(f);
        expect_fast_matches_reference(f, in);
    }
}

TEST(BulkRounding, WideFormatsOnAStridedWalkThroughFloat32) {
    std::vector<float> in;
    for (std::uint64_t pattern = 0; pattern < (std::uint64_t{1} << 32); pattern += 65521) {
        in.push_back(std::bit_cast<float>(static_cast<std::uint32_t>(pattern)));
    }
    for (const char* name : {"fp32", "tf32", "bf16", "fp16", "fp8_e4m3", "fp4_e2m1"}) {
        const FloatFormat f = parse_format(name).float_format();
        expect_fast_matches_reference(f, in);
        std::vector<float> with_probes = probe_inputs(f);
        expect_fast_matches_reference(f, with_probes);
    }
}

TEST(BulkRounding, Fp32IsTheIdentityOnFloat32) {
    const FloatFormat f = parse_format("fp32").float_format();
    std::vector<float> in = probe_inputs(f);
    std::vector<float> out(in.size());
    round_to_format(in, out, f, Rounding::NearestEven, Saturation::IeeeCast);
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (!std::isnan(in[i])) {
            ASSERT_EQ(bits_of(out[i]), bits_of(in[i]));
        }
    }
}

TEST(BulkRounding, E8M0UsesTheReferencePath) {
    const FloatFormat f = e8m0_format();
    const std::vector<float> in = {1.0f, 1.5f, 3.0f, 0.3f, 1e-40f, 1e38f};
    std::vector<float> out(in.size());
    round_to_format(in, out, f, Rounding::NearestEven, Saturation::Saturate);
    // 1.5 and 3 tie between powers of two and go to the even code (2 = code 128); 1e38 is
    // nearer 2^126 (8.5e37) than 2^127 (1.7e38); 1e-40 lies below the smallest value 2^-127.
    EXPECT_EQ(out, (std::vector<float>{1.0f, 2.0f, 2.0f, 0.25f, std::ldexp(1.0f, -127),
                                       std::ldexp(1.0f, 126)}));
}

TEST(BulkRounding, ChunksAndThreadsGiveTheSameStochasticResult) {
    const FloatFormat f = parse_format("fp8_e5m2").float_format();
    const std::size_t n = kParallelThreshold * 3 + 17;
    std::vector<float> in(n);
    std::mt19937 rng(5);
    std::normal_distribution<float> gauss(0.0f, 100.0f);
    for (float& v : in) {
        v = gauss(rng);
    }
    std::vector<float> whole(n);
    const std::int64_t saturated =
        round_to_format(in, whole, f, Rounding::Stochastic, Saturation::Saturate, 9);
    EXPECT_EQ(saturated, 0);
    std::vector<float> pieces(n);
    const std::size_t cut = 1000;
    round_to_format(std::span<const float>(in).first(cut), std::span<float>(pieces).first(cut), f,
                    Rounding::Stochastic, Saturation::Saturate, 9, 0);
    round_to_format(std::span<const float>(in).subspan(cut), std::span<float>(pieces).subspan(cut),
                    f, Rounding::Stochastic, Saturation::Saturate, 9, cut);
    EXPECT_EQ(whole, pieces);
    std::vector<float> reference(n);
    round_to_format_reference(in, reference, f, Rounding::Stochastic, Saturation::Saturate, 9);
    EXPECT_EQ(whole, reference);
    // A different seed changes some results: the seed is really used.
    std::vector<float> other(n);
    round_to_format(in, other, f, Rounding::Stochastic, Saturation::Saturate, 10);
    EXPECT_NE(whole, other);
}

TEST(BulkRounding, SaturationCountAndInPlace) {
    const FloatFormat f = parse_format("fp8_e4m3").float_format();
    std::vector<float> values = {500.0f,
                                 -448.0f,
                                 449.0f,
                                 std::numeric_limits<float>::infinity(),
                                 std::numeric_limits<float>::quiet_NaN(),
                                 1.0625f};
    const std::int64_t count =
        round_to_format(values, values, f, Rounding::NearestEven, Saturation::Saturate);
    EXPECT_EQ(count, 3);  // 500, 449 and Inf lie beyond 448
    EXPECT_EQ(values[0], 448.0f);
    EXPECT_EQ(values[1], -448.0f);
    EXPECT_EQ(values[2], 448.0f);
    EXPECT_EQ(values[3], 448.0f);
    EXPECT_TRUE(std::isnan(values[4]));
    EXPECT_EQ(values[5], 1.0f);
    std::vector<float> wrong(2);
    EXPECT_THROW(round_to_format(values, wrong, f, Rounding::NearestEven, Saturation::Saturate),
                 std::invalid_argument);
}

}  // namespace
}  // namespace quantscope
