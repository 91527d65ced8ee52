#pragma once
// How an optimizer's state tensors are stored between steps (docs/design.md "8-bit optimizer
// states"): FP32, or 8 bits with one FP32 absmax per block of 2048 values, as bitsandbytes'
// 8-bit optimizers store them (Dettmers et al., "8-bit Optimizers via Block-wise Quantization",
// ICLR 2022):
//   int8      linear: the first moment as int8 symmetric (s = absmax / 127), the second moment,
//             never negative, as uint8 symmetric (s = absmax / 255): the same 256 levels, evenly
//             spaced;
//   dynamic8  the non-linear dynamic maps: dynamic8 for the first moment, udynamic8 for the
//             second (formats/dynamic_map.h), scaled by the block's absmax.
// Storing runs the engine's quantizer (quantize(), nearest-even), so the stored state is exactly
// dequantize(quantize(x)) under moment_config().

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "quantscope/quant/quant_config.h"

namespace quantscope {

enum class StateFormat { Fp32, Int8, Dynamic8 };
enum class Moment { First, Second };

// bitsandbytes' block for optimizer states.
inline constexpr std::int64_t kStateBlock = 2048;

// Every state format, FP32 first.
std::span<const StateFormat> state_formats();
// "fp32", "int8", "dynamic8": the CLI's names.
std::string_view to_string(StateFormat format);
std::optional<StateFormat> parse_state_format(std::string_view name);
// "FP32", "int8 linear", "dynamic map": for legends and tables.
std::string_view state_format_label(StateFormat format);

// The config a moment is quantized with; nullopt for FP32 (stored as is).
std::optional<QuantConfig> moment_config(StateFormat format, Moment moment);

// What a stored tensor differs from the values it stands for, as sums that add up over tensors
// and blocks.
struct StateError {
    double sum_error2 = 0;     // sum (x - stored)^2
    double sum_value2 = 0;     // sum x^2
    std::int64_t nonzero = 0;  // values x != 0
    std::int64_t zeroed = 0;   // of those, stored as 0
    // sqrt(sum (x - stored)^2 / sum x^2); 0 when both sums are 0, +inf for an all-zero x
    // stored with an error.
    double relative_rms() const;
    // zeroed / nonzero, 0 when no value is non-zero: for the second moment, a flushed v turns
    // the update m / (sqrt(v) + eps) into m / eps.
    double zeroed_fraction() const;
    StateError& operator+=(const StateError& other);
};

// `stored` against `values` (the same length).
StateError compare_state(std::span<const float> values, std::span<const float> stored);

// Replaces `values` by what `format` stores of them, dequantize(quantize(values)) with blocks
// counted from the start of the span (one tensor's state), and returns what that lost.
StateError store_state(std::span<float> values, StateFormat format, Moment moment);

// Bytes a moment of `count` values takes: 4 per value in FP32; in 8 bits, one per value plus
// the blocks' FP32 absmax, as storage_for() counts a config's storage.
std::int64_t state_bytes(std::int64_t count, StateFormat format, Moment moment);

}  // namespace quantscope
