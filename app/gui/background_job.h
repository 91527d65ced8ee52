#pragma once
// One background job of the session: the latest request wins, older results are dropped, and
// the job is cancelled by a newer request, by cancel() and by the destructor. The work runs on
// Qt's thread pool (QtConcurrent::run with a QPromise, as in Qt's primecounter example); the
// GUI thread only prepares a request from its state and receives the result.
//
// One job runs at a time: a newer request cancels the running one and starts once it has
// stopped, so that superseded work does not compete for the cores; requests that come in
// meanwhile collapse into the newest.

#include <QFutureWatcher>
#include <QPromise>
#include <QtConcurrent>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

namespace quantscope::app {

// What a running job sees: whether it should stop, and where to report how far it is.
class JobControl {
public:
    // The flag for core's long loops (QuantizeOptions::cancel, CancelScope): set once the job's
    // result is no longer wanted.
    const std::atomic<bool>* cancelFlag() const { return cancel_.get(); }
    bool isCancelled() const { return cancel_->load(std::memory_order_relaxed); }
    virtual void setProgressRange(int minimum, int maximum) = 0;
    virtual void setProgressValue(int value) = 0;

protected:
    explicit JobControl(std::shared_ptr<const std::atomic<bool>> cancel)
        : cancel_(std::move(cancel)) {}
    ~JobControl() = default;

private:
    std::shared_ptr<const std::atomic<bool>> cancel_;
};

template <typename Result>
class BackgroundJob {
public:
    // Runs on a worker thread; reads only what it captured.
    using Task = std::function<Result(JobControl&)>;
    // Runs on the GUI thread when the job can start, and captures the state the task needs.
    using Prepare = std::function<Task()>;

    BackgroundJob() {
        QObject::connect(&watcher_, &QFutureWatcherBase::finished, &watcher_,
                         [this] { onWatcherFinished(); });
        QObject::connect(&watcher_, &QFutureWatcherBase::progressValueChanged, &watcher_,
                         [this] { reportProgress(); });
        QObject::connect(&watcher_, &QFutureWatcherBase::progressRangeChanged, &watcher_,
                         [this] { reportProgress(); });
    }
    // Cancels the running job and waits for it to stop; nothing is delivered.
    ~BackgroundJob() {
        prepare_ = nullptr;
        if (cancel_) {
            cancel_->store(true);
        }
        // A job that has not started yet may be run here by Qt; it sees the flag and returns.
        // The watcher's queued signals die with it: no handler runs.
        watcher_.waitForFinished();
    }
    BackgroundJob(const BackgroundJob&) = delete;
    BackgroundJob& operator=(const BackgroundJob&) = delete;

    // The result of the newest request, or nullopt when cancel() stopped it. Called once per
    // request that was neither superseded nor destroyed.
    void setFinishedHandler(std::function<void(std::optional<Result>)> handler) {
        finished_ = std::move(handler);
    }
    // A superseded job's result, for what it can still give (e.g. a value summary); optional.
    void setSupersededHandler(std::function<void(Result)> handler) {
        superseded_ = std::move(handler);
    }
    // A job started or reported progress (isBusy(), progressValue(), progressMaximum()).
    void setProgressHandler(std::function<void()> handler) { progress_ = std::move(handler); }

    // Starts now when idle; otherwise cancels the running job and starts once it has stopped.
    void request(Prepare prepare) {
        prepare_ = std::move(prepare);
        if (!busy_) {
            launch();
        } else {
            cancel_->store(true);
        }
    }
    // Stops the running job and forgets a waiting request; the finished handler gets nullopt
    // once the job has stopped.
    void cancel() {
        prepare_ = nullptr;
        if (busy_) {
            cancel_->store(true);
        }
    }

    // A job runs or winds down (until its end is handled).
    bool isBusy() const { return busy_; }
    // A request is running or waiting and has not been cancelled or superseded.
    bool isActive() const { return busy_ && (prepare_ || !cancel_->load()); }
    int progressValue() const { return watcher_.progressValue(); }
    int progressMaximum() const { return watcher_.progressMaximum(); }

private:
    class Control final : public JobControl {
    public:
        Control(std::shared_ptr<const std::atomic<bool>> cancel, QPromise<void>& promise)
            : JobControl(std::move(cancel)), promise_(promise) {}
        void setProgressRange(int minimum, int maximum) override {
            promise_.setProgressRange(minimum, maximum);
        }
        void setProgressValue(int value) override { promise_.setProgressValue(value); }

    private:
        QPromise<void>& promise_;
    };

    void launch() {
        Task task = std::exchange(prepare_, nullptr)();
        busy_ = true;
        cancel_ = std::make_shared<std::atomic<bool>>(false);
        // The result goes to a slot of its own, not into the future: a future keeps its results
        // (a whole tensor) until the watcher gets the next one.
        slot_ = std::make_shared<std::optional<Result>>();
        watcher_.setFuture(QtConcurrent::run(
            [task = std::move(task), cancel = std::shared_ptr<const std::atomic<bool>>(cancel_),
             slot = slot_](QPromise<void>& promise) {
                if (cancel->load()) {
                    return;  // cancelled before it started
                }
                Control control(cancel, promise);
                *slot = task(control);
            }));
        reportProgress();
    }

    void onWatcherFinished() {
        busy_ = false;
        std::optional<Result> result;
        result.swap(*slot_);
        slot_.reset();
        if (prepare_) {
            if (result && superseded_) {
                superseded_(std::move(*result));
            }
            launch();
            return;
        }
        if (cancel_->load()) {
            result.reset();
        }
        if (finished_) {
            finished_(std::move(result));
        }
    }

    void reportProgress() {
        if (progress_) {
            progress_();
        }
    }

    QFutureWatcher<void> watcher_;
    std::shared_ptr<std::optional<Result>> slot_;  // the running job's result, once it returns
    std::shared_ptr<std::atomic<bool>> cancel_;    // of the running job
    Prepare prepare_;                              // the request waiting for the running job
    bool busy_ = false;
    std::function<void(std::optional<Result>)> finished_;
    std::function<void(Result)> superseded_;
    std::function<void()> progress_;
};

}  // namespace quantscope::app
