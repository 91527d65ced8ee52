#pragma once
// The 8-bit "dynamic" maps of 8-bit optimizers: Dettmers et al., "8-bit Optimizers via Block-wise
// Quantization" (ICLR 2022, arXiv:2110.02861), Section 2 and Appendix (dynamic tree quantization),
// and bitsandbytes' create_dynamic_map(signed, max_exponent_bits=7, total_bits=8), which 8-bit
// Adam uses with absmax per block of 2048.
//
// A value is read from its 8-bit pattern: a sign bit (dynamic8 only; udynamic8, for Adam's
// second moment, uses it as one more fraction bit), then Z zero bits giving the decimal exponent
// 10^-Z, a 1 bit (the indicator), and the remaining K bits a linear fraction F: the midpoint of
// bin F of [0.1, 1] split into 2^K bins,
//     |value| = 10^-Z * (0.1 + 0.9 * (2F + 1) / 2^(K+1)),   Z = 0..6.
// The all-zero magnitude is 0. The one pattern left over (dynamic8: the negative zero; udynamic8:
// 00000001, whose exponent 10^-7 the map does not reach) stands for 1.0, so that a block's absmax
// is stored exactly; every other value is a bin midpoint below 1. dynamic8 is therefore
// symmetric except at the top: +1 is a level, -1 is not (the lowest is -0.99296875), as in
// bitsandbytes. A format's code is the level's index in the sorted table (as bitsandbytes stores
// it), not the pattern.

#include <cstdint>

#include "quantscope/formats/lookup_format.h"

namespace quantscope {

// The value of an 8-bit pattern (0..255) by the definition above.
double dynamic_map_value(std::uint32_t pattern, bool is_signed);

// The 256 values as float32 (the dtype of bitsandbytes' table), sorted; block 2048.
const LookupFormat& dynamic8_format();
const LookupFormat& udynamic8_format();

}  // namespace quantscope
