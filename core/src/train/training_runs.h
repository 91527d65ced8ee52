#pragma once
// What run_ptq_qat and run_update_comparison share: independent training runs spread over the
// engine's threads, with progress after each and one stop flag for the caller's cancel and the
// progress callback's answer.

#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>

#include "quantscope/train/ptq_qat.h"

namespace quantscope::train_detail {

class RunTracker {
public:
    RunTracker(const TrainProgress& progress, const std::atomic<bool>* cancel, std::size_t total)
        : progress_(progress), cancel_(cancel), total_(total) {}

    bool stopped() const {
        return stop_.load(std::memory_order_relaxed) ||
               (cancel_ != nullptr && cancel_->load(std::memory_order_relaxed));
    }
    // For TrainOptions::on_epoch: keep going unless stopped.
    std::function<bool(const EpochRecord&)> epoch_check() const {
        return [this](const EpochRecord&) { return !stopped(); };
    }
    // After a run finishes (from any thread).
    void finished() {
        const std::lock_guard<std::mutex> lock(mutex_);
        ++done_;
        if (progress_ && !progress_(done_, total_)) {
            stop_.store(true, std::memory_order_relaxed);
        }
    }

private:
    const TrainProgress& progress_;
    const std::atomic<bool>* cancel_;
    std::size_t total_;
    std::size_t done_ = 0;
    std::mutex mutex_;
    std::atomic<bool> stop_{false};
};

// body(i) for i in [0, runs), spread over the engine's threads.
void for_each_run(std::size_t runs, const std::function<void(std::size_t)>& body);

}  // namespace quantscope::train_detail
