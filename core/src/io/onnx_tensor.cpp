#include "onnx_tensor.h"

#include <algorithm>
#include <limits>

#include "quantscope/io/load_error.h"

namespace quantscope::onnx {
namespace {

// Typed values converted at a time before they go to a sink.
constexpr std::size_t kPieceElements = std::size_t{1} << 16;

// Elements in one occurrence of a repeated scalar field (packed or not).
std::uint64_t count_scalars(const FileData& file, const ProtoField& field) {
    if (field.wire != WireType::Len || field.number == 6) {
        return 1;  // one unpacked element (string_data is never packed)
    }
    const unsigned width = field.number == 4 ? 4 : field.number == 10 ? 8 : 0;
    if (width != 0) {
        if (field.length % width != 0) {
            throw LoadError(file.name(), field.offset,
                            "packed field " + std::to_string(field.number) + " of " +
                                std::to_string(field.length) + " bytes is not a whole number of " +
                                std::to_string(width) + "-byte values");
        }
        return field.length / width;
    }
    // Varints: one element per byte without the continuation bit.
    std::vector<std::byte> scratch;
    const auto bytes = file.view(field.offset, field.length, scratch);
    std::uint64_t count = 0;
    for (const std::byte b : bytes) {
        count += (static_cast<unsigned>(b) & 0x80u) == 0 ? 1 : 0;
    }
    if (!bytes.empty() && (static_cast<unsigned>(bytes.back()) & 0x80u) != 0) {
        throw LoadError(file.name(), field.offset + field.length - 1,
                        "packed varints end inside a value");
    }
    return count;
}
}  // namespace

TypeRow type_row(std::uint64_t type) {
    switch (type) {
        case kFloat:
            return {DType::Float32, "", 4, 4};
        case kUInt8:
            return {DType::UInt8, "", 5, 0};
        case kInt8:
            return {DType::Int8, "", 5, 0};
        case kUInt16:
            return {DType::UInt16, "", 5, 0};
        case kInt16:
            return {DType::Int16, "", 5, 0};
        case kInt32:
            return {DType::Int32, "", 5, 0};
        case kInt64:
            return {DType::Int64, "", 7, 0};
        case kString:
            return {std::nullopt, "string", 6, 0};
        case kBool:
            return {DType::Bool, "", 5, 0};
        case kFloat16:
            return {DType::Float16, "", 5, 0};
        case kDouble:
            return {DType::Float64, "", 10, 8};
        case kUInt32:
            return {DType::UInt32, "", 11, 0};
        case kUInt64:
            return {DType::UInt64, "", 11, 0};
        case kComplex64:
            return {std::nullopt, "complex64", 4, 4};
        case kComplex128:
            return {std::nullopt, "complex128", 10, 8};
        case kBFloat16:
            return {DType::BFloat16, "", 5, 0};
        case kFloat8E4M3FN:
            return {DType::Float8E4M3, "", 5, 0};
        case kFloat8E4M3FNUZ:
            return {DType::Float8E4M3Fnuz, "", 5, 0};
        case kFloat8E5M2:
            return {DType::Float8E5M2, "", 5, 0};
        case kFloat8E5M2FNUZ:
            return {DType::Float8E5M2Fnuz, "", 5, 0};
        case kUInt4:
            return {DType::UInt4, "", 5, 0};
        case kInt4:
            return {DType::Int4, "", 5, 0};
        case kFloat4E2M1:
            return {DType::Float4E2M1, "", 5, 0};
        default:
            return {std::nullopt, "", 0, 0};
    }
}

bool four_bit(DType dtype) {
    return dtype == DType::Int4 || dtype == DType::UInt4 || dtype == DType::Float4E2M1;
}

// Bytes `count` elements take in raw_data (4-bit types pad an odd count to a whole byte).
std::optional<std::int64_t> raw_bytes(DType dtype, std::int64_t count) {
    if (four_bit(dtype)) {
        return count / 2 + count % 2;
    }
    return dtype_bytes(dtype, count);
}

void expect_len(const ProtoReader& message, const ProtoField& field, const char* what) {
    if (field.wire != WireType::Len) {
        message.fail_at(field.tag_offset, std::string(what) + " is not a message");
    }
}

ParsedTensor parse_tensor(const FileData& file, const ProtoField& outer) {
    ParsedTensor tensor;
    ProtoReader message(file, outer.offset, outer.offset + outer.length);
    ProtoField field;
    while (message.next(field)) {
        switch (field.number) {
            case 1:
                for_each_scalar(message, field, 0, [&](std::uint64_t dim) {
                    if (dim >
                        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
                        message.fail_at(field.offset, "negative dimension");
                    }
                    if (tensor.dims.size() >= 64) {
                        message.fail_at(field.offset, "more than 64 dimensions");
                    }
                    tensor.dims.push_back(static_cast<std::int64_t>(dim));
                });
                break;
            case 2:
                tensor.data_type = field.value;
                break;
            case 3:
                tensor.segmented = true;
                break;
            case 8:
                tensor.name = message.string(field);
                break;
            case 9:
                if (field.wire != WireType::Len) {
                    message.fail_at(field.tag_offset, "raw_data is not bytes");
                }
                tensor.has_raw = true;
                tensor.raw_offset = field.offset;
                tensor.raw_length = field.length;
                break;
            case 13: {
                expect_len(message, field, "external_data");
                const auto [key, value] = read_string_entry(file, field);
                tensor.external_data[key.first] = {value.first, value.second};
                break;
            }
            case 14:
                tensor.external = field.value == 1;
                break;
            case 4:
            case 5:
            case 6:
            case 7:
            case 10:
            case 11:
                tensor.typed_counts[field.number] += count_scalars(file, field);
                break;
            default:
                break;
        }
    }
    return tensor;
}

std::pair<StringAt, StringAt> read_string_entry(const FileData& file, const ProtoField& outer) {
    ProtoReader entry(file, outer.offset, outer.offset + outer.length);
    ProtoField field;
    StringAt key{"", outer.offset};
    StringAt value{"", outer.offset};
    while (entry.next(field)) {
        if (field.number == 1) {
            key = {entry.string(field), field.offset};
        } else if (field.number == 2) {
            value = {entry.string(field), field.offset};
        }
    }
    return {key, value};
}

void typed_to_raw(const FileData& file, std::uint64_t begin, std::uint64_t end,
                  std::uint64_t data_type, std::size_t count,
                  const std::function<void(std::span<const std::byte>)>& sink) {
    const TypeRow row = type_row(data_type);
    const auto element_bytes = static_cast<std::size_t>(dtype_block_bits(*row.dtype) / 8);
    std::vector<std::byte> piece(std::min(count, kPieceElements) * element_bytes);
    std::size_t filled = 0;  // bytes in piece
    std::size_t written = 0;
    // Every value is read once, in order: the pages behind go back as the read moves on.
    PageReleaser releaser(file, begin);
    ProtoReader message(file, begin, end);
    ProtoField field;
    while (message.next(field)) {
        if (field.number != row.typed_field) {
            continue;
        }
        for_each_scalar(
            message, field, row.typed_width, [&](std::uint64_t value, std::uint64_t at) {
                if (written >= count) {
                    message.fail_at(field.offset, "more typed values than the shape holds");
                }
                // The low bytes, little-endian: the element as raw_data would hold it.
                for (std::size_t b = 0; b < element_bytes; ++b) {
                    piece[filled++] = static_cast<std::byte>((value >> (8 * b)) & 0xFFu);
                }
                ++written;
                if (filled == piece.size()) {
                    sink(piece);
                    filled = 0;
                    releaser.advance(at);
                }
            });
    }
    releaser.finish(end);
    if (written != count) {
        throw LoadError(file.name(), begin, "typed values changed since listing");
    }
    if (filled != 0) {
        sink(std::span<const std::byte>(piece).first(filled));
    }
}

std::vector<std::byte> typed_to_raw(const FileData& file, std::uint64_t begin, std::uint64_t end,
                                    std::uint64_t data_type, std::size_t count) {
    std::vector<std::byte> raw;
    raw.reserve(count * static_cast<std::size_t>(dtype_block_bits(*type_row(data_type).dtype) / 8));
    typed_to_raw(file, begin, end, data_type, count, [&raw](std::span<const std::byte> piece) {
        raw.insert(raw.end(), piece.begin(), piece.end());
    });
    return raw;
}

}  // namespace quantscope::onnx
