#include "quantscope/common/parallel.h"

#include <algorithm>
#include <exception>
#include <thread>
#include <vector>

namespace quantscope {

unsigned worker_count() {
    static const unsigned count = std::max(1u, std::thread::hardware_concurrency());
    return count;
}

std::size_t max_chunks() {
    return worker_count();
}

namespace {

std::size_t run_chunks(std::size_t n, std::size_t alignment, bool large,
                       const std::function<void(std::size_t, std::size_t, std::size_t)>& body) {
    alignment = std::max<std::size_t>(alignment, 1);
    std::size_t chunks = large ? worker_count() : 1;
    const std::size_t units = (n + alignment - 1) / alignment;
    chunks = std::max<std::size_t>(1, std::min(chunks, units));
    if (chunks == 1) {
        body(0, 0, n);
        return 1;
    }
    const std::size_t units_per_chunk = (units + chunks - 1) / chunks;
    std::vector<std::exception_ptr> errors(chunks);
    std::vector<std::thread> threads;
    threads.reserve(chunks - 1);
    auto run = [&](std::size_t c) {
        const std::size_t begin = std::min(n, c * units_per_chunk * alignment);
        const std::size_t end = std::min(n, (c + 1) * units_per_chunk * alignment);
        try {
            body(c, begin, end);
        } catch (...) {
            errors[c] = std::current_exception();
        }
    };
    for (std::size_t c = 1; c < chunks; ++c) {
        threads.emplace_back(run, c);
    }
    run(0);
    for (std::thread& t : threads) {
        t.join();
    }
    for (const std::exception_ptr& e : errors) {
        if (e) {
            std::rethrow_exception(e);
        }
    }
    return chunks;
}

}  // namespace

std::size_t parallel_for(std::size_t n, std::size_t alignment,
                         const std::function<void(std::size_t, std::size_t, std::size_t)>& body) {
    return run_chunks(n, alignment, n >= kParallelThreshold, body);
}

std::size_t parallel_for_tasks(
    std::size_t tasks, std::size_t total_work,
    const std::function<void(std::size_t, std::size_t, std::size_t)>& body) {
    return run_chunks(tasks, 1, total_work >= kParallelThreshold, body);
}

}  // namespace quantscope
