#pragma once
// The codes and sub-block maps of ggml's linear block types (those with a reference quantizer):
// every value of such a block is scale * e + offset (or scale * e for the types without an
// offset) with e its element value and (scale, offset) its sub-block's map. The dequantizers of
// these types are unpack + that product (ggml_types.cpp), so both agree by construction.
// Layouts: ggml-common.h's block_* structs; the float products keep ggml's order.

#include <cstddef>
#include <cstdint>

#include "quantscope/formats/ggml_types.h"

namespace quantscope::ggml {

void unpack_q4_0(const std::byte* block, std::int8_t* e, GgmlSubBlock* maps);
void unpack_q4_1(const std::byte* block, std::int8_t* e, GgmlSubBlock* maps);
void unpack_q5_0(const std::byte* block, std::int8_t* e, GgmlSubBlock* maps);
void unpack_q5_1(const std::byte* block, std::int8_t* e, GgmlSubBlock* maps);
template <std::size_t CodesAt>  // q8_0: 2, q8_1: 4 (its sum of codes only serves dot products)
void unpack_q8(const std::byte* block, std::int8_t* e, GgmlSubBlock* maps);
void unpack_q2_k(const std::byte* block, std::int8_t* e, GgmlSubBlock* maps);
void unpack_q3_k(const std::byte* block, std::int8_t* e, GgmlSubBlock* maps);
template <bool Five>  // q4_K, q5_K
void unpack_q45_k(const std::byte* block, std::int8_t* e, GgmlSubBlock* maps);
void unpack_q6_k(const std::byte* block, std::int8_t* e, GgmlSubBlock* maps);
void unpack_iq4_nl(const std::byte* block, std::int8_t* e, GgmlSubBlock* maps);

// Decodes blocks through Unpack: y = scale * e (+ offset when Offset), ggml's dequantize_row_*.
template <GgmlUnpack Unpack, std::size_t Elements, std::size_t Bytes, std::size_t SubBlock,
          bool Offset>
void unpacked(const std::byte* in, float* out, std::size_t blocks) {
    for (std::size_t b = 0; b < blocks; ++b, in += Bytes, out += Elements) {
        std::int8_t e[Elements];
        GgmlSubBlock maps[Elements / SubBlock];
        Unpack(in, e, maps);
        for (std::size_t i = 0; i < Elements; ++i) {
            const GgmlSubBlock& m = maps[i / SubBlock];
            const float scaled = m.scale * static_cast<float>(e[i]);
            // No +0 offset where ggml adds none: -0 + 0 would turn ggml's -0 into +0.
            out[i] = Offset ? scaled + m.offset : scaled;
        }
    }
}

}  // namespace quantscope::ggml
