#pragma once
// A worked example (docs/design.md "Worked examples"): a short vector quantized step by step,
// every number of the whole-tensor reference (reference_quantizer.h) laid out for a reader:
// each group's range, scale and zero point with their formulas and numbers, then one row per
// value: x, x / s, the rounding and its rule, + z, the clamp, the code and its bits, Q(x) and
// the error; and the totals. `quantscope-cli steps` and the window's Steps tab both show this.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "quantscope/quant/quant_config.h"
#include "quantscope/quant/quantizer.h"

namespace quantscope {

struct WorkedGroup {
    double range_lo = 0;  // the clipping range calibration chose (MX, NVFP4: -amax, amax)
    double range_hi = 0;
    GroupParameters params;
    std::string scale_formula;         // "s = T / (2^(K-1) - 1) = 3.5 / 127 = 0.0275591"
    std::string zero_point_formula;    // "z = qmin - round(A / s) = 0 - round(-106.25) = 106"
    std::vector<std::size_t> members;  // the values' positions in the vector
};

struct WorkedRow {
    std::size_t index = 0;
    std::size_t group = 0;
    float x = 0;
    float scaled = 0;      // x / s, in the float arithmetic every path uses
    float rounded = 0;     // scaled rounded (integers: before the zero point and the clamp)
    double shifted = 0;    // rounded + z (integers; the scaled formats: rounded)
    std::string rule;      // how `rounded` came: "nearest", "tie: to even", "toward zero", ...
    bool clamped = false;  // the code was clamped to the format's range (integers)
    bool clipped = false;  // beyond the group's clipping limits
    bool outlier = false;  // kept in FP16
    std::int32_t code = 0;
    std::string bits;  // the code's bits (two's complement, unsigned, or the float's fields)
    float dequantized = 0;
    double error = 0;  // x - Q(x)
    // The largest error rounding alone can give here: s / 2 for integers, half the element
    // format's spacing at the rounded value times s for the others (0 for kept outliers).
    double bound = 0;
};

struct WorkedExample {
    QuantConfig config;
    std::vector<std::int64_t> shape;
    std::vector<WorkedGroup> groups;
    std::vector<WorkedRow> rows;
    double tensor_scale = 1;  // NVFP4's FP32 tensor scale
    Metrics metrics;          // MSE, SQNR, max |error| of the reference
    double max_bound = 0;     // the largest row bound among values not clipped
    Storage storage;          // N*K/8 bytes plus the scales and zero points
    std::vector<std::string> notes;
};

// A float32 of the example as the shortest text that reads back to it: 10.499999 is not shown as
// 10.5, so a reader never sees a "tie" the float arithmetic did not have.
std::string float_text(float v);

// At most this many values: a worked example is read row by row.
inline constexpr std::size_t kMaxWorkedValues = 64;

// Throws UsageError for more than kMaxWorkedValues values, a shape that does not hold them, or a
// config that does not fit (as quantize() would).
WorkedExample work_example(std::span<const float> values, std::span<const std::int64_t> shape,
                           const QuantConfig& config);

// The worked examples of docs/design.md, ready to run: the window's presets and
// `quantscope-cli steps --preset NAME`.
struct WorkedPreset {
    std::string name;   // "affine-uint8-away"
    std::string title;  // what it shows, one line
    std::vector<float> values;
    std::vector<std::int64_t> shape;
    QuantConfig config;
};
const std::vector<WorkedPreset>& worked_presets();

}  // namespace quantscope
