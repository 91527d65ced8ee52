#include "quantscope/common/parallel.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace quantscope {

namespace {

std::atomic<unsigned> requested_workers{0};
std::atomic<bool> workers_fixed{false};

}  // namespace

unsigned worker_count() {
    static const unsigned count = [] {
        workers_fixed = true;
        const unsigned requested = requested_workers.load();
        return requested > 0 ? requested : std::max(1u, std::thread::hardware_concurrency());
    }();
    return count;
}

bool set_worker_count(unsigned count) {
    if (workers_fixed.load()) {
        return false;
    }
    requested_workers = count;
    return true;
}

std::size_t max_chunks() {
    return worker_count();
}

namespace {

// Set on the pool's workers, and on a caller while it runs its own chunk: parallel_for inside a
// body runs inline (the cores are busy with the outer loop already).
thread_local bool inside_parallel_body = false;

// worker_count() - 1 threads started once: starting threads for every loop cost tens of
// microseconds a loop, and each new thread's stack page-faulted afresh.
class WorkerPool {
public:
    // Never destroyed: a loop may still run on another thread (a GUI job) while statics are
    // destroyed at exit; the workers end with the process.
    static WorkerPool& instance() {
        static WorkerPool* const pool = new WorkerPool(worker_count() - 1);
        return *pool;
    }

    // Runs task(c) for every c < chunks: c = 0 here, the others on the workers; returns when all
    // are done. False, running nothing, when another thread is using the pool or chunks exceed
    // the workers + 1.
    bool try_run(std::size_t chunks, const std::function<void(std::size_t)>& task) {
        std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
        if (!busy.owns_lock() || chunks > workers_.size() + 1) {
            return false;
        }
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            task_ = &task;
            chunks_ = chunks;
            pending_ = chunks - 1;
            ++round_;
        }
        wake_.notify_all();
        inside_parallel_body = true;
        task(0);
        inside_parallel_body = false;
        std::unique_lock<std::mutex> lock(mutex_);
        done_.wait(lock, [&] { return pending_ == 0; });
        task_ = nullptr;
        return true;
    }

    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

private:
    explicit WorkerPool(std::size_t workers) {
        workers_.reserve(workers);
        try {
            for (std::size_t w = 0; w < workers; ++w) {
                workers_.emplace_back([this, w] { work(w + 1); });
            }
        } catch (const std::system_error&) {
            // Fewer workers than cores: loops that want more start threads of their own.
        }
    }

    void work(std::size_t chunk) {
        inside_parallel_body = true;
        std::uint64_t seen = 0;
        for (;;) {
            const std::function<void(std::size_t)>* task = nullptr;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                wake_.wait(lock, [&] { return round_ != seen; });
                seen = round_;
                if (chunk >= chunks_) {
                    continue;  // not needed this round
                }
                task = task_;
            }
            (*task)(chunk);  // the task catches its own exceptions
            const std::lock_guard<std::mutex> lock(mutex_);
            if (--pending_ == 0) {
                done_.notify_one();
            }
        }
    }

    std::mutex busy_;  // held by the thread whose loop the pool runs
    std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable done_;
    const std::function<void(std::size_t)>* task_ = nullptr;
    std::size_t chunks_ = 0;
    std::size_t pending_ = 0;
    std::uint64_t round_ = 0;
    std::vector<std::thread> workers_;
};

std::size_t run_chunks(std::size_t n, std::size_t alignment, bool large,
                       const std::function<void(std::size_t, std::size_t, std::size_t)>& body) {
    alignment = std::max<std::size_t>(alignment, 1);
    std::size_t chunks = large && !inside_parallel_body ? worker_count() : 1;
    const std::size_t units = (n + alignment - 1) / alignment;
    chunks = std::max<std::size_t>(1, std::min(chunks, units));
    if (chunks == 1) {
        body(0, 0, n);
        return 1;
    }
    const std::size_t units_per_chunk = (units + chunks - 1) / chunks;
    std::vector<std::exception_ptr> errors(chunks);
    const std::function<void(std::size_t)> run = [&](std::size_t c) {
        const std::size_t begin = std::min(n, c * units_per_chunk * alignment);
        const std::size_t end = std::min(n, (c + 1) * units_per_chunk * alignment);
        try {
            body(c, begin, end);
        } catch (...) {
            errors[c] = std::current_exception();
        }
    };
    if (!WorkerPool::instance().try_run(chunks, run)) {
        // Another thread's loop holds the pool: threads of this loop's own.
        std::vector<std::thread> threads;
        threads.reserve(chunks - 1);
        for (std::size_t c = 1; c < chunks; ++c) {
            threads.emplace_back(run, c);
        }
        run(0);
        for (std::thread& t : threads) {
            t.join();
        }
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
