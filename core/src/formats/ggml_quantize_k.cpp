// ggml's reference quantizers for the K-quants (256 values a block): sub-block scales found by
// ggml's searches (make_qx_quants, make_qkx2_quants), in ggml's order of float operations, so
// the bytes match ggml's.

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
// reciprocal scales around -nmax / max by weighted least squares. The trials' sums are
// independent, so they run side by side, one trial a lane, each summed over i in ggml's order;
// the winner is then chosen in ggml's order of trials.
template <int N>
float make_qx_quants(int nmax, const float* x, std::int8_t* L) {
    const float max = signed_absmax<N>(x);
    if (std::fabs(max) < kGroupMaxEps) {
        std::fill(L, L + N, std::int8_t{0});
        return 0.0f;
    }
    constexpr std::size_t kTrials = 19;  // the first guess, then is = -9 .. 9 but 0
    constexpr std::size_t kLanes = 24;
    alignas(64) float iscale[kLanes];
    for (std::size_t t = 0; t < kLanes; ++t) {
        const int is = t == 0 || t >= kTrials ? 0
                       : t <= 9               ? static_cast<int>(t) - 10
                                              : static_cast<int>(t) - 9;
        iscale[t] = is == 0 ? static_cast<float>(-nmax) / max
                            : -(static_cast<float>(nmax) + 0.1f * static_cast<float>(is)) / max;
    }
    alignas(64) float sumlx[kLanes] = {};
    alignas(64) float suml2[kLanes] = {};
    const auto low = static_cast<float>(-nmax);
    const auto high = static_cast<float>(nmax - 1);
    for (int i = 0; i < N; ++i) {
        const float w = x[i] * x[i];
        const float wx = w * x[i];
#pragma omp simd
        for (std::size_t t = 0; t < kLanes; ++t) {
            const auto l = static_cast<float>(nearest_int(iscale[t] * x[i]));
            const float c = l < low ? low : (l > high ? high : l);
            sumlx[t] += wx * c;
            suml2[t] += w * c * c;
        }
    }
    float scale = suml2[0] != 0 ? sumlx[0] / suml2[0] : 0.0f;
    float best = scale * sumlx[0];
    std::size_t chosen = 0;
    for (std::size_t t = 1; t < kTrials; ++t) {
        if (suml2[t] > 0 && sumlx[t] * sumlx[t] > best * suml2[t]) {
            chosen = t;
            scale = sumlx[t] / suml2[t];
            best = scale * sumlx[t];
        }
    }
    for (int i = 0; i < N; ++i) {
        L[i] = static_cast<std::int8_t>(nmax +
                                        clamp(nearest_int(iscale[chosen] * x[i]), -nmax, nmax - 1));
    }
    return scale;
}

// A sub-block's fit by make_qkx2_quants: its scale and -min, and the codes ggml's L holds for
// it, which are those of the reciprocal scale and min that fit came from (all 0 where the values
// are all equal). The types quantize the codes again against their stored scales, so these are
// only needed where a stored scale is 0 (fit_codes).
struct Fit {
    float scale;
    float the_min;
    float code_iscale;
    float code_min;
    bool flat;
};

// The largest sub-block scale and -min of a block, as ggml's running maxima find them (the
// block's stored super-scales come from these).
struct FitMaxima {
    float scale = 0;
    float the_min = 0;
};
FitMaxima maxima_of(const Fit* fits, std::size_t count) {
    FitMaxima m;
    for (std::size_t j = 0; j < count; ++j) {
        m.scale = fits[j].scale > m.scale ? fits[j].scale : m.scale;
        m.the_min = fits[j].the_min > m.the_min ? fits[j].the_min : m.the_min;
    }
    return m;
}

// clamp(nearest_int(iscale * shifted), 0, top), in float (exact: |nearest_int| < 2^23).
inline float fit_code(float iscale, float shifted, float top) {
    const auto l = static_cast<float>(nearest_int(iscale * shifted));
    return l < 0.0f ? 0.0f : (l > top ? top : l);
}

void fit_codes(const Fit& fit, const float* x, std::size_t n, int nmax, std::uint8_t* L) {
    for (std::size_t i = 0; i < n; ++i) {
        L[i] = fit.flat ? 0
                        : static_cast<std::uint8_t>(fit_code(fit.code_iscale, x[i] - fit.code_min,
                                                             static_cast<float>(nmax)));
    }
}

// How q2_K and q4_K / q5_K weigh a sub-block's values: |x|, or the sub-block's RMS plus |x|.
enum class Weights { Abs, RmsPlusAbs };

// ggml's make_qkx2_quants on Lanes sub-blocks of N values side by side (sub-block j is
// x[N j .. N j + N)): each one's scale (scales[j]) and min (returned as -min in the_mins[j]) on
// codes 0 .. nmax, the best of Steps + 1 trial scales by weighted squared (or, Mad, absolute)
// error. A trial depends on the ones before it (a better fit moves the min that the next
// trials' codes are measured from), so within a sub-block they run in ggml's order; the
// sub-blocks are independent, so each is a lane, and every sum runs over i in ggml's order.
template <std::size_t N, std::size_t Lanes, int Steps, bool Mad, Weights Weighting>
void make_qkx2_quants(int nmax, const float* x, Fit* fits, float rmin, float rdelta) {
    const auto loss = [](float diff) { return Mad ? std::fabs(diff) : diff * diff; };
    alignas(64) float xt[N][Lanes];
    alignas(64) float wt[N][Lanes];
    for (std::size_t j = 0; j < Lanes; ++j) {
        for (std::size_t i = 0; i < N; ++i) {
            xt[i][j] = x[N * j + i];
        }
    }
    alignas(64) float av_x[Lanes] = {};
    if constexpr (Weighting == Weights::RmsPlusAbs) {
        for (std::size_t i = 0; i < N; ++i) {
#pragma omp simd
            for (std::size_t t = 0; t < Lanes; ++t) {
                av_x[t] += xt[i][t] * xt[i][t];
            }
        }
#pragma omp simd
        for (std::size_t t = 0; t < Lanes; ++t) {
            av_x[t] = std::sqrt(av_x[t] / static_cast<float>(N));
        }
    }
    for (std::size_t i = 0; i < N; ++i) {
#pragma omp simd
        for (std::size_t t = 0; t < Lanes; ++t) {
            wt[i][t] =
                Weighting == Weights::Abs ? std::fabs(xt[i][t]) : av_x[t] + std::fabs(xt[i][t]);
        }
    }
    alignas(64) float min[Lanes];
    alignas(64) float max[Lanes];
    alignas(64) float sum_w[Lanes];
    alignas(64) float sum_x[Lanes];
#pragma omp simd
    for (std::size_t t = 0; t < Lanes; ++t) {
        min[t] = xt[0][t];
        max[t] = xt[0][t];
        sum_w[t] = wt[0][t];
        sum_x[t] = sum_w[t] * xt[0][t];
    }
    for (std::size_t i = 1; i < N; ++i) {
#pragma omp simd
        for (std::size_t t = 0; t < Lanes; ++t) {
            min[t] = xt[i][t] < min[t] ? xt[i][t] : min[t];
            max[t] = xt[i][t] > max[t] ? xt[i][t] : max[t];
            sum_w[t] += wt[i][t];
            sum_x[t] += wt[i][t] * xt[i][t];
        }
    }
    const auto top = static_cast<float>(nmax);
    const auto code = [top](float iscale, float shifted) { return fit_code(iscale, shifted, top); };
    // The scale and min of the best fit so far, its error, and the reciprocal scale and min its
    // codes came from. A sub-block whose values are all equal (max == min) has no fit: its lane
    // computes what it computes, takes no trial and is overwritten at the end.
    alignas(64) float scale[Lanes];
    alignas(64) float best[Lanes] = {};
    alignas(64) float code_iscale[Lanes];
    alignas(64) float code_min[Lanes];
    bool flat[Lanes];
#pragma omp simd
    for (std::size_t t = 0; t < Lanes; ++t) {
        min[t] = min[t] > 0 ? 0.0f : min[t];
        flat[t] = max[t] == min[t];
        const float range = max[t] != min[t] ? max[t] - min[t] : 1.0f;
        code_iscale[t] = top / range;
        code_min[t] = min[t];
        scale[t] = 1 / code_iscale[t];
    }
    for (std::size_t i = 0; i < N; ++i) {
#pragma omp simd
        for (std::size_t t = 0; t < Lanes; ++t) {
            const float l = code(code_iscale[t], xt[i][t] - min[t]);
            const float diff = scale[t] * l + min[t] - xt[i][t];
            best[t] += wt[i][t] * loss(diff);
        }
    }
    alignas(64) float laux[N][Lanes];
    for (int is = 0; is <= Steps; ++is) {
        alignas(64) float iscale[Lanes];
        alignas(64) float sum_l[Lanes] = {};
        alignas(64) float sum_l2[Lanes] = {};
        alignas(64) float sum_xl[Lanes] = {};
#pragma omp simd
        for (std::size_t t = 0; t < Lanes; ++t) {
            const float range = max[t] != min[t] ? max[t] - min[t] : 1.0f;
            iscale[t] = (rmin + rdelta * static_cast<float>(is) + top) / range;
        }
        for (std::size_t i = 0; i < N; ++i) {
#pragma omp simd
            for (std::size_t t = 0; t < Lanes; ++t) {
                const float l = code(iscale[t], xt[i][t] - min[t]);
                laux[i][t] = l;
                const float wl = wt[i][t] * l;
                sum_l[t] += wl;
                sum_l2[t] += wl * l;
                sum_xl[t] += wl * xt[i][t];
            }
        }
        alignas(64) float this_scale[Lanes];
        alignas(64) float this_min[Lanes];
        alignas(64) float mad[Lanes] = {};
        bool fitted[Lanes];
#pragma omp simd
        for (std::size_t t = 0; t < Lanes; ++t) {
            const float D = sum_w[t] * sum_l2[t] - sum_l[t] * sum_l[t];
            fitted[t] = D > 0;
            const float divisor = D > 0 ? D : 1.0f;
            float s = (sum_w[t] * sum_xl[t] - sum_x[t] * sum_l[t]) / divisor;
            float m = (sum_l2[t] * sum_x[t] - sum_l[t] * sum_xl[t]) / divisor;
            const float l2 = sum_l2[t] != 0 ? sum_l2[t] : 1.0f;  // 0 only where D <= 0
            s = m > 0 ? sum_xl[t] / l2 : s;
            this_scale[t] = s;
            this_min[t] = m > 0 ? 0.0f : m;
        }
        for (std::size_t i = 0; i < N; ++i) {
#pragma omp simd
            for (std::size_t t = 0; t < Lanes; ++t) {
                const float diff = this_scale[t] * laux[i][t] + this_min[t] - xt[i][t];
                mad[t] += wt[i][t] * loss(diff);
            }
        }
#pragma omp simd
        for (std::size_t t = 0; t < Lanes; ++t) {
            const bool better = !flat[t] && fitted[t] && mad[t] < best[t];
            best[t] = better ? mad[t] : best[t];
            scale[t] = better ? this_scale[t] : scale[t];
            code_iscale[t] = better ? iscale[t] : code_iscale[t];
            code_min[t] = better ? min[t] : code_min[t];
            min[t] = better ? this_min[t] : min[t];
        }
    }
    for (std::size_t j = 0; j < Lanes; ++j) {
        fits[j] = {flat[j] ? 0.0f : scale[j], -min[j], code_iscale[j], code_min[j], flat[j]};
    }
}

// Blocks whose scale searches run side by side (make_qkx2_quants' lanes): two blocks' sub-blocks
// keep more independent sums in flight than one block's.
inline constexpr std::size_t kSearchBlocks = 4;

// Runs make_qkx2_quants over `blocks` blocks of Sub sub-blocks of N, kSearchBlocks at a time,
// and calls finish(b, fits of block b) for each block.
template <std::size_t N, std::size_t Sub, int Steps, bool Mad, Weights Weighting, class Finish>
void search_blocks(const float* x, std::size_t blocks, int nmax, float rmin, float rdelta,
                   Finish&& finish) {
    for (std::size_t b = 0; b < blocks; b += kSearchBlocks) {
        Fit fits[Sub * kSearchBlocks];
        const float* at = x + N * Sub * b;
        if (blocks - b >= kSearchBlocks) {
            make_qkx2_quants<N, Sub * kSearchBlocks, Steps, Mad, Weighting>(nmax, at, fits, rmin,
                                                                            rdelta);
            for (std::size_t k = 0; k < kSearchBlocks; ++k) {
                finish(b + k, fits + Sub * k);
            }
            continue;
        }
        for (std::size_t k = b; k < blocks; ++k) {  // the last blocks one at a time
            make_qkx2_quants<N, Sub, Steps, Mad, Weighting>(nmax, x + N * Sub * k, fits, rmin,
                                                            rdelta);
            finish(k, fits);
        }
    }
}

// q4_K and q5_K: per 32 values a scale and a min by make_qkx2_quants (weights rms + |x|), both
// quantized to 6 bits against the block's largest (d, dmin in fp16), then the codes again
// against the stored scales.
template <bool Five>
void q45_k(const float* in, std::byte* blocks_out, std::size_t blocks) {
    constexpr int kMax = Five ? 31 : 15;
    constexpr std::size_t kBytes = Five ? 176 : 144;
    const auto finish = [&](std::size_t b, const Fit* fits) {
        const float* x = in + 256 * b;
        std::byte* out = blocks_out + kBytes * b;
        std::fill(out, out + kBytes, std::byte{0});
        std::uint8_t L[256];
        const FitMaxima maxima = maxima_of(fits, 8);
        const float max_scale = maxima.scale;
        const float max_min = maxima.the_min;
        const float inv_scale = max_scale > 0 ? 63.f / max_scale : 0.f;
        const float inv_min = max_min > 0 ? 63.f / max_min : 0.f;
        std::byte* packed = out + 4;
        for (std::size_t j = 0; j < 8; ++j) {
            const unsigned ls = std::min(63u, static_cast<unsigned>(static_cast<std::uint8_t>(
                                                  nearest_int(inv_scale * fits[j].scale))));
            const unsigned lm = std::min(63u, static_cast<unsigned>(static_cast<std::uint8_t>(
                                                  nearest_int(inv_min * fits[j].the_min))));
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
                fit_codes(fits[j], x + 32 * j, 32, kMax, L + 32 * j);
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
    };
    search_blocks<32, 8, Five ? 15 : 20, false, Weights::RmsPlusAbs>(
        in, blocks, kMax, Five ? -0.5f : -1.0f, 0.1f, finish);
}

// ggml's make_q3_quants with do_rmse: signed codes -nmax .. nmax - 1 (stored offset by nmax)
// from -nmax / max, then up to 5 passes moving single codes while the weighted (x^2) fit
// improves; returns the least-squares scale.
float make_q3_quants(int n, int nmax, const float* x, std::int8_t* L) {
    const float max = signed_absmax<16>(x);
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
void quantize_q2_k(const float* in, std::byte* blocks_out, std::size_t blocks) {
    const auto finish = [&](std::size_t b, const Fit* fits) {
        const float* x = in + 256 * b;
        std::byte* out = blocks_out + 84 * b;
        std::fill(out, out + 84, std::byte{0});
        std::uint8_t L[256];
        const FitMaxima maxima = maxima_of(fits, 16);
        const float max_scale = maxima.scale;
        const float max_min = maxima.the_min;
        unsigned packed[16] = {};
        if (max_scale > 0) {
            const float iscale = 15.f / max_scale;
            for (std::size_t j = 0; j < 16; ++j) {
                packed[j] = static_cast<std::uint8_t>(nearest_int(iscale * fits[j].scale));
            }
            put_fp16(out, 80, max_scale / 15.f);
        }
        if (max_min > 0) {
            const float iscale = 15.f / max_min;
            for (std::size_t j = 0; j < 16; ++j) {
                packed[j] = (packed[j] |
                             static_cast<unsigned>(nearest_int(iscale * fits[j].the_min)) << 4) &
                            0xFFu;
            }
            put_fp16(out, 82, max_min / 15.f);
        }
        for (std::size_t j = 0; j < 16; ++j) {
            out[j] = static_cast<std::byte>(packed[j]);
            const float d = fp16(out, 80) * static_cast<float>(packed[j] & 0xF);
            if (d == 0) {
                fit_codes(fits[j], x + 16 * j, 16, 3, L + 16 * j);
                continue;
            }
            codes_against(x + 16 * j, 16, d, fp16(out, 82) * static_cast<float>(packed[j] >> 4), 0,
                          3, L + 16 * j);
        }
        pack_2bit(L, out + 16);
    };
    search_blocks<16, 16, 15, true, Weights::Abs>(in, blocks, 3, -0.5f, 0.1f, finish);
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
        const float max_scale = signed_absmax<16>(scales);
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
            scales[ib] = make_qx_quants<16>(32, x + 16 * ib, L + 16 * ib);
        }
        const float max_scale = signed_absmax<16>(scales);
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
