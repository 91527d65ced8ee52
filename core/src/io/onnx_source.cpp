// ONNX loader (onnx/onnx.proto, protobuf): ModelProto.graph = 7; GraphProto.node = 1, name = 2,
// initializer = 5, sparse_initializer = 15; NodeProto.output = 2, name = 3, op_type = 4,
// attribute = 5; AttributeProto.name = 1, t = 5, g = 6, graphs = 11. One TensorProto is read
// in onnx_tensor.h, external data in onnx_external.h.
// Listed: initializers of the main graph and of every nested subgraph (If/Loop/Scan bodies, via
// attributes g and graphs), and the tensors of Constant nodes (attribute value, field t). The
// typed fields are turned into the raw little-endian layout and decoded like raw_data. External
// data is read only from inside the model's folder.
#include <algorithm>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "dtype.h"
#include "loaders.h"
#include "onnx_external.h"
#include "onnx_tensor.h"
#include "protobuf.h"
#include "quantscope/common/error.h"
#include "quantscope/common/text.h"
#include "quantscope/io/load_error.h"
#include "strided_read.h"

namespace quantscope {
namespace {

using namespace onnx;

constexpr int kMaxGraphDepth = 32;

constexpr std::size_t kShownNameBytes = 256;      // of a node or attribute name in a note
constexpr std::size_t kShownContextBytes = 1024;  // of where a subgraph sits

// A name as notes show it: at most `limit` bytes, cut on a character boundary.
std::string shortened(std::string_view name, std::size_t limit = kShownNameBytes) {
    const std::string_view shown = utf8_prefix(name, limit);
    return std::string(shown) + (shown.size() < name.size() ? "..." : "");
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
                    const auto [key, value] = read_string_entry(*file_, field);
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
        // Raw data is copied out of the model's mapping (typed values release it as they are
        // read; an external file is unmapped as it closes after the read).
        const ReleaseOnExit release(*file_, entry.at,
                                    entry.storage == Storage::Raw ? entry.raw_length : 0);
        std::vector<std::byte> scratch;
        std::span<const std::byte> bytes;
        FilePtr external;
        if (entry.storage == Storage::Raw) {
            bytes = file_->view(entry.at, entry.raw_length, scratch);
        } else if (entry.storage == Storage::External) {
            external = open_external_data(
                *file_, ExternalData{locations_[entry.location], entry.at, entry.raw_length},
                tensors()[index].name, entry.message_begin, memory_map_);
            bytes = external->view(entry.at, entry.raw_length, scratch);
        } else {
            scratch = typed_to_raw(*file_, entry.message_begin, entry.at, entry.data_type, count);
            bytes = scratch;
        }
        // 4-bit types pad an odd count with one nibble; decode it and drop it.
        const std::size_t padded = four_bit(*entry.dtype) ? count + count % 2 : count;
        FloatBuffer values(padded);
        decode_values(*entry.dtype, bytes, false, values);
        values.resize(count);
        return values;
    }

    FloatBuffer read_sample(std::size_t index, std::int64_t stride,
                            const SampleProgress& progress) const override {
        const Entry& entry = entries_[index];
        const std::int64_t count = tensors()[index].count;
        if (entry.storage == Storage::Unsupported || !entry.dtype) {
            throw LoadError(file_->name(), entry.message_begin, note(index));
        }
        // 4-bit types pad an odd count with one nibble, never sampled.
        const std::int64_t padded = four_bit(*entry.dtype) ? count + count % 2 : count;
        const PackedType packed = packed_type(*entry.dtype, false);
        FloatBuffer values;
        if (entry.storage == Storage::Raw) {
            values = read_packed_sample(*file_, entry.at, packed, padded, stride, progress);
        } else if (entry.storage == Storage::External) {
            const FilePtr external = open_external_data(
                *file_, ExternalData{locations_[entry.location], entry.at, entry.raw_length},
                tensors()[index].name, entry.message_begin, memory_map_);
            values = read_packed_sample(*external, entry.at, packed, padded, stride, progress);
        } else {
            // Typed values are varints or scattered fields: every one is read, in order, and
            // only the sample kept.
            SampleCollector collector(packed, padded, stride);
            typed_to_raw(*file_, entry.message_begin, entry.at, entry.data_type,
                         static_cast<std::size_t>(count),
                         [&collector](std::span<const std::byte> piece) { collector.feed(piece); });
            values = collector.take();
        }
        values.resize(sample_count(count, stride));
        return values;
    }

private:
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
        const ParsedTensor parsed = parse_tensor(*file_, outer);
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
            ExternalData data =
                parse_external_data(*file_, parsed, info, row.dtype.has_value(), at);
            if (locations_.size() >= std::numeric_limits<std::uint32_t>::max()) {
                throw LoadError(file_->name(), at, "more external data entries than 32 bits count");
            }
            entry.location = static_cast<std::uint32_t>(locations_.size());
            entry.at = data.offset;
            entry.raw_length = data.length;
            locations_.push_back(std::move(data.location));
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

    void add_sparse(const ProtoField& outer, const std::string& where) {
        // SparseTensorProto: values = 1 (TensorProto), indices = 2, dims = 3. Listed only.
        ProtoReader sparse = sub(outer);
        ProtoField field;
        TensorInfo info;
        std::uint64_t data_type = 0;
        while (sparse.next(field)) {
            if (field.number == 1) {
                expect_len(sparse, field, "sparse values");
                const ParsedTensor values = parse_tensor(*file_, field);
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

std::unique_ptr<Source> open_onnx(FilePtr file, const SourceOptions& options) {
    return std::make_unique<OnnxSource>(std::move(file), options.memory_map);
}

constexpr std::string_view kOnnxExtensions[] = {"onnx"};

}  // namespace

extern constinit const Loader onnx_loader{
    {"onnx", kOnnxExtensions, "ONNX model (external data from its folder)"}, nullptr, open_onnx};

}  // namespace quantscope
