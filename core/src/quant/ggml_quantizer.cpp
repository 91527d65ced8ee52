#include "ggml_quantizer.h"

#include <algorithm>
#include <cmath>
#include <limits>

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
      cells_(code_range(config)),
      clean_(block_),
      bytes_(static_cast<std::size_t>(type_.block_bytes)),
      e_(block_),
      maps_(block_ / sub_block_) {
    if (lookup_ != nullptr) {
        element_lo_ = lookup_->levels.front();
        element_hi_ = lookup_->levels.back();
    } else {
        const IntegerFormat& f = config.format.integer_format();
        element_lo_ = f.min_code();
        element_hi_ = f.max_code();
    }
}

GroupParameters GgmlBlockQuantizer::run(const float* x, float* y, std::int32_t* codes, float* u,
                                        bool* clipped) {
    for (std::size_t i = 0; i < block_; ++i) {
        clean_[i] = std::isfinite(x[i]) ? x[i] : 0.0f;
    }
    type_.quantize(clean_.data(), bytes_.data(), 1);
    type_.dequantize(bytes_.data(), y, 1);
    type_.unpack(bytes_.data(), e_.data(), maps_.data());
    GroupParameters g;
    g.clip_min = std::numeric_limits<double>::infinity();
    g.clip_max = -g.clip_min;
    g.scale = 0;
    for (std::size_t s = 0; s < maps_.size(); ++s) {
        const GgmlSubBlock m = maps_[s];
        const double lo = m.scale * element_lo_ + m.offset;
        const double hi = m.scale * element_hi_ + m.offset;
        g.clip_min = std::min({g.clip_min, lo, hi});
        g.clip_max = std::max({g.clip_max, lo, hi});
        g.scale = std::max<double>(g.scale, std::fabs(m.scale));
        const float inv = m.scale != 0 ? 1.0f / m.scale : 0.0f;
        const auto cell_lo = static_cast<float>(cells_.lo);
        const auto cell_hi = static_cast<float>(cells_.hi);
        for (std::size_t i = s * sub_block_; i < (s + 1) * sub_block_; ++i) {
            const bool finite = std::isfinite(x[i]);
            const float position = m.scale != 0 ? (x[i] - m.offset) * inv : e_[i];
            u[i] = finite ? position : 0.0f;
            clipped[i] = finite && m.scale != 0 && (position < cell_lo || position > cell_hi);
            y[i] = finite ? y[i] : x[i];
        }
    }
    if (codes != nullptr) {
        for (std::size_t i = 0; i < block_; ++i) {
            std::int32_t code = e_[i];
            if (lookup_ != nullptr) {
                const auto& levels = lookup_->levels;
                code = static_cast<std::int32_t>(
                    std::find(levels.begin(), levels.end(), static_cast<double>(e_[i])) -
                    levels.begin());
            }
            codes[i] = std::isfinite(x[i]) ? code : 0;
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
    std::vector<MetricSums> partial(max_chunks());
    float* const y = result.dequantized.data();
    std::int32_t* const codes = options.keep_codes ? result.codes.data() : nullptr;
    parallel_for(
        values.size(), kWindow, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
            GgmlBlockQuantizer quantizer(config);
            KlCounts* const counts = KlCounter::local(kl, chunk);
            std::vector<float> u(kWindow);
            bool clipped_block[256];
            MetricSums sums;
            for (std::size_t w = begin; w < end; w += kWindow) {
                throw_if_cancelled(options.cancel);
                const std::size_t n = std::min(kWindow, end - w);
                std::int64_t clipped_count = 0;
                for (std::size_t b = 0; b < n; b += block) {
                    const std::size_t at = w + b;
                    result.groups[at / block] =
                        quantizer.run(values.data() + at, y + at, codes ? codes + at : nullptr,
                                      u.data() + b, clipped_block);
                    for (std::size_t i = 0; i < block; ++i) {
                        clipped_count += clipped_block[i] ? 1 : 0;
                    }
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
