#pragma once
// Writing a quantized tensor to the file a user names, the one place the GUI's export and the
// CLI's `quantize --out` share. The file's extension chooses the container:
//   .gguf  a GGUF v3 file of one tensor. Under a ggml config it holds the type's blocks, the
//          bytes llama.cpp would store for these values; under any other config, Q(x) as f32.
//   else   a float32 .npy of Q(x).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "quantscope/common/tensor.h"
#include "quantscope/quant/quant_config.h"

namespace quantscope {

// The blocks of a ggml config's type for `values` (rows along the last axis, whole blocks as
// quantize() requires: UsageError otherwise), from ggml's reference quantizer with non-finite
// values taken as 0, as quantize() takes them. Their dequantization is quantize()'s Q(x) at
// every finite value. UsageError when the config is not a ggml one, or keeps outliers (which
// quantize() takes out of the blocks and GGUF cannot hold).
std::vector<std::byte> ggml_blocks(std::span<const float> values,
                                   std::span<const std::int64_t> shape, const QuantConfig& config);

// Writes `dequantized` (quantize()'s Q(x) of `values` under `config`) to `path`, as its extension
// says, naming the tensor `name` in a GGUF file. Returns what was written, for a status line:
// "q4_K blocks in GGUF", "float32 Q(x) in GGUF" or "float32 Q(x) in .npy". UsageError for a
// shape GGUF cannot hold; Error when the file cannot be written.
std::string write_quantized(const std::string& path, const std::string& name, const Shape& shape,
                            std::span<const float> values, std::span<const float> dequantized,
                            const QuantConfig& config);

}  // namespace quantscope
