#pragma once
// One thread's histograms of x and of Q(x) on one grid, counted with one increment per value
// where Q need not be monotone (per channel, per block, stochastic rounding). Internal to core.
//
// The pair (a, b) = (slot of x, slot of Q(x)) is mostly close: Q(x) is within half a step of x,
// and a step spans a few bins. So a table holds, for each a, one counter per b in
// [a - kReach, a + kReach], plus one "x only" counter. A value whose b lies within reach costs
// one increment, which counts both histograms. A value farther away (clipped, or a coarse step)
// increments its x-only counter and leaves b in a short list, counted after the block: two
// increments, as two separate histograms would cost. The marginals of the table are exactly the
// two histograms.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "../common/simd_level.h"
#include "count_increments.h"

#if defined(QUANTSCOPE_AVX512F)
#include <immintrin.h>
#endif

namespace quantscope::detail {

class SlotPairCounts {
public:
    // Slots 0 .. slots-1 for both a and b.
    explicit SlotPairCounts(std::size_t slots)
        : slots_(slots),
          pairs_(slots * kColumns, 0),
          pair_totals_(slots * kColumns, 0),
          y_only_(slots, 0),
          y_only_totals_(slots, 0) {}

    std::size_t slots() const { return slots_; }

    // Counts the pairs (a[i], b[i]), i < n, every slot below slots().
    void add(const std::uint32_t* a, const std::uint32_t* b, std::size_t n) {
        for (std::size_t i = 0; i < n; i += kStep) {
            add_step(a + i, b + i, std::min(kStep, n - i));
        }
    }

    // Calls add_x(slot, count) and add_y(slot, count) for every slot with a count.
    template <class AddX, class AddY>
    void for_each_count(AddX&& add_x, AddY&& add_y) const {
        for (std::size_t a = 0; a < slots_; ++a) {
            for (std::uint32_t column = 0; column < kColumns; ++column) {
                const std::size_t cell = (a << kColumnBits) + column;
                const std::int64_t count = pair_totals_[cell] + pairs_[cell];
                if (count == 0) {
                    continue;
                }
                add_x(a, count);
                if (column < kNearColumns) {
                    add_y(a + column - kReach, count);
                }
            }
        }
        for (std::size_t b = 0; b < slots_; ++b) {
            const std::int64_t count = y_only_totals_[b] + y_only_[b];
            if (count != 0) {
                add_y(b, count);
            }
        }
    }

private:
    // Columns a power of two, so that a cell is a shift and an add: 15 within reach and the
    // x-only one. With 512 bins the table is 32 KiB, the footprint of the two separate
    // histograms' eight-copy counters it replaces. One copy suffices: successive values rarely
    // share a cell, which is spread over b as well as a.
    static constexpr std::uint32_t kColumnBits = 4;
    static constexpr std::uint32_t kColumns = 1u << kColumnBits;
    static constexpr std::uint32_t kNearColumns = kColumns - 1;
    static constexpr std::uint32_t kReach = kNearColumns / 2;
    static constexpr std::uint32_t kXOnlyColumn = kColumns - 1;
    // Pairs a step at a time: the table, the caller's blocks and these indices must share L1.
    static constexpr std::size_t kStep = 256;

    // 32-bit counters (16-bit ones halved the table but were slower),
    // emptied into 64-bit totals long before one could wrap; often enough that the tests'
    // larger tensors flush too.
    using Counter = std::uint32_t;
    static constexpr std::uint64_t kFlushEvery = std::uint64_t{1} << 19;

    void add_step(const std::uint32_t* a, const std::uint32_t* b, std::size_t n) {
        std::uint32_t index[kStep];
        std::uint32_t far[kStep + 16];  // the b of pairs out of reach; room for a full vector
        std::size_t far_count = 0;
        std::size_t i = 0;
#if defined(QUANTSCOPE_AVX512F)
        // The compaction of the far b is one instruction a vector here; GCC does not vectorize
        // the scalar form below.
        const __m512i reach = _mm512_set1_epi32(static_cast<int>(kReach));
        const __m512i near_columns = _mm512_set1_epi32(static_cast<int>(kNearColumns));
        const __m512i x_only = _mm512_set1_epi32(static_cast<int>(kXOnlyColumn));
        const __mmask16 all = 0xFFFF;  // the maskz form: GCC 12 warns on _mm512_slli_epi32's
                                       // undefined pass-through
        for (; i + 16 <= n; i += 16) {
            const __m512i va = _mm512_loadu_si512(a + i);
            const __m512i vb = _mm512_loadu_si512(b + i);
            const __m512i column = _mm512_add_epi32(_mm512_sub_epi32(vb, va), reach);
            const __mmask16 near = _mm512_cmplt_epu32_mask(column, near_columns);
            const __m512i chosen = _mm512_mask_blend_epi32(near, x_only, column);
            _mm512_storeu_si512(
                index + i, _mm512_add_epi32(_mm512_maskz_slli_epi32(all, va, kColumnBits), chosen));
            const auto out_of_reach = static_cast<__mmask16>(~near);
            _mm512_storeu_si512(far + far_count, _mm512_maskz_compress_epi32(out_of_reach, vb));
            far_count +=
                static_cast<std::size_t>(std::popcount(static_cast<unsigned>(out_of_reach)));
        }
#endif
        for (std::size_t k = i; k < n; ++k) {
            const std::uint32_t column = b[k] - a[k] + kReach;  // wraps when b < a - kReach
            const bool near = column < kNearColumns;
            index[k] = (a[k] << kColumnBits) + (near ? column : kXOnlyColumn);
        }
        for (; i < n; ++i) {
            const std::uint32_t column = b[i] - a[i] + kReach;
            far[far_count] = b[i];
            far_count += column < kNearColumns ? 0 : 1;
        }
        increment_counts(pairs_.data(), index, n);
        Counter* y = y_only_.data();
        for (std::size_t f = 0; f < far_count; ++f) {
            ++y[far[f]];
        }
        counted_ += n;
        if (counted_ >= kFlushEvery) {
            flush();
        }
    }

    void flush() {
        for (std::size_t c = 0; c < pairs_.size(); ++c) {
            pair_totals_[c] += pairs_[c];
            pairs_[c] = 0;
        }
        for (std::size_t s = 0; s < slots_; ++s) {
            y_only_totals_[s] += y_only_[s];
            y_only_[s] = 0;
        }
        counted_ = 0;
    }

    std::size_t slots_;
    std::vector<Counter> pairs_;
    std::vector<std::int64_t> pair_totals_;
    std::vector<Counter> y_only_;
    std::vector<std::int64_t> y_only_totals_;
    std::uint64_t counted_ = 0;
};

}  // namespace quantscope::detail
