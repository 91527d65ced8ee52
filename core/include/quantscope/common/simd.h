#pragma once
// The instruction-set level the engine's kernels run at. A build with runtime dispatch
// (QUANTSCOPE_RUNTIME_DISPATCH, the `dist` preset) holds the kernels compiled once per level and
// picks the widest the CPU has when first asked; QUANTSCOPE_SIMD=scalar|avx2|avx512 in the
// environment, or set_simd_level(), chooses another (tests and benchmarks). A build without it
// holds one level, the one it was compiled for. Every level gives the same results, bit for bit.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace quantscope {

enum class SimdLevel {
    Scalar,  // no AVX: the plain C++ paths (no intrinsics), x86-64-v2 or whatever the CPU is
    Avx2,    // x86-64-v3: AVX2, FMA, F16C, BMI2
    Avx512,  // x86-64-v4: AVX-512 F, BW, CD, DQ, VL
};

std::string_view to_string(SimdLevel level);
std::optional<SimdLevel> parse_simd_level(std::string_view name);

// The levels this build holds that this CPU can run, narrowest first.
std::vector<SimdLevel> available_simd_levels();
// Whether this build chooses among levels at run time.
bool runtime_simd_dispatch();

// The level the kernels run at.
SimdLevel active_simd_level();
// Runs the kernels at `level` from now on (UsageError if it is not available). Not meant to be
// called while another thread quantizes.
void set_simd_level(SimdLevel level);

// One line for --version and the About box: "avx512 (runtime dispatch: scalar, avx2, avx512)".
std::string simd_description();

}  // namespace quantscope
