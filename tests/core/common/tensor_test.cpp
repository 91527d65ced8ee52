#include "quantscope/common/tensor.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace quantscope {
namespace {

TEST(CheckedElementCount, MultipliesDimensions) {
    const std::vector<std::int64_t> shape{3, 4, 5};
    EXPECT_EQ(checked_element_count(shape), 60);
    EXPECT_EQ(checked_element_count(std::vector<std::int64_t>{}), 1);  // a scalar
    EXPECT_EQ(checked_element_count(std::vector<std::int64_t>{7, 0, 9}), 0);
}

TEST(CheckedElementCount, RejectsOverflowAndNegative) {
    const std::int64_t big = std::int64_t{1} << 32;
    EXPECT_FALSE(checked_element_count(std::vector<std::int64_t>{big, big}).has_value());
    EXPECT_FALSE(checked_element_count(std::vector<std::int64_t>{3, -1}).has_value());
    // Overflow hidden behind a zero dimension is still a valid empty tensor.
    EXPECT_EQ(checked_element_count(std::vector<std::int64_t>{0, big, big}), 0);
}

TEST(ShapeToString, Formats) {
    EXPECT_EQ(shape_to_string(std::vector<std::int64_t>{3, 4}), "[3, 4]");
    EXPECT_EQ(shape_to_string(std::vector<std::int64_t>{}), "[]");
}

}  // namespace
}  // namespace quantscope
