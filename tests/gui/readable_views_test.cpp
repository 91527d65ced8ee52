// Views that read at a glance and numbers a user can quote: exports that hold only the chart and
// are valid SVG, axes chosen from the data alone, a rug of levels that never hides a bin, small
// multiples for many compared configs, a metrics panel that keeps its width, a manual range that
// does not follow the user to the next tensor, and unique mnemonics.

#include <QAbstractButton>
#include <QApplication>
#include <QCategoryAxis>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QMenuBar>
#include <QPushButton>
#include <QSet>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QSvgRenderer>
#include <QTabBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QUndoStack>
#include <QXmlStreamReader>
#include <algorithm>
#include <cmath>
#include <cstring>

#include "analysis_jobs.h"
#include "compare_model.h"
#include "compare_panel.h"
#include "config_json.h"
#include "config_panel.h"
#include "elided_label.h"
#include "gui_test_support.h"
#include "histogram_chart_view.h"
#include "histogram_panel.h"
#include "main_window.h"
#include "metrics_panel.h"
#include "mini_histogram.h"
#include "nice_axis.h"
#include "quantscope/common/generators.h"
#include "quantscope/quant/metric_descriptors.h"
#include "quantscope/quant/quantizer.h"
#include "series_palette.h"
#include "small_multiples_view.h"
#include "sources_panel.h"
#include "view_tabs.h"

using namespace quantscope;
using quantscope::app::AnalysisSession;
using quantscope::app::MainWindow;

namespace {

using gui_test::kTimeout;
using gui_test::settle;

Tensor namedTensor(const char* spec, const std::string& name) {
    Tensor tensor = generate(spec);
    tensor.info.name = name;
    return tensor;
}

QStringList tickLabels(QValueAxis* axis) {
    return qobject_cast<QCategoryAxis*>(axis)->categoriesLabels();
}

// A safetensors file whose first tensor is a one-value int64 constant and whose largest tensor
// is a float32 weight.
QByteArray constantFirstSafetensors() {
    const QByteArray header =
        R"({"a.position_ids":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},)"
        R"("model.layers.0.mlp.down_proj.weight":{"dtype":"F32","shape":[8,8],)"
        R"("data_offsets":[8,264]},)"
        R"("model.norm.weight":{"dtype":"F32","shape":[8],"data_offsets":[264,296]}})";
    QByteArray bytes(8, '\0');
    const quint64 length = static_cast<quint64>(header.size());
    std::memcpy(bytes.data(), &length, 8);
    bytes += header;
    QByteArray data(296, '\0');
    for (int i = 0; i < 72; ++i) {
        const float v = std::sin(static_cast<float>(i));
        std::memcpy(data.data() + 8 + 4 * i, &v, 4);
    }
    return bytes + data;
}

}  // namespace

class ReadableViewsTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void niceTicksAreChosenFromTheRangeAlone() {
        // Zero is "0", never "-0.00", and every label has the digits its step needs.
        const auto ticks = widgets::linearTicks(-0.3, 0.3, 6);
        QStringList labels;
        for (const auto& t : ticks) {
            labels << t.label;
        }
        QCOMPARE(labels, QStringList({"-0.3", "-0.2", "-0.1", "0", "0.1", "0.2", "0.3"}));
        QCOMPARE(widgets::tickLabel(-1e-17, 0.1), QStringLiteral("0"));
        QCOMPARE(widgets::tickLabel(2.5, 2.5), QStringLiteral("2.5"));
        QCOMPARE(widgets::tickLabel(0.25, 0.25), QStringLiteral("0.25"));
        // Data in [-20.2, 20] get a symmetric range.
        const auto [lo, hi] = widgets::displayRange(-20.2, 20);
        QCOMPARE(lo, -hi);
        QVERIFY(hi > 20.2 && hi < 21.5);
        // Skewed data keep their own ends.
        const auto [lo2, hi2] = widgets::displayRange(0, 10);
        QVERIFY(lo2 < 0 && lo2 > -0.5 && hi2 > 10 && hi2 < 10.5);
        // A dragged value keeps the digits a pixel resolves.
        QCOMPARE(widgets::roundToResolution(0.3712904318, 0.05), 0.37);
        QCOMPARE(widgets::roundToResolution(1234.567, 20.0), 1230.0);
    }

    // A bit-width axis never ticks at 2.5 or 7.5 bits, whatever its length; Linear still does.
    void integerTicksFallOnWholeNumbers() {
        for (int target = 2; target <= 20; ++target) {
            for (const double hi : {3.0, 8.0, 16.0, 17.0, 40.0, 300.0}) {
                for (const auto& t : widgets::linearTicks(1.5, hi, target, true)) {
                    QVERIFY2(t.value == std::round(t.value) && !t.label.contains(QLatin1Char('.')),
                             qPrintable(QStringLiteral("%1 of [1.5, %2] at %3 ticks")
                                            .arg(t.label)
                                            .arg(hi)
                                            .arg(target)));
                }
            }
        }
        QCOMPARE(widgets::niceStep(14, 6, false), 2.5);
        QCOMPARE(widgets::niceStep(14, 6, true), 5.0);
        QCOMPARE(widgets::niceStep(140, 6, true), 25.0);
        QCOMPARE(widgets::niceStep(3, 12, true), 1.0);
    }

    // A histogram of six values counts 0 and 1, never 0.2 of a value.
    void countAxesTickOnWholeCounts() {
        MainWindow window;
        QVERIFY(gui_test::showAtTestSize(window));
        window.openFiles({gui_test::testDataPath(QStringLiteral("io/model.onnx"))});
        QVERIFY(settle(window.session()));
        QTest::qWait(30);
        auto* axis = qobject_cast<QCategoryAxis*>(window.histogramView()->axisY());
        QVERIFY(axis != nullptr);
        QVERIFY(!axis->categoriesLabels().isEmpty());
        for (const QString& label : axis->categoriesLabels()) {
            QVERIFY2(!label.contains(QLatin1Char('.')), qPrintable(label));
        }
    }

    void histogramAxesDependOnlyOnTheData() {
        widgets::HistogramChartView view;
        view.resize(800, 500);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const Tensor sample = builtin_sample();
        QuantConfig int8;
        QuantConfig int4;
        apply_format(int4, "int4");
        const auto plotOf = [&](const QuantConfig& c) {
            return make_histogram_plot(sample.values, quantize(sample.values, c), c);
        };
        view.setPlot(plotOf(int8));
        const QStringList xFirst = tickLabels(view.axisX());
        const QStringList yFirst = tickLabels(view.axisY());
        const double yMax = view.axisY()->max();
        // The sample spans [-20.16, 20]: a symmetric axis, ticks at round values, 0 as "0".
        QCOMPARE(view.axisX()->min(), -view.axisX()->max());
        QVERIFY(xFirst.contains(QStringLiteral("0")));
        for (const QString& label : xFirst + yFirst) {
            QVERIFY2(!label.startsWith(QLatin1String("-0")), qPrintable(label));
        }
        // Another config, then the first again (an undo): the same axes as the first time.
        view.setPlot(plotOf(int4));
        view.setPlot(plotOf(int8));
        QCOMPARE(tickLabels(view.axisX()), xFirst);
        QCOMPARE(tickLabels(view.axisY()), yFirst);
        QCOMPARE(view.axisY()->max(), yMax);
    }

    void levelsAreARugBelowTheDataThinnedToThePixels() {
        widgets::HistogramChartView view;
        view.resize(500, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const Tensor sample = builtin_sample();
        QuantConfig int8;
        view.setPlot(make_histogram_plot(sample.values, quantize(sample.values, int8), int8));
        // Every tick of the rug lies below the zero line, where no bin is drawn.
        const QList<QPointF> rug = view.levelsSeries()->points();
        QVERIFY(!rug.isEmpty());
        for (const QPointF& p : rug) {
            QVERIFY(p.y() < 0);
        }
        // 256 levels in under 500 pixels: thinned to every 2nd or 4th, and the legend says so.
        QVERIFY(view.levelStride() >= 2);
        QVERIFY(view.levelsSeries()->name().contains(QLatin1String("shown")));
        QCOMPARE(static_cast<std::size_t>(rug.size() / 3),
                 (256 + view.levelStride() - 1) / view.levelStride());
        // Zoomed in, every level is drawn.
        view.zoomTo(-2, 2);
        QCOMPARE(view.levelStride(), std::size_t{1});
        // int16's 65536 levels are drawn too (thinned), not left out as "too dense".
        QuantConfig int16;
        apply_format(int16, "int16");
        view.resetZoom();
        view.setPlot(make_histogram_plot(sample.values, quantize(sample.values, int16), int16));
        QVERIFY(view.levelsSeries()->count() > 0);
        QVERIFY(view.levelStride() >= 128);
    }

    void draggedRangesKeepTheDigitsAPixelResolves() {
        widgets::HistogramChartView view;
        view.resize(800, 500);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const Tensor sample = builtin_sample();
        QuantConfig config;
        view.setPlot(make_histogram_plot(sample.values, quantize(sample.values, config), config));
        QSignalSpy dragged(&view, &widgets::HistogramChartView::clipRangeDragged);
        view.setSymmetricDrag(false);
        view.dragClipLine(true, 3.712904318);
        QCOMPARE(dragged.count(), 1);
        QuantConfig manual;
        manual.calibration.method = CalibrationMethod::Manual;
        manual.calibration.manual_min = dragged.front().at(0).toDouble();
        manual.calibration.manual_max = dragged.front().at(1).toDouble();
        // A pixel is about 0.05 wide here: "3.71", not "3.712904318".
        const std::string text = to_string(manual.calibration);
        QVERIFY2(text.size() <= std::string("manual:-20.16,3.71").size(), text.c_str());
        QVERIFY(std::abs(manual.calibration.manual_max - 3.712904318) < 0.06);
    }

    void errorDensityShowsTheClippedTailsClearOfTheFrame() {
        // Values in [-4, 4] clipped to [-1, 1]: the clipped errors grow linearly outside.
        std::vector<float> x;
        std::vector<float> q;
        for (int i = 0; i <= 800; ++i) {
            const float v = -4.0f + 0.01f * static_cast<float>(i);
            x.push_back(v);
            q.push_back(std::clamp(std::round(v * 4) / 4, -1.0f, 1.0f));
        }
        const widgets::DensityImage density = app::errorDensity(x, q, -1, 1);
        QVERIFY(density.xLo < -4 && density.xHi > 4);
        QCOMPARE(density.clipLo, -1.0);
        QCOMPARE(density.clipHi, 1.0);
        // The outermost columns are margin, not the extreme values under the frame.
        const QImage& image = density.image;
        for (int row = 0; row < image.height(); ++row) {
            QCOMPARE(qAlpha(image.pixel(0, row)), 0);
            QCOMPARE(qAlpha(image.pixel(image.width() - 1, row)), 0);
        }
    }

    void exportsHoldOnlyTheChartAndAreValidSvg() {
        MainWindow window;
        QVERIFY(gui_test::showAtTestSize(window));
        AnalysisSession* session = window.session();
        session->setTensor(namedTensor("gaussian:n=20000,seed=4", "w<1>&\"b\""));
        QVERIFY(settle(session));
        QTemporaryDir dir;
        for (int tab = 0; tab < window.tabs()->count(); ++tab) {
            window.tabs()->setCurrentIndex(tab);
            QVERIFY(settle(session));
            QTest::qWait(50);
            const QString svg = dir.filePath(QStringLiteral("view%1.svg").arg(tab));
            QCOMPARE(window.exportCurrentView(svg), QString());
            QFile file(svg);
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray bytes = file.readAll();
            QXmlStreamReader xml(bytes);
            while (!xml.atEnd()) {
                xml.readNext();
            }
            QVERIFY2(!xml.hasError(), qPrintable(QStringLiteral("tab %1: %2 at offset %3")
                                                     .arg(tab)
                                                     .arg(xml.errorString())
                                                     .arg(xml.characterOffset())));
            QVERIFY(QSvgRenderer(svg).isValid());
            // The chart only: no check box, button or readout around it.
            for (const char* control : {"Log counts", "Show all", "Whole range", "Run sweep"}) {
                QVERIFY2(!bytes.contains(control), control);
            }
            QVERIFY(bytes.contains("w&lt;1&gt;&amp;"));
        }
        window.tabs()->setCurrentIndex(MainWindow::HistogramTab);
        const QString png = dir.filePath(QStringLiteral("view.png"));
        QCOMPARE(window.exportCurrentView(png), QString());
        const QImage image(png);
        const QWidget* chart = window.histogramPanel()->chartArea();
        QCOMPARE(image.size(), chart->size() * chart->devicePixelRatioF());
    }

    void aManualRangeDoesNotFollowTheUserToTheNextTensor() {
        AnalysisSession session;
        QSignalSpy adapted(&session, &AnalysisSession::configAdapted);
        session.setTensor(generate("sine:amplitude=0.4,duration=0.2"));
        QVERIFY(settle(&session));
        session.setManualClipRange(-0.365, 0.365);
        QVERIFY(settle(&session));
        // A Gaussian tensor next: min-max again, and the session says why.
        session.setTensor(generate("gaussian:n=20000,seed=2"));
        QVERIFY(settle(&session));
        QVERIFY(session.config().calibration.method == CalibrationMethod::MinMax);
        QCOMPARE(adapted.count(), 1);
        QVERIFY(adapted.front().front().toString().contains(QLatin1String("manual:-0.365,0.365")));
        QCOMPARE(session.outcome()->result.metrics.clipped_fraction, 0.0);
        // Undo brings the manual range back on the new tensor.
        session.undoStack()->undo();
        QVERIFY(session.config().calibration.method == CalibrationMethod::Manual);
        // Locked, it stays.
        session.setManualRangeLocked(true);
        session.setTensor(generate("gaussian:n=20000,seed=3"));
        QVERIFY(settle(&session));
        QVERIFY(session.config().calibration.method == CalibrationMethod::Manual);
        QCOMPARE(adapted.count(), 1);
        QVERIFY(session.toJson().value("manual_range_locked").toBool());
    }

    void perChannelIsRefusedOnOneAxis() {
        MainWindow window;
        window.show();
        AnalysisSession* session = window.session();
        Tensor matrix = generate("gaussian:n=4096,seed=1");
        matrix.info.shape = {64, 64};
        session->setTensor(std::move(matrix));
        QVERIFY(settle(session));
        QuantConfig config = session->config();
        config.granularity.kind = Granularity::Kind::Channel;
        session->changeConfig(config, QStringLiteral("per channel"));
        QVERIFY(settle(session));
        QComboBox* granularity = window.configPanel()->granularityBox();
        auto* model = qobject_cast<QStandardItemModel*>(granularity->model());
        const int channel = granularity->findData(static_cast<int>(Granularity::Kind::Channel));
        QVERIFY(model->item(channel)->isEnabled());
        // A 1-D tensor: per channel is disabled with the reason, and the config falls back.
        QSignalSpy adapted(session, &AnalysisSession::configAdapted);
        session->setTensor(generate("gaussian:n=4096,seed=1"));
        QVERIFY(settle(session));
        QVERIFY(!model->item(channel)->isEnabled());
        QVERIFY(model->item(channel)->toolTip().contains(QLatin1String("1-D")));
        QVERIFY(session->config().granularity.kind == Granularity::Kind::Tensor);
        QCOMPARE(adapted.count(), 1);
        QVERIFY(window.configPanel()->noticeText().contains(QLatin1String("per tensor")));
    }

    void metricsPanelKeepsItsWidthAndShowsNanAndInf() {
        MainWindow window;
        QVERIFY(gui_test::showAtTestSize(window));
        AnalysisSession* session = window.session();
        window.loadSample();
        QVERIFY(settle(session));
        app::MetricsPanel* panel = window.metricsPanel();
        const int width = panel->width();
        const int valueLeft = panel->valueLabel(QStringLiteral("sqnr_db"))->x();
        // At the default size nothing is cut.
        for (const char* key : {"sqnr_db", "storage", "bits_per_value", "cosine_similarity"}) {
            QVERIFY2(!panel->valueLabel(QString::fromLatin1(key))->isElided(), key);
        }
        // A tensor with NaN and Inf, and long numbers: same width, same label column.
        Tensor odd = generate("gaussian:n=10007,seed=9");
        odd.values[3] = NAN;
        odd.values[5] = NAN;
        odd.values[7] = INFINITY;
        odd.values[11] = -INFINITY;
        odd.values[13] = INFINITY;
        session->setTensor(std::move(odd));
        QVERIFY(settle(session));
        QTest::qWait(50);
        QCOMPARE(panel->width(), width);
        QCOMPARE(panel->valueLabel(QStringLiteral("sqnr_db"))->x(), valueLeft);
        QCOMPARE(panel->valueText(QStringLiteral("nonfinite")), QStringLiteral("2 / 3"));
        QVERIFY(window.headlineText().contains(QLatin1String("2 NaN, 3 Inf")));
    }

    void metricsPanelSummarisesManyGroupsAndSaysWhatTheEngineNoted() {
        MainWindow window;
        QVERIFY(gui_test::showAtTestSize(window));
        AnalysisSession* session = window.session();
        app::MetricsPanel* panel = window.metricsPanel();
        // int8 on 20,000 values: KL is below its sampling floor and says so.
        Tensor matrix = generate("gaussian:n=20480,seed=2");
        matrix.info.shape = {160, 128};
        session->setTensor(std::move(matrix));
        QVERIFY(settle(session));
        QVERIFY2(panel->valueText(QStringLiteral("kl_divergence")).contains(QLatin1String("below")),
                 qPrintable(panel->valueText(QStringLiteral("kl_divergence"))));
        // int4 block:32: 640 groups, their spread and a histogram of the scales.
        QuantConfig config = session->config();
        apply_format(config, "int4");
        config.granularity = parse_granularity("block:32");
        session->changeConfig(config, QStringLiteral("int4 block:32"));
        QVERIFY(settle(session));
        QCOMPARE(panel->rowLabel(QStringLiteral("scale"))->text(), QStringLiteral("Scales:"));
        QVERIFY(panel->valueText(QStringLiteral("scale")).startsWith(QLatin1String("640 groups")));
        QVERIFY(panel->scaleHistogram()->isVisible());
        std::int64_t total = 0;
        for (std::int64_t c : panel->scaleHistogram()->counts()) {
            total += c;
        }
        QCOMPARE(total, std::int64_t{640});
        // An all-zero tensor: the engine's note about the scale is in the panel.
        Tensor zeros = generate("gaussian:n=64,seed=1");
        std::fill(zeros.values.begin(), zeros.values.end(), 0.0f);
        session->setTensor(std::move(zeros));
        QVERIFY(settle(session));
        QVERIFY(panel->notes()->isVisible());
        QVERIFY2(panel->notes()->text().contains(QLatin1String("zero")),
                 qPrintable(panel->notes()->text()));
    }

    void metricsPanelAndCompareTableShowEveryMetricOfTheList() {
        MainWindow window;
        QVERIFY(gui_test::showAtTestSize(window));
        AnalysisSession* session = window.session();
        session->setTensor(generate("gaussian:n=20000,seed=4"));
        QuantConfig config = session->config();
        config.outlier_threshold = 3;
        session->changeConfig(config, QStringLiteral("outliers"));
        session->setComparedConfigs({config});
        QVERIFY(settle(session));
        app::CompareModel* model = window.comparePanel()->model();
        QVERIFY(QTest::qWaitFor([&] { return model->resultRow(0) != nullptr; }, kTimeout));
        const Metrics& m = session->outcome()->result.metrics;
        QCOMPARE(model->resultRow(0)->metrics.mse, m.mse);
        app::MetricsPanel* panel = window.metricsPanel();
        QString csvHeader = QStringLiteral("source,tensor,config");
        const QJsonObject exported = model->toJson().at(0).toObject();
        for (const MetricDescriptor& metric : metric_descriptors()) {
            const QString key = QString::fromUtf8(metric.key.data(), metric.key.size());
            const QString label = QString::fromUtf8(metric.label.data(), metric.label.size());
            const QString text = QString::fromStdString(
                metric_text(metric, m, metric.digits, NumberSymbols::Unicode));
            QVERIFY2(panel->rowLabel(key) != nullptr, qPrintable(key));
            QCOMPARE(panel->rowLabel(key)->text(), label + QLatin1Char(':'));
            QCOMPARE(panel->valueText(key), text);
            const int column = app::CompareModel::columnOfMetric(metric.key);
            QVERIFY2(column > 0, qPrintable(key));
            QCOMPARE(model->headerData(column, Qt::Horizontal).toString(), label);
            QCOMPARE(model->index(0, column).data().toString(), text);
            QVERIFY2(exported.contains(key), qPrintable(key));
            csvHeader += QLatin1Char(',') + key;
        }
        QCOMPARE(model->columnCount(), int(metric_descriptors().size()) + 4);
        csvHeader += QStringLiteral(",bits_per_value,bytes,clip_min,clip_max");
        QCOMPARE(model->toCsv().section(QLatin1Char('\n'), 0, 0), csvHeader);
        // The config as the CLI's JSON has it, seed included.
        QCOMPARE(exported.value("config").toObject(), app::configToJson(config));
    }

    void hoverReadoutFollowsNewResults() {
        MainWindow window;
        QVERIFY(gui_test::showAtTestSize(window));
        AnalysisSession* session = window.session();
        window.loadSample();
        QVERIFY(settle(session));
        widgets::HistogramChartView* view = window.histogramView();
        emit view->hovered(QPointF(0.05, 100));
        const QString before = window.histogramPanel()->readout()->text();
        QVERIFY(before.contains(QLatin1String("dequantized")));
        QuantConfig config = session->config();
        apply_format(config, "int3");
        session->changeConfig(config, QStringLiteral("int3"));
        QVERIFY(settle(session));
        QCOMPARE(window.histogramPanel()->readout()->text(), view->readoutAt(0.05));
        QVERIFY(window.histogramPanel()->readout()->text() != before);
    }

    void aModelOpensOnItsLargestFloatTensor() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("model.safetensors"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(constantFirstSafetensors());
        file.close();
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        AnalysisSession* session = window.session();
        app::SourcesPanel* sources = window.sourcesPanel();
        // A filter typed for earlier files does not hide the new one.
        sources->filterBox()->setText(QStringLiteral("no such tensor"));
        window.openFiles({path});
        QVERIFY(QTest::qWaitFor([&] { return session->tensor() != nullptr; }, kTimeout));
        QVERIFY(settle(session));
        QCOMPARE(session->tensor()->info.name, std::string("model.layers.0.mlp.down_proj.weight"));
        QVERIFY(sources->filterBox()->text().isEmpty());
        // Long names elide in the middle, the tail that tells them apart stays.
        QCOMPARE(sources->tree()->textElideMode(), Qt::ElideMiddle);
    }

    void compareUsesSmallMultiplesBeyondThreeConfigs() {
        MainWindow window;
        QVERIFY(gui_test::showAtTestSize(window));
        AnalysisSession* session = window.session();
        session->setTensor(namedTensor("gaussian:n=20000,seed=5", "layer.weight"));
        QVERIFY(settle(session));
        window.tabs()->setCurrentIndex(MainWindow::CompareTab);
        app::ComparePanel* compare = window.comparePanel();
        compare->compareFormats();
        QVERIFY(settle(session));
        QVERIFY(QTest::qWaitFor([&] { return session->comparison() != nullptr; }, kTimeout));
        QTest::qWait(50);
        const auto& configs = session->comparedConfigs();
        QVERIFY(configs.size() > 3);
        QVERIFY(compare->effectiveLayout() == app::ComparePanel::ChartLayout::SmallMultiples);
        QCOMPARE(compare->smallMultiples()->chartCount(), qsizetype(configs.size()));
        // Shared axes: every small chart has the same ranges.
        for (qsizetype i = 1; i < compare->smallMultiples()->chartCount(); ++i) {
            QCOMPARE(compare->smallMultiples()->chart(i)->axisY()->max(),
                     compare->smallMultiples()->chart(0)->axisY()->max());
            QCOMPARE(compare->smallMultiples()->chart(i)->axisX()->min(),
                     compare->smallMultiples()->chart(0)->axisX()->min());
        }
        // The legend names every config in full.
        for (const QuantConfig& config : configs) {
            QString name = QString::fromStdString(describe(config)).toHtmlEscaped();
            name.replace(QLatin1Char(' '), QStringLiteral("&nbsp;"));
            name.replace(QLatin1Char('-'), QChar(0x2011));
            QVERIFY2(compare->legend()->text().remove(QChar(0x2060)).contains(name),
                     qPrintable(name));
        }
        // Export buttons in sight.
        for (QPushButton* button : compare->findChildren<QPushButton*>()) {
            if (button->text().startsWith(QLatin1String("Export"))) {
                QVERIFY(button->isVisible());
            }
        }
        // The CSV says which tensor of which source it measured.
        const QStringList lines = compare->model()->toCsv().split(QLatin1Char('\n'));
        QVERIFY(lines.front().startsWith(QLatin1String("source,tensor,")));
        QVERIFY(lines.at(1).contains(QLatin1String("\"layer.weight\"")));
        // Two identical configs: the overlay's legend says the second hides under the first.
        session->setComparedConfigs({session->config(), session->config()});
        QVERIFY(settle(session));
        QVERIFY(QTest::qWaitFor(
            [&] { return session->comparison() && session->comparison()->rows.size() == 2; },
            kTimeout));
        QTest::qWait(50);
        QVERIFY(compare->effectiveLayout() == app::ComparePanel::ChartLayout::Overlay);
        QVERIFY(compare->legend()->text().contains(QLatin1String("same as 1")));
    }

    void seriesColoursAreDistinctOnBothPalettes() {
        for (const QColor base : {QColor(Qt::white), QColor(30, 30, 30)}) {
            QPalette palette;
            palette.setColor(QPalette::Base, base);
            palette.setColor(QPalette::Text, base.lightness() > 128 ? Qt::black : Qt::white);
            QSet<QRgb> seen;
            for (int i = 0; i < widgets::kDistinctSeriesColors; ++i) {
                const QColor c = widgets::seriesColor(i, palette);
                QVERIFY(!seen.contains(c.rgb()));
                seen.insert(c.rgb());
                QVERIFY(c != base);
            }
            QVERIFY(widgets::seriesPenStyle(widgets::kDistinctSeriesColors) != Qt::SolidLine);
        }
    }

    void mnemonicsAreUniqueOnEveryTab() {
        MainWindow window;
        QVERIFY(gui_test::showAtTestSize(window));
        for (int tab = 0; tab < window.tabs()->count(); ++tab) {
            window.tabs()->setCurrentIndex(tab);
            QTest::qWait(20);
            QMap<QChar, QString> owners;
            const auto claim = [&](const QString& text) {
                const QChar key = gui_test::mnemonic(text);
                if (key.isNull()) {
                    return;
                }
                QVERIFY2(
                    !owners.contains(key),
                    qPrintable(
                        QStringLiteral("'%1' in %2 and %3").arg(key).arg(owners.value(key), text)));
                owners.insert(key, text);
            };
            for (QAction* menu : window.menuBar()->actions()) {
                claim(menu->text());
            }
            // Every view's title, and the bar's entries that group views.
            QSet<QString> titles;
            for (int i = 0; i < window.tabs()->count(); ++i) {
                claim(window.tabs()->tabText(i));
                titles.insert(window.tabs()->tabText(i));
            }
            for (int e = 0; e < window.tabs()->bar()->count(); ++e) {
                if (!titles.contains(window.tabs()->bar()->tabText(e))) {
                    claim(window.tabs()->bar()->tabText(e));
                }
            }
            for (QAbstractButton* button : window.findChildren<QAbstractButton*>()) {
                if (button->isVisible()) {
                    claim(button->text());
                }
            }
            for (QLabel* label : window.findChildren<QLabel*>()) {
                if (label->isVisible() && label->buddy() != nullptr) {
                    claim(label->text());
                }
            }
        }
        // Inside each menu too.
        for (QAction* menu : window.menuBar()->actions()) {
            QSet<QChar> keys;
            for (QAction* item : menu->menu()->actions()) {
                const QChar key = gui_test::mnemonic(item->text());
                if (!key.isNull()) {
                    QVERIFY2(!keys.contains(key), qPrintable(item->text()));
                    keys.insert(key);
                }
            }
        }
    }

    // Every tab on the sample, a model and a WAV, light and dark, saved to be looked at.
    void screenshotTourOfEveryTab() {
        const QPalette light = QApplication::palette();
        const QStringList sources{QStringLiteral("gen:sample"),
                                  gui_test::testDataPath(QStringLiteral("io/model.onnx")),
                                  gui_test::testDataPath(QStringLiteral("io/pcm16.wav"))};
        const QStringList names{QStringLiteral("sample"), QStringLiteral("onnx"),
                                QStringLiteral("wav")};
        for (const bool dark : {false, true}) {
            QApplication::setPalette(dark ? gui_test::darkPalette() : light);
            for (qsizetype s = 0; s < sources.size(); ++s) {
                MainWindow window;
                window.resize(1400, 900);
                window.show();
                QVERIFY(QTest::qWaitForWindowExposed(&window));
                AnalysisSession* session = window.session();
                window.openFiles({sources[s]});
                QVERIFY(QTest::qWaitFor([&] { return session->tensor() != nullptr; }, kTimeout));
                QVERIFY(settle(session));
                window.comparePanel()->compareFormats();
                for (int tab = 0; tab < window.tabs()->count(); ++tab) {
                    window.tabs()->setCurrentIndex(tab);
                    QVERIFY(settle(session));
                    QTest::qWait(30);
                    QVERIFY(window.saveScreenshot(gui_test::screenshotPath(
                        QStringLiteral("tour-%1-%2-%3.png")
                            .arg(names[s], dark ? QStringLiteral("dark") : QStringLiteral("light"))
                            .arg(tab))));
                }
            }
        }
        QApplication::setPalette(light);
    }

    void theSampleExplainsItself() {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        AnalysisSession* session = window.session();
        window.loadSample();
        QVERIFY(settle(session));
        QLabel* caption = window.histogramPanel()->caption();
        QVERIFY(caption->isVisible());
        QVERIFY(caption->text().contains(QLatin1String("outliers")));
        // Its links follow a switch to a dark palette (a label keeps the colour it was set with).
        QApplication::setPalette(gui_test::darkPalette());
        QTest::qWait(10);
        QVERIFY(caption->text().contains(gui_test::darkPalette().color(QPalette::Link).name()));
        QApplication::setPalette(QPalette());
        emit caption->linkActivated(QStringLiteral("log"));
        QVERIFY(window.histogramPanel()->logScaleBox()->isChecked());
        // Another tensor: the caption goes.
        session->setTensor(generate("gaussian:n=1000,seed=1"));
        QVERIFY(settle(session));
        QVERIFY(!caption->isVisible());
    }
};

QTEST_MAIN(ReadableViewsTest)
#include "readable_views_test.moc"
