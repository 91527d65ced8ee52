// The window as a desktop user meets it across runs and themes: the dock layout comes back on the
// next start, files dropped on the window open, and every chart follows the light or dark palette
// (set at start or switched while the window is open).

#include <QApplication>
#include <QChart>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QLineSeries>
#include <QMimeData>
#include <QPalette>
#include <QProgressBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <QValueAxis>

#include "analysis_session.h"
#include "error_panel.h"
#include "gui_test_support.h"
#include "histogram_chart_view.h"
#include "histogram_panel.h"
#include "main_window.h"
#include "plot_chart_view.h"
#include "quantscope/common/generators.h"
#include "quantscope/io/npy_writer.h"
#include "view_tabs.h"

using namespace quantscope;
using quantscope::app::AnalysisSession;
using quantscope::app::MainWindow;

namespace {

using gui_test::darkPalette;
using gui_test::kTimeout;
using gui_test::screenshotPath;
using gui_test::settle;

// The chart's colours are the palette's.
void verifyChartFollows(const widgets::ZoomableChartView* view, const QPalette& p) {
    QCOMPARE(view->chart()->backgroundBrush().color(), p.color(QPalette::Base));
    QCOMPARE(view->axisX()->labelsColor(), p.color(QPalette::Text));
    QCOMPARE(view->axisY()->labelsColor(), p.color(QPalette::Text));
    QCOMPARE(view->chart()->legend()->labelColor(), p.color(QPalette::Text));
}

}  // namespace

class WindowStateTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);  // settings in a test folder, not the user's
        QSettings().clear();
    }

    void dockLayoutIsRestoredOnTheNextStart() {
        QByteArray saved;
        {
            MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            auto* metrics = window.findChild<QDockWidget*>(QStringLiteral("metricsDock"));
            auto* sources = window.findChild<QDockWidget*>(QStringLiteral("sourcesDock"));
            auto* config = window.findChild<QDockWidget*>(QStringLiteral("quantizationDock"));
            QVERIFY(metrics && sources && config);
            // The user closes the Metrics dock and stacks Sources and Configuration as tabs.
            metrics->close();
            window.tabifyDockWidget(sources, config);
            QVERIFY(!metrics->isVisible());
            saved = window.saveState();
            window.close();  // saves the layout
        }
        MainWindow next;
        next.show();
        QVERIFY(QTest::qWaitForWindowExposed(&next));
        auto* metrics = next.findChild<QDockWidget*>(QStringLiteral("metricsDock"));
        auto* sources = next.findChild<QDockWidget*>(QStringLiteral("sourcesDock"));
        auto* config = next.findChild<QDockWidget*>(QStringLiteral("quantizationDock"));
        QVERIFY(!metrics->isVisible());
        QVERIFY(next.tabifiedDockWidgets(sources).contains(config));
        QCOMPARE(next.saveState(), saved);
        // Back to the default layout for the tests that follow.
        next.close();
        QSettings().clear();
    }

    void droppedFilesOpen() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("dropped.npy"));
        const Tensor t = generate("gaussian:n=3000,seed=4");
        write_npy(path.toStdString(), t.values, {3000});
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.loadSample();  // as main() does: the built-in sample first
        QVERIFY(settle(window.session()));
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(path)});
        const QPoint where = window.rect().center();
        QDragEnterEvent enter(where, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(where), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &drop);
        QVERIFY(QTest::qWaitFor(
            [&] {
                for (const auto& s : window.session()->sources()) {
                    if (s.spec == path) {
                        return true;
                    }
                }
                return false;
            },
            kTimeout));
        QVERIFY(settle(window.session()));
        QCOMPARE(window.session()->tensor()->values.size(), std::size_t{3000});

        // Something that is not a file is refused at the door.
        QMimeData text;
        text.setText(QStringLiteral("not a file"));
        QDragEnterEvent refused(where, Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
        refused.ignore();
        QApplication::sendEvent(&window, &refused);
        QVERIFY(!refused.isAccepted());
    }

    // Opening or reading a large tensor stops when the user cancels (the tensor before it stays),
    // and a newer selection supersedes a running read (the newest one is studied).
    void loadsCanBeCancelledAndSuperseded() {
        AnalysisSession session;
        session.setTensor(generate("gaussian:n=1000,seed=1"));
        QVERIFY(settle(&session));
        const auto before = session.tensor();
        QSignalSpy failed(&session, &AnalysisSession::loadFailed);
        // 40M values take the generator well over a second: the cancel lands mid-way.
        session.openSource(QStringLiteral("gen:gaussian:n=40000000,seed=5"), true);
        QVERIFY(session.isLoading());
        QElapsedTimer clock;
        clock.start();
        session.cancelBackgroundWork();
        QVERIFY(QTest::qWaitFor([&] { return !session.isLoading(); }, kTimeout));
        qInfo("load stopped %lld ms after cancel", static_cast<long long>(clock.elapsed()));
        QVERIFY(settle(&session));
        QCOMPARE(session.tensor(), before);  // cancelled, not finished
        QVERIFY(session.sources().isEmpty());
        QCOMPARE(failed.count(), 0);  // a cancel is not an error

        // Two sources; selecting the big one and then the small one at once: the newest wins.
        session.openSource(QStringLiteral("gen:gaussian:n=3000000,seed=6"));
        session.openSource(QStringLiteral("gen:uniform:n=2000,seed=7"));
        QVERIFY(QTest::qWaitFor([&] { return session.sources().size() == 2; }, kTimeout));
        QVERIFY(QTest::qWaitFor([&] { return !session.isLoading(); }, kTimeout));
        session.selectTensor(0, 0);
        session.selectTensor(1, 0);
        QVERIFY(QTest::qWaitFor(
            [&] { return session.tensor() && session.tensor()->values.size() == 2000; }, kTimeout));
        QVERIFY(settle(&session));
        QCOMPARE(session.tensor()->values.size(), std::size_t{2000});
        QCOMPARE(failed.count(), 0);
    }

    // In the window: a long load shows the busy bar, and Esc (the status bar's Cancel) stops it.
    void escapeCancelsALoadInTheWindow() {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.openFiles({QStringLiteral("gen:gaussian:n=40000000,seed=9")});
        QVERIFY(window.session()->isLoading());
        QVERIFY(window.progressBar()->isVisible());
        QCOMPARE(window.progressBar()->maximum(), 0);  // busy, no steps
        QTest::keyClick(&window, Qt::Key_Escape);
        QVERIFY(QTest::qWaitFor([&] { return !window.session()->isLoading(); }, kTimeout));
        QVERIFY(window.session()->sources().isEmpty());
        QVERIFY(QTest::qWaitFor([&] { return !window.progressBar()->isVisible(); }, kTimeout));
    }

    void chartsFollowTheDarkPalette() {
        const QPalette light = QApplication::palette();
        QApplication::setPalette(darkPalette());
        {
            // Started under a dark theme.
            MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.loadSample();
            QVERIFY(settle(window.session()));
            verifyChartFollows(window.histogramView(), darkPalette());
            QCOMPARE(window.histogramView()->levelsSeries()->pen().color(),
                     darkPalette().color(QPalette::Mid));
            QVERIFY(window.saveScreenshot(screenshotPath(QStringLiteral("dark-histogram.png"))));
            // The theme switches back to light while the window is open.
            QApplication::setPalette(light);
            QCoreApplication::processEvents();
            verifyChartFollows(window.histogramView(), light);
            QCOMPARE(window.histogramView()->levelsSeries()->pen().color(),
                     light.color(QPalette::Mid));
            // And to dark again: every chart follows, not just the first.
            QApplication::setPalette(darkPalette());
            QCoreApplication::processEvents();
            for (const auto* view : window.findChildren<widgets::ZoomableChartView*>()) {
                verifyChartFollows(view, darkPalette());
            }
            window.tabs()->setCurrentIndex(MainWindow::ErrorTab);
            QVERIFY(window.saveScreenshot(screenshotPath(QStringLiteral("dark-error.png"))));
        }
        QApplication::setPalette(light);
    }
};

QTEST_MAIN(WindowStateTest)
#include "window_state_test.moc"
