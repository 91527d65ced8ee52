// One level's table: compiled once per level with QUANTSCOPE_KERNEL_TABLE naming it
// (quantscope_kernels_avx2, ...) and QUANTSCOPE_KERNEL_LEVEL its SimdLevel; the pointers are to
// the per_level functions of the same object.
#include "kernel_table.h"

#if !defined(QUANTSCOPE_KERNEL_TABLE) || !defined(QUANTSCOPE_KERNEL_LEVEL)
#error "kernel_table.cpp is compiled once per level, with QUANTSCOPE_KERNEL_TABLE and _LEVEL"
#endif

extern "C" const quantscope::simd::KernelTable QUANTSCOPE_KERNEL_TABLE = {
    quantscope::SimdLevel::QUANTSCOPE_KERNEL_LEVEL,
    &quantscope::per_level::quantize,
    &quantscope::per_level::quantize_summarized,
    &quantscope::per_level::summarize_values,
    &quantscope::per_level::measure_quantization,
    &quantscope::per_level::make_histogram_plot,
    &quantscope::per_level::finite_range,
    &quantscope::per_level::make_histogram,
    &quantscope::per_level::calibrate,
    &quantscope::per_level::round_to_format,
    &quantscope::per_level::int8_gemm,
    &quantscope::per_level::int8_gemm_path,
    &quantscope::per_level::quantize_iq4_nl,
    &quantscope::per_level::ggml_quantizer,
};
