// FloatBuffer's allocator: alignment, and the cache that hands a freed large buffer to the next
// allocation of the same size (no page faults on repeated analyses of one tensor).

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <cstdint>

#include "quantscope/common/buffer.h"

namespace quantscope {
namespace {

long minor_faults() {
    rusage usage{};
    getrusage(RUSAGE_THREAD, &usage);
    return usage.ru_minflt;
}

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

// A full cache keeps the newest freed blocks (the sizes the next analysis asks for again), not
// the first ones it met.
TEST(FloatBuffer, CacheKeepsTheNewestSizes) {
    const float* newest = nullptr;
    std::size_t newest_size = 0;
    for (std::size_t k = 0; k < 10; ++k) {
        const std::size_t n = (std::size_t{1} << 20) + k * (std::size_t{1} << 19);  // 4..22 MiB
        FloatBuffer b(n);
        for (std::size_t i = 0; i < n; i += 1024) {
            b[i] = 1.0f;  // every page touched, as an analysis does
        }
        newest = b.data();
        newest_size = n;
    }
    // The block comes back with its pages still mapped: writing all of it faults nothing
    // (a block that went back to the system faults at least once per 2 MiB).
    const long faults_before = minor_faults();
    FloatBuffer again(newest_size);
    EXPECT_EQ(again.data(), newest);
    for (std::size_t i = 0; i < again.size(); i += 1024) {
        again[i] = 2.0f;
    }
    EXPECT_LT(minor_faults() - faults_before, 5);
}

// Closing a tensor gives its memory back: the cache counts what it holds and what is in use,
// keeps no more than its limit, and release_unused_buffers() frees the blocks whose size no
// live buffer has any more, while a size still in use stays cached for its next analysis.
TEST(FloatBuffer, CacheIsBoundedCountedAndReleased) {
    release_unused_buffers();
    const BufferCacheStats empty = buffer_cache_stats();
    EXPECT_EQ(empty.cached_blocks, 0u);
    EXPECT_EQ(empty.cached_bytes, 0u);
    EXPECT_GT(empty.limit_bytes, 0u);

    const std::size_t n = std::size_t{6} << 20;  // 24 MiB of floats
    const std::size_t bytes = n * sizeof(float);
    {
        FloatBuffer tensor(n);  // the tensor under study
        EXPECT_EQ(buffer_cache_stats().live_blocks, empty.live_blocks + 1);
        EXPECT_GE(buffer_cache_stats().live_bytes, empty.live_bytes + bytes);
        { FloatBuffer dequantized(n); }  // an analysis' Q(x), dropped
        EXPECT_EQ(buffer_cache_stats().cached_blocks, 1u);
        EXPECT_GE(buffer_cache_stats().cached_bytes, bytes);
        release_unused_buffers();  // the tensor's size is still in use: kept
        EXPECT_EQ(buffer_cache_stats().cached_blocks, 1u);
    }
    // The tensor is gone too: both blocks are cached, and both go on release.
    EXPECT_EQ(buffer_cache_stats().cached_blocks, 2u);
    EXPECT_EQ(buffer_cache_stats().live_blocks, empty.live_blocks);
    release_unused_buffers();
    EXPECT_EQ(buffer_cache_stats().cached_blocks, 0u);
    EXPECT_EQ(buffer_cache_stats().cached_bytes, 0u);

    // A limit below one block: a freed block is not kept, and lowering the limit evicts.
    { FloatBuffer a(n); }
    EXPECT_EQ(buffer_cache_stats().cached_blocks, 1u);
    set_buffer_cache_limit(bytes / 2);
    EXPECT_EQ(buffer_cache_stats().cached_blocks, 0u);
    EXPECT_EQ(buffer_cache_stats().limit_bytes, bytes / 2);
    { FloatBuffer b(n); }
    EXPECT_EQ(buffer_cache_stats().cached_blocks, 0u);
    set_buffer_cache_limit(empty.limit_bytes);
}

}  // namespace
}  // namespace quantscope
