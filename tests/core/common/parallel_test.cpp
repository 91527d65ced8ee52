#include "quantscope/common/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

namespace quantscope {
namespace {

TEST(ParallelFor, CoversEveryIndexOnceWithAlignedChunks) {
    for (std::size_t n :
         {std::size_t{0}, std::size_t{1}, std::size_t{1000}, kParallelThreshold + 12345}) {
        std::vector<std::atomic<int>> hits(n);
        const std::size_t chunks =
            parallel_for(n, 32, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
                EXPECT_LT(chunk, max_chunks());
                EXPECT_EQ(begin % 32, 0u);
                for (std::size_t i = begin; i < end; ++i) {
                    hits[i].fetch_add(1);
                }
            });
        EXPECT_GE(chunks, 1u);
        for (std::size_t i = 0; i < n; ++i) {
            ASSERT_EQ(hits[i].load(), 1) << "index " << i << " of " << n;
        }
    }
}

TEST(ParallelFor, RethrowsWorkerExceptions) {
    EXPECT_THROW(parallel_for(kParallelThreshold * 2, 1,
                              [](std::size_t chunk, std::size_t, std::size_t) {
                                  if (chunk == max_chunks() - 1) {
                                      throw std::runtime_error("boom");
                                  }
                              }),
                 std::runtime_error);
}

}  // namespace
}  // namespace quantscope
