// The analysis window, offscreen: the session's signals and stale-job handling, what every view
// holds after a change, the draggable clip line, session files, loader errors, a screenshot of
// every tab, and the latency from a config change to updated views at one million values.

#include <QAreaSeries>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QLineSeries>
#include <QProgressBar>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QUndoStack>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

#include "../core/quant/config_variants.h"
#include "analysis_session.h"
#include "compare_model.h"
#include "compare_panel.h"
#include "config_json.h"
#include "config_panel.h"
#include "density_image_view.h"
#include "error_panel.h"
#include "gui_test_support.h"
#include "histogram_chart_view.h"
#include "histogram_panel.h"
#include "main_window.h"
#include "plot_chart_view.h"
#include "quantscope/common/error.h"
#include "quantscope/common/generators.h"
#include "quantscope/io/gguf_writer.h"
#include "quantscope/io/source.h"
#include "quantscope/quant/quantizer.h"
#include "signal_chart_view.h"
#include "signal_panel.h"
#include "small_multiples_view.h"
#include "sources_model.h"
#include "sources_panel.h"
#include "step_series.h"
#include "sweep_panel.h"
#include "view_tabs.h"

using namespace quantscope;
using quantscope::app::AnalysisSession;
using quantscope::app::MainWindow;

namespace {

using gui_test::kTimeout;
using gui_test::screenshotPath;
using gui_test::settle;

QuantConfig int4Config() {
    QuantConfig config;
    apply_format(config, "int4");
    return config;
}

}  // namespace

class AnalysisWindowTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void sessionEmitsSignalsAndDropsStaleJobs() {
        AnalysisSession session;
        QSignalSpy tensorChanged(&session, &AnalysisSession::tensorChanged);
        QSignalSpy configChanged(&session, &AnalysisSession::configChanged);
        QSignalSpy started(&session, &AnalysisSession::analysisStarted);
        QSignalSpy finished(&session, &AnalysisSession::analysisFinished);
        session.setTensor(generate("gaussian:n=400000,seed=3"));
        QCOMPARE(tensorChanged.count(), 1);
        QCOMPARE(started.count(), 1);
        // Requests while the first job runs: only the newest one is computed next.
        for (const char* name : {"int3", "int5", "fp8_e4m3", "uint8", "int6"}) {
            QuantConfig config = session.config();
            apply_format(config, name);
            session.changeConfig(config, QString::fromLatin1(name));
        }
        QCOMPARE(configChanged.count(), 5);
        QVERIFY(settle(&session));
        QCOMPARE(session.outcome()->config.format.name(), std::string("int6"));
        QVERIFY2(finished.count() <= 2, qPrintable(QString::number(finished.count())));
        QVERIFY(started.count() <= 2);

        // Undo walks the config back one step at a time, each a new analysis.
        session.undoStack()->undo();
        QCOMPARE(session.config().format.name(), std::string("uint8"));
        QVERIFY(finished.wait(kTimeout));
        QCOMPARE(session.outcome()->config.format.name(), std::string("uint8"));
        session.undoStack()->redo();
        QCOMPARE(session.config().format.name(), std::string("int6"));

        // A comparison superseded while it runs: only the newest list's rows arrive.
        QSignalSpy compared(&session, &AnalysisSession::comparisonFinished);
        session.setComparedConfigs(app::formatPreset(session.config()));
        session.setComparedConfigs(app::calibrationPreset(int4Config()));
        QVERIFY(settle(&session));
        QVERIFY(session.comparison());
        QCOMPARE(session.comparison()->rows.size(), std::size_t{4});
        QCOMPARE(to_string(session.comparison()->rows[2].config.calibration), std::string("kl"));
        QVERIFY(compared.count() >= 1);
        for (const auto& row : session.comparison()->rows) {
            QCOMPARE(row.config.format.name(), std::string("int4"));
        }
    }

    void cancelStopsTheSweep() {
        AnalysisSession session;
        session.setTensor(generate("gaussian:n=2000000,seed=5"));
        QSignalSpy progress(&session, &AnalysisSession::progressChanged);
        session.runBitSweep();
        QVERIFY(session.isSweeping());
        session.cancelBackgroundWork();
        QVERIFY(QTest::qWaitFor([&] { return !session.isSweeping(); }, kTimeout));
        QVERIFY(!session.bitSweepIsCurrent());
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last().at(2).toInt(), 0);  // idle again
    }

    void sourcesListBlockTypesWithTheirBits() {
        // A GGUF's block types keep their dtype, and the row's tooltip gives the bits a value
        // takes, scales included: q4_K 144 bytes per 256 values, q6_K 210.
        MainWindow window;
        AnalysisSession* session = window.session();
        session->openSource(QStringLiteral(QUANTSCOPE_TEST_DATA_DIR "/io/ggml_types.gguf"));
        QVERIFY(QTest::qWaitFor([&] { return session->sources().size() == 1; }, kTimeout));
        app::SourcesModel* model = window.sourcesPanel()->model();
        const QModelIndex file = model->index(0, 0);
        QHash<QString, QString> tips;
        for (int row = 0; row < model->rowCount(file); ++row) {
            tips.insert(
                model->index(row, app::SourcesModel::DType, file).data().toString(),
                model->index(row, app::SourcesModel::Name, file).data(Qt::ToolTipRole).toString());
        }
        QVERIFY2(tips.value(QStringLiteral("q4_K")).contains(QStringLiteral("4.5 bits per weight")),
                 qPrintable(tips.value(QStringLiteral("q4_K"))));
        QVERIFY(
            tips.value(QStringLiteral("q6_K")).contains(QStringLiteral("6.5625 bits per weight")));
        QVERIFY(tips.value(QStringLiteral("iq2_xxs"))
                    .contains(QStringLiteral("2.0625 bits per weight")));
    }

    void sourcesShareNamesHeadsAndTails() {
        // A narrow column drops the head and then the tail most names share: "blk." and
        // ".weight" of a llama.cpp model, so "…0.attn_q…" shows instead of "…0.attn….weight".
        QTemporaryDir dir;
        const std::string file = dir.filePath(QStringLiteral("names.gguf")).toStdString();
        std::vector<GgufTensor> tensors;
        for (const char* name : {"blk.0.attn_q.weight", "blk.0.attn_k.weight",
                                 "blk.1.attn_q.weight", "output_norm.weight"}) {
            tensors.push_back(gguf_f32_tensor(name, {2}, std::vector<float>{1.0f, 2.0f}));
        }
        write_gguf(file, tensors);
        MainWindow window;
        AnalysisSession* session = window.session();
        session->openSource(QString::fromStdString(file));
        QVERIFY(QTest::qWaitFor([&] { return session->sources().size() == 1; }, kTimeout));
        app::SourcesModel* model = window.sourcesPanel()->model();
        const QModelIndex parent = model->index(0, 0);
        QCOMPARE(model->rowCount(parent), 4);
        const QList<QPair<int, int>> expected{{4, 7}, {4, 7}, {4, 7}, {0, 7}};
        for (int row = 0; row < 4; ++row) {
            const QModelIndex name = model->index(row, app::SourcesModel::Name, parent);
            QCOMPARE(name.data(app::SourcesModel::kSharedPrefixRole).toInt(), expected[row].first);
            QCOMPARE(name.data(app::SourcesModel::kSharedSuffixRole).toInt(), expected[row].second);
        }
    }

    void sourcesOpenListAndReportErrors() {
        QTemporaryDir dir;
        const QString broken = dir.filePath(QStringLiteral("broken.npy"));
        {
            QFile file(broken);
            QVERIFY(file.open(QIODevice::WriteOnly));
            // A v1 header that promises 16 bytes of dict and then stops short.
            static const char kHead[] = "\x93NUMPY\x01\x00\x10\x00{'descr': '<f4',";
            file.write(kHead, sizeof kHead - 1);
        }
        MainWindow window;
        window.show();
        AnalysisSession* session = window.session();
        QSignalSpy failed(session, &AnalysisSession::loadFailed);
        window.openFiles({QStringLiteral("gen:gaussian:n=5000,seed=2"), broken,
                          dir.filePath(QStringLiteral("missing.safetensors"))});
        QVERIFY(QTest::qWaitFor([&] { return failed.count() == 2; }, kTimeout));
        QVERIFY(settle(session));
        QVERIFY2(failed[0][0].toString().contains(QStringLiteral("broken.npy")),
                 qPrintable(failed[0][0].toString()));
        QVERIFY(failed[1][0].toString().contains(QStringLiteral("missing.safetensors")));
        QVERIFY(window.sourcesPanel()->errorText().contains(QStringLiteral("missing")));
        // The window stays usable: the good source is listed and studied.
        QCOMPARE(session->sources().size(), qsizetype(1));
        QCOMPARE(session->tensor()->values.size(), std::size_t{5000});
        app::SourcesModel* model = window.sourcesPanel()->model();
        QCOMPARE(model->rowCount(), 1);
        QCOMPARE(model->rowCount(model->index(0, 0)), 1);
        QCOMPARE(model->index(0, app::SourcesModel::Shape, model->index(0, 0)).data().toString(),
                 QStringLiteral("[5000]"));
        QCOMPARE(model->index(0, app::SourcesModel::DType, model->index(0, 0)).data().toString(),
                 QStringLiteral("float32"));

        // A generator from the picker, then the filter.
        window.sourcesPanel()->generatorBox()->setCurrentText(QStringLiteral("sine"));
        window.sourcesPanel()->generatorParameters()->setText(
            QStringLiteral("frequency=100,rate=8000,duration=0.1"));
        QSignalSpy tensorChanged(session, &AnalysisSession::tensorChanged);
        window.sourcesPanel()->generate();
        QVERIFY(tensorChanged.wait(kTimeout));
        QCOMPARE(session->tensor()->values.size(), std::size_t{800});
        QCOMPARE(session->sampleRate(), 8000.0);
        window.sourcesPanel()->filterBox()->setText(QStringLiteral("sine"));
        QCOMPARE(window.sourcesPanel()->proxy()->rowCount(), 1);

        // Selecting the first tensor in the tree reads it again.
        window.sourcesPanel()->filterBox()->clear();
        auto* proxy = window.sourcesPanel()->proxy();
        window.sourcesPanel()->tree()->setCurrentIndex(proxy->index(0, 0, proxy->index(0, 0)));
        QVERIFY(tensorChanged.wait(kTimeout));
        QCOMPARE(session->tensor()->values.size(), std::size_t{5000});
    }

    void everyViewHoldsTheRightData() {
        MainWindow window;
        window.show();
        AnalysisSession* session = window.session();
        session->openSource(QStringLiteral("gen:sine:frequency=50,rate=8000,duration=0.5"), true);
        QVERIFY(settle(session));
        QSignalSpy finished(session, &AnalysisSession::analysisFinished);
        window.configPanel()->formatBox()->setCurrentText(QStringLiteral("int4"));
        QVERIFY(finished.wait(kTimeout));

        const Tensor& tensor = *session->tensor();
        const QuantConfig config = session->config();
        QCOMPARE(config.format.name(), std::string("int4"));
        const QuantResult result = quantize(tensor.values, config);
        const HistogramPlot plot = make_histogram_plot(tensor.values, result, config);

        // Error tab: the error histogram, and the density image over the values' range.
        QLineSeries* error = window.errorPanel()->histogramView()->curveSeries(0);
        QVERIFY(error);
        QCOMPARE(error->points(), widgets::histogramStepPoints(plot.error));
        const widgets::DensityImage& density = window.errorPanel()->densityView()->density();
        QCOMPARE(density.image.size(), QSize(app::kDensityColumns, app::kDensityRows));
        QVERIFY(density.maxCount > 0);
        QVERIFY(density.xLo <= -1.0 && density.xHi >= 1.0);  // a unit sine
        QVERIFY(density.yHi >= result.metrics.max_abs_error);

        // Signal tab (drawn once shown: a hidden tab only notes the new result): decimated to
        // about two points per pixel column; zoomed in, every sample is drawn, and the quantized
        // trace is the staircase of Q(x).
        window.tabs()->setCurrentIndex(MainWindow::SignalTab);
        QVERIFY(window.signalPanel()->showsSignal());
        widgets::SignalChartView* signal = window.signalPanel()->view();
        QLineSeries* original = signal->signalChart()->curveSeries(0);
        QVERIFY(original->count() <= 2 * 2000);
        QVERIFY(original->count() >= 400);
        signal->signalChart()->zoomTo(0.0, 40.0 / 8000);
        QLineSeries* quantized = signal->signalChart()->curveSeries(1);
        QVERIFY(quantized->count() >= 2 * 40);
        for (int i = 0; i < 40; ++i) {
            QCOMPARE(quantized->at(2 * i).y(),
                     static_cast<double>(result.dequantized[static_cast<std::size_t>(i)]));
            QCOMPARE(quantized->at(2 * i).y(), quantized->at(2 * i + 1).y());
        }
        QLineSeries* errorTrace = signal->errorChart()->curveSeries(0);
        QCOMPARE(errorTrace->at(5).y(),
                 static_cast<double>(tensor.values[5] - result.dequantized[5]));
        QCOMPARE(signal->errorChart()->axisX()->max(), signal->signalChart()->axisX()->max());

        // Compare tab: the formats preset, each row's metrics the core's.
        window.comparePanel()->compareFormats();
        QVERIFY(settle(session));
        app::CompareModel* model = window.comparePanel()->model();
        QCOMPARE(model->rowCount(), 7);
        for (int r = 0; r < model->rowCount(); ++r) {
            const app::ComparisonRow* row = model->resultRow(r);
            QVERIFY(row);
            QVERIFY2(row->error.isEmpty(), qPrintable(row->error));
            const QuantResult expected = quantize(tensor.values, tensor.info.shape, row->config);
            QCOMPARE(row->metrics.sqnr_db, expected.metrics.sqnr_db);
            QCOMPARE(row->storage.bytes, expected.storage.bytes);
        }
        QCOMPARE(format_name(model->resultRow(6)->config), std::string("mxfp4"));
        // Seven configs are drawn as small multiples unless an overlay is asked for.
        QCOMPARE(window.comparePanel()->smallMultiples()->chartCount(), qsizetype(7));
        window.comparePanel()->layoutBox()->setCurrentIndex(
            window.comparePanel()->layoutBox()->findData(
                static_cast<int>(app::ComparePanel::ChartLayout::Overlay)));
        QCOMPARE(window.comparePanel()->overlay()->curveCount(), qsizetype(8));
        {
            // The overlay bins the central 99.9 % by default, all values on request, and shows
            // log10(1 + count) when asked; the series follow each toggle.
            app::ComparePanel* panel = window.comparePanel();
            const double p_lo = percentile(tensor.values, 0.05, false);
            const double p_hi = percentile(tensor.values, 99.95, false);
            QLineSeries* overlaid = panel->overlay()->curveSeries(0);
            QCOMPARE(overlaid->at(0).x(), p_lo);
            QCOMPARE(overlaid->at(overlaid->count() - 1).x(), p_hi);
            const Histogram central = make_histogram(tensor.values, p_lo, p_hi, 256);
            QCOMPARE(overlaid->at(1).y(), static_cast<double>(central.counts[0]));
            panel->logScaleBox()->setChecked(true);
            QCOMPARE(panel->overlay()->curveSeries(0)->at(1).y(),
                     std::log10(1.0 + static_cast<double>(central.counts[0])));
            panel->logScaleBox()->setChecked(false);
            panel->wholeRangeBox()->setChecked(true);
            const ValueRange all = finite_range(tensor.values);
            overlaid = panel->overlay()->curveSeries(0);
            QCOMPARE(overlaid->at(0).x(), all.lo);
            QCOMPARE(overlaid->at(overlaid->count() - 1).x(), all.hi);
            panel->wholeRangeBox()->setChecked(false);
        }
        window.comparePanel()->table()->selectRow(0);
        window.comparePanel()->moveSelected(1);
        QCOMPARE(session->comparedConfigs()[1].format.name(), std::string("int8"));
        window.comparePanel()->removeSelected();
        QCOMPARE(model->rowCount(), 6);
        window.comparePanel()->addCurrent();
        QCOMPARE(model->rowCount(), 7);
        QVERIFY(settle(session));

        QTemporaryDir dir;
        const QString csv = dir.filePath(QStringLiteral("compare.csv"));
        QCOMPARE(window.comparePanel()->exportCsv(csv), QString());
        QFile csvFile(csv);
        QVERIFY(csvFile.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(csvFile.readAll()).trimmed().split('\n');
        QCOMPARE(lines.size(), 8);
        QVERIFY(lines[0].startsWith(QStringLiteral("source,tensor,config,sqnr_db,mse")));
        const QString json = dir.filePath(QStringLiteral("compare.json"));
        QCOMPARE(window.comparePanel()->exportJson(json), QString());
        QFile jsonFile(json);
        QVERIFY(jsonFile.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(jsonFile.readAll()).array().size(), 7);

        // Bit-width sweep: four calibrations and the 6.02 dB/bit line; min-max at 8 bits is
        // the core's int8 result.
        window.tabs()->setCurrentIndex(MainWindow::SweepTab);
        QVERIFY(QTest::qWaitFor([&] { return session->bitSweepIsCurrent(); }, kTimeout));
        widgets::PlotChartView* sweep = window.sweepPanel()->view();
        QCOMPARE(sweep->curveCount(), qsizetype(5));
        QCOMPARE(sweep->curveSeries(0)->count(), 15);
        QuantConfig int8 = config;
        apply_format(int8, "int8");
        const double sqnr8 = quantize(tensor.values, int8).metrics.sqnr_db;
        QCOMPARE(sweep->curveSeries(0)->at(6), QPointF(8, sqnr8));
        const QLineSeries* reference = sweep->curveSeries(4);
        QVERIFY(std::abs((reference->at(1).y() - reference->at(0).y()) / 14.0 - 6.02) < 1e-9);

        // Exports: PNG, SVG, and Q(x) as .npy.
        const QString png = dir.filePath(QStringLiteral("view.png"));
        QCOMPARE(window.exportCurrentView(png), QString());
        QVERIFY(!QImage(png).isNull());
        const QString svg = dir.filePath(QStringLiteral("view.svg"));
        QCOMPARE(window.exportCurrentView(svg), QString());
        QFile svgFile(svg);
        QVERIFY(svgFile.open(QIODevice::ReadOnly));
        QVERIFY(svgFile.readAll().contains("<svg"));
        const QString npy = dir.filePath(QStringLiteral("q.npy"));
        QCOMPARE(window.exportQuantized(npy).result(), QString());
        QVERIFY(QFileInfo(npy).size() >= qint64(4000 * sizeof(float)));
        // By a .gguf name: the config's Q(x) as f32 here (int4 is not a ggml type).
        const QString gguf = dir.filePath(QStringLiteral("q.gguf"));
        QCOMPARE(window.exportQuantized(gguf).result(), QString());
        const Tensor back = open_source(gguf.toStdString())->read(0);
        QCOMPARE(back.values.size(), session->outcome()->result.dequantized.size());
        QVERIFY(std::equal(back.values.begin(), back.values.end(),
                           session->outcome()->result.dequantized.begin()));
    }

    void draggingTheClipLineReRunsWithThatRange() {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        AnalysisSession* session = window.session();
        window.loadSample();
        QVERIFY(settle(session));
        widgets::HistogramChartView* view = window.histogramView();
        QCOMPARE(view->clipMaxSeries()->at(0).x(), 20.0);
        auto pixelOf = [view](double value) {
            return view->mapFromScene(view->chart()->mapToPosition(QPointF(value, 100.0)));
        };
        const QPoint from = pixelOf(20.0);
        const QPoint to = pixelOf(5.0);
        QSignalSpy finished(session, &AnalysisSession::analysisFinished);
        QTest::mousePress(view->viewport(), Qt::LeftButton, {}, from);
        QMouseEvent move(QEvent::MouseMove, to, view->viewport()->mapToGlobal(to), Qt::LeftButton,
                         Qt::LeftButton, {});
        QCoreApplication::sendEvent(view->viewport(), &move);
        QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, to);
        QVERIFY(finished.wait(kTimeout));
        const QuantConfig& config = session->config();
        QCOMPARE(config.calibration.method, CalibrationMethod::Manual);
        // Symmetric: the range is ±T with T where the line was let go (a pixel's accuracy).
        const double pixel =
            (view->axisX()->max() - view->axisX()->min()) / view->chart()->plotArea().width();
        QVERIFY2(std::abs(config.calibration.manual_max - 5.0) <= pixel,
                 qPrintable(QString::number(config.calibration.manual_max)));
        QCOMPARE(config.calibration.manual_min, -config.calibration.manual_max);
        const auto outcome = session->outcome();
        QCOMPARE(outcome->config.calibration.method, CalibrationMethod::Manual);
        QVERIFY(std::abs(outcome->result.clip_max - config.calibration.manual_max) < 1e-6);
        QCOMPARE(view->clipMaxSeries()->at(0).x(), outcome->result.clip_max);
        QVERIFY(outcome->result.metrics.clipped_fraction > 0);  // the outliers are clipped now
        // One undo step brings min-max back.
        QVERIFY(session->undoStack()->canUndo());
        session->undoStack()->undo();
        QCOMPARE(session->config().calibration.method, CalibrationMethod::MinMax);
        // The log toggle redraws the same bins as log10(1 + count).
        QVERIFY(settle(session));
        const double linear = view->originalSeries()->at(256).y();
        window.histogramPanel()->logScaleBox()->setChecked(true);
        QCOMPARE(view->originalSeries()->at(256).y(), std::log10(1 + linear));
        QVERIFY(view->readoutAt(0.0).contains(QStringLiteral("original")));
    }

    void sessionJsonReopensToAnEqualSession() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("session.json"));
        QJsonObject saved;
        {
            MainWindow window;
            window.show();
            AnalysisSession* session = window.session();
            window.loadSample();
            session->openSource(QStringLiteral("gen:sine:frequency=440,rate=48000,duration=0.1"));
            QVERIFY(settle(session));
            QVERIFY(QTest::qWaitFor([&] { return session->sources().size() == 2; }, kTimeout));
            session->selectTensor(1, 0);
            QVERIFY(QTest::qWaitFor([&] { return session->tensor()->values.size() == 4800; },
                                    kTimeout));
            QuantConfig config = session->config();
            apply_format(config, "fp8_e4m3");
            config.calibration = parse_calibration("percentile:99.5");
            config.rounding = Rounding::Stochastic;
            config.seed = 42;
            session->changeConfig(config, QStringLiteral("test"));
            session->setComparedConfigs(app::calibrationPreset(int4Config()));
            window.histogramPanel()->logScaleBox()->setChecked(true);
            window.tabs()->setCurrentIndex(MainWindow::CompareTab);
            QVERIFY(settle(session));
            QCOMPARE(window.saveSession(path), QString());
            saved = session->toJson();
        }
        MainWindow window;
        window.show();
        AnalysisSession* session = window.session();
        QCOMPARE(window.openSession(path), QString());
        QVERIFY(QTest::qWaitFor([&] { return session->sources().size() == 2 && session->tensor(); },
                                kTimeout));
        QVERIFY(settle(session));
        QCOMPARE(session->toJson(), saved);
        QCOMPARE(session->tensor()->values.size(), std::size_t{4800});
        QCOMPARE(format_name(session->config()), std::string("fp8_e4m3"));
        QCOMPARE(session->config().seed, std::uint64_t{42});
        QCOMPARE(session->comparedConfigs().size(), std::size_t{4});
        QCOMPARE(window.tabs()->currentIndex(), int(MainWindow::CompareTab));
        QVERIFY(window.histogramPanel()->logScaleBox()->isChecked());
        QCOMPARE(window.configPanel()->formatBox()->currentText(), QStringLiteral("fp8_e4m3"));

        // A broken session file is reported with its name and leaves the session as it was.
        const QString bad = dir.filePath(QStringLiteral("bad.json"));
        QFile file(bad);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"config": {"format": "int99"}})");
        file.close();
        const QString problem = window.openSession(bad);
        QVERIFY2(problem.contains(QStringLiteral("bad.json")), qPrintable(problem));
        QCOMPARE(session->toJson(), saved);
    }

    void everyConfigFieldSurvivesTheSessionFile() {
        for (const QuantConfig& config : test::configs_with_one_field_changed()) {
            const QJsonObject json = app::configToJson(config);
            QCOMPARE(json.size(), qsizetype(config_fields().size()));
            // Written to a file and read back, as a session or an export.
            const QJsonObject reread =
                QJsonDocument::fromJson(QJsonDocument(json).toJson()).object();
            QVERIFY2(app::configFromJson(reread) == config, describe(config).c_str());
        }
        // A field of the wrong type is refused, not read as a default.
        QVERIFY_THROWS_EXCEPTION(UsageError, app::configFromJson(QJsonObject{{"seed", 42}}));
    }

    void everyConfigControlReachesTheSession() {
        MainWindow window;
        AnalysisSession* session = window.session();
        session->setTensor(generate("gaussian:n=4096,seed=9"), 0);
        QVERIFY(settle(session));
        app::ConfigPanel* panel = window.configPanel();
        panel->formatBox()->setCurrentText(QStringLiteral("mxfp4"));
        QCOMPARE(session->config().block_scaling, BlockScaling::MX);
        QVERIFY(!panel->granularityBox()->isEnabled());
        panel->formatBox()->setCurrentText(QStringLiteral("uint8"));
        QCOMPARE(session->config().granularity.kind, Granularity::Kind::Tensor);
        panel->schemeBox()->setCurrentIndex(1);
        QCOMPARE(session->config().scheme, Scheme::Affine);
        panel->granularityBox()->setCurrentIndex(2);
        panel->blockBox()->setValue(128);
        QCOMPARE(to_string(session->config().granularity), std::string("block:128"));
        panel->calibrationBox()->setCurrentIndex(
            panel->calibrationBox()->findData(QStringLiteral("sigma:3")));
        panel->parameterBox()->setValue(2.5);
        QCOMPARE(to_string(session->config().calibration), std::string("sigma:2.5"));
        // KL needs a whole tensor or channel: refused with the core's reason.
        panel->calibrationBox()->setCurrentIndex(
            panel->calibrationBox()->findData(QStringLiteral("kl")));
        QVERIFY(panel->problemText().contains(QStringLiteral("kl")));
        QCOMPARE(to_string(session->config().calibration), std::string("sigma:2.5"));
        panel->roundingBox()->setCurrentText(QStringLiteral("stochastic"));
        panel->seedBox()->setValue(7);
        QCOMPARE(session->config().seed, std::uint64_t{7});
        panel->outlierBox()->setValue(3.0);
        QCOMPARE(session->config().outlier_threshold, 3.0);
        QVERIFY(settle(session));
        QVERIFY(session->outcome()->config == session->config());
        // Every tooltip teaches something.
        for (QWidget* w : panel->findChildren<QWidget*>()) {
            if (qobject_cast<QComboBox*>(w) || qobject_cast<QAbstractSpinBox*>(w)) {
                QVERIFY2(w->toolTip().size() > 20, qPrintable(w->objectName()));
            }
        }
    }

    void screenshotOfEveryTab() {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        AnalysisSession* session = window.session();
        window.loadSample();
        QVERIFY(settle(session));
        window.comparePanel()->compareFormats();
        QVERIFY(settle(session));
        QVERIFY(window.saveScreenshot(screenshotPath(QStringLiteral("tab-histogram.png"))));

        QuantConfig config = session->config();
        config.calibration = parse_calibration("percentile:99.9");
        session->changeConfig(config, QStringLiteral("percentile"));
        QVERIFY(settle(session));
        window.tabs()->setCurrentIndex(MainWindow::ErrorTab);
        QTest::qWait(50);
        QVERIFY(window.saveScreenshot(screenshotPath(QStringLiteral("tab-error.png"))));

        window.tabs()->setCurrentIndex(MainWindow::CompareTab);
        QTest::qWait(50);
        QVERIFY(window.saveScreenshot(screenshotPath(QStringLiteral("tab-compare.png"))));
        // The log scale, where the tails and rarely used levels show.
        window.comparePanel()->logScaleBox()->setChecked(true);
        QTest::qWait(50);
        QVERIFY(window.saveScreenshot(screenshotPath(QStringLiteral("tab-compare-log.png"))));
        window.comparePanel()->logScaleBox()->setChecked(false);
        window.tabs()->setCurrentIndex(MainWindow::HistogramTab);
        window.histogramPanel()->logScaleBox()->setChecked(true);
        QTest::qWait(50);
        QVERIFY(window.saveScreenshot(screenshotPath(QStringLiteral("tab-histogram-log.png"))));
        window.histogramPanel()->logScaleBox()->setChecked(false);

        window.tabs()->setCurrentIndex(MainWindow::SweepTab);
        QVERIFY(QTest::qWaitFor([&] { return session->bitSweepIsCurrent(); }, 60000));
        QTest::qWait(50);
        QVERIFY(window.saveScreenshot(screenshotPath(QStringLiteral("tab-sweep.png"))));

        session->openSource(QStringLiteral("gen:sine:frequency=440,rate=48000,duration=0.05"),
                            true);
        QVERIFY(
            QTest::qWaitFor([&] { return session->tensor()->values.size() == 2400; }, kTimeout));
        QuantConfig int4 = int4Config();
        session->changeConfig(int4, QStringLiteral("int4"));
        QVERIFY(settle(session));
        window.tabs()->setCurrentIndex(MainWindow::SignalTab);
        QTest::qWait(50);
        window.signalPanel()->view()->signalChart()->zoomTo(0, 0.004);
        QTest::qWait(50);
        QVERIFY(window.saveScreenshot(screenshotPath(QStringLiteral("tab-signal.png"))));
    }

    // The time from a config change to every view holding the new result, at 1M values.
    void latencyAtOneMillionValues() {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        AnalysisSession* session = window.session();
        session->setTensor(generate("gaussian:n=1000000,seed=1"));
        QVERIFY(settle(session));
        QElapsedTimer timer;
        QList<double> dataMs;
        QList<double> paintedMs;
        bool done = false;
        // Connected after every view: runs once all of them have taken the result.
        connect(session, &AnalysisSession::analysisFinished, this, [&] { done = true; });
        const QStringList formats{"int4", "int8", "fp8_e4m3", "int6", "nf4", "int8"};
        for (const QString& format : formats) {
            done = false;
            timer.start();
            window.configPanel()->formatBox()->setCurrentText(format);
            QVERIFY(QTest::qWaitFor([&] { return done; }, kTimeout));
            dataMs.append(static_cast<double>(timer.nsecsElapsed()) / 1e6);
            window.tabs()->currentWidget()->grab();  // the visible tab painted
            paintedMs.append(static_cast<double>(timer.nsecsElapsed()) / 1e6);
        }
        std::sort(dataMs.begin(), dataMs.end());
        std::sort(paintedMs.begin(), paintedMs.end());
        qInfo(
            "latency at 1M values, config change -> all views updated: median %.1f ms (min "
            "%.1f, max %.1f); -> histogram tab painted: median %.1f ms",
            dataMs[dataMs.size() / 2], dataMs.front(), dataMs.back(),
            paintedMs[paintedMs.size() / 2]);
        QVERIFY(dataMs[dataMs.size() / 2] < 2000);
    }
};

QTEST_MAIN(AnalysisWindowTest)
#include "analysis_window_test.moc"
