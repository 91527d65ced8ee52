#include <algorithm>
#include <cmath>
#include <vector>

#include "integer_kernels.h"
#include "quantscope/quant/calibration.h"
#include "quantscope/quant/quantizer.h"
#include "scale_limits.h"
#include "scaled_quantizer.h"

// The parameters of a group and what follows from them: scale and zero point from a clipping
// range, where clipping starts, the levels, and one value quantized by the plain formula.

namespace quantscope {

using detail::clip_bound;
using detail::is_integer_config;
using detail::round_scalar;

GroupParameters parameters_for_range(const ClipRange& range, const QuantConfig& config) {
    if (!is_integer_config(config)) {
        return detail::scaled_parameters(range, config);
    }
    double lo = range.lo;
    double hi = range.hi;
    const IntegerFormat& f = config.format.integer_format();
    const auto min_code = static_cast<double>(f.min_code());
    const auto max_code = static_cast<double>(f.max_code());
    GroupParameters g;
    // The range the codes cover, in the kernel's float arithmetic (equal to the end levels).
    auto set_clip = [&] {
        g.clip_min = static_cast<float>(f.min_code() - g.zero_point) * static_cast<float>(g.scale);
        g.clip_max = static_cast<float>(f.max_code() - g.zero_point) * static_cast<float>(g.scale);
    };
    if (config.scheme == Scheme::Symmetric) {
        const double threshold = std::max(std::fabs(lo), std::fabs(hi));
        const int levels_half = f.is_signed ? (1 << (f.bits - 1)) - 1 : (1 << f.bits) - 1;
        // A zero, subnormal or huge range gets the nearest usable scale (scale_limits.h).
        g.scale = detail::usable_scale(threshold / levels_half, std::max(-min_code, max_code));
        g.zero_point = 0;
        set_clip();
        return g;
    }
    lo = std::min(lo, 0.0);
    hi = std::max(hi, 0.0);
    const double span = hi - lo;
    auto zero_point_for = [&](double scale) {
        return static_cast<std::int32_t>(std::clamp(
            min_code - std::nearbyint(scale > 0 ? lo / scale : 0.0), min_code, max_code));
    };
    const double wanted = span / ((1 << f.bits) - 1);
    g.zero_point = zero_point_for(wanted);
    // Scales are applied in float32: store the float32 value so that every path agrees.
    g.scale = static_cast<float>(wanted);
    set_clip();
    if (g.scale >= detail::kMinScale && std::isfinite(g.clip_min) && std::isfinite(g.clip_max)) {
        return g;
    }
    // A zero or tiny span: the smallest scale; a span near twice the float maximum: the largest
    // scale whose end levels, with the zero point it gives, are finite.
    g.scale = detail::usable_scale(wanted, 1.0);
    g.zero_point = zero_point_for(g.scale);
    for (int tries = 0; tries < 4; ++tries) {
        const double levels =
            std::max(std::fabs(min_code - g.zero_point), std::fabs(max_code - g.zero_point));
        const float top = detail::max_scale_for(levels);
        if (g.scale <= top) {
            break;
        }
        g.scale = top;
        g.zero_point = zero_point_for(g.scale);
    }
    set_clip();
    if (!std::isfinite(g.clip_min) || !std::isfinite(g.clip_max)) {
        g.scale = detail::max_scale_for(max_code - min_code);  // finite whatever the zero point
        g.zero_point = zero_point_for(g.scale);
        set_clip();
    }
    return g;
}

ClipRange clipping_bounds(const GroupParameters& params, const QuantConfig& config) {
    const auto scale = static_cast<float>(params.scale);
    if (!is_integer_config(config)) {
        const detail::CodeRange r = detail::code_range(config);
        return {static_cast<float>(r.lo) * scale, static_cast<float>(r.hi) * scale};
    }
    const auto zero_point = static_cast<float>(params.zero_point);
    const IntegerFormat& f = config.format.integer_format();
    return {clip_bound(static_cast<float>(f.min_code()) - 0.5f, zero_point, scale),
            clip_bound(static_cast<float>(f.max_code()) + 0.5f, zero_point, scale)};
}

GroupParameters choose_parameters(std::span<const float> values, const QuantConfig& config) {
    return parameters_for_range(calibrate(values, config), config);
}

std::vector<double> quantization_levels(const GroupParameters& params,
                                        const IntegerFormat& format) {
    std::vector<double> levels;
    levels.reserve(static_cast<std::size_t>(format.max_code() - format.min_code() + 1));
    for (std::int32_t q = format.min_code(); q <= format.max_code(); ++q) {
        // Same float arithmetic as the kernel, so levels equal the dequantized values exactly.
        levels.push_back(static_cast<float>(q - params.zero_point) *
                         static_cast<float>(params.scale));
    }
    return levels;
}

std::vector<double> quantization_levels(const GroupParameters& params, const QuantConfig& config) {
    if (is_integer_config(config)) {
        return quantization_levels(params, config.format.integer_format());
    }
    const Format& f = config.format;
    if (f.bits() > 12) {
        return {};  // thousands of levels: too many to draw or align bins to
    }
    std::vector<double> levels = f.all_values();
    const double step = config.block_scaling == BlockScaling::MX && f.kind() == FormatKind::Integer
                            ? 1.0 / 64.0
                            : 1.0;
    for (double& v : levels) {
        v = static_cast<float>(static_cast<float>(v * step) * static_cast<float>(params.scale));
    }
    return levels;
}

float quantize_value_reference(float x, const GroupParameters& params, const QuantConfig& config,
                               std::uint64_t index) {
    if (!is_integer_config(config)) {
        return detail::quantize_scaled_value_reference(x, params, config, index);
    }
    if (!std::isfinite(x)) {
        return x;
    }
    const float scale = static_cast<float>(params.scale);
    const float inv_scale = static_cast<float>(1.0 / static_cast<double>(scale));
    const float r = round_scalar(detail::dithered(x * inv_scale, config.dither, config.seed, index),
                                 config.rounding, config.seed, index);
    const float q = std::clamp(r + static_cast<float>(params.zero_point),
                               static_cast<float>(config.format.integer_format().min_code()),
                               static_cast<float>(config.format.integer_format().max_code()));
    return (q - static_cast<float>(params.zero_point)) * scale;
}

}  // namespace quantscope
