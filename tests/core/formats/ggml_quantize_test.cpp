// ggml's reference quantizers for the legacy types (GgmlType::quantize): golden blocks with
// the bytes worked out by hand from quantize_row_*_ref's arithmetic, and quantize -> dequantize
// round trips within the types' error bounds.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "quantscope/formats/format.h"
#include "quantscope/formats/ggml_types.h"

namespace quantscope {
namespace {

std::vector<unsigned> quantize_block(std::string_view name, const std::vector<float>& x) {
    const GgmlType* type = find_ggml_type(name);
    if (type == nullptr || type->quantize == nullptr) {
        ADD_FAILURE() << name << " has no quantizer";
        return {};
    }
    EXPECT_EQ(x.size(), static_cast<std::size_t>(type->block_elements));
    std::vector<std::byte> out(static_cast<std::size_t>(type->block_bytes));
    type->quantize(x.data(), out.data(), 1);
    std::vector<unsigned> bytes;
    for (const std::byte b : out) {
        bytes.push_back(static_cast<unsigned>(b));
    }
    return bytes;
}

// A block's expected bytes: a little-endian 16-bit field per entry of `halves`, then `rest`
// bytes, each `fill` unless listed in `at`.
std::vector<unsigned> bytes_of(std::vector<unsigned> halves, std::size_t rest, unsigned fill,
                               std::vector<std::pair<std::size_t, unsigned>> at = {}) {
    std::vector<unsigned> out;
    for (const unsigned h : halves) {
        out.push_back(h & 0xFFu);
        out.push_back(h >> 8);
    }
    const std::size_t head = out.size();
    out.resize(head + rest, fill);
    for (const auto& [index, value] : at) {
        out[head + index] = value;
    }
    return out;
}

std::vector<float> block(float fill, std::vector<std::pair<std::size_t, float>> at = {}) {
    std::vector<float> x(32, fill);
    for (const auto& [index, value] : at) {
        x[index] = value;
    }
    return x;
}

TEST(GgmlQuantize, Q4_0) {
    // Constant 1: max 1, d = 1 / -8 = -0.125 (fp16 0xB000), id = -8; 1 * -8 + 8.5 = 0.5 -> 0.
    EXPECT_EQ(quantize_block("q4_0", block(1)), bytes_of({0xB000}, 16, 0x00));
    // 0.5 with -4 at 5: max -4 (largest magnitude, sign kept), d = 0.5 (0x3800), id = 2;
    // 0.5 -> 1 + 8.5 = 9.5 -> 9; -4 -> -8 + 8.5 = 0.5 -> 0: byte 5 = 0x90 (element 21 high).
    EXPECT_EQ(quantize_block("q4_0", block(0.5f, {{5, -4}})),
              bytes_of({0x3800}, 16, 0x99, {{5, 0x90}}));
    // All zero: d = 0 / -8 = -0 (fp16 0x8000), id = 0, every code (int8)(8.5) = 8.
    EXPECT_EQ(quantize_block("q4_0", block(0)), bytes_of({0x8000}, 16, 0x88));
    // NaN at 3 is skipped by the max and codes as 0 (a NaN converts to 0x80000000, low byte 0):
    // 0.25 with 1 at 0: d = -0.125, 0.25 -> -2 + 8.5 -> 6, 1 -> 0.
    EXPECT_EQ(quantize_block("q4_0", block(0.25f, {{0, 1}, {3, NAN}})),
              bytes_of({0xB000}, 16, 0x66, {{0, 0x60}, {3, 0x60}}));
}

TEST(GgmlQuantize, Q4_1) {
    // Constant 1: min = max = 1, d = 0, m = 1 (0x3C00), codes (int8)(0 + 0.5) = 0.
    EXPECT_EQ(quantize_block("q4_1", block(1)), bytes_of({0x0000, 0x3C00}, 16, 0x00));
    // 0 with 15 at 20: d = 15 / 15 = 1, m = 0; 15 -> 15.5 -> 15: byte 4 high nibble. A NaN
    // (at 2) is skipped by min and max and codes as 0.
    const auto expected = bytes_of({0x3C00, 0x0000}, 16, 0x00, {{4, 0xF0}});
    EXPECT_EQ(quantize_block("q4_1", block(0, {{20, 15}})), expected);
    EXPECT_EQ(quantize_block("q4_1", block(0, {{20, 15}, {2, NAN}})), expected);
}

TEST(GgmlQuantize, Q5_0) {
    // 1 with -16 at 17: d = -16 / -16 = 1, id = 1; 1 -> 17.5 -> 17 (nibble 1, bit 4 set);
    // -16 -> 0.5 -> 0. Bytes 0x11 but byte 1 = 0x01 (element 17 high); qh all but bit 17.
    EXPECT_EQ(quantize_block("q5_0", block(1, {{17, -16}})),
              bytes_of({0x3C00, 0xFFFF, 0xFFFD}, 16, 0x11, {{1, 0x01}}));
    // All zero: d = -0 (0x8000), codes (int8)(16.5) = 16: nibbles 0, every qh bit set.
    EXPECT_EQ(quantize_block("q5_0", block(0)), bytes_of({0x8000, 0xFFFF, 0xFFFF}, 16, 0x00));
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
    EXPECT_EQ(quantize_block("q5_1", x), bytes_of({0x3C00, 0x0000, 0x0000, 0xFFFF}, 16, 0, qs));
}

TEST(GgmlQuantize, Q8_0) {
    // amax 127: d = 1, id = 1; roundf rounds half away from zero: 2.5 -> 3, -2.5 -> -3.
    EXPECT_EQ(quantize_block("q8_0", block(1, {{0, 127}, {1, 2.5f}, {2, -2.5f}, {3, 0.49f}})),
              bytes_of({0x3C00}, 32, 0x01, {{0, 0x7F}, {1, 0x03}, {2, 0xFD}, {3, 0x00}}));
    EXPECT_EQ(quantize_block("q8_0", block(0)), bytes_of({0x0000}, 32, 0x00));
    // ggml's running maximum is MAX(a, b) = a > b ? a : b, so a NaN last in the block becomes
    // the maximum: d = NaN (0x7E00), every code 0; the block decodes to NaN.
    EXPECT_EQ(quantize_block("q8_0", block(1, {{0, 127}, {31, NAN}})),
              bytes_of({0x7E00}, 32, 0x00));
}

TEST(GgmlQuantize, Q8_1StoresTheScaledSum) {
    // d = 1; codes 127, then 31 ones: sum 158, s = 158 * 1 = 158 (fp16 0x58F0).
    EXPECT_EQ(quantize_block("q8_1", block(1, {{0, 127}})),
              bytes_of({0x3C00, 0x58F0}, 32, 0x01, {{0, 0x7F}}));
}

#if defined(__x86_64__)
TEST(GgmlQuantize, Q8_1InfinityGivesANegativeNaNSum) {
    // An Inf sets d = Inf (0x7C00) and id = 0; Inf * 0 is NaN, coded 0, so the sum is 0 and
    // s = 0 * Inf, x86's default NaN, which is negative: fp16 0xFE00 as ggml stores it.
    EXPECT_EQ(quantize_block("q8_1", block(1, {{9, INFINITY}})),
              bytes_of({0x7C00, 0xFE00}, 32, 0x00));
}
#endif

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

}  // namespace
}  // namespace quantscope
