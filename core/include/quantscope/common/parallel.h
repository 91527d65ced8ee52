#pragma once
// Splits large contiguous work across the machine's cores. Small work runs inline: starting a
// thread costs tens of microseconds, more than a pass over a few hundred thousand floats.

#include <cstddef>
#include <functional>

namespace quantscope {

// Below this many elements, parallel_for runs on the calling thread.
inline constexpr std::size_t kParallelThreshold = 1 << 19;

// Number of worker threads parallel_for uses (hardware concurrency, at least 1, unless
// set_worker_count chose another number).
unsigned worker_count();
// Sets worker_count() (0: hardware concurrency). Only before the first parallel loop or
// worker_count() call: the pool and callers' per-chunk buffers are sized from it once. Returns
// whether it took effect.
bool set_worker_count(unsigned count);

// Calls body(chunk_index, begin, end) for contiguous chunks covering [0, n). Chunk boundaries
// are multiples of `alignment` (except the last), so block-wise callers never split a block.
// Returns the number of chunks used; chunk_index < that number. Exceptions from a body are
// rethrown on the caller's thread after all chunks finish.
std::size_t parallel_for(std::size_t n, std::size_t alignment,
                         const std::function<void(std::size_t, std::size_t, std::size_t)>& body);

// Calls body(chunk_index, begin, end) over contiguous ranges of `tasks` independent tasks,
// on several threads when `total_work` (e.g. the elements the tasks touch) is large.
std::size_t parallel_for_tasks(
    std::size_t tasks, std::size_t total_work,
    const std::function<void(std::size_t, std::size_t, std::size_t)>& body);

// Upper bound on the chunk count parallel_for may use, for sizing per-chunk accumulators.
std::size_t max_chunks();

}  // namespace quantscope
