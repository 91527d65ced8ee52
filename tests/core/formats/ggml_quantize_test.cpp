// ggml's reference quantizers for the legacy types (GgmlType::quantize): golden blocks with
// the bytes worked out by hand from quantize_row_*_ref's arithmetic, and quantize -> dequantize
// round trips within the types' error bounds.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "format_test_support.h"
#include "quantscope/formats/format.h"
#include "quantscope/formats/ggml_types.h"

namespace quantscope {
namespace {

using test::ggml_bytes;
using test::ggml_input;

std::vector<unsigned> quantize_block(std::string_view name, const std::vector<float>& x) {
    return test::quantize_ggml_block(name, x).bytes;
}

TEST(GgmlQuantize, Q4_0) {
    // Constant 1: max 1, d = 1 / -8 = -0.125 (fp16 0xB000), id = -8; 1 * -8 + 8.5 = 0.5 -> 0.
    EXPECT_EQ(quantize_block("q4_0", ggml_input(1)), ggml_bytes({0xB000}, 16, 0x00));
    // 0.5 with -4 at 5: max -4 (largest magnitude, sign kept), d = 0.5 (0x3800), id = 2;
    // 0.5 -> 1 + 8.5 = 9.5 -> 9; -4 -> -8 + 8.5 = 0.5 -> 0: byte 5 = 0x90 (element 21 high).
    EXPECT_EQ(quantize_block("q4_0", ggml_input(0.5f, {{5, -4}})),
              ggml_bytes({0x3800}, 16, 0x99, {{5, 0x90}}));
    // All zero: d = 0 / -8 = -0 (fp16 0x8000), id = 0, every code (int8)(8.5) = 8.
    EXPECT_EQ(quantize_block("q4_0", ggml_input(0)), ggml_bytes({0x8000}, 16, 0x88));
    // NaN at 3 is skipped by the max and codes as 0 (a NaN converts to 0x80000000, low byte 0):
    // 0.25 with 1 at 0: d = -0.125, 0.25 -> -2 + 8.5 -> 6, 1 -> 0.
    EXPECT_EQ(quantize_block("q4_0", ggml_input(0.25f, {{0, 1}, {3, NAN}})),
              ggml_bytes({0xB000}, 16, 0x66, {{0, 0x60}, {3, 0x60}}));
}

TEST(GgmlQuantize, Q4_1) {
    // Constant 1: min = max = 1, d = 0, m = 1 (0x3C00), codes (int8)(0 + 0.5) = 0.
    EXPECT_EQ(quantize_block("q4_1", ggml_input(1)), ggml_bytes({0x0000, 0x3C00}, 16, 0x00));
    // 0 with 15 at 20: d = 15 / 15 = 1, m = 0; 15 -> 15.5 -> 15: byte 4 high nibble. A NaN
    // (at 2) is skipped by min and max and codes as 0.
    const auto expected = ggml_bytes({0x3C00, 0x0000}, 16, 0x00, {{4, 0xF0}});
    EXPECT_EQ(quantize_block("q4_1", ggml_input(0, {{20, 15}})), expected);
    EXPECT_EQ(quantize_block("q4_1", ggml_input(0, {{20, 15}, {2, NAN}})), expected);
}

TEST(GgmlQuantize, Q5_0) {
    // 1 with -16 at 17: d = -16 / -16 = 1, id = 1; 1 -> 17.5 -> 17 (nibble 1, bit 4 set);
    // -16 -> 0.5 -> 0. Bytes 0x11 but byte 1 = 0x01 (element 17 high); qh all but bit 17.
    EXPECT_EQ(quantize_block("q5_0", ggml_input(1, {{17, -16}})),
              ggml_bytes({0x3C00, 0xFFFF, 0xFFFD}, 16, 0x11, {{1, 0x01}}));
    // All zero: d = -0 (0x8000), codes (int8)(16.5) = 16: nibbles 0, every qh bit set.
    EXPECT_EQ(quantize_block("q5_0", ggml_input(0)),
              ggml_bytes({0x8000, 0xFFFF, 0xFFFF}, 16, 0x00));
}

TEST(GgmlQuantize, Q5_1) {
    // x[j] = j: min 0, max 31, d = 1, m = 0, codes j: byte j = j | j << 4 (elements j and
    // j + 16 share the low nibble), qh = bits 16..31 (the codes 16..31).
    std::vector<float> x(32);
    std::vector<std::pair<std::size_t, unsigned>> qs;
    for (std::size_t j = 0; j < 32; ++j) {
        x[j] = static_cast<float>(j);
        if (j < 16) {
            qs.emplace_back(j, static_cast<unsigned>(j | j << 4));
        }
    }
    EXPECT_EQ(quantize_block("q5_1", x), ggml_bytes({0x3C00, 0x0000, 0x0000, 0xFFFF}, 16, 0, qs));
}

TEST(GgmlQuantize, Q8_0) {
    // amax 127: d = 1, id = 1; roundf rounds half away from zero: 2.5 -> 3, -2.5 -> -3.
    EXPECT_EQ(quantize_block("q8_0", ggml_input(1, {{0, 127}, {1, 2.5f}, {2, -2.5f}, {3, 0.49f}})),
              ggml_bytes({0x3C00}, 32, 0x01, {{0, 0x7F}, {1, 0x03}, {2, 0xFD}, {3, 0x00}}));
    EXPECT_EQ(quantize_block("q8_0", ggml_input(0)), ggml_bytes({0x0000}, 32, 0x00));
    // ggml's running maximum is MAX(a, b) = a > b ? a : b, so a NaN last in the block becomes
    // the maximum: d = NaN (0x7E00), every code 0; the block decodes to NaN.
    EXPECT_EQ(quantize_block("q8_0", ggml_input(1, {{0, 127}, {31, NAN}})),
              ggml_bytes({0x7E00}, 32, 0x00));
}

TEST(GgmlQuantize, Q8_1StoresTheScaledSum) {
    // d = 1; codes 127, then 31 ones: sum 158, s = 158 * 1 = 158 (fp16 0x58F0).
    EXPECT_EQ(quantize_block("q8_1", ggml_input(1, {{0, 127}})),
              ggml_bytes({0x3C00, 0x58F0}, 32, 0x01, {{0, 0x7F}}));
}

#if defined(__x86_64__)
TEST(GgmlQuantize, Q8_1InfinityGivesANegativeNaNSum) {
    // An Inf sets d = Inf (0x7C00) and id = 0; Inf * 0 is NaN, coded 0, so the sum is 0 and
    // s = 0 * Inf, x86's default NaN, which is negative: fp16 0xFE00 as ggml stores it.
    EXPECT_EQ(quantize_block("q8_1", ggml_input(1, {{9, INFINITY}})),
              ggml_bytes({0x7C00, 0xFE00}, 32, 0x00));
}
#endif

TEST(GgmlQuantize, Iq4_nl) {
    // quantize_row_iq4_nl_ref (ntry -1): codes against d0 = max / -127, then the weighted
    // least-squares scale d = sum(w q x) / sum(w q^2), w = x^2, stored in fp16; levels
    // -127 -104 -83 -65 -49 -35 -22 -10 1 13 25 38 53 69 89 113 (index 0..15).
    // Constant 1: id = 1 / (1 / -127) = -127 -> index 0 (level -127) everywhere;
    // d = 32 * (1 * -127 * 1) / (32 * 16129) = -1 / 127 -> fp16 0xA008 (-0.0078735), so every
    // value decodes to 0.99994.
    EXPECT_EQ(quantize_block("iq4_nl", ggml_input(1)), ggml_bytes({0xA008}, 16, 0x00));
    // 0.5 with 20 at 5: id = -127 / 20 = -6.35; 20 -> -127 (index 0); 0.5 -> -3.175, nearer
    // level 1 (index 8) than -10. d = (400 * -127 * 20 + 31 * 0.125) / (400 * 16129 + 31 * 0.25)
    // = -1015996.125 / 6451601 (float32 sums) = -0.15748 -> fp16 0xB10A: 20 decodes to 19.9988
    // and 0.5 to -0.1575 (the reference does not search the scale: level 1 flips the sign).
    EXPECT_EQ(quantize_block("iq4_nl", ggml_input(0.5f, {{5, 20}})),
              ggml_bytes({0xB10A}, 16, 0x88, {{5, 0x80}}));
    // All zero (below GROUP_MAX_EPS): d = 0; ggml keeps stale codes, here index 8 (level 1).
    EXPECT_EQ(quantize_block("iq4_nl", ggml_input(0)), ggml_bytes({0x0000}, 16, 0x88));
    // 0.25 with 1 at 0 and NaN at 3: max 1 (NaN skipped), id = -127; 0.25 -> -31.75, nearest
    // -35 (index 5); 1 -> index 0; NaN fails every comparison of the bisection: index 15. Its
    // weight NaN makes sum(w q^2) NaN, not > 0, so d = 0.
    EXPECT_EQ(quantize_block("iq4_nl", ggml_input(0.25f, {{0, 1}, {3, NAN}})),
              ggml_bytes({0x0000}, 16, 0x55, {{0, 0x50}, {3, 0x5F}}));
}

TEST(GgmlQuantize, Iq4_nlTiesSubnormalsInfinityAndFp16sTop) {
    // A block led by -127 has max -127, d0 = -127 / -127 = 1 and id = 1: each value is its own
    // v. best_index_int8 takes the upper level on a tie (x - v[k] < v[k + 1] - x is false), so
    // each midpoint (v[k] + v[k + 1]) / 2 codes k + 1 and the float just below it k; a NaN
    // codes 15 and makes sum(w q^2) NaN, so d = 0.
    const float mid[15] = {-115.5f, -93.5f, -74,   -57,   -42, -28.5f, -16, -4.5f,
                           7,       19,     31.5f, 45.5f, 61,  79,     101};
    std::vector<float> x(32);
    std::vector<unsigned> code(32);
    x[0] = -127;
    code[0] = 0;
    for (std::size_t k = 0; k < 15; ++k) {
        x[1 + k] = mid[k];
        code[1 + k] = static_cast<unsigned>(k + 1);
        x[16 + k] = std::nextafter(mid[k], -INFINITY);
        code[16 + k] = static_cast<unsigned>(k);
    }
    x[31] = NAN;
    code[31] = 15;
    std::vector<std::pair<std::size_t, unsigned>> qs;
    for (std::size_t j = 0; j < 16; ++j) {
        qs.emplace_back(j, code[j] | code[j + 16] << 4);
    }
    EXPECT_EQ(quantize_block("iq4_nl", x), ggml_bytes({0x0000}, 16, 0, qs));
    // Subnormals (and their squares, 0) beside -127 code 8 (level 1, between the midpoints
    // -4.5 and 7); d = (16129 * -127 * -127) / (16129 * -127 * -127) = 1 (0x3C00).
    const float tiny = 1e-40f;
    const float least = std::numeric_limits<float>::denorm_min();
    EXPECT_EQ(
        quantize_block(
            "iq4_nl",
            ggml_input(tiny, {{0, -127}, {3, -tiny}, {4, least}, {5, -least}, {6, 0}, {7, -0.0f}})),
        ggml_bytes({0x3C00}, 16, 0x88, {{0, 0x80}}));
    // An Inf is the maximum: d0 = -Inf, id = -0; every finite value gives v = -0 (code 8), the
    // Inf NaN (code 15); sum(w q x) = sum(w q^2) = Inf, d = Inf / Inf = NaN (fp16 0x7E00 with
    // the sign the CPU's default NaN has).
    const std::vector<unsigned> inf = quantize_block("iq4_nl", ggml_input(1, {{7, INFINITY}}));
    EXPECT_EQ(std::vector<unsigned>(inf.begin() + 2, inf.end()),
              ggml_bytes({}, 16, 0x88, {{7, 0x8F}}));
    EXPECT_EQ((inf[0] | inf[1] << 8) & 0x7FFFu, 0x7E00u);
    // Near fp16's top: constant 8.2e6 codes -127 (index 0) against d = 8.2e6 / -127 =
    // -64566.9 (the float sums agree within 5e-6), stored as -64576 (0xFBE2, fp16's step is 32
    // there); constant 1e7 gives d = -78740, beyond 65520: -Inf (0xFC00).
    EXPECT_EQ(quantize_block("iq4_nl", ggml_input(8.2e6f)), ggml_bytes({0xFBE2}, 16, 0x00));
    EXPECT_EQ(quantize_block("iq4_nl", ggml_input(1e7f)), ggml_bytes({0xFC00}, 16, 0x00));
}

// ---------------------------------------------------------------- K-quants
// The K-quants' reference quantizers search their scales, so their golden blocks are ggml's
// own output: quantize_row_{q2_K,q3_K,q4_K,q5_K,q6_K}_ref of ggml commit 9a4acb37 (built with
// -DNDEBUG -ffp-contract=off semantics: no FMA) on x[i] = ((37 i) mod 61 - 30) / 16, then with
// x[100] = 20.

std::vector<float> k_input(bool outlier) {
    std::vector<float> x(256);
    for (std::size_t i = 0; i < 256; ++i) {
        x[i] = static_cast<float>(static_cast<int>(i * 37 % 61) - 30) * 0.0625f;
    }
    if (outlier) {
        x[100] = 20.0f;
    }
    return x;
}

std::vector<unsigned> from_hex(std::string_view hex) {
    std::vector<unsigned> bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        bytes.push_back(
            static_cast<unsigned>(std::stoul(std::string(hex.substr(i, 2)), nullptr, 16)));
    }
    return bytes;
}

TEST(GgmlQuantize, KQuantsMatchGgmlsOutput) {
    struct Golden {
        const char* type;
        bool outlier;
        const char* hex;
    };
    const Golden goldens[] = {
        {"q2_K", false,
         "dd9ddebecebecddfcdffceeeceddbeed74d249279d74d289279e78d289279e78d289279d"
         "78e289279d78228967d24822d249279d74d249279e78e289279e78e38d77de79279d77d2"
         "89279d74e28927def42c4430"},
        {"q2_K", true,
         "d292d2b2c2b21fd2c2f2c2e2c2d2b2e224120826892412092619241209261924d1482699"
         "64d2882699641289269144129248269964924926996492492699649289679e7926896792"
         "492699649249269962394430"},
        {"q3_K", false,
         "54e99a75aa56ed9a75ab56ed9a75ab16fc0fe03f03f80fc07e03f01fc0fc0ff0bcf1065b"
         "6fb0c1165b6cf0c61a6bbcf1c639ac9cc3f679ac9fc77a69ac9336794536fbac914536ef"
         "9c41063bef9c4136696cdfc73a69acd3f63a6d9fc33639ac58a9476496ba9580c0ffc000"
         "bfa4"},
        {"q3_K", true,
         "5ce99a7da25eed9a7dab5eed9a7dab1efc0fe03f03f80fc07e03f01fc0fc0ff03c31061b"
         "2f3001161b2c31051a2b3c31c639ad9cc3f639ac9fc776699c9336794136fbac91453aeb"
         "9c51063bef9c4136796c9fc736699cd3f6396d9fc336796c33dd3333d3ddd0346a5562aa"
         "0031"},
        {"q4_K", false,
         "e51b8d27fffffffefdfffdfeefffefec6009a34dd6701aa44de7711ab45ee7812bb55ef8"
         "822bc56ff8923cc66f09933c3dd6701aa44de7711ab45ee7812bb55ef8822bc56ff8923c"
         "c66f09933cd670091aa44de7711ab45ee8812bb55ef8822bc56ff9923cc66f09933cd670"
         "0aa34dd7e7811ab45ef8812bc55ef8922bc56ff9923cd66f09a33cd6700aa34de7711ab4"},
        {"q4_K", true,
         "d2258d270b0b0b3ffdfffdf3ebfbebea6009933cd67019a34dd7711aa44de7812ab45ee8"
         "822bb55ef8923bc56f09933c0c261009f30d27110a241d27110a241e28120b251e28120b"
         "251f09130c2610091aa44dd7711aa44de7812bb55ee8822bb55ef8923cc66f09933cc660"
         "09a34dd7e7811ab45df7812bc55ef8922bc56ef8923cd66f09a33ce67009b34de7711ab4"},
        {"q5_K", false,
         "dc17ce27fffffffffdfffdffdfeddfec94a952a56a94a952a56ad4a95ab56ad6ad5ab56b"
         "56ad5a952b56a54a952952a5d013478abde124589bcef23569acdf03467abde014578bce"
         "f125689cdf0246798abde124589bcef23569acdf03467abde014578bcef125689cdf0246"
         "79ade01424589bce023579acdf13468abdf024579bcef13568acdf024679bde014578ace"
         "de023579acef13468abdf024579bcef13568acdf024679bde014578acef12568"},
        {"q5_K", true,
         "b321ce270b0b0b3ffdfffdfadbeadbea94a152a56a94a152a562d4a152b562d6a552b563"
         "56a552952356a54295a152a5d0134789ade124589abef23569abcf03467abcd014578bcd"
         "e125689cdf023679194d2104f81a5e2205491b5f33064a2c5034174b2d5135184c2f0236"
         "194d200324789aee023589abff23469abcf03457abcdf14568bcef025679cdf013679ade"
         "ee023589abff23469abcf03457abcdf14568bcef025679cdf013679ade012478"},
        {"q6_K", false,
         "71b70ea5fc93e920d71ec50b42f930e7e27c059e37c059e37c15ae37c15ae38cdb91c90f"
         "c7fdb3fb21e92fe51d531b41c83fa61c83ea51c83ea51c73ea51c73e2bee3afe410dc01d"
         "d023e093ffa206b25ae27c05ae37c05af37c15af37d15af3711cb03bdf53fe921db135d0"
         "74ff931851c73fa51c73ea50c73e950c72ea50b734d248238d34d249279d74e28927de78"
         "d1ba14ed4bd1be04ed4b10be04e17b1022b8d76d842279d76e88137dc72e8813be04ed4b"
         "10be04e17b10be47e17b14ae807f85808d7f9080917d8d83737d7b80b48f"},
        {"q6_K", true,
         "71b70ea5fc93e930c71eb50b53f940d7e37b059e37c059e37c15ae37c15ae38c2be2083f"
         "161de40a22f81fe60c24fa11c83ea61c83ea51c83ea51c73ea51c73e2bdd4bfe500eb01e"
         "c032e092ffa205b359e37c15ae37c15ae38c15ae38c16ae3621bc02aef44fea20cb126d0"
         "85ee930851c83ea51c73ea51c73e950c73e950b7b45288a30db45289a75db46289a75eb8"
         "d1ba14ed4bd1be04ed4b10be04e17b1022b8d76d842279d76e88137dc72e8813be04ed4b"
         "10be04e17b10be47e17b14ae0cf40c0c0bf4800c0af40b0cf5f4f50c291d"},
    };
    for (const Golden& golden : goldens) {
        const std::vector<float> x = k_input(golden.outlier);
        const GgmlType& type = *find_ggml_type(golden.type);
        std::vector<std::byte> out(static_cast<std::size_t>(type.block_bytes));
        type.quantize(x.data(), out.data(), 1);
        std::vector<unsigned> bytes;
        for (const std::byte b : out) {
            bytes.push_back(static_cast<unsigned>(b));
        }
        EXPECT_EQ(bytes, from_hex(golden.hex)) << golden.type << " outlier " << golden.outlier;
    }
}

TEST(GgmlQuantize, KQuantsOfZeroAreZero) {
    // max == min (q2_K, q4_K, q5_K): codes 0, scales and mins 0, d = dmin = 0; q3_K, q6_K:
    // every scale below GROUP_MAX_EPS, d = 0 and codes 0 (q3_K's code 0 is -4: hmask clear).
    const std::vector<float> zero(256, 0.0f);
    for (const char* name : {"q2_K", "q3_K", "q4_K", "q5_K", "q6_K"}) {
        const GgmlType& type = *find_ggml_type(name);
        std::vector<std::byte> out(static_cast<std::size_t>(type.block_bytes), std::byte{0xAB});
        type.quantize(zero.data(), out.data(), 1);
        for (const std::byte b : out) {
            ASSERT_EQ(b, std::byte{0}) << name;
        }
    }
}

using KBlock = test::GgmlBlock;

KBlock quantize_k(std::string_view name, const std::vector<float>& x) {
    return test::quantize_ggml_block(name, x);
}

// `size` bytes of `fill`, the listed ones set.
std::vector<unsigned> filled(std::size_t size, unsigned fill,
                             std::vector<std::pair<std::size_t, unsigned>> at = {}) {
    std::vector<unsigned> out(size, fill);
    for (const auto& [index, value] : at) {
        out[index] = value;
    }
    return out;
}

TEST(GgmlQuantize, KQuantsOfAConstantBlock) {
    // 256 values of -1. fp16: 0x2C44 = 273/4096 (0.066650), 0x2410 = 65/4096 (0.015869),
    // 0xA000 = -1/128, 0x8C00 = -1/4096.
    const std::vector<float> x(256, -1.0f);
    // q2_K, q4_K, q5_K (make_qkx2_quants): min = max = -1 in every sub-block, so the search
    // returns at once: scale 0, codes 0, min -1 (stored as 1). The block's largest scale is 0,
    // so d = 0 and every 4- or 6-bit scale is 0; the largest min is 1, so every min code is
    // the top one. q2_K: 15 / 1 = 15 -> min nibble 15 (scales bytes 0xF0), dmin = fp16(1 / 15)
    // = 0x2C44; value = d * 0 * q - dmin * 15 = -4095/4096.
    KBlock q2 = quantize_k("q2_K", x);
    EXPECT_EQ(q2.bytes, filled(84, 0,
                               {{0, 0xF0},
                                {1, 0xF0},
                                {2, 0xF0},
                                {3, 0xF0},
                                {4, 0xF0},
                                {5, 0xF0},
                                {6, 0xF0},
                                {7, 0xF0},
                                {8, 0xF0},
                                {9, 0xF0},
                                {10, 0xF0},
                                {11, 0xF0},
                                {12, 0xF0},
                                {13, 0xF0},
                                {14, 0xF0},
                                {15, 0xF0},
                                {82, 0x44},
                                {83, 0x2C}}));
    // q4_K / q5_K: 63 / 1 -> min code 63 for all 8 sub-blocks, dmin = fp16(1 / 63) = 0x2410.
    // The 12 scale bytes: sub-blocks 0-3 keep scale 0 in bytes 0-3 and min 63 in bytes 4-7;
    // 4-7 put their low bits in the nibbles of bytes 8-11 (scale 0 low, min 15 high: 0xF0)
    // and their top two min bits (3) in bits 6-7 of bytes 4-7: 0x3F | 0xC0 = 0xFF. Value =
    // d * 0 * q - dmin * 63 = -4095/4096. q5_K's extra 32 high-bit bytes stay 0.
    const auto k45 = [](std::size_t size) {
        return filled(size, 0,
                      {{2, 0x10},
                       {3, 0x24},
                       {8, 0xFF},
                       {9, 0xFF},
                       {10, 0xFF},
                       {11, 0xFF},
                       {12, 0xF0},
                       {13, 0xF0},
                       {14, 0xF0},
                       {15, 0xF0}});
    };
    KBlock q4 = quantize_k("q4_K", x);
    KBlock q5 = quantize_k("q5_K", x);
    EXPECT_EQ(q4.bytes, k45(144));
    EXPECT_EQ(q5.bytes, k45(176));
    // q3_K (make_q3_quants): max = -1, iscale = -4 / -1 = 4, every code -4 (stored 0); weights
    // x^2 = 1, sum(w x l) = 16 * 4 = 64, sum(w l^2) = 16 * 16 = 256, no code moves, scale
    // 64 / 256 = 0.25 in all 16 sub-blocks. Block: -32 / 0.25 = -128, each scale
    // nearest(-128 * 0.25) = -32, stored -32 + 32 = 0; d = fp16(1 / -128) = 0xA000. Codes again
    // against d * (0 - 32) = 0.25: -1 / 0.25 = -4 -> 0, hmask clear. Every byte but d is 0, and
    // the value is 0.25 * (0 - 4) = -1 exactly.
    KBlock q3 = quantize_k("q3_K", x);
    EXPECT_EQ(q3.bytes, filled(110, 0, {{109, 0xA0}}));
    // q6_K (make_qx_quants): max = -1, iscale = -32 / -1 = 32, every code -32; sums 16 * 32 =
    // 512 and 16 * 1024 = 16384, scale 1/32, best = 16. The trials' -(32 + 0.1 is) / -1 give
    // codes -31 (sums 496 and 15376: 496^2 = 16 * 15376, not better) or -32 (the same sums):
    // none wins. Block: iscale = -128 / (1/32) = -4096, every int8 scale -128 (0x80), d =
    // fp16(-1/4096) = 0x8C00; codes against d * -128 = 1/32: -1 * 32 = -32, stored 0. Value
    // 1/32 * (0 - 32) = -1 exactly.
    KBlock q6 = quantize_k("q6_K", x);
    std::vector<unsigned> q6_bytes = filled(210, 0, {{209, 0x8C}});
    std::fill(q6_bytes.begin() + 192, q6_bytes.begin() + 208, 0x80u);
    EXPECT_EQ(q6.bytes, q6_bytes);
    for (std::size_t i = 0; i < 256; ++i) {
        ASSERT_EQ(q2.values[i], -4095.0f / 4096) << i;
        ASSERT_EQ(q4.values[i], -4095.0f / 4096) << i;
        ASSERT_EQ(q5.values[i], -4095.0f / 4096) << i;
        ASSERT_EQ(q3.values[i], -1.0f) << i;
        ASSERT_EQ(q6.values[i], -1.0f) << i;
    }
}

TEST(GgmlQuantize, KQuantsWithANaNAreGgmlsGarbageIn) {
    // ggml's K quantizers do not look for NaN (docs/design.md "ggml block types as quantization
    // configs": quantize() gives them 0 instead and passes NaN through). What ggml itself
    // stores for the constant -1 block with a NaN at 5:
    std::vector<float> x(256, -1.0f);
    x[5] = NAN;
    const std::vector<float> constant(256, -1.0f);
    // q2_K, q4_K, q5_K: the running min and max skip the NaN, so its sub-block is flat and the
    // search returns before any sum sees it: the constant block's bytes, the NaN decoded as
    // -4095/4096.
    for (const char* name : {"q2_K", "q4_K", "q5_K"}) {
        EXPECT_EQ(quantize_k(name, x).bytes, quantize_k(name, constant).bytes) << name;
    }
    // q3_K: the NaN's weight x^2 makes sub-block 0's sums NaN, so its scale is NaN; the block's
    // largest scale skips it (0.25, d = 0xA000 as before), and nearest_int(-128 * NaN) = 0
    // stores 0 + 32: scale byte 8 (top bits of sub-block 0) = 2, low nibble 0, so sub-block 0's
    // scale is 32 - 32 = 0 and its codes are not redone: make_q3_quants' own, -4 -> 0 for -1,
    // and nearest_int(NaN) = 0 -> 4 for the NaN (hmask bit 0 of byte 5). Sub-block 0 decodes
    // to 0 (-0 at the NaN, 0 * (0 - 0) with d * 0 = -0), the rest to -1.
    KBlock q3 = quantize_k("q3_K", x);
    EXPECT_EQ(q3.bytes, filled(110, 0, {{5, 0x01}, {104, 0x02}, {109, 0xA0}}));
    // q6_K: sub-block 0's scale is NaN likewise, stored as int8 nearest_int(NaN) = 0; the
    // NaN's code is 32 + nearest_int(NaN) = 32 (qh byte 5 = 2). Sub-block 0 decodes to 0.
    KBlock q6 = quantize_k("q6_K", x);
    std::vector<unsigned> q6_bytes = filled(210, 0, {{128 + 5, 0x02}, {209, 0x8C}});
    std::fill(q6_bytes.begin() + 193, q6_bytes.begin() + 208, 0x80u);
    EXPECT_EQ(q6.bytes, q6_bytes);
    for (std::size_t i = 0; i < 256; ++i) {
        ASSERT_EQ(q3.values[i], i < 16 ? 0.0f : -1.0f) << i;
        ASSERT_EQ(q6.values[i], i < 16 ? 0.0f : -1.0f) << i;
    }
}

// Every type's bytes on 64 blocks of 256 values (eight kinds of block: Gaussian, small values
// with outliers, ties, zeros, NaN, Inf, values near fp16's top, all positive), against the
// FNV-1a hash of the bytes ggml d99724f2's quantize_row_*_ref writes for the same input
// (computed with ggml-quants.c built -O2 -ffp-contract=off). The optimised quantizers must keep
// these bytes; the K-quants take the last 3 blocks in a second call, so that both the blocks
// searched four at a time and those searched alone are covered.
std::vector<float> digest_input() {
    std::uint64_t state = 0x9E3779B97F4A7C15u;
    const auto uniform = [&state] {  // splitmix64, 24 bits: [0, 1)
        state += 0x9E3779B97F4A7C15u;
        std::uint64_t z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
        return static_cast<float>((z ^ (z >> 31)) >> 40) / 16777216.0f;
    };
    std::vector<float> x(64 * 256);
    for (std::size_t i = 0; i < x.size(); ++i) {
        // About N(0, 1) from integer arithmetic only (no libm): four uniforms, centred, scaled.
        float v = (uniform() + uniform() + uniform() + uniform() - 2.0f) * 1.7320508f;
        switch (i / 256 % 8) {
            case 1:
                v *= i % 97 == 0 ? 0.8f : 0.02f;
                break;
            case 2:
                v = static_cast<float>(static_cast<int>(v * 4)) * 0.25f;
                break;
            case 3:
                v = uniform() < 0.3f ? 0.0f : v;
                break;
            case 4:
                v = i % 61 == 0 ? NAN : v;
                break;
            case 5:
                v = i % 71 == 0 ? (i % 2 != 0 ? INFINITY : -INFINITY) : v;
                break;
            case 6:
                v *= 3e4f;
                break;
            case 7:
                v = v < 0 ? 1.0f - v : 1.0f + v;
                break;
            default:
                break;
        }
        x[i] = v;
    }
    return x;
}

TEST(GgmlQuantize, BytesMatchGgmlsOnEveryKindOfBlock) {
    const std::vector<float> x = digest_input();
    const std::pair<const char*, std::uint64_t> digests[] = {
        {"q4_0", 0xcd76483b1b309fa6u}, {"q4_1", 0x219e6a2418f35d83u},
        {"q5_0", 0x21d43daf0d0e993eu}, {"q5_1", 0x34a0d7cf49208095u},
        {"q8_0", 0xfd6900b39e354a5au}, {"q8_1", 0xfe61e4c12116b442u},
        {"q2_K", 0x1b5bb9e213a6d98du}, {"q3_K", 0x5d51abaa0fba19cdu},
        {"q4_K", 0xc32654786711703cu}, {"q5_K", 0xd4149a9f55367a7du},
        {"q6_K", 0x6d519e06579efd40u}, {"iq4_nl", 0xabab2916be317a7bu},
    };
    for (const auto& [name, digest] : digests) {
        const GgmlType& type = *find_ggml_type(name);
        const std::size_t blocks = x.size() / static_cast<std::size_t>(type.block_elements);
        const auto size = static_cast<std::size_t>(type.block_bytes);
        std::vector<std::byte> out(blocks * size);
        const std::size_t first = type.block_elements == 256 ? blocks - 3 : blocks;
        type.quantize(x.data(), out.data(), first);
        type.quantize(x.data() + first * 256, out.data() + first * size, blocks - first);
        std::uint64_t h = 0xCBF29CE484222325u;
        for (const std::byte b : out) {
            h = (h ^ static_cast<std::uint64_t>(b)) * 0x100000001B3u;
        }
        EXPECT_EQ(h, digest) << name;
    }
}

TEST(GgmlQuantize, RoundTripsWithinTheScale) {
    // |x - dequantize(quantize(x))| against the block's stored scale d (fp16 at byte 0): half a
    // step plus the fp16 rounding of d (the codes use the float32 d), a whole step where q4_0
    // and q5_0 clamp the top code; q4_1 and q5_1 add the fp16 rounding of their offset m.
    struct Bound {
        const char* name;
        float steps;
        bool offset;
    };
    static const std::vector<float> fp16 = parse_format("fp16").decode_table();
    const auto half_at = [](const std::byte* p) {
        return fp16[static_cast<unsigned>(p[0]) | static_cast<unsigned>(p[1]) << 8];
    };
    std::mt19937 rng(3);
    std::normal_distribution<float> gauss(0, 1);
    for (const Bound bound :
         {Bound{"q4_0", 1.01f, false}, Bound{"q5_0", 1.01f, false}, Bound{"q4_1", 0.51f, true},
          Bound{"q5_1", 0.52f, true}, Bound{"q8_0", 0.57f, false}, Bound{"q8_1", 0.57f, false}}) {
        const GgmlType& type = *find_ggml_type(bound.name);
        const std::size_t blocks = 1000;
        const auto size = static_cast<std::size_t>(type.block_bytes);
        std::vector<float> x(blocks * 32);
        for (float& v : x) {
            v = gauss(rng) * 3.0f;
        }
        std::vector<std::byte> q(blocks * size);
        type.quantize(x.data(), q.data(), blocks);
        std::vector<float> y(x.size());
        type.dequantize(q.data(), y.data(), blocks);
        for (std::size_t b = 0; b < blocks; ++b) {
            const float d = std::fabs(half_at(q.data() + b * size));
            const float m = bound.offset ? std::fabs(half_at(q.data() + b * size + 2)) : 0.0f;
            EXPECT_GT(d, 0.0f);
            for (std::size_t j = 0; j < 32; ++j) {
                const std::size_t i = b * 32 + j;
                ASSERT_LE(std::fabs(x[i] - y[i]), bound.steps * d + m / 1024)
                    << bound.name << " block " << b << " element " << j;
            }
        }
    }
}

TEST(GgmlQuantize, KQuantsRoundTripOnGaussians) {
    // RMS error relative to the values' RMS on 1,000 blocks of Gaussians: 0.296, 0.150, 0.071,
    // 0.036 and 0.018 for q2_K .. q6_K (2.625, 3.4375, 4.5, 5.5 and 6.5625 bits per weight); a
    // broken scale search or packing lands far outside [bound / 4, bound].
    struct Bound {
        const char* name;
        double relative_rmse;
    };
    std::mt19937 rng(5);
    std::normal_distribution<float> gauss(0, 1);
    for (const Bound bound : {Bound{"q2_K", 0.33}, Bound{"q3_K", 0.17}, Bound{"q4_K", 0.08},
                              Bound{"q5_K", 0.04}, Bound{"q6_K", 0.02}}) {
        const GgmlType& type = *find_ggml_type(bound.name);
        const std::size_t blocks = 1000;
        std::vector<float> x(blocks * 256);
        for (float& v : x) {
            v = gauss(rng);
        }
        std::vector<std::byte> q(blocks * static_cast<std::size_t>(type.block_bytes));
        type.quantize(x.data(), q.data(), blocks);
        std::vector<float> y(x.size());
        type.dequantize(q.data(), y.data(), blocks);
        double error = 0;
        double power = 0;
        for (std::size_t i = 0; i < x.size(); ++i) {
            error += (x[i] - y[i]) * static_cast<double>(x[i] - y[i]);
            power += x[i] * static_cast<double>(x[i]);
        }
        const double relative = std::sqrt(error / power);
        EXPECT_LT(relative, bound.relative_rmse) << bound.name;
        EXPECT_GT(relative, bound.relative_rmse / 4) << bound.name;
    }
}

}  // namespace
}  // namespace quantscope
