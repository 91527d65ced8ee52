// The Optimizer tab (issue 22): the three Adam runs of the demo (FP32, linear int8, dynamic
// map) fill the table with the bytes per parameter and the errors, the loss chart with three
// curves and the state charts with the two 8-bit runs; Cancel stops a long run; screenshots in
// both palettes.

#include <QApplication>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineSeries>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>

#include "gui_test_support.h"
#include "main_window.h"
#include "optimizer_panel.h"
#include "plot_chart_view.h"
#include "view_tabs.h"

using namespace quantscope;
using namespace quantscope::app;

class OptimizerPanelTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }

    void threeRunsWithTheirBytesAndErrors() {
        OptimizerPanel panel;
        QSignalSpy done(&panel, &OptimizerPanel::finished);
        panel.run();
        QVERIFY(done.wait(gui_test::kTimeout));
        const auto outcome = panel.outcome();
        QVERIFY(outcome);
        QVERIFY2(outcome->error.isEmpty(), qPrintable(outcome->error));
        QCOMPARE(outcome->comparison.runs.size(), std::size_t{3});
        // A row per run: FP32 keeps 8 bytes per parameter, 8 bits 2 + 4 bytes per block of each
        // of the four tensors (452 parameters): 936 / 452.
        QCOMPARE(panel.table()->rowCount(), 3);
        QCOMPARE(panel.table()->item(0, 0)->text(), QStringLiteral("FP32"));
        QCOMPARE(panel.table()->item(0, 1)->text(), QStringLiteral("8"));
        QCOMPARE(panel.table()->item(0, 2)->text(), QStringLiteral("3616"));
        QCOMPARE(panel.table()->item(1, 0)->text(), QStringLiteral("int8 linear"));
        QCOMPARE(panel.table()->item(1, 1)->text(), QStringLiteral("2.0708"));
        QCOMPARE(panel.table()->item(2, 0)->text(), QStringLiteral("dynamic map"));
        QCOMPARE(panel.table()->item(2, 2)->text(), QStringLiteral("936"));
        // The loss of every run at every step (342); the state charts hold the 8-bit runs.
        QCOMPARE(panel.lossChart()->curveCount(), 3);
        for (qsizetype i = 0; i < 3; ++i) {
            QCOMPARE(panel.lossChart()->curveSeries(i)->count(), 342);
        }
        QCOMPARE(panel.firstErrorChart()->curveCount(), 2);
        QCOMPARE(panel.secondErrorChart()->curveCount(), 2);
        QCOMPARE(panel.zeroedChart()->curveCount(), 2);
        // Linear int8 flushes v to zero at some step; its zeroed curve rises above 0 %.
        double most = 0;
        for (const QPointF& p : panel.zeroedChart()->curveSeries(0)->points()) {
            most = std::max(most, p.y());
        }
        QVERIFY(most > 1);
        QVERIFY(panel.noteLabel()->text().contains(QLatin1String("452 parameters")));

        // Fewer epochs, fewer steps.
        panel.epochsBox()->setValue(2);
        panel.run();
        QVERIFY(done.wait(gui_test::kTimeout));
        QCOMPARE(panel.lossChart()->curveSeries(0)->count(), 114);
    }

    void cancelStopsALongRun() {
        OptimizerPanel panel;
        panel.epochsBox()->setValue(100);  // seconds of training
        QSignalSpy done(&panel, &OptimizerPanel::finished);
        QElapsedTimer timer;
        timer.start();
        panel.run();
        QTest::qWait(50);
        QVERIFY(panel.isRunning());
        panel.cancel();
        QVERIFY(done.count() > 0 || done.wait(gui_test::kTimeout));
        QVERIFY(timer.elapsed() < 2000);
        QCOMPARE(panel.noteLabel()->text(), QStringLiteral("Cancelled."));
        QVERIFY(!panel.outcome());
    }

    void screenshots() {
        MainWindow window;
        QVERIFY(gui_test::showAtTestSize(window));
        OptimizerPanel* panel = window.optimizerPanel();
        window.tabs()->setCurrentIndex(MainWindow::OptimizerTab);
        QCOMPARE(window.tabs()->currentWidget(), panel);
        QVERIFY(panel->isRunning() || panel->outcome());
        QVERIFY(gui_test::waitForOwnRun(panel));
        QVERIFY(gui_test::saveInBothPalettes(window, QStringLiteral("optimizer")));
    }
};

QTEST_MAIN(OptimizerPanelTest)
#include "optimizer_panel_test.moc"
