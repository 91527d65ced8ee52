// FloatBuffer's allocator: alignment, and the cache that hands a freed large buffer to the next
// allocation of the same size (no page faults on repeated analyses of one tensor).

#include <gtest/gtest.h>

#include <cstdint>

#include "quantscope/common/buffer.h"

namespace quantscope {
namespace {

TEST(FloatBuffer, LargeBuffersAreHugePageAlignedAndReused) {
    const std::size_t n = std::size_t{8} << 20;  // 32 MiB of floats
    const float* first = nullptr;
    {
        FloatBuffer a(n);
        first = a.data();
        EXPECT_EQ(reinterpret_cast<std::uintptr_t>(first) % (std::size_t{2} << 20), 0u);
        a[n - 1] = 1.0f;
    }
    FloatBuffer b(n);
    EXPECT_EQ(b.data(), first);  // the freed block came back
    FloatBuffer c(n);            // the cache held one block: this one is new
    EXPECT_NE(c.data(), b.data());
    FloatBuffer small(100);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(small.data()) % 64, 0u);
}

}  // namespace
}  // namespace quantscope
