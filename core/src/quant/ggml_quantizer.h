#pragma once
// Quantizing with one of ggml's block types (ggml_config.h; docs/design.md "ggml block types"),
// internal to core/quant. Each block of the type's size along the last axis goes through ggml's
// reference quantizer with its NaN and Inf (and kept outliers, hidden as NaN) replaced by 0, so
// that they take no part in its scales; Q(x) is the block's dequantization, x itself where x is
// not finite. A value's position in code units is u = (x - offset) / scale of its sub-block (its
// element value where that scale is 0): the KL metric counts it there, and it is clipped when u
// lies beyond the outermost cells of the element format (code_range).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "kl_counts.h"
#include "quantscope/quant/ggml_config.h"
#include "quantscope/quant/quantizer.h"

namespace quantscope::detail {

// Throws UsageError unless every row (the last axis; an empty shape is one row) holds whole
// blocks of the type, as ggml requires.
void check_ggml_rows(std::size_t count, std::span<const std::int64_t> shape,
                     const QuantConfig& config);

// What decoding a ggml config's blocks takes from the config: the type, its element format's
// extent and cells, and the code of an element value.
struct GgmlDecoding {
    explicit GgmlDecoding(const QuantConfig& config);

    // A block's parameters from its sub-blocks' maps: the largest |scale| and the span of their
    // levels.
    GroupParameters parameters(const GgmlSubBlock* maps) const {
        GroupParameters g;
        g.clip_min = std::numeric_limits<double>::infinity();
        g.clip_max = -g.clip_min;
        g.scale = 0;
        for (std::size_t s = 0; s < block / sub_block; ++s) {
            const GgmlSubBlock m = maps[s];
            const double lo = m.scale * element_lo + m.offset;
            const double hi = m.scale * element_hi + m.offset;
            g.clip_min = std::min({g.clip_min, lo, hi});
            g.clip_max = std::max({g.clip_max, lo, hi});
            g.scale = std::max<double>(g.scale, std::fabs(m.scale));
        }
        return g;
    }
    // The code of element value e: the integer itself, or iq4_nl's level index.
    std::int32_t code(std::int8_t e) const {
        return lookup != nullptr ? level_index[static_cast<std::size_t>(e + 128)] : e;
    }

    const GgmlType& type;
    const LookupFormat* lookup;  // iq4_nl's levels, else null
    std::size_t block;
    std::size_t sub_block;
    double element_lo;  // the element format's lowest and highest values
    double element_hi;
    bool offset;  // the types with an offset (affine in ggml_config.cpp's table)
    CodeRange cells;
    std::vector<std::int32_t> level_index;  // iq4_nl: level + 128 -> its index
};

// The plain route, block by block, for the whole-tensor reference (reference_quantizer.cpp):
// whole blocks at a time, up to kMaxValues values, through ggml's quantizer into bytes held here,
// each block then decoded on its own. Allocates only when constructed. quantize() takes the
// fused route (ggml_route.h), which must agree with it to the bit.
class GgmlBlockQuantizer {
public:
    static constexpr std::size_t kMaxValues = 2048;

    explicit GgmlBlockQuantizer(const QuantConfig& config);
    std::size_t block() const { return d_.block; }
    // n values (whole blocks, n <= kMaxValues): Q(x) into y, the codes (optional: the element's
    // integer code, or iq4_nl's level index), each value's code-unit position u and whether it
    // is clipped, and each block's parameters into groups (GgmlDecoding::parameters).
    void run(const float* x, std::size_t n, float* y, std::int32_t* codes, float* u, bool* clipped,
             GroupParameters* groups);

private:
    GroupParameters decode_block(const float* x, const std::byte* bytes, float* y,
                                 std::int32_t* codes, float* u, bool* clipped);

    GgmlDecoding d_;
    std::vector<float> clean_;
    std::vector<std::byte> bytes_;
};

}  // namespace quantscope::detail
