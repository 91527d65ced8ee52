#pragma once
// Writes GGUF v3 files (ggml's docs/gguf.md): string metadata and tensors of any ggml type
// (quantscope/formats/ggml_types.h), given as the type's stored bytes (whole blocks, as ggml
// lays them out) or, for f32, as float32 values. Data is aligned to 32 bytes (the default; no
// general.alignment key is written). Atomic as write_npy: readers never see half a file.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "quantscope/common/tensor.h"

namespace quantscope {

struct GgufTensor {
    std::string name;
    Shape shape;                  // row-major, as TensorInfo's (GGUF stores it reversed)
    std::uint32_t type = 0;       // a ggml type id find_ggml_type knows
    std::vector<std::byte> data;  // exactly the bytes that type takes for the shape
};

// An f32 tensor holding `values` (UsageError when they do not fill the shape).
GgufTensor gguf_f32_tensor(std::string name, Shape shape, std::span<const float> values);

// The file's bytes. UsageError for an unknown type id, more than 4 dimensions, a last axis that
// is not a whole number of the type's blocks, data whose size is not what the shape takes, or
// a name given twice.
std::vector<std::byte> gguf_bytes(std::span<const GgufTensor> tensors,
                                  std::span<const std::pair<std::string, std::string>> metadata);

// gguf_bytes written to `path`; Error when the file cannot be written.
void write_gguf(const std::string& path, std::span<const GgufTensor> tensors,
                std::span<const std::pair<std::string, std::string>> metadata = {});

}  // namespace quantscope
