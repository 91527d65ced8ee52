#pragma once
// ONNX external data: a TensorProto whose bytes live in another file, named by its
// external_data entries (location, offset, length). The file is looked for next to the model,
// and only there: a location that is absolute, holds "..", or resolves (through a symlink)
// outside the model's folder is refused.

#include <cstdint>
#include <memory>
#include <string>

#include "file_data.h"
#include "onnx_tensor.h"
#include "quantscope/common/tensor.h"

namespace quantscope::onnx {

struct ExternalData {
    std::string location;  // relative to the model's folder
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
};

// The external data `parsed` (the TensorProto at `at` in `model`, listed as `info`) names:
// a location inside the model's folder, offset (default 0) and length (default info.bytes) as
// numbers, and for a readable dtype (`sized`) a length of exactly info.bytes. Checked while
// listing; nothing is opened.
ExternalData parse_external_data(const FileData& model, const ParsedTensor& parsed,
                                 const TensorInfo& info, bool sized, std::uint64_t at);

// Opens the external file of `data` for the tensor `tensor_name` (its TensorProto at
// `message_begin`), checking that [offset, offset + length) lies inside it. Every problem is
// the model's LoadError, naming the tensor and the location.
std::shared_ptr<const FileData> open_external_data(const FileData& model, const ExternalData& data,
                                                   const std::string& tensor_name,
                                                   std::uint64_t message_begin, bool memory_map);

}  // namespace quantscope::onnx
