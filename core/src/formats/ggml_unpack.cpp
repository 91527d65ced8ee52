#include "ggml_unpack.h"

#include <array>

#include "ggml_block_bytes.h"

namespace quantscope::ggml {

// ---------------------------------------------------------------- legacy (32 values a block)
// q4_0 / q4_1: 16 bytes of nibbles, element j in the low nibble of byte j, element j + 16 in
// its high nibble. q5_*: a 32-bit qh adds bit 4 of element j.

namespace {

void nibbles(const std::byte* qs, int minus, std::int8_t* e) {
    for (std::size_t j = 0; j < 16; ++j) {
        e[j] = static_cast<std::int8_t>(static_cast<int>(u8(qs, j) & 0xF) - minus);
        e[j + 16] = static_cast<std::int8_t>(static_cast<int>(u8(qs, j) >> 4) - minus);
    }
}

// The 5-bit codes of a q5_0 / q5_1 block whose qh is at `qh_at` and nibbles follow it.
void five_bit(const std::byte* block, std::size_t qh_at, int minus, std::int8_t* e) {
    const std::uint32_t qh = u32(block, qh_at);
    nibbles(block + qh_at + 4, 0, e);
    for (std::size_t j = 0; j < 32; ++j) {
        e[j] = static_cast<std::int8_t>((e[j] | static_cast<int>(qh >> j & 1u) << 4) - minus);
    }
}

}  // namespace

void unpack_q4_0(const std::byte* block, std::int8_t* e, GgmlSubBlock* maps) {
    maps[0] = {fp16(block, 0), 0.0f};
    nibbles(block + 2, 8, e);
}

void unpack_q4_1(const std::byte* block, std::int8_t* e, GgmlSubBlock* maps) {
    maps[0] = {fp16(block, 0), fp16(block, 2)};
    nibbles(block + 4, 0, e);
}

void unpack_q5_0(const std::byte* block, std::int8_t* e, GgmlSubBlock* maps) {
    maps[0] = {fp16(block, 0), 0.0f};
    five_bit(block, 2, 16, e);
}

void unpack_q5_1(const std::byte* block, std::int8_t* e, GgmlSubBlock* maps) {
    maps[0] = {fp16(block, 0), fp16(block, 2)};
    five_bit(block, 4, 0, e);
}

template <std::size_t CodesAt>
void unpack_q8(const std::byte* block, std::int8_t* e, GgmlSubBlock* maps) {
    maps[0] = {fp16(block, 0), 0.0f};
    for (std::size_t j = 0; j < 32; ++j) {
        e[j] = i8(block, CodesAt + j);
    }
}
template void unpack_q8<2>(const std::byte*, std::int8_t*, GgmlSubBlock*);
template void unpack_q8<4>(const std::byte*, std::int8_t*, GgmlSubBlock*);

// ---------------------------------------------------------------- K-quants (256 a block)

namespace {

// q2_K and q3_K's 2-bit codes: each 128 values take 32 bytes, value 16k + l of that half
// (sub-block k) at bits 2(k/2) of byte l + 16(k%2).
void two_bit(const std::byte* qs, std::int8_t* e) {
    for (std::size_t half = 0; half < 2; ++half) {
        for (std::size_t k = 0; k < 8; ++k) {
            for (std::size_t l = 0; l < 16; ++l) {
                e[128 * half + 16 * k + l] = static_cast<std::int8_t>(
                    u8(qs, 32 * half + 16 * (k % 2) + l) >> (2 * (k / 2)) & 3u);
            }
        }
    }
}

}  // namespace

// q2_K: 16 sub-blocks of 16; byte s of scales[16] holds sub-block s's scale (low nibble) and
// min (high nibble): value = d * scale * q - dmin * min.
void unpack_q2_k(const std::byte* block, std::int8_t* e, GgmlSubBlock* maps) {
    const float d = fp16(block, 80);
    const float dmin = fp16(block, 82);
    for (std::size_t s = 0; s < 16; ++s) {
        const unsigned sc = u8(block, s);
        maps[s] = {d * static_cast<float>(sc & 0xF), -(dmin * static_cast<float>(sc >> 4))};
    }
    two_bit(block + 16, e);
}

// q3_K: hmask[32] (bit 3 of the code, inverted: a clear bit subtracts 4; value 32b + l at bit
// b of byte l), qs[64] (2-bit codes as q2_K's), 16 signed 6-bit scales in 12 bytes (low 4 bits
// in the nibbles of bytes 0..7, high 2 bits in bytes 8..11), d.
void unpack_q3_k(const std::byte* block, std::int8_t* e, GgmlSubBlock* maps) {
    const float d = fp16(block, 108);
    const std::byte* scales = block + 96;
    for (std::size_t s = 0; s < 16; ++s) {
        const unsigned low = s < 8 ? u8(scales, s) & 0xF : u8(scales, s - 8) >> 4;
        const unsigned high = u8(scales, 8 + s % 4) >> (2 * (s / 4)) & 3u;
        maps[s] = {d * static_cast<float>(static_cast<int>(low | high << 4) - 32), 0.0f};
    }
    two_bit(block + 32, e);
    for (std::size_t i = 0; i < 256; ++i) {
        const bool high = (u8(block, i % 32) >> (i / 32) & 1u) != 0;
        e[i] = static_cast<std::int8_t>(e[i] - (high ? 0 : 4));
    }
}

// q4_K and q5_K: d, dmin, 12 bytes of scales and mins, (q5_K: qh[32], bit 4 of value 32s + l at
// bit s of byte l), 128 bytes of nibbles: each 64 values take 32 bytes, low nibbles first.
template <bool Five>
void unpack_q45_k(const std::byte* block, std::int8_t* e, GgmlSubBlock* maps) {
    constexpr std::size_t kQs = Five ? 48 : 16;
    const float d = fp16(block, 0);
    const float dmin = fp16(block, 2);
    for (std::size_t s = 0; s < 8; ++s) {
        const auto [sc, m] = k4_scale_min(block + 4, s);
        maps[s] = {d * static_cast<float>(sc), -(dmin * static_cast<float>(m))};
        const std::byte* q = block + kQs + 32 * (s / 2);
        for (std::size_t l = 0; l < 32; ++l) {
            unsigned code = s % 2 == 0 ? u8(q, l) & 0xF : u8(q, l) >> 4;
            if constexpr (Five) {
                code |= (u8(block, 16 + l) >> s & 1u) << 4;
            }
            e[32 * s + l] = static_cast<std::int8_t>(code);
        }
    }
}
template void unpack_q45_k<false>(const std::byte*, std::int8_t*, GgmlSubBlock*);
template void unpack_q45_k<true>(const std::byte*, std::int8_t*, GgmlSubBlock*);

// q6_K: ql[128] (low 4 bits), qh[64] (high 2 bits), 16 int8 scales, d. Each 128 values take 64
// bytes of ql and 32 of qh: value 32k + l gets the nibble k/2 of ql[l + 32(k%2)] and bits 2k of
// qh[l]; codes are offset by 32. Value = (d * scale) * e.
void unpack_q6_k(const std::byte* block, std::int8_t* e, GgmlSubBlock* maps) {
    const float d = fp16(block, 208);
    for (std::size_t s = 0; s < 16; ++s) {
        maps[s] = {d * static_cast<float>(i8(block, 192 + s)), 0.0f};
    }
    for (std::size_t half = 0; half < 2; ++half) {
        const std::byte* ql = block + 64 * half;
        const std::byte* qh = block + 128 + 32 * half;
        for (std::size_t k = 0; k < 4; ++k) {
            for (std::size_t l = 0; l < 32; ++l) {
                const unsigned low = u8(ql, l + 32 * (k % 2)) >> (4 * (k / 2)) & 0xF;
                const unsigned high = u8(qh, l) >> (2 * k) & 3u;
                e[128 * half + 32 * k + l] =
                    static_cast<std::int8_t>(static_cast<int>(low | high << 4) - 32);
            }
        }
    }
}

// ---------------------------------------------------------------- iq4_nl (32 a block)
// d, 16 bytes of nibbles (as q4_0's) indexing kvalues_iq4nl: e is the level itself.
void unpack_iq4_nl(const std::byte* block, std::int8_t* e, GgmlSubBlock* maps) {
    maps[0] = {fp16(block, 0), 0.0f};
    nibbles(block + 2, 0, e);
    for (std::size_t j = 0; j < 32; ++j) {
        e[j] = kIq4nlValues[static_cast<std::size_t>(e[j])];
    }
}

}  // namespace quantscope::ggml
