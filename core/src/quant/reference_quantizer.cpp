#include "quantscope/quant/reference_quantizer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>

#include "ggml_quantizer.h"
#include "group_layout.h"
#include "kl_counts.h"
#include "result_notes.h"
#include "scale_limits.h"
#include "scaled_parameters.h"
#include "scaled_quantizer.h"

namespace quantscope {

bool is_kept_outlier(float x, const QuantConfig& config) {
    return config.outlier_threshold > 0 && std::isfinite(x) &&
           std::fabs(x) > static_cast<float>(config.outlier_threshold);
}

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

bool is_integer_config(const QuantConfig& config) {
    return config.format.kind() == FormatKind::Integer &&
           config.block_scaling == BlockScaling::None;
}

// MXINT8's elements are int8 codes in steps of 2^-6 (OCP MX v1.0, section 5.3).
float element_step(const QuantConfig& config) {
    const bool mx_int8 =
        config.block_scaling == BlockScaling::MX && config.format.kind() == FormatKind::Integer;
    return mx_int8 ? 1.0f / 64.0f : 1.0f;
}

// The largest finite magnitude among the values that are not kept outliers (0 for none).
double inlier_absmax(std::span<const float> values, const QuantConfig& config) {
    double amax = 0;
    for (float x : values) {
        if (std::isfinite(x) && !is_kept_outlier(x, config)) {
            amax = std::max(amax, std::fabs(static_cast<double>(x)));
        }
    }
    return amax;
}

// OCP MX v1.0 section 6.3: X = 2^(floor(log2 amax) - emax_elem), emax_elem the exponent of the
// element format's largest value, within E8M0's 2^-127 .. 2^127 and low enough that the largest
// element magnitude times X is finite; a block of zeros takes 2^-127.
GroupParameters mx_parameters(double amax, const QuantConfig& config) {
    if (amax == 0) {
        return detail::with_scale(0x1.0p-127, config);
    }
    const double top = detail::element_max(config);
    const int emax_elem = std::ilogb(top);
    const double largest_magnitude = element_step(config) < 1 ? 2.0 : top;  // MXINT8's -128/64
    const int highest = std::min(127, std::ilogb(detail::max_scale_for(largest_magnitude)));
    const int exponent = std::clamp(std::ilogb(amax) - emax_elem, -127, highest);
    return detail::with_scale(std::ldexp(1.0, exponent), config);
}

// NVIDIA NVFP4: the block scale amax / 6 in units of the tensor scale S, rounded to E4M3 (a
// block of zeros takes E4M3's smallest, 2^-9), times S. A block scale that underflows E4M3 to 0
// sends the block to zero; one whose top level would overflow is lowered.
GroupParameters nvfp4_parameters(double amax, const QuantConfig& config, double tensor_scale) {
    static const Format e4m3 = parse_format("fp8_e4m3");
    const double top = detail::element_max(config);
    const float wanted = amax > 0 ? static_cast<float>(amax / top / tensor_scale) : 0x1.0p-9f;
    const auto in_e4m3 = static_cast<float>(e4m3.encode(wanted, Rounding::NearestEven).value);
    const float scale = in_e4m3 * static_cast<float>(tensor_scale);
    return detail::with_scale(scale > 0 ? detail::usable_scale(scale, top) : 0.0, config);
}

// t rounded to an integer as the integer kernels round x / s, by the plain rule of
// round_to_integer (rounding.h): stochastic rounding goes up (toward +inf) when the fraction's
// top 24 bits exceed the top 24 of `stochastic_bits(seed, index)`, with the whole 64-bit seed.
// TPDF dither (dither.h) is added to t first, in float, under the same seed.
float round_integer(float t, const QuantConfig& config, std::uint64_t index) {
    if (config.dither == Dither::Tpdf) {
        t += tpdf_dither(config.seed, index);
    }
    return static_cast<float>(
        round_to_integer(t, config.rounding, stochastic_bits(config.seed, index)));
}

}  // namespace

std::vector<std::vector<std::size_t>> reference_groups(std::size_t count,
                                                       std::span<const std::int64_t> shape_in,
                                                       const Granularity& granularity) {
    const std::vector<std::int64_t> shape = detail::checked_shape(count, shape_in, granularity);
    std::vector<std::vector<std::size_t>> groups;
    if (count == 0) {
        return groups;
    }
    switch (granularity.kind) {
        case Granularity::Kind::Tensor:
            groups.emplace_back(count);
            for (std::size_t i = 0; i < count; ++i) {
                groups[0][i] = i;
            }
            break;
        case Granularity::Kind::Channel: {
            // The tensor as [outer, dim, inner], dim the channel axis: channel c holds
            // x[o, c, k] for every o and k, in that order.
            const int rank = static_cast<int>(shape.size());
            const int axis = granularity.axis < 0 ? granularity.axis + rank : granularity.axis;
            std::size_t outer = 1;
            std::size_t inner = 1;
            for (int d = 0; d < rank; ++d) {
                const auto extent = static_cast<std::size_t>(shape[static_cast<std::size_t>(d)]);
                outer *= d < axis ? extent : 1;
                inner *= d > axis ? extent : 1;
            }
            const auto dim = static_cast<std::size_t>(shape[static_cast<std::size_t>(axis)]);
            groups.resize(dim);
            for (std::size_t c = 0; c < dim; ++c) {
                for (std::size_t o = 0; o < outer; ++o) {
                    for (std::size_t k = 0; k < inner; ++k) {
                        groups[c].push_back((o * dim + c) * inner + k);
                    }
                }
            }
            break;
        }
        case Granularity::Kind::Block: {
            // Each row (the last axis) cut into blocks of N, the last one maybe shorter.
            const auto row = static_cast<std::size_t>(shape.back());
            const auto block = static_cast<std::size_t>(granularity.block);
            for (std::size_t start = 0; row > 0 && start < count; start += row) {
                for (std::size_t b = 0; b < row; b += block) {
                    std::vector<std::size_t>& group = groups.emplace_back();
                    for (std::size_t i = b; i < std::min(row, b + block); ++i) {
                        group.push_back(start + i);
                    }
                }
            }
            break;
        }
    }
    return groups;
}

double reference_tensor_scale(std::span<const float> values, const QuantConfig& config) {
    if (config.block_scaling != BlockScaling::NVFP4) {
        return 1;
    }
    const double amax = inlier_absmax(values, config);
    // The largest block scale lands on E4M3's top, 448.
    return std::max(static_cast<float>(amax / (448.0 * 6.0)), 0x1.0p-117f);
}

ReferenceParameters reference_parameters(std::span<const float> group, const QuantConfig& config,
                                         double tensor_scale) {
    ReferenceParameters r;
    if (config.block_scaling != BlockScaling::None) {
        // Block-scaled formats set the scale from the block's largest magnitude (no calibration).
        const double amax = inlier_absmax(group, config);
        r.range = {-amax, amax};
        r.params = config.block_scaling == BlockScaling::MX
                       ? mx_parameters(amax, config)
                       : nvfp4_parameters(amax, config, tensor_scale);
    } else {
        r.range = calibrate(group, config);
        r.params = parameters_for_range(r.range, config);
    }
    if (is_integer_config(config)) {
        r.clip_limits = clipping_bounds(r.params, config);
    } else {
        const detail::CodeRange cells = detail::code_range(config);
        r.clip_limits = {static_cast<float>(cells.lo), static_cast<float>(cells.hi)};
    }
    return r;
}

ReferenceValue reference_value(float x, const ReferenceParameters& group, const QuantConfig& config,
                               std::uint64_t index) {
    ReferenceValue v;
    v.x = x;
    v.value = x;  // NaN and Inf pass through
    const auto scale = static_cast<float>(group.params.scale);
    // Every path multiplies by 1/s rounded once from double (exact ties such as x / s = 42.5
    // stay exact); a zero scale (an NVFP4 block that underflows E4M3) sends the block to zero.
    const float inv_scale = scale > 0 ? static_cast<float>(1.0 / static_cast<double>(scale)) : 0.0f;
    v.t = x * inv_scale;
    if (std::isinf(x)) {
        // Passes through as Q(x), not clipped, with the end code of its sign.
        v.code = detail::infinite_input_code(x, config);
        return v;
    }
    if (is_integer_config(config)) {
        if (std::isnan(x)) {
            return v;
        }
        const IntegerFormat& f = config.format.integer_format();
        const auto zero_point = static_cast<float>(group.params.zero_point);
        v.rounded = round_integer(v.t, config, index);
        const float q = std::clamp(v.rounded + zero_point, static_cast<float>(f.min_code()),
                                   static_cast<float>(f.max_code()));
        v.code = static_cast<std::int32_t>(q);
        v.value = (q - zero_point) * scale;
        v.clipped = x < group.clip_limits.lo || x > group.clip_limits.hi;
        return v;
    }
    // Into the element format with saturation, one value through Format::encode.
    const float step = element_step(config);
    const Encoded e =
        config.format.encode(static_cast<double>(v.t / step), config.rounding, Saturation::Saturate,
                             stochastic_bits(config.seed, index));
    v.rounded = static_cast<float>(e.value) * step;
    if (std::isnan(x)) {
        return v;
    }
    v.code = static_cast<std::int32_t>(e.code);
    v.value = v.rounded * scale;
    // An x / s beyond the float range (a tiny scale) is +-Inf, saturated: clipped too.
    v.clipped = v.t < group.clip_limits.lo || v.t > group.clip_limits.hi;
    return v;
}

ReferenceGroup reference_quantize_group(std::span<const float> values,
                                        std::span<const std::size_t> indices,
                                        const QuantConfig& config, double tensor_scale) {
    // Calibration sees the group's values with kept outliers hidden as NaN.
    std::vector<float> calibrated(indices.size());
    for (std::size_t k = 0; k < indices.size(); ++k) {
        const float x = values[indices[k]];
        calibrated[k] = is_kept_outlier(x, config) ? kNaN : x;
    }
    ReferenceGroup group;
    group.parameters = reference_parameters(calibrated, config, tensor_scale);
    static const Format fp16 = parse_format("fp16");
    for (const std::size_t i : indices) {
        const float x = values[i];
        if (is_kept_outlier(x, config)) {
            ReferenceValue kept;
            kept.x = x;
            kept.t = x;
            kept.rounded = static_cast<float>(fp16.encode(x, Rounding::NearestEven).value);
            kept.value = kept.rounded;
            kept.outlier = true;
            group.values.push_back(kept);
        } else {
            group.values.push_back(reference_value(x, group.parameters, config, i));
        }
    }
    return group;
}

ReferenceKl reference_kl(std::span<const ReferenceGroup> groups, const QuantConfig& config) {
    // The bins and the cells are the metric's definition (kl_counts.h), made once per config.
    const detail::KlCounter counter(config);
    const detail::CodeRange range = detail::code_range(config);
    ReferenceKl kl{range.lo, range.hi, std::vector<double>(detail::kKlBins, 0.0),
                   counter.cell_ends()};
    for (const ReferenceGroup& group : groups) {
        const auto zero_point = static_cast<float>(group.parameters.params.zero_point);
        for (const ReferenceValue& v : group.values) {
            if (std::isfinite(v.x) && !v.outlier) {
                ++kl.p[detail::kl_slot(v.x, v.t + zero_point, counter.grid())];
            }
        }
    }
    return kl;
}

namespace {

// A block of a ggml config (ggml_quantizer.h): ggml's reference quantizer and dequantizer, kept
// outliers hidden from it as NaN and kept in FP16. t is the value's position in code units,
// rounded its element value.
ReferenceGroup reference_ggml_group(std::span<const float> values,
                                    std::span<const std::size_t> indices, const QuantConfig& config,
                                    detail::GgmlBlockQuantizer& quantizer) {
    const std::size_t n = indices.size();
    std::vector<float> x(n);
    for (std::size_t k = 0; k < n; ++k) {
        x[k] = is_kept_outlier(values[indices[k]], config) ? kNaN : values[indices[k]];
    }
    std::vector<float> y(n);
    std::vector<std::int32_t> codes(n);
    std::vector<float> u(n);
    auto clipped = std::make_unique<bool[]>(n);
    ReferenceGroup group;
    quantizer.run(x.data(), n, y.data(), codes.data(), u.data(), clipped.get(),
                  &group.parameters.params);
    group.parameters.range = {group.parameters.params.clip_min, group.parameters.params.clip_max};
    const detail::CodeRange cells = detail::code_range(config);
    group.parameters.clip_limits = {cells.lo, cells.hi};
    const LookupFormat* lookup = config.format.as_lookup();
    for (std::size_t k = 0; k < n; ++k) {
        ReferenceValue v;
        v.x = values[indices[k]];
        v.t = u[k];
        v.code = codes[k];
        v.rounded = lookup != nullptr
                        ? static_cast<float>(lookup->levels[static_cast<std::size_t>(codes[k])])
                        : static_cast<float>(codes[k]);
        v.value = y[k];
        v.clipped = clipped[k];
        if (is_kept_outlier(v.x, config)) {
            static const Format fp16 = parse_format("fp16");
            v = {};
            v.x = values[indices[k]];
            v.t = v.x;
            v.rounded = static_cast<float>(fp16.encode(v.x, Rounding::NearestEven).value);
            v.value = v.rounded;
            v.outlier = true;
        }
        group.values.push_back(v);
    }
    return group;
}

}  // namespace

QuantResult reference_quantize(std::span<const float> values, std::span<const std::int64_t> shape,
                               const QuantConfig& config) {
    check_config(config);
    // 1. The groups, each calibrated and quantized on its own, value by value (a ggml config:
    // block by block through ggml's reference quantizer).
    if (config.ggml != nullptr) {
        detail::check_ggml_rows(values.size(), shape, config);
    }
    const std::vector<std::vector<std::size_t>> members =
        reference_groups(values.size(), shape, config.granularity);
    const double tensor_scale = reference_tensor_scale(values, config);
    std::optional<detail::GgmlBlockQuantizer> ggml_block;
    if (config.ggml != nullptr) {
        ggml_block.emplace(config);
    }
    std::vector<ReferenceGroup> groups;
    for (const std::vector<std::size_t>& indices : members) {
        groups.push_back(ggml_block
                             ? reference_ggml_group(values, indices, config, *ggml_block)
                             : reference_quantize_group(values, indices, config, tensor_scale));
    }
    // 2. Q(x), the codes, the parameters and the union of the groups' clipping ranges.
    QuantResult result;
    result.dequantized.resize(values.size());
    result.codes.resize(values.size());
    std::int64_t clipped = 0;
    std::int64_t outliers = 0;
    for (std::size_t g = 0; g < groups.size(); ++g) {
        const GroupParameters& p = groups[g].parameters.params;
        result.groups.push_back(p);
        result.clip_min = g == 0 ? p.clip_min : std::min(result.clip_min, p.clip_min);
        result.clip_max = g == 0 ? p.clip_max : std::max(result.clip_max, p.clip_max);
        for (std::size_t k = 0; k < members[g].size(); ++k) {
            const ReferenceValue& v = groups[g].values[k];
            result.dequantized[members[g][k]] = v.value;
            result.codes[members[g][k]] = v.code;
            clipped += v.clipped ? 1 : 0;
            outliers += v.outlier ? 1 : 0;
        }
    }
    // 3. The error sums over every finite value in double, then the metrics.
    MetricSums sums =
        reference_metric_sums(values, result.dequantized, -std::numeric_limits<double>::infinity(),
                              std::numeric_limits<double>::infinity());
    sums.clipped = clipped;
    Metrics& m = result.metrics;
    m = finish_metrics(sums);
    m.outlier_fraction =
        static_cast<double>(outliers) / static_cast<double>(std::max<std::int64_t>(m.count, 1));
    // 4. KL(P || Q~) of the quantized values; kept outliers are exact and weigh in with 0.
    const ReferenceKl kl = reference_kl(groups, config);
    double counted = 0;
    for (double c : kl.p) {
        counted += c;
    }
    if (m.count > 0 && counted > 0) {
        const auto n = static_cast<double>(m.count);
        const CellDivergence d = cell_divergence(kl.p, kl.cell_ends);
        const auto degrees = static_cast<double>(d.degrees);
        m.kl_divergence = d.kl * counted / n;
        m.kl_sampling_floor = (degrees + 3 * std::sqrt(2 * degrees)) / (2 * n);
        m.kl_below_sampling_floor = m.kl_divergence < m.kl_sampling_floor;
    }
    result.notes = detail::result_notes(values.size(), finite_range(values), config, result);
    return result;
}

}  // namespace quantscope
