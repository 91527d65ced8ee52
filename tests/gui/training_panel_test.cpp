// The Training tab (issue 22): a run fills the accuracy chart with PTQ and QAT against bit width
// (QAT above PTQ at 4 bits and below), the table with a row per config, the loss chart with the
// float, nearest and stochastic runs and the vanishing-update chart; Cancel stops a run;
// screenshots in both palettes.

#include <QApplication>
#include <QColor>
#include <QComboBox>
#include <QLabel>
#include <QLineSeries>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>

#include "gui_test_support.h"
#include "main_window.h"
#include "plot_chart_view.h"
#include "training_panel.h"
#include "view_tabs.h"

using namespace quantscope;
using namespace quantscope::app;

namespace {

// A run trains eleven models (about 2 s in Release): room for the sanitizers' slowdown.
constexpr int kTrainingTimeout = 8 * gui_test::kTimeout;

bool runAndWait(TrainingPanel* panel) {
    QSignalSpy done(panel, &TrainingPanel::finished);
    panel->run();
    return done.wait(kTrainingTimeout);
}

// The y of the point at x in a curve, or NaN.
double yAt(const QLineSeries* series, double x) {
    for (const QPointF& p : series->points()) {
        if (p.x() == x) {
            return p.y();
        }
    }
    return std::nan("");
}

}  // namespace

class TrainingPanelTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }

    void ptqAgainstQatAndLowPrecisionUpdates() {
        TrainingPanel panel;
        QVERIFY(runAndWait(&panel));
        const auto outcome = panel.outcome();
        QVERIFY(outcome);
        QVERIFY2(outcome->error.isEmpty(), qPrintable(outcome->error));
        // int2 .. int8 per tensor: a row and a point per width.
        QCOMPARE(panel.table()->rowCount(), 7);
        QCOMPARE(panel.table()->item(2, 0)->text(), QStringLiteral("int4"));
        QCOMPARE(panel.accuracyChart()->curveCount(), 3);
        const QLineSeries* ptq = panel.accuracyChart()->curveSeries(1);
        const QLineSeries* qat = panel.accuracyChart()->curveSeries(2);
        QCOMPARE(ptq->count(), 7);
        for (const double bits : {3.0, 4.0}) {
            QVERIFY2(yAt(qat, bits) > yAt(ptq, bits) + 5,
                     qPrintable(QStringLiteral("%1 bits: QAT %2 %, PTQ %3 %")
                                    .arg(bits)
                                    .arg(yAt(qat, bits))
                                    .arg(yAt(ptq, bits))));
        }
        // Loss per epoch for float, nearest and stochastic; the vanishing share for the two
        // stored runs, in percent.
        QCOMPARE(panel.lossChart()->curveCount(), 3);
        QCOMPARE(panel.lossChart()->curveSeries(1)->count(), 40);
        QCOMPARE(panel.lossChart()->curveSeries(2)->name(), QStringLiteral("float32"));
        QCOMPARE(panel.vanishingChart()->curveCount(), 2);
        const QLineSeries* vanishing = panel.vanishingChart()->curveSeries(0);
        QCOMPARE(vanishing->count(), 40);
        QVERIFY(vanishing->at(10).y() > 1 && vanishing->at(10).y() < 100);

        // Another family and update format: MX blocks have three widths; fp8 loses more updates.
        panel.familyBox()->setCurrentIndex(3);
        panel.updateFormatBox()->setCurrentText(QStringLiteral("fp8_e4m3"));
        panel.epochsBox()->setValue(10);
        QVERIFY(runAndWait(&panel));
        QCOMPARE(panel.table()->rowCount(), 3);
        QCOMPARE(panel.table()->item(0, 0)->text(), QStringLiteral("mxfp4"));
        QCOMPARE(panel.lossChart()->curveSeries(1)->count(), 10);
        QVERIFY(panel.outcome()->updates.format == "fp8_e4m3");
    }

    void cancelStopsARun() {
        TrainingPanel panel;
        QSignalSpy done(&panel, &TrainingPanel::finished);
        panel.run();
        QVERIFY(panel.isRunning());
        panel.cancel();
        QVERIFY(done.wait(kTrainingTimeout));
        QVERIFY(!panel.isRunning());
        QVERIFY(!panel.outcome());
        QCOMPARE(panel.noteLabel()->text(), QStringLiteral("Cancelled."));
    }

    void screenshots() {
        MainWindow window;
        QVERIFY(gui_test::showAtTestSize(window));
        window.tabs()->setCurrentIndex(MainWindow::TrainingTab);
        TrainingPanel* panel = window.trainingPanel();
        QVERIFY(panel->isRunning() || panel->outcome());
        QVERIFY(gui_test::waitForOwnRun(panel, kTrainingTimeout));
        // The float line takes the palette's text colour: light on dark.
        QVERIFY(gui_test::saveInBothPalettes(window, QStringLiteral("training"), [&](bool dark) {
            return (panel->accuracyChart()->curveSeries(0)->color().lightness() > 128) == dark;
        }));
    }
};

QTEST_MAIN(TrainingPanelTest)
#include "training_panel_test.moc"
