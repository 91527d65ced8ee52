#include "quantscope/quant/worked_example.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string_view>

#include "quantscope/common/error.h"
#include "quantscope/formats/value_report.h"
#include "quantscope/quant/reference_quantizer.h"
#include "quantscope/quant/storage.h"

namespace quantscope {

namespace {

std::string num(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.7g", v);
    return text;
}

bool is_integer_config(const QuantConfig& config) {
    return config.format.kind() == FormatKind::Integer &&
           config.block_scaling == BlockScaling::None;
}

double element_max(const QuantConfig& config) {
    return config.format.properties().max_finite;
}

// The formulas of one group's parameters, with its numbers.
void explain_parameters(WorkedGroup& g, const QuantConfig& config, double tensor_scale) {
    const double s = g.params.scale;
    if (is_integer_config(config)) {
        const IntegerFormat& f = config.format.integer_format();
        const std::string k = std::to_string(f.bits);
        if (config.scheme == Scheme::Symmetric) {
            const double t = std::max(std::fabs(g.range_lo), std::fabs(g.range_hi));
            const std::string levels = f.is_signed ? "(2^(" + k + "-1) - 1)" : "(2^" + k + " - 1)";
            g.scale_formula = "s = T / " + levels + " = " + num(t) + " / " +
                              std::to_string(f.is_signed ? f.max_code() : f.max_code()) + " = " +
                              num(s);
            g.zero_point_formula = "z = 0 (symmetric)";
            return;
        }
        const double a = std::min(g.range_lo, 0.0);
        const double b = std::max(g.range_hi, 0.0);
        // A negative number after a minus sign reads better in parentheses.
        const std::string a_text = a < 0 ? "(" + num(a) + ")" : num(a);
        g.scale_formula = "s = (B - A) / (2^" + k + " - 1) = (" + num(b) + " - " + a_text + ") / " +
                          std::to_string((1 << f.bits) - 1) + " = " + num(s);
        g.zero_point_formula = "z = qmin - round(A / s) = " + std::to_string(f.min_code()) +
                               " - round(" + num(a / s) +
                               ") = " + std::to_string(g.params.zero_point);
        return;
    }
    g.zero_point_formula = "z = 0";
    const double amax = std::max(std::fabs(g.range_lo), std::fabs(g.range_hi));
    const std::string max = num(element_max(config));
    if (config.block_scaling == BlockScaling::MX) {
        g.scale_formula = "s = 2^(floor(log2 amax) - emax) = 2^(floor(log2 " + num(amax) + ") - " +
                          std::to_string(std::ilogb(element_max(config))) + ") = " + num(s);
    } else if (config.block_scaling == BlockScaling::NVFP4) {
        g.scale_formula = "s = E4M3(amax / " + max + " / S) * S = E4M3(" + num(amax) + " / " + max +
                          " / " + num(tensor_scale) + ") * " + num(tensor_scale) + " = " + num(s);
    } else if (config.scheme == Scheme::Direct) {
        g.scale_formula = "s = 1 (direct: the values are rounded as they are)";
    } else {
        g.scale_formula = "s = T / max = " + num(amax) + " / " + max + " = " + num(s);
    }
}

// How `rounded` came from `scaled` (both in the units the rounding works in).
std::string rounding_rule(double scaled, double rounded, double lower, double upper,
                          Rounding rounding) {
    if (scaled == rounded) {
        return "exact";
    }
    const bool tie = scaled - lower == upper - scaled;
    switch (rounding) {
        case Rounding::NearestEven:
            return tie ? "tie: to even" : "nearest";
        case Rounding::NearestAway:
            return tie ? "tie: away from zero" : "nearest";
        case Rounding::TowardZero:
            return "toward zero";
        case Rounding::Stochastic:
            return rounded > scaled ? "stochastic: up" : "stochastic: down";
    }
    return {};
}

bool rounds_to_nearest(Rounding r) {
    return r == Rounding::NearestEven || r == Rounding::NearestAway;
}

void explain_row(WorkedRow& row, const ReferenceValue& v, const GroupParameters& params,
                 const QuantConfig& config) {
    row.x = v.x;
    row.scaled = v.t;
    row.rounded = v.rounded;
    row.code = v.code;
    row.dequantized = v.value;
    row.error = static_cast<double>(v.x) - static_cast<double>(v.value);
    row.clipped = v.clipped;
    row.outlier = v.outlier;
    if (v.outlier) {
        row.rule = "kept in FP16";
        row.shifted = v.x;
        return;
    }
    if (!std::isfinite(v.x)) {
        row.rule = "passed through";
        row.shifted = v.x;
        return;
    }
    const double s = params.scale;
    if (is_integer_config(config)) {
        const IntegerFormat& f = config.format.integer_format();
        const double t = v.t;
        row.rule = rounding_rule(t, v.rounded, std::floor(t), std::ceil(t), config.rounding);
        row.shifted = static_cast<double>(v.rounded) + params.zero_point;
        row.clamped = row.shifted != static_cast<double>(v.code);
        row.bits =
            f.is_signed ? twos_complement_bits(v.code, f.bits) : unsigned_bits(v.code, f.bits);
        row.bound = (rounds_to_nearest(config.rounding) ? 0.5 : 1.0) * s;
        return;
    }
    // The element format: neighbours of t among its values (MXINT8 counts in steps of 1/64).
    const double step =
        config.block_scaling == BlockScaling::MX && config.format.kind() == FormatKind::Integer
            ? 1.0 / 64
            : 1.0;
    const double t = v.t / step;
    const double r = v.rounded / step;
    const double lower = r <= t ? r : config.format.next_down(r);
    const double upper = r >= t ? r : config.format.next_up(r);
    const bool saturated = std::fabs(t) > element_max(config);
    row.rule = saturated ? "saturated to the largest value"
                         : rounding_rule(t, r, lower, upper, config.rounding);
    row.shifted = v.rounded;
    row.bits = config.format.fields(static_cast<std::uint32_t>(v.code)).bit_string;
    row.bound = saturated
                    ? 0.0
                    : (rounds_to_nearest(config.rounding) ? 0.5 : 1.0) * (upper - lower) * step * s;
}

}  // namespace

namespace {

QuantConfig preset_config(const char* format, const char* scheme,
                          const char* granularity = "tensor",
                          Rounding rounding = Rounding::NearestEven,
                          const char* calibration = "minmax") {
    QuantConfig c;
    apply_format(c, format);
    c.scheme = *parse_scheme(scheme);
    if (std::string_view(granularity) != "tensor") {
        c.granularity = parse_granularity(granularity);
    }
    c.calibration = parse_calibration(calibration);
    c.rounding = rounding;
    return c;
}

}  // namespace

const std::vector<WorkedPreset>& worked_presets() {
    static const std::vector<float> five{-2.5f, -1.0f, 0.0f, 1.0f, 3.5f};
    static const std::vector<WorkedPreset> presets{
        {"symmetric-int8",
         "Symmetric INT8: s = 3.5 / 127, codes -91 -36 0 36 127",
         five,
         {},
         preset_config("int8", "symmetric")},
        {"affine-uint8-even",
         "Affine UINT8, ties to even: -42.5 + 106 gives 64",
         five,
         {},
         preset_config("uint8", "affine")},
        {"affine-uint8-away",
         "Affine UINT8, ties away from zero: -42.5 + 106 gives 63",
         five,
         {},
         preset_config("uint8", "affine", "tensor", Rounding::NearestAway)},
        {"affine-int8-range",
         "3.6 in the range (-10, 10), affine INT8: s = 20 / 255, q = 46",
         {3.6f},
         {},
         preset_config("int8", "affine", "tensor", Rounding::NearestEven, "manual:-10,10")},
        {"one-scale",
         "One scale for two rows: the small row [0, 2, 2, 0] is lost",
         {30, 10, 20, 30, 0, 2, 2, 0},
         {2, 4},
         preset_config("int4", "symmetric")},
        {"vector-wise",
         "One scale per row (vector-wise): the small row keeps its detail",
         {30, 10, 20, 30, 0, 2, 2, 0},
         {2, 4},
         preset_config("int4", "symmetric", "channel")},
        {"blockwise",
         "Blocks of 4: the same rescue along the last axis",
         {30, 10, 20, 30, 0, 2, 2, 0},
         {},
         preset_config("int4", "symmetric", "block:4")},
        {"e4m3-ties",
         "FP8 E4M3: 1.0625 is a tie and goes to the even 1.0; 1.1875 to 1.25",
         {1.0625f, 1.1875f, 1.1f},
         {},
         preset_config("fp8_e4m3", "direct")},
        {"e4m3-scaled",
         "FP8 E4M3, scaled: s = 3.5 / 448 puts the largest value on the top code",
         five,
         {},
         preset_config("fp8_e4m3", "scaled")},
        {"fp16-range",
         "FP16 stops at 65504: 10000 * 10000 saturates; 1e-8 is subnormal",
         {1e8f, 65504, 1e-8f, 0.1f},
         {},
         preset_config("fp16", "direct")},
        {"nf4",
         "NF4: absmax scaling onto the 16 normal-quantile levels",
         {-2.5f, -1.0f, 0.0f, 1.0f, 3.5f, 0.3f, -0.7f, 2.0f},
         {},
         preset_config("nf4", "scaled")},
    };
    return presets;
}

std::string float_text(float v) {
    if (std::isnan(v)) {
        return "nan";
    }
    if (std::isinf(v)) {
        return v > 0 ? "inf" : "-inf";
    }
    char buffer[32];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
    return std::string(buffer, end);
}

WorkedExample work_example(std::span<const float> values, std::span<const std::int64_t> shape,
                           const QuantConfig& config) {
    if (values.size() > kMaxWorkedValues) {
        throw UsageError("a worked example takes at most " + std::to_string(kMaxWorkedValues) +
                         " values (got " + std::to_string(values.size()) + ")");
    }
    const QuantResult reference = reference_quantize(values, shape, config);
    WorkedExample w;
    w.config = config;
    w.shape.assign(shape.begin(), shape.end());
    w.metrics = reference.metrics;
    w.notes = reference.notes;
    w.tensor_scale = reference_tensor_scale(values, config);
    const std::vector<std::vector<std::size_t>> members =
        reference_groups(values.size(), shape, config.granularity);
    w.rows.resize(values.size());
    std::int64_t outliers = 0;
    for (std::size_t g = 0; g < members.size(); ++g) {
        const ReferenceGroup group =
            reference_quantize_group(values, members[g], config, w.tensor_scale);
        WorkedGroup wg;
        wg.range_lo = group.parameters.range.lo;
        wg.range_hi = group.parameters.range.hi;
        wg.params = group.parameters.params;
        wg.members = members[g];
        explain_parameters(wg, config, w.tensor_scale);
        for (std::size_t k = 0; k < members[g].size(); ++k) {
            WorkedRow& row = w.rows[members[g][k]];
            row.index = members[g][k];
            row.group = g;
            explain_row(row, group.values[k], wg.params, config);
            outliers += row.outlier ? 1 : 0;
            if (!row.clipped) {
                w.max_bound = std::max(w.max_bound, row.bound);
            }
        }
        w.groups.push_back(std::move(wg));
    }
    w.storage = storage_for(static_cast<std::int64_t>(values.size()),
                            static_cast<std::int64_t>(w.groups.size()), config);
    w.storage.outlier_bytes = outliers * 6;
    w.storage.bytes += w.storage.outlier_bytes;
    return w;
}

}  // namespace quantscope
