#include "outliers.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "error_sums.h"
#include "group_quantizer.h"
#include "quantscope/common/parallel.h"

namespace quantscope::detail {

namespace {

// Values per block of the passes below.
constexpr std::size_t kBlock = 2048;

}  // namespace

QuantResult quantize_with_outliers(std::span<const float> values,
                                   std::span<const std::int64_t> shape, const QuantConfig& config,
                                   const QuantizeOptions& options, detail::KlCounter& kl) {
    const auto threshold = static_cast<float>(config.outlier_threshold);
    FloatBuffer inliers(values.size());
    std::vector<std::int64_t> kept(max_chunks(), 0);
    parallel_for(values.size(), kBlock, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        std::int64_t count = 0;
        for (std::size_t i = begin; i < end; ++i) {
            const bool outlier = std::fabs(values[i]) > threshold && std::isfinite(values[i]);
            inliers[i] = outlier ? std::numeric_limits<float>::quiet_NaN() : values[i];
            count += outlier ? 1 : 0;
        }
        kept[chunk] = count;
    });
    std::int64_t outliers = 0;
    for (std::int64_t c : kept) {
        outliers += c;
    }
    QuantConfig inner = config;
    inner.outlier_threshold = 0;
    QuantResult result = quantize_core(inliers, shape, inner, options, nullptr, &kl);
    const std::int64_t clipped = static_cast<std::int64_t>(
        std::llround(result.metrics.clipped_fraction * static_cast<double>(result.metrics.count)));
    const FloatFormat fp16 = parse_format("fp16").float_format();
    const FloatRounder to_fp16(fp16, Rounding::NearestEven, Saturation::Saturate);
    std::vector<MetricSums> partial(max_chunks());
    parallel_for(values.size(), kBlock, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        MetricSums sums;
        for (std::size_t b = begin; b < end; b += kBlock) {
            const std::size_t n = std::min(kBlock, end - b);
            float kept_value[kBlock];
            to_fp16.round(values.subspan(b, n), std::span<float>(kept_value, n), b);
            for (std::size_t i = 0; i < n; ++i) {
                if (std::isnan(inliers[b + i]) && !std::isnan(values[b + i])) {
                    result.dequantized[b + i] = kept_value[i];
                    if (options.keep_codes) {
                        result.codes[b + i] = 0;
                    }
                }
            }
            detail::accumulate_error_sums(values.data() + b, result.dequantized.data() + b, n,
                                          sums);
        }
        partial[chunk] = sums;
    });
    MetricSums total;
    for (const MetricSums& s : partial) {
        total += s;
    }
    total.clipped = clipped;
    detail::make_sums_exact(values, result.dequantized.data(), total);
    result.metrics = finish_metrics(total);
    const auto n = static_cast<double>(std::max<std::int64_t>(total.count, 1));
    result.metrics.outlier_fraction = static_cast<double>(outliers) / n;
    // Each kept outlier: its FP16 value and a 32-bit position; its slot in the quantized tensor
    // is still stored (dense layout), as in LLM.int8's decomposition.
    result.storage.outlier_bytes = outliers * 6;
    result.storage.bytes += result.storage.outlier_bytes;
    result.storage.bits_per_value = values.empty() ? 0.0
                                                   : static_cast<double>(result.storage.bytes) * 8 /
                                                         static_cast<double>(values.size());
    return result;
}

}  // namespace quantscope::detail
