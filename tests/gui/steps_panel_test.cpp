// The Steps tab (issue 17): every worked example of the design page, under both nearest
// roundings, shows core's work_example row for row; a change of rounding highlights exactly the
// cells it changed; the tab as a reader sees it, light and dark.

#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>
#include <QTextBrowser>

#include "analysis_session.h"
#include "gui_test_support.h"
#include "main_window.h"
#include "steps_panel.h"
#include "view_tabs.h"

using namespace quantscope;
using namespace quantscope::app;

namespace {

bool waitForExample(StepsPanel& panel) {
    return QTest::qWaitFor([&] { return !panel.isBusy(); }, gui_test::kTimeout);
}

QString cell(const StepsPanel& panel, int row, int column) {
    const QTableWidgetItem* item = panel.table()->item(row, column);
    return item != nullptr ? item->text() : QString();
}

constexpr int kRuleColumn = 5;
constexpr int kCodeColumn = 7;
constexpr int kBitsColumn = 8;

}  // namespace

class StepsPanelTest : public QObject {
    Q_OBJECT

private slots:
    // Each preset, nearest-even and nearest-away: the panel's codes, bits and rules are core's.
    void everyPresetBothRoundings() {
        AnalysisSession session;
        StepsPanel panel(&session);
        for (const WorkedPreset& p : worked_presets()) {
            for (const Rounding r : {Rounding::NearestEven, Rounding::NearestAway}) {
                QVERIFY(panel.showPreset(QString::fromStdString(p.name)));
                QuantConfig c = p.config;
                c.rounding = r;
                panel.setConfig(c);
                QVERIFY(waitForExample(panel));
                QVERIFY2(panel.example() != nullptr, p.name.c_str());
                const WorkedExample expected = work_example(p.values, p.shape, c);
                QCOMPARE(panel.table()->rowCount(), static_cast<int>(expected.rows.size()));
                for (std::size_t i = 0; i < expected.rows.size(); ++i) {
                    const int row = static_cast<int>(i);
                    QCOMPARE(cell(panel, row, kCodeColumn), QString::number(expected.rows[i].code));
                    QCOMPARE(cell(panel, row, kBitsColumn),
                             QString::fromStdString(expected.rows[i].bits));
                    QVERIFY(cell(panel, row, kRuleColumn)
                                .startsWith(QString::fromStdString(expected.rows[i].rule)));
                }
                QVERIFY(panel.groupsView()->toPlainText().contains(
                    QString::fromStdString(expected.groups[0].scale_formula)));
                QVERIFY(panel.totalsLabel()->text().contains(QLatin1String("storage")));
            }
        }
    }

    // Affine UINT8: nearest-even gives 64 and 148 for the ties; switching to nearest-away
    // changes those two rows (63, 149) and nothing else, and the panel highlights them.
    void aRoundingChangeHighlightsTheTies() {
        AnalysisSession session;
        StepsPanel panel(&session);
        QVERIFY(panel.showPreset(QStringLiteral("affine-uint8-even")));
        QVERIFY(waitForExample(panel));
        QCOMPARE(cell(panel, 1, kCodeColumn), QStringLiteral("64"));
        QCOMPARE(cell(panel, 1, kRuleColumn), QStringLiteral("tie: to even"));
        panel.roundingBox()->setCurrentText(QStringLiteral("nearest-away"));
        QVERIFY(waitForExample(panel));
        QCOMPARE(cell(panel, 1, kCodeColumn), QStringLiteral("63"));
        QCOMPARE(cell(panel, 3, kCodeColumn), QStringLiteral("149"));
        QSet<int> rows;
        for (const auto& [row, column] : panel.changedCells()) {
            rows.insert(row);
        }
        QCOMPARE(rows, (QSet<int>{1, 3}));
        QVERIFY(panel.table()->item(1, kCodeColumn)->toolTip().contains(QLatin1String("64")));
        // New values change every cell: nothing is highlighted then.
        panel.setValuesText(QStringLiteral("0.1 0.2 0.35 -1.5 7"));
        QVERIFY(waitForExample(panel));
        QVERIFY(panel.changedCells().empty());
        // x / s shown as the float it is: 0.35 / s is 10.499999 in float, not a tie.
        QCOMPARE(cell(panel, 2, 3),
                 QString::fromStdString(float_text(panel.example()->rows[2].scaled)));
        QVERIFY(cell(panel, 2, 3) != QLatin1String("10.5"));
        QCOMPARE(cell(panel, 2, kRuleColumn), QStringLiteral("nearest"));
    }

    // Typed values, a wrong one, and the session's config.
    void typedValuesAndErrors() {
        AnalysisSession session;
        StepsPanel panel(&session);
        panel.setValuesText(QStringLiteral("1 2; 3,4"));
        QVERIFY(waitForExample(panel));
        QCOMPARE(panel.table()->rowCount(), 4);
        QCOMPARE(panel.presetBox()->currentIndex(), 0);
        panel.setValuesText(QStringLiteral("1 two 3"));
        QVERIFY(waitForExample(panel));
        QVERIFY(panel.example() == nullptr);
        QVERIFY(panel.totalsLabel()->text().contains(QLatin1String("'two' is not a number")));
        QString many;
        for (int i = 0; i < 65; ++i) {
            many += QStringLiteral("%1 ").arg(i);
        }
        panel.setValuesText(many);
        QVERIFY(waitForExample(panel));
        QVERIFY(panel.totalsLabel()->text().contains(QLatin1String("at most 64 values")));
        // Per channel on one axis is refused with the engine's reason.
        panel.setValuesText(QStringLiteral("1 2 3 4"));
        QuantConfig perChannel = panel.config();
        perChannel.granularity = parse_granularity("channel");
        panel.setConfig(perChannel);
        QVERIFY(waitForExample(panel));
        QVERIFY(panel.example() == nullptr);
        QuantConfig nf4;
        apply_format(nf4, "nf4");
        session.setConfig(nf4);
        panel.setValuesText(QStringLiteral("1 2 3 4"));
        panel.findChild<QPushButton*>()->click();  // the one button: the session's config
        QVERIFY(waitForExample(panel));
        QCOMPARE(panel.config(), nf4);
        QCOMPARE(panel.formatBox()->currentText(), QStringLiteral("nf4"));
    }

    void screenshots() {
        const QPalette light = QApplication::palette();
        for (const bool dark : {false, true}) {
            QApplication::setPalette(dark ? gui_test::darkPalette() : light);
            MainWindow window;
            QVERIFY(gui_test::showAtTestSize(window));
            window.tabs()->setCurrentIndex(MainWindow::StepsTab);
            StepsPanel* panel = window.stepsPanel();
            QVERIFY(panel->showPreset(QStringLiteral("affine-uint8-even")));
            QVERIFY(waitForExample(*panel));
            panel->roundingBox()->setCurrentText(QStringLiteral("nearest-away"));
            QVERIFY(waitForExample(*panel));
            QTest::qWait(50);
            QVERIFY(window.saveScreenshot(gui_test::screenshotPath(
                QStringLiteral("steps-%1.png")
                    .arg(dark ? QLatin1String("dark") : QLatin1String("light")))));
        }
        QApplication::setPalette(light);
    }
};

QTEST_MAIN(StepsPanelTest)
#include "steps_panel_test.moc"
