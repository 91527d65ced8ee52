// Every route of the fast quantize() against the whole-tensor reference (reference_quantizer.h,
// docs/design.md "The whole-tensor reference"): one table, one row per route. Q(x), codes and
// group parameters must be bit-equal, the metrics equal up to the float rounding of the sums.
// Each route runs at every instruction-set level this build and CPU have (runtime dispatch),
// and every level must give the first level's result bit for bit, metrics included.

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "quantscope/common/parallel.h"
#include "quantscope/common/simd.h"
#include "quantscope/quant/reference_quantizer.h"
#include "result_checks.h"

namespace quantscope {
namespace {

using result_checks::AtLevel;
using result_checks::expect_identical;
using result_checks::same_bits;
using result_checks::same_float;

// The fast paths add each metric sum in float lanes of at most 256 values (kBlock = 2048 values
// over 16 lanes: 128) before the lanes go to double, and form x*x, x*Q(x) and E in float. Each
// float addition loses at most 2^-24 of its partial sum, so a lane's sum of non-negative terms
// is within (256 + 2) * 2^-24 = 1.54e-5 of the exact one, relatively; the reference sums in
// double. 2e-5 holds that bound. Counts, fractions and the KL
// fields (integer histogram counts, then one shared formula) are compared exactly.
constexpr double kSumTolerance = 2e-5;

// The tensor sizes of the table. One thread: below kParallelThreshold values; two threads (the
// cores this machine has, more elsewhere): at or above it.
enum class Size {
    Small,  // [48, 1024]: whole blocks of 16, 32, 64; 24 kernel blocks of 2048 values
    Tail,   // [48, 1000]: blocks of 32 and 64 leave a short last block in every row
    Odd,    // [49, 999]: per tensor, the last kernel window is not whole vectors
    Cube,   // [8, 24, 256]: channels on the middle axis are strided with inner runs
    Large,  // [520, 1024]: above kParallelThreshold, so quantize() splits the work
};

std::vector<std::int64_t> shape_of(Size size) {
    switch (size) {
        case Size::Small:
            return {48, 1024};
        case Size::Tail:
            return {48, 1000};
        case Size::Odd:
            return {49, 999};
        case Size::Cube:
            return {8, 24, 256};
        case Size::Large:
            return {520, 1024};
    }
    return {};
}

struct Route {
    const char* name;
    const char* format;       // apply_format's name: sets block-scaled and NF4 granularities
    const char* granularity;  // nullptr: apply_format's
    Scheme scheme;
    const char* calibration;
    Rounding rounding;
    Size size;
    double outlier_threshold = 0;
    bool huge = false;  // blocks of values near the float maximum
    Dither dither = Dither::None;
};

constexpr Rounding kEven = Rounding::NearestEven;
constexpr Rounding kAway = Rounding::NearestAway;
constexpr Rounding kZero = Rounding::TowardZero;
constexpr Rounding kRandom = Rounding::Stochastic;
constexpr Scheme kSym = Scheme::Symmetric;
constexpr Scheme kAff = Scheme::Affine;
constexpr Scheme kScaled = Scheme::Scaled;

const Route kRoutes[] = {
    // Integer formats: per tensor (ties: the tensor's absmax is 63.5, so int8's s is 0.5 and the
    // grid rows' multiples of 0.25 land on x / s = k + 1/2).
    {"int8 symmetric tensor", "int8", "tensor", kSym, "minmax", kEven, Size::Small},
    {"int8 symmetric tensor, two threads", "int8", "tensor", kSym, "minmax", kAway, Size::Large},
    {"int8 affine tensor", "int8", "tensor", kAff, "minmax", kZero, Size::Odd},
    {"int4 symmetric tensor stochastic", "int4", "tensor", kSym, "minmax", kRandom, Size::Small},
    {"uint8 symmetric tensor", "uint8", "tensor", kSym, "minmax", kAway, Size::Small},
    {"int8 symmetric tensor percentile", "int8", "tensor", kSym, "percentile:99.9", kEven,
     Size::Small},
    // Per channel: axis 0 (contiguous, long groups), the last axis (per-element parameters),
    // the middle axis of a 3-D tensor (strided runs).
    {"int4 symmetric channel 0", "int4", "channel:0", kSym, "minmax", kEven, Size::Small},
    {"int8 affine channel 0, two threads", "int8", "channel:0", kAff, "minmax", kAway, Size::Large},
    {"int8 affine last axis", "int8", "channel:-1", kAff, "minmax", kEven, Size::Small},
    {"int8 symmetric last axis stochastic, two threads", "int8", "channel:-1", kSym, "minmax",
     kRandom, Size::Large},
    {"int4 affine last axis toward zero", "int4", "channel:1", kAff, "minmax", kZero, Size::Tail},
    {"int4 affine middle axis", "int4", "channel:1", kAff, "minmax", kEven, Size::Cube},
    {"int8 symmetric middle axis sigma", "int8", "channel:1", kSym, "sigma:3", kAway, Size::Cube},
    {"int8 symmetric last axis mse", "int8", "channel:-1", kSym, "mse", kEven, Size::Small},
    // Blocks: whole short blocks (batched), with a short tail, long or odd-length blocks.
    {"int4 symmetric block 32", "int4", "block:32", kSym, "minmax", kEven, Size::Small},
    {"int4 affine block 32 stochastic huge", "int4", "block:32", kAff, "minmax", kRandom,
     Size::Small, 0, true},
    {"int8 affine block 32 tail", "int8", "block:32", kAff, "minmax", kAway, Size::Tail},
    {"int8 symmetric block 64, two threads", "int8", "block:64", kSym, "minmax", kZero,
     Size::Large},
    {"int8 symmetric block 40", "int8", "block:40", kSym, "minmax", kEven, Size::Tail},
    {"int4 affine block 48 tail huge", "int4", "block:48", kAff, "minmax", kAway, Size::Small, 0,
     true},
    {"int8 affine block 64 percentile", "int8", "block:64", kAff, "percentile:99", kEven,
     Size::Small},
    // TPDF dither: the scalar path of each integer route, and with stochastic rounding.
    {"int8 symmetric tensor dither", "int8", "tensor", kSym, "minmax", kEven, Size::Small, 0, false,
     Dither::Tpdf},
    {"int4 affine last axis dither stochastic, two threads", "int4", "channel:-1", kAff, "minmax",
     kRandom, Size::Large, 0, false, Dither::Tpdf},
    {"int4 symmetric channel 0 dither", "int4", "channel:0", kSym, "minmax", kAway, Size::Small, 0,
     false, Dither::Tpdf},
    {"int4 affine block 32 dither tail", "int4", "block:32", kAff, "minmax", kEven, Size::Tail, 0,
     false, Dither::Tpdf},
    {"int8 symmetric block 64 dither outliers", "int8", "block:64", kSym, "minmax", kZero,
     Size::Small, 80, false, Dither::Tpdf},
    // Outliers kept in FP16 (LLM.int8).
    {"int8 symmetric tensor outliers", "int8", "tensor", kSym, "minmax", kEven, Size::Small, 80},
    {"int4 affine block 32 outliers", "int4", "block:32", kAff, "minmax", kAway, Size::Small, 80},
    {"int8 symmetric last axis outliers, two threads", "int8", "channel:-1", kSym, "minmax", kEven,
     Size::Large, 80},
    // Float formats, scaled and direct.
    {"fp8_e4m3 tensor", "fp8_e4m3", "tensor", kScaled, "minmax", kEven, Size::Small},
    {"fp8_e5m2 tensor, two threads", "fp8_e5m2", "tensor", kScaled, "minmax", kAway, Size::Large},
    {"fp8_e4m3 tensor stochastic", "fp8_e4m3", "tensor", kScaled, "minmax", kRandom, Size::Small},
    {"fp4_e2m1 tensor odd length", "fp4_e2m1", "tensor", kScaled, "minmax", kZero, Size::Odd},
    // Direct fp8: the last row's multiples of 0.25 hold ties of E4M3 (42 between 40 and 44) in
    // the last window's values beyond its whole vectors.
    {"fp8_e4m3 direct odd length", "fp8_e4m3", "tensor", Scheme::Direct, "minmax", kEven,
     Size::Odd},
    {"bf16 direct", "bf16", "tensor", Scheme::Direct, "minmax", kEven, Size::Small},
    {"fp6_e3m2 channel 0", "fp6_e3m2", "channel:0", kScaled, "minmax", kAway, Size::Small},
    {"fp4_e2m1 last axis", "fp4_e2m1", "channel:-1", kScaled, "minmax", kEven, Size::Small},
    {"fp8_e4m3 middle axis stochastic", "fp8_e4m3", "channel:1", kScaled, "minmax", kRandom,
     Size::Cube},
    {"fp8_e4m3 block 32", "fp8_e4m3", "block:32", kScaled, "minmax", kEven, Size::Small, 0, true},
    {"fp6_e2m3 block 32 tail", "fp6_e2m3", "block:32", kScaled, "minmax", kZero, Size::Tail},
    {"fp8_e4m3 block 24", "fp8_e4m3", "block:24", kScaled, "minmax", kAway, Size::Small},
    {"fp16 block 16, two threads", "fp16", "block:16", kScaled, "minmax", kAway, Size::Large},
    {"fp8_e4m3 block 64 percentile", "fp8_e4m3", "block:64", kScaled, "percentile:99", kEven,
     Size::Small},
    {"fp4_e2m1 tensor outliers", "fp4_e2m1", "tensor", kScaled, "minmax", kEven, Size::Small, 80},
    // MX (blocks of 32, E8M0 scales).
    {"mxfp4", "mxfp4", nullptr, kScaled, "minmax", kEven, Size::Small},
    {"mxfp8_e4m3, two threads", "mxfp8_e4m3", nullptr, kScaled, "minmax", kAway, Size::Large},
    {"mxfp6_e2m3 stochastic", "mxfp6_e2m3", nullptr, kScaled, "minmax", kRandom, Size::Small},
    {"mxfp6_e3m2 huge", "mxfp6_e3m2", nullptr, kScaled, "minmax", kZero, Size::Small, 0, true},
    {"mxint8", "mxint8", nullptr, kScaled, "minmax", kEven, Size::Small, 0, true},
    {"mxfp4 tail", "mxfp4", nullptr, kScaled, "minmax", kEven, Size::Tail},
    {"mxfp4 outliers", "mxfp4", nullptr, kScaled, "minmax", kAway, Size::Small, 80},
    // NVFP4 (blocks of 16, E4M3 scales times an FP32 tensor scale).
    {"nvfp4", "nvfp4", nullptr, kScaled, "minmax", kEven, Size::Small},
    {"nvfp4 stochastic tail", "nvfp4", nullptr, kScaled, "minmax", kRandom, Size::Tail},
    {"nvfp4, two threads", "nvfp4", nullptr, kScaled, "minmax", kAway, Size::Large, 0, true},
    {"nvfp4 outliers", "nvfp4", nullptr, kScaled, "minmax", kEven, Size::Small, 80},
    // NF4 (a lookup table; absmax blocks of 64).
    {"nf4", "nf4", nullptr, kScaled, "minmax", kEven, Size::Small},
    {"nf4 tail", "nf4", nullptr, kScaled, "minmax", kAway, Size::Tail},
    {"nf4 toward zero", "nf4", nullptr, kScaled, "minmax", kZero, Size::Small},
    {"nf4 stochastic, two threads", "nf4", nullptr, kScaled, "minmax", kRandom, Size::Large},
    {"nf4 outliers", "nf4", nullptr, kScaled, "minmax", kEven, Size::Small, 80},
    {"nf4 tensor", "nf4", "tensor", kScaled, "minmax", kAway, Size::Odd},
    // ggml's block types: ggml's reference quantizer per block (NaN and Inf as 0 for it).
    {"q4_0", "q4_0", nullptr, kSym, "minmax", kEven, Size::Small},
    {"q4_1, two threads", "q4_1", nullptr, kAff, "minmax", kEven, Size::Large},
    {"q5_0 outliers", "q5_0", nullptr, kSym, "minmax", kEven, Size::Small, 80},
    {"q5_1", "q5_1", nullptr, kAff, "minmax", kEven, Size::Small},
    {"q8_0", "q8_0", nullptr, kSym, "minmax", kEven, Size::Small},
    {"q2_K", "q2_K", nullptr, kAff, "minmax", kEven, Size::Small},
    {"q3_K outliers", "q3_K", nullptr, kSym, "minmax", kEven, Size::Small, 80},
    {"q4_K, two threads", "q4_K", nullptr, kAff, "minmax", kEven, Size::Large},
    {"q5_K", "q5_k", nullptr, kAff, "minmax", kAway, Size::Small},
    {"q6_K", "q6_K", nullptr, kSym, "minmax", kEven, Size::Small},
    {"iq4_nl", "iq4_nl", nullptr, kScaled, "minmax", kEven, Size::Small},
    {"iq4_nl outliers, two threads", "iq4_nl", nullptr, kScaled, "minmax", kEven, Size::Large, 80},
};

QuantConfig config_of(const Route& route) {
    QuantConfig c;
    apply_format(c, route.format);
    if (route.granularity != nullptr) {
        c.granularity = parse_granularity(route.granularity);
    }
    c.scheme = route.scheme;
    c.calibration = parse_calibration(route.calibration);
    c.rounding = route.rounding;
    c.seed = 0x0123456789ABCDEFULL;  // upper half non-zero: the seed's fold matters
    c.outlier_threshold = route.outlier_threshold;
    c.dither = route.dither;
    return c;
}

// Rows of Gaussian values (std 10, within +-63.5), every fourth row a grid of multiples of 0.25
// over [-63.5, 63.5] (exact ties for power-of-two scales and for int8's s = 0.5); NaN, +-Inf, -0,
// a block of NaN, a block of zeros and a block of subnormals; with outliers, spikes of +-100 to
// +-300 (beyond the threshold 80, not FP16 values) and of +-80; `huge`, a block of values near the
// float maximum.
std::vector<float> values_for(const Route& route) {
    const std::vector<std::int64_t> shape = shape_of(route.size);
    std::size_t n = 1;
    for (std::int64_t d : shape) {
        n *= static_cast<std::size_t>(d);
    }
    const auto cols = static_cast<std::size_t>(shape.back());
    constexpr float kInf = std::numeric_limits<float>::infinity();
    constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
    std::mt19937 rng(5);
    std::normal_distribution<float> gauss(0.0f, 10.0f);
    std::vector<float> x;
    x.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t row = i / cols;
        const std::size_t col = i % cols;
        float v = std::clamp(gauss(rng), -63.0f, 63.0f);
        if (row % 4 == 0) {
            v = static_cast<float>(static_cast<int>(i % 509) - 254) * 0.25f;
        }
        if (i == 5 || (row == 2 && col >= 64 && col < 128)) {
            v = kNaN;
        } else if (row == 3 && col == 7) {
            v = kInf;
        } else if (row == 5 && col == 100) {
            v = -kInf;
        } else if (row == 9 && col == 3) {
            v = -0.0f;
        } else if (row == 6 && col >= 128 && col < 192) {
            v = 0.0f;
        } else if (row == 7 && col >= 192 && col < 256) {
            v = std::numeric_limits<float>::denorm_min() * static_cast<float>(col % 5);
        } else if (route.huge && row == 10 && col < 64) {
            v = col % 2 == 0 ? 3e38f : -2e38f;
        } else if (route.outlier_threshold > 0 && i >= 1000 && (i - 1000) % 997 == 0) {
            // Every third spike exactly at the threshold, which stays quantized.
            const double size = (i - 1000) / 997 % 3 == 0 ? route.outlier_threshold
                                                          : 100.1 + static_cast<double>(i % 200);
            v = (i % 2 == 0 ? 1.0f : -1.0f) * static_cast<float>(size);
        }
        x.push_back(v);
    }
    return x;
}

bool near(double a, double b, double tolerance) {
    return std::fabs(a - b) <= tolerance * std::max(std::fabs(a), std::fabs(b));
}

// Field by field; the first differing element of Q(x) and codes, with the count of differences.
void expect_equal(const QuantResult& fast, const QuantResult& reference, bool codes) {
    ASSERT_EQ(fast.groups.size(), reference.groups.size());
    for (std::size_t g = 0; g < fast.groups.size(); ++g) {
        const GroupParameters& a = fast.groups[g];
        const GroupParameters& b = reference.groups[g];
        ASSERT_TRUE(same_bits(a.scale, b.scale) && a.zero_point == b.zero_point &&
                    same_bits(a.clip_min, b.clip_min) && same_bits(a.clip_max, b.clip_max))
            << "group " << g << ": scale " << a.scale << " vs " << b.scale << ", zero point "
            << a.zero_point << " vs " << b.zero_point << ", clip " << a.clip_min << ".."
            << a.clip_max << " vs " << b.clip_min << ".." << b.clip_max;
    }
    ASSERT_EQ(fast.dequantized.size(), reference.dequantized.size());
    std::size_t differ = 0;
    std::size_t first = 0;
    for (std::size_t i = 0; i < fast.dequantized.size(); ++i) {
        const bool same = same_float(fast.dequantized[i], reference.dequantized[i]) &&
                          (!codes || fast.codes[i] == reference.codes[i]);
        first = differ == 0 ? i : first;
        differ += same ? 0 : 1;
    }
    EXPECT_EQ(differ, 0u) << "first at " << first << ": x -> " << fast.dequantized[first] << " vs "
                          << reference.dequantized[first] << ", code "
                          << (codes ? fast.codes[first] : 0) << " vs " << reference.codes[first];
    const Metrics& a = fast.metrics;
    const Metrics& b = reference.metrics;
    EXPECT_EQ(a.count, b.count);
    EXPECT_EQ(a.nan_count, b.nan_count);
    EXPECT_EQ(a.inf_count, b.inf_count);
    EXPECT_TRUE(same_bits(a.clipped_fraction, b.clipped_fraction))
        << a.clipped_fraction << " vs " << b.clipped_fraction;
    EXPECT_TRUE(same_bits(a.zero_fraction, b.zero_fraction))
        << a.zero_fraction << " vs " << b.zero_fraction;
    EXPECT_TRUE(same_bits(a.outlier_fraction, b.outlier_fraction))
        << a.outlier_fraction << " vs " << b.outlier_fraction;
    EXPECT_TRUE(same_bits(a.kl_divergence, b.kl_divergence))
        << a.kl_divergence << " vs " << b.kl_divergence;
    EXPECT_TRUE(same_bits(a.kl_sampling_floor, b.kl_sampling_floor))
        << a.kl_sampling_floor << " vs " << b.kl_sampling_floor;
    EXPECT_EQ(a.kl_below_sampling_floor, b.kl_below_sampling_floor);
    EXPECT_TRUE(near(a.mse, b.mse, kSumTolerance)) << a.mse << " vs " << b.mse;
    EXPECT_TRUE(near(a.rmse, b.rmse, kSumTolerance)) << a.rmse << " vs " << b.rmse;
    EXPECT_TRUE(near(a.max_abs_error, b.max_abs_error, kSumTolerance))
        << a.max_abs_error << " vs " << b.max_abs_error;
    // The sum of E cancels: its rounding is bounded by that of the sum of |E| <= n max|E|.
    EXPECT_LE(std::fabs(a.mean_error - b.mean_error), kSumTolerance * b.max_abs_error)
        << a.mean_error << " vs " << b.mean_error;
    // sqnr = 10 log10(sum x^2 / sum E^2) and the cosine: two sums, each within the tolerance.
    if (std::isfinite(a.sqnr_db) && std::isfinite(b.sqnr_db)) {
        EXPECT_LE(std::fabs(a.sqnr_db - b.sqnr_db), 10 * std::log10(1 + 2 * kSumTolerance))
            << a.sqnr_db << " vs " << b.sqnr_db;
    } else {
        EXPECT_EQ(a.sqnr_db, b.sqnr_db);
    }
    EXPECT_LE(std::fabs(a.cosine_similarity - b.cosine_similarity), 2 * kSumTolerance)
        << a.cosine_similarity << " vs " << b.cosine_similarity;
    EXPECT_TRUE(same_bits(fast.clip_min, reference.clip_min) &&
                same_bits(fast.clip_max, reference.clip_max))
        << fast.clip_min << ".." << fast.clip_max << " vs " << reference.clip_min << ".."
        << reference.clip_max;
    EXPECT_EQ(fast.notes, reference.notes);
}

class ReferenceRoutes : public testing::TestWithParam<Route> {};

TEST_P(ReferenceRoutes, FastPathsEqualTheReference) {
    const Route& route = GetParam();
    const QuantConfig config = config_of(route);
    const std::vector<float> x = values_for(route);
    const std::vector<std::int64_t> shape = shape_of(route.size);
    EXPECT_EQ(x.size() >= kParallelThreshold, route.size == Size::Large);
    const QuantResult reference = reference_quantize(x, shape, config);
    std::vector<QuantResult> first;  // the first level's cold, codes-kept and summary results
    for (SimdLevel level : available_simd_levels()) {
        SCOPED_TRACE(to_string(level));
        const AtLevel at(level);
        std::vector<QuantResult> results;
        results.push_back(quantize(x, shape, config));
        results.push_back(quantize(x, shape, config, {.keep_codes = true}));
        results.push_back(quantize(x, shape, config, {}, summarize_values(x)));
        const char* names[] = {"cold", "cold, codes kept", "with a value summary"};
        for (std::size_t r = 0; r < results.size(); ++r) {
            SCOPED_TRACE(names[r]);
            expect_equal(results[r], reference, r == 1);
            if (!first.empty()) {
                SCOPED_TRACE("against the first level");
                expect_identical(results[r], first[r]);
            }
        }
        if (first.empty()) {
            first = std::move(results);
        }
    }
}

std::string route_name(const testing::TestParamInfo<Route>& info) {
    std::string name = info.param.name;
    for (char& c : name) {
        c = std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_';
    }
    return name;
}

INSTANTIATE_TEST_SUITE_P(EveryRoute, ReferenceRoutes, testing::ValuesIn(kRoutes), route_name);

// The steps a worked example prints: int8 symmetric, amax 2.5, s = 2.5 / 127; x = 1.3 gives
// x / s = 66.04, rounded to 66, Q(x) = 66 s = 1.2992.
TEST(ReferenceSteps, OneGroupOneValue) {
    QuantConfig c;
    apply_format(c, "int8");
    const std::vector<float> group{1.3f, -2.5f, 0.5f};
    const ReferenceParameters p = reference_parameters(group, c, 1.0);
    EXPECT_EQ(p.range.hi, 2.5);
    EXPECT_EQ(p.params.scale, static_cast<float>(2.5 / 127));
    const ReferenceValue v = reference_value(1.3f, p, c, 0);
    EXPECT_NEAR(v.t, 66.04, 0.005);
    EXPECT_EQ(v.rounded, 66.0f);
    EXPECT_EQ(v.code, 66);
    EXPECT_EQ(v.value, 66.0f * static_cast<float>(2.5 / 127));
    EXPECT_NEAR(v.value, 1.2992, 5e-5);
    EXPECT_FALSE(v.clipped);
    EXPECT_TRUE(reference_value(2.5f + 2.5f / 127 * 0.6f, p, c, 0).clipped);
}

// Which values form each group: channels on the middle axis, blocks with a short tail.
TEST(ReferenceSteps, Groups) {
    const std::vector<std::int64_t> cube{2, 3, 2};
    const auto channels = reference_groups(12, cube, parse_granularity("channel:1"));
    ASSERT_EQ(channels.size(), 3u);
    EXPECT_EQ(channels[1], (std::vector<std::size_t>{2, 3, 8, 9}));
    const std::vector<std::int64_t> rows{2, 5};
    const auto blocks = reference_groups(10, rows, parse_granularity("block:2"));
    ASSERT_EQ(blocks.size(), 6u);
    EXPECT_EQ(blocks[2], (std::vector<std::size_t>{4}));
    EXPECT_EQ(blocks[3], (std::vector<std::size_t>{5, 6}));
}

}  // namespace
}  // namespace quantscope
