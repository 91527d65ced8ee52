#include "quantscope/common/cancel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <string>

#include "quantscope/common/error.h"
#include "quantscope/common/generators.h"
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

}  // namespace
}  // namespace quantscope
