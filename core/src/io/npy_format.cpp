// NumPy format spec: numpy/lib/format.py ("A Simple File Format for NumPy Arrays", NEP 1).
#include "npy_format.h"

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <string_view>
#include <vector>

#include "quantscope/common/cancel.h"
#include "quantscope/common/error.h"

namespace quantscope {
namespace {

// A tiny parser for the one dict literal NumPy writes; `base` is the header's file offset.
class HeaderParser {
public:
    HeaderParser(const ByteReader& reader, std::string_view text, std::uint64_t base)
        : reader_(reader), text_(text), base_(base) {}

    void parse(NpyHeader& header) {
        skip_space();
        expect('{');
        bool have_descr = false;
        bool have_fortran = false;
        bool have_shape = false;
        while (true) {
            skip_space();
            if (peek() == '}') {
                ++pos_;
                break;
            }
            const std::size_t key_pos = pos_;
            const std::string key = string_literal();
            skip_space();
            expect(':');
            skip_space();
            if (key == "descr") {
                once(have_descr, key_pos, key);
                if (peek() == '[') {
                    fail("structured dtypes (a list descr) are not supported");
                }
                header.descr = string_literal();
            } else if (key == "fortran_order") {
                once(have_fortran, key_pos, key);
                header.fortran_order = boolean();
            } else if (key == "shape") {
                once(have_shape, key_pos, key);
                header.shape = tuple();
            } else {
                fail_at(key_pos,
                        "unexpected key '" + key + "' (expected descr, fortran_order, shape)");
            }
            skip_space();
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            skip_space();
            if (peek() != '}') {
                fail("expected ',' or '}'");
            }
        }
        if (!have_descr || !have_fortran || !have_shape) {
            fail(std::string("header lacks the key '") +
                 (!have_descr     ? "descr"
                  : !have_fortran ? "fortran_order"
                                  : "shape") +
                 "'");
        }
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (c != ' ' && c != '\n' && c != '\t' && c != '\r' && c != '\0') {
                fail("unexpected text after the header dict");
            }
            ++pos_;
        }
    }

    [[noreturn]] void fail(const std::string& problem) const { fail_at(pos_, problem); }
    [[noreturn]] void fail_at(std::size_t pos, const std::string& problem) const {
        reader_.fail_at(base_ + pos, "bad .npy header: " + problem);
    }

private:
    char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
    void skip_space() {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) {
            ++pos_;
        }
    }
    void expect(char c) {
        if (peek() != c) {
            fail(std::string("expected '") + c + "'");
        }
        ++pos_;
    }
    void once(bool& seen, std::size_t pos, const std::string& key) const {
        if (seen) {
            fail_at(pos, "duplicate key '" + key + "'");
        }
        seen = true;
    }
    std::string string_literal() {
        const char quote = peek();
        if (quote != '\'' && quote != '"') {
            fail("expected a quoted string");
        }
        ++pos_;
        const std::size_t start = pos_;
        while (pos_ < text_.size() && text_[pos_] != quote) {
            if (text_[pos_] == '\\' || text_[pos_] == '\n') {
                fail("unsupported character in a string");
            }
            ++pos_;
        }
        if (pos_ >= text_.size()) {
            fail_at(start, "unterminated string");
        }
        std::string value(text_.substr(start, pos_ - start));
        ++pos_;
        return value;
    }
    bool boolean() {
        if (text_.substr(pos_, 4) == "True") {
            pos_ += 4;
            return true;
        }
        if (text_.substr(pos_, 5) == "False") {
            pos_ += 5;
            return false;
        }
        fail("expected True or False");
    }
    std::int64_t integer() {
        const std::size_t start = pos_;
        std::int64_t value = 0;
        while (peek() >= '0' && peek() <= '9') {
            const int digit = peek() - '0';
            if (value > (std::numeric_limits<std::int64_t>::max() - digit) / 10) {
                fail_at(start, "dimension too large");
            }
            value = value * 10 + digit;
            ++pos_;
        }
        if (pos_ == start) {
            fail("expected a non-negative integer");
        }
        if (peek() == 'L') {
            ++pos_;  // Python 2 long suffix, as old files have it
        }
        return value;
    }
    Shape tuple() {
        expect('(');
        Shape shape;
        bool comma_after_last = false;
        while (true) {
            skip_space();
            if (peek() == ')') {
                ++pos_;
                break;
            }
            if (shape.size() >= 64) {
                fail("more than 64 dimensions");
            }
            shape.push_back(integer());
            skip_space();
            comma_after_last = false;
            if (peek() == ',') {
                ++pos_;
                comma_after_last = true;
            } else if (peek() != ')') {
                fail("expected ',' or ')' in the shape");
            }
        }
        if (shape.size() == 1 && !comma_after_last) {
            fail("shape (N) is not a tuple; NumPy writes (N,)");
        }
        return shape;
    }

    const ByteReader& reader_;
    std::string_view text_;
    std::uint64_t base_;
    std::size_t pos_ = 0;
};

// NumPy's one-character type codes (numpy.dtype(CODE).str without the byte order).
struct TypeCode {
    char code;
    char kind;
    std::int64_t size;
};
constexpr TypeCode kTypeCodes[] = {
    {'?', 'b', 1},  {'b', 'i', 1},  {'B', 'u', 1}, {'h', 'i', 2}, {'H', 'u', 2},  {'i', 'i', 4},
    {'I', 'u', 4},  {'l', 'i', 8},  {'L', 'u', 8}, {'q', 'i', 8}, {'Q', 'u', 8},  {'p', 'i', 8},
    {'P', 'u', 8},  {'e', 'f', 2},  {'f', 'f', 4}, {'d', 'f', 8}, {'g', 'f', 16}, {'F', 'c', 8},
    {'D', 'c', 16}, {'G', 'c', 32}, {'c', 'S', 1},
};

struct DescrInfo {
    std::optional<DType> dtype;
    std::string name;
    std::int64_t item_bytes = 0;
    bool big_endian = false;
};

DescrInfo parse_descr(const std::string& descr, const HeaderParser& parser, std::size_t pos) {
    DescrInfo info;
    std::string_view text = descr;
    if (!text.empty() && (text[0] == '<' || text[0] == '>' || text[0] == '|' || text[0] == '=')) {
        info.big_endian = text[0] == '>';
        text.remove_prefix(1);
    }
    if (text.empty()) {
        parser.fail_at(pos, "empty descr");
    }
    char kind = text[0];
    text.remove_prefix(1);
    std::int64_t size = 0;
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
        if (size > 1'000'000'000) {
            parser.fail_at(pos, "item size too large in descr '" + descr + "'");
        }
        size = size * 10 + (text[digits] - '0');
        ++digits;
    }
    std::string_view rest = text.substr(digits);
    if (kind == 'O') {
        parser.fail_at(
            pos, "object arrays ('O' dtype) hold pickled Python objects; refusing to load them");
    }
    const bool datetime = kind == 'M' || kind == 'm';
    if (!(rest.empty() || (datetime && rest.front() == '[' && rest.back() == ']'))) {
        parser.fail_at(pos, "unknown dtype '" + descr + "'");
    }
    if (digits == 0) {
        // A one-character type code stands for a kind and size, as NumPy on 64-bit Linux reads
        // it: 'b' is int8 (bool is '?' or 'b1'), 'l' and 'q' int64, 'g' the 16-byte long double.
        const auto code = std::find_if(std::begin(kTypeCodes), std::end(kTypeCodes),
                                       [&](const TypeCode& c) { return c.code == kind; });
        if (code == std::end(kTypeCodes)) {
            parser.fail_at(pos, "unknown dtype '" + descr + "'");
        }
        kind = code->kind;
        size = code->size;
    }
    info.name = descr;
    info.item_bytes = size;
    auto set = [&](DType dtype) {
        info.dtype = dtype;
        info.name = std::string(dtype_name(dtype));
    };
    // Sizes NumPy does not make are unknown dtypes, as NumPy says (np.dtype('<i3') fails).
    bool known = false;
    const auto pick = [&](std::initializer_list<std::pair<std::int64_t, DType>> sizes) {
        for (const auto& [bytes, dtype] : sizes) {
            if (size == bytes) {
                set(dtype);
                known = true;
            }
        }
    };
    switch (kind) {
        case 'b':
            pick({{1, DType::Bool}});
            break;
        case 'i':
            pick({{1, DType::Int8}, {2, DType::Int16}, {4, DType::Int32}, {8, DType::Int64}});
            break;
        case 'u':
            pick({{1, DType::UInt8}, {2, DType::UInt16}, {4, DType::UInt32}, {8, DType::UInt64}});
            break;
        case 'f':
            pick({{2, DType::Float16}, {4, DType::Float32}, {8, DType::Float64}});
            if (size == 16) {
                info.name = "longdouble";
                known = true;
            }
            break;
        case 'c':
            if (size == 8 || size == 16 || size == 32) {
                info.name = "complex" + std::to_string(size * 8);
                known = true;
            }
            break;
        case 'U':
            if (size > std::numeric_limits<std::int64_t>::max() / 4) {
                parser.fail_at(pos, "item size too large in descr '" + descr + "'");
            }
            info.item_bytes = size * 4;  // UTF-32 code units
            known = true;
            break;
        case 'S':
        case 'a':
        case 'V':
        case 'M':
        case 'm':
            known = true;
            break;
        default:
            break;
    }
    if (!known) {
        parser.fail_at(pos, "unknown dtype '" + descr + "'");
    }
    return info;
}

}  // namespace

NpyHeader parse_npy_header(ByteReader& reader, std::optional<std::uint64_t> total_bytes) {
    NpyHeader header;
    const std::uint64_t start = reader.offset();
    const std::uint64_t total = total_bytes.value_or(reader.remaining());
    const auto magic = reader.bytes(6);
    if (std::memcmp(magic.data(), "\x93NUMPY", 6) != 0) {
        reader.fail_at(start, "wrong magic: not a .npy file (expected \\x93NUMPY)");
    }
    const std::uint8_t major = reader.u8();
    const std::uint8_t minor = reader.u8();
    if (major < 1 || major > 3 || minor != 0) {
        reader.fail_at(start + 6, "unsupported .npy version " + std::to_string(major) + "." +
                                      std::to_string(minor) + " (1.0, 2.0, 3.0 are known)");
    }
    header.major_version = major;
    const std::uint64_t length_offset = reader.offset();
    const std::uint64_t length = major == 1 ? reader.u16() : reader.u32();
    if (length > kNpyMaxHeader) {
        reader.fail_at(length_offset, "header length " + std::to_string(length) +
                                          " exceeds NumPy's limit of " +
                                          std::to_string(kNpyMaxHeader) + " bytes");
    }
    if (length > reader.remaining()) {
        reader.fail_at(length_offset, "header length " + std::to_string(length) +
                                          " passes the end of the file (" +
                                          std::to_string(reader.remaining()) + " bytes left)");
    }
    const std::uint64_t text_offset = reader.offset();
    const std::string text = reader.string(length);
    HeaderParser parser(reader, text, text_offset);
    if (text.empty() || text.back() != '\n') {
        parser.fail_at(text.empty() ? 0 : text.size() - 1, "header does not end with a newline");
    }
    if (major < 3) {
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (static_cast<unsigned char>(text[i]) >= 0x80) {
                parser.fail_at(i,
                               "non-ASCII byte in a version 1/2 header (latin-1 dicts hold none)");
            }
        }
    }
    parser.parse(header);
    const std::size_t descr_pos = text.find("descr");
    const DescrInfo descr = parse_descr(header.descr, parser, descr_pos);
    header.dtype = descr.dtype;
    header.dtype_name = descr.name;
    header.big_endian = descr.big_endian;
    const auto count = checked_element_count(header.shape);
    if (!count) {
        parser.fail_at(text.find("shape"),
                       "shape " + shape_to_string(header.shape) + " overflows 64 bits");
    }
    header.count = *count;
    if (descr.item_bytes != 0 &&
        header.count > std::numeric_limits<std::int64_t>::max() / descr.item_bytes) {
        parser.fail_at(text.find("shape"), "shape " + shape_to_string(header.shape) + " of " +
                                               header.dtype_name + " overflows 64 bits of bytes");
    }
    header.data_bytes = header.count * descr.item_bytes;
    header.data_offset = reader.offset();
    const std::uint64_t left = total - std::min(total, header.data_offset - start);
    if (static_cast<std::uint64_t>(header.data_bytes) > left) {
        reader.fail("truncated data: shape " + shape_to_string(header.shape) + " of " +
                    header.dtype_name + " needs " + std::to_string(header.data_bytes) +
                    " bytes, only " + std::to_string(left) + " left");
    }
    return header;
}

void decode_npy(const NpyHeader& header, std::span<const std::byte> data, std::span<float> out) {
    if (!header.dtype) {
        throw Error("internal: decode_npy on an unsupported dtype");
    }
    const std::size_t rank = header.shape.size();
    if (!header.fortran_order || rank < 2 || out.empty()) {
        decode_values(*header.dtype, data, header.big_endian, out);
        return;
    }
    // Fortran (column-major) order: decode, then gather into row-major.
    FloatBuffer column_major(out.size());
    decode_values(*header.dtype, data, header.big_endian, column_major);
    std::vector<std::size_t> dims(rank);
    std::vector<std::size_t> strides(rank);  // column-major strides
    std::size_t stride = 1;
    for (std::size_t axis = 0; axis < rank; ++axis) {
        dims[axis] = static_cast<std::size_t>(header.shape[axis]);
        strides[axis] = stride;
        stride *= dims[axis];
    }
    // Innermost row-major axis is the last: it walks with stride strides[rank - 1].
    const std::size_t inner = dims[rank - 1];
    const std::size_t inner_stride = strides[rank - 1];
    std::vector<std::size_t> index(rank - 1, 0);
    std::size_t source = 0;  // column-major offset of the row's first element
    const std::atomic<bool>* cancel = current_cancel_flag();
    std::size_t gathered = 0;  // values since the last look at the cancel flag
    for (std::size_t row = 0, rows = out.size() / inner; row < rows; ++row) {
        gathered += inner;
        if (gathered >= (std::size_t{1} << 20)) {
            gathered = 0;
            throw_if_cancelled(cancel);
        }
        float* destination = out.data() + row * inner;
        for (std::size_t i = 0; i < inner; ++i) {
            destination[i] = column_major[source + i * inner_stride];
        }
        // Advance the odometer over the outer axes, last outer axis fastest.
        for (std::size_t axis = rank - 1; axis-- > 0;) {
            ++index[axis];
            source += strides[axis];
            if (index[axis] < dims[axis]) {
                break;
            }
            source -= strides[axis] * dims[axis];
            index[axis] = 0;
        }
    }
}

}  // namespace quantscope
