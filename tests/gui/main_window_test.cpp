// The main window, offscreen: the sample is loaded, analysed off the GUI thread, and drawn.

#include <QAction>
#include <QAreaSeries>
#include <QComboBox>
#include <QDir>
#include <QImage>
#include <QLineSeries>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <algorithm>
#include <cmath>

#include "analysis_session.h"
#include "config_panel.h"
#include "histogram_chart_view.h"
#include "main_window.h"
#include "metrics_panel.h"
#include "open_file_filter.h"
#include "quantscope/common/generators.h"
#include "quantscope/io/loader_registry.h"
#include "quantscope/quant/quantizer.h"

using quantscope::app::AnalysisSession;
using quantscope::app::MainWindow;

class MainWindowTest : public QObject {
    Q_OBJECT

private:
    static bool waitForAnalysis(MainWindow& window) {
        QSignalSpy finished(window.session(), &AnalysisSession::analysisFinished);
        return finished.wait(20000);
    }

private slots:
    // Settings (recent files, dock layout) go to a test location, never the user's.
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    // The open dialog offers every extension a loader claims, from the registry, then all files.
    void openDialogFiltersComeFromTheLoaderRegistry() {
        QStringList patterns;
        for (const quantscope::LoaderInfo& loader : quantscope::file_loaders()) {
            for (const std::string_view extension : loader.extensions) {
                patterns << QStringLiteral("*.") + QString::fromUtf8(extension);
            }
        }
        QVERIFY(patterns.contains(QStringLiteral("*.tsv")));
        const QStringList filters = quantscope::app::openFileFilter().split(QStringLiteral(";;"));
        QCOMPARE(filters.size(), 2);
        const QString& first = filters[0];
        const qsizetype open = first.indexOf(QLatin1Char('('));
        QVERIFY(open > 0 && first.endsWith(QLatin1Char(')')));
        QCOMPARE(first.mid(open + 1, first.size() - open - 2).split(QLatin1Char(' ')), patterns);
        QCOMPARE(filters[1], QStringLiteral("All files (*)"));

        MainWindow window;
        const QList<QAction*> actions = window.findChildren<QAction*>();
        const auto found = std::find_if(actions.begin(), actions.end(), [](QAction* action) {
            return action->shortcut() == QKeySequence(QKeySequence::Open);
        });
        QVERIFY(found != actions.end());
        for (const QString& pattern : patterns) {
            QVERIFY2((*found)->toolTip().contains(pattern.mid(1)), qPrintable(pattern));
        }
    }

    void histogramHoldsTheSampleValues() {
        MainWindow window;
        window.show();
        window.loadSample();
        QVERIFY(waitForAnalysis(window));

        // What core computes for the sample, independently of the window.
        const quantscope::Tensor sample = quantscope::builtin_sample();
        const quantscope::QuantConfig config = window.session()->config();
        QCOMPARE(config.format.name(), std::string("int8"));
        QVERIFY(config.scheme == quantscope::Scheme::Symmetric);
        const quantscope::QuantResult result = quantscope::quantize(sample.values, config);
        const quantscope::HistogramPlot plot =
            quantscope::make_histogram_plot(sample.values, result, config);

        auto* view = window.histogramView();
        QLineSeries* original = view->originalSeries();
        QVERIFY(original != nullptr);
        QVERIFY(view->chart()->series().contains(view->originalArea()));
        const QList<QPointF> points = original->points();
        QCOMPARE(points.size(), qsizetype(plot.original.bins() * 2));
        qint64 total = 0;
        for (std::size_t b = 0; b < plot.original.bins(); ++b) {
            const double count = static_cast<double>(plot.original.counts[b]);
            QCOMPARE(points[qsizetype(2 * b)].y(), count);
            QCOMPARE(points[qsizetype(2 * b + 1)].y(), count);
            QCOMPARE(points[qsizetype(2 * b)].x(), plot.original.bin_left(b));
            total += plot.original.counts[b];
        }
        QCOMPARE(total, qint64(sample.values.size()));  // every sample value is in a bin
        // Bins aligned to the rounding cells: each level sits at the centre of its bin, and the
        // dequantized histogram holds every value in a level's bin.
        const double step = result.groups.front().scale;
        QCOMPARE(points.front().x(), result.clip_min - step / 2);
        QVERIFY2(std::abs(points.back().x() - (result.clip_max + step / 2)) < 1e-5 * step,
                 qPrintable(QString::number(points.back().x() - (result.clip_max + step / 2))));
        const QList<QPointF> dq = view->dequantizedSeries()->points();
        for (std::size_t b = 0; b < plot.dequantized.bins(); ++b) {
            QCOMPARE(dq[qsizetype(2 * b)].y(), static_cast<double>(plot.dequantized.counts[b]));
        }

        // 256 INT8 levels drawn as a rug of ticks (3 points each), every k-th where they would
        // be closer than a few pixels, and the clipping range.
        const auto stride = static_cast<qsizetype>(view->levelStride());
        QCOMPARE(view->levelsSeries()->count(), (256 + stride - 1) / stride * 3);
        QCOMPARE(view->clipMinSeries()->at(0).x(), result.clip_min);
        QCOMPARE(view->clipMaxSeries()->at(0).x(), result.clip_max);
        QCOMPARE(view->clipMaxSeries()->at(0).x(), 20.0);  // T = absmax = the largest outlier
        QCOMPARE(view->dequantizedSeries()->count(), qsizetype(plot.dequantized.bins() * 2));

        // The headline metrics are the core's.
        const QString sqnr = window.metricsPanel()->valueText(QStringLiteral("sqnr_db"));
        QVERIFY2(sqnr.startsWith(QString::number(result.metrics.sqnr_db, 'g', 4)),
                 qPrintable(sqnr));
        QVERIFY(window.headlineText().contains(QStringLiteral("SQNR")));
    }

    void changingTheFormatReRunsTheAnalysis() {
        MainWindow window;
        window.show();
        window.loadSample();
        QVERIFY(waitForAnalysis(window));
        QSignalSpy finished(window.session(), &AnalysisSession::analysisFinished);
        window.configPanel()->formatBox()->setCurrentText(QStringLiteral("int4"));
        QVERIFY(finished.wait(20000));
        QCOMPARE(window.session()->config().format.bits(), 4);
        QCOMPARE(window.histogramView()->levelsSeries()->count(), 16 * 3);
        QVERIFY(window.session()->outcome()->result.metrics.sqnr_db < 10.0);
    }

    void calibrationNarrowsTheClipLines() {
        MainWindow window;
        window.loadSample();
        QVERIFY(waitForAnalysis(window));
        QSignalSpy finished(window.session(), &AnalysisSession::analysisFinished);
        auto* box = window.configPanel()->calibrationBox();
        box->setCurrentIndex(box->findData(QStringLiteral("percentile:99.9")));
        QVERIFY(finished.wait(20000));
        const auto outcome = window.session()->outcome();
        QCOMPARE(outcome->config.calibration.method, quantscope::CalibrationMethod::Percentile);
        const double clip = window.histogramView()->clipMaxSeries()->at(0).x();
        QCOMPARE(clip, outcome->result.clip_max);
        QVERIFY(clip < 5.0);  // the 99.9th percentile of |x| of a unit Gaussian is about 3.3
        QVERIFY(outcome->result.metrics.clipped_fraction > 0);
    }

    void staleRequestsAreDropped() {
        MainWindow window;
        window.loadSample();
        // Many requests while the first job runs: only the newest config's result arrives.
        auto* box = window.configPanel()->formatBox();
        for (const char* f : {"int3", "int5", "int6", "uint8", "int12"}) {
            box->setCurrentText(QString::fromLatin1(f));
        }
        QSignalSpy finished(window.session(), &AnalysisSession::analysisFinished);
        QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isRunning() && window.session()->outcome(),
                                 20000);
        QCOMPARE(window.session()->outcome()->config.format.bits(), 12);
        QVERIFY(finished.count() <= 2);
    }

    void screenshotShowsTheWindow() {
        MainWindow window;
        window.show();
        window.loadSample();
        QVERIFY(waitForAnalysis(window));
        QDir().mkpath(QStringLiteral(QUANTSCOPE_SCREENSHOT_DIR));
        const QString path = QStringLiteral(QUANTSCOPE_SCREENSHOT_DIR "/main-window.png");
        QVERIFY(window.saveScreenshot(path));
        const QImage image(path);
        QCOMPARE(image.size(), window.size());
        // Not a blank image: the histogram fill colour is present.
        bool hasBlue = false;
        for (int y = 0; y < image.height() && !hasBlue; y += 3) {
            for (int x = 0; x < image.width() && !hasBlue; x += 3) {
                const QColor c = image.pixelColor(x, y);
                hasBlue = c.blue() > c.red() + 40 && c.blue() > 120;
            }
        }
        QVERIFY(hasBlue);
    }
};

QTEST_MAIN(MainWindowTest)
#include "main_window_test.moc"
