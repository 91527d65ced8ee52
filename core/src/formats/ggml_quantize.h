#pragma once
// ggml's reference quantizers (quantize_row_*_ref in ggml-quants.c, no importance matrix): each
// writes `blocks` blocks from blocks * block_elements floats, bit for bit what ggml stores.

#include <cstddef>
#include <cstdint>

namespace quantscope::ggml {

void quantize_q4_0(const float* in, std::byte* out, std::size_t blocks);
void quantize_q4_1(const float* in, std::byte* out, std::size_t blocks);
void quantize_q5_0(const float* in, std::byte* out, std::size_t blocks);
void quantize_q5_1(const float* in, std::byte* out, std::size_t blocks);
void quantize_q8_0(const float* in, std::byte* out, std::size_t blocks);
void quantize_q8_1(const float* in, std::byte* out, std::size_t blocks);
void quantize_q2_k(const float* in, std::byte* out, std::size_t blocks);
void quantize_q3_k(const float* in, std::byte* out, std::size_t blocks);
void quantize_q4_k(const float* in, std::byte* out, std::size_t blocks);
void quantize_q5_k(const float* in, std::byte* out, std::size_t blocks);
void quantize_q6_k(const float* in, std::byte* out, std::size_t blocks);
void quantize_iq4_nl(const float* in, std::byte* out, std::size_t blocks);

// The quantizer of the ggml type with id `Id` (q4_0 ... q6_K) at the active instruction-set
// level, the copy quantize() runs (these files are compiled per level;
// core/src/simd/dispatch.cpp). GgmlType's pointers are these, so that the GGUF export and the
// reference route run the CPU's widest copy too, not the x86-64-v2 build's SSE one.
template <std::uint32_t Id>
void quantize_at_active_level(const float* in, std::byte* out, std::size_t blocks);

}  // namespace quantscope::ggml
