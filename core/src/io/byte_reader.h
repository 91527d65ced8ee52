#pragma once
// A bounds-checked little-endian cursor over a range of a FileData. Every read first checks the
// bytes are there, so a lying length or count ends in a LoadError naming the offset, never in a
// read past the end. Under pread it reads through a window, so small fields stay cheap.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "file_data.h"

namespace quantscope {

class ByteReader {
public:
    // Reads [begin, end) of `file`; offsets in messages are the file's own.
    ByteReader(const FileData& file, std::uint64_t begin, std::uint64_t end);
    explicit ByteReader(const FileData& file) : ByteReader(file, 0, file.size()) {}

    const FileData& file() const { return file_; }
    std::uint64_t offset() const { return position_; }
    std::uint64_t end() const { return end_; }
    std::uint64_t remaining() const { return end_ - position_; }

    std::uint8_t u8();
    std::uint16_t u16();
    std::uint32_t u32();
    std::uint64_t u64();
    std::int32_t i32() { return static_cast<std::int32_t>(u32()); }
    std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
    float f32();
    double f64();
    // The next `count` bytes; valid until the next call on this reader.
    std::span<const std::byte> bytes(std::uint64_t count);
    std::string string(std::uint64_t count);
    void skip(std::uint64_t count);
    // Moves to an offset inside [begin, end].
    void seek(std::uint64_t offset);

    // Throws LoadError at the current offset (or at `offset`).
    [[noreturn]] void fail(const std::string& problem) const;
    [[noreturn]] void fail_at(std::uint64_t offset, const std::string& problem) const;
    // Throws "truncated" unless `count` more bytes are left; `what` names them.
    void need(std::uint64_t count, const char* what = "field") const;

private:
    const FileData& file_;
    std::uint64_t begin_;
    std::uint64_t position_;
    std::uint64_t end_;
    // pread window: bytes [window_begin_, window_begin_ + window_.size()).
    std::vector<std::byte> window_;
    std::uint64_t window_begin_ = 0;
};

}  // namespace quantscope
