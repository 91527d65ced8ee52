#include "quantscope/quant/quant_config.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>

#include "quantscope/common/error.h"
#include "quantscope/common/tensor.h"
#include "quantscope/quant/ggml_config.h"

namespace quantscope {

std::string_view to_string(Scheme scheme) {
    switch (scheme) {
        case Scheme::Symmetric:
            return "symmetric";
        case Scheme::Affine:
            return "affine";
        case Scheme::Scaled:
            return "scaled";
        case Scheme::Direct:
            return "direct";
    }
    return "symmetric";
}

std::optional<Scheme> parse_scheme(std::string_view name) {
    if (name == "symmetric") {
        return Scheme::Symmetric;
    }
    if (name == "affine") {
        return Scheme::Affine;
    }
    if (name == "scaled") {
        return Scheme::Scaled;
    }
    if (name == "direct") {
        return Scheme::Direct;
    }
    return std::nullopt;
}

namespace {

std::string number_text(double v) {
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
    return std::string(buffer, end);
}

double parse_parameter(std::string_view text, std::string_view whole) {
    double v = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(v)) {
        throw UsageError("calibration '" + std::string(whole) + "': '" + std::string(text) +
                         "' is not a finite number");
    }
    return v;
}

}  // namespace

Calibration parse_calibration(std::string_view text) {
    const std::size_t colon = text.find(':');
    const std::string_view name = text.substr(0, colon);
    const std::string_view arg = colon == std::string_view::npos ? "" : text.substr(colon + 1);
    const bool has_arg = colon != std::string_view::npos;
    Calibration c;
    auto no_arg = [&](CalibrationMethod m) {
        if (has_arg) {
            throw UsageError("calibration '" + std::string(name) + "' takes no parameter");
        }
        c.method = m;
        return c;
    };
    if (name == "minmax") {
        return no_arg(CalibrationMethod::MinMax);
    }
    if (name == "kl") {
        return no_arg(CalibrationMethod::KL);
    }
    if (name == "mse") {
        return no_arg(CalibrationMethod::MSE);
    }
    if (name == "percentile") {
        c.method = CalibrationMethod::Percentile;
        c.parameter = has_arg ? parse_parameter(arg, text) : 99.9;
        if (!(c.parameter > 50 && c.parameter <= 100)) {
            throw UsageError("calibration '" + std::string(text) +
                             "': the percentile must be in (50, 100]");
        }
        return c;
    }
    if (name == "sigma") {
        c.method = CalibrationMethod::Sigma;
        c.parameter = has_arg ? parse_parameter(arg, text) : 3.0;
        if (!(c.parameter > 0)) {
            throw UsageError("calibration '" + std::string(text) + "': K must be positive");
        }
        return c;
    }
    if (name == "manual") {
        const std::size_t comma = arg.find(',');
        if (comma == std::string_view::npos) {
            throw UsageError("calibration '" + std::string(text) + "': expected manual:MIN,MAX");
        }
        c.method = CalibrationMethod::Manual;
        c.manual_min = parse_parameter(arg.substr(0, comma), text);
        c.manual_max = parse_parameter(arg.substr(comma + 1), text);
        if (c.manual_min > c.manual_max) {
            throw UsageError("calibration '" + std::string(text) + "': MIN must not exceed MAX");
        }
        return c;
    }
    throw UsageError("unknown calibration '" + std::string(text) +
                     "' (minmax, percentile:P, kl, mse, sigma:K, manual:MIN,MAX)");
}

bool Calibration::operator==(const Calibration& other) const {
    if (method != other.method) {
        return false;
    }
    switch (method) {
        case CalibrationMethod::Percentile:
        case CalibrationMethod::Sigma:
            return parameter == other.parameter;
        case CalibrationMethod::Manual:
            return manual_min == other.manual_min && manual_max == other.manual_max;
        case CalibrationMethod::MinMax:
        case CalibrationMethod::KL:
        case CalibrationMethod::MSE:
            return true;
    }
    return true;
}

std::string to_string(const Calibration& c) {
    switch (c.method) {
        case CalibrationMethod::MinMax:
            return "minmax";
        case CalibrationMethod::Percentile:
            return "percentile:" + number_text(c.parameter);
        case CalibrationMethod::KL:
            return "kl";
        case CalibrationMethod::MSE:
            return "mse";
        case CalibrationMethod::Sigma:
            return "sigma:" + number_text(c.parameter);
        case CalibrationMethod::Manual:
            return "manual:" + number_text(c.manual_min) + "," + number_text(c.manual_max);
    }
    return "minmax";
}

Granularity parse_granularity(std::string_view text) {
    Granularity g;
    if (text == "tensor") {
        return g;
    }
    auto whole_number = [&](std::string_view digits, std::int64_t& out) {
        const char* end = digits.data() + digits.size();
        auto [ptr, ec] = std::from_chars(digits.data(), end, out);
        return !digits.empty() && ec == std::errc() && ptr == end;
    };
    if (text == "channel" || text.starts_with("channel:")) {
        g.kind = Granularity::Kind::Channel;
        std::int64_t axis = 0;
        if (text.size() > 7 && (!whole_number(text.substr(8), axis) || axis < -32 || axis > 31)) {
            throw UsageError("granularity '" + std::string(text) +
                             "': the axis must be a whole number from -32 to 31");
        }
        g.axis = static_cast<int>(axis);
        return g;
    }
    if (text.starts_with("block:")) {
        g.kind = Granularity::Kind::Block;
        if (!whole_number(text.substr(6), g.block) || g.block < 1 || g.block > (1 << 30)) {
            throw UsageError("granularity '" + std::string(text) +
                             "': the block size must be a whole number from 1 to 2^30");
        }
        return g;
    }
    throw UsageError("unknown granularity '" + std::string(text) +
                     "' (tensor, channel, channel:AXIS, block:N)");
}

bool Granularity::operator==(const Granularity& other) const {
    if (kind != other.kind) {
        return false;
    }
    switch (kind) {
        case Kind::Channel:
            return axis == other.axis;
        case Kind::Block:
            return block == other.block;
        case Kind::Tensor:
            return true;
    }
    return true;
}

std::string to_string(const Granularity& g) {
    switch (g.kind) {
        case Granularity::Kind::Tensor:
            return "tensor";
        case Granularity::Kind::Channel:
            return "channel:" + std::to_string(g.axis);
        case Granularity::Kind::Block:
            return "block:" + std::to_string(g.block);
    }
    return "tensor";
}

namespace {

struct BlockFormatName {
    const char* name;
    const char* element;
    BlockScaling scaling;
    std::int64_t block;
};

constexpr BlockFormatName kBlockFormats[] = {
    {"mxfp8_e4m3", "fp8_e4m3", BlockScaling::MX, 32},
    {"mxfp8_e5m2", "fp8_e5m2", BlockScaling::MX, 32},
    {"mxfp6_e2m3", "fp6_e2m3", BlockScaling::MX, 32},
    {"mxfp6_e3m2", "fp6_e3m2", BlockScaling::MX, 32},
    {"mxfp4", "fp4_e2m1", BlockScaling::MX, 32},
    {"mxint8", "int8", BlockScaling::MX, 32},
    {"nvfp4", "fp4_e2m1", BlockScaling::NVFP4, 16},
};

}  // namespace

const std::vector<std::string>& block_format_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> list;
        for (const BlockFormatName& b : kBlockFormats) {
            list.emplace_back(b.name);
        }
        return list;
    }();
    return names;
}

void apply_format(QuantConfig& config, std::string_view name) {
    // Dither is for plain integer formats: moving to any other drops it.
    const Dither dither = std::exchange(config.dither, Dither::None);
    if (const GgmlConfigType* g = find_ggml_config_type(name)) {
        config.format = g->element;
        config.block_scaling = BlockScaling::Ggml;
        config.ggml = g->type;
        config.granularity = {Granularity::Kind::Block, 0, g->type->block_elements};
        config.scheme = g->scheme;
        config.calibration = {};
        return;
    }
    config.ggml = nullptr;
    for (const BlockFormatName& b : kBlockFormats) {
        if (name == b.name) {
            config.format = parse_format(b.element);
            config.block_scaling = b.scaling;
            config.granularity = {Granularity::Kind::Block, 0, b.block};
            config.scheme = Scheme::Scaled;
            config.calibration = {};
            return;
        }
    }
    config.format = parse_format(name);
    config.block_scaling = BlockScaling::None;
    const bool integer = config.format.kind() == FormatKind::Integer;
    config.dither = integer ? dither : Dither::None;
    if (integer && (config.scheme == Scheme::Scaled || config.scheme == Scheme::Direct)) {
        config.scheme = Scheme::Symmetric;
    } else if (!integer) {
        // Formats of 8 bits or fewer need a scale to use their few values; wide ones (fp16,
        // bf16, tf32, fp32) cover any tensor's range and are used as they are.
        config.scheme = config.format.bits() > 8 ? Scheme::Direct : Scheme::Scaled;
    }
    if (const LookupFormat* lookup = config.format.as_lookup()) {
        config.granularity = {Granularity::Kind::Block, 0, lookup->block};
    }
}

std::string format_name(const QuantConfig& config) {
    if (config.ggml != nullptr) {
        return std::string(config.ggml->name);
    }
    for (const BlockFormatName& b : kBlockFormats) {
        if (config.block_scaling == b.scaling && config.format.name() == b.element) {
            return b.name;
        }
    }
    return config.format.name();
}

std::string granularity_problem(const Granularity& granularity,
                                std::span<const std::int64_t> shape) {
    if (granularity.kind == Granularity::Kind::Block && granularity.block < 1) {
        return "granularity " + to_string(granularity) + ": the block size must be 1 or more";
    }
    if (granularity.kind != Granularity::Kind::Channel) {
        return {};
    }
    const int rank = std::max<int>(1, static_cast<int>(shape.size()));
    const int axis = granularity.axis < 0 ? granularity.axis + rank : granularity.axis;
    const std::string shape_text = shape.empty() ? "1-D" : shape_to_string(shape);
    if (axis < 0 || axis >= rank) {
        return "granularity " + to_string(granularity) + " does not fit a tensor of shape " +
               shape_text + ": axis " + std::to_string(granularity.axis) + " is not one of its " +
               std::to_string(rank) + (rank == 1 ? " axis" : " axes");
    }
    if (shape.empty()) {
        return "granularity " + to_string(granularity) +
               " on a 1-D tensor makes every value its own group (axis " +
               std::to_string(granularity.axis) + " is the only axis)";
    }
    std::int64_t others = 1;
    for (std::size_t d = 0; d < shape.size(); ++d) {
        others *= static_cast<int>(d) == axis ? 1 : shape[d];
    }
    if (others == 1 && shape[static_cast<std::size_t>(axis)] > 1) {
        return "granularity " + to_string(granularity) + " on a tensor of shape " + shape_text +
               " makes every value its own group (axis " + std::to_string(granularity.axis) +
               (rank == 1 ? " is the only axis)" : " is the only one longer than 1)");
    }
    return {};
}

namespace {

// A ggml config's fields are the type's (ggml_config.h): anything else was set by hand.
void check_ggml_config(const QuantConfig& config) {
    const GgmlConfigType* g = ggml_config_type(config);
    if (g == nullptr || config.block_scaling != BlockScaling::Ggml) {
        std::string names;
        for (const std::string& n : ggml_format_names()) {
            names += (names.empty() ? "" : " ") + n;
        }
        throw UsageError("ggml block scaling needs one of ggml's block types (" + names + ")");
    }
    const std::string name(g->type->name);
    const std::int64_t block = g->type->block_elements;
    if (config.granularity.kind != Granularity::Kind::Block || config.granularity.block != block) {
        throw UsageError(name + " quantizes blocks of " + std::to_string(block) +
                         " along the last axis: its granularity is block:" + std::to_string(block));
    }
    if (config.scheme != g->scheme) {
        throw UsageError(name + "'s scheme is " + std::string(to_string(g->scheme)));
    }
    if (config.format != g->element) {
        throw UsageError(name + "'s codes are " + g->element.name() + ", not " +
                         config.format.name());
    }
}

}  // namespace

void check_config(const QuantConfig& config) {
    if (config.ggml != nullptr || config.block_scaling == BlockScaling::Ggml) {
        check_ggml_config(config);
    }
    // TensorRT's entropy method compares 2048-bin distributions: a block of a few dozen values
    // has none to speak of. MSE works per block (an exact search over the block's values).
    if (config.granularity.kind == Granularity::Kind::Block &&
        config.calibration.method == CalibrationMethod::KL) {
        throw UsageError(
            "calibration 'kl' compares 2048-bin distributions per tensor or per "
            "channel; blocks use minmax, percentile, mse, sigma or manual");
    }
    if (!(config.outlier_threshold >= 0) || !std::isfinite(config.outlier_threshold)) {
        throw UsageError("the outlier threshold must be a finite number >= 0 (0 keeps none)");
    }
    const bool integer = config.format.kind() == FormatKind::Integer;
    if (config.dither != Dither::None &&
        (!integer || config.block_scaling != BlockScaling::None || config.ggml != nullptr)) {
        throw UsageError(
            "dither adds noise of one step of a uniform quantizer: it applies to "
            "integer formats (int2 .. int16, uint2 .. uint16), not " +
            format_name(config));
    }
    if (config.ggml != nullptr) {
        return;
    }
    const std::string name = format_name(config);
    if (integer && config.block_scaling == BlockScaling::None &&
        (config.scheme == Scheme::Scaled || config.scheme == Scheme::Direct)) {
        throw UsageError("scheme " + std::string(to_string(config.scheme)) +
                         " applies to float "
                         "and lookup formats; " +
                         name + " takes symmetric or affine");
    }
    if (!integer && (config.scheme == Scheme::Symmetric || config.scheme == Scheme::Affine)) {
        throw UsageError("scheme " + std::string(to_string(config.scheme)) +
                         " applies to integer formats; " + name + " takes scaled or direct");
    }
    if (config.block_scaling != BlockScaling::None) {
        const std::int64_t block = config.block_scaling == BlockScaling::MX ? 32 : 16;
        if (config.granularity.kind != Granularity::Kind::Block ||
            config.granularity.block != block) {
            throw UsageError(
                name + " scales blocks of " + std::to_string(block) +
                " along the last axis: its granularity is block:" + std::to_string(block));
        }
        if (config.scheme == Scheme::Direct) {
            throw UsageError(name + " is block-scaled: the scheme is scaled");
        }
        if (config.block_scaling == BlockScaling::MX && integer && config.format.name() != "int8") {
            throw UsageError("MX integer elements are int8 (mxint8)");
        }
    }
}

namespace {

std::uint64_t parse_seed(std::string_view text) {
    std::uint64_t seed = 0;
    const char* end = text.data() + text.size();
    if (auto [ptr, ec] = std::from_chars(text.data(), end, seed); ec == std::errc() && ptr == end) {
        return seed;
    }
    // A whole number written as a float ("1e3", "7.0") is still a seed.
    double v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (text.empty() || ec != std::errc() || ptr != end || !(v >= 0) || v != std::floor(v) ||
        v >= 18446744073709551616.0) {
        throw UsageError("seed needs a whole number >= 0, got '" + std::string(text) + "'");
    }
    return static_cast<std::uint64_t>(v);
}

double parse_outlier_threshold(std::string_view text) {
    double v = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(v) || v < 0) {
        throw UsageError("the outlier threshold needs a finite number >= 0 (0 keeps none), got '" +
                         std::string(text) + "'");
    }
    return v;
}

// The value a name parsed to, or a UsageError listing the names there are.
template <typename T>
T known(std::string_view what, std::string_view text, std::optional<T> value,
        std::string_view names) {
    if (!value) {
        throw UsageError("unknown " + std::string(what) + " '" + std::string(text) + "' (" +
                         std::string(names) + ")");
    }
    return *value;
}

constexpr ConfigField kConfigFields[] = {
    {"format", false, [](const QuantConfig& c) { return format_name(c); },
     [](QuantConfig& c, std::string_view t) { apply_format(c, t); }},
    {"scheme", false, [](const QuantConfig& c) { return std::string(to_string(c.scheme)); },
     [](QuantConfig& c, std::string_view t) {
         c.scheme = known("scheme", t, parse_scheme(t), "symmetric, affine, scaled or direct");
     }},
    {"granularity", false, [](const QuantConfig& c) { return to_string(c.granularity); },
     [](QuantConfig& c, std::string_view t) { c.granularity = parse_granularity(t); }},
    {"calibration", false, [](const QuantConfig& c) { return to_string(c.calibration); },
     [](QuantConfig& c, std::string_view t) { c.calibration = parse_calibration(t); }},
    {"rounding", false, [](const QuantConfig& c) { return std::string(to_string(c.rounding)); },
     [](QuantConfig& c, std::string_view t) {
         c.rounding = known("rounding", t, parse_rounding(t),
                            "nearest-even, nearest-away, toward-zero or stochastic");
     }},
    {"seed", false, [](const QuantConfig& c) { return std::to_string(c.seed); },
     [](QuantConfig& c, std::string_view t) { c.seed = parse_seed(t); }},
    {"outlier_threshold", true,
     [](const QuantConfig& c) { return number_text(c.outlier_threshold); },
     [](QuantConfig& c, std::string_view t) { c.outlier_threshold = parse_outlier_threshold(t); }},
    {"dither", false, [](const QuantConfig& c) { return std::string(to_string(c.dither)); },
     [](QuantConfig& c, std::string_view t) {
         c.dither = known("dither", t, parse_dither(t), "none or tpdf");
     }},
};

}  // namespace

std::span<const ConfigField> config_fields() {
    return kConfigFields;
}

ConfigFieldValues config_to_fields(const QuantConfig& config) {
    ConfigFieldValues values;
    for (const ConfigField& field : kConfigFields) {
        values.emplace_back(field.name, field.get(config));
    }
    return values;
}

QuantConfig config_from_fields(const ConfigFieldValues& values) {
    QuantConfig config;
    for (const auto& entry : values) {
        // A named reference, not a structured binding: lambdas capture it in C++20 (clang).
        const std::string& name = entry.first;
        if (std::count_if(values.begin(), values.end(),
                          [&](const auto& v) { return v.first == name; }) > 1) {
            throw UsageError("config field '" + name + "' is given twice");
        }
        if (std::none_of(std::begin(kConfigFields), std::end(kConfigFields),
                         [&](const ConfigField& f) { return f.name == name; })) {
            throw UsageError("unknown config field '" + name + "'");
        }
    }
    // Table order: the format first, so that the fields after it win over its defaults.
    for (const ConfigField& field : kConfigFields) {
        for (const auto& [name, text] : values) {
            if (name == field.name) {
                field.set(config, text);
            }
        }
    }
    return config;
}

std::string describe(const QuantConfig& config) {
    if (config.ggml != nullptr) {
        // Calibration and rounding are ggml's: they would only mislead here.
        std::string text = format_name(config) + " (ggml)";
        if (config.outlier_threshold > 0) {
            text += " outliers>" + number_text(config.outlier_threshold);
        }
        return text;
    }
    std::string text = format_name(config);
    text += " ";
    text += to_string(config.scheme);
    if (config.granularity.kind != Granularity::Kind::Tensor) {
        text += " " + to_string(config.granularity);
    }
    text += " " + to_string(config.calibration) + " ";
    text += to_string(config.rounding);
    if (config.dither != Dither::None) {
        text += " " + std::string(to_string(config.dither)) + "-dither";
    }
    if (config.outlier_threshold > 0) {
        text += " outliers>" + number_text(config.outlier_threshold);
    }
    return text;
}

}  // namespace quantscope
