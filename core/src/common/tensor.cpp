#include "quantscope/common/tensor.h"

#include <limits>

namespace quantscope {

std::optional<std::int64_t> checked_element_count(std::span<const std::int64_t> shape) {
    std::int64_t count = 1;
    for (std::int64_t dim : shape) {
        if (dim < 0) {
            return std::nullopt;
        }
        if (dim != 0 && count > std::numeric_limits<std::int64_t>::max() / dim) {
            return std::nullopt;
        }
        count *= dim;
    }
    return count;
}

bool is_integer_dtype(std::string_view dtype) {
    return dtype == "bool" || dtype.starts_with("int") || dtype.starts_with("uint");
}

std::string shape_to_string(std::span<const std::int64_t> shape) {
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i != 0) {
            text += ", ";
        }
        text += std::to_string(shape[i]);
    }
    text += "]";
    return text;
}

}  // namespace quantscope
