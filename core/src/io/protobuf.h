#pragma once
// A reader for the protocol buffers wire format (protobuf.dev, "Encoding"): a message is a
// sequence of (tag varint = field number << 3 | wire type, value) with wire types VARINT 0,
// I64 1, LEN 2 (a varint length and that many bytes), I32 5; the group types 3 and 4 are
// rejected. It walks a range of a FileData in place, so a multi-GB model's raw tensor bytes are
// skipped over, not copied; nested messages are read by opening a reader on a LEN field's range.

#include <cstdint>
#include <string>
#include <type_traits>

#include "byte_reader.h"

namespace quantscope {

enum class WireType : std::uint8_t { Varint = 0, I64 = 1, Len = 2, I32 = 5 };

struct ProtoField {
    std::uint32_t number = 0;
    WireType wire = WireType::Varint;
    std::uint64_t value = 0;   // Varint, I64, I32: the value
    std::uint64_t offset = 0;  // Len: where the payload starts (file offset); else the value's
    std::uint64_t length = 0;  // Len: payload length
    std::uint64_t tag_offset = 0;
};

class ProtoReader {
public:
    ProtoReader(const FileData& file, std::uint64_t begin, std::uint64_t end)
        : reader_(file, begin, end) {}

    // The next field, or false at the end of the message. LEN payloads are skipped over.
    bool next(ProtoField& field);
    // A LEN field's payload as a string (names, keys).
    std::string string(const ProtoField& field);

    std::uint64_t varint();
    ByteReader& bytes() { return reader_; }
    [[noreturn]] void fail_at(std::uint64_t offset, const std::string& problem) const {
        reader_.fail_at(offset, "invalid protobuf: " + problem);
    }

private:
    ByteReader reader_;
};

// Calls visit(value) for each element of a repeated scalar field, packed (a LEN field) or not,
// or visit(value, end) with the file offset where the element ends, when visit takes two.
// For packed fields, `width` is 4 or 8 for fixed-size elements and 0 for varints.
template <typename Visit>
void for_each_scalar(ProtoReader& message, const ProtoField& field, unsigned width, Visit visit) {
    const auto call = [&visit](std::uint64_t value, std::uint64_t end) {
        if constexpr (std::is_invocable_v<Visit&, std::uint64_t, std::uint64_t>) {
            visit(value, end);
        } else {
            visit(value);
        }
    };
    if (field.wire != WireType::Len) {
        call(field.value, message.bytes().offset());
        return;
    }
    ProtoReader packed(message.bytes().file(), field.offset, field.offset + field.length);
    ByteReader& in = packed.bytes();
    while (in.remaining() != 0) {
        if (width == 4) {
            const std::uint64_t value = in.u32();
            call(value, in.offset());
        } else if (width == 8) {
            const std::uint64_t value = in.u64();
            call(value, in.offset());
        } else {
            const std::uint64_t value = packed.varint();
            call(value, in.offset());
        }
    }
}

}  // namespace quantscope
