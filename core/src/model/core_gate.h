#pragma once
// Shares the cores between the overview's tensors in flight. A large tensor's quantize() splits
// itself across every core (parallel_for), so it runs alone; small tensors run on one core
// each, so several run side by side. A large tensor waiting for the cores goes before small
// ones that come later: otherwise a stream of small tensors would keep it waiting while its
// values sit in memory.

#include <condition_variable>
#include <mutex>

namespace quantscope::detail {

class CoreGate {
public:
    void enter(bool exclusive) {
        std::unique_lock<std::mutex> lock(mutex_);
        if (exclusive) {
            ++waiting_exclusive_;
            changed_.wait(lock, [&] { return !exclusive_ && sharing_ == 0; });
            --waiting_exclusive_;
            exclusive_ = true;
        } else {
            changed_.wait(lock, [&] { return !exclusive_ && waiting_exclusive_ == 0; });
            ++sharing_;
        }
    }

    void leave(bool exclusive) {
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            if (exclusive) {
                exclusive_ = false;
            } else {
                --sharing_;
            }
        }
        changed_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int sharing_ = 0;
    int waiting_exclusive_ = 0;
    bool exclusive_ = false;
};

// Holds the gate for one scope.
class GatePass {
public:
    GatePass(CoreGate& gate, bool exclusive) : gate_(gate), exclusive_(exclusive) {
        gate_.enter(exclusive_);
    }
    ~GatePass() { gate_.leave(exclusive_); }
    GatePass(const GatePass&) = delete;
    GatePass& operator=(const GatePass&) = delete;

private:
    CoreGate& gate_;
    bool exclusive_;
};

}  // namespace quantscope::detail
