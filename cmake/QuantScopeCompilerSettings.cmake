# Warnings, instruction set, sanitizers and ccache, applied through one interface target
# (quantscope_build_settings) that every project target links PRIVATE. It is
# quantscope_common_settings (everything but the instruction set) plus the build's -march; the
# objects compiled once per level for runtime dispatch take the first with their own -march.
include_guard(GLOBAL)

find_program(QUANTSCOPE_CCACHE ccache)
if(QUANTSCOPE_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
    # ccache caches a compile that uses a precompiled header only with these sloppiness settings
    # (the Qt targets use one, quantscope_precompile_qt below).
    set(CMAKE_CXX_COMPILER_LAUNCHER
        "${CMAKE_COMMAND};-E;env;CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime;${QUANTSCOPE_CCACHE}")
endif()

# The Qt targets' files spend a third of their compile time (more under ASan) parsing the same
# Qt headers: one precompiled header of the Qt modules per library, and one shared by the GUI
# tests (`reuse_from`, a target compiled with the same flags).
function(quantscope_precompile_qt target)
    cmake_parse_arguments(PARSE_ARGV 1 arg "" "REUSE_FROM" "")
    if(arg_REUSE_FROM)
        target_precompile_headers(${target} REUSE_FROM ${arg_REUSE_FROM})
    else()
        target_precompile_headers(${target} PRIVATE <QtWidgets/QtWidgets> <QtCharts/QtCharts>)
    endif()
endfunction()

add_library(quantscope_common_settings INTERFACE)
add_library(quantscope_build_settings INTERFACE)
target_link_libraries(quantscope_build_settings INTERFACE quantscope_common_settings)
target_compile_options(quantscope_common_settings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
    -Wnull-dereference -Wimplicit-fallthrough)
# Bit-exactness: GCC's C++ default (-ffp-contract=fast) fuses a*b+c into one FMA where it
# likes, so a vectorized loop and its scalar reference could round differently.
target_compile_options(quantscope_common_settings INTERFACE -ffp-contract=off)
# Vectorization: with trapping math GCC keeps the arithmetic of one side of a select under a
# branch (it might raise an FP exception) and refuses to vectorize the loop; the histogram and
# rounding kernels ran scalar because of it. QuantScope never unmasks FP exceptions and never
# reads errno, so both assumptions are free; results are bit-identical.
target_compile_options(quantscope_common_settings INTERFACE -fno-trapping-math -fno-math-errno)
# `#pragma omp simd` on the lane loops of the fused kernels vectorizes them whatever GCC's cost
# model says: it judged some instantiations not profitable and left them scalar, three to four
# times slower. -fopenmp-simd enables that pragma only (no OpenMP runtime).
target_compile_options(quantscope_common_settings INTERFACE -fopenmp-simd)
# GCC 12 at -O3 reports std::string concatenation as overlapping memcpy (GCC bug 105329).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(quantscope_common_settings INTERFACE -Wno-restrict)
endif()
if(QUANTSCOPE_WERROR)
    target_compile_options(quantscope_common_settings INTERFACE -Werror)
endif()

# Hot loops vectorize best with the widest x86-64 level the CPU has. The app is built from
# source on the machine that runs it, so `auto` reads /proc/cpuinfo: x86-64-v4 (AVX-512 F, BW,
# CD, DQ, VL) when present (its masked and 512-bit forms made the float-format and per-channel
# paths 10-30 % faster than v3), else v3 (AVX2, FMA), else v2. Results are bit-identical on every
# level (IEEE float arithmetic, -ffp-contract=off keeps FMA out, and the metric sums use the
# same number of float lanes everywhere).
set(QUANTSCOPE_ARCH "auto" CACHE STRING "x86-64 level to build for: auto, x86-64-v4, x86-64-v3, x86-64-v2, native or none")
set(_cpu_level "scalar")  # the SimdLevel of this machine's CPU (core/include/quantscope/common/simd.h)
set(_cpu_arch "none")
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64" AND EXISTS "/proc/cpuinfo")
    file(READ "/proc/cpuinfo" _cpuinfo LIMIT 65536)
    function(_quantscope_has_flags _out)
        set(_all TRUE)
        foreach(_flag ${ARGN})
            if(NOT _cpuinfo MATCHES "[ \t]${_flag}[ \n]")
                set(_all FALSE)
            endif()
        endforeach()
        set(${_out} ${_all} PARENT_SCOPE)
    endfunction()
    _quantscope_has_flags(_v3 avx2 fma bmi2 f16c movbe)
    _quantscope_has_flags(_v4 avx512f avx512bw avx512cd avx512dq avx512vl)
    if(_v3 AND _v4)
        set(_cpu_arch "x86-64-v4")
        set(_cpu_level "avx512")
    elseif(_v3)
        set(_cpu_arch "x86-64-v3")
        set(_cpu_level "avx2")
    elseif(_cpuinfo MATCHES "[ \t]sse4_2[ \n]")
        set(_cpu_arch "x86-64-v2")
    endif()
endif()
if(QUANTSCOPE_ARCH STREQUAL "auto")
    set(_arch "${_cpu_arch}")
else()
    set(_arch "${QUANTSCOPE_ARCH}")
endif()
if(_arch STREQUAL "none")
    # Plain C++ paths only (core/src/common/simd_level.h), even on x86-64 whose baseline has SSE2;
    # Eigen's own packets too (it reads the intrinsics headers whenever SSE2 is there).
    target_compile_definitions(quantscope_build_settings INTERFACE QUANTSCOPE_PORTABLE
                                                                   EIGEN_DONT_VECTORIZE)
else()
    if(_arch STREQUAL "native")
        target_compile_options(quantscope_build_settings INTERFACE -march=native)
    else()
        target_compile_options(quantscope_build_settings INTERFACE -march=${_arch})
    endif()
endif()
message(STATUS "QuantScope: building for instruction set '${_arch}'")
set(QUANTSCOPE_ARCH_RESOLVED "${_arch}")
# The SimdLevel the build's own code runs at (a build without runtime dispatch reports it).
if(_arch STREQUAL "x86-64-v4")
    set(QUANTSCOPE_ARCH_LEVEL "avx512")
elseif(_arch STREQUAL "x86-64-v3")
    set(QUANTSCOPE_ARCH_LEVEL "avx2")
elseif(_arch STREQUAL "native")
    set(QUANTSCOPE_ARCH_LEVEL "${_cpu_level}")
else()
    set(QUANTSCOPE_ARCH_LEVEL "scalar")
endif()
# The levels this machine's CPU runs (tests run each; core/src/simd/sources.cmake).
set(QUANTSCOPE_CPU_LEVELS "scalar")
if(_cpu_level STREQUAL "avx2")
    list(APPEND QUANTSCOPE_CPU_LEVELS avx2)
elseif(_cpu_level STREQUAL "avx512")
    list(APPEND QUANTSCOPE_CPU_LEVELS avx2 avx512)
endif()

# Runtime dispatch (core/src/simd): the kernels are compiled once per level (scalar, AVX2,
# AVX-512) and the widest the CPU has is chosen at start-up, so that one binary (the `dist`
# preset's, built for the x86-64-v2 baseline) runs fast on any x86-64 machine. On by default on
# x86-64: the Release build then tests every level in one process.
# It needs GCC and GNU ld (-fno-gnu-unique, ld -r --force-group-allocation).
if(_arch STREQUAL "none" OR NOT CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64"
   OR NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    set(_dispatch_default OFF)
else()
    set(_dispatch_default ON)
endif()
option(QUANTSCOPE_RUNTIME_DISPATCH "Compile the kernels once per x86-64 level and choose at run time"
       ${_dispatch_default})
if(QUANTSCOPE_RUNTIME_DISPATCH AND (_arch STREQUAL "none" OR NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU"))
    message(FATAL_ERROR "QUANTSCOPE_RUNTIME_DISPATCH needs GCC and an x86-64 build "
                        "(QUANTSCOPE_ARCH is ${_arch}, the compiler ${CMAKE_CXX_COMPILER_ID})")
endif()

if(QUANTSCOPE_SANITIZERS)
    target_compile_options(quantscope_common_settings INTERFACE
        -fsanitize=${QUANTSCOPE_SANITIZERS} -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(quantscope_common_settings INTERFACE -fsanitize=${QUANTSCOPE_SANITIZERS})
endif()
