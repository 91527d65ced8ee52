#pragma once
// What a tab that runs its own background job shows and does around it (the Operators and
// Training tabs): a strip with a note (what the results are, or why there are none), a progress
// bar and Cancel while the job runs, and Run; and the job's guard, which turns a cancellation
// into no result and any other failure into a message for the note.

#include <QString>
#include <QWidget>
#include <exception>
#include <memory>
#include <string_view>

#include "quantscope/common/error.h"

class QLabel;
class QProgressBar;
class QPushButton;

namespace quantscope::app {

class JobBar : public QWidget {
    Q_OBJECT

public:
    // The progress range jobs report in.
    static constexpr int kSteps = 1000;

    JobBar(const QString& runTip, QWidget* parent = nullptr);

    QLabel* note() const { return note_; }
    QPushButton* runButton() const { return run_; }
    QPushButton* cancelButton() const { return cancel_; }

    // While a job runs: Cancel on, the progress bar at `value` of kSteps, `busyText` as the
    // note; otherwise Cancel off and no progress bar.
    void showBusy(bool busy, int value, const QString& busyText);
    // A finished job: false, with the note saying so, when it was cancelled (no result) or
    // failed (`error` set).
    bool accept(bool hasResult, const QString& error);

private:
    QLabel* note_;
    QProgressBar* progress_;
    QPushButton* cancel_;
    QPushButton* run_;
};

// Runs work(outcome) on the job's thread: null when it returns false or throws Cancelled;
// any other failure is described ("SUBJECT: ...") in outcome->error.
template <typename Outcome, typename Work>
std::shared_ptr<const Outcome> guarded_job(std::string_view subject, Work&& work) {
    auto outcome = std::make_shared<Outcome>();
    try {
        if (!work(*outcome)) {
            return nullptr;
        }
    } catch (const Cancelled&) {
        return nullptr;
    } catch (const std::exception& e) {
        outcome->error = QString::fromStdString(describe_failure(e, subject));
    }
    return outcome;
}

}  // namespace quantscope::app
