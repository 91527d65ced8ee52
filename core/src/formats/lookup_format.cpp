#include "quantscope/formats/lookup_format.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace quantscope {

LookupFormat make_lookup_format(std::string name, int bits, std::vector<double> levels,
                                std::int64_t block) {
    LookupFormat f{std::move(name), bits, block, std::move(levels), {}};
    for (std::size_t i = 0; i + 1 < f.levels.size(); ++i) {
        f.midpoints.push_back(0.5 * (f.levels[i] + f.levels[i + 1]));
    }
    return f;
}

const LookupFormat& nf4_format() {
    // QLoRA (arXiv:2305.14314), Appendix E / bitsandbytes create_normal_map: quantiles of N(0,1)
    // for 8 positive and 7 negative levels, normalised by the largest, plus an exact zero.
    static const LookupFormat format = make_lookup_format(
        "nf4", 4,
        {-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
         -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
         0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
         0.7229568362236023, 1.0});
    return format;
}

std::uint32_t nearest_level(const LookupFormat& format, double value, bool ties_to_even) {
    // The count of midpoints below the value is the index of the nearest level.
    const std::vector<double>& mid = format.midpoints;
    const auto below = std::lower_bound(mid.begin(), mid.end(), value);
    auto index = static_cast<std::uint32_t>(below - mid.begin());
    if (below != mid.end() && *below == value) {
        // A tie between levels index and index + 1.
        const bool up = ties_to_even ? index % 2 == 1 : value > 0;
        index += up ? 1 : 0;
    }
    return index;
}

}  // namespace quantscope
