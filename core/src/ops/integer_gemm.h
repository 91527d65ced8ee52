#pragma once
// The integer matrix product of the quantized operators (docs/design.md "Quantized operators"):
// C = A B with int32 accumulation, A m x k and B k x n row-major. Every sum wraps modulo 2^32
// as int32 hardware does, so a product whose true value leaves the int32 range comes out
// wrapped; the caller measures that risk (quantized_matmul.cpp). Internal to core.

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace quantscope::ops_detail {

// The fast path: int8 operands widened to int16 pairs and multiplied with madd (AVX-512BW or
// AVX2, 16-bit products summed pairwise into int32: exact, no saturation), in register tiles
// over packed panels of B; the plain loops below on other CPUs. Runs on the cores; checks
// `cancel` between tiles and throws Cancelled.
void int8_gemm(const std::int8_t* a, const std::int8_t* b, std::int32_t* c, std::size_t m,
               std::size_t k, std::size_t n, const std::atomic<bool>* cancel);

// The same product as plain loops, one thread: the reference the fast path is tested against.
void int8_gemm_scalar(const std::int8_t* a, const std::int8_t* b, std::int32_t* c, std::size_t m,
                      std::size_t k, std::size_t n);

// Operands wider than int8 (q - z of affine or 9..16-bit formats): plain loops on the cores,
// the same int32 wrap-around.
void int32_gemm(const std::int32_t* a, const std::int32_t* b, std::int32_t* c, std::size_t m,
                std::size_t k, std::size_t n, const std::atomic<bool>* cancel);

// Whether int8_gemm runs SIMD code on this build ("avx512bw", "avx2") or the loops ("scalar").
const char* int8_gemm_path();

}  // namespace quantscope::ops_detail
