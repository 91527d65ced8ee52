#pragma once
// The engine's entry points compiled once per instruction-set level (runtime dispatch). Each is
// defined in namespace per_level beside the code it runs (quantizer.cpp, calibration.cpp, ...);
// the public function of the same name (dispatch.cpp) calls the one of the active level's
// table. A build with runtime dispatch compiles the files that define them, and the files
// their loops live in, once per level into an object that exports only its table
// (core/src/simd/sources.cmake). Internal to core.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "quantscope/common/simd.h"
#include "quantscope/formats/float_format.h"
#include "quantscope/formats/ggml_types.h"
#include "quantscope/quant/calibration.h"
#include "quantscope/quant/histogram.h"
#include "quantscope/quant/quantizer.h"

namespace quantscope::per_level {

QuantResult quantize(std::span<const float> values, std::span<const std::int64_t> shape,
                     const QuantConfig& config, const QuantizeOptions& options);
QuantResult quantize_summarized(std::span<const float> values, std::span<const std::int64_t> shape,
                                const QuantConfig& config, const QuantizeOptions& options,
                                const ValueSummary& summary);
ValueSummary summarize_values(std::span<const float> values);
MetricSums measure_quantization(std::span<const float> values, const GroupParameters& params,
                                const QuantConfig& config);
HistogramPlot make_histogram_plot(std::span<const float> values, const QuantResult& result,
                                  const QuantConfig& config, std::size_t bins,
                                  std::optional<ClipRange> range);
ValueRange finite_range(std::span<const float> values);
Histogram make_histogram(std::span<const float> values, double lo, double hi, std::size_t bins);
ClipRange calibrate(std::span<const float> values, const QuantConfig& config);
std::int64_t round_to_format(std::span<const float> input, std::span<float> output,
                             const FloatFormat& format, Rounding rounding, Saturation saturation,
                             std::uint64_t seed, std::uint64_t first_index);
// The quantized operators' int8 product (core/src/ops/integer_gemm.h) and the path it takes.
void int8_gemm(const std::int8_t* a, const std::int8_t* b, std::int32_t* c, std::size_t m,
               std::size_t k, std::size_t n, const std::atomic<bool>* cancel);
const char* int8_gemm_path();
// ggml's iq4_nl quantizer (core/src/formats/ggml_quantize.h).
void quantize_iq4_nl(const float* x, std::byte* out, std::size_t blocks);
// This level's quantizer of the ggml type with that id (q4_0 ... q6_K, iq4_nl), null for
// another id (core/src/quant/ggml_route.cpp).
GgmlQuantize ggml_quantizer(std::uint32_t id);

}  // namespace quantscope::per_level

namespace quantscope::simd {

struct KernelTable {
    SimdLevel level;
    decltype(&per_level::quantize) quantize;
    decltype(&per_level::quantize_summarized) quantize_summarized;
    decltype(&per_level::summarize_values) summarize_values;
    decltype(&per_level::measure_quantization) measure_quantization;
    decltype(&per_level::make_histogram_plot) make_histogram_plot;
    decltype(&per_level::finite_range) finite_range;
    decltype(&per_level::make_histogram) make_histogram;
    decltype(&per_level::calibrate) calibrate;
    decltype(&per_level::round_to_format) round_to_format;
    decltype(&per_level::int8_gemm) int8_gemm;
    decltype(&per_level::int8_gemm_path) int8_gemm_path;
    decltype(&per_level::quantize_iq4_nl) quantize_iq4_nl;
    decltype(&per_level::ggml_quantizer) ggml_quantizer;
};

// The table the public entry points call through (selected once, on first use).
const KernelTable& active_table();

}  // namespace quantscope::simd

// Each level's table, under a C name that the build keeps global in that level's object.
extern "C" {
extern const quantscope::simd::KernelTable quantscope_kernels_scalar;
extern const quantscope::simd::KernelTable quantscope_kernels_avx2;
extern const quantscope::simd::KernelTable quantscope_kernels_avx512;
}
