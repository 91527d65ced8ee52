// ggml's reference quantizers for the legacy block types, as quantize_row_*_ref computes them:
// the scale from the block's largest magnitude (q4_0, q5_0: the signed value of largest
// magnitude over -8 or -16, so that value gets the most negative code; q8_0, q8_1: amax / 127)
// or from its range (q4_1, q5_1: (max - min) / 15 or 31, min stored as the offset). Codes come
// from the float32 scale's reciprocal; the scale is then stored as fp16. Every float operation
// is ggml's, in its order, so the bytes match ggml's.
#include "ggml_quantize.h"

#include <algorithm>
#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

#include "ggml_block_bytes.h"
#include "ggml_quantize_common.h"

namespace quantscope::ggml {
namespace {

// C's conversion of a float to a byte-sized integer as compilers emit it on x86 (cvttss2si,
// then the low byte): truncation toward zero; NaN and values past the int32 range give
// INT32_MIN, whose low byte is 0. ggml's codes rely on it only for NaN inputs.
std::uint8_t truncated_byte(float value) {
    const bool in_range = value >= -2147483648.0f && value < 2147483648.0f;
    const std::int32_t whole =
        in_range ? static_cast<std::int32_t>(value) : std::numeric_limits<std::int32_t>::min();
    return static_cast<std::uint8_t>(static_cast<std::uint32_t>(whole) & 0xFFu);
}

// (int8_t) of that byte, as ggml's MIN(15, (int8_t)(x + 8.5f)) sees it.
int truncated_int8(float value) {
    return static_cast<std::int8_t>(truncated_byte(value));
}

struct Range {
    float min = FLT_MAX;
    float max = -FLT_MAX;
};

// ggml's running minimum and maximum (x < min, x > max; NaN ignored), in lanes: the same
// values whatever the order, except the sign of a zero, which is the first zero's, as ggml's.
Range range_of(const float* x) {
    constexpr std::size_t kN = 32;
    constexpr std::size_t kLanes = 16;
    float lo[kLanes];
    float hi[kLanes];
    std::fill(lo, lo + kLanes, FLT_MAX);
    std::fill(hi, hi + kLanes, -FLT_MAX);
    for (std::size_t j = 0; j < kN; j += kLanes) {
#pragma omp simd
        for (std::size_t t = 0; t < kLanes; ++t) {
            lo[t] = x[j + t] < lo[t] ? x[j + t] : lo[t];
            hi[t] = x[j + t] > hi[t] ? x[j + t] : hi[t];
        }
    }
    Range r;
    for (std::size_t t = 0; t < kLanes; ++t) {
        r.min = lo[t] < r.min ? lo[t] : r.min;
        r.max = hi[t] > r.max ? hi[t] : r.max;
    }
    const auto first_zero = [&] { return *std::find(x, x + kN, 0.0f); };
    if (r.min == 0.0f) {
        r.min = first_zero();
    }
    if (r.max == 0.0f) {
        r.max = first_zero();
    }
    return r;
}

float reciprocal(float d) {
    return d != 0.0f ? 1.0f / d : 0.0f;
}

// Packs 32 codes of up to 5 bits: low nibbles of elements j and j + 16 in byte j, bit 4 of
// element j in bit j of the 32-bit qh (when `qh_at` is given).
void pack(const std::uint8_t* codes, std::byte* block, std::size_t qs_at, std::size_t qh_at) {
    std::uint32_t qh = 0;
    for (std::size_t j = 0; j < 16; ++j) {
        block[qs_at + j] = static_cast<std::byte>((codes[j] & 0xFu) | (codes[j + 16] & 0xFu) << 4);
        qh |= static_cast<std::uint32_t>(codes[j] >> 4 & 1u) << j;
        qh |= static_cast<std::uint32_t>(codes[j + 16] >> 4 & 1u) << (j + 16);
    }
    if (qh_at != 0) {
        put_u16(block, qh_at, qh & 0xFFFFu);
        put_u16(block, qh_at + 2, qh >> 16);
    }
}

// q4_0 and q5_0: d = max / -half, code min(top, (int8)(x / d + half + 0.5)).
template <int Half, std::size_t Bytes, std::size_t QsAt>
void symmetric(const float* in, std::byte* out, std::size_t blocks) {
    for (std::size_t b = 0; b < blocks; ++b, in += 32, out += Bytes) {
        const float d = signed_absmax<32>(in) / static_cast<float>(-Half);
        const float id = reciprocal(d);
        put_fp16(out, 0, d);
        std::uint8_t codes[32];
        for (std::size_t j = 0; j < 32; ++j) {
            const int code = truncated_int8(in[j] * id + (static_cast<float>(Half) + 0.5f));
            codes[j] = static_cast<std::uint8_t>(std::min(2 * Half - 1, code));
        }
        pack(codes, out, QsAt, QsAt == 2 ? 0 : 2);
    }
}

}  // namespace

void quantize_q4_0(const float* in, std::byte* out, std::size_t blocks) {
    symmetric<8, 18, 2>(in, out, blocks);
}

void quantize_q5_0(const float* in, std::byte* out, std::size_t blocks) {
    symmetric<16, 22, 6>(in, out, blocks);
}

namespace {

// q4_1 and q5_1: d = (max - min) / (2^bits - 1), m = min, code (x - min) / d + 0.5 truncated:
// q4_1 takes it as int8 and clamps it at 15, q5_1 as uint8 unclamped (ggml's two spellings).
template <int Bits, std::size_t Bytes, std::size_t QsAt, std::size_t QhAt>
void with_offset(const float* in, std::byte* out, std::size_t blocks) {
    constexpr int kTop = (1 << Bits) - 1;
    for (std::size_t b = 0; b < blocks; ++b, in += 32, out += Bytes) {
        const Range r = range_of(in);
        const float d = (r.max - r.min) / static_cast<float>(kTop);
        const float id = reciprocal(d);
        put_fp16(out, 0, d);
        put_fp16(out, 2, r.min);
        std::uint8_t codes[32];
        for (std::size_t j = 0; j < 32; ++j) {
            const float scaled = (in[j] - r.min) * id + 0.5f;
            codes[j] = Bits == 4 ? static_cast<std::uint8_t>(std::min(kTop, truncated_int8(scaled)))
                                 : truncated_byte(scaled);
        }
        pack(codes, out, QsAt, QhAt);
    }
}

}  // namespace

void quantize_q4_1(const float* in, std::byte* out, std::size_t blocks) {
    with_offset<4, 20, 4, 0>(in, out, blocks);
}

void quantize_q5_1(const float* in, std::byte* out, std::size_t blocks) {
    with_offset<5, 24, 8, 4>(in, out, blocks);
}

namespace {

// q8_0 / q8_1: d = amax / 127, code roundf(x / d); q8_1 also stores d times the codes' sum.
template <bool Sum>
void q8(const float* in, std::byte* out, std::size_t blocks) {
    constexpr std::size_t kCodesAt = Sum ? 4 : 2;
    for (std::size_t b = 0; b < blocks; ++b, in += 32, out += kCodesAt + 32) {
        // ggml's MAX(a, b) is a > b ? a : b: a NaN replaces the running maximum, which the
        // next value then replaces (std::max would keep it instead).
        // In lanes when the block has no NaN (the maximum is then the same in any order).
        float lanes[16] = {};
        bool nan = false;
        for (std::size_t j = 0; j < 32; j += 16) {
#pragma omp simd reduction(|| : nan)
            for (std::size_t t = 0; t < 16; ++t) {
                const float v = std::fabs(in[j + t]);
                lanes[t] = lanes[t] > v ? lanes[t] : v;
                nan = nan || v != v;
            }
        }
        float amax = 0.0f;
        const float* const source = nan ? in : lanes;
        for (std::size_t j = 0; j < (nan ? 32 : 16); ++j) {
            const float v = std::fabs(source[j]);
            amax = amax > v ? amax : v;
        }
        const float d = amax / 127.0f;
        const float id = reciprocal(d);
        put_fp16(out, 0, d);
        int sum = 0;
        for (std::size_t j = 0; j < 32; ++j) {
            const std::uint8_t code = truncated_byte(std::round(in[j] * id));
            out[kCodesAt + j] = static_cast<std::byte>(code);
            sum += static_cast<std::int8_t>(code);
        }
        if constexpr (Sum) {
            put_fp16(out, 2, static_cast<float>(sum) * d);
        }
    }
}

}  // namespace

void quantize_q8_0(const float* in, std::byte* out, std::size_t blocks) {
    q8<false>(in, out, blocks);
}

void quantize_q8_1(const float* in, std::byte* out, std::size_t blocks) {
    q8<true>(in, out, blocks);
}

}  // namespace quantscope::ggml
