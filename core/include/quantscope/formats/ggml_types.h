#pragma once
// ggml's tensor types (the ggml_type ids GGUF files store): the one table of their ids, names,
// block sizes and block dequantizers. A block type stores block_elements values in block_bytes
// bytes (scales, mins and codes); its dequantizer turns whole blocks into float32 exactly as
// ggml's dequantize_row_* does. The IQ types decode through ggml's codebooks
// (core/src/formats/ggml_codebooks.cpp says where they come from).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace quantscope {

// Decodes `blocks` consecutive blocks at `in` into blocks * block_elements floats at `out`.
using GgmlDequantize = void (*)(const std::byte* in, float* out, std::size_t blocks);
// Encodes blocks * block_elements floats at `in` into `blocks` blocks at `out`.
using GgmlQuantize = void (*)(const float* in, std::byte* out, std::size_t blocks);

// The map of one sub-block of a linear block type: its values are scale * e + offset, e the
// element value of each code (the integer code; for iq4_nl the level it indexes).
struct GgmlSubBlock {
    float scale;
    float offset;
};
// Unpacks one block into block_elements element values `e` and its sub-blocks' maps.
using GgmlUnpack = void (*)(const std::byte* block, std::int8_t* e, GgmlSubBlock* maps);

struct GgmlType {
    std::uint32_t id;             // the ggml_type value (ggml.h), as GGUF stores it
    std::string_view name;        // ggml's type name: "f32", "q4_K", "iq2_xxs", "mxfp4"
    std::int64_t block_elements;  // 1 for the plain element types
    std::int64_t block_bytes;
    // Null for the plain element types (f32 f16 bf16 f64 i8 i16 i32 i64), which a loader
    // decodes as its own element dtypes.
    GgmlDequantize dequantize;
    // ggml's reference quantizer (quantize_row_*_ref, no importance matrix), bit for bit the
    // blocks ggml writes; null where this build has none (q4_0 q4_1 q5_0 q5_1 q8_0 q8_1 q2_K
    // q3_K q4_K q5_K q6_K iq4_nl have one).
    GgmlQuantize quantize = nullptr;
    // The linear types (those with a quantizer): the codes and sub-block maps, and the values
    // per sub-block; null and 0 for the others.
    GgmlUnpack unpack = nullptr;
    std::int64_t sub_block_elements = 0;
};

// Bits a block type takes per value, scales included: 8 * block_bytes / block_elements.
double ggml_bits_per_weight(const GgmlType& type);

// Every type this build knows, by ascending id. Ids ggml retired (4, 5: q4_2, q4_3; 31-33 and
// 36-38: the repacked q4_0 and iq4_nl layouts, never valid in a GGUF file) are absent.
std::span<const GgmlType> ggml_types();

// The type with that id or name, or null.
const GgmlType* find_ggml_type(std::uint32_t id);
const GgmlType* find_ggml_type(std::string_view name);

}  // namespace quantscope
