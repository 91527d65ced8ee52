// BackgroundJob (app/gui/background_job.h), the helper behind the session's five jobs: the latest
// request wins, older results are dropped, cancel stops a job at any moment (running or still
// queued), destroying the owner neither crashes nor delivers, progress arrives, and the work never
// runs on the GUI thread.

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTest>
#include <QThread>
#include <QThreadPool>
#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "background_job.h"

using quantscope::app::BackgroundJob;
using quantscope::app::JobControl;

namespace {

constexpr int kTimeout = 10000;

// What the workers saw, shared with tasks that may outlive a test's locals.
struct Probe {
    std::atomic<int> started{0};
    std::atomic<int> stopped{0};
    std::atomic<bool> ranOnGuiThread{false};
    std::atomic<bool> release{false};  // lets a blocking task finish
};

// A task that runs until it is cancelled (or released), then returns `value`.
BackgroundJob<int>::Prepare untilCancelled(std::shared_ptr<Probe> probe, int value) {
    QThread* gui = QCoreApplication::instance()->thread();
    return [probe, value, gui] {
        return [probe, value, gui](JobControl& job) {
            if (QThread::currentThread() == gui) {
                probe->ranOnGuiThread = true;
            }
            ++probe->started;
            while (!job.isCancelled() && !probe->release) {
                QThread::msleep(1);
            }
            ++probe->stopped;
            return value;
        };
    };
}

}  // namespace

// A job of tasks that run until cancelled, recording what it delivers.
struct RecordedJob {
    std::shared_ptr<Probe> probe = std::make_shared<Probe>();
    BackgroundJob<int> job;
    std::vector<std::optional<int>> finished;

    RecordedJob() {
        job.setFinishedHandler([this](std::optional<int> r) { finished.push_back(r); });
    }
    void request(int value) { job.request(untilCancelled(probe, value)); }
    bool waitForStarts(int starts) {
        return QTest::qWaitFor([&] { return probe->started == starts; }, kTimeout);
    }
    // The first request, once its task runs.
    bool startFirst(int value) {
        request(value);
        return waitForStarts(1);
    }
    bool waitUntilIdle() {
        return QTest::qWaitFor([&] { return !job.isBusy(); }, kTimeout);
    }
    // Lets the running task finish and waits until its end is handled.
    bool releaseAndWait() {
        probe->release = true;
        return waitUntilIdle();
    }
};

class BackgroundJobTest : public QObject {
    Q_OBJECT

private slots:
    void aNewRequestDropsTheOldResult() {
        RecordedJob r;
        std::vector<int> superseded;
        r.job.setSupersededHandler([&](int value) { superseded.push_back(value); });
        QVERIFY(r.startFirst(1));
        r.request(2);  // cancels the first
        r.request(3);  // replaces the second before it starts
        QVERIFY(r.job.isActive());
        QVERIFY(r.waitForStarts(2));
        QVERIFY(r.releaseAndWait());
        QCOMPARE(r.finished, std::vector<std::optional<int>>{3});
        QCOMPARE(superseded, std::vector<int>{1});
        QCOMPARE(r.probe->started.load(), 2);  // the second request never ran
        QVERIFY(!r.probe->ranOnGuiThread);
    }

    void cancelStopsARunningJobPromptly() {
        RecordedJob r;
        QVERIFY(r.startFirst(7));
        QElapsedTimer timer;
        timer.start();
        r.job.cancel();
        QVERIFY(!r.job.isActive());
        QVERIFY(r.waitUntilIdle());
        QVERIFY2(timer.elapsed() < 2000, "the job did not stop when cancelled");
        // Its result is not delivered.
        QCOMPARE(r.finished, std::vector<std::optional<int>>{std::nullopt});
        QCOMPARE(r.probe->stopped.load(), 1);
    }

    void cancelAlsoDropsAWaitingRequest() {
        RecordedJob r;
        QVERIFY(r.startFirst(1));
        r.request(2);  // waits for the first to stop
        r.job.cancel();
        QVERIFY(r.waitUntilIdle());
        QTest::qWait(50);  // time for the dropped request to start, were it kept
        QCOMPARE(r.finished, std::vector<std::optional<int>>{std::nullopt});
        QCOMPARE(r.probe->started.load(), 1);
    }

    void aRequestAfterCancelRunsOnceTheOldJobStopped() {
        RecordedJob r;
        QVERIFY(r.startFirst(1));
        r.job.cancel();
        r.request(2);
        QVERIFY(r.waitForStarts(2));
        QVERIFY(r.releaseAndWait());
        QCOMPARE(r.finished, std::vector<std::optional<int>>{2});
    }

    // A job still waiting for a worker when it is cancelled never runs: not on a worker, and not
    // on the GUI thread (QFuture::waitForFinished may run a queued task on the waiting thread).
    void cancelBeforeAJobStartsAndDestroyingTheOwnerDeliverNothing() {
        QThreadPool* pool = QThreadPool::globalInstance();
        const int threads = pool->maxThreadCount();
        pool->setMaxThreadCount(1);
        auto blocker = std::make_shared<std::atomic<bool>>(false);
        pool->start([blocker] {
            while (!*blocker) {
                QThread::msleep(1);
            }
        });
        auto probe = std::make_shared<Probe>();
        bool delivered = false;
        {
            BackgroundJob<int> job;
            job.setFinishedHandler([&](std::optional<int>) { delivered = true; });
            job.request(untilCancelled(probe, 1));  // queued behind the blocker
        }                                           // destroyed: cancels and waits
        *blocker = true;
        pool->waitForDone(kTimeout);
        pool->setMaxThreadCount(threads);
        QTest::qWait(50);
        QVERIFY(!delivered);
        QCOMPARE(probe->started.load(), 0);
        QVERIFY(!probe->ranOnGuiThread);
    }

    void destroyingTheOwnerWhileAJobRunsStopsItAndDeliversNothing() {
        auto probe = std::make_shared<Probe>();
        bool delivered = false;
        auto job = std::make_unique<BackgroundJob<std::shared_ptr<std::vector<int>>>>();
        job->setFinishedHandler([&](auto) { delivered = true; });
        job->setProgressHandler([&] { delivered = true; });
        const QThread* gui = QThread::currentThread();
        job->request([probe, gui] {
            return [probe, gui](JobControl& control) {
                if (QThread::currentThread() == gui) {
                    probe->ranOnGuiThread = true;
                }
                ++probe->started;
                auto data = std::make_shared<std::vector<int>>(1000, 1);
                while (!control.isCancelled()) {
                    (*data)[0] += 1;  // works on memory it owns until told to stop
                    QThread::msleep(1);
                }
                control.setProgressValue(1);  // after the owner is gone: must not arrive
                ++probe->stopped;
                return data;
            };
        });
        QVERIFY(QTest::qWaitFor([&] { return probe->started == 1; }, kTimeout));
        delivered = false;  // the start's progress report
        job.reset();
        QCOMPARE(probe->stopped.load(), 1);  // the destructor waited for the worker
        QTest::qWait(50);
        QVERIFY(!delivered);
        QVERIFY(!probe->ranOnGuiThread);
    }

    void progressArrives() {
        BackgroundJob<int> job;
        int lastValue = -1;
        int lastMaximum = -1;
        bool finished = false;
        job.setProgressHandler([&] {
            lastValue = job.progressValue();
            lastMaximum = job.progressMaximum();
        });
        job.setFinishedHandler([&](std::optional<int>) { finished = true; });
        job.request([] {
            return [](JobControl& control) {
                control.setProgressRange(0, 3);
                for (int i = 1; i <= 3; ++i) {
                    QThread::msleep(20);
                    control.setProgressValue(i);
                }
                return 0;
            };
        });
        QVERIFY(QTest::qWaitFor([&] { return finished; }, kTimeout));
        QCOMPARE(lastMaximum, 3);
        QCOMPARE(lastValue, 3);
    }

    // A delivered result belongs to its handler: the job keeps no copy (a 200 MB tensor stayed
    // resident after its source was closed, held by the job's last future).
    void aDeliveredResultIsNotKept() {
        BackgroundJob<std::shared_ptr<std::vector<float>>> job;
        std::weak_ptr<std::vector<float>> delivered;
        bool finished = false;
        job.setFinishedHandler([&](std::optional<std::shared_ptr<std::vector<float>>> result) {
            QVERIFY(result && *result);
            delivered = *result;
            finished = true;
        });
        job.request(
            [] { return [](JobControl&) { return std::make_shared<std::vector<float>>(1000); }; });
        QVERIFY(QTest::qWaitFor([&] { return finished; }, kTimeout));
        QVERIFY(QTest::qWaitFor([&] { return !job.isBusy(); }, kTimeout));
        QVERIFY(delivered.expired());
    }
};

QTEST_GUILESS_MAIN(BackgroundJobTest)
#include "background_job_test.moc"
