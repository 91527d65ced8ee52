#pragma once
// What quantized values take to store (docs/design.md "Storage"): K bits per value, plus one
// scale per group (FP32; E8M0 for MX; E4M3 and one FP32 tensor scale for NVFP4) and, for affine
// integers, a K-bit zero point per group. Direct rounding stores no scale. ggml's block types take
// their blocks' bytes (block_bytes per block: codes, scales and mins). quantize(), the
// Compare table and the memory calculator all count with these functions.

#include <cstdint>
#include <span>

#include "quantscope/quant/quant_config.h"

namespace quantscope {

struct Storage {
    double bits_per_value = 0;  // including scales, zero points and kept outliers
    std::int64_t bytes = 0;
    std::int64_t scale_bytes = 0;    // of `bytes`: the groups' scales and zero points
    std::int64_t outlier_bytes = 0;  // FP16 value + 32-bit position of each kept outlier
};

// `count` values in `groups` groups.
Storage storage_for(std::int64_t count, std::int64_t groups, const QuantConfig& config);

// The groups the config's granularity makes of a tensor of this shape (an empty shape is one
// value), counted without listing them: a 405B-parameter plan has billions of blocks.
std::int64_t group_count(std::span<const std::int64_t> shape, const QuantConfig& config);

}  // namespace quantscope
