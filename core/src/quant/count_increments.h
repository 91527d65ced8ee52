#pragma once
// The scatter increment of the histogram counters, unrolled: the loop's own steps cost as much as
// an increment. Internal to core.

#include <cstddef>
#include <cstdint>

namespace quantscope::detail {

// ++counts[index[k]] for k < n.
[[gnu::always_inline]] inline void increment_counts(std::uint32_t* counts,
                                                    const std::uint32_t* index, std::size_t n) {
    std::size_t k = 0;
    for (; k + 8 <= n; k += 8) {
        ++counts[index[k]];
        ++counts[index[k + 1]];
        ++counts[index[k + 2]];
        ++counts[index[k + 3]];
        ++counts[index[k + 4]];
        ++counts[index[k + 5]];
        ++counts[index[k + 6]];
        ++counts[index[k + 7]];
    }
    for (; k < n; ++k) {
        ++counts[index[k]];
    }
}

}  // namespace quantscope::detail
