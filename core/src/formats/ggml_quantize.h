#pragma once
// ggml's reference quantizers (quantize_row_*_ref in ggml-quants.c, no importance matrix): each
// writes `blocks` blocks from blocks * block_elements floats, bit for bit what ggml stores.

#include <cstddef>

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

}  // namespace quantscope::ggml
