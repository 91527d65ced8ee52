#include "quantscope/formats/dynamic_map.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <vector>

namespace quantscope {

namespace {

// bitsandbytes' 8-bit optimizers quantize their states with absmax per block of 2048.
constexpr std::int64_t kOptimizerBlock = 2048;
constexpr int kLowestExponent = 6;  // max_exponent_bits = 7: exponents 10^0 .. 10^-6

LookupFormat make_dynamic_map(const char* name, bool is_signed) {
    std::vector<double> levels;
    for (std::uint32_t pattern = 0; pattern < 256; ++pattern) {
        levels.push_back(static_cast<float>(dynamic_map_value(pattern, is_signed)));
    }
    std::sort(levels.begin(), levels.end());
    return make_lookup_format(name, 8, std::move(levels), kOptimizerBlock);
}

}  // namespace

double dynamic_map_value(std::uint32_t pattern, bool is_signed) {
    pattern &= 0xffu;
    const int width = is_signed ? 7 : 8;  // bits after the sign
    const bool negative = is_signed && (pattern & 0x80u) != 0;
    const std::uint32_t magnitude = is_signed ? pattern & 0x7fu : pattern;
    if (magnitude == 0) {
        return negative ? 1.0 : 0.0;
    }
    const int zeros = std::countl_zero(magnitude) - (32 - width);
    if (zeros > kLowestExponent) {
        return 1.0;  // udynamic8's 00000001
    }
    const int fraction_bits = width - 1 - zeros;
    const std::uint32_t fraction = magnitude & ((1u << fraction_bits) - 1);
    const double bins = std::ldexp(1.0, fraction_bits);
    const double value =
        std::pow(10.0, -zeros) * (0.1 + 0.9 * (2.0 * fraction + 1.0) / (2.0 * bins));
    return negative ? -value : value;
}

const LookupFormat& dynamic8_format() {
    static const LookupFormat format = make_dynamic_map("dynamic8", true);
    return format;
}

const LookupFormat& udynamic8_format() {
    static const LookupFormat format = make_dynamic_map("udynamic8", false);
    return format;
}

}  // namespace quantscope
