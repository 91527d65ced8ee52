// The Memory tab (issue 17): the figures for 8B parameters, the scales' share, training
// with FP32 or 8-bit Adam, a loaded model counted shape by shape, and how it looks.

#include <QApplication>
#include <QBarSet>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHorizontalStackedBarSeries>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>

#include "analysis_session.h"
#include "gui_test_support.h"
#include "main_window.h"
#include "memory_panel.h"
#include "quantscope/io/source.h"
#include "quantscope/quant/memory_estimate.h"
#include "stacked_bar_view.h"
#include "view_tabs.h"

using namespace quantscope;
using namespace quantscope::app;

namespace {

// The row of the inference table whose first column reads `name`, or -1.
int rowNamed(const QTableWidget* t, const QString& name) {
    for (int r = 0; r < t->rowCount(); ++r) {
        if (t->item(r, 0)->text() == name) {
            return r;
        }
    }
    return -1;
}

QString cellText(const QTableWidget* t, const QString& row, int column) {
    const int r = rowNamed(t, row);
    return r < 0 ? QStringLiteral("(no row %1)").arg(row) : t->item(r, column)->text();
}

}  // namespace

class MemoryPanelTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }

    // 8e9 parameters: 32 / 16 / 8 / 4 GB of weights as FP32, BF16, INT8 and INT4.
    void eightBillionParameters() {
        AnalysisSession session;
        MemoryPanel panel(&session);
        QCOMPARE(panel.modelBox()->currentText(), QStringLiteral("8B (hidden 4096)"));
        QCOMPARE(panel.parametersBox()->value(), 8.0);
        const QTableWidget* t = panel.inferenceTable();
        QCOMPARE(cellText(t, QStringLiteral("fp32"), 2), QStringLiteral("32.00 GB"));
        QCOMPARE(cellText(t, QStringLiteral("fp32"), 3), QStringLiteral("0 bytes"));
        QCOMPARE(cellText(t, QStringLiteral("bf16"), 2), QStringLiteral("16.00 GB"));
        QCOMPARE(cellText(t, QStringLiteral("int8 per channel"), 2), QStringLiteral("8.00 GB"));
        QCOMPARE(cellText(t, QStringLiteral("int4 block:32"), 2), QStringLiteral("4.00 GB"));
        // One FP32 scale per 32 values: 1 GB more, a fifth of the total, 5 bits a parameter.
        QCOMPARE(cellText(t, QStringLiteral("int4 block:32"), 3), QStringLiteral("1.00 GB"));
        QCOMPARE(cellText(t, QStringLiteral("int4 block:32"), 5), QStringLiteral("20.00 %"));
        QCOMPARE(cellText(t, QStringLiteral("int4 block:32"), 1), QStringLiteral("5.000"));
        QCOMPARE(cellText(t, QStringLiteral("mxfp4"), 1), QStringLiteral("4.250"));
        QCOMPARE(cellText(t, QStringLiteral("nvfp4"), 1), QStringLiteral("4.500"));
        // The session's own config is the last row.
        QVERIFY(t->item(t->rowCount() - 1, 0)->text().endsWith(QLatin1String("(this session)")));
        // Training: 16 bytes a parameter with FP32 Adam, 128 GB.
        const QTableWidget* training = panel.trainingTable();
        QCOMPARE(cellText(training, QStringLiteral("Total"), 2), QStringLiteral("128.00 GB"));
        QCOMPARE(cellText(training, QStringLiteral("Total"), 1), QStringLiteral("16.000"));
        panel.optimizerBox()->setCurrentIndex(1);
        QCOMPARE(cellText(training, QStringLiteral("Adam moments (8-bit)"), 2),
                 QStringLiteral("16.03 GB"));
        QCOMPARE(cellText(training, QStringLiteral("Total"), 2), QStringLiteral("80.03 GB"));
        // The chart: a bar per inference row and one for training; six segments.
        QCOMPARE(panel.chart()->series()->barSets().size(), 6);
        QCOMPARE(panel.chart()->series()->barSets()[0]->count(), t->rowCount() + 1);
        // Copy: both tables as CSV.
        const QString csv = panel.tablesAsCsv();
        QVERIFY(csv.startsWith(QLatin1String("Inference,Bits/param,Weights,Scales,Total,")));
        QVERIFY(csv.contains(QLatin1String("int4 block:32,5.000,4.00 GB,1.00 GB,5.00 GB,20.00 %")));
        QVERIFY(csv.contains(QLatin1String("Training part,Bytes/param,Total")));
    }

    // Presets, a typed count (the choice becomes Custom) and the hidden size's effect.
    void presetsAndCustomCounts() {
        AnalysisSession session;
        MemoryPanel panel(&session);
        panel.modelBox()->setCurrentIndex(3);  // 405B
        QCOMPARE(panel.parametersBox()->value(), 405.0);
        QCOMPARE(panel.hiddenBox()->value(), 16384);
        QCOMPARE(cellText(panel.inferenceTable(), QStringLiteral("bf16"), 2),
                 QStringLiteral("810.00 GB"));
        panel.parametersBox()->setValue(2.0);
        QCOMPARE(panel.modelBox()->currentText(), QStringLiteral("Custom"));
        QCOMPARE(cellText(panel.inferenceTable(), QStringLiteral("bf16"), 2),
                 QStringLiteral("4.00 GB"));
        // Per channel: one FP32 scale per row of the hidden size. 2e9 / 1000 rows = 8 MB.
        panel.hiddenBox()->setValue(1000);
        QCOMPARE(cellText(panel.inferenceTable(), QStringLiteral("int8 per channel"), 3),
                 QStringLiteral("8.00 MB"));
    }

    // A loaded model: its floating-point tensors counted shape by shape.
    void theSelectedSource() {
        MainWindow window;
        QVERIFY(gui_test::showAtTestSize(window));
        AnalysisSession* session = window.session();
        const QString path = gui_test::testDataPath(QStringLiteral("io/model.onnx"));
        window.openFiles({path});
        QVERIFY(gui_test::settle(session));
        MemoryPanel* panel = window.memoryPanel();
        const int index =
            panel->modelBox()->findText(QStringLiteral("Selected source: model.onnx"));
        QVERIFY(index >= 0);
        panel->modelBox()->setCurrentIndex(index);
        QVERIFY(!panel->parametersBox()->isEnabled());
        std::vector<Shape> shapes;
        std::int64_t count = 0;
        const auto source = open_source(path.toStdString());
        for (const TensorInfo& info : source->tensors()) {
            if (!is_integer_dtype(info.dtype)) {
                shapes.push_back(info.shape);
                count += info.count;
            }
        }
        QVERIFY(count > 0);
        const WeightMemory mine = weight_memory(shapes, session->config());
        const QTableWidget* t = panel->inferenceTable();
        QCOMPARE(t->item(t->rowCount() - 1, 4)->text(),
                 QLocale().formattedDataSize(mine.total(), 2, QLocale::DataSizeSIFormat));

        // Screenshots of the tab, light and dark.
        window.tabs()->setCurrentIndex(MainWindow::MemoryTab);
        panel->modelBox()->setCurrentIndex(1);
        const QPalette light = QApplication::palette();
        for (const bool dark : {false, true}) {
            QApplication::setPalette(dark ? gui_test::darkPalette() : light);
            QTest::qWait(50);
            QVERIFY(window.saveScreenshot(gui_test::screenshotPath(
                QStringLiteral("memory-%1.png")
                    .arg(dark ? QLatin1String("dark") : QLatin1String("light")))));
        }
        QApplication::setPalette(light);
    }
};

QTEST_MAIN(MemoryPanelTest)
#include "memory_panel_test.moc"
