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

// ---------------------------------------------------------------- legacy (32 values a block)
// q4_0 / q4_1: 16 bytes of nibbles, element j in the low nibble of byte j, element j + 16 in
// its high nibble. q5_*: a 32-bit qh adds bit 4 of element j.

void q4_0(const std::byte* in, float* out, std::size_t blocks) {
    for (std::size_t b = 0; b < blocks; ++b, in += 18, out += 32) {
        const float d = fp16(in, 0);
        for (std::size_t j = 0; j < 16; ++j) {
            const unsigned q = u8(in, 2 + j);
            out[j] = static_cast<float>(static_cast<int>(q & 0xF) - 8) * d;
            out[j + 16] = static_cast<float>(static_cast<int>(q >> 4) - 8) * d;
        }
    }
}

void q4_1(const std::byte* in, float* out, std::size_t blocks) {
    for (std::size_t b = 0; b < blocks; ++b, in += 20, out += 32) {
        const float d = fp16(in, 0);
        const float m = fp16(in, 2);
        for (std::size_t j = 0; j < 16; ++j) {
            const unsigned q = u8(in, 4 + j);
            out[j] = static_cast<float>(q & 0xF) * d + m;
            out[j + 16] = static_cast<float>(q >> 4) * d + m;
        }
    }
}

// The 5-bit codes of a q5_0 / q5_1 block whose qh is at `qh_at` and nibbles follow it.
std::array<int, 32> five_bit_codes(const std::byte* block, std::size_t qh_at) {
    const std::uint32_t qh = u32(block, qh_at);
    std::array<int, 32> codes{};
    for (std::size_t j = 0; j < 16; ++j) {
        const unsigned q = u8(block, qh_at + 4 + j);
        codes[j] = static_cast<int>((q & 0xF) | (qh >> j & 1u) << 4);
        codes[j + 16] = static_cast<int>((q >> 4) | (qh >> (j + 16) & 1u) << 4);
    }
    return codes;
}

void q5_0(const std::byte* in, float* out, std::size_t blocks) {
    for (std::size_t b = 0; b < blocks; ++b, in += 22, out += 32) {
        const float d = fp16(in, 0);
        const auto codes = five_bit_codes(in, 2);
        for (std::size_t j = 0; j < 32; ++j) {
            out[j] = static_cast<float>(codes[j] - 16) * d;
        }
    }
}

void q5_1(const std::byte* in, float* out, std::size_t blocks) {
    for (std::size_t b = 0; b < blocks; ++b, in += 24, out += 32) {
        const float d = fp16(in, 0);
        const float m = fp16(in, 2);
        const auto codes = five_bit_codes(in, 4);
        for (std::size_t j = 0; j < 32; ++j) {
            out[j] = static_cast<float>(codes[j]) * d + m;
        }
    }
}

// q8_0 (scale, 32 int8) and q8_1 (scale, d * sum of codes, 32 int8): the sum only serves dot
// products, so decoding ignores it.
template <std::size_t CodesAt>
void q8(const std::byte* in, float* out, std::size_t blocks) {
    for (std::size_t b = 0; b < blocks; ++b, in += CodesAt + 32, out += 32) {
        const float d = fp16(in, 0);
        for (std::size_t j = 0; j < 32; ++j) {
            out[j] = static_cast<float>(i8(in, CodesAt + j)) * d;
        }
    }
}

// ---------------------------------------------------------------- K-quants (256 a block)

// q2_K: 16 sub-blocks of 16; byte s of scales[16] holds sub-block s's scale (low nibble) and
// min (high nibble); each 128 values take 32 bytes of 2-bit codes, value 16k + l of that half
// at bits 2(k/2) of byte l + 16(k%2).
void q2_k(const std::byte* in, float* out, std::size_t blocks) {
    for (std::size_t b = 0; b < blocks; ++b, in += 84) {
        const float d = fp16(in, 80);
        const float dmin = fp16(in, 82);
        std::size_t s = 0;
        for (std::size_t half = 0; half < 2; ++half) {
            const std::byte* q = in + 16 + 32 * half;
            for (unsigned shift = 0; shift < 8; shift += 2) {
                for (std::size_t part = 0; part < 2; ++part, ++s) {
                    const unsigned sc = u8(in, s);
                    const float dl = d * static_cast<float>(sc & 0xF);
                    const float ml = dmin * static_cast<float>(sc >> 4);
                    for (std::size_t l = 0; l < 16; ++l) {
                        const unsigned code = u8(q, 16 * part + l) >> shift & 3u;
                        *out++ = dl * static_cast<float>(code) - ml;
                    }
                }
            }
        }
    }
}

// q3_K: hmask[32] (bit 3 of the code, inverted: a clear bit subtracts 4), qs[64] (2-bit codes
// laid out as q2_K's), 16 signed 6-bit scales in 12 bytes (low 4 bits in the nibbles of bytes
// 0..7, high 2 bits in bytes 8..11), d.
void q3_k(const std::byte* in, float* out, std::size_t blocks) {
    for (std::size_t b = 0; b < blocks; ++b, in += 110) {
        const float d = fp16(in, 108);
        const std::byte* scales = in + 96;
        std::size_t s = 0;
        unsigned bit = 0;
        for (std::size_t half = 0; half < 2; ++half) {
            const std::byte* q = in + 32 + 32 * half;
            for (unsigned shift = 0; shift < 8; shift += 2, ++bit) {
                for (std::size_t part = 0; part < 2; ++part, ++s) {
                    const unsigned low = s < 8 ? u8(scales, s) & 0xF : u8(scales, s - 8) >> 4;
                    const unsigned high = u8(scales, 8 + s % 4) >> (2 * (s / 4)) & 3u;
                    const float dl = d * static_cast<float>(static_cast<int>(low | high << 4) - 32);
                    for (std::size_t l = 0; l < 16; ++l) {
                        const std::size_t at = 16 * part + l;
                        const int code = static_cast<int>(u8(q, at) >> shift & 3u) -
                                         ((u8(in, at) >> bit & 1u) != 0 ? 0 : 4);
                        *out++ = dl * static_cast<float>(code);
                    }
                }
            }
        }
    }
}

// q4_K and q5_K: d, dmin, 12 bytes of scales and mins, (q5_K: qh[32], bit 4 of value 32s + l at
// bit s of byte l), 128 bytes of nibbles: each 64 values take 32 bytes, low nibbles first.
template <bool Five>
void q45_k(const std::byte* in, float* out, std::size_t blocks) {
    constexpr std::size_t kBytes = Five ? 176 : 144;
    constexpr std::size_t kQs = Five ? 48 : 16;
    for (std::size_t b = 0; b < blocks; ++b, in += kBytes) {
        const float d = fp16(in, 0);
        const float dmin = fp16(in, 2);
        for (std::size_t s = 0; s < 8; ++s) {
            const auto [sc, m] = k4_scale_min(in + 4, s);
            const float dl = d * static_cast<float>(sc);
            const float ml = dmin * static_cast<float>(m);
            const std::byte* q = in + kQs + 32 * (s / 2);
            for (std::size_t l = 0; l < 32; ++l) {
                unsigned code = s % 2 == 0 ? u8(q, l) & 0xF : u8(q, l) >> 4;
                if constexpr (Five) {
                    code |= (u8(in, 16 + l) >> s & 1u) << 4;
                }
                *out++ = dl * static_cast<float>(code) - ml;
            }
        }
    }
}

// q6_K: ql[128] (low 4 bits), qh[64] (high 2 bits), 16 int8 scales, d. Each 128 values take 64
// bytes of ql and 32 of qh: value 32k + l gets the nibble k/2 of ql[l + 32(k%2)] and bits 2k of
// qh[l]; codes are offset by 32.
void q6_k(const std::byte* in, float* out, std::size_t blocks) {
    for (std::size_t b = 0; b < blocks; ++b, in += 210) {
        const float d = fp16(in, 208);
        for (std::size_t half = 0; half < 2; ++half) {
            const std::byte* ql = in + 64 * half;
            const std::byte* qh = in + 128 + 32 * half;
            for (std::size_t k = 0; k < 4; ++k) {
                for (std::size_t l = 0; l < 32; ++l) {
                    const unsigned low = u8(ql, l + 32 * (k % 2)) >> (4 * (k / 2)) & 0xF;
                    const unsigned high = u8(qh, l) >> (2 * k) & 3u;
                    const int code = static_cast<int>(low | high << 4) - 32;
                    const auto scale = static_cast<float>(i8(in, 192 + 8 * half + 2 * k + l / 16));
                    *out++ = d * scale * static_cast<float>(code);
                }
            }
        }
    }
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

void iq4_nl(const std::byte* in, float* out, std::size_t blocks) {
    for (std::size_t b = 0; b < blocks; ++b, in += 18, out += 32) {
        nibbles_through(in + 2, kIq4nlValues, fp16(in, 0), out);
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
    {2, "q4_0", 32, 18, q4_0, ggml::quantize_q4_0},
    {3, "q4_1", 32, 20, q4_1, ggml::quantize_q4_1},
    {6, "q5_0", 32, 22, q5_0, ggml::quantize_q5_0},
    {7, "q5_1", 32, 24, q5_1, ggml::quantize_q5_1},
    {8, "q8_0", 32, 34, q8<2>, ggml::quantize_q8_0},
    {9, "q8_1", 32, 36, q8<4>, ggml::quantize_q8_1},
    {10, "q2_K", 256, 84, q2_k, ggml::quantize_q2_k},
    {11, "q3_K", 256, 110, q3_k, ggml::quantize_q3_k},
    {12, "q4_K", 256, 144, q45_k<false>, ggml::quantize_q4_k},
    {13, "q5_K", 256, 176, q45_k<true>, ggml::quantize_q5_k},
    {14, "q6_K", 256, 210, q6_k, ggml::quantize_q6_k},
    {15, "q8_K", 256, 292, q8_k},
    {16, "iq2_xxs", 256, 66, iq2_xxs},
    {17, "iq2_xs", 256, 74, iq2_xs},
    {18, "iq3_xxs", 256, 98, iq3_xxs},
    {19, "iq1_s", 256, 50, iq1_s},
    {20, "iq4_nl", 32, 18, iq4_nl, ggml::quantize_iq4_nl},
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
