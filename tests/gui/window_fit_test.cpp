// What the window shows fits it: at 1280 × 800 and 1600 × 1000 every entry of every tab bar on
// screen is whole, without scroll arrows, whichever view is shown (so that every view can be
// found); the View menu's shortcuts are Ctrl+digit; a session reopens on its view. The Metrics
// dock shows every value whole, on more lines when long (ggml, NVFP4, per channel, outliers
// kept), at its default and at its minimum width. Screenshots of both, light and dark.

#include <QAction>
#include <QDockWidget>
#include <QJsonObject>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QScrollArea>
#include <QScrollBar>
#include <QTabBar>
#include <QTest>
#include <QToolButton>

#include "chart_export.h"
#include "elided_label.h"
#include "gui_test_support.h"
#include "histogram_panel.h"
#include "main_window.h"
#include "metrics_panel.h"
#include "optimizer_panel.h"
#include "quantscope/quant/config_list.h"
#include "view_tabs.h"

using namespace quantscope;
using namespace quantscope::app;
using gui_test::settle;

namespace {

const QList<QSize> kSizes{{1280, 800}, {1600, 1000}};

bool showAt(MainWindow& window, QSize size) {
    window.resize(size);
    window.show();
    return QTest::qWaitForWindowExposed(&window);
}

QString sizeName(QSize size) {
    return QStringLiteral("%1x%2").arg(size.width()).arg(size.height());
}

const QScrollArea* enclosingScrollArea(const QWidget* widget) {
    for (; widget != nullptr; widget = widget->parentWidget()) {
        if (const auto* area = qobject_cast<const QScrollArea*>(widget)) {
            return area;
        }
    }
    return nullptr;
}

// Every tab of every tab bar on screen lies inside its bar and the window, wide enough for its
// title, and no bar shows scroll arrows.
void checkBarsFit(MainWindow& window, const QString& where) {
    for (QTabBar* bar : window.findChildren<QTabBar*>()) {
        if (!bar->isVisible()) {
            continue;
        }
        for (QToolButton* arrow : bar->findChildren<QToolButton*>()) {
            QVERIFY2(!arrow->isVisible(), qPrintable(where + QStringLiteral(": scroll arrows")));
        }
        const int right = bar->mapTo(&window, QPoint(bar->width(), 0)).x();
        QVERIFY2(right <= window.width(), qPrintable(where));
        for (int t = 0; t < bar->count(); ++t) {
            const QString title = widgets::withoutMnemonic(bar->tabText(t));
            const QRect rect = bar->tabRect(t);
            const QString what = QStringLiteral("%1: tab %2 at %3..%4 of %5")
                                     .arg(where, title)
                                     .arg(rect.left())
                                     .arg(rect.right())
                                     .arg(bar->width());
            QVERIFY2(rect.left() >= 0 && rect.right() < bar->width(), qPrintable(what));
            QVERIFY2(rect.width() > bar->fontMetrics().horizontalAdvance(title), qPrintable(what));
        }
    }
}

// The value labels of the Metrics dock: none elided, none past the dock's right edge.
void checkMetricsFit(MainWindow& window, const QString& where) {
    auto* dock = window.findChild<QDockWidget*>(QStringLiteral("metricsDock"));
    QVERIFY(dock != nullptr);
    MetricsPanel* panel = window.metricsPanel();
    QVERIFY2(panel->width() <= dock->width(), qPrintable(where));
    const int dockRight = dock->mapTo(&window, QPoint(dock->width(), 0)).x();
    for (QWidget* label : panel->findChildren<QWidget*>()) {
        if (!label->isVisible()) {
            continue;
        }
        const int right = label->mapTo(&window, QPoint(label->width(), 0)).x();
        QVERIFY2(right <= dockRight, qPrintable(where + QLatin1Char(' ') + label->objectName()));
        if (auto* value = qobject_cast<widgets::ElidedLabel*>(label)) {
            QVERIFY2(!value->isElided(), qPrintable(where + QStringLiteral(": ") + value->text()));
        }
        if (auto* text = qobject_cast<QLabel*>(label)) {
            const int wanted = text->wordWrap() ? 0 : text->sizeHint().width();
            QVERIFY2(wanted <= text->width(),
                     qPrintable(where + QStringLiteral(": ") + text->text()));
        }
    }
}

}  // namespace

class WindowFitTest : public QObject {
    Q_OBJECT

private slots:
    void everyViewCanBeFoundWithoutScrolling() {
        for (const QSize size : kSizes) {
            MainWindow window;
            QVERIFY(showAt(window, size));
            window.loadSample();
            QVERIFY(settle(window.session()));
            QCOMPARE(window.size(), size);  // the window fits the screen
            for (int view = 0; view < window.tabs()->count(); ++view) {
                window.tabs()->setCurrentIndex(view);
                QTest::qWait(20);
                QCOMPARE(window.tabs()->currentIndex(), view);
                QVERIFY(window.tabs()->currentWidget()->isVisible());
                // No view scrolls at 1600 × 1000; at 1280 × 800 the wide ones scroll sideways,
                // but not the Histogram a window opens on, and none scrolls up and down.
                const QScrollArea* frame = enclosingScrollArea(window.tabs()->currentWidget());
                QVERIFY(frame != nullptr);
                const QString what =
                    sizeName(size) + QLatin1Char(' ') + window.tabs()->tabText(view);
                QVERIFY2(!frame->verticalScrollBar()->isVisible(), qPrintable(what));
                if (size.width() >= 1600 || view == MainWindow::HistogramTab) {
                    QVERIFY2(!frame->horizontalScrollBar()->isVisible(), qPrintable(what));
                }
                checkBarsFit(window,
                             sizeName(size) + QLatin1Char(' ') + window.tabs()->tabText(view));
                if (QTest::currentTestFailed()) {
                    return;
                }
            }
            for (const int view : {int(MainWindow::HistogramTab), int(MainWindow::TrainingTab)}) {
                window.tabs()->setCurrentIndex(view);
                QVERIFY(gui_test::saveInBothPalettes(
                    window, QStringLiteral("views-%1-%2").arg(sizeName(size)).arg(view)));
            }
        }
    }

    // Ctrl+1 ... Ctrl+9, Ctrl+0 show the bar's entries, each a different one.
    void viewShortcutsAreDigits() {
        MainWindow window;
        QVERIFY(gui_test::showAtTestSize(window));
        QMenu* viewMenu = nullptr;
        for (QAction* menu : window.menuBar()->actions()) {
            if (widgets::withoutMnemonic(menu->text()) == QStringLiteral("View")) {
                viewMenu = menu->menu();
            }
        }
        QVERIFY(viewMenu != nullptr);
        QSet<int> shown;
        int shortcuts = 0;
        for (QAction* action : viewMenu->actions()) {
            const QString keys = action->shortcut().toString();
            if (keys.isEmpty()) {
                continue;
            }
            // Not Ctrl+: or Ctrl+= (Qt::Key_1 + 9 and on): keys no one finds.
            QVERIFY2(keys.back().isLetterOrNumber(),
                     qPrintable(keys + QLatin1Char(' ') + action->text()));
            if (!keys.back().isDigit()) {
                continue;  // Ctrl+L and such
            }
            ++shortcuts;
            action->trigger();
            const int view = window.tabs()->currentIndex();
            QCOMPARE(widgets::withoutMnemonic(window.tabs()->tabText(view)), action->text());
            QVERIFY(!shown.contains(view));
            shown.insert(view);
        }
        QCOMPARE(shortcuts, window.tabs()->bar()->count());
        QVERIFY(shortcuts <= 10);
    }

    // A session names its view by number, whichever entry holds it.
    void aSessionReopensOnItsView() {
        QJsonObject json;
        {
            MainWindow window;
            QVERIFY(gui_test::showAtTestSize(window));
            window.loadSample();
            QVERIFY(settle(window.session()));
            window.tabs()->setCurrentIndex(MainWindow::OptimizerTab);
            json = window.sessionJson();
        }
        MainWindow window;
        QVERIFY(gui_test::showAtTestSize(window));
        window.session()->restore(json);
        QVERIFY(settle(window.session()));
        QTRY_COMPARE(window.tabs()->currentIndex(), int(MainWindow::OptimizerTab));
        QVERIFY(window.optimizerPanel()->isVisible());
        window.optimizerPanel()->cancel();
    }

    void metricsDockShowsLongValuesWhole() {
        for (const QSize size : kSizes) {
            MainWindow window;
            QVERIFY(showAt(window, size));
            AnalysisSession* session = window.session();
            window.openFiles({QStringLiteral("gen:matrix:rows=16,cols=4096,seed=1")});
            QVERIFY(settle(session));
            auto* dock = window.findChild<QDockWidget*>(QStringLiteral("metricsDock"));
            const int defaultWidth = dock->width();
            std::vector<QuantConfig> configs =
                parse_config_list("q4_K; nvfp4; int8 per-channel; int4 block:32");
            QuantConfig outliers = configs.back();
            outliers.outlier_threshold = 2.5;
            configs.push_back(outliers);
            for (std::size_t c = 0; c < configs.size(); ++c) {
                const QuantConfig& config = configs[c];
                const QString name = QString::fromStdString(config_label(config));
                session->changeConfig(config, name);
                QVERIFY(settle(session));
                for (const int width : {defaultWidth, dock->minimumSizeHint().width()}) {
                    window.resizeDocks({dock}, {width}, Qt::Horizontal);
                    QTest::qWait(30);
                    checkMetricsFit(window, QStringLiteral("%1 %2 at %3 px")
                                                .arg(sizeName(size), name)
                                                .arg(dock->width()));
                    if (QTest::currentTestFailed()) {
                        return;
                    }
                }
                if (c == 0) {  // q4_K: 256 groups
                    QVERIFY(window.metricsPanel()
                                ->valueText(QStringLiteral("scale"))
                                .contains(QStringLiteral("median")));
                    QVERIFY(gui_test::saveInBothPalettes(
                        window, QStringLiteral("metrics-q4_K-%1").arg(sizeName(size))));
                }
            }
        }
    }
};

QTEST_MAIN(WindowFitTest)
#include "window_fit_test.moc"
