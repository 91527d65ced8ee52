#pragma once
// Writes NumPy .npy files (format version 1.0, or 2.0 when the header needs more than 64 KiB),
// so quantized results can be exported and read back by NumPy or by QuantScope itself.
// Every write is atomic: the bytes go to a temporary file in the destination folder, which is
// flushed and then renamed over PATH, so a reader never sees half a file.

#include <span>
#include <string>
#include <string_view>

#include "quantscope/common/tensor.h"

namespace quantscope {

// float32 ('<f4'), row-major. UsageError when values.size() is not the shape's product; Error
// when the file cannot be written.
void write_npy(const std::string& path, std::span<const float> values, const Shape& shape);

// Converts the values to `dtype`, one of bool int8 uint8 int16 uint16 int32 uint32 int64
// uint64 float16 float32 float64 (little-endian). Integers round to nearest-even and saturate
// at the type's range (NaN becomes 0); bool is value != 0; float16 rounds to nearest-even as
// an IEEE cast does. Exact for values that came from that dtype.
void write_npy(const std::string& path, std::span<const float> values, const Shape& shape,
               std::string_view dtype);

// Writes the tensor in its original dtype (tensor.info.dtype) when .npy can hold it natively,
// else as float32. Returns the dtype written.
std::string write_npy(const std::string& path, const Tensor& tensor);

}  // namespace quantscope
