#include "quantscope/plan/budget.h"

#include <gtest/gtest.h>

#include "quantscope/common/error.h"

namespace quantscope {
namespace {

TEST(Budget, SizesInDecimalAndBinaryUnits) {
    EXPECT_EQ(parse_budget("3GB").bytes(0), 3'000'000'000);
    EXPECT_EQ(parse_budget("3GiB").bytes(0), 3LL * 1024 * 1024 * 1024);
    EXPECT_EQ(parse_budget("500MB").bytes(0), 500'000'000);
    EXPECT_EQ(parse_budget("1.5KiB").bytes(0), 1536);
    EXPECT_EQ(parse_budget("123456").bytes(0), 123456);
    EXPECT_EQ(parse_budget("123456B").bytes(0), 123456);
    EXPECT_EQ(parse_budget("2 GB").bytes(0), 2'000'000'000);
    EXPECT_EQ(parse_budget("3GB").kind, Budget::Kind::Bytes);
}

TEST(Budget, BitsPerParameterRoundDown) {
    const Budget b = parse_budget("4.5bpp");
    EXPECT_EQ(b.kind, Budget::Kind::BitsPerParameter);
    EXPECT_EQ(b.bytes(1000), 562);  // 562.5 bytes: the half byte would exceed 4.5 bits
    EXPECT_EQ(b.bytes(8'000'000'000), 4'500'000'000);
    EXPECT_EQ(to_string(b), "4.5bpp");
}

TEST(Budget, RefusesWhatIsNotASize) {
    for (const char* text :
         {"", "GB", "-3GB", "0", "3XB", "3 bpp x", "nanGB", "inf", "1e400B", "4.5 bits", "3gb"}) {
        EXPECT_THROW(parse_budget(text), UsageError) << text;
    }
}

}  // namespace
}  // namespace quantscope
