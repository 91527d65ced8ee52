// The Formats tab: the table of codes or properties, sorting and CSV, the number line's marks on
// both axes, and the designer whose format the Configuration dock takes.

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <cmath>

#include "analysis_session.h"
#include "config_panel.h"
#include "format_designer.h"
#include "format_table_model.h"
#include "formats_panel.h"
#include "gui_test_support.h"
#include "main_window.h"
#include "number_line_view.h"
#include "quantscope/formats/format.h"
#include "view_tabs.h"

using namespace quantscope;
using quantscope::app::AnalysisSession;
using quantscope::app::FormatsPanel;
using quantscope::app::MainWindow;
using widgets::FormatTableModel;
using widgets::NumberLineView;

namespace {

QList<double> markValues(const NumberLineView* view, qsizetype line) {
    QList<double> values;
    for (const auto& m : view->marks(line)) {
        values << m.value;
    }
    return values;
}

void setPolicy(widgets::FormatDesigner* designer, SpecialPolicy policy) {
    QComboBox* box = designer->policyBox();
    box->setCurrentIndex(box->findData(static_cast<int>(policy)));
}

}  // namespace

class FormatsViewsTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void theTableOfFp8E4m3HoldsEveryCodeAsTheEngineDecodesIt() {
        AnalysisSession session;
        FormatsPanel panel(&session);
        QVERIFY(panel.showFormat(QStringLiteral("fp8_e4m3")));
        const FormatTableModel* model = panel.tableModel();
        QVERIFY(model->listsCodes());
        QCOMPARE(model->rowCount(), 256);
        QCOMPARE(panel.table()->model()->rowCount(), 256);
        const Format format = parse_format("fp8_e4m3");
        for (int row = 0; row < 256; ++row) {
            const Decoded d = format.decode(static_cast<std::uint32_t>(row));
            const double shown = model->valueAt(row);
            QVERIFY2((std::isnan(d.value) && std::isnan(shown)) ||
                         (shown == d.value && std::signbit(shown) == std::signbit(d.value)),
                     qPrintable(QString::number(row)));
            QCOMPARE(model->index(row, FormatTableModel::ValueCol).data().toString(),
                     widgets::formatNumber(d.value));
            QCOMPARE(model->index(row, FormatTableModel::ClassCol).data().toString(),
                     QString::fromLatin1(to_string(d.value_class).data()));
        }
        // Code 0x38 is 1.0: 0 0111 000.
        QCOMPARE(model->index(0x38, FormatTableModel::BitsCol).data().toString(),
                 QStringLiteral("0 0111 000"));
        QCOMPARE(model->index(0x38, FormatTableModel::ValueCol).data().toString(),
                 QStringLiteral("1"));
        QCOMPARE(model->index(0x38, FormatTableModel::ExponentCol).data().toString(),
                 QStringLiteral("7 (2^0)"));
    }

    void sortingByValueOrdersTheCodesWithNaNLast() {
        AnalysisSession session;
        FormatsPanel panel(&session);
        QVERIFY(panel.showFormat(QStringLiteral("fp8_e4m3")));
        panel.table()->sortByColumn(FormatTableModel::ValueCol, Qt::AscendingOrder);
        const QAbstractItemModel* shown = panel.table()->model();
        QCOMPARE(shown->index(0, FormatTableModel::ValueCol).data().toString(),
                 QStringLiteral("-448"));
        double previous = -HUGE_VAL;
        int nans = 0;
        for (int row = 0; row < shown->rowCount(); ++row) {
            const QString code = shown->index(row, FormatTableModel::CodeCol).data().toString();
            const auto value =
                static_cast<std::uint32_t>(shown->index(row, FormatTableModel::CodeCol)
                                               .data(FormatTableModel::kSortRole)
                                               .toUInt());
            const double v = parse_format("fp8_e4m3").decode(value).value;
            if (std::isnan(v)) {
                ++nans;
                continue;
            }
            QVERIFY2(nans == 0, qPrintable(code));  // no number after a NaN
            QVERIFY2(v >= previous, qPrintable(code));
            previous = v;
        }
        QCOMPARE(nans, 2);
        QCOMPARE(previous, 448.0);
        // Descending: the two NaNs, then 448.
        panel.table()->sortByColumn(FormatTableModel::ValueCol, Qt::DescendingOrder);
        QCOMPARE(shown->index(0, FormatTableModel::ValueCol).data().toString(),
                 QStringLiteral("NaN"));
        QCOMPARE(shown->index(2, FormatTableModel::ValueCol).data().toString(),
                 QStringLiteral("448"));
    }

    void copyAsCsvGivesAHeaderAndEveryCode() {
        AnalysisSession session;
        FormatsPanel panel(&session);
        QVERIFY(panel.showFormat(QStringLiteral("fp8_e4m3")));
        QApplication::clipboard()->clear();
        QTest::mouseClick(panel.copyButton(), Qt::LeftButton);
        QStringList lines = QApplication::clipboard()->text().split(QLatin1Char('\n'));
        QCOMPARE(lines.takeLast(), QString());  // the text ends with a newline
        QCOMPARE(lines.size(), 257);
        QCOMPARE(lines.front(),
                 QStringLiteral("code,bits (s e m),value,class,sign,exponent,mantissa"));
        QCOMPARE(lines.at(1 + 0x38), QStringLiteral("0x38,0 0111 000,1,normal,0,7 (2^0),0"));
    }

    void wideFormatsListTheirRangeAndSpecials() {
        AnalysisSession session;
        FormatsPanel panel(&session);
        QVERIFY(panel.showFormat(QStringLiteral("fp16")));
        const FormatTableModel* model = panel.tableModel();
        QVERIFY(!model->listsCodes());
        QMap<QString, QString> properties;
        for (int row = 0; row < model->rowCount(); ++row) {
            properties.insert(model->index(row, 0).data().toString(),
                              model->index(row, 1).data().toString());
        }
        QCOMPARE(properties.value(QStringLiteral("largest finite")), QStringLiteral("65504"));
        QCOMPARE(properties.value(QStringLiteral("smallest positive subnormal")),
                 QStringLiteral("5.960464477539063e-08"));
        QCOMPARE(properties.value(QStringLiteral("epsilon (gap above 1)")),
                 QStringLiteral("0.0009765625"));
        QCOMPARE(properties.value(QStringLiteral("Inf")), QStringLiteral("yes"));
        QCOMPARE(properties.value(QStringLiteral("distinct finite values")),
                 QStringLiteral("63487"));
        QVERIFY(!panel.showFormat(QStringLiteral("fp7")));
        QCOMPARE(panel.format().name(), std::string("fp16"));
    }

    void theNumberLineSpacesIntegersEvenlyAndFloatsByBinade() {
        AnalysisSession session;
        FormatsPanel panel(&session);
        panel.resize(900, 700);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.sameMaximumBox()->setChecked(false);
        QVERIFY(panel.showFormat(QStringLiteral("int4")));
        const NumberLineView* line = panel.numberLine();
        auto marks = line->marks(0);
        QCOMPARE(marks.size(), 16);
        const double step = marks[1].x - marks[0].x;
        QVERIFY(step > 5);
        for (qsizetype i = 0; i < marks.size(); ++i) {
            QCOMPARE(marks[i].value, static_cast<double>(i - 8));
            QVERIFY(std::abs(marks[i].x - marks[0].x - step * static_cast<double>(i)) < 1e-6);
        }
        QCOMPARE(line->mostPerPixel(0), 1);

        QVERIFY(panel.showFormat(QStringLiteral("fp4_e2m1")));
        QCOMPARE(markValues(line, 0),
                 QList<double>({-6, -4, -3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3, 4, 6}));
        // Unevenly spaced: the gap from 4 to 6 is four times the gap from 0.5 to 1.
        marks = line->marks(0);
        QVERIFY(std::abs((marks[14].x - marks[13].x) - 4 * (marks[9].x - marks[8].x)) < 1e-6);

        // On the log axis the positive values only, evenly spaced within a binade.
        panel.logBox()->setChecked(true);
        QCOMPARE(markValues(line, 0), QList<double>({0.5, 1, 1.5, 2, 3, 4, 6}));
        marks = line->marks(0);
        QVERIFY(std::abs((marks[3].x - marks[1].x) - (marks[5].x - marks[3].x)) < 1e-6);
        panel.logBox()->setChecked(false);

        // Two formats to the same maximum: int8 / 127 and fp8_e4m3 / 448 both end at 1.
        panel.sameMaximumBox()->setChecked(true);
        QVERIFY(panel.showFormat(QStringLiteral("int8")));
        panel.secondBox()->setCurrentText(QStringLiteral("fp8_e4m3"));
        QCOMPARE(line->lineCount(), 2);
        QCOMPARE(line->marks(0).size(), 256);
        QCOMPARE(line->marks(0).back().value, 1.0);
        QCOMPARE(line->marks(0).front().value, -128.0 / 127.0);
        QCOMPARE(line->marks(1).size(), 253);
        QCOMPARE(line->marks(1).back().value, 1.0);
        QCOMPARE(line->marks(1).back().x, line->marks(0).back().x);
        // fp8's 253 values crowd near 0: more than one shares a pixel, and the label says so.
        QVERIFY(line->mostPerPixel(1) > 1);
        QVERIFY(line->rowLabel(1).contains(QLatin1String("share a pixel")));
    }

    void theDesignerBuildsTheFormatAndTheConfigurationTakesIt() {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.loadSample();
        QVERIFY(gui_test::settle(window.session()));
        window.tabs()->setCurrentIndex(MainWindow::FormatsTab);
        FormatsPanel* panel = window.formatsPanel();
        widgets::FormatDesigner* designer = panel->designer();
        QVERIFY(panel->showFormat(QStringLiteral("fp16")));  // the designer starts from E5 M10
        QCOMPARE(designer->mantissaBox()->value(), 10);
        designer->exponentBox()->setValue(4);
        designer->mantissaBox()->setValue(3);
        setPolicy(designer, SpecialPolicy::Fn);
        QCOMPARE(designer->biasBox()->value(), 7);
        QCOMPARE(designer->format().properties().max_finite, 448.0);
        QVERIFY(designer->summaryLabel()->text().contains(QLatin1String("max 448<br>")));
        // The table and the number line follow the designer.
        QCOMPARE(panel->format(), parse_format("fp8_e4m3"));
        QCOMPARE(panel->tableModel()->rowCount(), 256);
        QCOMPARE(panel->numberLine()->marks(0).size(), 253);

        QTest::mouseClick(panel->useButton(), Qt::LeftButton);
        QCOMPARE(window.session()->config().format, parse_format("fp8_e4m3"));
        QCOMPARE(window.configPanel()->formatBox()->currentText(), QStringLiteral("fp8_e4m3"));

        // A float no preset names: the Configuration dock lists it once taken.
        designer->exponentBox()->setValue(3);
        designer->mantissaBox()->setValue(4);
        QCOMPARE(panel->format().name(), std::string("e3m4_fn"));
        QCOMPARE(panel->format().properties().max_finite, 30.0);
        QTest::mouseClick(panel->useButton(), Qt::LeftButton);
        QCOMPARE(window.session()->config().format.name(), std::string("e3m4_fn"));
        QCOMPARE(window.configPanel()->formatBox()->currentText(), QStringLiteral("e3m4_fn"));
        QVERIFY(gui_test::settle(window.session()));
        QCOMPARE(window.session()->outcome()->config.format.name(), std::string("e3m4_fn"));

        // A bias that leaves float32's range is named, and the last format stays.
        designer->biasBox()->setValue(-200);
        QVERIFY(!designer->problemText().isEmpty());
        QCOMPARE(panel->format().name(), std::string("e3m4_fn"));
    }

    void screenshotsOfTheFormatsTab() {
        const QPalette light = QApplication::palette();
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.loadSample();
        QVERIFY(gui_test::settle(window.session()));
        window.tabs()->setCurrentIndex(MainWindow::FormatsTab);
        FormatsPanel* panel = window.formatsPanel();
        for (const bool dark : {false, true}) {
            QApplication::setPalette(dark ? gui_test::darkPalette() : light);
            const QString suffix =
                dark ? QStringLiteral("-dark.png") : QStringLiteral("-light.png");
            panel->histogramBox()->setChecked(false);
            panel->logBox()->setChecked(false);
            QVERIFY(panel->showFormat(QStringLiteral("fp8_e4m3")));
            panel->secondBox()->setCurrentText(QStringLiteral("int8"));
            QTest::qWait(30);
            QVERIFY(window.saveScreenshot(
                gui_test::screenshotPath(QStringLiteral("formats-table") + suffix)));
            panel->histogramBox()->setChecked(true);
            QTest::qWait(30);
            QVERIFY(window.saveScreenshot(gui_test::screenshotPath(
                QStringLiteral("formats-number-line-histogram") + suffix)));
            panel->histogramBox()->setChecked(false);
            panel->logBox()->setChecked(true);
            QTest::qWait(30);
            QVERIFY(window.saveScreenshot(
                gui_test::screenshotPath(QStringLiteral("formats-number-line-log") + suffix)));
            panel->logBox()->setChecked(false);
            panel->secondBox()->setCurrentIndex(0);
            QVERIFY(panel->showFormat(QStringLiteral("fp16")));
            QTest::qWait(30);
            QVERIFY(window.saveScreenshot(
                gui_test::screenshotPath(QStringLiteral("formats-fp16") + suffix)));
            panel->designer()->exponentBox()->setValue(3);
            panel->designer()->mantissaBox()->setValue(2);
            setPolicy(panel->designer(), SpecialPolicy::Finite);
            QTest::qWait(30);
            QVERIFY(window.saveScreenshot(
                gui_test::screenshotPath(QStringLiteral("formats-designer") + suffix)));
        }
        QApplication::setPalette(light);
    }
};

QTEST_MAIN(FormatsViewsTest)
#include "formats_views_test.moc"
