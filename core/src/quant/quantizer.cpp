#include "quantscope/quant/quantizer.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "../simd/kernel_table.h"
#include "group_calibration.h"
#include "group_layout.h"
#include "group_quantizer.h"
#include "integer_kernels.h"
#include "kl_counts.h"
#include "outliers.h"
#include "quantscope/common/error.h"
#include "quantscope/common/parallel.h"
#include "result_notes.h"
#include "scaled_quantizer.h"

// The public entry points: quantize() and the route a cold call takes (which calibration its
// range pass does on the way), measure_quantization, and the scalar KL reference.

namespace quantscope {

using detail::batches_groups_of;
using detail::GroupLayout;
using detail::is_integer_config;
using detail::kBlock;
using detail::kernel_params;
using detail::KernelParams;
using detail::KnownCalibration;
using detail::make_layout;
using detail::quantize_block;
using detail::quantize_core;
using detail::quantize_with_outliers;

namespace per_level {

MetricSums measure_quantization(std::span<const float> values, const GroupParameters& params,
                                const QuantConfig& config) {
    if (!is_integer_config(config)) {
        return detail::measure_scaled(values, params, config);
    }
    const KernelParams p = kernel_params(params, config);
    std::vector<MetricSums> partial(max_chunks());
    parallel_for(values.size(), kBlock, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        MetricSums sums;
        std::vector<float> scratch(kBlock);
        for (std::size_t b = begin; b < end; b += kBlock) {
            const std::size_t n = std::min(kBlock, end - b);
            quantize_block(values.data() + b, scratch.data(), nullptr, n, b, p, sums);
        }
        partial[chunk] = sums;
    });
    MetricSums total;
    for (const MetricSums& s : partial) {
        total += s;
    }
    return total;
}

}  // namespace per_level

QuantResult quantize(std::span<const float> values, const QuantConfig& config,
                     const QuantizeOptions& options) {
    return quantize(values, {}, config, options);
}

namespace per_level {

ValueSummary summarize_values(std::span<const float> values) {
    ValueSummary summary;
    summary.range = finite_range(values);
    return summary;
}

}  // namespace per_level

namespace {

// quantize_with_range's result for values that are not empty, without its notes.
QuantResult quantize_measured(std::span<const float> values, std::span<const std::int64_t> shape,
                              const QuantConfig& config, const QuantizeOptions& options,
                              const ValueRange& range, const KnownCalibration& known) {
    detail::KlCounter kl(config);
    QuantResult result = config.outlier_threshold > 0
                             ? quantize_with_outliers(values, shape, config, options, kl)
                             : quantize_core(values, shape, config, options, &range, &kl, known);
    kl.finish(result.metrics);
    return result;
}

// Everything quantize() does, with the finite range known and the histogram of x known or not
// (then the kernels count it as they go). An empty tensor is answered before any loop or
// allocation: its shape may claim 2^62 channels.
QuantResult quantize_with_range(std::span<const float> values, std::span<const std::int64_t> shape,
                                const QuantConfig& config, const QuantizeOptions& options,
                                const ValueRange& range, const KnownCalibration& known = {}) {
    check_config(config);
    QuantResult result;
    if (values.empty()) {
        detail::checked_shape(0, shape, config.granularity);
        result.metrics = finish_metrics({});
    } else {
        result = quantize_measured(values, shape, config, options, range, known);
    }
    result.notes = detail::result_notes(values.size(), range, config, result);
    return result;
}

// A ggml config's result: its notes ask only whether any value is finite (result_notes), which
// the metrics' count says, so that no pass over the values finds their range first.
QuantResult quantize_ggml_config(std::span<const float> values, std::span<const std::int64_t> shape,
                                 const QuantConfig& config, const QuantizeOptions& options) {
    check_config(config);
    if (values.empty()) {
        return quantize_with_range(values, shape, config, options, ValueRange{});
    }
    QuantResult result = quantize_measured(values, shape, config, options, ValueRange{}, {});
    const ValueRange finite{0, 0, result.metrics.count > 0};
    result.notes = detail::result_notes(values.size(), finite, config, result);
    return result;
}

}  // namespace

namespace per_level {

QuantResult quantize_summarized(std::span<const float> values, std::span<const std::int64_t> shape,
                                const QuantConfig& config, const QuantizeOptions& options,
                                const ValueSummary& summary) {
    return quantize_with_range(values, shape, config, options, summary.range);
}

QuantResult quantize(std::span<const float> values, std::span<const std::int64_t> shape,
                     const QuantConfig& config, const QuantizeOptions& options) {
    // The histogram of x is counted by the kernels, in the same pass as Q(x). Min-max strided
    // channels and long groups are calibrated in the pass that finds the finite range.
    // Blocks that tile their rows (integer min-max short blocks, MX): that pass finds each
    // block's min and max too, and the quantize pass their parameters from them.
    if (config.ggml != nullptr) {
        return quantize_ggml_config(values, shape, config, options);
    }
    auto with_block_ranges = [&](const GroupLayout& layout) {
        LargeVector<float> lo_hi;
        const ValueRange range = block_min_max(values, layout, lo_hi);
        return quantize_with_range(values, shape, config, options, range,
                                   {.layout = &layout, .block_lo_hi = &lo_hi});
    };
    if (config.outlier_threshold <= 0 && config.calibration.method == CalibrationMethod::MinMax &&
        config.granularity.kind != Granularity::Kind::Tensor &&
        config.block_scaling == BlockScaling::None) {
        check_config(config);
        const GroupLayout layout = make_layout(values.size(), shape, config.granularity);
        if (layout.strided) {
            ValueRange range;
            const std::vector<ClipRange> ranges =
                detail::strided_minmax_ranges(values, layout, config, &range);
            return quantize_with_range(values, shape, config, options, range,
                                       {.layout = &layout, .strided_ranges = &ranges});
        }
        if (is_integer_config(config) && layout.groups() > 1 &&
            !batches_groups_of(layout.run(0).length)) {
            // Long groups (channels along axis 0): calibrated in the range pass, each group is
            // read once less. Short blocks stay calibrated in the quantize pass, in L1: a pass
            // writing their parameters (16 MiB for blocks of 32) was slower.
            LargeVector<GroupParameters> groups;
            const ValueRange range = calibrate_groups_minmax(values, layout, config, groups);
            return quantize_with_range(values, shape, config, options, range,
                                       {.layout = &layout, .groups = &groups});
        }
        if (is_integer_config(config) && layout.block_length != 0 &&
            batches_groups_of(layout.block_length)) {
            return with_block_ranges(layout);  // uniform short blocks
        }
        return quantize_with_range(values, shape, config, options, finite_range(values),
                                   {.layout = &layout});
    }
    if (config.outlier_threshold <= 0 && config.block_scaling == BlockScaling::MX) {
        // (Not NVFP4's blocks of 16: with their min and max from the range pass they ran slower.)
        check_config(config);
        const GroupLayout layout = make_layout(values.size(), shape, config.granularity);
        if (layout.block_length != 0) {
            return with_block_ranges(layout);
        }
        return quantize_with_range(values, shape, config, options, finite_range(values),
                                   {.layout = &layout});
    }
    return quantize_with_range(values, shape, config, options, finite_range(values));
}

}  // namespace per_level

}  // namespace quantscope
