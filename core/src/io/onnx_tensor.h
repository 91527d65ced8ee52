#pragma once
// One ONNX TensorProto (onnx/onnx.proto): the data types and which repeated field holds each
// one's typed values, what a TensorProto says (read in one pass, its values skipped over), and
// its typed values laid out as raw_data would hold them. The graph walk and the listing are in
// onnx_source.cpp, external data in onnx_external.h.
// TensorProto: dims = 1, data_type = 2, segment = 3, float_data = 4, int32_data = 5,
// string_data = 6, int64_data = 7, name = 8, raw_data = 9 (little-endian), double_data = 10,
// uint64_data = 11, external_data = 13 (StringStringEntryProto key = 1, value = 2: location,
// offset, length), data_location = 14 (EXTERNAL = 1).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dtype.h"
#include "file_data.h"
#include "protobuf.h"
#include "quantscope/common/tensor.h"

namespace quantscope::onnx {

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

// An unknown type has neither a dtype nor a listed name.
TypeRow type_row(std::uint64_t type);

bool four_bit(DType dtype);

// Bytes `count` elements take in raw_data (4-bit types pad an odd count to a whole byte).
std::optional<std::int64_t> raw_bytes(DType dtype, std::int64_t count);

// A string with the file offset it was read at.
using StringAt = std::pair<std::string, std::uint64_t>;

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
    std::map<std::string, StringAt> external_data;  // key -> value, at
};

// Throws unless `field` is a LEN field (a nested message); `what` names it.
void expect_len(const ProtoReader& message, const ProtoField& field, const char* what);

// The TensorProto in the LEN field `outer` of `file`.
ParsedTensor parse_tensor(const FileData& file, const ProtoField& outer);

// StringStringEntryProto: key = 1, value = 2; each with the offset of its value.
std::pair<StringAt, StringAt> read_string_entry(const FileData& file, const ProtoField& outer);

// The `count` typed values of the TensorProto at [begin, end) of `file`, whose data_type is
// `data_type` (a known type with a dtype), as little-endian raw_data.
std::vector<std::byte> typed_to_raw(const FileData& file, std::uint64_t begin, std::uint64_t end,
                                    std::uint64_t data_type, std::size_t count);
// The same bytes handed to `sink` in order, in pieces of a bounded size (a buffer reused), for a
// strided sample that keeps a few of them: varints cannot be skipped to, but need not be held.
void typed_to_raw(const FileData& file, std::uint64_t begin, std::uint64_t end,
                  std::uint64_t data_type, std::size_t count,
                  const std::function<void(std::span<const std::byte>)>& sink);

}  // namespace quantscope::onnx
