// ggml's reference quantizer for iq4_nl (32 values a block on 16 non-linear levels).

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

// ggml's best_index_int8: the index of the level nearest to x among 16 ascending levels, by
// bisection; a tie goes to the upper level, and a NaN to the last. Without branches: the
// bisection ends on the last level k of 1..14 it does not go below (!(x < v[k]), true of all
// of them for a NaN), then takes k or k + 1 by ggml's comparison; x <= v[0] and x >= v[15]
// come out as 0 and 15 from the same comparison.
// Index (returned) and level (in *level) of the nearest level to x. The steps are written out
// (a fold over k), as GCC vectorizes no loop with an inner loop left in it.
template <std::size_t... K>
inline unsigned nearest_iq4nl(float x, float* level, std::index_sequence<K...> /*k - 1*/) {
    constexpr auto v = kIq4nlValues;
    unsigned low = 0;
    auto below = static_cast<float>(v[0]);
    auto above = static_cast<float>(v[1]);
    const auto step = [&](std::size_t k) {  // selects, not a table lookup: vector lanes
        const bool past = !(x < static_cast<float>(v[k]));
        low += past ? 1u : 0u;
        below = past ? static_cast<float>(v[k]) : below;
        above = past ? static_cast<float>(v[k + 1]) : above;
    };
    (step(K + 1), ...);
    const bool lower = x - below < above - x;
    *level = lower ? below : above;
    return lower ? low : low + 1;
}

inline unsigned nearest_iq4nl(float x, float* level) {
    return nearest_iq4nl(x, level, std::make_index_sequence<14>());
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
        float levels[32];
        const float max = signed_absmax<32>(x);
        const bool zero = std::fabs(max) < kGroupMaxEps;
        // Below GROUP_MAX_EPS, id = 0 gives every value the code of 0, and d = 0.
        const float id = zero ? 0.0f : 1 / (max / static_cast<float>(kIq4nlValues[0]));
#pragma omp simd
        for (std::size_t j = 0; j < 32; ++j) {
            L[j] = nearest_iq4nl(id * x[j], &levels[j]);
        }
        float sumqx = 0;
        float sumq2 = 0;
        for (std::size_t j = 0; j < 32; ++j) {
            const float q = levels[j];
            const float w = x[j] * x[j];
            sumqx += w * q * x[j];
            sumq2 += w * q * q;
        }
        put_fp16(out, 0, !zero && sumq2 > 0 ? sumqx / sumq2 : 0.0f);
        for (std::size_t j = 0; j < 16; ++j) {
            out[2 + j] = static_cast<std::byte>(L[j] | L[j + 16] << 4);
        }
    }
}

}  // namespace quantscope::ggml
