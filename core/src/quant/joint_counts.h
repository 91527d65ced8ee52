#pragma once
// One increment per value for both the histogram of x and the code counts of a per-tensor
// quantization, instead of one for each (a scatter increment is the largest cost left in the
// kernels). With deterministic rounding the histogram slot of x and its code are non-decreasing
// functions of x, so their sum u = slot + code is too, and it rises whenever either does: each u
// that occurs belongs to exactly one (slot, code) pair. The kernels count u; joint_cells()
// recovers the pairs afterwards by searching, for each u, the smallest float whose slot + code
// reaches it, with the kernels' own slot and code functions. Internal to core.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
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

struct JointCell {
    std::int32_t slot = -1;  // -1: no finite float has this u
    std::int32_t code = -1;
};

// For u = 0 .. count-1, the pair (slot_of(v), code_of(v)) of the finite floats v whose sum is u.
// slot_of and code_of map a finite float to a non-negative integer and never decrease with v.
// All the searches run in lockstep, 33 halvings of the finite keys, so the loop vectorizes.
template <class SlotOf, class CodeOf>
std::vector<JointCell> joint_cells(std::size_t count, SlotOf slot_of, CodeOf code_of) {
    const std::int32_t lowest = ordered_key(-std::numeric_limits<float>::max());
    const std::int32_t highest = ordered_key(std::numeric_limits<float>::max());
    // below[u]: a key whose sum is under u (lowest - 1 stands for "below every float");
    // at[u]: a key whose sum reaches u, or highest when none does.
    std::vector<std::int32_t> below(count, lowest - 1);
    std::vector<std::int32_t> at(count, highest);
    for (int round = 0; round < 33; ++round) {
        for (std::size_t u = 0; u < count; ++u) {
            const std::int32_t lo = below[u];
            const std::int32_t hi = at[u];
            const bool open = static_cast<std::uint32_t>(hi) - static_cast<std::uint32_t>(lo) > 1;
            // floor((lo + hi) / 2) without overflow; a finished search re-tests hi (no change).
            const std::int32_t mid = open ? (lo & hi) + ((lo ^ hi) >> 1) : hi;
            const float v = from_ordered_key(mid);
            const bool reaches =
                static_cast<std::int64_t>(slot_of(v)) + code_of(v) >= static_cast<std::int64_t>(u);
            below[u] = reaches ? lo : mid;
            at[u] = reaches ? mid : hi;
        }
    }
    std::vector<JointCell> cells(count);
    for (std::size_t u = 0; u < count; ++u) {
        const float v = from_ordered_key(at[u]);
        const auto slot = static_cast<std::int64_t>(slot_of(v));
        const auto code = static_cast<std::int64_t>(code_of(v));
        if (slot + code == static_cast<std::int64_t>(u)) {
            cells[u] = {static_cast<std::int32_t>(slot), static_cast<std::int32_t>(code)};
        }
    }
    return cells;
}

}  // namespace quantscope::detail
