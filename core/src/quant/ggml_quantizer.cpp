#include "ggml_quantizer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "../common/finite_float.h"
#include "error_sums.h"
#include "group_layout.h"
#include "quantscope/common/error.h"
#include "quantscope/common/parallel.h"
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

GgmlBlockQuantizer::GgmlBlockQuantizer(const QuantConfig& config)
    : type_(*config.ggml),
      lookup_(config.format.as_lookup()),
      block_(static_cast<std::size_t>(type_.block_elements)),
      sub_block_(static_cast<std::size_t>(type_.sub_block_elements)),
      offset_(config.scheme == Scheme::Affine),
      cells_(code_range(config)),
      clean_(kMaxValues),
      bytes_(kMaxValues / block_ * static_cast<std::size_t>(type_.block_bytes)) {
    if (lookup_ != nullptr) {
        element_lo_ = lookup_->levels.front();
        element_hi_ = lookup_->levels.back();
        level_index_.assign(256, 0);
        for (std::size_t k = 0; k < lookup_->levels.size(); ++k) {
            level_index_[static_cast<std::size_t>(static_cast<int>(lookup_->levels[k]) + 128)] =
                static_cast<std::int32_t>(k);
        }
    } else {
        const IntegerFormat& f = config.format.integer_format();
        element_lo_ = f.min_code();
        element_hi_ = f.max_code();
    }
}

void GgmlBlockQuantizer::run(const float* x, std::size_t n, float* y, std::int32_t* codes, float* u,
                             bool* clipped, GroupParameters* groups) {
    float* const clean = clean_.data();
#pragma omp simd
    for (std::size_t i = 0; i < n; ++i) {
        clean[i] = is_finite_float(x[i]) ? x[i] : 0.0f;
    }
    const std::size_t blocks = n / block_;
    type_.quantize(clean, bytes_.data(), blocks);
    const auto bytes = static_cast<std::size_t>(type_.block_bytes);
    for (std::size_t b = 0; b < blocks; ++b) {
        const std::size_t at = b * block_;
        groups[b] = decode_block(x + at, bytes_.data() + b * bytes, y + at,
                                 codes != nullptr ? codes + at : nullptr, u + at, clipped + at);
    }
}

GroupParameters GgmlBlockQuantizer::decode_block(const float* x, const std::byte* bytes, float* y,
                                                 std::int32_t* codes, float* u, bool* clipped) {
    std::int8_t e[256];
    GgmlSubBlock maps[16];
    type_.unpack(bytes, e, maps);
    GroupParameters g;
    g.clip_min = std::numeric_limits<double>::infinity();
    g.clip_max = -g.clip_min;
    g.scale = 0;
    const auto cell_lo = static_cast<float>(cells_.lo);
    const auto cell_hi = static_cast<float>(cells_.hi);
    for (std::size_t s = 0; s < block_ / sub_block_; ++s) {
        const GgmlSubBlock m = maps[s];
        const double lo = m.scale * element_lo_ + m.offset;
        const double hi = m.scale * element_hi_ + m.offset;
        g.clip_min = std::min({g.clip_min, lo, hi});
        g.clip_max = std::max({g.clip_max, lo, hi});
        g.scale = std::max<double>(g.scale, std::fabs(m.scale));
        const std::size_t first = s * sub_block_;
        // ggml's dequantization (ggml::unpacked): scale * e, plus the offset where the type
        // has one (+0 added to -0 would give +0).
        if (offset_) {
#pragma omp simd
            for (std::size_t i = first; i < first + sub_block_; ++i) {
                y[i] = m.scale * static_cast<float>(e[i]) + m.offset;
            }
        } else {
#pragma omp simd
            for (std::size_t i = first; i < first + sub_block_; ++i) {
                y[i] = m.scale * static_cast<float>(e[i]);
            }
        }
        if (m.scale != 0) {
            const float inv = 1.0f / m.scale;
#pragma omp simd
            for (std::size_t i = first; i < first + sub_block_; ++i) {
                const bool finite = is_finite_float(x[i]);
                const float position = (x[i] - m.offset) * inv;
                u[i] = finite ? position : 0.0f;
                clipped[i] = finite && (position < cell_lo || position > cell_hi);
                y[i] = finite ? y[i] : x[i];
            }
        } else {
#pragma omp simd
            for (std::size_t i = first; i < first + sub_block_; ++i) {
                const bool finite = is_finite_float(x[i]);
                u[i] = finite ? static_cast<float>(e[i]) : 0.0f;
                clipped[i] = false;
                y[i] = finite ? y[i] : x[i];
            }
        }
    }
    if (codes != nullptr) {
        for (std::size_t i = 0; i < block_; ++i) {
            const std::int32_t code =
                lookup_ != nullptr ? level_index_[static_cast<std::size_t>(e[i] + 128)] : e[i];
            codes[i] = is_finite_float(x[i]) ? code : 0;
        }
    }
    return g;
}

MetricSums quantize_ggml(std::span<const float> values, std::span<const std::int64_t> shape,
                         const QuantConfig& config, const QuantizeOptions& options,
                         QuantResult& result, KlCounter* kl) {
    check_ggml_rows(values.size(), shape, config);
    const auto block = static_cast<std::size_t>(config.ggml->block_elements);
    const std::size_t blocks = values.size() / block;
    result.groups.resize(blocks);
    // Windows of whole blocks: the sums and the KL histogram are taken over a window while it is
    // in L1.
    constexpr std::size_t kWindow = KlCounts::kRun;
    static_assert(kWindow <= GgmlBlockQuantizer::kMaxValues);
    std::vector<MetricSums> partial(max_chunks());
    float* const y = result.dequantized.data();
    std::int32_t* const codes = options.keep_codes ? result.codes.data() : nullptr;
    parallel_for(
        values.size(), kWindow, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
            GgmlBlockQuantizer quantizer(config);
            KlCounts* const counts = KlCounter::local(kl, chunk);
            std::vector<float> u(kWindow);
            const auto clipped_window = std::make_unique<bool[]>(kWindow);
            bool* const clipped = clipped_window.get();
            MetricSums sums;
            for (std::size_t w = begin; w < end; w += kWindow) {
                throw_if_cancelled(options.cancel);
                const std::size_t n = std::min(kWindow, end - w);
                quantizer.run(values.data() + w, n, y + w, codes ? codes + w : nullptr, u.data(),
                              clipped, result.groups.data() + w / block);
                std::int64_t clipped_count = 0;
#pragma omp simd reduction(+ : clipped_count)
                for (std::size_t i = 0; i < n; ++i) {
                    clipped_count += clipped[i] ? 1 : 0;
                }
                accumulate_error_sums(values.data() + w, y + w, n, sums);
                sums.clipped += clipped_count;
                if (counts != nullptr) {
                    counts->add_at(values.data() + w, n, [&](std::size_t i) { return u[i]; });
                }
            }
            partial[chunk] = sums;
        });
    MetricSums total;
    for (const MetricSums& s : partial) {
        total += s;
    }
    return total;
}

}  // namespace quantscope::detail
