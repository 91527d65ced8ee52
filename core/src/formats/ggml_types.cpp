// ggml's block types and their dequantizers. The layouts and the arithmetic are those of ggml's
// ggml-common.h (block_* structs) and ggml-quants.c (dequantize_row_*); every multi-byte field is
// little-endian, every ggml_half an IEEE binary16 decoded through the formats engine's fp16 table.
// The float operations keep ggml's order (e.g. (d * scale) * code - min), so values decode to
// the same floats llama.cpp computes.
#include "quantscope/formats/ggml_types.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>

#include "ggml_block_bytes.h"
#include "ggml_codebooks.h"
#include "ggml_quantize.h"
#include "ggml_unpack.h"
#include "quantscope/formats/format.h"

namespace quantscope {
namespace {

constexpr std::size_t kQK = 256;  // elements of a super-block (K-quants, i-quants, ternary)

using ggml::fp16;
using ggml::fp16_table;
using ggml::i8;
using ggml::k4_scale_min;
using ggml::u16;
using ggml::u32;
using ggml::u8;
using ggml::unpacked;

// Byte j of a codebook entry (element j of the grid point).
template <typename Word>
unsigned grid_byte(Word entry, unsigned j) {
    return static_cast<unsigned>(entry >> (8 * j)) & 0xFFu;
}

// The i-quants store 7 sign bits per 8 values; the 8th makes the count of minus signs even.
unsigned signs_of(unsigned seven) {
    return seven | (static_cast<unsigned>(std::popcount(seven)) & 1u) << 7;
}

float signed_by(unsigned signs, unsigned j) {
    return (signs >> j & 1u) != 0 ? -1.0f : 1.0f;
}

// Writes the values of grid point `point` (8 bytes or 4): magnitude times db, negated where
// `signs` has bit first + j. Returns the position after them.
template <typename Word>
float* signed_point(Word point, float db, unsigned signs, unsigned first, float* out) {
    for (unsigned j = 0; j < sizeof(Word); ++j) {
        *out++ = db * static_cast<float>(grid_byte(point, j)) * signed_by(signs, first + j);
    }
    return out;
}

// The iq2 types' 4-bit sub-block scale s: (0.5 + s) / 4 of d.
float iq2_scale(float d, unsigned s) {
    return d * (0.5f + static_cast<float>(s)) * 0.25f;
}

// q8_K: a float32 scale, 256 int8, 16 int16 sums (for dot products only).
void q8_k(const std::byte* in, float* out, std::size_t blocks) {
    for (std::size_t b = 0; b < blocks; ++b, in += 292) {
        const float d = std::bit_cast<float>(u32(in, 0));
        for (std::size_t j = 0; j < kQK; ++j) {
            *out++ = d * static_cast<float>(i8(in, 4 + j));
        }
    }
}

// ---------------------------------------------------------------- ternary (256 a block)

// The ternary digit `n` (most significant first) of a byte holding a base-3 fraction: ggml
// stores q = ceil(v * 256 / 243) for 5 digits v, so digit n is the top of (q * 3^n) * 3 / 256.
int trit(unsigned byte, unsigned n) {
    constexpr std::array<unsigned, 5> kPow3{1, 3, 9, 27, 81};
    const unsigned shifted = (byte * kPow3[n]) & 0xFFu;
    return static_cast<int>((shifted * 3) >> 8) - 1;
}

// tq1_0: qs[48] with 5 trits a byte, qh[4] with 4, d. Bytes 0..31 give values 32n + m (digit n
// of byte m), bytes 32..47 the next 80 as 16n + m, qh the last 16 as 4n + j.
void tq1_0(const std::byte* in, float* out, std::size_t blocks) {
    for (std::size_t b = 0; b < blocks; ++b, in += 54) {
        const float d = fp16(in, 52);
        for (const auto& [first, width] : {std::pair<std::size_t, std::size_t>{0, 32}, {32, 16}}) {
            for (unsigned n = 0; n < 5; ++n) {
                for (std::size_t m = 0; m < width; ++m) {
                    *out++ = static_cast<float>(trit(u8(in, first + m), n)) * d;
                }
            }
        }
        for (unsigned n = 0; n < 4; ++n) {
            for (std::size_t j = 0; j < 4; ++j) {
                *out++ = static_cast<float>(trit(u8(in, 48 + j), n)) * d;
            }
        }
    }
}

// tq2_0: qs[64] of 2-bit codes (code - 1), each 128 values from 32 bytes, shift 2k for value
// 32k + m; d.
void tq2_0(const std::byte* in, float* out, std::size_t blocks) {
    for (std::size_t b = 0; b < blocks; ++b, in += 66) {
        const float d = fp16(in, 64);
        for (std::size_t half = 0; half < 2; ++half) {
            for (unsigned k = 0; k < 4; ++k) {
                for (std::size_t m = 0; m < 32; ++m) {
                    const int code = static_cast<int>(u8(in, 32 * half + m) >> (2 * k) & 3u);
                    *out++ = static_cast<float>(code - 1) * d;
                }
            }
        }
    }
}

// ---------------------------------------------------------------- non-linear 4-bit

using ggml::kIq4nlValues;

// MXFP4's E2M1 values times two (kvalues_mxfp4; the block scale is halved to match).
constexpr std::array<std::int8_t, 16> kMxfp4Values{0, 1,  2,  3,  4,  6,  8,  12,
                                                   0, -1, -2, -3, -4, -6, -8, -12};

// 16 bytes of nibbles through a 16-entry table: low nibbles are values 0..15, high 16..31.
void nibbles_through(const std::byte* qs, const std::array<std::int8_t, 16>& values, float d,
                     float* out) {
    for (std::size_t j = 0; j < 16; ++j) {
        out[j] = d * static_cast<float>(values[u8(qs, j) & 0xF]);
        out[j + 16] = d * static_cast<float>(values[u8(qs, j) >> 4]);
    }
}

// iq4_xs: d, 8 signed 6-bit sub-block scales (low 4 bits in scales_l[4], high 2 in the 16-bit
// scales_h), 128 bytes of nibbles, 16 a sub-block of 32.
void iq4_xs(const std::byte* in, float* out, std::size_t blocks) {
    for (std::size_t b = 0; b < blocks; ++b, in += 136) {
        const float d = fp16(in, 0);
        const unsigned high = u16(in, 2);
        for (std::size_t s = 0; s < 8; ++s, out += 32) {
            const unsigned ls = (u8(in, 4 + s / 2) >> (4 * (s % 2)) & 0xF) | (high >> (2 * s) & 3u)
                                                                                 << 4;
            const float dl = d * static_cast<float>(static_cast<int>(ls) - 32);
            nibbles_through(in + 8 + 16 * s, kIq4nlValues, dl, out);
        }
    }
}

// mxfp4 (OCP MX FP4): an E8M0 exponent byte e and 16 bytes of E2M1 nibbles; ggml scales its
// doubled values by 2^(e - 128), which is finite for every e (no NaN code).
void mxfp4(const std::byte* in, float* out, std::size_t blocks) {
    for (std::size_t b = 0; b < blocks; ++b, in += 17, out += 32) {
        const float d = std::ldexp(1.0f, static_cast<int>(u8(in, 0)) - 128);
        nibbles_through(in + 1, kMxfp4Values, d, out);
    }
}

// ---------------------------------------------------------------- i-quants with grids

// iq2_xxs: d, then per 32 values two 32-bit words: four 8-bit grid indices, and four 7-bit sign
// groups with a 4-bit scale on top; scale (0.5 + s) / 4.
void iq2_xxs(const std::byte* in, float* out, std::size_t blocks) {
    for (std::size_t b = 0; b < blocks; ++b, in += 66) {
        const float d = fp16(in, 0);
        for (std::size_t s = 0; s < 8; ++s) {
            const std::uint32_t indices = u32(in, 2 + 8 * s);
            const std::uint32_t signs_scale = u32(in, 6 + 8 * s);
            const float db = iq2_scale(d, signs_scale >> 28);
            for (unsigned l = 0; l < 4; ++l) {
                out = signed_point(ggml::kIq2xxsGrid[indices >> (8 * l) & 0xFFu], db,
                                   signs_of(signs_scale >> (7 * l) & 127u), 0, out);
            }
        }
    }
}

// iq2_xs: d, 32 16-bit words (9-bit grid index, 7 sign bits), 8 bytes of two 4-bit scales.
void iq2_xs(const std::byte* in, float* out, std::size_t blocks) {
    for (std::size_t b = 0; b < blocks; ++b, in += 74) {
        const float d = fp16(in, 0);
        for (std::size_t s = 0; s < 8; ++s) {
            const unsigned scales = u8(in, 66 + s);
            for (unsigned l = 0; l < 4; ++l) {
                const unsigned word = u16(in, 2 + 2 * (4 * s + l));
                out = signed_point(ggml::kIq2xsGrid[word & 511u],
                                   iq2_scale(d, scales >> (4 * (l / 2)) & 0xF), signs_of(word >> 9),
                                   0, out);
            }
        }
    }
}

// iq2_s: d, qs[32] (low 8 bits of 10-bit grid indices), signs[32] (8 explicit sign bits), qh[8]
// (2 high index bits for each of 4 groups), scales[8] (two 4-bit scales).
void iq2_s(const std::byte* in, float* out, std::size_t blocks) {
    for (std::size_t b = 0; b < blocks; ++b, in += 82) {
        const float d = fp16(in, 0);
        for (std::size_t s = 0; s < 8; ++s) {
            const unsigned scales = u8(in, 74 + s);
            const unsigned qh = u8(in, 66 + s);
            for (unsigned l = 0; l < 4; ++l) {
                const unsigned index = u8(in, 2 + 4 * s + l) | (qh >> (2 * l) & 3u) << 8;
                out = signed_point(ggml::kIq2sGrid[index],
                                   iq2_scale(d, scales >> (4 * (l / 2)) & 0xF),
                                   u8(in, 34 + 4 * s + l), 0, out);
            }
        }
    }
}

// iq3_xxs: d, 64 8-bit grid indices (4 values each), then per 32 values a 32-bit word of four
// 7-bit sign groups and a 4-bit scale on top; scale (0.5 + s) / 2.
void iq3_xxs(const std::byte* in, float* out, std::size_t blocks) {
    for (std::size_t b = 0; b < blocks; ++b, in += 98) {
        const float d = fp16(in, 0);
        for (std::size_t s = 0; s < 8; ++s) {
            const std::uint32_t signs_scale = u32(in, 66 + 4 * s);
            const float db = d * (0.5f + static_cast<float>(signs_scale >> 28)) * 0.5f;
            for (unsigned l = 0; l < 4; ++l) {
                const unsigned signs = signs_of(signs_scale >> (7 * l) & 127u);
                for (unsigned half = 0; half < 2; ++half) {
                    out = signed_point(ggml::kIq3xxsGrid[u8(in, 2 + 8 * s + 2 * l + half)], db,
                                       signs, 4 * half, out);
                }
            }
        }
    }
}

// iq3_s: d, qs[64] (low 8 bits of 9-bit grid indices), qh[8] (the 9th bits, one byte per 32
// values), signs[32] (explicit), scales[4] (two 4-bit scales, 1 + 2s, per 64 values).
void iq3_s(const std::byte* in, float* out, std::size_t blocks) {
    for (std::size_t b = 0; b < blocks; ++b, in += 110) {
        const float d = fp16(in, 0);
        for (std::size_t s = 0; s < 8; ++s) {
            const unsigned scale = u8(in, 106 + s / 2) >> (4 * (s % 2)) & 0xF;
            const float db = d * static_cast<float>(1 + 2 * scale);
            const unsigned qh = u8(in, 66 + s);
            for (unsigned l = 0; l < 4; ++l) {
                const unsigned signs = u8(in, 74 + 4 * s + l);
                for (unsigned half = 0; half < 2; ++half) {
                    const unsigned at = 2 * l + half;
                    const unsigned index = u8(in, 2 + 8 * s + at) | (qh >> at & 1u) << 8;
                    out = signed_point(ggml::kIq3sGrid[index], db, signs, 4 * half, out);
                }
            }
        }
    }
}

constexpr float kIq1Delta = 0.125f;

// The 8 values of iq1 grid point `index`, each (point + delta) * dl.
void iq1_point(unsigned index, float dl, float delta, float* out) {
    const std::uint64_t point = ggml::kIq1sGrid[index];
    for (unsigned j = 0; j < 8; ++j) {
        const auto value = static_cast<std::int8_t>(grid_byte(point, j));
        out[j] = dl * (static_cast<float>(value) + delta);
    }
}

// iq1_s: d, qs[32] (low 8 bits of 11-bit grid indices), qh[8] 16-bit words: three high index
// bits per group of 8, a 3-bit scale (2s + 1) and the sign of the delta in the top bit.
void iq1_s(const std::byte* in, float* out, std::size_t blocks) {
    for (std::size_t b = 0; b < blocks; ++b, in += 50) {
        const float d = fp16(in, 0);
        for (std::size_t s = 0; s < 8; ++s) {
            const unsigned qh = u16(in, 34 + 2 * s);
            const float dl = d * static_cast<float>(2 * (qh >> 12 & 7u) + 1);
            const float delta = (qh & 0x8000u) != 0 ? -kIq1Delta : kIq1Delta;
            for (unsigned l = 0; l < 4; ++l, out += 8) {
                iq1_point(u8(in, 2 + 4 * s + l) | (qh >> (3 * l) & 7u) << 8, dl, delta, out);
            }
        }
    }
}

// iq1_m: qs[32] (low 8 bits of grid indices), qh[16] (a nibble per group of 8: three high index
// bits and the delta's sign), scales[8] as four 16-bit words: 3-bit scales (2s + 1), four per
// word, and the super-block's fp16 scale in the words' top nibbles.
void iq1_m(const std::byte* in, float* out, std::size_t blocks) {
    for (std::size_t b = 0; b < blocks; ++b, in += 56) {
        std::array<unsigned, 4> sc{};
        unsigned scale_bits = 0;
        for (std::size_t w = 0; w < 4; ++w) {
            sc[w] = u16(in, 48 + 2 * w);
            scale_bits |= (sc[w] >> 12) << (4 * w);
        }
        const float d = fp16_table()[scale_bits];
        for (std::size_t s = 0; s < 8; ++s) {
            const unsigned word = sc[s / 2] >> (6 * (s % 2));
            const std::array<float, 2> dl{d * static_cast<float>(2 * (word & 7u) + 1),
                                          d * static_cast<float>(2 * (word >> 3 & 7u) + 1)};
            for (unsigned l = 0; l < 4; ++l, out += 8) {
                const unsigned nibble = u8(in, 32 + 2 * s + l / 2) >> (4 * (l % 2)) & 0xF;
                const float delta = (nibble & 8u) != 0 ? -kIq1Delta : kIq1Delta;
                iq1_point(u8(in, 4 * s + l) | (nibble & 7u) << 8, dl[l / 2], delta, out);
            }
        }
    }
}

// ggml.h's ggml_type ids with ggml's type names (ggml.c's type_traits).
constexpr GgmlType kTypes[] = {
    {0, "f32", 1, 4, nullptr},
    {1, "f16", 1, 2, nullptr},
    {2, "q4_0", 32, 18, unpacked<ggml::unpack_q4_0, 32, 18, 32, false>,
     ggml::quantize_at_active_level<2>, ggml::unpack_q4_0, 32},
    {3, "q4_1", 32, 20, unpacked<ggml::unpack_q4_1, 32, 20, 32, true>,
     ggml::quantize_at_active_level<3>, ggml::unpack_q4_1, 32},
    {6, "q5_0", 32, 22, unpacked<ggml::unpack_q5_0, 32, 22, 32, false>,
     ggml::quantize_at_active_level<6>, ggml::unpack_q5_0, 32},
    {7, "q5_1", 32, 24, unpacked<ggml::unpack_q5_1, 32, 24, 32, true>,
     ggml::quantize_at_active_level<7>, ggml::unpack_q5_1, 32},
    {8, "q8_0", 32, 34, unpacked<ggml::unpack_q8<2>, 32, 34, 32, false>,
     ggml::quantize_at_active_level<8>, ggml::unpack_q8<2>, 32},
    {9, "q8_1", 32, 36, unpacked<ggml::unpack_q8<4>, 32, 36, 32, false>, ggml::quantize_q8_1,
     ggml::unpack_q8<4>, 32},
    {10, "q2_K", 256, 84, unpacked<ggml::unpack_q2_k, 256, 84, 16, true>,
     ggml::quantize_at_active_level<10>, ggml::unpack_q2_k, 16},
    {11, "q3_K", 256, 110, unpacked<ggml::unpack_q3_k, 256, 110, 16, false>,
     ggml::quantize_at_active_level<11>, ggml::unpack_q3_k, 16},
    {12, "q4_K", 256, 144, unpacked<ggml::unpack_q45_k<false>, 256, 144, 32, true>,
     ggml::quantize_at_active_level<12>, ggml::unpack_q45_k<false>, 32},
    {13, "q5_K", 256, 176, unpacked<ggml::unpack_q45_k<true>, 256, 176, 32, true>,
     ggml::quantize_at_active_level<13>, ggml::unpack_q45_k<true>, 32},
    {14, "q6_K", 256, 210, unpacked<ggml::unpack_q6_k, 256, 210, 16, false>,
     ggml::quantize_at_active_level<14>, ggml::unpack_q6_k, 16},
    {15, "q8_K", 256, 292, q8_k},
    {16, "iq2_xxs", 256, 66, iq2_xxs},
    {17, "iq2_xs", 256, 74, iq2_xs},
    {18, "iq3_xxs", 256, 98, iq3_xxs},
    {19, "iq1_s", 256, 50, iq1_s},
    {20, "iq4_nl", 32, 18, unpacked<ggml::unpack_iq4_nl, 32, 18, 32, false>, ggml::quantize_iq4_nl,
     ggml::unpack_iq4_nl, 32},
    {21, "iq3_s", 256, 110, iq3_s},
    {22, "iq2_s", 256, 82, iq2_s},
    {23, "iq4_xs", 256, 136, iq4_xs},
    {24, "i8", 1, 1, nullptr},
    {25, "i16", 1, 2, nullptr},
    {26, "i32", 1, 4, nullptr},
    {27, "i64", 1, 8, nullptr},
    {28, "f64", 1, 8, nullptr},
    {29, "iq1_m", 256, 56, iq1_m},
    {30, "bf16", 1, 2, nullptr},
    {34, "tq1_0", 256, 54, tq1_0},
    {35, "tq2_0", 256, 66, tq2_0},
    {39, "mxfp4", 32, 17, mxfp4},
};

}  // namespace

double ggml_bits_per_weight(const GgmlType& type) {
    return 8.0 * static_cast<double>(type.block_bytes) / static_cast<double>(type.block_elements);
}

std::span<const GgmlType> ggml_types() {
    return kTypes;
}

const GgmlType* find_ggml_type(std::uint32_t id) {
    const auto* it = std::find_if(std::begin(kTypes), std::end(kTypes),
                                  [id](const GgmlType& type) { return type.id == id; });
    return it == std::end(kTypes) ? nullptr : it;
}

const GgmlType* find_ggml_type(std::string_view name) {
    const auto* it = std::find_if(std::begin(kTypes), std::end(kTypes),
                                  [name](const GgmlType& type) { return type.name == name; });
    return it == std::end(kTypes) ? nullptr : it;
}

}  // namespace quantscope
