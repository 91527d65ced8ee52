#pragma once
// One increment per value for both histograms of the KL metric, of x and of Q(x) on one grid,
// instead of one for each (a scatter increment is the largest cost left in the kernels). For a
// per-tensor quantizer with deterministic rounding Q never decreases, so neither do the slot of
// x and the slot of Q(x); their sum u = slot(x) + slot(Q(x)) never decreases with x, and it rises
// whenever either slot does: each u that occurs belongs to exactly one pair of slots. The kernels
// count u (KernelHistograms::count_jointly); afterwards the pairs are recovered by searching, for
// each u counted, the smallest float whose sum reaches it, with the kernel's own Q.
// Internal to core.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace quantscope::detail {

// Floats as int32 keys ordered like the floats (-0 just below +0).
inline std::int32_t ordered_key(float v) {
    const auto bits = std::bit_cast<std::int32_t>(v);
    return bits < 0 ? bits ^ 0x7FFFFFFF : bits;
}
inline float from_ordered_key(std::int32_t key) {
    return std::bit_cast<float>(key < 0 ? key ^ 0x7FFFFFFF : key);
}

// Values the search hands to `sums` at a time.
inline constexpr std::size_t kSearchBatch = 2048;

// For each wanted[i], the smallest finite float v with f(v) >= wanted[i], or the largest finite
// float when none reaches it; f never decreases on the finite floats. sums(v, n, out) sets
// out[k] = f(v[k]) for n <= kSearchBatch finite floats. The searches run in lockstep, 33
// halvings of the finite keys, so that f is evaluated a batch at a time.
template <class Sums>
std::vector<float> first_floats_reaching(std::span<const std::int64_t> wanted, Sums&& sums) {
    const std::int32_t lowest = ordered_key(-std::numeric_limits<float>::max());
    const std::int32_t highest = ordered_key(std::numeric_limits<float>::max());
    const std::size_t m = wanted.size();
    // below[i]: a key whose f is under wanted[i] (lowest - 1 stands for "below every float");
    // at[i]: a key whose f reaches wanted[i], or highest when none does.
    std::vector<std::int32_t> below(m, lowest - 1);
    std::vector<std::int32_t> at(m, highest);
    std::vector<float> v(m);
    std::vector<std::int64_t> f(m);
    for (int round = 0; round < 33; ++round) {
        for (std::size_t i = 0; i < m; ++i) {
            const std::int32_t lo = below[i];
            const std::int32_t hi = at[i];
            const bool open = static_cast<std::uint32_t>(hi) - static_cast<std::uint32_t>(lo) > 1;
            // floor((lo + hi) / 2) without overflow; a finished search re-tests hi (no change).
            v[i] = from_ordered_key(open ? (lo & hi) + ((lo ^ hi) >> 1) : hi);
        }
        for (std::size_t i = 0; i < m; i += kSearchBatch) {
            sums(v.data() + i, std::min(kSearchBatch, m - i), f.data() + i);
        }
        for (std::size_t i = 0; i < m; ++i) {
            const std::int32_t mid = ordered_key(v[i]);
            const bool reaches = f[i] >= wanted[i];
            below[i] = reaches ? below[i] : mid;
            at[i] = reaches ? mid : at[i];
        }
    }
    for (std::size_t i = 0; i < m; ++i) {
        v[i] = from_ordered_key(at[i]);
    }
    return v;
}

}  // namespace quantscope::detail
