#include "histogram_chart_view.h"

#include "count_axis.h"

#include <QAreaSeries>
#include <QChart>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMouseEvent>
#include <QPen>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <tuple>

#include "nice_axis.h"
#include "step_series.h"

namespace quantscope::widgets {

namespace {

QLineSeries* makeLine(const QString& name, const QPen& pen) {
    auto* series = new QLineSeries;
    series->setName(name);
    series->setPen(pen);
    return series;
}

}  // namespace

HistogramChartView::HistogramChartView(QWidget* parent) : ZoomableChartView(parent) {
    QChart* chart = this->chart();
    chart->setTitle(tr("Value histogram"));

    const QColor blue(52, 120, 198);
    // QAreaSeries does not own its boundary lines and they are not in the chart: the view
    // owns them.
    originalLine_ = makeLine(tr("Original"), QPen(blue, 1.2));
    originalLine_->setParent(this);
    originalBase_ = new QLineSeries(this);
    originalArea_ = new QAreaSeries(originalLine_, originalBase_);
    originalArea_->setName(tr("Original"));
    originalArea_->setPen(QPen(blue, 1.2));
    QColor fill = blue;
    fill.setAlpha(90);
    originalArea_->setBrush(fill);

    dequantized_ = makeLine(tr("Dequantized"), QPen(QColor(230, 126, 34), 1.6));
    levels_ = makeLine(tr("Quantization levels"), QPen(palette().color(QPalette::Mid), 1.0));
    QPen clipPen(QColor(200, 30, 45), 2.0, Qt::DashLine);
    clipMin_ = makeLine(tr("Clipping range"), clipPen);
    clipMax_ = makeLine(tr("Clip max"), clipPen);

    HistogramChartView::applyPalette();
    axisX()->setTitleText(tr("value"));
    setCountAxis(this, false);  // "count", whole-number ticks
    for (QAbstractSeries* s : std::initializer_list<QAbstractSeries*>{
             originalArea_, dequantized_, levels_, clipMin_, clipMax_}) {
        chart->addSeries(s);
        s->attachAxis(axisX());
        s->attachAxis(axisY());
    }
    // Zooming in shows the levels the thinning left out.
    connect(this, &ZoomableChartView::xRangeChanged, this, [this] { drawLevels(); });
    // One legend entry for the pair of clip lines.
    for (QLegendMarker* marker : chart->legend()->markers(clipMax_)) {
        marker->setVisible(false);
    }
    setToolTip(
        tr("Wheel: zoom. Drag: pan. Drag a red clip line: clip there (manual "
           "calibration). Double click or Home: show everything."));
    setMinimumSize(480, 320);
}

void HistogramChartView::clear() {
    plot_.reset();
    for (QLineSeries* s :
         {originalLine_, originalBase_, dequantized_, levels_, clipMin_, clipMax_}) {
        s->clear();
    }
    // The legend named the previous plot's levels and range.
    levels_->setName(tr("Levels"));
    clipMin_->setName(tr("Clipping range"));
}

void HistogramChartView::setPlot(const HistogramPlot& plot) {
    plot_ = plot;
    redraw();
}

void HistogramChartView::applyPalette() {
    ZoomableChartView::applyPalette();
    if (levels_ != nullptr) {  // null while the base constructor runs
        levels_->setPen(QPen(palette().color(QPalette::Mid), 1.0));
    }
}

void HistogramChartView::setLogScale(bool on) {
    if (on == logScale_) {
        return;
    }
    logScale_ = on;
    setCountAxis(this, on);
    if (plot_) {
        redraw();
    }
}

double HistogramChartView::countToY(double count) const {
    return countToAxis(count, logScale_);
}

void HistogramChartView::redraw() {
    const HistogramPlot& plot = *plot_;
    QList<QPointF> original = histogramStepPoints(plot.original);
    QList<QPointF> dequantized = histogramStepPoints(plot.dequantized);
    double top = countToY(1);
    for (QList<QPointF>* points : {&original, &dequantized}) {
        for (QPointF& p : *points) {
            p.setY(countToY(p.y()));
            top = std::max(top, p.y());
        }
    }
    top *= 1.05;
    rugDepth_ = top * 0.06;

    originalLine_->replace(original);
    originalBase_->replace({{plot.original.lo, 0.0}, {plot.original.hi, 0.0}});
    dequantized_->replace(dequantized);
    clipMin_->setName(
        tr("Clip [%1, %2]").arg(plot.clip_min, 0, 'g', 4).arg(plot.clip_max, 0, 'g', 4));

    // From the data alone: the same plot always gets the same axes.
    const auto [lo, hi] = displayRange(std::min(plot.original.lo, plot.clip_min),
                                       std::max(plot.original.hi, plot.clip_max));
    setYRange(-rugDepth_, top);
    setHomeRange(lo, hi);
    placeClipLines(plot.clip_min, plot.clip_max);
    drawLevels();
}

void HistogramChartView::drawLevels() {
    if (!plot_ || plot_->levels.empty()) {
        levels_->clear();
        levels_->setName(tr("Levels"));
        levelStride_ = 1;
        return;
    }
    const std::vector<double>& all = plot_->levels;
    const double xLo = axisX()->min();
    const double xHi = axisX()->max();
    const auto first = std::lower_bound(all.begin(), all.end(), xLo);
    const auto last = std::upper_bound(all.begin(), all.end(), xHi);
    const auto visible = static_cast<double>(last - first);
    const double room = std::max(1.0, chart()->plotArea().width() / kMinLevelSpacing);
    levelStride_ = 1;
    while (visible / static_cast<double>(levelStride_) > room) {
        levelStride_ *= 2;
    }
    std::vector<double> shown;
    shown.reserve(static_cast<std::size_t>(visible) / levelStride_ + 1);
    // Every k-th counted from the first level, so that panning keeps the same ticks.
    for (auto it = first; it != last; ++it) {
        if (static_cast<std::size_t>(it - all.begin()) % levelStride_ == 0) {
            shown.push_back(*it);
        }
    }
    levels_->replace(combPoints(shown, -rugDepth_ * 0.9, rugDepth_ * 0.75));
    levels_->setName(levelStride_ == 1
                         ? tr("Levels (%1)").arg(all.size())
                         : tr("Levels (%1, every %2 shown)")
                               .arg(all.size())
                               .arg(levelStride_ == 2 ? tr("2nd") : tr("%1th").arg(levelStride_)));
}

void HistogramChartView::resizeEvent(QResizeEvent* event) {
    ZoomableChartView::resizeEvent(event);
    drawLevels();
}

void HistogramChartView::placeClipLines(double lo, double hi) {
    // The clip lines span the whole plot height.
    clipMin_->replace({{lo, axisY()->min()}, {lo, axisY()->max()}});
    clipMax_->replace({{hi, axisY()->min()}, {hi, axisY()->max()}});
}

QString HistogramChartView::readoutAt(double x) const {
    if (!plot_) {
        return {};
    }
    const Histogram& h = plot_->original;
    if (h.bins() == 0 || x < h.lo || x > h.hi) {
        return tr("x = %1").arg(x, 0, 'g', 5);
    }
    const auto bin = std::min(h.bins() - 1, static_cast<std::size_t>((x - h.lo) / h.bin_width()));
    const std::int64_t dq = bin < plot_->dequantized.bins() ? plot_->dequantized.counts[bin] : 0;
    return tr("x = %1   bin [%2, %3): original %4, dequantized %5")
        .arg(x, 0, 'g', 5)
        .arg(h.bin_left(bin), 0, 'g', 5)
        .arg(h.bin_left(bin) + h.bin_width(), 0, 'g', 5)
        .arg(h.counts[bin])
        .arg(dq);
}

std::pair<double, double> HistogramChartView::draggedRange(bool maxLine, double value) const {
    // A pointer is only as precise as a pixel: both ends keep the digits a pixel resolves (the
    // end left in place is the calibrated float, -20.157480239868164, otherwise).
    const double width = chart()->plotArea().width();
    const double pixel = width > 0 ? (axisX()->max() - axisX()->min()) / width : 0;
    const auto round = [pixel](double v) { return roundToResolution(v, pixel); };
    if (symmetricDrag_) {
        const double t = round(std::abs(value));
        return {-t, t};
    }
    double lo = plot_->clip_min;
    double hi = plot_->clip_max;
    (maxLine ? hi : lo) = value;
    return {round(std::min(lo, hi)), round(std::max(lo, hi))};
}

void HistogramChartView::dragClipLine(bool maxLine, double toValue) {
    if (!plot_) {
        return;
    }
    const auto [lo, hi] = draggedRange(maxLine, toValue);
    placeClipLines(lo, hi);
    if (hi > lo) {
        emit clipRangeDragged(lo, hi);
    }
}

void HistogramChartView::mousePressEvent(QMouseEvent* event) {
    if (plot_ && event->button() == Qt::LeftButton) {
        const double x = event->position().x();
        auto pixelOf = [this](double value) {
            return mapFromScene(chart()->mapToPosition(QPointF(value, 0))).x();
        };
        const double toMin = std::abs(pixelOf(plot_->clip_min) - x);
        const double toMax = std::abs(pixelOf(plot_->clip_max) - x);
        if (std::min(toMin, toMax) <= kGrabDistance) {
            drag_ = toMax <= toMin ? Drag::Max : Drag::Min;
            dragLo_ = plot_->clip_min;
            dragHi_ = plot_->clip_max;
            setCursor(Qt::SplitHCursor);
            event->accept();
            return;
        }
    }
    ZoomableChartView::mousePressEvent(event);
}

void HistogramChartView::mouseMoveEvent(QMouseEvent* event) {
    if (drag_ != Drag::None) {
        std::tie(dragLo_, dragHi_) =
            draggedRange(drag_ == Drag::Max, valueAt(event->position()).x());
        placeClipLines(dragLo_, dragHi_);
    }
    ZoomableChartView::mouseMoveEvent(event);
}

void HistogramChartView::mouseReleaseEvent(QMouseEvent* event) {
    if (drag_ != Drag::None) {
        drag_ = Drag::None;
        unsetCursor();
        if (dragHi_ > dragLo_) {
            emit clipRangeDragged(dragLo_, dragHi_);
        }
        event->accept();
        return;
    }
    ZoomableChartView::mouseReleaseEvent(event);
}

}  // namespace quantscope::widgets
