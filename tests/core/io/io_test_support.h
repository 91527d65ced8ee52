#pragma once
// Shared helpers for the loader tests: fixture paths, value checks, and the files the tests
// write at test time (npy, zip, protobuf pieces).

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quantscope/common/tensor.h"

namespace quantscope::test {

inline std::string fixture(const std::string& name) {
    return std::string(QUANTSCOPE_TEST_DATA_DIR) + "/io/" + name;
}

inline std::string hostile(const std::string& name) {
    return std::string(QUANTSCOPE_TEST_DATA_DIR) + "/hostile/" + name;
}

inline std::vector<std::byte> file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::byte> bytes(chars.size());
    for (std::size_t i = 0; i < chars.size(); ++i) {
        bytes[i] = static_cast<std::byte>(chars[i]);
    }
    return bytes;
}

inline std::vector<std::byte> bytes_of(std::string_view text) {
    std::vector<std::byte> bytes(text.size());
    std::memcpy(bytes.data(), text.data(), text.size());
    return bytes;
}

// Under a sanitizer an allocation costs more (shadow memory, quarantine): memory bounds do not
// hold there.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
#else
inline constexpr bool kSanitized = false;
#endif

// A field of /proc/self/status in kB ("VmRSS", "VmHWM"), or -1.
inline long status_kb(const std::string& key) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.starts_with(key + ":")) {
            return std::stol(line.substr(key.size() + 1));
        }
    }
    return -1;
}

// Resets the peak resident size (VmHWM) to the current one; false where the kernel refuses.
inline bool reset_peak_resident() {
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
    clear.flush();
    // A kernel that ignores the request leaves an earlier peak, far above the current size.
    const long peak = status_kb("VmHWM");
    return clear.good() && peak >= 0 && peak <= status_kb("VmRSS") + 1024;
}

// A folder of its own under the system's temporary folder, removed with everything in it.
class TempFolder {
public:
    TempFolder() {
        path_ =
            std::filesystem::temp_directory_path() /
            ("quantscope-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
        std::filesystem::create_directories(path_);
    }
    ~TempFolder() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempFolder(const TempFolder&) = delete;
    TempFolder& operator=(const TempFolder&) = delete;
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    static inline int counter_ = 0;
    std::filesystem::path path_;
};

inline void write_file(const std::string& path, const std::vector<std::byte>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
}

inline void append(std::vector<std::byte>& out, const std::string& text) {
    for (const char c : text) {
        out.push_back(static_cast<std::byte>(c));
    }
}

template <typename T>
void append_le(std::vector<std::byte>& out, T value) {
    for (std::size_t i = 0; i < sizeof(T); ++i) {
        out.push_back(
            static_cast<std::byte>((static_cast<std::uint64_t>(value) >> (8 * i)) & 0xFF));
    }
}

// A .npy v1 file: header dict `descr`, `fortran`, `shape` (a Python tuple), then `data`.
inline std::vector<std::byte> npy_bytes(const std::string& descr, bool fortran,
                                        const std::string& shape,
                                        const std::vector<std::byte>& data) {
    std::string header = "{'descr': '" + descr +
                         "', 'fortran_order': " + (fortran ? "True" : "False") +
                         ", 'shape': " + shape + ", }";
    while ((10 + header.size() + 1) % 64 != 0) {
        header += ' ';
    }
    header += '\n';
    std::vector<std::byte> out;
    append(out, std::string("\x93NUMPY\x01\x00", 8));
    append_le<std::uint16_t>(out, static_cast<std::uint16_t>(header.size()));
    append(out, header);
    out.insert(out.end(), data.begin(), data.end());
    return out;
}

inline std::uint32_t crc32_of(const std::vector<std::byte>& bytes) {
    std::uint32_t crc = 0xFFFFFFFFu;
    for (const std::byte b : bytes) {
        crc ^= static_cast<std::uint8_t>(b);
        for (int bit = 0; bit < 8; ++bit) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

// Deflate data made of stored deflate blocks: valid deflate that zlib inflates piece by piece
// like any other.
inline std::vector<std::byte> stored_deflate(const std::vector<std::byte>& data) {
    std::vector<std::byte> deflate;
    for (std::size_t at = 0; at < data.size() || at == 0; at += 65535) {
        const std::size_t length = std::min<std::size_t>(65535, data.size() - at);
        const bool last = at + length >= data.size();
        deflate.push_back(static_cast<std::byte>(last ? 1 : 0));
        append_le<std::uint16_t>(deflate, static_cast<std::uint16_t>(length));
        append_le<std::uint16_t>(deflate, static_cast<std::uint16_t>(~length));
        deflate.insert(deflate.end(), data.begin() + static_cast<std::ptrdiff_t>(at),
                       data.begin() + static_cast<std::ptrdiff_t>(at + length));
        if (last) {
            break;
        }
    }
    return deflate;
}

// A zip of `members` (name, bytes), each stored or deflated (as stored_deflate makes it).
inline std::vector<std::byte> zip_bytes(
    const std::vector<std::pair<std::string, std::vector<std::byte>>>& members, bool deflated) {
    std::vector<std::byte> out;
    std::vector<std::byte> central;
    for (const auto& member : members) {
        // Named, not structured bindings: clang before 16 refuses to capture those in a lambda.
        const std::string& name = member.first;
        const std::vector<std::byte>& data = member.second;
        const std::vector<std::byte> stored = deflated ? stored_deflate(data) : data;
        const std::uint32_t crc = crc32_of(data);
        const auto common = [&](std::vector<std::byte>& to) {
            append_le<std::uint16_t>(to, 20);                // version needed
            append_le<std::uint16_t>(to, 0);                 // flags
            append_le<std::uint16_t>(to, deflated ? 8 : 0);  // method
            append_le<std::uint32_t>(to, 0);                 // time, date
            append_le<std::uint32_t>(to, crc);
            append_le<std::uint32_t>(to, static_cast<std::uint32_t>(stored.size()));
            append_le<std::uint32_t>(to, static_cast<std::uint32_t>(data.size()));
            append_le<std::uint16_t>(to, static_cast<std::uint16_t>(name.size()));
            append_le<std::uint16_t>(to, 0);  // extra
        };
        const auto local_at = static_cast<std::uint32_t>(out.size());
        append_le<std::uint32_t>(out, 0x04034b50);
        common(out);
        append(out, name);
        out.insert(out.end(), stored.begin(), stored.end());
        append_le<std::uint32_t>(central, 0x02014b50);
        append_le<std::uint16_t>(central, 20);  // made by
        common(central);
        append_le<std::uint16_t>(central, 0);  // comment
        append_le<std::uint16_t>(central, 0);  // disk
        append_le<std::uint16_t>(central, 0);  // internal attributes
        append_le<std::uint32_t>(central, 0);  // external attributes
        append_le<std::uint32_t>(central, local_at);
        append(central, name);
    }
    const auto central_at = static_cast<std::uint32_t>(out.size());
    out.insert(out.end(), central.begin(), central.end());
    append_le<std::uint32_t>(out, 0x06054b50);
    append_le<std::uint32_t>(out, 0);  // disks
    append_le<std::uint16_t>(out, static_cast<std::uint16_t>(members.size()));
    append_le<std::uint16_t>(out, static_cast<std::uint16_t>(members.size()));
    append_le<std::uint32_t>(out, static_cast<std::uint32_t>(central.size()));
    append_le<std::uint32_t>(out, central_at);
    append_le<std::uint16_t>(out, 0);
    return out;
}

// Protobuf, just enough to write ONNX models: varints and length-delimited fields.
inline std::string varint(std::uint64_t value) {
    std::string out;
    do {
        const auto low = static_cast<unsigned char>(value & 0x7F);
        value >>= 7;
        out += static_cast<char>(value != 0 ? (low | 0x80) : low);
    } while (value != 0);
    return out;
}
inline std::string field(std::uint32_t number, std::uint64_t value) {
    return varint(number << 3) + varint(value);
}
inline std::string field(std::uint32_t number, const std::string& payload) {
    return varint((number << 3) | 2) + varint(payload.size()) + payload;
}
// A ModelProto (IR version 8) around a GraphProto's bytes.
inline std::string onnx_model(const std::string& graph) {
    return field(1, 8) + field(7, graph);
}

// An ONNX model of 1-D float32 initializers (name, values), each in raw_data or, when `typed`,
// in packed float_data.
inline std::vector<std::byte> onnx_float_model(
    const std::vector<std::pair<std::string, std::vector<float>>>& tensors, bool typed) {
    std::string graph;
    for (const auto& [name, values] : tensors) {
        std::string data(values.size() * sizeof(float), '\0');
        if (!values.empty()) {
            std::memcpy(data.data(), values.data(), data.size());
        }
        graph += field(
            5, field(1, values.size()) + field(2, 1) + field(8, name) + field(typed ? 4 : 9, data));
    }
    std::vector<std::byte> bytes;
    append(bytes, onnx_model(graph));
    return bytes;
}

// Exact comparison (NaN equals NaN): loaders must reproduce stored values bit for bit.
inline void expect_values(const Tensor& tensor, std::initializer_list<float> expected) {
    ASSERT_EQ(tensor.values.size(), expected.size()) << tensor.info.name;
    std::size_t i = 0;
    for (const float value : expected) {
        if (std::isnan(value)) {
            EXPECT_TRUE(std::isnan(tensor.values[i])) << tensor.info.name << "[" << i << "]";
        } else {
            EXPECT_EQ(tensor.values[i], value) << tensor.info.name << "[" << i << "]";
        }
        ++i;
    }
}

}  // namespace quantscope::test
