// safetensors loader. Format (huggingface/safetensors, README "Format"): u64 little-endian
// header size N (at most 100 MB), N bytes of UTF-8 JSON starting with '{' (trailing spaces
// allowed) mapping each tensor name to {"dtype", "shape", "data_offsets": [begin, end)} relative
// to the byte buffer after the header, plus an optional "__metadata__" string-to-string map.
// As the reference reader does, the offsets (sorted) must tile the buffer exactly, each size
// must equal shape x dtype size, and the buffer must end at the end of the file.
#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "byte_reader.h"
#include "dtype.h"
#include "json.h"
#include "loaders.h"
#include "quantscope/io/load_error.h"
#include "strided_read.h"

namespace quantscope {
namespace {

constexpr std::uint64_t kMaxHeader = 100'000'000;

struct SafetensorsDType {
    std::string_view name;
    std::optional<DType> dtype;  // nullopt: listed only
    std::int64_t bits;
    std::string_view listed_name;
};

constexpr SafetensorsDType kDTypes[] = {
    {"BOOL", DType::Bool, 8, ""},
    {"U8", DType::UInt8, 8, ""},
    {"I8", DType::Int8, 8, ""},
    {"I16", DType::Int16, 16, ""},
    {"U16", DType::UInt16, 16, ""},
    {"I32", DType::Int32, 32, ""},
    {"U32", DType::UInt32, 32, ""},
    {"I64", DType::Int64, 64, ""},
    {"U64", DType::UInt64, 64, ""},
    {"F16", DType::Float16, 16, ""},
    {"BF16", DType::BFloat16, 16, ""},
    {"F32", DType::Float32, 32, ""},
    {"F64", DType::Float64, 64, ""},
    {"F8_E4M3", DType::Float8E4M3, 8, ""},
    {"F8_E5M2", DType::Float8E5M2, 8, ""},
    {"F8_E4M3FNUZ", DType::Float8E4M3Fnuz, 8, ""},
    {"F8_E5M2FNUZ", DType::Float8E5M2Fnuz, 8, ""},
    {"F8_E8M0", DType::Float8E8M0, 8, ""},
    {"F6_E2M3", DType::Float6E2M3, 6, ""},
    {"F6_E3M2", DType::Float6E3M2, 6, ""},
    {"F4", DType::Float4E2M1, 4, ""},
    {"C64", std::nullopt, 64, "complex64"},
};

struct Entry {
    std::optional<DType> dtype;
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
    std::uint64_t offsets_at = 0;  // where data_offsets is written, for messages
    std::size_t tensor = 0;
};

class SafetensorsSource final : public Source {
public:
    explicit SafetensorsSource(FilePtr file)
        : Source(file->name(), "safetensors"), file_(std::move(file)) {
        ByteReader reader(*file_);
        const std::uint64_t header_size = reader.u64();
        if (header_size > kMaxHeader) {
            reader.fail_at(
                0, "header size " + std::to_string(header_size) + " exceeds the 100 MB limit");
        }
        if (header_size > reader.remaining()) {
            reader.fail_at(0, "header size " + std::to_string(header_size) +
                                  " passes the end of the file (" +
                                  std::to_string(reader.remaining()) + " bytes left)");
        }
        const std::string header = reader.string(header_size);
        if (header.empty() || header[0] != '{') {
            reader.fail_at(8, "header does not start with '{'");
        }
        data_start_ = 8 + header_size;
        // Each entry is checked as soon as it is parsed and only what it describes is kept.
        // Shapes have at most 64 dimensions and an entry three members; __metadata__ gets room
        // for many keys, but no nested value may grow without bound.
        JsonLimits limits;
        limits.max_array_items = 64;
        limits.max_object_members = 65536;
        (void)parse_json(header, file_->name(), 8, limits, [&](std::string name, JsonValue value) {
            if (name == "__metadata__") {
                read_metadata(value);
            } else {
                read_entry(name, value);
            }
        });
        check_tiling();
    }

protected:
    FloatBuffer read_values(std::size_t index) const override {
        const Entry& entry = entries_[index];
        if (!entry.dtype) {
            throw LoadError(file_->name(), data_start_ + entry.begin, note(index));
        }
        const ReleaseOnExit release(*file_, data_start_ + entry.begin, entry.end - entry.begin);
        std::vector<std::byte> scratch;
        const auto bytes = file_->view(data_start_ + entry.begin, entry.end - entry.begin, scratch);
        FloatBuffer values(static_cast<std::size_t>(tensors()[index].count));
        decode_values(*entry.dtype, bytes, false, values);
        return values;
    }

    FloatBuffer read_sample(std::size_t index, std::int64_t stride,
                            const SampleProgress& progress) const override {
        const Entry& entry = entries_[index];
        if (!entry.dtype) {
            throw LoadError(file_->name(), data_start_ + entry.begin, note(index));
        }
        return read_packed_sample(*file_, data_start_ + entry.begin,
                                  packed_type(*entry.dtype, false), tensors()[index].count, stride,
                                  progress);
    }

private:
    [[noreturn]] void fail(std::uint64_t offset, const std::string& problem) const {
        throw LoadError(file_->name(), offset, problem);
    }

    void read_metadata(const JsonValue& value) {
        if (value.kind != JsonValue::Kind::Object) {
            fail(value.offset, "__metadata__ is not an object");
        }
        for (const auto& [key, text] : value.members) {
            if (text.kind != JsonValue::Kind::String) {
                fail(text.offset, "__metadata__ value of \"" + key + "\" is not a string");
            }
            add_metadata(key, text.text);
        }
    }

    void read_entry(const std::string& name, const JsonValue& value) {
        if (value.kind != JsonValue::Kind::Object) {
            fail(value.offset, "entry \"" + name + "\" is not an object");
        }
        const JsonValue* dtype = value.find("dtype");
        const JsonValue* shape = value.find("shape");
        const JsonValue* offsets = value.find("data_offsets");
        if (dtype == nullptr || shape == nullptr || offsets == nullptr) {
            fail(value.offset, "entry \"" + name + "\" lacks " +
                                   (dtype == nullptr   ? "dtype"
                                    : shape == nullptr ? "shape"
                                                       : "data_offsets"));
        }
        const SafetensorsDType* known = nullptr;
        if (dtype->kind == JsonValue::Kind::String) {
            for (const auto& candidate : kDTypes) {
                if (candidate.name == dtype->text) {
                    known = &candidate;
                }
            }
        }
        if (known == nullptr) {
            fail(dtype->offset,
                 "entry \"" + name + "\": unknown dtype " +
                     (dtype->kind == JsonValue::Kind::String ? "\"" + dtype->text + "\""
                                                             : std::string("(not a string)")));
        }
        if (shape->kind != JsonValue::Kind::Array) {
            fail(shape->offset, "entry \"" + name + "\": shape is not an array");
        }
        TensorInfo info;
        info.name = name;
        info.dtype =
            known->dtype ? std::string(dtype_name(*known->dtype)) : std::string(known->listed_name);
        for (const JsonValue& dim : shape->items) {
            const auto size = dim.integer();
            if (!size || *size < 0) {
                fail(dim.offset,
                     "entry \"" + name + "\": a dimension is not a non-negative integer");
            }
            info.shape.push_back(*size);
        }
        const auto count = checked_element_count(info.shape);
        std::int64_t bits = 0;
        if (!count || *count > std::numeric_limits<std::int64_t>::max() / known->bits) {
            fail(shape->offset, "entry \"" + name + "\": shape " + shape_to_string(info.shape) +
                                    " overflows 64 bits");
        }
        bits = *count * known->bits;
        if (bits % 8 != 0) {
            fail(shape->offset, "entry \"" + name + "\": " + std::to_string(*count) + " " +
                                    std::string(known->name) + " values do not fill whole bytes");
        }
        info.count = *count;
        info.bytes = bits / 8;
        if (offsets->kind != JsonValue::Kind::Array || offsets->items.size() != 2) {
            fail(offsets->offset, "entry \"" + name + "\": data_offsets is not [begin, end]");
        }
        const auto begin = offsets->items[0].integer();
        const auto end = offsets->items[1].integer();
        if (!begin || !end || *begin < 0 || *end < *begin) {
            fail(offsets->offset,
                 "entry \"" + name + "\": data_offsets is not [begin, end] with 0 <= begin <= end");
        }
        if (*end - *begin != info.bytes) {
            fail(offsets->offset,
                 "entry \"" + name + "\": data_offsets span " + std::to_string(*end - *begin) +
                     " bytes, but shape " + shape_to_string(info.shape) + " of " +
                     std::string(known->name) + " needs " + std::to_string(info.bytes));
        }
        Entry entry{known->dtype, static_cast<std::uint64_t>(*begin),
                    static_cast<std::uint64_t>(*end), offsets->offset, tensors().size()};
        std::string note;
        if (!known->dtype) {
            note = "unsupported dtype " + std::string(known->name) + ": listed only";
        }
        add_tensor(std::move(info), std::move(note), known->dtype.has_value());
        entries_.push_back(entry);
    }

    void check_tiling() const {
        std::vector<const Entry*> order;
        for (const Entry& entry : entries_) {
            order.push_back(&entry);
        }
        std::stable_sort(order.begin(), order.end(), [](const Entry* a, const Entry* b) {
            return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
        });
        std::uint64_t expected = 0;
        for (const Entry* entry : order) {
            const std::string& name = tensors()[entry->tensor].name;
            if (entry->begin < expected) {
                fail(entry->offsets_at, "tensor \"" + name + "\" at [" +
                                            std::to_string(entry->begin) + ", " +
                                            std::to_string(entry->end) +
                                            ") overlaps the previous tensor, which ends at " +
                                            std::to_string(expected));
            }
            if (entry->begin > expected) {
                fail(entry->offsets_at,
                     "gap: tensor \"" + name + "\" starts at " + std::to_string(entry->begin) +
                         " but the previous data ends at " + std::to_string(expected));
            }
            expected = entry->end;
        }
        const std::uint64_t buffer = file_->size() - data_start_;
        if (expected != buffer) {
            fail(data_start_ + std::min(expected, buffer),
                 "the data buffer holds " + std::to_string(buffer) +
                     " bytes but the tensors cover " + std::to_string(expected) +
                     " (the buffer must end at the end of the file)");
        }
    }

    FilePtr file_;
    std::uint64_t data_start_ = 0;
    std::vector<Entry> entries_;
};

// The u64 header size, then the JSON header's '{' (weak: tried after every other magic).
bool safetensors_magic(std::span<const std::byte> head) {
    return has_magic(head, "{", 8);
}

constexpr std::string_view kSafetensorsExtensions[] = {"safetensors"};

}  // namespace

extern constinit const Loader safetensors_loader{
    {"safetensors", kSafetensorsExtensions, "Hugging Face safetensors"},
    safetensors_magic,
    open_as<SafetensorsSource>};

}  // namespace quantscope
