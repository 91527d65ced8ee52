#pragma once
// Quantization into float, lookup and block-scaled formats (internal to core/quant):
//   scaled:  s = T / max_elem per group (T the calibrated threshold), Q(x) = R(x * (1/s)) * s
//   direct:  s = 1, Q(x) = R(x)
//   MX:      per block of 32, s = 2^(floor(log2 amax) - emax_elem) (an E8M0 value)
//   NVFP4:   per block of 16, s = E4M3(amax / 6 / S) * S with S = amax_tensor / (448 * 6)
// where R rounds to the element format with saturation. NaN and Inf pass through unchanged.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>

#include "group_layout.h"
#include "kl_counts.h"
#include "quantscope/quant/calibration.h"
#include "quantscope/quant/quantizer.h"

namespace quantscope::detail {

// Integer formats without block scaling take the integer quantizer (quantizer.h's formulas,
// integer_kernels.h); every other config is scaled (this file).
inline bool is_integer_config(const QuantConfig& config) {
    return config.format.kind() == FormatKind::Integer &&
           config.block_scaling == BlockScaling::None;
}

// Values per window of the scaled kernels: a window's scratch arrays (t, r, y, scale, 1/scale)
// stay in L1.
inline constexpr std::size_t kScaledWindow = 1024;

// MXINT8 elements are int8 codes with an implicit scale of 2^-6 (OCP MX v1.0, section 5.3).
inline constexpr float kMxInt8Step = 1.0f / 64.0f;

inline bool is_mx_int8(const QuantConfig& config) {
    return config.block_scaling == BlockScaling::MX && config.format.kind() == FormatKind::Integer;
}

// The code of a +-Inf input, in every config (docs/design.md "Non-finite inputs"): the end code
// its sign saturates to, as a finite value far beyond the range takes (the largest code for
// +Inf, the smallest for -Inf; a float element format's largest finite magnitude with the sign).
// Its Q(x) stays +-Inf. The integer kernels clamp to the same codes in float.
std::int32_t infinite_input_code(float x, const QuantConfig& config);

// Fills result.groups, result.dequantized and (when asked) result.codes; returns the sums.
// `clip_extent` (optional) receives the union of the groups' clipping ranges when the kernel
// found it on the way (aligned blocks), and is left alone otherwise. `block_lo_hi` (optional)
// holds each block's finite min and max (the range pass's), for MX and NVFP4 block scales.
MetricSums quantize_scaled(std::span<const float> values, const GroupLayout& layout,
                           const QuantConfig& config, const QuantizeOptions& options,
                           QuantResult& result, KlCounter* kl = nullptr,
                           const ValueRange* range = nullptr,
                           const std::vector<ClipRange>* strided_ranges = nullptr,
                           std::optional<std::pair<double, double>>* clip_extent = nullptr,
                           const LargeVector<float>* block_lo_hi = nullptr);

// The scale that maps a clipping range onto the element format.
GroupParameters scaled_parameters(const ClipRange& range, const QuantConfig& config);

// Sums of quantizing all values with one group's parameters (threshold searches).
MetricSums measure_scaled(std::span<const float> values, const GroupParameters& params,
                          const QuantConfig& config);

// One value, scalar, through Format::encode: the reference the bulk path is tested against.
float quantize_scaled_value_reference(float x, const GroupParameters& params,
                                      const QuantConfig& config, std::uint64_t index);

// Largest magnitude of the element format (6 for E2M1, 1 for NF4, 127/64 for MXINT8).
double element_max(const QuantConfig& config);

}  // namespace quantscope::detail
