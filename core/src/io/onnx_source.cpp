// ONNX loader (onnx/onnx.proto, protobuf): ModelProto.graph = 7; GraphProto.node = 1, name = 2,
// initializer = 5, sparse_initializer = 15; NodeProto.output = 2, name = 3, op_type = 4,
// attribute = 5; AttributeProto.name = 1, t = 5, g = 6, graphs = 11; TensorProto.dims = 1,
// data_type = 2, segment = 3, float_data = 4, int32_data = 5, string_data = 6, int64_data = 7,
// name = 8, raw_data = 9 (little-endian), double_data = 10, uint64_data = 11,
// external_data = 13 (StringStringEntryProto key = 1, value = 2: location, offset, length),
// data_location = 14 (EXTERNAL = 1).
// Listed: initializers of the main graph and of every nested subgraph (If/Loop/Scan bodies, via
// attributes g and graphs), and the tensors of Constant nodes (attribute value, field t). The
// typed fields are turned into the raw little-endian layout and decoded like raw_data. External
// data is read only from inside the model's folder.
#include <algorithm>
#include <charconv>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "dtype.h"
#include "loaders.h"
#include "protobuf.h"
#include "quantscope/common/error.h"
#include "quantscope/common/text.h"
#include "quantscope/io/load_error.h"

namespace quantscope {
namespace {

constexpr int kMaxGraphDepth = 32;

enum OnnxType : std::uint64_t {
    kFloat = 1,
    kUInt8,
    kInt8,
    kUInt16,
    kInt16,
    kInt32,
    kInt64,
    kString,
    kBool,
    kFloat16,
    kDouble,
    kUInt32,
    kUInt64,
    kComplex64,
    kComplex128,
    kBFloat16,
    kFloat8E4M3FN,
    kFloat8E4M3FNUZ,
    kFloat8E5M2,
    kFloat8E5M2FNUZ,
    kUInt4,
    kInt4,
    kFloat4E2M1,
};

struct TypeRow {
    std::optional<DType> dtype;
    std::string_view listed_name;  // for types listed only
    std::uint32_t typed_field;     // which repeated field holds typed values (0: none)
    unsigned typed_width;          // 4, 8 fixed; 0 varint
};

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

constexpr std::size_t kShownNameBytes = 256;      // of a node or attribute name in a note
constexpr std::size_t kShownContextBytes = 1024;  // of where a subgraph sits

// A name as notes show it: at most `limit` bytes, cut on a character boundary.
std::string shortened(std::string_view name, std::size_t limit = kShownNameBytes) {
    const std::string_view shown = utf8_prefix(name, limit);
    return std::string(shown) + (shown.size() < name.size() ? "..." : "");
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

enum class Storage : std::uint8_t { Raw, Typed, External, Unsupported };

// Kept for every tensor, so kept small (32 bytes): a file may list a million empty tensors in
// 6 MB.
struct Entry {
    std::uint64_t message_begin = 0;  // the TensorProto
    // Raw: where raw_data starts; Typed: where the TensorProto ends; External: the offset in
    // the external file.
    std::uint64_t at = 0;
    std::uint64_t raw_length = 0;  // Raw and External
    std::uint32_t location = 0;    // External: index into locations_
    std::optional<DType> dtype;
    std::uint8_t data_type = 0;  // known types only (type_row gives the typed field)
    Storage storage = Storage::Unsupported;
};
static_assert(sizeof(Entry) <= 32);

// What a TensorProto says, gathered in one pass.
struct ParsedTensor {
    std::string name;
    std::uint64_t data_type = 0;
    Shape dims;
    bool has_raw = false;
    std::uint64_t raw_offset = 0;
    std::uint64_t raw_length = 0;
    std::map<std::uint32_t, std::uint64_t> typed_counts;  // field -> elements
    bool external = false;
    bool segmented = false;
    std::map<std::string, std::pair<std::string, std::uint64_t>> external_data;  // key -> value, at
};

// The names listed so far, held as indices into the tensor list: open addressing over 32-bit
// indices costs a few bytes per tensor, where a set of strings costs a node and a second copy
// of every name (a file may list a million tensors).
class NameSet {
public:
    bool contains(std::string_view name, const std::vector<TensorInfo>& tensors) const {
        if (slots_.empty()) {
            return false;
        }
        for (std::size_t at = slot_of(name);; at = (at + 1) & (slots_.size() - 1)) {
            const std::uint32_t held = slots_[at];
            if (held == 0) {
                return false;
            }
            if (tensors[held - 1].name == name) {
                return true;
            }
        }
    }

    // Adds tensors[index]'s name, known not to be held yet.
    void add(std::size_t index, const std::vector<TensorInfo>& tensors) {
        if (index >= std::numeric_limits<std::uint32_t>::max()) {
            throw Error("internal: more tensors than 32 bits count");
        }
        if (2 * (size_ + 1) > slots_.size()) {
            std::vector<std::uint32_t> old = std::exchange(
                slots_, std::vector<std::uint32_t>(std::max<std::size_t>(16, 2 * slots_.size())));
            for (const std::uint32_t held : old) {
                if (held != 0) {
                    place(held, tensors);
                }
            }
        }
        place(static_cast<std::uint32_t>(index + 1), tensors);
        ++size_;
    }

private:
    std::size_t slot_of(std::string_view name) const {
        return std::hash<std::string_view>{}(name) & (slots_.size() - 1);
    }

    void place(std::uint32_t held, const std::vector<TensorInfo>& tensors) {
        std::size_t at = slot_of(tensors[held - 1].name);
        while (slots_[at] != 0) {
            at = (at + 1) & (slots_.size() - 1);
        }
        slots_[at] = held;
    }

    std::vector<std::uint32_t> slots_;  // 0: empty; else 1 + a tensor index
    std::size_t size_ = 0;
};

class OnnxSource final : public Source {
public:
    OnnxSource(FilePtr file, bool memory_map)
        : Source(file->name(), "onnx"), file_(std::move(file)), memory_map_(memory_map) {
        ProtoReader model(*file_, 0, file_->size());
        ProtoField field;
        std::vector<std::pair<std::string, std::string>> opsets;
        bool have_graph = false;
        while (model.next(field)) {
            switch (field.number) {
                case 1:
                    add_metadata("ir_version", std::to_string(field.value));
                    break;
                case 2:
                    add_metadata("producer_name", model.string(field));
                    break;
                case 3:
                    add_metadata("producer_version", model.string(field));
                    break;
                case 4:
                    add_metadata("domain", model.string(field));
                    break;
                case 5:
                    add_metadata("model_version", std::to_string(field.value));
                    break;
                case 7:
                    expect_len(model, field, "graph");
                    have_graph = true;
                    read_graph(field.offset, field.offset + field.length, "", 0);
                    break;
                case 8:
                    expect_len(model, field, "opset_import");
                    opsets.push_back(read_opset(field));
                    break;
                case 14: {
                    expect_len(model, field, "metadata_props");
                    const auto [key, value] = read_entry(field);
                    add_metadata(key.first, value.first);
                    break;
                }
                default:
                    break;
            }
        }
        if (!have_graph) {
            model.fail_at(0, "no graph (ModelProto field 7): not an ONNX model");
        }
        for (const auto& [domain, version] : opsets) {
            add_metadata("opset " + (domain.empty() ? std::string("ai.onnx") : domain), version);
        }
        add_metadata("subgraphs", std::to_string(subgraphs_));
        // Needed only while listing; a source stays open as long as the window shows it.
        names_ = {};
        next_suffix_ = {};
        entries_.shrink_to_fit();
    }

protected:
    FloatBuffer read_values(std::size_t index) const override {
        const Entry& entry = entries_[index];
        const auto count = static_cast<std::size_t>(tensors()[index].count);
        if (entry.storage == Storage::Unsupported || !entry.dtype) {
            throw LoadError(file_->name(), entry.message_begin, note(index));
        }
        std::vector<std::byte> scratch;
        std::span<const std::byte> bytes;
        FilePtr external;
        if (entry.storage == Storage::Raw) {
            bytes = file_->view(entry.at, entry.raw_length, scratch);
        } else if (entry.storage == Storage::External) {
            external = open_external(entry, index);
            bytes = external->view(entry.at, entry.raw_length, scratch);
        } else {
            scratch = typed_to_raw(entry, count);
            bytes = scratch;
        }
        // 4-bit types pad an odd count with one nibble; decode it and drop it.
        const std::size_t padded = four_bit(*entry.dtype) ? count + count % 2 : count;
        FloatBuffer values(padded);
        decode_values(*entry.dtype, bytes, false, values);
        values.resize(count);
        return values;
    }

private:
    void expect_len(ProtoReader& message, const ProtoField& field, const char* what) const {
        if (field.wire != WireType::Len) {
            message.fail_at(field.tag_offset, std::string(what) + " is not a message");
        }
    }

    ProtoReader sub(const ProtoField& field) const {
        return ProtoReader(*file_, field.offset, field.offset + field.length);
    }

    std::pair<std::string, std::string> read_opset(const ProtoField& outer) const {
        ProtoReader opset = sub(outer);
        ProtoField field;
        std::string domain;
        std::string version;
        while (opset.next(field)) {
            if (field.number == 1) {
                domain = opset.string(field);
            } else if (field.number == 2) {
                version = std::to_string(field.value);
            }
        }
        return {domain, version};
    }

    // StringStringEntryProto: key = 1, value = 2; each with the offset of its value.
    std::pair<std::pair<std::string, std::uint64_t>, std::pair<std::string, std::uint64_t>>
    read_entry(const ProtoField& outer) const {
        ProtoReader entry = sub(outer);
        ProtoField field;
        std::pair<std::string, std::uint64_t> key{"", outer.offset};
        std::pair<std::string, std::uint64_t> value{"", outer.offset};
        while (entry.next(field)) {
            if (field.number == 1) {
                key = {entry.string(field), field.offset};
            } else if (field.number == 2) {
                value = {entry.string(field), field.offset};
            }
        }
        return {key, value};
    }

    void read_graph(std::uint64_t begin, std::uint64_t end, const std::string& where, int depth) {
        if (depth > kMaxGraphDepth) {
            throw LoadError(file_->name(), begin,
                            "graphs nested deeper than " + std::to_string(kMaxGraphDepth));
        }
        ProtoField field;
        if (depth == 0) {
            // The main graph's initializers are most tensors of a model: count them first so
            // that the lists are allocated once. (Subgraphs grow them as usual: reserving for
            // each of many small subgraphs would move the lists each time.)
            ProtoReader counting(*file_, begin, end);
            std::size_t initializers = 0;
            while (counting.next(field)) {
                initializers += field.number == 5 || field.number == 15 ? 1 : 0;
            }
            reserve_tensors(initializers);
            entries_.reserve(entries_.size() + initializers);
        }
        ProtoReader graph(*file_, begin, end);
        // Initializers first, then the nodes (Constant tensors, subgraphs), whatever the order
        // the fields were written in.
        while (graph.next(field)) {
            if (field.number == 5) {
                expect_len(graph, field, "initializer");
                add_tensor_proto(field, "", where.empty() ? "" : "initializer of " + where);
            } else if (field.number == 15) {
                expect_len(graph, field, "sparse_initializer");
                add_sparse(field, where);
            }
        }
        ProtoReader nodes(*file_, begin, end);
        while (nodes.next(field)) {
            if (field.number == 1) {
                expect_len(nodes, field, "node");
                read_node(field, where, depth);
            }
        }
    }

    void read_node(const ProtoField& outer, const std::string& where, int depth) {
        ProtoReader node = sub(outer);
        ProtoField field;
        std::string output;
        std::string name;
        std::string op_type;
        std::vector<ProtoField> attributes;
        while (node.next(field)) {
            if (field.number == 2 && output.empty()) {
                output = node.string(field);
            } else if (field.number == 3) {
                name = node.string(field);
            } else if (field.number == 4) {
                op_type = node.string(field);
            } else if (field.number == 5) {
                expect_len(node, field, "attribute");
                attributes.push_back(field);
            }
        }
        // The label goes into the note of every tensor the node holds: shortened, so that a
        // long name is not copied once per tensor.
        const std::string label =
            shortened(name.empty() ? output : name) + " (" + shortened(op_type) + ")";
        bool have_value = false;
        for (const ProtoField& attribute_field : attributes) {
            ProtoReader attribute = sub(attribute_field);
            std::string attribute_name;
            while (attribute.next(field)) {
                if (field.number == 1) {
                    attribute_name = attribute.string(field);
                } else if (field.number == 5 && op_type == "Constant") {
                    expect_len(attribute, field, "attribute t");
                    if (have_value) {
                        throw LoadError(file_->name(), field.tag_offset,
                                        "Constant node " + label +
                                            " has a second tensor value (a Constant holds one)");
                    }
                    have_value = true;
                    add_tensor_proto(
                        field, output,
                        "Constant node " + label + (where.empty() ? "" : " in " + where));
                } else if (field.number == 6 || field.number == 11) {
                    expect_len(attribute, field, "subgraph");
                    ++subgraphs_;
                    // Innermost first, and bounded however deep the nesting goes.
                    const std::string inner =
                        shortened("subgraph '" + shortened(attribute_name) + "' of node " + label +
                                      (where.empty() ? "" : " in " + where),
                                  kShownContextBytes);
                    read_graph(field.offset, field.offset + field.length, inner, depth + 1);
                }
            }
        }
    }

    ParsedTensor parse_tensor(const ProtoField& outer) const {
        ParsedTensor tensor;
        ProtoReader message = sub(outer);
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
                    const auto [key, value] = read_entry(field);
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
                    tensor.typed_counts[field.number] += count_scalars(field);
                    break;
                default:
                    break;
            }
        }
        return tensor;
    }

    // Elements in one occurrence of a repeated scalar field (packed or not).
    std::uint64_t count_scalars(const ProtoField& field) const {
        if (field.wire != WireType::Len || field.number == 6) {
            return 1;  // one unpacked element (string_data is never packed)
        }
        const unsigned width = field.number == 4 ? 4 : field.number == 10 ? 8 : 0;
        if (width != 0) {
            if (field.length % width != 0) {
                throw LoadError(file_->name(), field.offset,
                                "packed field " + std::to_string(field.number) + " of " +
                                    std::to_string(field.length) +
                                    " bytes is not a whole number of " + std::to_string(width) +
                                    "-byte values");
            }
            return field.length / width;
        }
        // Varints: one element per byte without the continuation bit.
        std::vector<std::byte> scratch;
        const auto bytes = file_->view(field.offset, field.length, scratch);
        std::uint64_t count = 0;
        for (const std::byte b : bytes) {
            count += (static_cast<unsigned>(b) & 0x80u) == 0 ? 1 : 0;
        }
        if (!bytes.empty() && (static_cast<unsigned>(bytes.back()) & 0x80u) != 0) {
            throw LoadError(file_->name(), field.offset + field.length - 1,
                            "packed varints end inside a value");
        }
        return count;
    }

    // A name the file repeats gets " #2", " #3", ...: each base name remembers the next number
    // to try, so that N tensors sharing one name cost N steps, not N^2.
    std::string unique_name(std::string name) {
        if (name.empty()) {
            name = "tensor_" + std::to_string(tensors().size());
        }
        if (!names_.contains(name, tensors())) {
            return name;
        }
        std::uint64_t& k = next_suffix_[name];
        for (k = std::max<std::uint64_t>(k, 2);; ++k) {
            std::string candidate = name + " #" + std::to_string(k);
            if (!names_.contains(candidate, tensors())) {
                ++k;
                return candidate;
            }
        }
    }

    // Lists a tensor whose name unique_name gave.
    void list(TensorInfo info, std::string note, bool readable, Entry entry) {
        add_tensor(std::move(info), std::move(note), readable);
        names_.add(tensors().size() - 1, tensors());
        entries_.push_back(std::move(entry));
    }

    void add_tensor_proto(const ProtoField& outer, const std::string& fallback_name,
                          const std::string& where) {
        const ParsedTensor parsed = parse_tensor(outer);
        const std::uint64_t at = outer.offset;
        auto fail = [&](const std::string& problem) {
            throw LoadError(file_->name(), at, "tensor '" + parsed.name + "': " + problem);
        };
        if (parsed.data_type == 0) {
            fail("no data_type");
        }
        const TypeRow row = type_row(parsed.data_type);
        if (!row.dtype && row.listed_name.empty()) {
            fail("unknown data_type " + std::to_string(parsed.data_type));
        }
        TensorInfo info;
        info.name = unique_name(fallback_name.empty() ? parsed.name : fallback_name);
        info.dtype = row.dtype ? std::string(dtype_name(*row.dtype)) : std::string(row.listed_name);
        info.shape = parsed.dims;
        const auto count = checked_element_count(info.shape);
        if (!count) {
            fail("shape " + shape_to_string(info.shape) + " overflows 64 bits");
        }
        info.count = *count;
        Entry entry;
        entry.dtype = row.dtype;
        entry.data_type = static_cast<std::uint8_t>(parsed.data_type);
        entry.message_begin = outer.offset;
        entry.at = outer.offset + outer.length;
        std::string note = where;
        const auto join = [&](const std::string& text) {
            note += (note.empty() ? "" : "; ") + text;
        };
        if (row.dtype) {
            const auto bytes = raw_bytes(*row.dtype, info.count);
            if (!bytes) {
                fail("shape " + shape_to_string(info.shape) + " overflows 64 bits of bytes");
            }
            info.bytes = *bytes;
        } else {
            const std::int64_t width = parsed.data_type == kComplex128 ? 16 : 8;
            info.bytes = info.count > std::numeric_limits<std::int64_t>::max() / width
                             ? 0
                             : info.count * width;
        }
        bool readable = row.dtype.has_value();
        if (parsed.segmented) {
            join("segmented tensor: not supported");
            readable = false;
        } else if (parsed.external) {
            entry.storage = Storage::External;
            read_external(parsed, info, entry, at);
            join("external data: " + locations_[entry.location] + " at offset " +
                 std::to_string(entry.at) + " (" + std::to_string(entry.raw_length) + " bytes)");
        } else if (parsed.has_raw) {
            entry.storage = Storage::Raw;
            entry.at = parsed.raw_offset;
            entry.raw_length = parsed.raw_length;
            if (row.dtype && parsed.raw_length != static_cast<std::uint64_t>(info.bytes)) {
                fail("raw_data holds " + std::to_string(parsed.raw_length) + " bytes, shape " +
                     shape_to_string(info.shape) + " of " + info.dtype + " needs " +
                     std::to_string(info.bytes));
            }
        } else {
            entry.storage = Storage::Typed;
            const auto found = parsed.typed_counts.find(row.typed_field);
            const std::uint64_t have = found == parsed.typed_counts.end() ? 0 : found->second;
            const std::uint64_t want =
                static_cast<std::uint64_t>(info.count) *
                (parsed.data_type == kComplex64 || parsed.data_type == kComplex128 ? 2 : 1);
            if (have != want) {
                fail("typed field " + std::to_string(row.typed_field) + " holds " +
                     std::to_string(have) + " values, shape " + shape_to_string(info.shape) +
                     " needs " + std::to_string(want));
            }
            if (row.dtype && four_bit(*row.dtype) && info.count != 0) {
                join("4-bit values in int32_data: not supported");
                readable = false;
            }
        }
        if (!row.dtype) {
            join("unsupported dtype " + info.dtype + ": listed only");
        }
        if (!readable) {
            entry.storage = Storage::Unsupported;
        }
        list(std::move(info), std::move(note), readable, std::move(entry));
    }

    void read_external(const ParsedTensor& parsed, const TensorInfo& info, Entry& entry,
                       std::uint64_t at) {
        const auto location = parsed.external_data.find("location");
        if (location == parsed.external_data.end() || location->second.first.empty()) {
            throw LoadError(file_->name(), at,
                            "tensor '" + parsed.name + "': external data without a location");
        }
        const std::string& path = location->second.first;
        const std::filesystem::path relative(path);
        bool escapes = relative.is_absolute() || path.find('\0') != std::string::npos;
        for (const auto& part : relative) {
            escapes = escapes || part == "..";
        }
        if (escapes) {
            throw LoadError(file_->name(), location->second.second,
                            "tensor '" + parsed.name + "': external data path '" + path +
                                "' leaves the model folder");
        }
        if (locations_.size() >= std::numeric_limits<std::uint32_t>::max()) {
            throw LoadError(file_->name(), at, "more external data entries than 32 bits count");
        }
        entry.location = static_cast<std::uint32_t>(locations_.size());
        locations_.push_back(path);
        const auto number = [&](const char* key, std::uint64_t fallback) -> std::uint64_t {
            const auto found = parsed.external_data.find(key);
            if (found == parsed.external_data.end()) {
                return fallback;
            }
            std::uint64_t value = 0;
            const std::string& text = found->second.first;
            const auto [end, error] =
                std::from_chars(text.data(), text.data() + text.size(), value);
            if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
                throw LoadError(file_->name(), found->second.second,
                                "tensor '" + parsed.name + "': external data " + key + " '" + text +
                                    "' is not a number");
            }
            return value;
        };
        entry.at = number("offset", 0);
        entry.raw_length = number("length", static_cast<std::uint64_t>(info.bytes));
        if (entry.dtype && entry.raw_length != static_cast<std::uint64_t>(info.bytes)) {
            throw LoadError(file_->name(), at,
                            "tensor '" + parsed.name + "': external data length " +
                                std::to_string(entry.raw_length) + " but shape " +
                                shape_to_string(info.shape) + " of " + info.dtype + " needs " +
                                std::to_string(info.bytes));
        }
    }

    FilePtr open_external(const Entry& entry, std::size_t index) const {
        namespace fs = std::filesystem;
        const fs::path model(file_->name());
        const fs::path folder = model.has_parent_path() ? model.parent_path() : fs::path(".");
        std::error_code error;
        const fs::path root = fs::weakly_canonical(folder, error);
        const fs::path target = fs::weakly_canonical(folder / locations_[entry.location], error);
        // A symlink may still point outside: compare the resolved paths.
        const auto [root_end, unused] =
            std::mismatch(root.begin(), root.end(), target.begin(), target.end());
        (void)unused;
        if (error || root_end != root.end()) {
            throw LoadError(file_->name(), entry.message_begin,
                            "tensor '" + tensors()[index].name + "': external data '" +
                                locations_[entry.location] + "' resolves outside the model folder");
        }
        // Problems with the external file are the model's: name it, the tensor and the entry.
        try {
            FilePtr external = FileData::open(target.string(), memory_map_);
            external->check_range(entry.at, entry.raw_length, "external tensor data");
            return external;
        } catch (const LoadError& failure) {
            throw LoadError(file_->name(), entry.message_begin,
                            "tensor '" + tensors()[index].name + "': external data '" +
                                locations_[entry.location] + "': " + failure.problem());
        }
    }

    std::vector<std::byte> typed_to_raw(const Entry& entry, std::size_t count) const {
        const std::int64_t element_bytes = dtype_block_bits(*entry.dtype) / 8;
        std::vector<std::byte> raw(count * static_cast<std::size_t>(element_bytes));
        std::size_t written = 0;
        const TypeRow row = type_row(entry.data_type);
        ProtoReader message(*file_, entry.message_begin, entry.at);
        ProtoField field;
        while (message.next(field)) {
            if (field.number != row.typed_field) {
                continue;
            }
            for_each_scalar(message, field, row.typed_width, [&](std::uint64_t value) {
                if (written >= count) {
                    message.fail_at(field.offset, "more typed values than the shape holds");
                }
                // The low bytes, little-endian: the element as raw_data would hold it.
                for (std::int64_t b = 0; b < element_bytes; ++b) {
                    raw[written * static_cast<std::size_t>(element_bytes) +
                        static_cast<std::size_t>(b)] =
                        static_cast<std::byte>((value >> (8 * b)) & 0xFFu);
                }
                ++written;
            });
        }
        if (written != count) {
            throw LoadError(file_->name(), entry.message_begin,
                            "typed values changed since listing");
        }
        return raw;
    }

    void add_sparse(const ProtoField& outer, const std::string& where) {
        // SparseTensorProto: values = 1 (TensorProto), indices = 2, dims = 3. Listed only.
        ProtoReader sparse = sub(outer);
        ProtoField field;
        TensorInfo info;
        std::uint64_t data_type = 0;
        while (sparse.next(field)) {
            if (field.number == 1) {
                expect_len(sparse, field, "sparse values");
                const ParsedTensor values = parse_tensor(field);
                info.name = values.name;
                data_type = values.data_type;
            } else if (field.number == 3) {
                for_each_scalar(sparse, field, 0, [&](std::uint64_t dim) {
                    if (info.shape.size() >= 64 ||
                        dim >
                            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
                        sparse.fail_at(field.offset, "bad sparse dims");
                    }
                    info.shape.push_back(static_cast<std::int64_t>(dim));
                });
            }
        }
        const TypeRow row = type_row(data_type);
        info.name = unique_name(info.name);
        info.dtype = row.dtype ? std::string(dtype_name(*row.dtype)) : std::string(row.listed_name);
        const auto count = checked_element_count(info.shape);
        info.count = count.value_or(0);
        Entry entry;
        entry.message_begin = outer.offset;
        list(std::move(info),
             (where.empty() ? std::string() : where + "; ") + "sparse initializer: not supported",
             false, std::move(entry));
    }

    FilePtr file_;
    bool memory_map_;
    std::vector<Entry> entries_;
    std::vector<std::string> locations_;  // of external data
    NameSet names_;
    std::unordered_map<std::string, std::uint64_t> next_suffix_;
    int subgraphs_ = 0;
};

}  // namespace

std::unique_ptr<Source> open_onnx(FilePtr file, bool memory_map) {
    return std::make_unique<OnnxSource>(std::move(file), memory_map);
}

}  // namespace quantscope
