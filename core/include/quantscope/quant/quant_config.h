#pragma once
// What to do to a tensor: the format, how values are mapped onto it, over which groups, how the
// clipping range is chosen, and how values round. Text forms match the CLI flags.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "quantscope/formats/integer_format.h"
#include "quantscope/formats/rounding.h"

namespace quantscope {

// symmetric/affine apply to integer formats (DESIGN.md "Integer schemes").
enum class Scheme { Symmetric, Affine };

// How the clipping range is chosen (DESIGN.md "Calibration").
enum class CalibrationMethod { MinMax, Percentile, KL, MSE, Sigma, Manual };

struct Calibration {
    CalibrationMethod method = CalibrationMethod::MinMax;
    double parameter = 0;   // P for percentile (e.g. 99.9), K for sigma
    double manual_min = 0;  // used by Manual
    double manual_max = 0;
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
};

// "tensor", "channel" (axis 0), "channel:AXIS", "block:N". Throws UsageError.
Granularity parse_granularity(std::string_view text);
std::string to_string(const Granularity& granularity);

struct QuantConfig {
    IntegerFormat format;
    Scheme scheme = Scheme::Symmetric;
    Granularity granularity;
    Calibration calibration;
    Rounding rounding = Rounding::NearestEven;
    std::uint64_t seed = 0;  // for stochastic rounding
};

std::string_view to_string(Scheme scheme);
std::optional<Scheme> parse_scheme(std::string_view name);
// "int8 symmetric minmax nearest-even": one line for titles and tables.
std::string describe(const QuantConfig& config);

}  // namespace quantscope
