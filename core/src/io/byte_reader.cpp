#include "byte_reader.h"

#include <algorithm>
#include <cstring>

#include "quantscope/io/load_error.h"

namespace quantscope {
namespace {

constexpr std::uint64_t kWindow = 64 * 1024;

template <typename T>
T load_le(std::span<const std::byte> bytes) {
    T value{};
    std::memcpy(&value, bytes.data(), sizeof(T));  // the build targets little-endian x86-64
    return value;
}

}  // namespace

ByteReader::ByteReader(const FileData& file, std::uint64_t begin, std::uint64_t end)
    : file_(file), begin_(begin), position_(begin), end_(end) {
    file_.check_range(begin, end >= begin ? end - begin : 0, "a section");
    if (end < begin) {
        fail_at(begin, "section ends before it begins");
    }
}

void ByteReader::fail(const std::string& problem) const {
    fail_at(position_, problem);
}

void ByteReader::fail_at(std::uint64_t offset, const std::string& problem) const {
    throw LoadError(file_.name(), offset, problem);
}

void ByteReader::need(std::uint64_t count, const char* what) const {
    if (count > remaining()) {
        fail("truncated: " + std::string(what) + " needs " + std::to_string(count) +
             " bytes, only " + std::to_string(remaining()) + " left");
    }
}

std::span<const std::byte> ByteReader::bytes(std::uint64_t count) {
    need(count);
    const std::uint64_t start = position_;
    position_ += count;
    if (count == 0) {
        return {};
    }
    if (file_.direct()) {
        std::vector<std::byte> unused;
        return file_.view(start, count, unused);
    }
    const bool in_window = start >= window_begin_ && start - window_begin_ <= window_.size() &&
                           count <= window_.size() - (start - window_begin_);
    if (!in_window) {
        const std::uint64_t size = std::min(std::max(count, kWindow), end_ - start);
        window_.resize(static_cast<std::size_t>(size));
        file_.read(start, window_);
        window_begin_ = start;
    }
    return std::span<const std::byte>(window_).subspan(
        static_cast<std::size_t>(start - window_begin_), static_cast<std::size_t>(count));
}

std::uint8_t ByteReader::u8() {
    return load_le<std::uint8_t>(bytes(1));
}
std::uint16_t ByteReader::u16() {
    return load_le<std::uint16_t>(bytes(2));
}
std::uint32_t ByteReader::u32() {
    return load_le<std::uint32_t>(bytes(4));
}
std::uint64_t ByteReader::u64() {
    return load_le<std::uint64_t>(bytes(8));
}
float ByteReader::f32() {
    return load_le<float>(bytes(4));
}
double ByteReader::f64() {
    return load_le<double>(bytes(8));
}

std::string ByteReader::string(std::uint64_t count) {
    const auto data = bytes(count);
    if (data.empty()) {
        return {};
    }
    return std::string(reinterpret_cast<const char*>(data.data()), data.size());
}

void ByteReader::skip(std::uint64_t count) {
    need(count);
    position_ += count;
}

void ByteReader::seek(std::uint64_t offset) {
    if (offset < begin_ || offset > end_) {
        fail_at(offset, "offset outside its section [" + std::to_string(begin_) + ", " +
                            std::to_string(end_) + ")");
    }
    position_ = offset;
}

}  // namespace quantscope
