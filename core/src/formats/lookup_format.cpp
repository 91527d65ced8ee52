#include "quantscope/formats/lookup_format.h"

#include <algorithm>
#include <cmath>

namespace quantscope {

const LookupFormat& nf4_format() {
    // QLoRA (arXiv:2305.14314), Appendix E / bitsandbytes create_normal_map: quantiles of N(0,1)
    // for 8 positive and 7 negative levels, normalised by the largest, plus an exact zero.
    static const LookupFormat format{
        "nf4",
        4,
        {-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
         -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
         0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
         0.7229568362236023, 1.0}};
    return format;
}

std::uint32_t nearest_level(const LookupFormat& format, double value, bool ties_to_even) {
    const std::vector<double>& levels = format.levels;
    const auto upper = std::lower_bound(levels.begin(), levels.end(), value);
    if (upper == levels.begin()) {
        return 0;
    }
    if (upper == levels.end()) {
        return static_cast<std::uint32_t>(levels.size() - 1);
    }
    const auto hi = static_cast<std::uint32_t>(upper - levels.begin());
    const std::uint32_t lo = hi - 1;
    const double below = value - levels[lo];
    const double above = levels[hi] - value;
    if (below < above) {
        return lo;
    }
    if (above < below) {
        return hi;
    }
    if (ties_to_even) {
        return (lo % 2 == 0) ? lo : hi;
    }
    return std::fabs(levels[lo]) > std::fabs(levels[hi]) ? lo : hi;  // away from zero
}

}  // namespace quantscope
