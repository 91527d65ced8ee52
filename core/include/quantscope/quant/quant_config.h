#pragma once
// What to do to a tensor: the format, how values are mapped onto it, over which groups, how the
// clipping range is chosen, and how values round. Text forms match the CLI flags.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quantscope/formats/format.h"
#include "quantscope/formats/ggml_types.h"
#include "quantscope/formats/rounding.h"
#include "quantscope/quant/dither.h"

namespace quantscope {

// symmetric/affine apply to integer formats (DESIGN.md "Integer schemes"); scaled/direct to
// float and lookup formats: scaled maps the clipping threshold T onto the format's largest
// value (s = T / max), direct rounds the values as they are (s = 1).
enum class Scheme { Symmetric, Affine, Scaled, Direct };

// Block-scaled formats (DESIGN.md "Formats"): the element format plus a shared scale per block
// along the last axis.
//   MX (OCP Microscaling v1.0): blocks of 32, scale 2^(floor(log2 amax) - emax_elem) as E8M0.
//   NVFP4: blocks of 16 of E2M1, scale amax/6 stored as FP8 E4M3, times an FP32 tensor scale
//          amax_tensor / (448 * 6).
//   Ggml:  one of ggml's block types (QuantConfig::ggml, ggml_config.h): its reference quantizer
//          sets each block's scales, mins and codes.
enum class BlockScaling { None, MX, NVFP4, Ggml };

// How the clipping range is chosen (DESIGN.md "Calibration").
enum class CalibrationMethod { MinMax, Percentile, KL, MSE, Sigma, Manual };

struct Calibration {
    CalibrationMethod method = CalibrationMethod::MinMax;
    double parameter = 0;   // P for percentile (e.g. 99.9), K for sigma
    double manual_min = 0;  // used by Manual
    double manual_max = 0;

    // Equal when they choose the same range: a parameter the method does not use is ignored.
    bool operator==(const Calibration& other) const;
};

// "minmax", "percentile:99.9", "kl", "mse", "sigma:3", "manual:-1,2". Throws UsageError.
Calibration parse_calibration(std::string_view text);
std::string to_string(const Calibration& calibration);

// Which values share one scale (DESIGN.md "Granularity"): the whole tensor; each index along
// an axis (per channel; vector-wise = per row); or blocks of N consecutive values along the
// last axis, the last block of a row allowed to be short.
struct Granularity {
    enum class Kind { Tensor, Channel, Block };
    Kind kind = Kind::Tensor;
    int axis = 0;             // Channel: may be negative, counted from the end
    std::int64_t block = 32;  // Block: N >= 1

    // Equal when they make the same groups: the axis counts only per channel, the block size
    // only per block.
    bool operator==(const Granularity& other) const;
};

// "tensor", "channel" (axis 0), "channel:AXIS", "block:N". Throws UsageError.
Granularity parse_granularity(std::string_view text);
std::string to_string(const Granularity& granularity);

// Why a granularity does not fit a tensor of this shape (an empty shape is 1-D), or an empty
// string when it does: a channel axis outside the shape, per channel where every value would be
// its own group (a 1-D tensor, or every other axis of extent 1), a block size below 1. The GUI
// disables such choices with this text; quantize() and the CLI refuse them with it.
std::string granularity_problem(const Granularity& granularity,
                                std::span<const std::int64_t> shape);

struct QuantConfig {
    Format format{IntegerFormat{}};  // the element format
    BlockScaling block_scaling = BlockScaling::None;
    // The ggml type of BlockScaling::Ggml (null otherwise); the format, scheme and granularity
    // are then the type's (ggml_config.h).
    const GgmlType* ggml = nullptr;
    Scheme scheme = Scheme::Symmetric;
    Granularity granularity;
    Calibration calibration;
    Rounding rounding = Rounding::NearestEven;
    std::uint64_t seed = 0;  // for stochastic rounding and dither
    // Noise added to x / s before rounding (dither.h); integer formats without block scaling.
    Dither dither = Dither::None;
    // LLM.int8()-style mixed precision (Dettmers et al. 2022): values with |x| above this stay
    // in FP16 and take no part in calibration; the rest is quantized. 0 = no outliers kept.
    double outlier_threshold = 0;

    // Field by field; a config_fields() test fails when a field is added here and not there.
    bool operator==(const QuantConfig& other) const = default;
};

// Sets the format from a name: any format (parse_format) or a block-scaled config: mxfp8_e4m3,
// mxfp8_e5m2, mxfp6_e2m3, mxfp6_e3m2, mxfp4, mxint8 (blocks of 32), nvfp4 (blocks of 16), or
// one of ggml's block types (ggml_config.h; ggml's spelling "q4_K" or lower case).
// Block-scaled configs and lookup formats (absmax per block: 64 for nf4, as QLoRA; 2048 for
// dynamic8 / udynamic8, as 8-bit Adam) also set the granularity;
// the scheme moves to one the format takes (symmetric for integers, scaled for the others).
// Throws UsageError on an unknown name.
void apply_format(QuantConfig& config, std::string_view name);
// The name apply_format takes back: "mxfp4", "nvfp4", ggml's type name ("q4_K"), or the
// format's own name.
std::string format_name(const QuantConfig& config);
// The block-scaled config names, for menus and help.
const std::vector<std::string>& block_format_names();
// Throws UsageError when the parts of a config do not fit together (a scheme the format does not
// take, a block format with another granularity).
void check_config(const QuantConfig& config);

std::string_view to_string(Scheme scheme);
std::optional<Scheme> parse_scheme(std::string_view name);

// The fields of a config by name, in the text forms of the CLI's flags: the one map between a
// config and its names and JSON, both ways (the CLI's flags and JSON, session files, exports).
struct ConfigField {
    // "format", "scheme", "granularity", "calibration", "rounding", "seed", "outlier_threshold",
    // "dither"
    std::string_view name;
    // A JSON number; otherwise a JSON string (the seed: 64 bits, more than a number holds).
    bool json_number;
    std::string (*get)(const QuantConfig& config);
    // Throws UsageError on a value that does not parse.
    void (*set)(QuantConfig& config, std::string_view text);
};
// In order, "format" first: setting it also sets the format's own scheme and granularity.
std::span<const ConfigField> config_fields();
// (name, text) of every field, in the order of config_fields().
using ConfigFieldValues = std::vector<std::pair<std::string, std::string>>;
ConfigFieldValues config_to_fields(const QuantConfig& config);
// A default config with the given fields set, the format first whatever the order, so that
// the other fields given win over its defaults. Throws UsageError on an unknown or repeated
// name or a value that does not parse.
QuantConfig config_from_fields(const ConfigFieldValues& values);
// "int8 symmetric minmax nearest-even" (plus " outliers>T", " tpdf-dither"): one line for
// titles and tables.
std::string describe(const QuantConfig& config);

}  // namespace quantscope
