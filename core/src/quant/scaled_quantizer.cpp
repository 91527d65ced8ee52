#include "scaled_quantizer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "../formats/float_value_rounding.h"
#include "element_rounder.h"
#include "error_sums.h"
#include "quantscope/common/buffer.h"
#include "quantscope/common/parallel.h"
#include "scaled_kernels.h"
#include "scaled_parameters.h"

namespace quantscope::detail {

MetricSums quantize_scaled(std::span<const float> values, const GroupLayout& layout,
                           const QuantConfig& config, const QuantizeOptions& options,
                           QuantResult& result, KlCounter* kl, const ValueRange* range,
                           const std::vector<ClipRange>* strided_ranges,
                           std::optional<std::pair<double, double>>* clip_extent,
                           const LargeVector<float>* block_lo_hi) {
    const bool keep_codes = options.keep_codes;
    const std::size_t block_length = aligned_block_length(layout, config);
    if (range != nullptr && config.block_scaling == BlockScaling::None && !layout.strided &&
        layout.groups() == 1 && config.calibration.method == CalibrationMethod::MinMax) {
        // Per tensor, range known: no calibration pass.
        result.groups.assign(1, scaled_parameters(minmax_range(*range, config), config));
    } else if (block_length == 0) {
        choose_groups(values, layout, config, result.groups, range, strided_ranges);
    } else {
        result.groups.resize(layout.groups());  // chosen by the quantize pass, window by window
    }
    std::optional<GroupChooser> chooser;
    if (block_length != 0) {
        chooser.emplace(values, layout, config, range,
                        block_lo_hi != nullptr && block_lo_hi->size() == 2 * layout.groups()
                            ? block_lo_hi->data()
                            : nullptr);
    }
    float* y = result.dequantized.data();
    std::int32_t* codes = keep_codes ? result.codes.data() : nullptr;
    std::vector<MetricSums> partial(max_chunks());
    std::vector<float> largest_scale(max_chunks(), 0.0f);  // of each task's aligned blocks
    const ElementRounder rounder(config);
    // With deterministic rounding into a float element format, per tensor or in MX blocks, the
    // kernel rounds in its loop (quantize_window) unless codes are kept.
    const bool per_tensor = !layout.strided && layout.groups() == 1;
    const FloatFormat* element = config.format.as_float();
    const bool deterministic = config.rounding != Rounding::Stochastic;
    const bool mx = block_length % kSumLanes == 0 && block_length != 0 &&
                    config.block_scaling == BlockScaling::MX;
    std::optional<ValueConstants> fused_rounding;
    if ((per_tensor || mx) && element != nullptr && deterministic && !keep_codes &&
        value_path_supported(*element, Saturation::Saturate)) {
        fused_rounding = value_constants_for(*element);
    }
    parallel_for(
        values.size(), kScaledWindow, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
            partial[chunk] =
                quantize_range(values, begin, end, layout, result.groups, config, rounder, y, codes,
                               options.cancel, KlCounter::local(kl, chunk),
                               chooser ? &*chooser : nullptr, block_length, result.groups.data(),
                               fused_rounding ? &*fused_rounding : nullptr, &largest_scale[chunk]);
        });
    if (block_length != 0 && clip_extent != nullptr && layout.groups() > 0) {
        // Every group's clipping range is +-element_max * scale (with_scale).
        const float largest = *std::max_element(largest_scale.begin(), largest_scale.end());
        const GroupParameters widest = with_scale(largest, config);
        *clip_extent = std::pair<double, double>{widest.clip_min, widest.clip_max};
    }
    MetricSums total;
    for (const MetricSums& s : partial) {
        total += s;
    }
    return total;
}

MetricSums measure_scaled(std::span<const float> values, const GroupParameters& params,
                          const QuantConfig& config) {
    GroupLayout layout;
    layout.single_runs = {{0, values.size()}};
    const LargeVector<GroupParameters> groups{params};
    std::vector<MetricSums> partial(max_chunks());
    FloatBuffer scratch(values.size());  // Q(x) is not kept; huge pages make this cheap
    const ElementRounder rounder(config);
    parallel_for(values.size(), kScaledWindow,
                 [&](std::size_t chunk, std::size_t begin, std::size_t end) {
                     partial[chunk] = quantize_range(values, begin, end, layout, groups, config,
                                                     rounder, scratch.data(), nullptr);
                 });
    MetricSums total;
    for (const MetricSums& s : partial) {
        total += s;
    }
    return total;
}

std::int32_t infinite_input_code(float x, const QuantConfig& config) {
    if (is_integer_config(config)) {
        const IntegerFormat& f = config.format.integer_format();
        return x > 0 ? f.max_code() : f.min_code();
    }
    const double end =
        x > 0 ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
    return static_cast<std::int32_t>(
        config.format.encode(end, Rounding::NearestEven, Saturation::Saturate).code);
}

float quantize_scaled_value_reference(float x, const GroupParameters& params,
                                      const QuantConfig& config, std::uint64_t index) {
    if (!std::isfinite(x)) {
        return x;
    }
    const auto scale = static_cast<float>(params.scale);
    const float inv = scale > 0 ? static_cast<float>(1.0 / static_cast<double>(scale)) : 0.0f;
    const float t = x * inv;
    const float step = is_mx_int8(config) ? kMxInt8Step : 1.0f;
    const Encoded e =
        config.format.encode(static_cast<double>(t / step), config.rounding, Saturation::Saturate,
                             stochastic_bits(config.seed, index));
    return static_cast<float>(e.value) * step * scale;
}

}  // namespace quantscope::detail
