// .npz archives written by numpy.savez (stored) and numpy.savez_compressed (deflated).
#include <gtest/gtest.h>

#include "io_test_support.h"
#include "quantscope/io/load_error.h"
#include "quantscope/io/source.h"

namespace quantscope {
namespace {

using test::expect_values;
using test::fixture;

class Npz : public ::testing::TestWithParam<const char*> {};

TEST_P(Npz, ListsMembersAndReadsThem) {
    const auto source = open_source(fixture(GetParam()));
    EXPECT_EQ(source->format_name(), "npz");
    ASSERT_EQ(source->tensors().size(), 3U);
    const auto weights = source->find("weights");
    const auto bias = source->find("bias");
    const auto half = source->find("half");
    ASSERT_TRUE(weights && bias && half);
    EXPECT_EQ(source->tensors()[*weights].shape, (Shape{3, 2}));
    EXPECT_EQ(source->tensors()[*weights].dtype, "float32");
    EXPECT_EQ(source->tensors()[*bias].dtype, "int16");
    EXPECT_EQ(source->tensors()[*half].dtype, "float16");
    expect_values(source->read("weights"), {-1.5f, -1.0f, -0.5f, 0.0f, 0.5f, 1.0f});
    expect_values(source->read("bias"), {-3, -2, -1});
    expect_values(source->read("half"), {1.5f, -0.25f});
}

INSTANTIATE_TEST_SUITE_P(StoredAndDeflated, Npz, ::testing::Values("stored.npz", "deflated.npz"));

TEST(Npz, DeflatedMembersAreNoted) {
    const auto source = open_source(fixture("deflated.npz"));
    EXPECT_EQ(source->note(0), "deflated");
    EXPECT_EQ(open_source(fixture("stored.npz"))->note(0), "");
}

TEST(Npz, EveryCorruptByteOfADeflatedMemberIsCaught) {
    // Flip each of the first 30 bytes of the first member's deflated data: inflate or the CRC-32
    // (which catches every error burst up to 32 bits) must report it; nothing may crash.
    const auto original = test::file_bytes(fixture("deflated.npz"));
    const auto u16 = [&](std::size_t at) {
        return static_cast<std::size_t>(original[at]) |
               (static_cast<std::size_t>(original[at + 1]) << 8);
    };
    const std::size_t data = 30 + u16(26) + u16(28);  // local header, name, extra field
    int errors = 0;
    for (std::size_t at = data; at < data + 30; ++at) {
        auto bytes = original;
        bytes[at] ^= std::byte{0x5A};
        try {
            const auto source = open_source_bytes("corrupt.npz", bytes);
            for (std::size_t i = 0; i < source->tensors().size(); ++i) {
                (void)source->read(i);
            }
        } catch (const LoadError& error) {
            EXPECT_EQ(error.file(), "corrupt.npz");
            ++errors;
        }
    }
    EXPECT_EQ(errors, 30);
}

}  // namespace
}  // namespace quantscope
