// Golden blocks (issue 19): for every type GgmlType::quantize offers, a constant block, a block
// with one outlier, an all-zero block and a block with a NaN, with the bytes and the decoded
// values worked out by hand from ggml's quantize_row_*_ref (ggml-quants.c). Where each is:
//
//   type    constant              one outlier              all zero              NaN
//   q4_0    Q4_0 (quantize_test)  Q4_0                     Q4_0                  Q4_0
//   q4_1    Q4_1                  Q4_1                     Q4_1AllZero (here)    Q4_1
//   q5_0    Q5_0Constant (here)   Q5_0                     Q5_0                  Q5_0NaN (here)
//   q5_1    Q5_1Constant (here)   Q5_1Outlier (here)       Q5_1AllZero (here)    Q5_1NaN (here)
//   q8_0    Q8_0Constant (here)   Q8_0                     Q8_0                  Q8_0
//   iq4_nl  Iq4_nl                Iq4_nl                   Iq4_nl                Iq4_nl
//   q2_K..  KQuantsOfAConstant-   KQuantsOfOneOutlier      KQuantsOfZeroAre-     KQuantsWithANaN-
//   q6_K    Block                 (here)                   Zero                  AreGgmlsGarbageIn
//
// (the tests without "(here)" are in ggml_quantize_test.cpp). A NaN is the raw quantizer's
// input here, so the bytes are ggml's own; quantize() gives the quantizer 0 instead
// (ggml_config_test.cpp). fp16 values: 0x399A = 0.7001953125 (0.7 = 1.4 * 2^-1, mantissa
// 409.6 -> 410), 0x3C00 = 1, 0xAC00 = -0.0625, 0xC400 = -4.
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <vector>

#include "format_test_support.h"

namespace quantscope {
namespace {

using test::ggml_bytes;
using test::ggml_input;
using test::quantize_ggml_block;

// Every decoded value is `fill` but those listed.
void expect_values(const std::vector<float>& values, float fill,
                   std::vector<std::pair<std::size_t, float>> at = {}) {
    const std::vector<float> expected = ggml_input(fill, at, values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        ASSERT_EQ(values[i], expected[i]) << i;
    }
}

TEST(GgmlGolden, Q4_1AllZero) {
    // min = max = 0: d = 0 / 15 = 0, m = 0, id = 0; codes (int8)((0 - 0) * 0 + 0.5) = 0.
    // Every byte 0; values 0 * 0 + 0 = 0.
    const test::GgmlBlock b = quantize_ggml_block("q4_1", ggml_input(0));
    EXPECT_EQ(b.bytes, ggml_bytes({0x0000, 0x0000}, 16, 0x00));
    expect_values(b.values, 0.0f);
}

TEST(GgmlGolden, Q5_0Constant) {
    // 0.7: max 0.7, d = 0.7 / -16 = -0.04375 -> fp16 0xA99A (-0.0437622: 1.4 * 2^-5, mantissa
    // 410), id = 1 / d = -22.857; 0.7 * id = -16 (within an ulp) + 16.5 = 0.5 -> code 0: every
    // nibble 0, every qh bit 0. Values d * (0 - 16) = 0.7001953125.
    const test::GgmlBlock b = quantize_ggml_block("q5_0", ggml_input(0.7f));
    EXPECT_EQ(b.bytes, ggml_bytes({0xA99A, 0x0000, 0x0000}, 16, 0x00));
    expect_values(b.values, 0.7001953125f);
}

TEST(GgmlGolden, Q5_0NaN) {
    // 0.25 with 1 at 0 and NaN at 3: the running max skips the NaN (amax < NaN is false): max 1,
    // d = 1 / -16 = -0.0625 (0xAC00), id = -16. 0.25 -> -4 + 16.5 = 12.5 -> 12 (nibble 0xC,
    // no qh bit); 1 -> -16 + 16.5 = 0.5 -> 0; NaN -> (int8)NaN = 0 (x86's cvttss2si gives
    // 0x80000000, low byte 0). Bytes 0xCC but bytes 0 and 3 = 0xC0 (elements 0 and 3 low,
    // 16 and 19 high); qh 0. Values -0.0625 * (12 - 16) = 0.25, and 1 for the codes 0 (the NaN
    // too).
    const test::GgmlBlock b = quantize_ggml_block("q5_0", ggml_input(0.25f, {{0, 1}, {3, NAN}}));
    EXPECT_EQ(b.bytes, ggml_bytes({0xAC00, 0x0000, 0x0000}, 16, 0xCC, {{0, 0xC0}, {3, 0xC0}}));
    expect_values(b.values, 0.25f, {{0, 1.0f}, {3, 1.0f}});
}

TEST(GgmlGolden, Q5_1Constant) {
    // 0.7: max = min = 0.7, d = (max - min) / 31 = 0 -> fp16 0, id = 0, m = fp16(0.7) = 0x399A;
    // codes (uint8)(0 * 0 + 0.5) = 0: nibbles and qh all 0. Values 0 * 0 + m = 0.7001953125.
    const test::GgmlBlock b = quantize_ggml_block("q5_1", ggml_input(0.7f));
    EXPECT_EQ(b.bytes, ggml_bytes({0x0000, 0x399A, 0x0000, 0x0000}, 16, 0x00));
    expect_values(b.values, 0.7001953125f);
}

TEST(GgmlGolden, Q5_1AllZero) {
    // min = max = 0: d = 0, m = 0, codes 0: all 24 bytes 0, values 0.
    const test::GgmlBlock b = quantize_ggml_block("q5_1", ggml_input(0));
    EXPECT_EQ(b.bytes, ggml_bytes({0x0000, 0x0000, 0x0000, 0x0000}, 16, 0x00));
    expect_values(b.values, 0.0f);
}

TEST(GgmlGolden, Q5_1Outlier) {
    // 0.5 with -4 at 5: min -4, max 0.5, d = 4.5 / 31 = 0.1451613 -> fp16 0x30A5 (1.1611328 *
    // 2^-3 = 0.1451416: mantissa 165.16 -> 165), m = -4 (0xC400), id = 31 / 4.5. 0.5 ->
    // 4.5 * id = 31 (within an ulp) + 0.5 -> 31: nibble 0xF and its qh bit; -4 -> 0.5 -> 0.
    // Bytes 0xFF but byte 5 = 0xF0 (element 5 low, 21 high); qh every bit but bit 5:
    // 0xFFFFFFDF. Values: 0.1451416015625 * 31 - 4 = 0.4993896484375 (exact in float), -4.
    const test::GgmlBlock b = quantize_ggml_block("q5_1", ggml_input(0.5f, {{5, -4}}));
    EXPECT_EQ(b.bytes, ggml_bytes({0x30A5, 0xC400, 0xFFDF, 0xFFFF}, 16, 0xFF, {{5, 0xF0}}));
    expect_values(b.values, 0.4993896484375f, {{5, -4.0f}});
}

TEST(GgmlGolden, Q5_1NaN) {
    // 0 with 31 at 20 and NaN at 2: min and max skip the NaN (v < min, v > max are false):
    // min 0, max 31, d = 1 (0x3C00), m = 0, id = 1. 31 -> 31.5 -> 31 (byte 4 high nibble 0xF,
    // qh bit 20: 0x00100000); 0 -> 0; NaN -> (uint8)NaN = 0 (cvttss2si, low byte). Values 31 at
    // 20, 0 elsewhere, the NaN's too.
    const test::GgmlBlock b = quantize_ggml_block("q5_1", ggml_input(0, {{20, 31}, {2, NAN}}));
    EXPECT_EQ(b.bytes, ggml_bytes({0x3C00, 0x0000, 0x0000, 0x0010}, 16, 0x00, {{4, 0xF0}}));
    expect_values(b.values, 0.0f, {{20, 31.0f}});
}

TEST(GgmlGolden, Q8_0Constant) {
    // 0.7: amax 0.7, d = 0.7 / 127 = 0.0055118 -> fp16 0x1DA5 (1.4111328 * 2^-8 =
    // 0.0055122: mantissa 420.89 -> 421), id = 1 / d; 0.7 * id = 127 (within an ulp) ->
    // roundf 127 (0x7F) everywhere. Values 0.005512237548828125 * 127 = 0.700054168701171875
    // (1445 * 127 / 2^18, exact in float).
    const test::GgmlBlock b = quantize_ggml_block("q8_0", ggml_input(0.7f));
    EXPECT_EQ(b.bytes, ggml_bytes({0x1DA5}, 32, 0x7F));
    expect_values(b.values, 0.700054168701171875f);
}

// `size` bytes of 0 but those listed.
std::vector<unsigned> zeros_but(std::size_t size,
                                std::vector<std::pair<std::size_t, unsigned>> at) {
    std::vector<unsigned> out(size, 0);
    for (const auto& [index, value] : at) {
        out[index] = value;
    }
    return out;
}

TEST(GgmlGolden, KQuantsOfOneOutlier) {
    // 256 zeros with 1 at 100: element 4 of q2_K / q3_K / q6_K's sub-block 6 (16 values), of
    // q4_K / q5_K's sub-block 3 (32 values). Every other sub-block is all zero: scale 0, codes
    // 0 (q3_K's code 0 is -4, q6_K's -32: make_q3_quants / make_qx_quants return before adding
    // nmax), so only the outlier's sub-block and the super-scales are stored.
    const std::vector<float> x = ggml_input(0.0f, {{100, 1.0f}}, 256);

    // q2_K (make_qkx2_quants, nmax 3, weights |x|): min 0, max 1, iscale 3, codes 0 and 3;
    // fp32(1/3) * 3 rounds to 1, so the error is 0 and no trial scale beats it: scale 1/3,
    // -min = -0 (not > 0: dmin = 0, min nibbles 0). Super-scale iscale = 15 / (1/3) = 45,
    // scale nibble nearest(45 / 3) = 15, d = fp16(1/45) = 0x25B0 (1.421875 * 2^-6 = 0.0222168).
    // Codes again: nearest(1 / (15 d)) = nearest(3.0007) = 3. Layout scales[16] qs[64] d dmin:
    // byte 6 = 0x0F, element 100 = l + 96 with l = 4: bits 6-7 of qs[4] (byte 20) = 0xC0.
    // Value 15 d * 3 = 0.999755859375.
    const test::GgmlBlock q2 = quantize_ggml_block("q2_K", x);
    EXPECT_EQ(q2.bytes, zeros_but(84, {{6, 0x0F}, {20, 0xC0}, {80, 0xB0}, {81, 0x25}}));
    expect_values(q2.values, 0.0f, {{100, 0.999755859375f}});

    // q3_K (make_q3_quants, nmax 4, weights x^2): max 1, iscale -4: the 1 codes -4, the zeros
    // 0 (weight 0). sumlx = -4, suml2 = 16; the refinement skips both (slx = 0 and -4, not
    // > 0): scale -0.25. Block: max scale -0.25, iscale -32 / -0.25 = 128; sub-block 6 stores
    // nearest(-32) + 32 = 0, the others 0 + 32 = 32 (low nibble 0, top bits 2 in byte 8 + j % 4
    // at bits 2 (j / 4)): bytes 104..107 = 0xAA 0xAA 0xA2 0xAA (j = 6 missing from byte 106).
    // d = fp16(1 / 128) = 0x2000. Codes again against 2^-7 * (0 - 32) = -0.25: 1 -> -4 -> 0,
    // the zeros -0 -> 0 -> 4: hmask bit 3 (elements 96..127) of bytes 0..15 but byte 4.
    // Value -0.25 * (0 - 4) = 1.
    const test::GgmlBlock q3 = quantize_ggml_block("q3_K", x);
    std::vector<unsigned> q3_bytes =
        zeros_but(110, {{104, 0xAA}, {105, 0xAA}, {106, 0xA2}, {107, 0xAA}, {109, 0x20}});
    for (std::size_t m = 0; m < 16; ++m) {
        q3_bytes[m] = m == 4 ? 0x00 : 0x08;
    }
    EXPECT_EQ(q3.bytes, q3_bytes);
    expect_values(q3.values, 0.0f, {{100, 1.0f}});

    // q4_K (make_qkx2_quants, nmax 15, weights rms + |x|): iscale 15, codes 0 and 15, fp32(1/15)
    // * 15 rounds to 1: error 0, scale 1/15, -min -0. inv_scale = 63 / (1/15) = 944.99994, scale
    // code nearest(62.999999) = 63 in the low bits of scales byte 3 (byte 4 + 3: after d and
    // dmin); min codes 0, dmin 0. d = fp16(1/945) = 0x1456 (1110 / 2^20). Codes
    // again: nearest(1 / (63 d)) = nearest(14.995) = 15; element 100 is the high nibble of qs
    // byte 32 + 4 (pairs l, l + 32 of each 64): byte 16 + 36 = 0xF0. Value 63 d * 15 =
    // 1048950 / 2^20.
    const test::GgmlBlock q4 = quantize_ggml_block("q4_K", x);
    EXPECT_EQ(q4.bytes, zeros_but(144, {{0, 0x56}, {1, 0x14}, {7, 0x3F}, {52, 0xF0}}));
    expect_values(q4.values, 0.0f, {{100, 1048950.0f / 1048576}});

    // q5_K (nmax 31): fp32(1/31) * 31 = 1 - 2^-25, a tie that rounds to even, 1: error 0, scale
    // 1/31; inv_scale = 63 * 31 = 1953, scale code 63 (byte 7); d = fp16(1/1953) = 0x1032
    // (1074 / 2^21). Codes again: nearest(1 / (63 d)) = nearest(30.994) = 31: low 4 bits 15 in
    // the high nibble of qs byte 32 + 4 (byte 48 + 36 = 84), bit 4 in qh byte 4 (byte 20), bit 3
    // (the second 64's high half). Value 63 d * 31 = 2097522 / 2^21.
    const test::GgmlBlock q5 = quantize_ggml_block("q5_K", x);
    EXPECT_EQ(q5.bytes, zeros_but(176, {{0, 0x32}, {1, 0x10}, {7, 0x3F}, {20, 0x08}, {84, 0xF0}}));
    expect_values(q5.values, 0.0f, {{100, 2097522.0f / 2097152}});

    // q6_K (make_qx_quants, nmax 32, weights x^2): max 1, iscale -32: the 1 codes -32, the
    // zeros 0; scale -32 / 1024 = -1/32, best 1. Trials -(32 + 0.1 is): -31.5 and beyond round
    // to -32 (the same sums); is = -6..-9 give -31: sums -31 and 961, 961 > 1 * 961 is false.
    // Block: iscale -128 / (-1/32) = 4096, scale byte 192 + 6 = nearest(-128) = 0x80, d =
    // fp16(1/4096) = 0x0C00. Codes again against -1/32: 1 -> -32 -> 0, zeros -> 0 + 32 = 32:
    // high bits 2 at bits 6-7 of qh bytes 128 + l for elements l + 96, l = 0..15 but 4.
    // Value -1/32 * (0 - 32) = 1.
    const test::GgmlBlock q6 = quantize_ggml_block("q6_K", x);
    std::vector<unsigned> q6_bytes = zeros_but(210, {{198, 0x80}, {209, 0x0C}});
    for (std::size_t l = 0; l < 16; ++l) {
        q6_bytes[128 + l] = l == 4 ? 0x00 : 0x80;
    }
    EXPECT_EQ(q6.bytes, q6_bytes);
    expect_values(q6.values, 0.0f, {{100, 1.0f}});
}

}  // namespace
}  // namespace quantscope
