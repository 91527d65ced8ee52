#pragma once
// Lookup formats: a code indexes a fixed, sorted table of values.
//   nf4: NormalFloat4 from Dettmers et al., "QLoRA: Efficient Finetuning of Quantized LLMs"
//   (2023), Appendix E: the 16 quantiles of N(0, 1) normalised to [-1, 1], with an exact zero.
//   The values are those of the reference implementation (bitsandbytes), as float32.
//   dynamic8 / udynamic8: the 8-bit optimizer maps (dynamic_map.h).

#include <cstdint>
#include <string>
#include <vector>

namespace quantscope {

struct LookupFormat {
    std::string name;
    int bits = 4;
    // Values per absmax block in the format's reference recipe (QLoRA's 64 for nf4, 8-bit
    // Adam's 2048 for the dynamic maps): the granularity apply_format gives it.
    std::int64_t block = 64;
    std::vector<double> levels;  // ascending, 2^bits entries; code i stands for levels[i]
    // Derived: midpoints[i] = (levels[i] + levels[i+1]) / 2 in double, the decision points of
    // nearest rounding (a value equal to one is a tie). Filled by make_lookup_format.
    std::vector<double> midpoints;
};

// Fills the derived members. Levels must be ascending and distinct.
LookupFormat make_lookup_format(std::string name, int bits, std::vector<double> levels,
                                std::int64_t block = 64);

const LookupFormat& nf4_format();

// Index of the level nearest to `value`; ties go to the level with the even index when
// `ties_to_even`, else away from zero. Values beyond the ends clamp to them.
std::uint32_t nearest_level(const LookupFormat& format, double value, bool ties_to_even);

}  // namespace quantscope
