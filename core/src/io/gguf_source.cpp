// GGUF loader (ggml's docs/gguf.md, versions 2 and 3): magic "GGUF", u32 version, u64 tensor
// count, u64 key-value count; strings are a u64 length and bytes; key-value pairs are a key, a
// u32 value type and the value (arrays: u32 element type, u64 count, elements); tensor infos are
// a name, u32 n_dims (at most 4), u64 dims (ne[0] varies fastest), u32 ggml type and u64 offset
// into the data section, which starts at the next multiple of general.alignment (default 32).
// Every count, length and dimension product is checked against the bytes left and against
// overflow before it is used: that is where the published GGUF vulnerabilities were.
// Every ggml type is read: the plain ones (F32, F16, BF16, F64, I8..I64) as QuantScope's own
// dtypes, the block types through ggml_types.h's dequantizers (listed by ggml's name, "q4_K",
// with their bits per weight in the note). A type id this build does not know (a newer ggml)
// lists that tensor as unreadable and leaves the rest of the file readable.
#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "byte_reader.h"
#include "dtype.h"
#include "loaders.h"
#include "quantscope/common/text.h"
#include "quantscope/formats/ggml_types.h"
#include "quantscope/io/load_error.h"
#include "strided_read.h"

namespace quantscope {
namespace {

// The plain element types (ggml ids), decoded and listed as QuantScope's own dtypes.
struct PlainType {
    std::uint32_t id;
    DType dtype;
};
constexpr PlainType kPlainTypes[] = {
    {0, DType::Float32}, {1, DType::Float16}, {24, DType::Int8},    {25, DType::Int16},
    {26, DType::Int32},  {27, DType::Int64},  {28, DType::Float64}, {30, DType::BFloat16},
};

std::optional<DType> plain_dtype(std::uint32_t id) {
    for (const PlainType& plain : kPlainTypes) {
        if (plain.id == id) {
            return plain.dtype;
        }
    }
    return std::nullopt;
}

enum ValueType : std::uint32_t {
    kUInt8 = 0,
    kInt8,
    kUInt16,
    kInt16,
    kUInt32,
    kInt32,
    kFloat32,
    kBool,
    kString,
    kArray,
    kUInt64,
    kInt64,
    kFloat64,
};

constexpr std::string_view kValueTypeNames[] = {"uint8",  "int8",    "uint16", "int16",  "uint32",
                                                "int32",  "float32", "bool",   "string", "array",
                                                "uint64", "int64",   "float64"};

constexpr std::size_t kShownElements = 16;  // array elements shown in metadata
constexpr std::size_t kShownBytes = 4096;   // bytes of a string shown in metadata

struct Entry {
    const GgmlType* type = nullptr;  // null for an id this build does not know
    std::uint64_t offset = 0;        // relative to the data section
    std::uint64_t bytes = 0;
    std::uint64_t info_at = 0;  // where its tensor info starts, for messages
};

class GgufSource final : public Source {
public:
    explicit GgufSource(FilePtr file) : Source(file->name(), "gguf"), file_(std::move(file)) {
        ByteReader reader(*file_);
        reader.need(4, "magic");
        if (reader.string(4) != "GGUF") {
            reader.fail_at(0, "wrong magic: not a GGUF file");
        }
        const std::uint32_t version = reader.u32();
        if (version != 2 && version != 3) {
            const bool swapped = version == 0x02000000 || version == 0x03000000;
            reader.fail_at(4, swapped ? std::string("big-endian GGUF is not supported")
                                      : "unsupported GGUF version " + std::to_string(version) +
                                            " (2 and 3 are known)");
        }
        const std::uint64_t tensor_count = reader.u64();
        const std::uint64_t kv_count = reader.u64();
        // Each key-value pair takes at least 8 + 4 + 1 bytes, each tensor info 8 + 4 + 4 + 8.
        if (kv_count > reader.remaining() / 13) {
            reader.fail_at(16, "key-value count " + std::to_string(kv_count) +
                                   " cannot fit in the " + std::to_string(reader.remaining()) +
                                   " bytes left");
        }
        if (tensor_count > reader.remaining() / 24) {
            reader.fail_at(8, "tensor count " + std::to_string(tensor_count) +
                                  " cannot fit in the " + std::to_string(reader.remaining()) +
                                  " bytes left");
        }
        add_metadata("version", std::to_string(version));
        std::uint64_t alignment = 32;
        for (std::uint64_t i = 0; i < kv_count; ++i) {
            const std::string key = read_string(reader, "key");
            const std::uint64_t type_at = reader.offset();
            const std::uint32_t type = reader.u32();
            if (key == "general.alignment") {
                if (type != kUInt32) {
                    reader.fail_at(type_at, "general.alignment is not a uint32");
                }
                alignment = reader.u32();
                if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
                    reader.fail_at(type_at + 4, "general.alignment " + std::to_string(alignment) +
                                                    " is not a power of two");
                }
                add_metadata(key, std::to_string(alignment));
                continue;
            }
            add_metadata(key, read_value(reader, type, type_at, 0));
        }
        std::set<std::string, std::less<>> names;
        for (std::uint64_t i = 0; i < tensor_count; ++i) {
            read_tensor_info(reader, names);
        }
        // The data section starts at the next multiple of the alignment.
        const std::uint64_t infos_end = reader.offset();
        data_start_ = infos_end + (alignment - infos_end % alignment) % alignment;
        if (data_start_ > file_->size()) {
            if (tensor_count != 0) {
                reader.fail_at(infos_end, "the data section (aligned to " +
                                              std::to_string(alignment) +
                                              ") starts past the end of the file");
            }
            data_start_ = file_->size();
        }
        check_layout(alignment);
    }

protected:
    FloatBuffer read_values(std::size_t index) const override {
        const Entry& entry = entries_[index];
        if (entry.type == nullptr) {
            throw LoadError(file_->name(), entry.info_at,
                            "tensor '" + tensors()[index].name + "': " + note(index));
        }
        const ReleaseOnExit release(*file_, data_start_ + entry.offset, entry.bytes);
        std::vector<std::byte> scratch;
        const auto bytes = file_->view(data_start_ + entry.offset, entry.bytes, scratch);
        FloatBuffer values(static_cast<std::size_t>(tensors()[index].count));
        if (entry.type->dequantize != nullptr) {
            decode_ggml_blocks(*entry.type, bytes, values);
        } else {
            decode_values(*plain_dtype(entry.type->id), bytes, false, values);
        }
        return values;
    }

    FloatBuffer read_sample(std::size_t index, std::int64_t stride,
                            const SampleProgress& progress) const override {
        const Entry& entry = entries_[index];
        if (entry.type == nullptr) {
            throw LoadError(file_->name(), entry.info_at,
                            "tensor '" + tensors()[index].name + "': " + note(index));
        }
        const PackedType packed = entry.type->dequantize != nullptr
                                      ? packed_type(*entry.type)
                                      : packed_type(*plain_dtype(entry.type->id), false);
        return read_packed_sample(*file_, data_start_ + entry.offset, packed,
                                  tensors()[index].count, stride, progress);
    }

private:
    static std::string read_string(ByteReader& reader, const char* what) {
        const std::uint64_t at = reader.offset();
        const std::uint64_t length = reader.u64();
        if (length > reader.remaining()) {
            reader.fail_at(at, std::string(what) + " string length " + std::to_string(length) +
                                   " passes the end of the file (" +
                                   std::to_string(reader.remaining()) + " bytes left)");
        }
        return reader.string(length);
    }

    // At most `limit` bytes of a string, cut on a character boundary (invalid bytes count as
    // characters of their own).
    static std::string shown(std::string text, std::size_t limit = kShownBytes) {
        const std::size_t total = text.size();
        if (total > limit) {
            text.resize(utf8_prefix(text, limit).size());
            text += "... (" + std::to_string(total) + " bytes)";
        }
        return text;
    }

    // Bytes of a scalar value type, 0 for strings and arrays.
    static std::uint64_t fixed_size(std::uint32_t type) {
        switch (type) {
            case kUInt8:
            case kInt8:
            case kBool:
                return 1;
            case kUInt16:
            case kInt16:
                return 2;
            case kUInt32:
            case kInt32:
            case kFloat32:
                return 4;
            case kUInt64:
            case kInt64:
            case kFloat64:
                return 8;
            default:
                return 0;
        }
    }

    // Reads one value of `type` and returns it as text for the metadata table.
    static std::string read_value(ByteReader& reader, std::uint32_t type, std::uint64_t type_at,
                                  int depth) {
        switch (type) {
            case kUInt8:
                return std::to_string(reader.u8());
            case kInt8:
                return std::to_string(static_cast<std::int8_t>(reader.u8()));
            case kUInt16:
                return std::to_string(reader.u16());
            case kInt16:
                return std::to_string(static_cast<std::int16_t>(reader.u16()));
            case kUInt32:
                return std::to_string(reader.u32());
            case kInt32:
                return std::to_string(reader.i32());
            case kFloat32:
                return std::to_string(reader.f32());
            case kBool: {
                const std::uint8_t value = reader.u8();
                if (value > 1) {
                    reader.fail_at(reader.offset() - 1,
                                   "bool value " + std::to_string(value) + " is neither 0 nor 1");
                }
                return value != 0 ? "true" : "false";
            }
            case kString:
                return shown(read_string(reader, "value"));
            case kUInt64:
                return std::to_string(reader.u64());
            case kInt64:
                return std::to_string(reader.i64());
            case kFloat64:
                return std::to_string(reader.f64());
            case kArray: {
                if (depth >= 4) {
                    reader.fail_at(type_at, "arrays nested deeper than 4 levels");
                }
                const std::uint64_t element_at = reader.offset();
                const std::uint32_t element = reader.u32();
                const std::uint64_t count_at = reader.offset();
                const std::uint64_t count = reader.u64();
                if (element > kFloat64) {
                    reader.fail_at(element_at,
                                   "unknown array element type " + std::to_string(element));
                }
                // Every element takes at least one byte (strings and arrays at least 8 and 12).
                const std::uint64_t smallest = element == kString ? 8 : element == kArray ? 12 : 1;
                if (count > reader.remaining() / smallest) {
                    reader.fail_at(count_at,
                                   "array count " + std::to_string(count) + " cannot fit in the " +
                                       std::to_string(reader.remaining()) + " bytes left");
                }
                std::string text = "[" + std::to_string(count) + " x " +
                                   std::string(kValueTypeNames[element]) + "]";
                const std::uint64_t fixed = fixed_size(element);
                for (std::uint64_t i = 0; i < count; ++i) {
                    if (i > kShownElements && fixed != 0) {
                        reader.skip((count - i) * fixed);  // count was checked against the bytes
                        break;
                    }
                    std::string value = read_value(reader, element, element_at, depth + 1);
                    if (i < kShownElements) {
                        text += (i == 0 ? " " : ", ") +
                                (element == kString ? shown(std::move(value), 64) : value);
                    } else if (i == kShownElements) {
                        text += ", ...";
                    }
                }
                return text;
            }
            default:
                reader.fail_at(type_at, "unknown value type " + std::to_string(type));
        }
    }

    void read_tensor_info(ByteReader& reader, std::set<std::string, std::less<>>& names) {
        const std::uint64_t info_at = reader.offset();
        TensorInfo info;
        info.name = read_string(reader, "tensor name");
        if (!names.insert(info.name).second) {
            reader.fail_at(info_at, "duplicate tensor name '" + info.name + "'");
        }
        const std::uint64_t dims_at = reader.offset();
        const std::uint32_t n_dims = reader.u32();
        if (n_dims > 4) {
            reader.fail_at(dims_at, "tensor '" + info.name + "' has " + std::to_string(n_dims) +
                                        " dimensions (at most 4)");
        }
        std::vector<std::int64_t> ne(n_dims);
        for (std::uint32_t d = 0; d < n_dims; ++d) {
            const std::uint64_t dim = reader.u64();
            if (dim > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
                reader.fail_at(reader.offset() - 8, "tensor '" + info.name + "': dimension " +
                                                        std::to_string(dim) + " is too large");
            }
            ne[d] = static_cast<std::int64_t>(dim);
        }
        const std::uint32_t type = reader.u32();
        const std::uint64_t offset = reader.u64();
        info.shape.assign(ne.rbegin(), ne.rend());  // row-major: ne[0] is the last axis
        const auto count = checked_element_count(info.shape);
        if (!count) {
            reader.fail_at(dims_at, "tensor '" + info.name + "': shape " +
                                        shape_to_string(info.shape) + " overflows 64 bits");
        }
        info.count = *count;
        const GgmlType* ggml = find_ggml_type(type);
        if (ggml == nullptr) {
            // A newer ggml's type: its size is unknown, so it is listed without bytes and the
            // rest of the file stays readable.
            info.dtype = "ggml type " + std::to_string(type);
            entries_.push_back({nullptr, offset, 0, info_at});
            add_tensor(std::move(info),
                       "unknown ggml type " + std::to_string(type) +
                           " (newer than this build): listed only",
                       false);
            return;
        }
        const std::int64_t row = n_dims == 0 ? 1 : ne[0];
        if (row % ggml->block_elements != 0) {
            reader.fail_at(dims_at, "tensor '" + info.name + "': " + std::string(ggml->name) +
                                        " needs ne[0] (" + std::to_string(row) +
                                        ") to be a multiple of " +
                                        std::to_string(ggml->block_elements));
        }
        const std::int64_t blocks = *count / ggml->block_elements;
        if (blocks > std::numeric_limits<std::int64_t>::max() / ggml->block_bytes) {
            reader.fail_at(dims_at, "tensor '" + info.name + "': size overflows 64 bits");
        }
        const auto plain = plain_dtype(type);
        info.dtype = plain ? std::string(dtype_name(*plain)) : std::string(ggml->name);
        info.bytes = blocks * ggml->block_bytes;
        entries_.push_back({ggml, offset, static_cast<std::uint64_t>(info.bytes), info_at});
        std::string note;
        if (!plain) {
            // Shortest round-trip text: every ggml type's bits per weight is a short decimal.
            std::array<char, 32> text{};
            const auto end = std::to_chars(text.begin(), text.end(), ggml_bits_per_weight(*ggml));
            note = std::string(ggml->name) + ": " + std::string(text.data(), end.ptr) +
                   " bits per weight";
        }
        add_tensor(std::move(info), std::move(note));
    }

    void check_layout(std::uint64_t alignment) const {
        const std::uint64_t data_size = file_->size() - data_start_;
        std::vector<std::size_t> order(entries_.size());
        for (std::size_t i = 0; i < order.size(); ++i) {
            order[i] = i;
            const Entry& entry = entries_[i];
            const std::string& name = tensors()[i].name;
            if (entry.offset % alignment != 0) {
                throw LoadError(file_->name(), entry.info_at,
                                "tensor '" + name + "': data offset " +
                                    std::to_string(entry.offset) + " is not a multiple of " +
                                    std::to_string(alignment));
            }
            if (entry.offset > data_size || entry.bytes > data_size - entry.offset) {
                throw LoadError(file_->name(), entry.info_at,
                                "tensor '" + name + "': data [" + std::to_string(entry.offset) +
                                    ", +" + std::to_string(entry.bytes) +
                                    ") passes the end of the data section (" +
                                    std::to_string(data_size) + " bytes at offset " +
                                    std::to_string(data_start_) + ")");
            }
        }
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return entries_[a].offset < entries_[b].offset;
        });
        for (std::size_t k = 1; k < order.size(); ++k) {
            const Entry& previous = entries_[order[k - 1]];
            const Entry& entry = entries_[order[k]];
            if (entry.offset < previous.offset + previous.bytes) {
                throw LoadError(file_->name(), entry.info_at,
                                "tensor '" + tensors()[order[k]].name + "' overlaps tensor '" +
                                    tensors()[order[k - 1]].name + "'");
            }
        }
    }

    FilePtr file_;
    std::uint64_t data_start_ = 0;
    std::vector<Entry> entries_;
};

bool gguf_magic(std::span<const std::byte> head) {
    return has_magic(head, "GGUF");
}

constexpr std::string_view kGgufExtensions[] = {"gguf"};

}  // namespace

extern constinit const Loader gguf_loader{
    {"gguf", kGgufExtensions, "GGUF model (v2, v3)"}, gguf_magic, open_as<GgufSource>};

}  // namespace quantscope
