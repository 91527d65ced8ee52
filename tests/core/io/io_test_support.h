#pragma once
// Shared helpers for the loader tests: fixture paths and value checks.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>
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
