// Esc stops a Training or an Optimizer run as it stops the session's jobs: at once after the
// start and in the middle of the run, with the tab's note saying "Cancelled." and its Cancel off;
// and only the shown view's run.

#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

#include "gui_test_support.h"
#include "job_bar.h"
#include "main_window.h"
#include "optimizer_panel.h"
#include "training_panel.h"
#include "view_tabs.h"

using namespace quantscope;
using namespace quantscope::app;

namespace {

// A stopped run ends within this: the jobs check the flag at every training step.
constexpr int kPromptly = 3000;
// The longest run each tab offers: far longer than kPromptly, so that only Esc ends it in time.
constexpr int kTrainingEpochs = 400;
constexpr int kOptimizerEpochs = 100;

bool pressEscape(MainWindow& window) {
    window.activateWindow();
    if (!QTest::qWaitForWindowActive(&window)) {
        return false;
    }
    QWidget* target = QApplication::focusWidget() != nullptr ? QApplication::focusWidget()
                                                             : static_cast<QWidget*>(&window);
    QTest::keyClick(target, Qt::Key_Escape);
    return true;
}

// For each moment (just after the start, and 400 ms into the run): shows `tab`, lets its panel
// start its own run with `epochs`, presses Esc then and checks that the run ends promptly with
// no result and the note saying so.
template <typename Panel>
void escapeStopsAtAnyMoment(Panel* (MainWindow::*panelOf)() const, int tab, int epochs) {
    for (const int after : {0, 400}) {
        MainWindow window;
        QVERIFY(gui_test::showAtTestSize(window));
        Panel* panel = (window.*panelOf)();
        panel->epochsBox()->setValue(epochs);
        QSignalSpy finished(panel, &Panel::finished);
        window.tabs()->setCurrentIndex(tab);
        QVERIFY(panel->isRunning());
        QTest::qWait(after);
        QVERIFY2(panel->isRunning(), "the run ended before Esc: make it longer");
        QVERIFY(pressEscape(window));
        QVERIFY(QTest::qWaitFor([&] { return !panel->isRunning(); }, kPromptly));
        QCOMPARE(finished.count(), 1);
        QVERIFY(!panel->outcome());
        QCOMPARE(panel->noteLabel()->text(), QStringLiteral("Cancelled."));
        auto* bar = panel->template findChild<JobBar*>();
        QVERIFY(bar != nullptr);
        QVERIFY(!bar->cancelButton()->isEnabled());
        QVERIFY(bar->runButton()->isEnabled());
    }
}

// Shows the window and its Training view, which starts its longest run; null if it did not.
TrainingPanel* startLongTraining(MainWindow& window) {
    if (!gui_test::showAtTestSize(window)) {
        return nullptr;
    }
    TrainingPanel* panel = window.trainingPanel();
    panel->epochsBox()->setValue(kTrainingEpochs);
    window.tabs()->setCurrentIndex(MainWindow::TrainingTab);
    return panel->isRunning() ? panel : nullptr;
}

}  // namespace

class EscapeCancelsTest : public QObject {
    Q_OBJECT

private slots:
    void escapeStopsATrainingRun() {
        escapeStopsAtAnyMoment(&MainWindow::trainingPanel, MainWindow::TrainingTab,
                               kTrainingEpochs);
    }

    void escapeStopsAnOptimizerRun() {
        escapeStopsAtAnyMoment(&MainWindow::optimizerPanel, MainWindow::OptimizerTab,
                               kOptimizerEpochs);
    }

    // The status bar's Cancel (the window's general cancel) does what Esc does.
    void theWindowsCancelStopsTheShownRun() {
        MainWindow window;
        TrainingPanel* panel = startLongTraining(window);
        QVERIFY(panel != nullptr);
        window.cancelJobs();
        QVERIFY(QTest::qWaitFor([&] { return !panel->isRunning(); }, kPromptly));
        QCOMPARE(panel->noteLabel()->text(), QStringLiteral("Cancelled."));
    }

    // Esc on another view leaves a run the user is not looking at alone.
    void escapeLeavesAHiddenRunAlone() {
        MainWindow window;
        TrainingPanel* panel = startLongTraining(window);
        QVERIFY(panel != nullptr);
        window.tabs()->setCurrentIndex(MainWindow::HistogramTab);
        QVERIFY(pressEscape(window));
        QTest::qWait(200);
        QVERIFY(panel->isRunning());
        panel->cancel();
        QVERIFY(QTest::qWaitFor([&] { return !panel->isRunning(); }, kPromptly));
    }
};

QTEST_MAIN(EscapeCancelsTest)
#include "escape_cancels_test.moc"
