// Non-finite inputs and values beyond the float range (docs/design.md "Non-finite inputs"): on
// every route, +-Inf passes through as Q(x) with the end code of its sign, the code a finite
// value far beyond the range takes, and is not counted as clipped; NaN passes through with code
// 0. A finite x whose x / s overflows float saturates and counts as clipped.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "quantscope/quant/reference_quantizer.h"

namespace quantscope {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

struct Route {
    const char* format;
    const char* granularity;  // nullptr: apply_format's
    Scheme scheme;
    Rounding rounding = Rounding::NearestEven;
};

// The route's config; the seed's upper half set, for the stochastic routes.
QuantConfig config_of(const Route& route) {
    QuantConfig c;
    apply_format(c, route.format);
    c.granularity =
        route.granularity == nullptr ? c.granularity : parse_granularity(route.granularity);
    c.scheme = route.scheme;
    c.rounding = route.rounding;
    c.seed = 0x0123456789ABCDEFULL;
    return c;
}

bool integer_config(const QuantConfig& c) {
    return c.format.kind() == FormatKind::Integer && c.block_scaling == BlockScaling::None;
}

// The code a finite value far beyond the range takes: the integer route's clamped q, or the
// element format's saturated code.
std::int32_t end_code(const QuantConfig& c, bool positive) {
    if (integer_config(c)) {
        const IntegerFormat& f = c.format.integer_format();
        return positive ? f.max_code() : f.min_code();
    }
    const double far = positive ? 1e300 : -1e300;
    return static_cast<std::int32_t>(
        c.format.encode(far, Rounding::NearestEven, Saturation::Saturate).code);
}

std::int64_t clipped_count(const QuantResult& r) {
    return std::llround(r.metrics.clipped_fraction * static_cast<double>(r.metrics.count));
}

const Route kRoutes[] = {
    {"int8", "tensor", Scheme::Symmetric},
    {"uint8", "tensor", Scheme::Affine},
    {"int8", "channel:0", Scheme::Affine},
    {"int8", "channel:-1", Scheme::Symmetric, Rounding::Stochastic},
    {"int4", "block:32", Scheme::Symmetric},
    {"int4", "block:40", Scheme::Affine, Rounding::Stochastic},
    {"fp8_e4m3", "tensor", Scheme::Scaled},
    {"fp8_e5m2", "tensor", Scheme::Direct},
    {"fp16", "block:32", Scheme::Scaled},
    {"fp4_e2m1", "channel:-1", Scheme::Scaled, Rounding::Stochastic},
    {"mxfp4", nullptr, Scheme::Scaled},
    {"mxint8", nullptr, Scheme::Scaled},
    {"nvfp4", nullptr, Scheme::Scaled},
    {"nf4", nullptr, Scheme::Scaled},
    {"nf4", "tensor", Scheme::Scaled, Rounding::Stochastic},
};

TEST(InfiniteInputs, TakeTheEndCodeOfTheirSignOnEveryRoute) {
    const std::vector<std::int64_t> shape{8, 128};
    std::mt19937 rng(2);
    std::normal_distribution<float> gauss(0.0f, 1.0f);
    std::vector<float> x(8 * 128);
    for (float& v : x) {
        v = gauss(rng);
    }
    const std::size_t plus = 128 + 3;
    const std::size_t minus = 2 * 128 + 40;
    const std::size_t nan = 4 * 128 + 5;
    x[plus] = kInf;
    x[minus] = -kInf;
    x[nan] = kNaN;
    // The same tensor with NaN for the Infs: what clips there must clip here.
    std::vector<float> without = x;
    without[plus] = kNaN;
    without[minus] = kNaN;
    for (const Route& route : kRoutes) {
        const QuantConfig c = config_of(route);
        SCOPED_TRACE(std::string(route.format) + " " +
                     (route.granularity != nullptr ? route.granularity : ""));
        const QuantResult r = quantize(x, shape, c, {.keep_codes = true});
        EXPECT_EQ(r.codes[plus], end_code(c, true));
        EXPECT_EQ(r.codes[minus], end_code(c, false));
        EXPECT_EQ(r.codes[nan], 0);
        EXPECT_EQ(r.dequantized[plus], kInf);
        EXPECT_EQ(r.dequantized[minus], -kInf);
        EXPECT_TRUE(std::isnan(r.dequantized[nan]));
        EXPECT_EQ(r.metrics.inf_count, 2);
        EXPECT_EQ(clipped_count(r), clipped_count(quantize(without, shape, c)));
        const QuantResult reference = reference_quantize(x, shape, c);
        EXPECT_EQ(reference.codes[plus], r.codes[plus]);
        EXPECT_EQ(reference.codes[minus], r.codes[minus]);
        EXPECT_EQ(reference.codes[nan], 0);
    }
}

// An NVFP4 block whose E4M3 scale underflows to 0 makes an Inf's x / s NaN (Inf * 0): its code is
// still the end code of its sign.
TEST(InfiniteInputs, KeepTheirCodeInABlockSentToZero) {
    const QuantConfig c = config_of({"nvfp4", nullptr, Scheme::Scaled});
    std::vector<float> x(48, 1.0f);
    for (std::size_t i = 16; i < 48; ++i) {
        x[i] = 1e-9f;
    }
    x[20] = kInf;
    x[40] = -kInf;
    const std::vector<std::int64_t> shape{48};
    const QuantResult r = quantize(x, shape, c, {.keep_codes = true});
    ASSERT_EQ(r.groups[1].scale, 0.0);
    ASSERT_EQ(r.groups[2].scale, 0.0);
    EXPECT_EQ(r.codes[20], 0x7);  // E2M1 +6
    EXPECT_EQ(r.codes[40], 0xF);  // E2M1 -6
    const QuantResult reference = reference_quantize(x, shape, c);
    EXPECT_EQ(reference.codes[20], 0x7);
    EXPECT_EQ(reference.codes[40], 0xF);
}

// A tiny scale (a manual range of +-1e-38 gives the smallest, 2^-126) and finite x whose x / s
// overflows float: they saturate, so they are clipped, on every route as in the reference.
TEST(InfiniteInputs, AFiniteXWhoseXOverSOverflowsIsClipped) {
    const std::vector<std::int64_t> shape{4, 64};
    std::vector<float> x(4 * 64, 0.0f);
    x[5] = 1e30f;    // x / s about 8.5e67: beyond float
    x[70] = -3e38f;  // likewise
    x[131] = 1.0f;   // x / s = 2^126: finite, clipped on every route already
    x[200] = kInf;   // not clipped
    for (const Route& route : {Route{"fp8_e4m3", "tensor", Scheme::Scaled},
                               Route{"fp8_e4m3", "channel:0", Scheme::Scaled},
                               Route{"fp8_e4m3", "block:32", Scheme::Scaled},
                               Route{"fp6_e2m3", "block:24", Scheme::Scaled},
                               Route{"fp16", "tensor", Scheme::Scaled, Rounding::Stochastic},
                               Route{"nf4", "tensor", Scheme::Scaled},
                               Route{"nf4", "block:64", Scheme::Scaled, Rounding::TowardZero},
                               Route{"int8", "tensor", Scheme::Symmetric}}) {
        QuantConfig c = config_of(route);
        c.calibration = parse_calibration("manual:-1e-38,1e-38");
        SCOPED_TRACE(std::string(route.format) + " " + route.granularity);
        for (const bool codes : {false, true}) {
            const QuantResult r = quantize(x, shape, c, {.keep_codes = codes});
            EXPECT_EQ(clipped_count(r), 3) << (codes ? "codes kept" : "fused");
            EXPECT_TRUE(std::isfinite(r.dequantized[5]));
            EXPECT_GT(r.dequantized[5], 0.0f);
        }
        EXPECT_EQ(clipped_count(reference_quantize(x, shape, c)), 3);
    }
}

}  // namespace
}  // namespace quantscope
