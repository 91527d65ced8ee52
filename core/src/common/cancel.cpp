#include "quantscope/common/cancel.h"

#include "quantscope/common/error.h"

namespace quantscope {

namespace {
thread_local const std::atomic<bool>* current_flag = nullptr;
}  // namespace

CancelScope::CancelScope(const std::atomic<bool>* flag) : previous_(current_flag) {
    current_flag = flag;
}

CancelScope::~CancelScope() {
    current_flag = previous_;
}

const std::atomic<bool>* current_cancel_flag() {
    return current_flag;
}

void throw_if_cancelled(const std::atomic<bool>* flag) {
    if (flag != nullptr && flag->load(std::memory_order_relaxed)) {
        throw Cancelled();
    }
}

}  // namespace quantscope
