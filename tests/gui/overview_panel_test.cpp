// The Overview tab (issue 20): a generated model of 102 tensors streams into the table worst
// first, the chart and totals follow, more configs add column groups, export writes core's CSV,
// double-click studies a tensor, Cancel keeps the rows done; screenshots in both palettes.

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "analysis_session.h"
#include "gui_test_support.h"
#include "main_window.h"
#include "overview_chart.h"
#include "overview_model.h"
#include "overview_panel.h"
#include "synthetic_model.h"
#include "view_tabs.h"

using namespace quantscope;
using namespace quantscope::app;

namespace {

bool idle(OverviewPanel* panel) {
    return QTest::qWaitFor([panel] { return !panel->isRunning(); }, gui_test::kTimeout);
}

QString nameAt(OverviewPanel* panel, int row) {
    return panel->proxy()->index(row, OverviewModel::Name).data().toString();
}

}  // namespace

class OverviewPanelTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    test::SyntheticModel model_;
    QString path_;

    // A window with the generated model open and the Overview tab shown.
    bool openOverview(MainWindow& window) {
        if (!gui_test::showAtTestSize(window)) {
            return false;
        }
        window.session()->openSource(path_, true);
        if (!gui_test::settle(window.session())) {
            return false;
        }
        window.tabs()->setCurrentIndex(MainWindow::OverviewTab);
        return idle(window.overviewPanel());
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        path_ = dir_.filePath(QStringLiteral("model.safetensors"));
        test::write_synthetic_model(path_.toStdString(), model_);
    }

    void streamsEveryTensorWorstFirst() {
        MainWindow window;
        QVERIFY(openOverview(window));
        OverviewPanel* panel = window.overviewPanel();
        QCOMPARE(panel->model()->rowCount(), 102);
        const QSet<QString> sensitive{QString::fromStdString(test::outlier_tensor_name(model_)),
                                      QString::fromStdString(test::tail_tensor_name(model_))};
        QCOMPARE((QSet<QString>{nameAt(panel, 0), nameAt(panel, 1)}), sensitive);
        QCOMPARE(panel->chart()->barCount(), 102);
        QVERIFY2(panel->chart()->title().contains(QStringLiteral("model SQNR")),
                 qPrintable(panel->chart()->title()));
        QVERIFY(panel->statusLabel()->text().contains(QStringLiteral("102 tensors quantized")));
        panel->groupingBox()->setCurrentIndex(1);
        QCOMPARE(panel->chart()->barCount(), model_.layers + 1);  // + the tensors of no layer
        // The filter keeps the names that contain the text.
        panel->filterEdit()->setText(QStringLiteral("down_proj"));
        QCOMPARE(panel->proxy()->rowCount(), model_.layers);
        panel->filterEdit()->clear();
    }

    // One tensor is "1 tensor", not "1 tensors".
    void aSingleTensorIsSingular() {
        MainWindow window;
        QVERIFY(gui_test::showAtTestSize(window));
        window.loadSample();
        QVERIFY(gui_test::settle(window.session()));
        window.tabs()->setCurrentIndex(MainWindow::OverviewTab);
        OverviewPanel* panel = window.overviewPanel();
        QVERIFY(idle(panel));
        QCOMPARE(panel->model()->rowCount(), 1);
        QVERIFY2(panel->statusLabel()->text().startsWith(QStringLiteral("1 tensor quantized.")),
                 qPrintable(panel->statusLabel()->text()));
        QVERIFY2(panel->chart()->title().endsWith(QStringLiteral("— 1 tensor")),
                 qPrintable(panel->chart()->title()));
    }

    void moreConfigsAddColumnGroupsAndExport() {
        MainWindow window;
        QVERIFY(openOverview(window));
        OverviewPanel* panel = window.overviewPanel();
        panel->configsEdit()->setText(QStringLiteral("fp8_e4m3; nf4"));
        emit panel->configsEdit()->editingFinished();
        QVERIFY(idle(panel));
        QCOMPARE(panel->model()->configs().size(), std::size_t{3});
        QCOMPARE(panel->model()->columnCount(), OverviewModel::FixedColumns + 5 + 6 + 6);
        QVERIFY(panel->model()
                    ->headerData(OverviewModel::column(2, OverviewModel::DeltaSqnr), Qt::Horizontal,
                                 Qt::DisplayRole)
                    .toString()
                    .contains(QStringLiteral("nf4")));
        const QString csv = dir_.filePath(QStringLiteral("overview.csv"));
        QCOMPARE(panel->exportCsv(csv), QString());
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(file.readAll());
        QVERIFY(
            text.startsWith(QStringLiteral("tensor,shape,dtype,parameters,layer,bytes_before,"
                                           "sqnr_db@int8,")));
        QCOMPARE(text.count(QLatin1Char('\n')), 103);
        // The table's order: the worst tensor first.
        QCOMPARE(text.section(QLatin1Char('\n'), 1, 1).section(QLatin1Char(','), 0, 0),
                 nameAt(panel, 0));
        QCOMPARE(panel->exportJson(dir_.filePath(QStringLiteral("overview.json"))), QString());
        // A config list that does not parse says why and runs nothing.
        panel->configsEdit()->setText(QStringLiteral("int4 blocky:3"));
        emit panel->configsEdit()->editingFinished();
        QVERIFY(idle(panel));
        QVERIFY2(panel->statusLabel()->text().contains(QStringLiteral("blocky:3")),
                 qPrintable(panel->statusLabel()->text()));
    }

    void doubleClickStudiesTheTensor() {
        MainWindow window;
        QVERIFY(openOverview(window));
        OverviewPanel* panel = window.overviewPanel();
        const QString worst = nameAt(panel, 0);
        panel->openRow(0);
        QCOMPARE(window.tabs()->currentIndex(), int(MainWindow::HistogramTab));
        QVERIFY(QTest::qWaitFor(
            [&] {
                const auto tensor = window.session()->tensor();
                return tensor && QString::fromStdString(tensor->info.name) == worst;
            },
            gui_test::kTimeout));
    }

    // Cancel as soon as the first row is in: the table keeps the rows done, the status says so
    // and no job runs on.
    void cancelKeepsTheRowsDone() {
        test::SyntheticModel big = model_;
        big.hidden = 1024;
        big.ffn = 2048;
        const QString path = dir_.filePath(QStringLiteral("big.safetensors"));
        test::write_synthetic_model(path.toStdString(), big);
        MainWindow window;
        QVERIFY(gui_test::showAtTestSize(window));
        OverviewPanel* panel = window.overviewPanel();
        connect(panel->model(), &QAbstractItemModel::rowsInserted, panel, [panel] {
            if (panel->model()->rowCount() == 1) {
                panel->cancel();
            }
        });
        window.tabs()->setCurrentIndex(MainWindow::OverviewTab);
        window.session()->openSource(path, true);
        QVERIFY(
            QTest::qWaitFor([&] { return panel->model()->rowCount() > 0; }, gui_test::kTimeout));
        QVERIFY(idle(panel));
        QTest::qWait(100);  // rows posted before the cancel took effect have landed
        const int rows = panel->model()->rowCount();
        QVERIFY2(rows >= 1 && rows < 102, qPrintable(QString::number(rows)));
        QVERIFY(!panel->isRunning());
        QVERIFY(!panel->cancelButton()->isEnabled());
        QVERIFY2(panel->statusLabel()->text().contains(QStringLiteral("cancelled")),
                 qPrintable(panel->statusLabel()->text()));
        QCOMPARE(panel->chart()->barCount(), rows);
    }

    void screenshotsInBothPalettes() {
        const QPalette light = QApplication::palette();
        for (const bool dark : {false, true}) {
            QApplication::setPalette(dark ? gui_test::darkPalette() : light);
            MainWindow window;
            QVERIFY(openOverview(window));
            window.overviewPanel()->configsEdit()->setText(QStringLiteral("int8 per-channel; nf4"));
            emit window.overviewPanel()->configsEdit()->editingFinished();
            QVERIFY(idle(window.overviewPanel()));
            QTest::qWait(150);
            QVERIFY(window.saveScreenshot(
                gui_test::screenshotPath(dark ? QStringLiteral("overview-dark.png")
                                              : QStringLiteral("overview-light.png"))));
        }
        QApplication::setPalette(light);
    }
};

QTEST_MAIN(OverviewPanelTest)
#include "overview_panel_test.moc"
