#include "quantscope/common/cancel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "quantscope/common/error.h"
#include "quantscope/common/generators.h"
#include "quantscope/io/load_error.h"
#include "quantscope/io/npy_writer.h"
#include "quantscope/io/source.h"

namespace quantscope {
namespace {

TEST(Cancel, ScopesNestAndEnd) {
    std::atomic<bool> outer{false};
    std::atomic<bool> inner{false};
    EXPECT_EQ(current_cancel_flag(), nullptr);
    {
        const CancelScope a(&outer);
        EXPECT_EQ(current_cancel_flag(), &outer);
        {
            const CancelScope b(&inner);
            EXPECT_EQ(current_cancel_flag(), &inner);
        }
        EXPECT_EQ(current_cancel_flag(), &outer);
    }
    EXPECT_EQ(current_cancel_flag(), nullptr);
    EXPECT_NO_THROW(throw_if_cancelled(nullptr));
    outer = true;
    EXPECT_THROW(throw_if_cancelled(&outer), Cancelled);
}

// A set flag stops a generator and a file read; the same calls without it (or with it clear)
// give the whole tensor.
TEST(Cancel, StopsGeneratorsAndReads) {
    std::atomic<bool> cancel{true};
    {
        const CancelScope scope(&cancel);
        EXPECT_THROW(generate("gaussian:n=1000000,seed=1"), Cancelled);
        EXPECT_THROW(generate("sine:frequency=5,rate=100000,duration=10"), Cancelled);
        EXPECT_THROW(generate("mixture:n=1000000,seed=1"), Cancelled);
    }
    EXPECT_EQ(generate("gaussian:n=1000000,seed=1").values.size(), std::size_t{1000000});

    const std::string path =
        (std::filesystem::temp_directory_path() / "quantscope_cancel_test.npy").string();
    const Tensor t = generate("gaussian:n=3000000,seed=2");
    write_npy(path, t.values, {3000, 1000});
    const auto source = open_source(path);
    {
        const CancelScope scope(&cancel);
        EXPECT_THROW(source->read(0), Cancelled);
        cancel = false;
        EXPECT_EQ(source->read(0).values, t.values);
    }
    std::remove(path.c_str());
}

// Opening a text file is all parsing: a set flag stops it (without a look at the flag, the whole
// file was parsed first).
TEST(Cancel, StopsParsingText) {
    std::string text;
    for (int i = 0; i < 20000; ++i) {
        text += std::to_string(i) + ", " + std::to_string(i * 0.5) + "\n";
    }
    std::vector<std::byte> bytes(text.size());
    std::memcpy(bytes.data(), text.data(), text.size());
    std::atomic<bool> cancel{true};
    {
        const CancelScope scope(&cancel);
        EXPECT_THROW(open_source_bytes("big.csv", bytes, "csv"), Cancelled);
    }
    EXPECT_EQ(open_source_bytes("big.csv", bytes, "csv")->tensors()[0].count, 40000);
}

// Inflating a deflated .npz member looks at the flag too. The member (4 MiB, more than the header
// prefix inflated at open) gets a wrong CRC-32, so a read that inflated the whole member before
// looking (and then failed its check) is told apart from one that stopped at once.
TEST(Cancel, StopsInflating) {
    const std::string path = std::string(QUANTSCOPE_TEST_DATA_DIR) + "/io/deflated_ramp.npz";
    std::ifstream in(path, std::ios::binary);
    std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_FALSE(chars.empty()) << path;
    const std::string_view view(chars.data(), chars.size());
    const std::size_t central = view.find("PK\x01\x02");
    ASSERT_NE(central, std::string_view::npos);
    chars[central + 16] = static_cast<char>(chars[central + 16] ^ 0x5A);  // its CRC-32
    std::vector<std::byte> bytes(chars.size());
    std::memcpy(bytes.data(), chars.data(), chars.size());
    const auto source = open_source_bytes("bad_crc.npz", bytes);
    EXPECT_THROW(source->read(0), LoadError);  // the wrong CRC is caught after inflating
    std::atomic<bool> cancel{true};
    const CancelScope scope(&cancel);
    EXPECT_THROW(source->read(0), Cancelled);
}

}  // namespace
}  // namespace quantscope
