// The Operators tab (issue 22): a run on generated weights and activations with outlier columns
// fills the table with every chosen mode against the float result, the accumulator bars with
// the integer products, the K chart with one curve per mode and the error histogram; a selected
// 2-D tensor can be W; screenshots in both palettes.

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QLineSeries>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>

#include "accumulator_bar.h"
#include "analysis_session.h"
#include "gui_test_support.h"
#include "main_window.h"
#include "operators_panel.h"
#include "plot_chart_view.h"
#include "quantscope/common/generators.h"
#include "view_tabs.h"

using namespace quantscope;
using namespace quantscope::app;

namespace {

bool runAndWait(OperatorsPanel* panel) {
    QSignalSpy done(panel, &OperatorsPanel::finished);
    panel->run();
    return done.wait(gui_test::kTimeout);
}

}  // namespace

class OperatorsPanelTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }

    void everyModeAgainstTheFloatResult() {
        AnalysisSession session;
        OperatorsPanel panel(&session);
        panel.innerBox()->setValue(256);
        panel.outputsBox()->setValue(32);
        panel.rowsBox()->setValue(32);
        QVERIFY(runAndWait(&panel));
        const auto outcome = panel.outcome();
        QVERIFY(outcome);
        QVERIFY2(outcome->error.isEmpty(), qPrintable(outcome->error));
        QCOMPARE(outcome->output.modes.size(), std::size_t{4});
        QCOMPARE(outcome->output.outlier_columns.size(), std::size_t{4});
        // A column per mode; the first row is SQNR, as core's metric list orders it.
        QCOMPARE(panel.table()->columnCount(), 4);
        QCOMPARE(panel.table()->verticalHeaderItem(0)->text(), QStringLiteral("SQNR"));
        QVERIFY(panel.table()->item(0, 0)->text().endsWith(QLatin1String("dB")));
        // Mixed keeps the outlier columns in FP16: better than dynamic int8 per row.
        const auto& modes = outcome->output.modes;
        QVERIFY(modes[3].metrics.sqnr_db > modes[1].metrics.sqnr_db + 6);
        // Three integer products (dynamic, static, mixed), none near the int32 limit.
        QCOMPARE(panel.accumulatorBar()->entries().size(), 3);
        for (const auto& e : panel.accumulatorBar()->entries()) {
            QVERIFY(e.largest > 0 && e.largest <= e.worstCase && e.worstCase < 2147483647);
        }
        // The K chart: a curve per mode, a point per k of 16 .. 256 (log2 4 .. 8).
        QCOMPARE(panel.kChart()->curveCount(), 4);
        QCOMPARE(panel.kChart()->curveSeries(1)->count(), 5);
        QCOMPARE(panel.kChart()->curveSeries(1)->at(4).x(), 8.0);
        QCOMPARE(panel.errorChart()->curveCount(), 4);

        // Only two modes: two columns.
        for (QCheckBox* box : panel.findChildren<QCheckBox*>()) {
            if (box->text() == QLatin1String("static") || box->text() == QLatin1String("mixed")) {
                box->setChecked(false);
            }
        }
        QVERIFY(runAndWait(&panel));
        QCOMPARE(panel.table()->columnCount(), 2);
    }

    void theSelectedTensorAsWeights() {
        AnalysisSession session;
        OperatorsPanel panel(&session);
        // A 1-D tensor cannot be W: the choice is off.
        session.setTensor(generate("gaussian:n=64"));
        panel.weightSourceBox()->setCurrentIndex(OperatorsPanel::SelectedWeights);
        QCOMPARE(panel.weightSourceBox()->currentIndex(), 0);
        session.setTensor(generate("matrix:rows=96,cols=24,std=0.1,seed=3"));
        QVERIFY(gui_test::settle(&session));
        panel.weightSourceBox()->setCurrentIndex(OperatorsPanel::SelectedWeights);
        QCOMPARE(panel.weightSourceBox()->currentIndex(), 1);
        QCOMPARE(panel.innerBox()->value(), 96);
        QCOMPARE(panel.outputsBox()->value(), 24);
        QVERIFY(!panel.innerBox()->isEnabled());
        QVERIFY(runAndWait(&panel));
        QVERIFY(panel.outcome());
        QCOMPARE(panel.outcome()->output.reference.cols(), 24);
        QVERIFY(panel.outcome()->wName.startsWith(QLatin1String("matrix:rows=96")));
    }

    void screenshots() {
        MainWindow window;
        QVERIFY(gui_test::showAtTestSize(window));
        window.tabs()->setCurrentIndex(MainWindow::OperatorsTab);
        OperatorsPanel* panel = window.operatorsPanel();
        QVERIFY(panel->isRunning() || panel->outcome());
        QVERIFY(gui_test::waitForOwnRun(panel));
        QVERIFY(gui_test::saveInBothPalettes(window, QStringLiteral("operators")));
    }
};

QTEST_MAIN(OperatorsPanelTest)
#include "operators_panel_test.moc"
