#pragma once
// Quantize a tensor under a QuantConfig and measure what it did.
//   symmetric: s = T / (2^(K-1) - 1), z = 0, q = clamp(round(x / s), qmin, qmax)
//   affine:    [A, B] widened to hold 0, s = (B - A) / (2^K - 1), z = qmin - round(A / s),
//              q = clamp(round(x / s) + z, qmin, qmax)
// Q(x) = (q - z) * s. Float, lookup and block-scaled formats (MX, NVFP4, NF4) scale instead:
// Q(x) = R(x / s) * s with R rounding into the element format (see quant_config.h).
// NaN and Inf inputs are excluded from calibration and metrics, counted, and
// passed through unchanged so that they are never hidden.

#include <atomic>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "quantscope/common/buffer.h"

#include "quantscope/common/tensor.h"
#include "quantscope/quant/calibration.h"
#include "quantscope/quant/histogram.h"
#include "quantscope/quant/metrics.h"
#include "quantscope/quant/storage.h"
#include "quantscope/quant/quant_config.h"

namespace quantscope {

struct GroupParameters {
    double scale = 1;
    std::int32_t zero_point = 0;
    double clip_min = 0;  // the range the codes cover: (qmin - z) * s .. (qmax - z) * s
    double clip_max = 0;
};

// quantize() writes every group's parameters: resizing QuantResult::groups leaves them unset.
template <>
struct LeftUnsetOnResize<GroupParameters> : std::true_type {};

struct QuantResult {
    FloatBuffer dequantized;
    std::vector<std::int32_t> codes;  // filled only when asked for
    LargeVector<GroupParameters> groups;
    Metrics metrics;
    Storage storage;
    double clip_min = 0;  // the clipping range, for drawing
    double clip_max = 0;
    // What the numbers alone do not say, one sentence each, for people (docs/design.md
    // "Degenerate clipping ranges"): an empty tensor, no finite value, a zero or subnormal
    // range and the scale it got, levels capped below the float32 maximum, a calibration the
    // format does not use.
    std::vector<std::string> notes;
};

struct QuantizeOptions {
    bool keep_codes = false;
    // When set, checked every few thousand values: once true, quantize() stops and throws
    // Cancelled (error.h). The GUI sets it when a newer request supersedes a running job.
    const std::atomic<bool>* cancel = nullptr;
};

// What quantize() needs to know of the values whatever the config: their finite range. Computed
// once per tensor and shared by sweeps and by views that try many configs.
struct ValueSummary {
    ValueRange range;
};
ValueSummary summarize_values(std::span<const float> values);

// The same, with a summary computed beforehand (it must describe these values).
QuantResult quantize(std::span<const float> values, std::span<const std::int64_t> shape,
                     const QuantConfig& config, const QuantizeOptions& options,
                     const ValueSummary& summary);

// `shape` gives the axes that channel and block granularity refer to; an empty shape means a
// 1-D tensor. Throws UsageError when the shape does not match the values or the granularity
// does not fit the shape.
QuantResult quantize(std::span<const float> values, std::span<const std::int64_t> shape,
                     const QuantConfig& config, const QuantizeOptions& options = {});
// A 1-D tensor.
QuantResult quantize(std::span<const float> values, const QuantConfig& config,
                     const QuantizeOptions& options = {});

// The parameters a config chooses for these values (calibration only, no quantization).
GroupParameters choose_parameters(std::span<const float> values, const QuantConfig& config);
// The scale and zero point that map a clipping range onto the config's format and scheme.
GroupParameters parameters_for_range(const ClipRange& range, const QuantConfig& config);
// Where clipping starts for a group (DESIGN.md "Clipping"): the outer edges of its outermost
// cells, half a step beyond the end levels. The metrics count a value beyond them as clipped;
// min-max calibration puts every value inside.
ClipRange clipping_bounds(const GroupParameters& params, const QuantConfig& config);
// Metric sums of quantizing with given parameters, without keeping Q(x) (for searches).
MetricSums measure_quantization(std::span<const float> values, const GroupParameters& params,
                                const QuantConfig& config);

// Every value the codes can take, (q - z) * s for q in [qmin, qmax], ascending.
std::vector<double> quantization_levels(const GroupParameters& params, const IntegerFormat& format);
// The same for any config: the element format's finite values times the scale (empty for
// formats of more than 12 bits, whose levels are too many to draw).
std::vector<double> quantization_levels(const GroupParameters& params, const QuantConfig& config);

// Scalar reference: one value, no vectorization, for tests.
float quantize_value_reference(float x, const GroupParameters& params, const QuantConfig& config,
                               std::uint64_t index);

// What the histogram view draws: original and dequantized counts on the same bins, the levels
// and the clipping range.
struct HistogramPlot {
    Histogram original;
    Histogram dequantized;
    // E = x - Q(x), automatic bins over the span of the errors of the values inside the clipping
    // range; errors outside that span (clipped values more than the in-range error beyond the
    // clip) are counted in error.below / error.above.
    Histogram error;
    std::vector<double> levels;
    double clip_min = 0;
    double clip_max = 0;
};
// `range` fixes the bins' span (a zoomed view); by default they span the values and the
// clipping range. With bins = 0 and a per-tensor config of at most kMaxAlignedLevels levels, the
// bins are aligned to the rounding cells (each level at a bin centre); otherwise `bins` equal bins
// (or an automatic count) span the values and the clipping range.
inline constexpr std::size_t kMaxAlignedLevels = 1024;
inline constexpr std::size_t kMaxAlignedBins = 2048;
HistogramPlot make_histogram_plot(std::span<const float> values, const QuantResult& result,
                                  const QuantConfig& config, std::size_t bins = 0,
                                  std::optional<ClipRange> range = std::nullopt);

}  // namespace quantscope
