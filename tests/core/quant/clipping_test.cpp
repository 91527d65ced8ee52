// Clipping (DESIGN.md "Clipping"): a value counts as clipped only beyond its group's outermost
// cells, so min-max, which puts every value inside its group's range, clips nothing, whatever the
// float rounding of the scale (127 * (amax / 127) != amax).

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "quantscope/common/generators.h"
#include "quantscope/quant/quantizer.h"

namespace quantscope {
namespace {

constexpr std::size_t kRows = 48;
constexpr std::size_t kCols = 1000;  // blocks of 32 leave a tail of 8 in each row

// Rows of different scales and tails, so that every group has its own maximum.
std::vector<float> rows_of_seed(std::uint64_t seed) {
    const Tensor g =
        generate("gaussian:n=" + std::to_string(kRows * kCols) + ",seed=" + std::to_string(seed));
    const Tensor t = generate("student-t:n=" + std::to_string(kRows * kCols) +
                              ",dof=3,seed=" + std::to_string(seed + 100));
    std::vector<float> x(kRows * kCols);
    for (std::size_t i = 0; i < x.size(); ++i) {
        const std::size_t row = i / kCols;
        const float base = row % 3 == 0 ? t.values[i] : g.values[i];
        x[i] = base * static_cast<float>(0.01 + 0.37 * static_cast<double>(row % 11)) +
               (row % 5 == 0 ? 0.25f : 0.0f);
    }
    return x;
}

// The group of element i under a granularity on [kRows, kCols].
std::size_t group_of(std::size_t i, const Granularity& g) {
    const std::size_t row = i / kCols;
    const std::size_t col = i % kCols;
    switch (g.kind) {
        case Granularity::Kind::Tensor:
            return 0;
        case Granularity::Kind::Channel:
            return g.axis == 0 ? row : col;
        case Granularity::Kind::Block: {
            const auto n = static_cast<std::size_t>(g.block);
            return row * ((kCols + n - 1) / n) + col / n;
        }
    }
    return 0;
}

// Values beyond their group's clipping bounds, counted one by one.
std::int64_t beyond_bounds(const std::vector<float>& x, const QuantResult& r,
                           const QuantConfig& c) {
    std::vector<ClipRange> bounds;
    for (const GroupParameters& g : r.groups) {
        bounds.push_back(clipping_bounds(g, c));
    }
    std::int64_t clipped = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const ClipRange& b = bounds[group_of(i, c.granularity)];
        clipped += (x[i] < b.lo || x[i] > b.hi) ? 1 : 0;
    }
    return clipped;
}

TEST(Clipping, MinMaxClipsNothingOnAnyGranularityOrFormat) {
    struct Format {
        const char* name;
        Scheme scheme;  // for the element formats
    };
    const std::vector<Format> element_formats{
        {"int8", Scheme::Symmetric},  {"int8", Scheme::Affine},    {"int4", Scheme::Symmetric},
        {"uint4", Scheme::Affine},    {"int2", Scheme::Symmetric}, {"fp8_e4m3", Scheme::Scaled},
        {"fp8_e5m2", Scheme::Scaled}, {"fp4_e2m1", Scheme::Scaled}};
    const std::vector<std::int64_t> shape{kRows, kCols};
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
        const std::vector<float> x = rows_of_seed(seed);
        std::vector<QuantConfig> configs;
        for (const Format& f : element_formats) {
            for (const char* granularity : {"tensor", "channel:0", "channel:-1", "block:32"}) {
                for (Rounding rounding : {Rounding::NearestEven, Rounding::Stochastic}) {
                    QuantConfig c;
                    apply_format(c, f.name);
                    c.scheme = f.scheme;
                    c.granularity = parse_granularity(granularity);
                    c.rounding = rounding;
                    c.seed = seed;
                    configs.push_back(c);
                }
            }
        }
        for (const char* block_format : {"nf4", "nvfp4", "mxfp4", "mxint8"}) {
            QuantConfig c;
            apply_format(c, block_format);
            configs.push_back(c);
        }
        for (const QuantConfig& c : configs) {
            const QuantResult r = quantize(x, shape, c);
            const std::int64_t clipped =
                std::llround(r.metrics.clipped_fraction * static_cast<double>(r.metrics.count));
            EXPECT_EQ(clipped, beyond_bounds(x, r, c)) << describe(c) << " seed " << seed;
            if (c.block_scaling != BlockScaling::MX) {
                EXPECT_EQ(r.metrics.clipped_fraction, 0.0) << describe(c) << " seed " << seed;
            }
            // Kept codes take the one-group-at-a-time kernels and the scalar paths.
            QuantizeOptions keep;
            keep.keep_codes = true;
            EXPECT_EQ(quantize(x, shape, c, keep).metrics.clipped_fraction,
                      r.metrics.clipped_fraction)
                << describe(c) << " seed " << seed;
        }
    }
}

// A manual range clips what lies more than half a step beyond its end levels: INT8 over [-1, 1]
// has s = 1/127; 1 + 0.4 s rounds to the top level (not clipped), 1 + 0.6 s is clipped.
TEST(Clipping, BeyondHalfAStepOfTheEndLevels) {
    QuantConfig c;
    apply_format(c, "int8");
    c.calibration = parse_calibration("manual:-1,1");
    const float s = 1.0f / 127.0f;
    const std::vector<float> x{1.0f + 0.4f * s, 1.0f + 0.6f * s, -1.0f - 0.4f * s, -3.0f, 0.5f};
    const QuantResult r = quantize(x, c);
    EXPECT_EQ(r.metrics.clipped_fraction, 2.0 / 5.0);
    const ClipRange b = clipping_bounds(r.groups[0], c);
    EXPECT_FLOAT_EQ(static_cast<float>(b.hi), 127.5f * s);
    EXPECT_FLOAT_EQ(static_cast<float>(b.lo), -128.5f * s);
}

}  // namespace
}  // namespace quantscope
