#pragma once
// The element types loaders can decode to float32, their names (numpy-like, as TensorInfo shows
// them) and sizes, and the bulk decoders. 16/8/6/4-bit floats are decoded through the formats
// engine's code tables, never by converters of our own. Sub-byte types are packed little-end
// first: element i of a 4-bit array is the low nibble of byte i/2 when i is even; 6-bit elements
// occupy bits [6i, 6i+6) of the little-endian bit stream. q8_0 and q4_0 are ggml's blocks
// (quantscope/formats/ggml_types.h decodes them, and every other ggml block type).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace quantscope {

struct GgmlType;

enum class DType : std::uint8_t {
    Bool,
    Int8,
    UInt8,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    Float16,
    BFloat16,
    Float32,
    Float64,
    Float8E4M3,
    Float8E5M2,
    Float8E4M3Fnuz,
    Float8E5M2Fnuz,
    Float8E8M0,
    Float6E2M3,
    Float6E3M2,
    Float4E2M1,
    Int4,
    UInt4,
    Q8_0,
    Q4_0,
};

// "float32", "bfloat16", "float8_e4m3", "q8_0", ...
std::string_view dtype_name(DType dtype);
std::optional<DType> parse_dtype(std::string_view name);

// Elements per block (32 for q8_0/q4_0, 1 otherwise) and bits per block.
std::int64_t dtype_block_elements(DType dtype);
std::int64_t dtype_block_bits(DType dtype);

// Bytes `count` elements take; nullopt when the count is negative, the product overflows, or
// the elements would end inside a byte or a block.
std::optional<std::int64_t> dtype_bytes(DType dtype, std::int64_t count);

// True for the dtypes a .npy file can hold natively (bool, intN, uintN, float16/32/64).
bool is_npy_native(DType dtype);

// Decodes out.size() elements from `bytes` (exactly dtype_bytes(out.size()) of them).
// `big_endian` swaps multi-byte elements. Large inputs are split across the worker threads.
void decode_values(DType dtype, std::span<const std::byte> bytes, bool big_endian,
                   std::span<float> out);

// Decodes out.size() elements of a ggml block type (type.dequantize set) from `bytes`, exactly
// the whole blocks they take, split across the worker threads as decode_values is.
void decode_ggml_blocks(const GgmlType& type, std::span<const std::byte> bytes,
                        std::span<float> out);

// out[j] = element first + j * stride of the array whose element 0 starts at bytes[0] (bytes
// must hold the last of them). Decodes only those elements (a block type: only the blocks that
// hold one), for strided samples (strided_read.h).
void decode_strided(DType dtype, std::span<const std::byte> bytes, bool big_endian,
                    std::uint64_t first, std::uint64_t stride, std::span<float> out);
void decode_ggml_strided(const GgmlType& type, std::span<const std::byte> bytes,
                         std::uint64_t first, std::uint64_t stride, std::span<float> out);

}  // namespace quantscope
