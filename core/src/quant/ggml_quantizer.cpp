#include "ggml_quantizer.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "../common/finite_float.h"
#include "group_layout.h"
#include "quantscope/common/error.h"
#include "quantscope/common/tensor.h"

namespace quantscope::detail {

void check_ggml_rows(std::size_t count, std::span<const std::int64_t> shape,
                     const QuantConfig& config) {
    checked_shape(count, shape, config.granularity);
    const auto block = static_cast<std::size_t>(config.ggml->block_elements);
    const std::size_t row = shape.empty() ? count : static_cast<std::size_t>(shape.back());
    if (row % block != 0) {
        const std::string where = shape.empty()
                                      ? "the tensor's " + std::to_string(count) + " values are"
                                      : "the rows of shape " + shape_to_string(shape) + " hold " +
                                            std::to_string(row) + " values,";
        throw UsageError(std::string(config.ggml->name) + " quantizes whole blocks of " +
                         std::to_string(block) + " along the last axis (as ggml does): " + where +
                         " not a multiple of " + std::to_string(block));
    }
}

GgmlDecoding::GgmlDecoding(const QuantConfig& config)
    : type(*config.ggml),
      lookup(config.format.as_lookup()),
      block(static_cast<std::size_t>(type.block_elements)),
      sub_block(static_cast<std::size_t>(type.sub_block_elements)),
      offset(config.scheme == Scheme::Affine),
      cells(code_range(config)) {
    if (lookup != nullptr) {
        element_lo = lookup->levels.front();
        element_hi = lookup->levels.back();
        level_index.assign(256, 0);
        for (std::size_t k = 0; k < lookup->levels.size(); ++k) {
            level_index[static_cast<std::size_t>(static_cast<int>(lookup->levels[k]) + 128)] =
                static_cast<std::int32_t>(k);
        }
    } else {
        const IntegerFormat& f = config.format.integer_format();
        element_lo = f.min_code();
        element_hi = f.max_code();
    }
}

GgmlBlockQuantizer::GgmlBlockQuantizer(const QuantConfig& config)
    : d_(config),
      clean_(kMaxValues),
      bytes_(kMaxValues / d_.block * static_cast<std::size_t>(d_.type.block_bytes)) {}

void GgmlBlockQuantizer::run(const float* x, std::size_t n, float* y, std::int32_t* codes, float* u,
                             bool* clipped, GroupParameters* groups) {
    float* const clean = clean_.data();
#pragma omp simd
    for (std::size_t i = 0; i < n; ++i) {
        clean[i] = is_finite_float(x[i]) ? x[i] : 0.0f;
    }
    const std::size_t blocks = n / d_.block;
    d_.type.quantize(clean, bytes_.data(), blocks);
    const auto bytes = static_cast<std::size_t>(d_.type.block_bytes);
    for (std::size_t b = 0; b < blocks; ++b) {
        const std::size_t at = b * d_.block;
        groups[b] = decode_block(x + at, bytes_.data() + b * bytes, y + at,
                                 codes != nullptr ? codes + at : nullptr, u + at, clipped + at);
    }
}

GroupParameters GgmlBlockQuantizer::decode_block(const float* x, const std::byte* bytes, float* y,
                                                 std::int32_t* codes, float* u, bool* clipped) {
    std::int8_t e[256];
    GgmlSubBlock maps[16];
    d_.type.unpack(bytes, e, maps);
    const auto cell_lo = static_cast<float>(d_.cells.lo);
    const auto cell_hi = static_cast<float>(d_.cells.hi);
    for (std::size_t s = 0; s < d_.block / d_.sub_block; ++s) {
        const GgmlSubBlock m = maps[s];
        const std::size_t first = s * d_.sub_block;
        // ggml's dequantization (ggml::unpacked): scale * e, plus the offset where the type
        // has one (+0 added to -0 would give +0).
        if (d_.offset) {
#pragma omp simd
            for (std::size_t i = first; i < first + d_.sub_block; ++i) {
                y[i] = m.scale * static_cast<float>(e[i]) + m.offset;
            }
        } else {
#pragma omp simd
            for (std::size_t i = first; i < first + d_.sub_block; ++i) {
                y[i] = m.scale * static_cast<float>(e[i]);
            }
        }
        if (m.scale != 0) {
            const float inv = 1.0f / m.scale;
#pragma omp simd
            for (std::size_t i = first; i < first + d_.sub_block; ++i) {
                const bool finite = is_finite_float(x[i]);
                const float position = (x[i] - m.offset) * inv;
                u[i] = finite ? position : 0.0f;
                clipped[i] = finite && (position < cell_lo || position > cell_hi);
                y[i] = finite ? y[i] : x[i];
            }
        } else {
#pragma omp simd
            for (std::size_t i = first; i < first + d_.sub_block; ++i) {
                const bool finite = is_finite_float(x[i]);
                u[i] = finite ? static_cast<float>(e[i]) : 0.0f;
                clipped[i] = false;
                y[i] = finite ? y[i] : x[i];
            }
        }
    }
    if (codes != nullptr) {
        for (std::size_t i = 0; i < d_.block; ++i) {
            codes[i] = is_finite_float(x[i]) ? d_.code(e[i]) : 0;
        }
    }
    return d_.parameters(maps);
}

}  // namespace quantscope::detail
