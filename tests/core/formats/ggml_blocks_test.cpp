// Golden blocks for ggml's block types (quantscope/formats/ggml_types.h): per type a constant
// block, a block with an outlier and the all-zero block, each built byte by byte from ggml's
// block layout with the values worked out by hand. Scales are powers of two (or small exact
// fp16 numbers) so every expected value is exact whatever order the products are taken in.
// fp16 codes used: 0x3C00 = 1, 0x3800 = 0.5, 0x3400 = 0.25, 0x4000 = 2, 0xBC00 = -1.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "quantscope/formats/ggml_types.h"

namespace quantscope {
namespace {

class Block {
public:
    explicit Block(std::string_view type)
        : type_(find_ggml_type(type)),
          bytes_(type_ == nullptr ? 0 : static_cast<std::size_t>(type_->block_bytes)) {}

    Block& fill(std::size_t from, std::size_t to, unsigned byte) {
        for (std::size_t i = from; i < to; ++i) {
            bytes_.at(i) = static_cast<std::byte>(byte);
        }
        return *this;
    }
    Block& u8(std::size_t at, unsigned value) { return fill(at, at + 1, value); }
    Block& u16(std::size_t at, unsigned value) {
        return u8(at, value & 0xFFu).u8(at + 1, value >> 8);
    }
    Block& u32(std::size_t at, std::uint32_t value) {
        return u16(at, value & 0xFFFFu).u16(at + 2, value >> 16);
    }

    std::vector<float> decode() const {
        if (type_ == nullptr || type_->dequantize == nullptr) {
            ADD_FAILURE() << "no block type";
            return {};
        }
        std::vector<float> out(static_cast<std::size_t>(type_->block_elements));
        type_->dequantize(bytes_.data(), out.data(), 1);
        return out;
    }

private:
    const GgmlType* type_;
    std::vector<std::byte> bytes_;
};

// Every decoded value against expected(i), exactly.
void expect_block(const Block& block, const std::function<float(std::size_t)>& expected) {
    const std::vector<float> values = block.decode();
    for (std::size_t i = 0; i < values.size(); ++i) {
        EXPECT_EQ(values[i], expected(i)) << "element " << i;
    }
}

TEST(GgmlTypes, TableMatchesGgml) {
    // Ids, names and block sizes from ggml.h / ggml-common.h; bits per weight as ggml states.
    struct Row {
        std::uint32_t id;
        const char* name;
        std::int64_t elements;
        std::int64_t bytes;
        double bpw;
    };
    const Row rows[] = {
        {2, "q4_0", 32, 18, 4.5},         {3, "q4_1", 32, 20, 5},
        {6, "q5_0", 32, 22, 5.5},         {7, "q5_1", 32, 24, 6},
        {8, "q8_0", 32, 34, 8.5},         {9, "q8_1", 32, 36, 9},
        {10, "q2_K", 256, 84, 2.625},     {11, "q3_K", 256, 110, 3.4375},
        {12, "q4_K", 256, 144, 4.5},      {13, "q5_K", 256, 176, 5.5},
        {14, "q6_K", 256, 210, 6.5625},   {15, "q8_K", 256, 292, 9.125},
        {16, "iq2_xxs", 256, 66, 2.0625}, {17, "iq2_xs", 256, 74, 2.3125},
        {18, "iq3_xxs", 256, 98, 3.0625}, {19, "iq1_s", 256, 50, 1.5625},
        {20, "iq4_nl", 32, 18, 4.5},      {21, "iq3_s", 256, 110, 3.4375},
        {22, "iq2_s", 256, 82, 2.5625},   {23, "iq4_xs", 256, 136, 4.25},
        {29, "iq1_m", 256, 56, 1.75},     {34, "tq1_0", 256, 54, 1.6875},
        {35, "tq2_0", 256, 66, 2.0625},   {39, "mxfp4", 32, 17, 4.25},
    };
    for (const Row& row : rows) {
        const GgmlType* type = find_ggml_type(row.id);
        ASSERT_NE(type, nullptr) << row.name;
        EXPECT_EQ(type, find_ggml_type(row.name));
        EXPECT_EQ(type->name, row.name);
        EXPECT_EQ(type->block_elements, row.elements) << row.name;
        EXPECT_EQ(type->block_bytes, row.bytes) << row.name;
        EXPECT_EQ(ggml_bits_per_weight(*type), row.bpw) << row.name;
        EXPECT_NE(type->dequantize, nullptr) << row.name;
    }
    for (const char* plain : {"f32", "f16", "bf16", "f64", "i8", "i16", "i32", "i64"}) {
        ASSERT_NE(find_ggml_type(plain), nullptr) << plain;
        EXPECT_EQ(find_ggml_type(plain)->dequantize, nullptr) << plain;
    }
    for (const std::uint32_t retired : {4U, 5U, 31U, 32U, 33U, 36U, 37U, 38U, 40U}) {
        EXPECT_EQ(find_ggml_type(retired), nullptr) << retired;
    }
}

TEST(GgmlTypes, AllZeroBlocksDecodeToZero) {
    // Every scale 0 (or, for mxfp4, every code 0), so every value is +-0.
    for (const GgmlType& type : ggml_types()) {
        if (type.dequantize != nullptr) {
            expect_block(Block(type.name), [](std::size_t) { return 0.0f; });
        }
    }
}

TEST(GgmlTypes, NaNScalesKeepTheirSign) {
    // ggml converts a NaN half as F16C does, sign and payload kept: a q4_0 or iq4_nl block whose
    // d is 0xFE00 (the NaN ggml stores for x86's default NaN) decodes to negative NaNs, as
    // ggml's dequantize_row_* gives them (the formats engine's table has one positive NaN).
    for (const char* name : {"q4_0", "iq4_nl", "q8_0"}) {
        for (const float v : Block(name).u16(0, 0xFE00).fill(2, 18, 0x99).decode()) {
            EXPECT_TRUE(std::isnan(v) && std::signbit(v)) << name;
        }
    }
}

// ---------------------------------------------------------------- legacy

TEST(GgmlLegacy, Q4_0) {
    // d = 0.25; byte 0x99: both nibbles 9, (9 - 8) * 0.25 = 0.25.
    expect_block(Block("q4_0").u16(0, 0x3400).fill(2, 18, 0x99), [](auto) { return 0.25f; });
    // Nibble 8 is 0; byte 3 = 0x80: element 3 (low nibble 0) = (0 - 8) * 0.25 = -2, element 19
    // (its high nibble, 8) = 0.
    expect_block(Block("q4_0").u16(0, 0x3400).fill(2, 18, 0x88).u8(2 + 3, 0x80),
                 [](std::size_t i) { return i == 3 ? -2.0f : 0.0f; });
}

TEST(GgmlLegacy, Q4_1) {
    // d = 0.5, m = -1; nibble 3: 3 * 0.5 - 1 = 0.5.
    Block constant = Block("q4_1").u16(0, 0x3800).u16(2, 0xBC00).fill(4, 20, 0x33);
    expect_block(constant, [](auto) { return 0.5f; });
    // Byte 5 = 0xF3: element 5 (low, 3) = 0.5; element 21 (high, 15) = 15 * 0.5 - 1 = 6.5.
    expect_block(constant.u8(4 + 5, 0xF3), [](std::size_t i) { return i == 21 ? 6.5f : 0.5f; });
}

TEST(GgmlLegacy, Q5_0) {
    // d = 0.5, qh all ones, nibbles 1: code 1 | 16 = 17, (17 - 16) * 0.5 = 0.5.
    Block constant = Block("q5_0").u16(0, 0x3800).u32(2, 0xFFFFFFFFu).fill(6, 22, 0x11);
    expect_block(constant, [](auto) { return 0.5f; });
    // Byte 4 = 0xF1: element 20 (high nibble 15, qh bit 20) = (31 - 16) * 0.5 = 7.5. qh bit 7
    // cleared: element 7 = (1 - 16) * 0.5 = -7.5.
    expect_block(constant.u8(6 + 4, 0xF1).u32(2, 0xFFFFFF7Fu), [](std::size_t i) {
        return i == 20 ? 7.5f : i == 7 ? -7.5f : 0.5f;
    });
}

TEST(GgmlLegacy, Q5_1) {
    // d = 0.25, m = 1, qh 0, nibbles 2: 2 * 0.25 + 1 = 1.5.
    Block constant = Block("q5_1").u16(0, 0x3400).u16(2, 0x3C00).fill(8, 24, 0x22);
    expect_block(constant, [](auto) { return 1.5f; });
    // qh bit 16 (element 16, the high nibble of byte 0): code 2 | 16 = 18, 18 * 0.25 + 1 = 5.5.
    expect_block(constant.u32(4, 1u << 16), [](std::size_t i) { return i == 16 ? 5.5f : 1.5f; });
}

TEST(GgmlLegacy, Q8_0AndQ8_1) {
    // q8_0: d = 0.5, codes 4: 2; code -128 at 31: -64.
    expect_block(Block("q8_0").u16(0, 0x3800).fill(2, 34, 4).u8(2 + 31, 0x80),
                 [](std::size_t i) { return i == 31 ? -64.0f : 2.0f; });
    // q8_1: d = 2, the sum field (1.0 here) does not enter; codes -1: -2; code 127 at 0: 254.
    expect_block(Block("q8_1").u16(0, 0x4000).u16(2, 0x3C00).fill(4, 36, 0xFF).u8(4, 127),
                 [](std::size_t i) { return i == 0 ? 254.0f : -2.0f; });
}

// ---------------------------------------------------------------- K-quants

TEST(GgmlKQuants, Q2_K) {
    // d = 0.5 (at 80), dmin = 0.25 (at 82); every scale byte 0x21: scale 1, min 2, so
    // dl = 0.5, ml = 0.5. Every code byte 0xE4 holds 0, 1, 2, 3 at shifts 0, 2, 4, 6: value
    // 32k + l of each 128 has code k, 0.5 * k - 0.5.
    expect_block(Block("q2_K").fill(0, 16, 0x21).fill(16, 80, 0xE4).u16(80, 0x3800).u16(82, 0x3400),
                 [](std::size_t i) { return 0.5f * static_cast<float>(i % 128 / 32) - 0.5f; });
}

TEST(GgmlKQuants, Q3_K) {
    // d = 1 (at 108); hmask all ones (no -4); codes 0xE4 as in q2_K; every 6-bit scale 33
    // (low nibble 1 in bytes 0..7, high bits 2 = 0b10 in each field of bytes 8..11), so
    // dl = 33 - 32 = 1 and value 32k + l of each 128 is k.
    Block block = Block("q3_K")
                      .fill(0, 32, 0xFF)
                      .fill(32, 96, 0xE4)
                      .fill(96, 104, 0x11)
                      .fill(104, 108, 0xAA)
                      .u16(108, 0x3C00);
    expect_block(block, [](std::size_t i) { return static_cast<float>(i % 128 / 32); });
    // hmask byte 3 bit 0 cleared: element 3 (shift 0) = 0 - 4 = -4. hmask byte 20 bit 5 cleared:
    // bit 5 is the second half's shift 2, byte 20 its second 16: element 128 + 32 + 20 = 180,
    // code 1 - 4 = -3. Byte 7 = 0x31: sub-block 15 (elements 240..255) gets low nibble 3,
    // scale 3 | 2 << 4 = 35, dl = 3, codes 3: 9.
    block.u8(3, 0xFE).u8(20, 0xDF).u8(96 + 7, 0x31);
    expect_block(block, [](std::size_t i) {
        if (i == 3)
            return -4.0f;
        if (i == 180)
            return -3.0f;
        if (i >= 240)
            return 9.0f;
        return static_cast<float>(i % 128 / 32);
    });
}

TEST(GgmlKQuants, Q4_K) {
    // d = 1, dmin = 0.5; scales bytes 0..3 = 2 (scales of sub-blocks 0..3), 4..7 = 4 (their
    // mins), 8..11 = 0x42 (sub-blocks 4..7: scale 2 low nibble, min 4 high nibble); codes 3:
    // 1 * 2 * 3 - 0.5 * 4 = 4 everywhere.
    Block block = Block("q4_K")
                      .u16(0, 0x3C00)
                      .u16(2, 0x3800)
                      .fill(4, 8, 2)
                      .fill(8, 12, 4)
                      .fill(12, 16, 0x42)
                      .fill(16, 144, 0x33);
    expect_block(block, [](auto) { return 4.0f; });
    // Scale byte 1 = 0x42: sub-block 1 keeps scale 2 (low 6 bits), its top bits 01 become bits
    // 4..5 of sub-block 5's scale: 2 | 16 = 18, so sub-block 5 (elements 160..191, the high
    // nibbles of code bytes 64..95) is 18 * 3 - 2 = 52. Code byte 71 = 0xF3: element 167 (its
    // high nibble, 15) = 18 * 15 - 2 = 268; element 135 (its low nibble, 3) stays 4.
    block.u8(4 + 1, 0x42).u8(16 + 71, 0xF3);
    expect_block(block, [](std::size_t i) {
        if (i == 167)
            return 268.0f;
        if (i >= 160 && i < 192)
            return 52.0f;
        return 4.0f;
    });
}

TEST(GgmlKQuants, Q5_K) {
    // d = dmin = 1; scales and mins as in the q4_K test (2 and 4); qh 0, codes 0: -4.
    Block block =
        Block("q5_K").u16(0, 0x3C00).u16(2, 0x3C00).fill(4, 8, 2).fill(8, 12, 4).fill(12, 16, 0x42);
    expect_block(block, [](auto) { return -4.0f; });
    // qh byte 10 bit 3: bit 4 of element 32 * 3 + 10 = 106: 2 * 16 - 4 = 28.
    expect_block(block.u8(16 + 10, 0x08), [](std::size_t i) { return i == 106 ? 28.0f : -4.0f; });
}

TEST(GgmlKQuants, Q6_K) {
    // d = 0.5 (at 208), int8 scales 2 (at 192) but scale 15 = -1; ql 0x11, qh 0xAA: code
    // 1 | 2 << 4 = 33, 33 - 32 = 1, so 0.5 * 2 * 1 = 1, and -0.5 in sub-block 15 (240..255).
    Block block =
        Block("q6_K").fill(0, 128, 0x11).fill(128, 192, 0xAA).fill(192, 208, 2).u8(192 + 15, 0xFF);
    block.u16(208, 0x3800);
    expect_block(block, [](std::size_t i) { return i >= 240 ? -0.5f : 1.0f; });
    // ql byte 0 = 0x1F: element 0 (its low nibble) = 15 | 32 - 32 = 15, times 1: 15; element 64
    // (its high nibble, 1) stays 1.
    expect_block(block.u8(0, 0x1F), [](std::size_t i) {
        return i == 0 ? 15.0f : i >= 240 ? -0.5f : 1.0f;
    });
}

TEST(GgmlKQuants, Q8_K) {
    // A float32 d = 0.25, codes 8: 2; code -128 at 255: -32.
    std::uint32_t quarter = 0;
    const float d = 0.25f;
    std::memcpy(&quarter, &d, 4);
    expect_block(Block("q8_K").u32(0, quarter).fill(4, 260, 8).u8(4 + 255, 0x80),
                 [](std::size_t i) { return i == 255 ? -32.0f : 2.0f; });
}

// ---------------------------------------------------------------- ternary, 4-bit non-linear

TEST(GgmlTernary, Tq1_0) {
    // A byte holds 5 trits t0..t4 (t0 first) as q = ceil(v * 256 / 243), v = sum t_n 3^(4-n).
    // All trits 2 (value +1): v = 242, q = 255. d = 0.5 (at 52).
    Block block = Block("tq1_0").fill(0, 52, 255).u16(52, 0x3800);
    expect_block(block, [](auto) { return 0.5f; });
    // Trits (0, 1, 2, 1, 1): v = 27 + 18 + 3 + 1 = 49, q = ceil(51.6) = 52. At qs byte 33 (the
    // second group: values 160 + 16n + 1) it gives elements 161, 177, 193, 209, 225 = -0.5, 0,
    // 0.5, 0, 0; at qh byte 2 (values 240 + 4n + 2, first 4 trits) 242, 246, 250, 254.
    block.u8(33, 52).u8(48 + 2, 52);
    expect_block(block, [](std::size_t i) {
        if (i == 161 || i == 242)
            return -0.5f;
        if (i == 177 || i == 209 || i == 225 || i == 246 || i == 254)
            return 0.0f;
        return 0.5f;
    });
}

TEST(GgmlTernary, Tq2_0) {
    // d = 2 (at 64); bytes 0xE4 hold codes 0, 1, 2, 3 at shifts 0, 2, 4, 6: value 32k + m of
    // each 128 is (k - 1) * 2.
    expect_block(Block("tq2_0").fill(0, 64, 0xE4).u16(64, 0x4000), [](std::size_t i) {
        return static_cast<float>(static_cast<int>(i % 128 / 32) - 1) * 2.0f;
    });
}

TEST(GgmlNonLinear, Iq4_nl) {
    // Levels -127 -104 -83 -65 -49 -35 -22 -10 1 13 25 38 53 69 89 113; d = 0.5. Bytes 0x98:
    // low nibble 8 (level 1) for elements 0..15, high 9 (13) for 16..31. Byte 2 = 0x0F: element
    // 2 = 113 * 0.5, element 18 = -127 * 0.5.
    expect_block(Block("iq4_nl").u16(0, 0x3800).fill(2, 18, 0x98).u8(2 + 2, 0x0F),
                 [](std::size_t i) {
                     if (i == 2)
                         return 56.5f;
                     if (i == 18)
                         return -63.5f;
                     return i < 16 ? 0.5f : 6.5f;
                 });
}

TEST(GgmlNonLinear, Iq4_xs) {
    // d = 1; every 6-bit scale 33 (scales_l nibbles 1, scales_h fields 0b10 = 0xAAAA): dl = 1.
    // Codes 0x98 as in iq4_nl: 1 then 13 in every 32.
    Block block = Block("iq4_xs").u16(0, 0x3C00).u16(2, 0xAAAA).fill(4, 8, 0x11).fill(8, 136, 0x98);
    expect_block(block, [](std::size_t i) { return i % 32 < 16 ? 1.0f : 13.0f; });
    // Sub-block 6: low nibble 0xF (scales_l byte 3 = 0x1F), high bits 01 (scales_h bits 12..13:
    // 0xAAAA -> 0x9AAA): scale 31, dl = -1, so elements 192..223 are -1 and -13.
    block.u8(4 + 3, 0x1F).u16(2, 0x9AAA);
    expect_block(block, [](std::size_t i) {
        const float sign = i >= 192 && i < 224 ? -1.0f : 1.0f;
        return sign * (i % 32 < 16 ? 1.0f : 13.0f);
    });
}

TEST(GgmlNonLinear, Mxfp4) {
    // ggml's E2M1 values are doubled (0 1 2 3 4 6 8 12, negatives from code 8) and the scale
    // halved: d = 2^(e - 128). e = 127 (MX scale 1): d = 0.5. Bytes 0x72: low 2 -> 1.0, high
    // 7 -> 6.0. Byte 0 = 0xF9: element 0 = -1 * 0.5, element 16 = -12 * 0.5.
    expect_block(Block("mxfp4").u8(0, 127).fill(1, 17, 0x72).u8(1, 0xF9), [](std::size_t i) {
        if (i == 0)
            return -0.5f;
        if (i == 16)
            return -6.0f;
        return i < 16 ? 1.0f : 6.0f;
    });
    // e = 130: d = 4; e = 0: d = 2^-128, 12 * 2^-128 is exact (a subnormal).
    expect_block(Block("mxfp4").u8(0, 130).fill(1, 17, 0x11), [](auto) { return 4.0f; });
    expect_block(Block("mxfp4").u8(0, 0).fill(1, 17, 0x77),
                 [](auto) { return std::ldexp(12.0f, -128); });
}

// ---------------------------------------------------------------- i-quants with grids
// Codebook entries decoded by hand from ggml-common.h (bytes little-endian, element 0 first):
//   iq2xxs_grid[0] = 0x0808080808080808: 8 8 8 8 8 8 8 8
//   iq2xxs_grid[1] = 0x080808080808082b: 43 8 8 8 8 8 8 8
//   iq2xxs_grid[2] = 0x0808080808081919: 25 25 8 8 8 8 8 8
//   iq2xxs_grid[255] = 0x2b2b2b1908081908: 8 25 8 8 25 43 43 43
//   iq2xs_grid[1] = 0x080808080808082b, iq2xs_grid[511] = 0x2b2b2b2b2b2b2b2b: all 43
//   iq2s_grid[3] = 0x0808080808082b08: 8 43 8 8 8 8 8 8; iq2s_grid[1023]: all 43
//   iq3xxs_grid[0] = 0x04040404; [1] = 0x04040414: 20 4 4 4; [255] = 0x3e341c04: 4 28 52 62
//   iq3s_grid[0] = 0x01010101; [1] = 0x01010103: 3 1 1 1; [300] = 0x07030503: 3 5 3 7;
//   iq3s_grid[511] = 0x0f0f0101: 1 1 15 15
//   iq1s_grid[0] = all 0xff (-1); [1] = 0xffffffffffffff01: 1 -1 -1 -1 -1 -1 -1 -1;
//   iq1s_grid[1000] = 0x00000000ffff00ff: -1 0 -1 -1 0 0 0 0; [2047] = all 0x01 (+1)

// Expected values of one block: `head` for its first elements, `rest` for all the others.
std::function<float(std::size_t)> head_then(std::vector<float> head, float rest) {
    return
        [head = std::move(head), rest](std::size_t i) { return i < head.size() ? head[i] : rest; };
}

TEST(GgmlGrids, Iq2_xxs) {
    // d = 1. Sub-block 0: grid indices 0, 1, 2, 255; sign groups 0, 1 (sign bit 0 plus the
    // parity bit 7), 0, 0; scale 3: db = (0.5 + 3) / 4 = 0.875. Other sub-blocks: index 0,
    // scale 0, db = 0.125: 8 * 0.125 = 1.
    Block block = Block("iq2_xxs").u16(0, 0x3C00).u32(2, 0xFF020100u).u32(6, 3u << 28 | 1u << 7);
    const float a = 8 * 0.875f, b = 25 * 0.875f, c = 43 * 0.875f;
    expect_block(block, head_then({a,  a, a, a, a, a, a, a,   // grid 0
                                   -c, a, a, a, a, a, a, -a,  // grid 1, elements 0 and 7 negative
                                   b,  b, a, a, a, a, a, a,   // grid 2
                                   a,  b, a, a, b, c, c, c},  // grid 255
                                  1.0f));
}

TEST(GgmlGrids, Iq2_xs) {
    // d = 1. Sub-block 0 words: index 1 (no signs), index 511 with sign bits 0b11 (even, so no
    // parity bit), then index 0 twice; scale byte 0x21: db 0.375 for the first two groups,
    // 0.625 for the last two. Others: scale 0, db 0.125, 8 * 0.125 = 1.
    Block block = Block("iq2_xs").u16(0, 0x3C00).u16(2, 1).u16(4, 511 | 3u << 9).u8(66, 0x21);
    const float small = 8 * 0.375f, big = 43 * 0.375f, low = 8 * 0.625f;
    expect_block(block, head_then({big,  small, small, small, small, small, small, small,  //
                                   -big, -big,  big,   big,   big,   big,   big,   big,    //
                                   low,  low,   low,   low,   low,   low,   low,   low,    //
                                   low,  low,   low,   low,   low,   low,   low,   low},
                                  1.0f));
}

TEST(GgmlGrids, Iq2_s) {
    // d = 1, scales 0 (db 0.125). Sub-block 0: low index bytes 3, 0xFF, 0, 0; qh = 0b1100
    // (index bits 8..9 of group 1): indices 3, 1023, 0, 0. Sign byte 0 = 0x02: element 1
    // negative. 8 * 0.125 = 1, 43 * 0.125 = 5.375.
    Block block = Block("iq2_s").u16(0, 0x3C00).u8(2, 3).u8(3, 0xFF).u8(66, 0x0C).u8(34, 0x02);
    expect_block(block, head_then({1, -5.375f, 1, 1, 1, 1, 1, 1,  //
                                   5.375f, 5.375f, 5.375f, 5.375f, 5.375f, 5.375f, 5.375f, 5.375f},
                                  1.0f));
}

TEST(GgmlGrids, Iq3_xxs) {
    // d = 1. Sub-block 0: indices 1, 255, then 0; its word: scale 1 (db = 1.5 / 2 = 0.75) and
    // sign group 0 = 127 (7 bits set, parity bit too: all 8 negative). Others: scale 0,
    // db 0.25, 4 * 0.25 = 1.
    Block block = Block("iq3_xxs").u16(0, 0x3C00).u8(2, 1).u8(3, 255).u32(66, 1u << 28 | 127u);
    std::vector<float> head{-15, -3, -3, -3, -3, -21, -39, -46.5f};
    head.resize(32, 3.0f);  // groups 1..3: grid 0 (4 4 4 4) at 0.75
    expect_block(block, head_then(head, 1.0f));
}

TEST(GgmlGrids, Iq3_s) {
    // d = 1; scale nibble 1 for sub-block 0: db = 1 + 2 = 3 (others 0: db 1). Low index bytes
    // 1, 44, 0xFF, 0; qh[0] = 0b110: index 1 gets bit 8 (44 + 256 = 300), index 2 too (511).
    // Sign byte 0 = 0x10: element 4 negative.
    Block block =
        Block("iq3_s").u16(0, 0x3C00).u8(2, 1).u8(3, 44).u8(4, 0xFF).u8(66, 6).u8(74, 0x10);
    block.u8(106, 0x01);
    std::vector<float> head{9, 3, 3,  3,  -9, 15, 9, 21,  // grids 1 and 300
                            3, 3, 45, 45, 3,  3,  3, 3};  // grids 511 and 0
    head.resize(32, 3.0f);                                // groups 2, 3: grid 0 at 3
    expect_block(block, head_then(head, 1.0f));
}

TEST(GgmlGrids, Iq1_s) {
    // d = 1. Sub-block 0: low index bytes 1, 0xE8, 0xFF, 0; qh word: high bits 3 for group 1
    // (1000 = 0x3E8), 7 for group 2 (2047), scale 1 (dl = 3), top bit: delta -0.125. Values
    // dl * (g - 0.125): +1 -> 2.625, 0 -> -0.375, -1 -> -3.375. Others: dl 1, delta +0.125,
    // grid 0: -0.875.
    Block block = Block("iq1_s").u16(0, 0x3C00).u8(2, 1).u8(3, 0xE8).u8(4, 0xFF);
    block.u16(34, 0x8000u | 1u << 12 | 7u << 6 | 3u << 3);
    const float p = 2.625f, z = -0.375f, m = -3.375f;
    expect_block(block, head_then({p, m, m, m, m, m, m, m,   // grid 1
                                   m, z, m, m, z, z, z, z,   // grid 1000
                                   p, p, p, p, p, p, p, p,   // grid 2047
                                   m, m, m, m, m, m, m, m},  // grid 0
                                  -0.875f));
}

TEST(GgmlGrids, Iq1_m) {
    // The fp16 scale 1.0 = 0x3C00 is spread over the top nibbles of the four scale words
    // (0x0, 0x0, 0xC, 0x3). Word 0 = 1 | 2 << 3: sub-block 0's scales 3 and 5 (2s + 1).
    // Low index bytes 1, 0xE8, 0xFF, 0; qh[0] = 0xB0: group 1 gets bits 3 and delta -0.125;
    // qh[1] = 0x07: group 2 bits 7. Groups 0, 1 at dl 3, groups 2, 3 at dl 5; deltas +0.125
    // except group 1. Others: dl 1, grid 0, +0.125: -0.875.
    Block block = Block("iq1_m").u8(0, 1).u8(1, 0xE8).u8(2, 0xFF).u8(32, 0xB0).u8(33, 0x07);
    block.u16(48, 1 | 2 << 3).u16(52, 0xC000).u16(54, 0x3000);
    const float m3 = -2.625f;  // 3 * (-1 + 0.125)
    expect_block(block, head_then({3.375f,  m3,      m3,      m3,      m3,      m3,      m3,
                                   m3,  // grid 1
                                   -3.375f, -0.375f, -3.375f, -3.375f, -0.375f, -0.375f, -0.375f,
                                   -0.375f,  // grid 1000, delta -0.125
                                   5.625f,  5.625f,  5.625f,  5.625f,  5.625f,  5.625f,  5.625f,
                                   5.625f,  // grid 2047 at 5
                                   -4.375f, -4.375f, -4.375f, -4.375f, -4.375f, -4.375f, -4.375f,
                                   -4.375f},  // grid 0 at 5
                                  -0.875f));
}

}  // namespace
}  // namespace quantscope
