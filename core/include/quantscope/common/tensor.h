#pragma once
// A tensor as core sees it: a name, a shape, the dtype it was stored in, and float32 values.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "quantscope/common/buffer.h"

namespace quantscope {

using Shape = std::vector<std::int64_t>;

// What a source can say about a tensor without reading its values.
struct TensorInfo {
    std::string name;
    std::string dtype;  // the stored dtype, e.g. "float32", "bfloat16", "int8"
    Shape shape;
    std::int64_t count = 0;  // product of shape (1 for a scalar)
    std::int64_t bytes = 0;  // bytes the stored values take
};

struct Tensor {
    TensorInfo info;
    FloatBuffer values;  // row-major, count elements

    std::span<const float> view() const { return values; }
};

// Product of the dimensions, or nullopt when a dimension is negative or the product overflows
// int64. Loaders use this before they trust any shape a file claims.
std::optional<std::int64_t> checked_element_count(std::span<const std::int64_t> shape);

// Whether a stored dtype holds integers or booleans ("int64", "uint8", "bool"): such tensors are
// indices, masks and shapes more often than values worth quantizing.
bool is_integer_dtype(std::string_view dtype);

// "[3, 4]" style, for messages and tables.
std::string shape_to_string(std::span<const std::int64_t> shape);

}  // namespace quantscope
