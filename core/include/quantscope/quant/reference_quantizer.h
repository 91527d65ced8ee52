#pragma once
// The whole-tensor reference (docs/design.md "The whole-tensor reference"): what quantize()
// computes, written as the plain algorithm: plain loops, one thread, one value at a time through
// the formats' scalar rounding (Format::encode), no batching. Every fast path of quantize() must
// give the same Q(x), codes and group parameters, bit for bit, and the same metrics (the sums
// within float rounding); tests/core/quant/reference_routes_test.cpp holds them to it.
//
// The steps are public so that worked examples can show them ("group 3: amax 2.5, scale
// 2.5/127, x = 1.3 -> x/s = 66.04 -> 66 -> 1.2992"):
//   reference_groups        which values form each group of the granularity
//   reference_tensor_scale  NVFP4's FP32 tensor scale (the one thing groups share)
//   reference_parameters    one group's calibrated range and parameters
//   reference_value         one value through its group's parameters
//   reference_quantize_group  the three above for one group
//   reference_kl            the KL metric's histogram P and cells
//   reference_quantize      all of it for a tensor, as a QuantResult

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "quantscope/quant/calibration.h"
#include "quantscope/quant/histogram.h"
#include "quantscope/quant/quant_config.h"
#include "quantscope/quant/quantizer.h"

namespace quantscope {

// The indices of each group's values in the row-major tensor, groups in QuantResult::groups'
// order: one group (per tensor); channel c of the axis, its values in row-major order (per
// channel); the blocks of each row along the last axis, a short last block allowed (blocks, MX,
// NVFP4, NF4). Throws UsageError when the shape does not hold `count` values or the granularity
// does not fit it (an empty shape is 1-D).
std::vector<std::vector<std::size_t>> reference_groups(std::size_t count,
                                                       std::span<const std::int64_t> shape,
                                                       const Granularity& granularity);

// Whether quantize() keeps x in FP16 instead of quantizing it: |x| above the outlier threshold
// (a finite x; none without a threshold).
bool is_kept_outlier(float x, const QuantConfig& config);

// NVFP4's FP32 tensor scale, amax / (448 * 6) over the finite values that are not kept
// outliers, at least 2^-117 (docs/design.md "Degenerate clipping ranges"); 1 for other configs.
double reference_tensor_scale(std::span<const float> values, const QuantConfig& config);

// One group's calibration: the clipping range it chose and the parameters that map it onto the
// format. `group` holds the group's values with kept outliers replaced by NaN (calibration never
// sees them). MX: X = 2^(floor(log2 amax) - emax_elem); NVFP4: E4M3(amax / 6 / S) * S with S
// the tensor scale; every other config: its calibration, then parameters_for_range.
// `clip_limits` is where clipping starts, as the fast paths test it: integer formats compare x
// with clipping_bounds (half a step beyond the end levels); the other formats compare t = x / s
// with the outermost cells' edges in code units.
struct ReferenceParameters {
    ClipRange range;  // MX and NVFP4: [-amax, amax]
    GroupParameters params;
    ClipRange clip_limits;
};
ReferenceParameters reference_parameters(std::span<const float> group, const QuantConfig& config,
                                         double tensor_scale);

// One value quantized with its group's parameters, step by step. Integer formats:
// t = x * (1/s), rounded = round(t), code = clamp(rounded + z, qmin, qmax),
// Q(x) = (code - z) * s. Other formats: t = x * (1/s), rounded = t rounded into the element
// format (MXINT8: in steps of 1/64), Q(x) = rounded * s. `index` is x's position in the tensor
// (it seeds stochastic rounding). NaN and Inf pass through as Q(x); their code is 0, except that
// an Inf into a float, lookup or block-scaled format takes the code its saturation gives.
struct ReferenceValue {
    float x = 0;
    float t = 0;        // x in units of the scale, before the zero point
    float rounded = 0;  // t rounded (integers: before the zero point and the clamp)
    std::int32_t code = 0;
    float value = 0;       // Q(x)
    bool clipped = false;  // beyond the group's clip_limits
    bool outlier = false;  // kept in FP16: value is x rounded to FP16, code 0
};
ReferenceValue reference_value(float x, const ReferenceParameters& group, const QuantConfig& config,
                               std::uint64_t index);

// One group, whole: `indices` are its values' positions in `values` (reference_groups'), the
// result's values follow them.
struct ReferenceGroup {
    ReferenceParameters parameters;
    std::vector<ReferenceValue> values;
};
ReferenceGroup reference_quantize_group(std::span<const float> values,
                                        std::span<const std::size_t> indices,
                                        const QuantConfig& config, double tensor_scale);

// The KL metric's histogram (docs/design.md "KL divergence"): each finite, quantized value at
// u = t + z, its position in code units, counted on the 2048 equal bins over [lo, hi], the
// quantizer's outermost cells, values beyond in the edge bins; and the cells, runs of bins whose
// centres round to one level (cell c ends before cell_ends[c]). Q~ spreads each cell's mass of
// P over the cell's non-empty bins; cell_divergence(p, cell_ends) is KL(P || Q~).
struct ReferenceKl {
    double lo = 0;
    double hi = 0;
    std::vector<double> p;
    std::vector<std::size_t> cell_ends;
};
ReferenceKl reference_kl(std::span<const ReferenceGroup> groups, const QuantConfig& config);

// quantize(values, shape, config, {.keep_codes = true}) the plain way: every group through
// reference_quantize_group, then the metric sums in double (reference_metric_sums), the clipped
// count from each value's group, the KL metric from reference_kl and the notes. Storage is not
// restated (a formula of the counts).
QuantResult reference_quantize(std::span<const float> values, std::span<const std::int64_t> shape,
                               const QuantConfig& config);

}  // namespace quantscope
