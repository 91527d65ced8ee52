// Protocol buffers wire format: protobuf.dev/programming-guides/encoding.
#include "protobuf.h"

namespace quantscope {

std::uint64_t ProtoReader::varint() {
    const std::uint64_t start = reader_.offset();
    std::uint64_t value = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (reader_.remaining() == 0) {
            fail_at(start, "truncated varint");
        }
        const std::uint8_t byte = reader_.u8();
        if (shift == 63 && byte > 1) {
            fail_at(start, "varint longer than 64 bits");
        }
        value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
        if ((byte & 0x80) == 0) {
            return value;
        }
    }
    fail_at(start, "varint longer than 10 bytes");
}

bool ProtoReader::next(ProtoField& field) {
    if (reader_.remaining() == 0) {
        return false;
    }
    field.tag_offset = reader_.offset();
    const std::uint64_t tag = varint();
    const std::uint64_t number = tag >> 3;
    if (number == 0 || number > 0x1FFFFFFF) {
        fail_at(field.tag_offset, "field number " + std::to_string(number) + " is out of range");
    }
    field.number = static_cast<std::uint32_t>(number);
    const auto wire = static_cast<std::uint8_t>(tag & 7);
    field.offset = reader_.offset();
    field.length = 0;
    switch (wire) {
        case 0:
            field.wire = WireType::Varint;
            field.value = varint();
            return true;
        case 1:
            field.wire = WireType::I64;
            reader_.need(8, "fixed64 field");
            field.value = reader_.u64();
            return true;
        case 5:
            field.wire = WireType::I32;
            reader_.need(4, "fixed32 field");
            field.value = reader_.u32();
            return true;
        case 2: {
            field.wire = WireType::Len;
            const std::uint64_t length_at = reader_.offset();
            field.length = varint();
            if (field.length > reader_.remaining()) {
                fail_at(length_at, "field " + std::to_string(number) + " length " +
                                       std::to_string(field.length) +
                                       " passes the end of its message (" +
                                       std::to_string(reader_.remaining()) + " bytes left)");
            }
            field.offset = reader_.offset();
            reader_.skip(field.length);
            return true;
        }
        default:
            fail_at(field.tag_offset,
                    "wire type " + std::to_string(wire) + " of field " + std::to_string(number) +
                        (wire == 3 || wire == 4 ? " (groups) is not supported" : " is not valid"));
    }
}

std::string ProtoReader::string(const ProtoField& field) {
    if (field.wire != WireType::Len) {
        fail_at(field.tag_offset, "field " + std::to_string(field.number) + " should be a string");
    }
    ByteReader text(reader_.file(), field.offset, field.offset + field.length);
    return text.string(field.length);
}

}  // namespace quantscope
