#pragma once
// A view that runs a background job of its own (Training, Optimizer states, Operators, Overview,
// Planner). Esc, the window's Cancel, stops the shown view's job besides the session's, so that
// one key stops whatever the user is looking at; the view then says it was cancelled.

namespace quantscope::app {

class CancellableView {
public:
    // Stops the running job, if any; the view's finished handler then shows "Cancelled".
    virtual void cancel() = 0;

protected:
    CancellableView() = default;
    CancellableView(const CancellableView&) = default;
    CancellableView& operator=(const CancellableView&) = default;
    ~CancellableView() = default;
};

}  // namespace quantscope::app
