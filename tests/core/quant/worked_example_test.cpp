// Worked examples (issue 17): the design page's examples reproduced step by step, with the
// arithmetic in the comments.

#include "quantscope/quant/worked_example.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "quantscope/common/error.h"

namespace quantscope {
namespace {

const WorkedPreset& preset(const std::string& name) {
    for (const WorkedPreset& p : worked_presets()) {
        if (p.name == name) {
            return p;
        }
    }
    throw std::runtime_error("no preset " + name);
}

WorkedExample run(const std::string& name) {
    const WorkedPreset& p = preset(name);
    return work_example(p.values, p.shape, p.config);
}

std::vector<std::int32_t> codes(const WorkedExample& w) {
    std::vector<std::int32_t> c;
    for (const WorkedRow& r : w.rows) {
        c.push_back(r.code);
    }
    return c;
}

std::vector<float> dequantized(const WorkedExample& w) {
    std::vector<float> d;
    for (const WorkedRow& r : w.rows) {
        d.push_back(r.dequantized);
    }
    return d;
}

// Symmetric INT8 of [-2.5, -1, 0, 1, 3.5]: T = 3.5, s = 3.5 / 127 = 0.02755906;
// -2.5 / s = -90.71 -> -91; -1 / s = -36.29 -> -36; 1 / s -> 36; 3.5 / s = 127.
TEST(WorkedExample, SymmetricInt8) {
    const WorkedExample w = run("symmetric-int8");
    ASSERT_EQ(w.groups.size(), 1u);
    EXPECT_FLOAT_EQ(static_cast<float>(w.groups[0].params.scale), 3.5f / 127);
    EXPECT_EQ(w.groups[0].scale_formula, "s = T / (2^(8-1) - 1) = 3.5 / 127 = 0.02755906");
    EXPECT_EQ(codes(w), (std::vector<std::int32_t>{-91, -36, 0, 36, 127}));
    EXPECT_EQ(w.rows[0].bits, "10100101");  // -91 in two's complement
    EXPECT_EQ(w.rows[4].bits, "01111111");
    EXPECT_EQ(w.rows[0].rule, "nearest");
    EXPECT_EQ(w.rows[2].rule, "exact");
    // |error| <= s / 2 for every value; the max is -1 - (-36 s) = -0.00787.
    EXPECT_FLOAT_EQ(static_cast<float>(w.max_bound), 3.5f / 127 / 2);
    EXPECT_LE(w.metrics.max_abs_error, w.max_bound);
    // Storage: 5 values * 8 bits + one FP32 scale = 40 + 32 bits = 9 bytes.
    EXPECT_EQ(w.storage.bytes, 9);
    EXPECT_EQ(w.storage.scale_bytes, 4);
}

// Affine UINT8 of the same vector: A = -2.5, B = 3.5, s = 6 / 255 = 0.02352941,
// z = 0 - round(-2.5 / s) = 0 - round(-106.25) = 106. -1 / s = -42.5 exactly: a tie.
// Ties to even: -42 + 106 = 64; ties away: -43 + 106 = 63. Likewise 1 / s = 42.5: 148 or 149.
TEST(WorkedExample, AffineUint8TiesShowWhyTheAnswersDiffer) {
    const WorkedExample even = run("affine-uint8-even");
    EXPECT_EQ(even.groups[0].scale_formula,
              "s = (B - A) / (2^8 - 1) = (3.5 - (-2.5)) / 255 = 0.02352941");
    EXPECT_EQ(even.groups[0].zero_point_formula,
              "z = qmin - round(A / s) = 0 - round(-106.25) = 106");
    EXPECT_EQ(codes(even), (std::vector<std::int32_t>{0, 64, 106, 148, 255}));
    EXPECT_FLOAT_EQ(even.rows[1].scaled, -42.5f);
    EXPECT_EQ(even.rows[1].rule, "tie: to even");
    EXPECT_EQ(even.rows[1].shifted, 64);
    const WorkedExample away = run("affine-uint8-away");
    EXPECT_EQ(codes(away), (std::vector<std::int32_t>{0, 63, 106, 149, 255}));
    EXPECT_EQ(away.rows[1].rule, "tie: away from zero");
    EXPECT_EQ(away.rows[3].rule, "tie: away from zero");
    EXPECT_EQ(away.rows[0].rule, "nearest");  // -106.25 -> -106, not a tie
}

// 3.6 in (-10, 10), affine INT8: s = 20 / 255 = 0.0784, z = -128 - round(-127.5) = -128 + 128
// = 0 (ties to even: -127.5 -> -128); 3.6 / s = 45.9 -> 46.
TEST(WorkedExample, AValueInAGivenRange) {
    const WorkedExample w = run("affine-int8-range");
    EXPECT_NEAR(w.groups[0].params.scale, 20.0 / 255, 1e-7);
    EXPECT_EQ(w.groups[0].params.zero_point, 0);
    EXPECT_EQ(w.rows[0].code, 46);
}

// Two rows [30, 10, 20, 30] and [0, 2, 2, 0] in INT4 (levels -7 .. 7). One scale: s = 30 / 7 =
// 4.286; 2 / s = 0.47 -> 0: the second row becomes all zeros. One scale per row: the second
// row's s = 2 / 7, and 2 / s = 7 exactly: it is kept. Blocks of 4 do the same.
TEST(WorkedExample, VectorWiseRescuesTheSmallRow) {
    const WorkedExample one = run("one-scale");
    ASSERT_EQ(one.groups.size(), 1u);
    const std::vector<float> lost = dequantized(one);
    EXPECT_EQ(std::vector<float>(lost.begin() + 4, lost.end()), (std::vector<float>{0, 0, 0, 0}));
    for (const char* name : {"vector-wise", "blockwise"}) {
        const WorkedExample w = run(name);
        ASSERT_EQ(w.groups.size(), 2u) << name;
        EXPECT_NEAR(w.groups[1].params.scale, 2.0 / 7, 1e-7) << name;
        const std::vector<float> d = dequantized(w);
        EXPECT_EQ(std::vector<float>(d.begin() + 4, d.end()), (std::vector<float>{0, 2, 2, 0}))
            << name;
        EXPECT_EQ(w.rows[5].group, 1u);
    }
}

// E4M3 has 3 mantissa bits: between 1 and 2 the step is 1/8. 1.0625 lies halfway between 1.0
// (mantissa 000) and 1.125 (001): a tie, to the even mantissa, 1.0. 1.1875 lies halfway between
// 1.125 (001) and 1.25 (010): to 1.25.
TEST(WorkedExample, E4M3Ties) {
    const WorkedExample w = run("e4m3-ties");
    EXPECT_EQ(w.groups[0].scale_formula, "s = 1 (direct: the values are rounded as they are)");
    EXPECT_EQ(dequantized(w), (std::vector<float>{1.0f, 1.25f, 1.125f}));
    EXPECT_EQ(w.rows[0].rule, "tie: to even");
    EXPECT_EQ(w.rows[1].rule, "tie: to even");
    EXPECT_EQ(w.rows[2].rule, "nearest");
    EXPECT_EQ(w.rows[0].bits, "0 0111 000");    // +, exponent 7 - 7 = 0, mantissa 0
    EXPECT_DOUBLE_EQ(w.rows[0].bound, 0.0625);  // half of the step 1/8
}

// Scaled E4M3: T = 3.5 maps onto 448, s = 3.5 / 448 = 0.0078125 (2^-7): every value here is
// then exact (-2.5 / s = -320, 1 / s = 128).
TEST(WorkedExample, E4M3Scaled) {
    const WorkedExample w = run("e4m3-scaled");
    EXPECT_EQ(w.groups[0].scale_formula, "s = T / max = 3.5 / 448 = 0.0078125");
    EXPECT_EQ(dequantized(w), (std::vector<float>{-2.5f, -1.0f, 0.0f, 1.0f, 3.5f}));
}

// FP16's largest value is 65504: 1e8 (10000 * 10000) saturates to it; 1e-8 lies below the
// smallest normal 6.1e-5 and becomes a subnormal, a multiple of 2^-24.
TEST(WorkedExample, Fp16Range) {
    const WorkedExample w = run("fp16-range");
    EXPECT_EQ(w.rows[0].dequantized, 65504.0f);
    EXPECT_EQ(w.rows[0].rule, "saturated to the largest value");
    EXPECT_TRUE(w.rows[0].clipped);
    EXPECT_EQ(w.rows[1].rule, "exact");
    EXPECT_EQ(w.rows[2].dequantized, 0x1p-24f * 0);  // 1e-8 < 2^-25: rounds to zero
}

// NF4: one block (absmax 3.5), s = 3.5 / 1; 3.5 / s = 1 is the top level, 0 the zero level.
TEST(WorkedExample, Nf4) {
    const WorkedExample w = run("nf4");
    EXPECT_EQ(w.groups[0].scale_formula, "s = T / max = 3.5 / 1 = 3.5");
    EXPECT_EQ(w.rows[4].dequantized, 3.5f);
    EXPECT_EQ(w.rows[2].dequantized, 0.0f);
    EXPECT_EQ(w.rows[4].code, 15);
}

// Every preset, under every rounding mode, agrees with the whole-tensor reference's Q(x) (the
// worked example is that reference laid out).
TEST(WorkedExample, EveryPresetUnderEveryRounding) {
    for (const WorkedPreset& p : worked_presets()) {
        for (const Rounding r : {Rounding::NearestEven, Rounding::NearestAway, Rounding::TowardZero,
                                 Rounding::Stochastic}) {
            QuantConfig c = p.config;
            c.rounding = r;
            const WorkedExample w = work_example(p.values, p.shape, c);
            const QuantResult fast =
                quantize(p.values, p.shape, c, QuantizeOptions{.keep_codes = true});
            ASSERT_EQ(w.rows.size(), p.values.size()) << p.name;
            for (std::size_t i = 0; i < w.rows.size(); ++i) {
                EXPECT_EQ(w.rows[i].dequantized, fast.dequantized[i]) << p.name << " " << i;
                EXPECT_EQ(w.rows[i].code, fast.codes[i]) << p.name << " " << i;
                EXPECT_FALSE(w.rows[i].rule.empty()) << p.name << " " << i;
                if (!w.rows[i].clipped && !w.rows[i].outlier) {
                    // The bound is exact arithmetic; Q(x) = (q - z) * s is a float product,
                    // off by up to half a float ULP of Q(x) on top of it.
                    const double float_slack = 0x1p-24 * std::abs(w.rows[i].dequantized);
                    EXPECT_LE(std::abs(w.rows[i].error), w.rows[i].bound + float_slack)
                        << p.name << " " << i;
                }
            }
            // The fast path sums in float lanes before double: within the reference test's
            // stated 2e-5 (reference_routes_test.cpp), not bit for bit.
            EXPECT_NEAR(w.metrics.mse, fast.metrics.mse, 2e-5 * w.metrics.mse) << p.name;
        }
    }
}

TEST(WorkedExample, AtMost64Values) {
    const std::vector<float> many(65, 1.0f);
    EXPECT_THROW(work_example(many, {}, preset("symmetric-int8").config), UsageError);
}

}  // namespace
}  // namespace quantscope
