#pragma once
// Reading and writing the fields of ggml blocks: bytes, little-endian 16- and 32-bit words and
// ggml_half scales (IEEE binary16, through the formats engine's fp16 table and encoder).

#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "quantscope/formats/format.h"

namespace quantscope::ggml {

// ggml's iq4_nl levels (kvalues_iq4nl), ascending.
inline constexpr std::array<std::int8_t, 16> kIq4nlValues{-127, -104, -83, -65, -49, -35, -22, -10,
                                                          1,    13,   25,  38,  53,  69,  89,  113};

inline unsigned u8(const std::byte* p, std::size_t at) {
    return static_cast<unsigned>(p[at]);
}

inline std::int8_t i8(const std::byte* p, std::size_t at) {
    return static_cast<std::int8_t>(static_cast<std::uint8_t>(p[at]));
}

inline std::uint16_t u16(const std::byte* p, std::size_t at) {
    return static_cast<std::uint16_t>(u8(p, at) | u8(p, at + 1) << 8);
}

inline std::uint32_t u32(const std::byte* p, std::size_t at) {
    return static_cast<std::uint32_t>(u16(p, at)) | static_cast<std::uint32_t>(u16(p, at + 2))
                                                        << 16;
}

inline void put_u16(std::byte* p, std::size_t at, unsigned value) {
    p[at] = static_cast<std::byte>(value & 0xFFu);
    p[at + 1] = static_cast<std::byte>(value >> 8 & 0xFFu);
}

// One store where the CPU is little-endian (the bytes' order).
inline void put_u32(std::byte* p, std::size_t at, std::uint32_t value) {
    if constexpr (std::endian::native == std::endian::little) {
        std::memcpy(p + at, &value, sizeof value);
    } else {
        put_u16(p, at, value & 0xFFFFu);
        put_u16(p, at + 2, value >> 16);
    }
}

// ggml_half to float as ggml converts it (F16C's vcvtph2ps): a NaN keeps its sign and payload,
// quieted, where the formats engine's table has one canonical NaN.
inline const std::vector<float>& fp16_table() {
    static const std::vector<float> table = [] {
        std::vector<float> t = parse_format("fp16").decode_table();
        for (std::uint32_t h = 0; h < t.size(); ++h) {
            if (std::isnan(t[h])) {
                t[h] = std::bit_cast<float>((h & 0x8000u) << 16 | 0x7FC00000u | (h & 0x3FFu) << 13);
            }
        }
        return t;
    }();
    return table;
}

inline float fp16(const std::byte* p, std::size_t at) {
    return fp16_table()[u16(p, at)];
}

// ggml's GGML_FP32_TO_FP16: round to nearest even, Inf past the range (an IEEE cast), NaN as
// the quiet NaN 0x7E00 with the input's sign (0 * Inf is a negative NaN on x86). Bit arithmetic
// rather than the formats engine's encoder, as the quantizers store a scale per 32 values: fp16
// subnormals through the float adder (adding 0.5 aligns the mantissa so that the addition itself
// rounds to nearest even), normals by adding half an fp16 step minus one, plus the kept bit's
// parity. Checked against the engine's encoder and F16C on every float32.
inline std::uint16_t fp16_bits(float value) {
    const auto f = std::bit_cast<std::uint32_t>(value);
    const std::uint32_t sign = f >> 16 & 0x8000u;
    const std::uint32_t a = f & 0x7FFFFFFFu;
    if (a > 0x7F800000u) {
        return static_cast<std::uint16_t>(sign | 0x7E00u);
    }
    if (a >= 0x477FF000u) {  // 65520 and beyond (Inf too): a tie with 65536, rounded to Inf
        return static_cast<std::uint16_t>(sign | 0x7C00u);
    }
    if (a < 0x38800000u) {  // below 2^-14: fp16 subnormal or zero
        const float aligned = std::bit_cast<float>(a) + 0.5f;
        return static_cast<std::uint16_t>(sign |
                                          (std::bit_cast<std::uint32_t>(aligned) - 0x3F000000u));
    }
    const std::uint32_t odd = a >> 13 & 1u;
    return static_cast<std::uint16_t>(sign | (a - 0x38000000u + 0xFFFu + odd) >> 13);
}

inline void put_fp16(std::byte* p, std::size_t at, float value) {
    put_u16(p, at, fp16_bits(value));
}

// The float a value stored as ggml_half reads back as.
inline float fp16_round(float value) {
    return fp16_table()[fp16_bits(value)];
}

// The 6-bit scale and min of sub-block j (0..7) of q4_K / q5_K, packed in 12 bytes: j < 4 in
// the low 6 bits of bytes j and j + 4; j >= 4 in the nibbles of byte j + 4 with the top two bits
// from bytes j - 4 and j.
inline std::pair<unsigned, unsigned> k4_scale_min(const std::byte* scales, std::size_t j) {
    if (j < 4) {
        return {u8(scales, j) & 63u, u8(scales, j + 4) & 63u};
    }
    return {(u8(scales, j + 4) & 0xF) | (u8(scales, j - 4) >> 6) << 4,
            (u8(scales, j + 4) >> 4) | (u8(scales, j) >> 6) << 4};
}

}  // namespace quantscope::ggml
