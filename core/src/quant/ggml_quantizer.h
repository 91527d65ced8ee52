#pragma once
// Quantizing with one of ggml's block types (ggml_config.h; docs/design.md "ggml block types"),
// internal to core/quant. Each block of the type's size along the last axis goes through ggml's
// reference quantizer with its NaN and Inf (and kept outliers, hidden as NaN) replaced by 0, so
// that they take no part in its scales; Q(x) is the block's dequantization, x itself where x is
// not finite. A value's position in code units is u = (x - offset) / scale of its sub-block (its
// element value where that scale is 0): the KL metric counts it there, and it is clipped when u
// lies beyond the outermost cells of the element format (code_range).

#include <cstddef>
#include <cstdint>
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

// Whole blocks at a time, up to kMaxValues values: ggml's quantizer runs over them all at once
// (the K-quants search several blocks' scales side by side), into bytes held here, and each
// block is decoded from them while it is in L1 (its codes and maps unpacked once: Q(x), u and
// the codes all come from them). Allocates only when constructed.
class GgmlBlockQuantizer {
public:
    static constexpr std::size_t kMaxValues = 2048;

    explicit GgmlBlockQuantizer(const QuantConfig& config);
    std::size_t block() const { return block_; }
    // n values (whole blocks, n <= kMaxValues): Q(x) into y, the codes (optional: the element's
    // integer code, or iq4_nl's level index), each value's code-unit position u and whether it
    // is clipped, and each block's parameters into groups: the largest |scale| of its
    // sub-blocks and the span of their levels.
    void run(const float* x, std::size_t n, float* y, std::int32_t* codes, float* u, bool* clipped,
             GroupParameters* groups);

private:
    GroupParameters decode_block(const float* x, const std::byte* bytes, float* y,
                                 std::int32_t* codes, float* u, bool* clipped);

    const GgmlType& type_;
    const LookupFormat* lookup_;  // iq4_nl's levels, else null
    std::size_t block_;
    std::size_t sub_block_;
    double element_lo_;  // the element format's lowest and highest values
    double element_hi_;
    bool offset_;  // the types with an offset (affine in ggml_config.cpp's table)
    CodeRange cells_;
    std::vector<std::int32_t> level_index_;  // iq4_nl: level + 128 -> its index
    std::vector<float> clean_;
    std::vector<std::byte> bytes_;
};

// Fills result.groups, result.dequantized and (when asked) result.codes, counts the KL histogram
// into `kl` (optional) and returns the metric sums, clipped count included.
MetricSums quantize_ggml(std::span<const float> values, std::span<const std::int64_t> shape,
                         const QuantConfig& config, const QuantizeOptions& options,
                         QuantResult& result, KlCounter* kl);

}  // namespace quantscope::detail
