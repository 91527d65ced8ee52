// GGUF v3 writer: the layout gguf_source.cpp reads (magic, version, counts, key-value pairs,
// tensor infos with ne[0] the last axis, then the data section at a multiple of 32), every
// tensor's data padded to the next multiple of 32 so each offset stays aligned.
#include "quantscope/io/gguf_writer.h"

#include <cstring>
#include <set>
#include <string_view>

#include "atomic_write.h"
#include "quantscope/common/error.h"
#include "quantscope/formats/ggml_types.h"

namespace quantscope {
namespace {

constexpr std::size_t kAlignment = 32;
constexpr std::uint32_t kStringValue = 8;  // GGUF's value type of a string

template <typename T>
void put(std::vector<std::byte>& out, T value) {
    const std::size_t at = out.size();
    out.resize(at + sizeof(T));
    std::memcpy(out.data() + at, &value, sizeof(T));  // GGUF is little-endian, as this host
}

void put_string(std::vector<std::byte>& out, std::string_view text) {
    put<std::uint64_t>(out, text.size());
    const auto* bytes = reinterpret_cast<const std::byte*>(text.data());
    out.insert(out.end(), bytes, bytes + text.size());
}

void pad(std::vector<std::byte>& out) {
    out.resize((out.size() + kAlignment - 1) / kAlignment * kAlignment);
}

// The bytes `tensor` must hold, after checking its type and shape.
std::size_t expected_bytes(const GgufTensor& tensor) {
    const std::string what = "write_gguf: tensor '" + tensor.name + "'";
    const GgmlType* type = find_ggml_type(tensor.type);
    if (type == nullptr) {
        throw UsageError(what + ": unknown ggml type " + std::to_string(tensor.type));
    }
    if (tensor.shape.size() > 4) {
        throw UsageError(what + " has " + std::to_string(tensor.shape.size()) +
                         " dimensions (GGUF holds at most 4)");
    }
    const auto count = checked_element_count(tensor.shape);
    if (!count) {
        throw UsageError(what + ": shape " + shape_to_string(tensor.shape) + " overflows");
    }
    const std::int64_t row = tensor.shape.empty() ? 1 : tensor.shape.back();
    if (row % type->block_elements != 0) {
        throw UsageError(what + ": " + std::string(type->name) + " needs the last axis (" +
                         std::to_string(row) + ") to be a multiple of " +
                         std::to_string(type->block_elements));
    }
    const auto bytes = static_cast<std::size_t>(*count / type->block_elements) *
                       static_cast<std::size_t>(type->block_bytes);
    if (tensor.data.size() != bytes) {
        throw UsageError(what + ": " + std::to_string(tensor.data.size()) + " bytes of data, " +
                         std::string(type->name) + " " + shape_to_string(tensor.shape) + " takes " +
                         std::to_string(bytes));
    }
    return bytes;
}

}  // namespace

GgufTensor gguf_f32_tensor(std::string name, Shape shape, std::span<const float> values) {
    const auto count = checked_element_count(shape);
    if (!count || static_cast<std::uint64_t>(*count) != values.size()) {
        throw UsageError("write_gguf: " + std::to_string(values.size()) +
                         " values do not fill shape " + shape_to_string(shape));
    }
    const auto bytes = std::as_bytes(values);
    return {std::move(name), std::move(shape), 0, {bytes.begin(), bytes.end()}};
}

std::vector<std::byte> gguf_bytes(std::span<const GgufTensor> tensors,
                                  std::span<const std::pair<std::string, std::string>> metadata) {
    std::vector<std::byte> out{std::byte{'G'}, std::byte{'G'}, std::byte{'U'}, std::byte{'F'}};
    put<std::uint32_t>(out, 3);
    put<std::uint64_t>(out, tensors.size());
    put<std::uint64_t>(out, metadata.size());
    for (const auto& [key, value] : metadata) {
        put_string(out, key);
        put<std::uint32_t>(out, kStringValue);
        put_string(out, value);
    }
    std::set<std::string_view> names;
    std::uint64_t offset = 0;
    for (const GgufTensor& tensor : tensors) {
        if (!names.insert(tensor.name).second) {
            throw UsageError("write_gguf: tensor name '" + tensor.name + "' given twice");
        }
        const std::size_t bytes = expected_bytes(tensor);
        put_string(out, tensor.name);
        put<std::uint32_t>(out, static_cast<std::uint32_t>(tensor.shape.size()));
        for (auto axis = tensor.shape.rbegin(); axis != tensor.shape.rend(); ++axis) {
            put<std::uint64_t>(out, static_cast<std::uint64_t>(*axis));
        }
        put<std::uint32_t>(out, tensor.type);
        put<std::uint64_t>(out, offset);
        offset += (bytes + kAlignment - 1) / kAlignment * kAlignment;
    }
    pad(out);
    for (const GgufTensor& tensor : tensors) {
        out.insert(out.end(), tensor.data.begin(), tensor.data.end());
        pad(out);
    }
    return out;
}

void write_gguf(const std::string& path, std::span<const GgufTensor> tensors,
                std::span<const std::pair<std::string, std::string>> metadata) {
    const std::vector<std::byte> bytes = gguf_bytes(tensors, metadata);
    write_atomically(path, {std::span(bytes)});
}

}  // namespace quantscope
