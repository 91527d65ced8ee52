// Stochastic rounding draws one way everywhere (docs/design.md "Schemes and rounding"): the bits
// of element i under seed S are stochastic_bits(S, i), with the whole 64-bit seed, and an integer
// rounds up (toward +inf) when floor(fraction * 2^24) exceeds their top 24. The integer kernels
// (every granularity, across a 2^32 boundary of the index), the reference quantizer, the worked
// example and the bit inspector (report_value) must all pick the same code.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "../../../core/src/quant/integer_kernels.h"
#include "quantscope/formats/value_report.h"
#include "quantscope/quant/reference_quantizer.h"
#include "quantscope/quant/worked_example.h"

namespace quantscope {
namespace {

// Gaussian values with every fraction of a step present, and a grid of exact ties.
std::vector<float> values(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> gauss(0.0f, 1.0f);
    std::vector<float> x(n);
    for (std::size_t i = 0; i < n; ++i) {
        x[i] =
            i % 7 == 0 ? static_cast<float>(static_cast<int>(i % 41) - 20) * 0.0625f : gauss(rng);
    }
    return x;
}

QuantConfig stochastic(const char* format, const char* granularity, std::uint64_t seed,
                       Scheme scheme = Scheme::Symmetric) {
    QuantConfig c;
    apply_format(c, format);
    c.granularity = parse_granularity(granularity);
    c.scheme = scheme;
    c.rounding = Rounding::Stochastic;
    c.seed = seed;
    return c;
}

// The documented rule, written out in double: t = x * (1/s) as the kernels compute it.
std::int32_t rule_code(float x, const GroupParameters& g, const QuantConfig& c,
                       std::uint64_t index) {
    const auto s = static_cast<float>(g.scale);
    const float t = x * static_cast<float>(1.0 / static_cast<double>(s));
    const double fraction24 = std::floor(std::ldexp(static_cast<double>(t), 24)) -
                              std::ldexp(std::floor(static_cast<double>(t)), 24);
    const double random24 = static_cast<double>(stochastic_bits(c.seed, index) >> 8);
    const double rounded = std::floor(static_cast<double>(t)) + (fraction24 > random24 ? 1 : 0);
    const IntegerFormat& f = c.format.integer_format();
    return static_cast<std::int32_t>(std::clamp(rounded + static_cast<double>(g.zero_point),
                                                static_cast<double>(f.min_code()),
                                                static_cast<double>(f.max_code())));
}

// The group of element i of rows of `cols`: one per tensor, channel i % cols on the last axis,
// or its row's blocks (the last one maybe short).
std::size_t group_of(std::size_t i, const QuantConfig& c, std::size_t cols) {
    const auto length = static_cast<std::size_t>(c.granularity.block);
    switch (c.granularity.kind) {
        case Granularity::Kind::Tensor:
            return 0;
        case Granularity::Kind::Channel:
            return i % cols;
        case Granularity::Kind::Block:
            return i / cols * ((cols + length - 1) / length) + i % cols / length;
    }
    return 0;
}

TEST(StochasticDraws, IntegerCodesFollowTheSharedDrawOnEveryGranularity) {
    const std::vector<std::int64_t> shape{64, 256};
    const std::vector<float> x = values(64 * 256, 3);
    for (const std::uint64_t seed :
         {std::uint64_t{0}, std::uint64_t{7}, std::uint64_t{0x0123456789ABCDEF},
          std::uint64_t{0xFFFFFFFF00000000}}) {
        for (const char* granularity : {"tensor", "channel:-1", "block:32", "block:40"}) {
            for (const Scheme scheme : {Scheme::Symmetric, Scheme::Affine}) {
                const QuantConfig c = stochastic("int4", granularity, seed, scheme);
                SCOPED_TRACE(std::string(granularity) + " seed " + std::to_string(seed));
                const QuantResult r = quantize(x, shape, c, {.keep_codes = true});
                std::size_t differ = 0;
                for (std::size_t i = 0; i < x.size(); ++i) {
                    const GroupParameters& g = r.groups[group_of(i, c, 256)];
                    differ += r.codes[i] == rule_code(x[i], g, c, i) ? 0 : 1;
                }
                EXPECT_EQ(differ, 0u);
            }
        }
    }
}

// Seeds 0 and 2^32 + 1 have the same 32-bit fold (lower half ^ upper half); seeds differing only
// in the upper half must draw differently too.
TEST(StochasticDraws, TheIntegerKernelUsesTheWholeSeed) {
    const std::vector<std::int64_t> shape{4096};
    const std::vector<float> x = values(4096, 5);
    const auto codes = [&](std::uint64_t seed) {
        return quantize(x, shape, stochastic("int4", "tensor", seed), {.keep_codes = true}).codes;
    };
    EXPECT_NE(codes(0), codes(0x0000000100000001ULL));
    EXPECT_NE(codes(5), codes(0x0000000700000005ULL));
    EXPECT_NE(codes(0x0000000300000000ULL), codes(0x0000000500000000ULL));
    // And the same seed the same codes (the draws are a function of seed and index).
    EXPECT_EQ(codes(0x0000000300000000ULL), codes(0x0000000300000000ULL));
}

// The vector kernel hoists the key of the index's upper half; a block across 2^32 must still
// draw each element's own bits.
TEST(StochasticDraws, TheKernelDrawsAcrossATwoToThe32Boundary) {
    const QuantConfig c = stochastic("int8", "tensor", 0x9E3779B97F4A7C15ULL);
    const std::vector<float> x = values(detail::kBlock, 9);
    GroupParameters g;
    g.scale = 0.01;
    const detail::KernelParams p = detail::kernel_params(g, c);
    const std::uint64_t firsts[] = {(std::uint64_t{1} << 32) - 1000, (std::uint64_t{5} << 32) - 16,
                                    std::uint64_t{1} << 32};
    for (const std::uint64_t first : firsts) {
        std::vector<float> y(x.size());
        std::vector<std::int32_t> codes(x.size());
        MetricSums sums;
        detail::quantize_block(x.data(), y.data(), codes.data(), x.size(), first, p, sums);
        std::size_t differ = 0;
        for (std::size_t i = 0; i < x.size(); ++i) {
            differ += codes[i] == rule_code(x[i], g, c, first + i) ? 0 : 1;
        }
        EXPECT_EQ(differ, 0u) << "first index " << first;
    }
}

// The bit inspector (report_value with the element's bits) and the worked example pick the code
// quantize() keeps, for many seeds, indices and values.
TEST(StochasticDraws, TheInspectorAndTheWorkedExamplePickTheEnginesCode) {
    const std::vector<std::int64_t> shape{kMaxWorkedValues};
    std::mt19937_64 seeds(11);
    std::size_t checked = 0;
    for (int trial = 0; trial < 200; ++trial) {
        const std::uint64_t seed = seeds();
        const std::vector<float> x = values(kMaxWorkedValues, static_cast<unsigned>(trial));
        for (const Scheme scheme : {Scheme::Symmetric, Scheme::Affine}) {
            const char* format = scheme == Scheme::Affine && trial % 2 == 1 ? "uint8"
                                 : trial % 2 == 0                           ? "int8"
                                                                            : "int4";
            const QuantConfig c = stochastic(format, "tensor", seed, scheme);
            const QuantResult r = quantize(x, shape, c, {.keep_codes = true});
            const WorkedExample w = work_example(x, shape, c);
            const GroupParameters& g = r.groups[0];
            for (std::size_t i = 0; i < x.size(); ++i) {
                const ValueReport inspected =
                    report_value(c.format, x[i], c.rounding, g.scale,
                                 static_cast<double>(g.zero_point), stochastic_bits(seed, i));
                ASSERT_EQ(inspected.fields.value, r.codes[i])
                    << "x " << x[i] << " seed " << seed << " index " << i;
                ASSERT_EQ(w.rows[i].code, r.codes[i])
                    << "x " << x[i] << " seed " << seed << " index " << i;
                ++checked;
            }
        }
    }
    EXPECT_EQ(checked, 400 * kMaxWorkedValues);
}

// Where the fraction is 2^-24 or less below 1 (a tiny negative t), the difference of exact
// products still sees it: only the bits 0xFFFFFFxx keep it down.
TEST(StochasticDraws, ATinyNegativeValueRoundsDownOnlyUnderTheTopBits) {
    EXPECT_EQ(round_to_integer(-0x1.0p-60, Rounding::Stochastic, 0xFFFFFF00u), -1.0);
    EXPECT_EQ(round_to_integer(-0x1.0p-60, Rounding::Stochastic, 0xFFFFFE00u), 0.0);
    EXPECT_EQ(detail::round_stochastic(-0x1.0p-30f, 0xFFFFFF00u), -1.0f);
    EXPECT_EQ(detail::round_stochastic(-0x1.0p-30f, 0xFFFFFE00u), 0.0f);
    // Integers stay; huge and infinite values pass.
    EXPECT_EQ(detail::round_stochastic(0x1.0p110f, 0), 0x1.0p110f);
    EXPECT_EQ(detail::round_stochastic(-3.0f, 0), -3.0f);
    EXPECT_TRUE(std::isinf(
        round_to_integer(std::numeric_limits<double>::infinity(), Rounding::Stochastic, 0)));
}

}  // namespace
}  // namespace quantscope
