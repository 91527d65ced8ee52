// The one dispatch point: which level's kernel table the engine's entry points call, chosen once
// from the CPU's features (or QUANTSCOPE_SIMD, or set_simd_level), and the public entry points
// that call through it.
#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>

#include "../formats/ggml_quantize.h"
#include "../ops/integer_gemm.h"
#include "kernel_table.h"
#include "quantscope/common/error.h"

namespace quantscope {
namespace {

// Every table this build holds, narrowest first.
#if defined(QUANTSCOPE_RUNTIME_DISPATCH)
constexpr std::array kTables = {&quantscope_kernels_scalar, &quantscope_kernels_avx2,
                                &quantscope_kernels_avx512};
#else
constexpr std::array kTables = {&QUANTSCOPE_KERNEL_TABLE};
#endif

// Whether this CPU (and its operating system, which must save the wider registers) runs a
// level's instructions. libgcc's checks include the OS's support (XGETBV).
bool cpu_runs(SimdLevel level) {
#if defined(QUANTSCOPE_RUNTIME_DISPATCH)
    switch (level) {
        case SimdLevel::Scalar:
            return true;
        case SimdLevel::Avx2:
            return __builtin_cpu_supports("x86-64-v3") != 0;
        case SimdLevel::Avx512:
            return __builtin_cpu_supports("x86-64-v4") != 0;
    }
    return false;
#else
    // A build without dispatch runs only on CPUs it was compiled for.
    (void)level;
    return true;
#endif
}

const simd::KernelTable* table_of(SimdLevel level) {
    for (const simd::KernelTable* t : kTables) {
        if (t->level == level && cpu_runs(level)) {
            return t;
        }
    }
    return nullptr;
}

const simd::KernelTable* widest_table() {
    const simd::KernelTable* best = kTables.front();
    for (const simd::KernelTable* t : kTables) {
        if (cpu_runs(t->level)) {
            best = t;
        }
    }
    return best;
}

// QUANTSCOPE_SIMD names a level to run at; one this build or CPU lacks is reported on stderr
// and the widest available level is used instead.
const simd::KernelTable* initial_table() {
    const char* requested = std::getenv("QUANTSCOPE_SIMD");
    if (requested == nullptr || *requested == '\0') {
        return widest_table();
    }
    const std::optional<SimdLevel> level = parse_simd_level(requested);
    if (!level) {
        std::fprintf(stderr,
                     "quantscope: QUANTSCOPE_SIMD=%s is not a level (scalar, avx2, avx512); "
                     "using %s\n",
                     requested, to_string(widest_table()->level).data());
        return widest_table();
    }
    if (const simd::KernelTable* t = table_of(*level)) {
        return t;
    }
    std::fprintf(stderr, "quantscope: QUANTSCOPE_SIMD=%s is not available here (%s); using %s\n",
                 requested, simd_description().c_str(), to_string(widest_table()->level).data());
    return widest_table();
}

std::atomic<const simd::KernelTable*>& active() {
    static std::atomic<const simd::KernelTable*> table{initial_table()};
    return table;
}

}  // namespace

std::string_view to_string(SimdLevel level) {
    switch (level) {
        case SimdLevel::Scalar:
            return "scalar";
        case SimdLevel::Avx2:
            return "avx2";
        case SimdLevel::Avx512:
            return "avx512";
    }
    return "scalar";
}

std::optional<SimdLevel> parse_simd_level(std::string_view name) {
    for (SimdLevel level : {SimdLevel::Scalar, SimdLevel::Avx2, SimdLevel::Avx512}) {
        if (name == to_string(level)) {
            return level;
        }
    }
    return std::nullopt;
}

std::vector<SimdLevel> available_simd_levels() {
    std::vector<SimdLevel> levels;
    for (const simd::KernelTable* t : kTables) {
        if (cpu_runs(t->level)) {
            levels.push_back(t->level);
        }
    }
    return levels;
}

bool runtime_simd_dispatch() {
    return kTables.size() > 1;
}

SimdLevel active_simd_level() {
    return simd::active_table().level;
}

void set_simd_level(SimdLevel level) {
    const simd::KernelTable* t = table_of(level);
    if (t == nullptr) {
        throw UsageError("instruction-set level " + std::string(to_string(level)) +
                         " is not available here (" + simd_description() + ")");
    }
    active().store(t, std::memory_order_relaxed);
}

std::string simd_description() {
    std::string text(to_string(active_simd_level()));
    if (runtime_simd_dispatch()) {
        text += " (runtime dispatch:";
        const char* separator = " ";
        for (SimdLevel level : available_simd_levels()) {
            text += separator;
            text += to_string(level);
            separator = ", ";
        }
        text += ")";
    } else {
        text += " (built for this level only)";
    }
    return text;
}

const simd::KernelTable& simd::active_table() {
    return *active().load(std::memory_order_relaxed);
}

// The public entry points: each calls the active level's.

QuantResult quantize(std::span<const float> values, std::span<const std::int64_t> shape,
                     const QuantConfig& config, const QuantizeOptions& options) {
    return simd::active_table().quantize(values, shape, config, options);
}

QuantResult quantize(std::span<const float> values, std::span<const std::int64_t> shape,
                     const QuantConfig& config, const QuantizeOptions& options,
                     const ValueSummary& summary) {
    return simd::active_table().quantize_summarized(values, shape, config, options, summary);
}

ValueSummary summarize_values(std::span<const float> values) {
    return simd::active_table().summarize_values(values);
}

MetricSums measure_quantization(std::span<const float> values, const GroupParameters& params,
                                const QuantConfig& config) {
    return simd::active_table().measure_quantization(values, params, config);
}

HistogramPlot make_histogram_plot(std::span<const float> values, const QuantResult& result,
                                  const QuantConfig& config, std::size_t bins,
                                  std::optional<ClipRange> range) {
    return simd::active_table().make_histogram_plot(values, result, config, bins, range);
}

ValueRange finite_range(std::span<const float> values) {
    return simd::active_table().finite_range(values);
}

Histogram make_histogram(std::span<const float> values, double lo, double hi, std::size_t bins) {
    return simd::active_table().make_histogram(values, lo, hi, bins);
}

ClipRange calibrate(std::span<const float> values, const QuantConfig& config) {
    return simd::active_table().calibrate(values, config);
}

std::int64_t round_to_format(std::span<const float> input, std::span<float> output,
                             const FloatFormat& format, Rounding rounding, Saturation saturation,
                             std::uint64_t seed, std::uint64_t first_index) {
    return simd::active_table().round_to_format(input, output, format, rounding, saturation, seed,
                                                first_index);
}

}  // namespace quantscope

namespace quantscope::ops_detail {

void int8_gemm(const std::int8_t* a, const std::int8_t* b, std::int32_t* c, std::size_t m,
               std::size_t k, std::size_t n, const std::atomic<bool>* cancel) {
    simd::active_table().int8_gemm(a, b, c, m, k, n, cancel);
}

const char* int8_gemm_path() {
    return simd::active_table().int8_gemm_path();
}

}  // namespace quantscope::ops_detail

namespace quantscope::ggml {

void quantize_iq4_nl(const float* in, std::byte* out, std::size_t blocks) {
    simd::active_table().quantize_iq4_nl(in, out, blocks);
}

template <std::uint32_t Id>
void quantize_at_active_level(const float* in, std::byte* out, std::size_t blocks) {
    simd::active_table().ggml_quantizer(Id)(in, out, blocks);
}
template void quantize_at_active_level<2>(const float*, std::byte*, std::size_t);   // q4_0
template void quantize_at_active_level<3>(const float*, std::byte*, std::size_t);   // q4_1
template void quantize_at_active_level<6>(const float*, std::byte*, std::size_t);   // q5_0
template void quantize_at_active_level<7>(const float*, std::byte*, std::size_t);   // q5_1
template void quantize_at_active_level<8>(const float*, std::byte*, std::size_t);   // q8_0
template void quantize_at_active_level<10>(const float*, std::byte*, std::size_t);  // q2_K
template void quantize_at_active_level<11>(const float*, std::byte*, std::size_t);  // q3_K
template void quantize_at_active_level<12>(const float*, std::byte*, std::size_t);  // q4_K
template void quantize_at_active_level<13>(const float*, std::byte*, std::size_t);  // q5_K
template void quantize_at_active_level<14>(const float*, std::byte*, std::size_t);  // q6_K

}  // namespace quantscope::ggml
