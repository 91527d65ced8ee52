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

#include "ggml_block_bytes.h"

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

// The value of largest magnitude (its sign kept; the first of equals), NaN ignored.
float signed_absmax(const float* x, std::size_t n) {
    float amax = 0.0f;
    float max = 0.0f;
    for (std::size_t j = 0; j < n; ++j) {
        if (amax < std::fabs(x[j])) {
            amax = std::fabs(x[j]);
            max = x[j];
        }
    }
    return max;
}

struct Range {
    float min = FLT_MAX;
    float max = -FLT_MAX;
};

Range range_of(const float* x, std::size_t n) {
    Range r;
    for (std::size_t j = 0; j < n; ++j) {
        r.min = x[j] < r.min ? x[j] : r.min;
        r.max = x[j] > r.max ? x[j] : r.max;
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
        const float d = signed_absmax(in, 32) / static_cast<float>(-Half);
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
        const Range r = range_of(in, 32);
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
        float amax = 0.0f;
        for (std::size_t j = 0; j < 32; ++j) {
            const float v = std::fabs(in[j]);
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

// ---------------------------------------------------------------- K-quants (256 a block)

namespace {

constexpr float kGroupMaxEps = 1e-15f;  // ggml's GROUP_MAX_EPS: below it a group is all zero

// ggml's nearest_int: round half to even through the float adder (exact for |value| < 2^22;
// beyond, and for NaN, the same bits ggml gets).
int nearest_int(float value) {
    const float shifted = value + 12582912.0f;
    const auto bits = std::bit_cast<std::int32_t>(shifted);
    return (bits & 0x007FFFFF) - 0x00400000;
}

int clamp(int value, int low, int high) {
    return std::max(low, std::min(high, value));
}

// The codes of n values against a sub-block's stored scale d and offset dm (0 for the signed
// types): clamp(nearest_int((x + dm) / d), low, high) - low.
template <typename Code>
void codes_against(const float* x, std::size_t n, float d, float dm, int low, int high, Code* L) {
    for (std::size_t i = 0; i < n; ++i) {
        L[i] = static_cast<Code>(clamp(nearest_int((x[i] + dm) / d), low, high) - low);
    }
}

// ggml's make_qx_quants with rmse_type 1 (weights x^2, no importance matrix): the signed scale
// of n values on codes -nmax .. nmax - 1 (stored in L offset by nmax), the best of 19 trial
// reciprocal scales around -nmax / max by weighted least squares.
float make_qx_quants(int n, int nmax, const float* x, std::int8_t* L) {
    const float max = signed_absmax(x, static_cast<std::size_t>(n));
    if (std::fabs(max) < kGroupMaxEps) {
        std::fill(L, L + n, std::int8_t{0});
        return 0.0f;
    }
    const auto sums = [&](float iscale, float& sumlx, float& suml2) {
        sumlx = 0;
        suml2 = 0;
        for (int i = 0; i < n; ++i) {
            const int l = clamp(nearest_int(iscale * x[i]), -nmax, nmax - 1);
            const float w = x[i] * x[i];
            sumlx += w * x[i] * static_cast<float>(l);
            suml2 += w * static_cast<float>(l) * static_cast<float>(l);
        }
    };
    const auto codes = [&](float iscale) {
        for (int i = 0; i < n; ++i) {
            L[i] =
                static_cast<std::int8_t>(nmax + clamp(nearest_int(iscale * x[i]), -nmax, nmax - 1));
        }
    };
    float iscale = static_cast<float>(-nmax) / max;
    float sumlx = 0;
    float suml2 = 0;
    sums(iscale, sumlx, suml2);
    codes(iscale);
    float scale = suml2 != 0 ? sumlx / suml2 : 0.0f;
    float best = scale * sumlx;
    for (int is = -9; is <= 9; ++is) {
        if (is == 0) {
            continue;
        }
        iscale = -(static_cast<float>(nmax) + 0.1f * static_cast<float>(is)) / max;
        sums(iscale, sumlx, suml2);
        if (suml2 > 0 && sumlx * sumlx > best * suml2) {
            codes(iscale);
            scale = sumlx / suml2;
            best = scale * sumlx;
        }
    }
    return scale;
}

// ggml's make_qkx2_quants: scale and min (returned as -min in *the_min) of n values on codes
// 0 .. nmax, the best of nstep + 1 trial scales by weighted squared (or, use_mad, absolute)
// error.
float make_qkx2_quants(int n, int nmax, const float* x, const float* weights, std::uint8_t* L,
                       float* the_min, float rmin, float rdelta, int nstep, bool use_mad) {
    const auto loss = [use_mad](float diff) { return use_mad ? std::fabs(diff) : diff * diff; };
    float min = x[0];
    float max = x[0];
    float sum_w = weights[0];
    float sum_x = sum_w * x[0];
    for (int i = 1; i < n; ++i) {
        min = x[i] < min ? x[i] : min;
        max = x[i] > max ? x[i] : max;
        sum_w += weights[i];
        sum_x += weights[i] * x[i];
    }
    if (min > 0) {
        min = 0;
    }
    if (max == min) {
        std::fill(L, L + n, std::uint8_t{0});
        *the_min = -min;
        return 0.0f;
    }
    float iscale = static_cast<float>(nmax) / (max - min);
    float scale = 1 / iscale;
    float best_mad = 0;
    for (int i = 0; i < n; ++i) {
        L[i] = static_cast<std::uint8_t>(clamp(nearest_int(iscale * (x[i] - min)), 0, nmax));
        const float diff = scale * static_cast<float>(L[i]) + min - x[i];
        best_mad += weights[i] * loss(diff);
    }
    std::uint8_t laux[32];
    for (int is = 0; is <= nstep; ++is) {
        iscale = (rmin + rdelta * static_cast<float>(is) + static_cast<float>(nmax)) / (max - min);
        float sum_l = 0;
        float sum_l2 = 0;
        float sum_xl = 0;
        for (int i = 0; i < n; ++i) {
            const int l = clamp(nearest_int(iscale * (x[i] - min)), 0, nmax);
            laux[i] = static_cast<std::uint8_t>(l);
            const float w = weights[i];
            sum_l += w * static_cast<float>(l);
            sum_l2 += w * static_cast<float>(l) * static_cast<float>(l);
            sum_xl += w * static_cast<float>(l) * x[i];
        }
        const float D = sum_w * sum_l2 - sum_l * sum_l;
        if (D > 0) {
            float this_scale = (sum_w * sum_xl - sum_x * sum_l) / D;
            float this_min = (sum_l2 * sum_x - sum_l * sum_xl) / D;
            if (this_min > 0) {
                this_min = 0;
                this_scale = sum_xl / sum_l2;
            }
            float mad = 0;
            for (int i = 0; i < n; ++i) {
                const float diff = this_scale * static_cast<float>(laux[i]) + this_min - x[i];
                mad += weights[i] * loss(diff);
            }
            if (mad < best_mad) {
                std::copy(laux, laux + n, L);
                best_mad = mad;
                scale = this_scale;
                min = this_min;
            }
        }
    }
    *the_min = -min;
    return scale;
}

// q4_K and q5_K: per 32 values a scale and a min by make_qkx2_quants (weights rms + |x|), both
// quantized to 6 bits against the block's largest (d, dmin in fp16), then the codes again
// against the stored scales.
template <bool Five>
void q45_k(const float* x, std::byte* out, std::size_t blocks) {
    constexpr int kMax = Five ? 31 : 15;
    constexpr std::size_t kBytes = Five ? 176 : 144;
    for (std::size_t b = 0; b < blocks; ++b, x += 256, out += kBytes) {
        std::fill(out, out + kBytes, std::byte{0});
        std::uint8_t L[256];
        float mins[8];
        float scales[8];
        float max_scale = 0;
        float max_min = 0;
        for (std::size_t j = 0; j < 8; ++j) {
            const float* v = x + 32 * j;
            float sum_x2 = 0;
            for (std::size_t l = 0; l < 32; ++l) {
                sum_x2 += v[l] * v[l];
            }
            const float av_x = std::sqrt(sum_x2 / 32);
            float weights[32];
            for (std::size_t l = 0; l < 32; ++l) {
                weights[l] = av_x + std::fabs(v[l]);
            }
            scales[j] = make_qkx2_quants(32, kMax, v, weights, L + 32 * j, &mins[j],
                                         Five ? -0.5f : -1.0f, 0.1f, Five ? 15 : 20, false);
            max_scale = scales[j] > max_scale ? scales[j] : max_scale;
            max_min = mins[j] > max_min ? mins[j] : max_min;
        }
        const float inv_scale = max_scale > 0 ? 63.f / max_scale : 0.f;
        const float inv_min = max_min > 0 ? 63.f / max_min : 0.f;
        std::byte* packed = out + 4;
        for (std::size_t j = 0; j < 8; ++j) {
            const unsigned ls = std::min(63u, static_cast<unsigned>(static_cast<std::uint8_t>(
                                                  nearest_int(inv_scale * scales[j]))));
            const unsigned lm = std::min(
                63u,
                static_cast<unsigned>(static_cast<std::uint8_t>(nearest_int(inv_min * mins[j]))));
            if (j < 4) {
                packed[j] = static_cast<std::byte>(ls);
                packed[j + 4] = static_cast<std::byte>(lm);
            } else {
                packed[j + 4] = static_cast<std::byte>((ls & 0xF) | (lm & 0xF) << 4);
                packed[j - 4] |= static_cast<std::byte>((ls >> 4) << 6);
                packed[j] |= static_cast<std::byte>((lm >> 4) << 6);
            }
        }
        put_fp16(out, 0, max_scale / 63.f);
        put_fp16(out, 2, max_min / 63.f);
        for (std::size_t j = 0; j < 8; ++j) {
            const auto [sc, m] = k4_scale_min(packed, j);
            const float d = fp16(out, 0) * static_cast<float>(sc);
            if (d == 0) {
                continue;
            }
            codes_against(x + 32 * j, 32, d, fp16(out, 2) * static_cast<float>(m), 0, kMax,
                          L + 32 * j);
        }
        constexpr std::size_t kQs = Five ? 48 : 16;
        for (std::size_t half = 0; half < 4; ++half) {
            for (std::size_t l = 0; l < 32; ++l) {
                const unsigned l1 = L[64 * half + l];
                const unsigned l2 = L[64 * half + l + 32];
                if constexpr (Five) {
                    out[16 + l] |= static_cast<std::byte>((l1 >> 4) << (2 * half) |
                                                          (l2 >> 4) << (2 * half + 1));
                }
                out[kQs + 32 * half + l] = static_cast<std::byte>((l1 & 0xF) | (l2 & 0xF) << 4);
            }
        }
    }
}

// ggml's make_q3_quants with do_rmse: signed codes -nmax .. nmax - 1 (stored offset by nmax)
// from -nmax / max, then up to 5 passes moving single codes while the weighted (x^2) fit
// improves; returns the least-squares scale.
float make_q3_quants(int n, int nmax, const float* x, std::int8_t* L) {
    const float max = signed_absmax(x, static_cast<std::size_t>(n));
    if (std::fabs(max) < kGroupMaxEps) {
        std::fill(L, L + n, std::int8_t{0});
        return 0.0f;
    }
    const float iscale = static_cast<float>(-nmax) / max;
    float sumlx = 0;
    float suml2 = 0;
    for (int i = 0; i < n; ++i) {
        const int l = clamp(nearest_int(iscale * x[i]), -nmax, nmax - 1);
        L[i] = static_cast<std::int8_t>(l);
        const float w = x[i] * x[i];
        sumlx += w * x[i] * static_cast<float>(l);
        suml2 += w * static_cast<float>(l) * static_cast<float>(l);
    }
    for (int itry = 0; itry < 5; ++itry) {
        int n_changed = 0;
        for (int i = 0; i < n; ++i) {
            const float w = x[i] * x[i];
            const auto old_l = static_cast<float>(L[i]);
            float slx = sumlx - w * x[i] * old_l;
            if (slx > 0) {
                float sl2 = suml2 - w * old_l * old_l;
                const int new_l = clamp(nearest_int(x[i] * sl2 / slx), -nmax, nmax - 1);
                if (new_l != L[i]) {
                    slx += w * x[i] * static_cast<float>(new_l);
                    sl2 += w * static_cast<float>(new_l) * static_cast<float>(new_l);
                    if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                        L[i] = static_cast<std::int8_t>(new_l);
                        sumlx = slx;
                        suml2 = sl2;
                        ++n_changed;
                    }
                }
            }
        }
        if (n_changed == 0) {
            break;
        }
    }
    for (int i = 0; i < n; ++i) {
        L[i] = static_cast<std::int8_t>(L[i] + nmax);
    }
    return sumlx / suml2;
}

// 2-bit codes of 256 values, q2_K's and q3_K's layout: each 128 take 32 bytes, value
// 32k + l at bits 2k of byte l.
template <typename Code>
void pack_2bit(const Code* L, std::byte* qs) {
    for (std::size_t half = 0; half < 2; ++half) {
        for (std::size_t l = 0; l < 32; ++l) {
            unsigned byte = 0;
            for (std::size_t k = 0; k < 4; ++k) {
                byte |= static_cast<unsigned>(L[128 * half + 32 * k + l]) << (2 * k);
            }
            qs[32 * half + l] = static_cast<std::byte>(byte & 0xFFu);
        }
    }
}

}  // namespace

// q2_K: per 16 values a scale and min by make_qkx2_quants (weights |x|, absolute error), both
// quantized to 4 bits against the block's largest (d, dmin in fp16), then the codes again.
void quantize_q2_k(const float* x, std::byte* out, std::size_t blocks) {
    for (std::size_t b = 0; b < blocks; ++b, x += 256, out += 84) {
        std::fill(out, out + 84, std::byte{0});
        std::uint8_t L[256];
        float mins[16];
        float scales[16];
        float max_scale = 0;
        float max_min = 0;
        for (std::size_t j = 0; j < 16; ++j) {
            float weights[16];
            for (std::size_t l = 0; l < 16; ++l) {
                weights[l] = std::fabs(x[16 * j + l]);
            }
            scales[j] = make_qkx2_quants(16, 3, x + 16 * j, weights, L + 16 * j, &mins[j], -0.5f,
                                         0.1f, 15, true);
            max_scale = scales[j] > max_scale ? scales[j] : max_scale;
            max_min = mins[j] > max_min ? mins[j] : max_min;
        }
        unsigned packed[16] = {};
        if (max_scale > 0) {
            const float iscale = 15.f / max_scale;
            for (std::size_t j = 0; j < 16; ++j) {
                packed[j] = static_cast<std::uint8_t>(nearest_int(iscale * scales[j]));
            }
            put_fp16(out, 80, max_scale / 15.f);
        }
        if (max_min > 0) {
            const float iscale = 15.f / max_min;
            for (std::size_t j = 0; j < 16; ++j) {
                packed[j] =
                    (packed[j] | static_cast<unsigned>(nearest_int(iscale * mins[j])) << 4) & 0xFFu;
            }
            put_fp16(out, 82, max_min / 15.f);
        }
        for (std::size_t j = 0; j < 16; ++j) {
            out[j] = static_cast<std::byte>(packed[j]);
            const float d = fp16(out, 80) * static_cast<float>(packed[j] & 0xF);
            if (d == 0) {
                continue;
            }
            codes_against(x + 16 * j, 16, d, fp16(out, 82) * static_cast<float>(packed[j] >> 4), 0,
                          3, L + 16 * j);
        }
        pack_2bit(L, out + 16);
    }
}

// q3_K: per 16 values a signed scale by make_q3_quants, quantized to 6 bits against the block's
// largest (d = that / -32 in fp16), then the codes (-4 .. 3) again; bit 2 of each code goes to
// hmask (bit v / 32 of byte v % 32), the low 2 bits as q2_K's.
void quantize_q3_k(const float* x, std::byte* out, std::size_t blocks) {
    for (std::size_t b = 0; b < blocks; ++b, x += 256, out += 110) {
        std::fill(out, out + 110, std::byte{0});
        std::int8_t L[256];
        float scales[16];
        for (std::size_t j = 0; j < 16; ++j) {
            scales[j] = make_q3_quants(16, 4, x + 16 * j, L + 16 * j);
        }
        const float max_scale = signed_absmax(scales, 16);
        std::byte* packed = out + 96;
        if (max_scale != 0) {
            const float iscale = -32.f / max_scale;
            for (std::size_t j = 0; j < 16; ++j) {
                const auto near = static_cast<std::int8_t>(nearest_int(iscale * scales[j]));
                const unsigned l = static_cast<unsigned>(clamp(near, -32, 31) + 32);
                if (j < 8) {
                    packed[j] = static_cast<std::byte>(l & 0xF);
                } else {
                    packed[j - 8] |= static_cast<std::byte>((l & 0xF) << 4);
                }
                packed[j % 4 + 8] |= static_cast<std::byte>((l >> 4) << (2 * (j / 4)));
            }
            put_fp16(out, 108, 1 / iscale);
        }
        for (std::size_t j = 0; j < 16; ++j) {
            const unsigned low = j < 8 ? u8(packed, j) & 0xF : u8(packed, j - 8) >> 4;
            const unsigned high = u8(packed, 8 + j % 4) >> (2 * (j / 4)) & 3u;
            const float d =
                fp16(out, 108) * static_cast<float>(static_cast<int>(low | high << 4) - 32);
            if (d == 0) {
                continue;
            }
            codes_against(x + 16 * j, 16, d, 0.0f, -4, 3, L + 16 * j);
        }
        for (std::size_t j = 0; j < 256; ++j) {
            if (L[j] > 3) {
                out[j % 32] |= static_cast<std::byte>(1u << (j / 32));
                L[j] = static_cast<std::int8_t>(L[j] - 4);
            }
        }
        pack_2bit(L, out + 32);
    }
}

void quantize_q4_k(const float* in, std::byte* out, std::size_t blocks) {
    q45_k<false>(in, out, blocks);
}

void quantize_q5_k(const float* in, std::byte* out, std::size_t blocks) {
    q45_k<true>(in, out, blocks);
}

// q6_K: per 16 values a signed scale by make_qx_quants, the scales quantized to int8 against
// the block's largest (d = that / -128 in fp16), then the codes (-32 .. 31) again against the
// stored scales; a sub-block whose stored scale is 0 keeps make_qx_quants' codes.
void quantize_q6_k(const float* x, std::byte* out, std::size_t blocks) {
    for (std::size_t b = 0; b < blocks; ++b, x += 256, out += 210) {
        std::fill(out, out + 210, std::byte{0});
        std::int8_t L[256];
        float scales[16];
        for (std::size_t ib = 0; ib < 16; ++ib) {
            scales[ib] = make_qx_quants(16, 32, x + 16 * ib, L + 16 * ib);
        }
        const float max_scale = signed_absmax(scales, 16);
        if (std::fabs(max_scale) < kGroupMaxEps) {
            continue;  // all zero, d = 0
        }
        const float iscale = -128.f / max_scale;
        put_fp16(out, 208, 1 / iscale);
        for (std::size_t ib = 0; ib < 16; ++ib) {
            out[192 + ib] = static_cast<std::byte>(
                static_cast<std::uint8_t>(std::min(127, nearest_int(iscale * scales[ib]))));
        }
        for (std::size_t j = 0; j < 16; ++j) {
            const float d = fp16(out, 208) * static_cast<float>(i8(out, 192 + j));
            if (d == 0) {
                continue;
            }
            codes_against(x + 16 * j, 16, d, 0.0f, -32, 31, L + 16 * j);
        }
        for (std::size_t half = 0; half < 2; ++half) {
            const std::int8_t* q = L + 128 * half;
            for (std::size_t l = 0; l < 32; ++l) {
                const auto code = [&](std::size_t k) {
                    return static_cast<unsigned>(q[l + 32 * k]);
                };
                out[64 * half + l] = static_cast<std::byte>((code(0) & 0xF) | (code(2) & 0xF) << 4);
                out[64 * half + l + 32] =
                    static_cast<std::byte>((code(1) & 0xF) | (code(3) & 0xF) << 4);
                out[128 + 32 * half + l] =
                    static_cast<std::byte>((code(0) >> 4) | (code(1) >> 4) << 2 |
                                           (code(2) >> 4) << 4 | (code(3) >> 4) << 6);
            }
        }
    }
}

}  // namespace quantscope::ggml

// ---------------------------------------------------------------- iq4_nl (32 a block)

namespace quantscope::ggml {
namespace {

// ggml's best_index_int8: the index of the level nearest to x among 16 ascending levels, by
// bisection; a tie goes to the upper level, and a NaN to the last.
unsigned nearest_iq4nl(float x) {
    const auto& v = kIq4nlValues;
    if (x <= v[0]) {
        return 0;
    }
    if (x >= v[15]) {
        return 15;
    }
    unsigned low = 0;
    unsigned high = 15;
    while (high - low > 1) {
        const unsigned mid = (low + high) / 2;
        if (x < static_cast<float>(v[mid])) {
            high = mid;
        } else {
            low = mid;
        }
    }
    return x - static_cast<float>(v[high - 1]) < static_cast<float>(v[high]) - x ? high - 1 : high;
}

}  // namespace

// iq4_nl as quantize_row_iq4_nl_ref (ntry = -1, no importance matrix): codes against
// d0 = max / -127 (max the signed value of largest magnitude), then the least-squares scale of
// those codes with weights x^2, sum(w q x) / sum(w q^2), stored as fp16; the codes are not
// searched again. A block below GROUP_MAX_EPS stores d = 0; ggml leaves its codes as its scratch
// array held them (the previous block's, or uninitialised), here the code of 0 (level 1), so
// that it decodes to +0.
void quantize_iq4_nl(const float* x, std::byte* out, std::size_t blocks) {
    for (std::size_t b = 0; b < blocks; ++b, x += 32, out += 18) {
        unsigned L[32];
        const float max = signed_absmax(x, 32);
        float d = 0.0f;
        if (std::fabs(max) < kGroupMaxEps) {
            std::fill(L, L + 32, nearest_iq4nl(0.0f));
        } else {
            const float id = 1 / (max / static_cast<float>(kIq4nlValues[0]));
            float sumqx = 0;
            float sumq2 = 0;
            for (std::size_t j = 0; j < 32; ++j) {
                L[j] = nearest_iq4nl(id * x[j]);
                const auto q = static_cast<float>(kIq4nlValues[L[j]]);
                const float w = x[j] * x[j];
                sumqx += w * q * x[j];
                sumq2 += w * q * q;
            }
            d = sumq2 > 0 ? sumqx / sumq2 : 0.0f;
        }
        put_fp16(out, 0, d);
        for (std::size_t j = 0; j < 16; ++j) {
            out[2 + j] = static_cast<std::byte>(L[j] | L[j + 16] << 4);
        }
    }
}

}  // namespace quantscope::ggml
