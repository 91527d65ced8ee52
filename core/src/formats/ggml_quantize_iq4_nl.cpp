// ggml's reference quantizer for iq4_nl (32 values a block on 16 non-linear levels), several
// blocks at a time: one block a vector lane, every sum over the block in ggml's order. Compiled
// once per instruction-set level (core/src/simd/sources.cmake); ggml::quantize_iq4_nl calls the
// active level's (dispatch.cpp).

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <utility>

#include "../simd/kernel_table.h"
#include "ggml_block_bytes.h"
#include "ggml_quantize_common.h"

namespace quantscope::ggml {
namespace {

constexpr std::size_t kLanes = 16;  // blocks side by side
constexpr std::size_t kBlock = 32;

// The midpoints of adjacent levels, (v[k] + v[k + 1]) / 2: integers or halves, exact in float.
constexpr std::array<float, 15> kMidpoints = [] {
    std::array<float, 15> m{};
    for (std::size_t k = 0; k < m.size(); ++k) {
        m[k] = static_cast<float>(kIq4nlValues[k] + kIq4nlValues[k + 1]) / 2.0f;
    }
    return m;
}();

// ggml's best_index_int8 as a count: the index of the nearest level is the number of midpoints
// x is not below. ggml bisects to the levels around x, v[k] <= x < v[k + 1], and takes the
// lower one if x - v[k] < v[k + 1] - x in float. Near a midpoint both differences are exact
// (|x| >= 4 there and they are below 2^(e + 1) for 2^e <= |x|), so the test is x < m_k exactly,
// a tie going up; away from it, rounding cannot reorder them. x <= v[0] and x >= v[15] give 0
// and 15, as ggml's early returns; a NaN is below no midpoint: 15, as ggml's bisection ends.
// The steps are written out (a fold over k), as GCC vectorizes no loop with an inner loop
// left in it. Returns the index; *level gets its level.
template <std::size_t... K>
[[gnu::always_inline]] inline unsigned nearest_iq4nl(float x, float* level,
                                                     std::index_sequence<K...> /*k*/) {
    unsigned index = 0;
    auto q = static_cast<float>(kIq4nlValues[0]);
    const auto step = [&](std::size_t k)
        __attribute__((always_inline)) {  // selects, not a table lookup: vector lanes
        const bool past = !(x < kMidpoints[k]);
        index += past ? 1u : 0u;
        q = past ? static_cast<float>(kIq4nlValues[k + 1]) : q;
    };
    (step(K), ...);
    *level = q;
    return index;
}

// f(j) for j = 0 .. 31 in order, written out.
template <typename F, std::size_t... J>
[[gnu::always_inline]] inline void each_of_block(F&& f, std::index_sequence<J...> /*j*/) {
    (f(J), ...);
}
template <typename F>
[[gnu::always_inline]] inline void each_of_block(F&& f) {
    each_of_block(f, std::make_index_sequence<kBlock>());
}

// kLanes blocks: x holds kLanes * 32 values, out kLanes blocks of 18 bytes; `count` of them are
// written. Lane t is block t: its values, maximum, codes and sums.
void quantize_lanes(const float* x, std::byte* out, std::size_t count) {
    alignas(64) float xt[kBlock][kLanes];
    for (std::size_t t = 0; t < kLanes; ++t) {
        for (std::size_t j = 0; j < kBlock; ++j) {
            xt[j][t] = x[kBlock * t + j];
        }
    }
    // Per lane, with j written out (GCC vectorizes no loop with an inner loop left in it) so
    // that each lane's running values stay in registers. A block's 16 code bytes (elements j
    // and j + 16 in the nibbles of byte j) are built as four little-endian words.
    alignas(64) std::uint32_t words[4][kLanes];
    alignas(64) float d[kLanes];
#pragma omp simd
    for (std::size_t t = 0; t < kLanes; ++t) {
        // The value of largest magnitude, as signed_absmax finds it (the first of equals, NaN
        // skipped), then ggml's reciprocal scale of the codes, id = 1 / (max / -127).
        float amax = 0.0f;
        float max = 0.0f;
        each_of_block([&](std::size_t j) __attribute__((always_inline)) {
            const float a = std::fabs(xt[j][t]);
            const bool larger = amax < a;
            amax = larger ? a : amax;
            max = larger ? xt[j][t] : max;
        });
        const bool zero = amax < kGroupMaxEps;
        // Below GROUP_MAX_EPS, id = 0 gives every value the code of 0, and d = 0.
        const float id = zero ? 0.0f : 1 / (max / static_cast<float>(kIq4nlValues[0]));
        float sumqx = 0;
        float sumq2 = 0;
        std::uint32_t word[4] = {};
        each_of_block([&](std::size_t j) __attribute__((always_inline)) {
            const float v = xt[j][t];
            float q;
            const unsigned code = nearest_iq4nl(id * v, &q, std::make_index_sequence<15>());
            word[j % 16 / 4] |= code << (8 * (j % 4) + 4 * (j / 16));
            const float w = v * v;
            sumqx += w * q * v;
            sumq2 += w * q * q;
        });
        d[t] = !zero && sumq2 > 0 ? sumqx / sumq2 : 0.0f;
        for (std::size_t k = 0; k < 4; ++k) {
            words[k][t] = word[k];
        }
    }
    for (std::size_t t = 0; t < count; ++t, out += 18) {
        put_fp16(out, 0, d[t]);
        for (std::size_t k = 0; k < 4; ++k) {
            put_u32(out, 2 + 4 * k, words[k][t]);
        }
    }
}

}  // namespace
}  // namespace quantscope::ggml

namespace quantscope::per_level {

// iq4_nl as quantize_row_iq4_nl_ref (ntry = -1, no importance matrix): codes against
// d0 = max / -127 (max the signed value of largest magnitude), then the least-squares scale of
// those codes with weights x^2, sum(w q x) / sum(w q^2) (0 unless sum(w q^2) > 0), stored as
// fp16; the codes are not searched again. A block below GROUP_MAX_EPS stores d = 0; ggml leaves
// its codes as its scratch array held them (the previous block's, or uninitialised), here the
// code of 0 (level 1), so that it decodes to +0.
void quantize_iq4_nl(const float* x, std::byte* out, std::size_t blocks) {
    using ggml::kBlock;
    using ggml::kLanes;
    std::size_t b = 0;
    for (; b + kLanes <= blocks; b += kLanes) {
        ggml::quantize_lanes(x + b * kBlock, out + b * 18, kLanes);
    }
    if (b < blocks) {  // the last few blocks, beside all-zero ones
        alignas(64) float tail[kLanes * kBlock] = {};
        std::copy(x + b * kBlock, x + blocks * kBlock, tail);
        ggml::quantize_lanes(tail, out + b * 18, blocks - b);
    }
}

}  // namespace quantscope::per_level
