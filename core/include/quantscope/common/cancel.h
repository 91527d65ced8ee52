#pragma once
// A cancellation flag for work whose callers cannot hand one down: reading a tensor goes through
// each loader's own read_values, generators through their specs. The caller opens a CancelScope
// on its thread; the long loops inside (value decoding, generators) check the flag between
// chunks and throw Cancelled (error.h). Without a scope nothing is ever cancelled.

#include <atomic>

namespace quantscope {

class CancelScope {
public:
    // `flag` (may be null) is in force on this thread until the scope ends; scopes nest.
    explicit CancelScope(const std::atomic<bool>* flag);
    ~CancelScope();
    CancelScope(const CancelScope&) = delete;
    CancelScope& operator=(const CancelScope&) = delete;

private:
    const std::atomic<bool>* previous_;
};

// The flag of this thread's innermost scope, or null. Loops that hand work to other threads read
// it once on the calling thread and pass it along.
const std::atomic<bool>* current_cancel_flag();

// Throws Cancelled once `flag` (may be null) is set.
void throw_if_cancelled(const std::atomic<bool>* flag);

}  // namespace quantscope
