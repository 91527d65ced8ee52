// The Planner tab (issue 20): a plan of a generated ~100-tensor model computed in the
// background, its table and totals, JSON export and load, and screenshots in both palettes.

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

#include "gui_test_support.h"
#include "planner_panel.h"
#include "plot_chart_view.h"
#include "quantscope/io/source.h"
#include "synthetic_model.h"

using namespace quantscope;
using namespace quantscope::app;
using namespace quantscope::gui_test;

class PlannerPanelTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        path_ = QDir::temp().filePath(QStringLiteral("quantscope_planner_gui_%1.safetensors")
                                          .arg(QCoreApplication::applicationPid()));
        test::write_synthetic_model(path_.toStdString(), {});
    }
    void cleanupTestCase() { QFile::remove(path_); }

    void plansInTheBackgroundAndLoadsItsExport() {
        PlannerPanel panel;
        panel.resize(1300, 800);
        panel.setSource(open_source(path_.toStdString()));
        panel.configsEdit()->setText(QStringLiteral("int4; int8"));
        panel.budgetEdit()->setText(QStringLiteral("4.6bpp"));
        panel.keepEdit()->setText(QStringLiteral("*norm*=none"));
        QSignalSpy shown(&panel, &PlannerPanel::planShown);
        panel.plan();
        QVERIFY(shown.wait(kTimeout));
        QCOMPARE(panel.table()->rowCount(), 102);
        const Plan plan = *panel.currentPlan();
        QVERIFY(plan.total_bytes <= plan.budget_bytes);
        QVERIFY(panel.totalsLabel()->text().contains(QStringLiteral("Model SQNR")));
        QCOMPARE(panel.curveView()->curveCount(), 3);
        bool outlierInt8 = false;
        for (const PlanEntry& e : plan.entries) {
            if (e.tensor == test::outlier_tensor_name({})) {
                outlierInt8 = e.config == "int8";
            }
        }
        QVERIFY(outlierInt8);

        const QString json = QDir::temp().filePath(QStringLiteral("quantscope_planner_gui.json"));
        QCOMPARE(panel.exportJson(json), QString());
        PlannerPanel other;
        QCOMPARE(other.loadJson(json), QString());
        QCOMPARE(other.table()->rowCount(), 102);
        QCOMPARE(other.currentPlan()->total_bytes, plan.total_bytes);
        QCOMPARE(other.keepEdit()->text(), QStringLiteral("*norm*=fp32"));
        QFile::remove(json);

        for (const bool dark : {false, true}) {
            panel.setPalette(dark ? gui_test::darkPalette() : QPalette());
            panel.show();
            QVERIFY(QTest::qWaitForWindowExposed(&panel));
            QTest::qWait(200);
            QVERIFY(panel.grab().save(screenshotPath(dark ? QStringLiteral("planner-dark.png")
                                                          : QStringLiteral("planner-light.png"))));
        }
    }

    void aBudgetBelowTheMinimumSaysIt() {
        PlannerPanel panel;
        panel.setSource(open_source(path_.toStdString()));
        panel.configsEdit()->setText(QStringLiteral("int4; int8"));
        panel.budgetEdit()->setText(QStringLiteral("1000B"));
        panel.plan();
        QTRY_VERIFY_WITH_TIMEOUT(
            panel.totalsLabel()->text().contains(QStringLiteral("below the minimum")), kTimeout);
        QCOMPARE(panel.table()->rowCount(), 0);
    }

private:
    QString path_;
};

QTEST_MAIN(PlannerPanelTest)
#include "planner_panel_test.moc"
