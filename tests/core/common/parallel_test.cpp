#include "quantscope/common/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
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

// A loop inside a loop's body runs on the body's thread, in one chunk (the cores are taken).
TEST(ParallelFor, NestedLoopsRunInline) {
    const std::size_t n = kParallelThreshold * 2;
    std::vector<std::atomic<int>> inner_chunks(max_chunks());
    std::atomic<std::size_t> covered{0};
    parallel_for(n, 1, [&](std::size_t chunk, std::size_t, std::size_t) {
        const std::size_t used = parallel_for(
            n, 1, [&](std::size_t, std::size_t b, std::size_t e) { covered.fetch_add(e - b); });
        inner_chunks[chunk].store(static_cast<int>(used));
    });
    const std::size_t outer = std::min<std::size_t>(max_chunks(), n);
    EXPECT_EQ(covered.load(), n * outer);
    for (std::size_t c = 0; c < outer; ++c) {
        EXPECT_EQ(inner_chunks[c].load(), 1) << "chunk " << c;
    }
}

// Loops from several threads at once (GUI jobs): one holds the worker pool, the others start
// threads of their own; every loop covers its range once, none waits forever.
TEST(ParallelFor, LoopsFromSeveralThreadsAtOnce) {
    constexpr int kThreads = 4;
    constexpr int kLoops = 200;
    const std::size_t n = kParallelThreshold + 999;
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            for (int loop = 0; loop < kLoops; ++loop) {
                std::atomic<std::size_t> covered{0};
                parallel_for(n, 64, [&](std::size_t, std::size_t b, std::size_t e) {
                    covered.fetch_add(e - b);
                });
                if (covered.load() != n) {
                    failures.fetch_add(1);
                }
            }
        });
    }
    for (std::thread& t : threads) {
        t.join();
    }
    EXPECT_EQ(failures.load(), 0);
}

// Once sized, the count stays: the pool and callers' per-chunk buffers were sized from it.
// (That a count set first takes effect is checked in a fresh process: gui.Autosave's
// cleanQuitReopensTheLastSessionUnlessTurnedOff starts the app with the preference at 1.)
TEST(Parallel, WorkerCountIsFixedOnceUsed) {
    const unsigned count = worker_count();
    EXPECT_FALSE(set_worker_count(count + 3));
    EXPECT_EQ(worker_count(), count);
    EXPECT_LE(parallel_for(kParallelThreshold * 4, 1, [](std::size_t, std::size_t, std::size_t) {}),
              max_chunks());
}

}  // namespace
}  // namespace quantscope
