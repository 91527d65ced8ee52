#include "histogram_chart_view.h"

#include <QAreaSeries>
#include <QChart>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPen>
#include <QValueAxis>
#include <algorithm>

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

// QChartView(parent) would make a default chart that setChart() replaces but never deletes.
HistogramChartView::HistogramChartView(QWidget* parent) : QChartView(new QChart, parent) {
    QChart* chart = this->chart();
    chart->setTitle(tr("Value histogram"));
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    // Animations would redraw every frame for each config change; the data is the point.
    chart->setAnimationOptions(QChart::NoAnimation);

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
    levels_ = makeLine(tr("Quantization levels"), QPen(QColor(90, 90, 90), 1.0));
    QPen clipPen(QColor(200, 30, 45), 2.0, Qt::DashLine);
    clipMin_ = makeLine(tr("Clipping range"), clipPen);
    clipMax_ = makeLine(tr("Clip max"), clipPen);

    axisX_ = new QValueAxis;
    axisX_->setTitleText(tr("value"));
    axisY_ = new QValueAxis;
    axisY_->setTitleText(tr("count"));
    axisY_->setLabelFormat("%.0f");
    chart->addAxis(axisX_, Qt::AlignBottom);
    chart->addAxis(axisY_, Qt::AlignLeft);
    for (QAbstractSeries* s : std::initializer_list<QAbstractSeries*>{
             originalArea_, dequantized_, levels_, clipMin_, clipMax_}) {
        chart->addSeries(s);
        s->attachAxis(axisX_);
        s->attachAxis(axisY_);
    }
    // One legend entry for the pair of clip lines.
    for (QLegendMarker* marker : chart->legend()->markers(clipMax_)) {
        marker->setVisible(false);
    }
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(480, 320);
}

void HistogramChartView::clear() {
    for (QLineSeries* s :
         {originalLine_, originalBase_, dequantized_, levels_, clipMin_, clipMax_}) {
        s->clear();
    }
}

void HistogramChartView::setPlot(const HistogramPlot& plot) {
    const QList<QPointF> original = histogramStepPoints(plot.original);
    const QList<QPointF> dequantized = histogramStepPoints(plot.dequantized);
    double top = 1;
    for (const QPointF& p : original) {
        top = std::max(top, p.y());
    }
    for (const QPointF& p : dequantized) {
        top = std::max(top, p.y());
    }
    top *= 1.05;

    originalLine_->replace(original);
    originalBase_->replace({{plot.original.lo, 0.0}, {plot.original.hi, 0.0}});
    dequantized_->replace(dequantized);

    if (!plot.levels.empty() && plot.levels.size() <= kMaxDrawnLevels) {
        levels_->replace(combPoints(plot.levels, 0.0, top * 0.08));
        levels_->setName(tr("Quantization levels (%1)").arg(plot.levels.size()));
    } else {
        levels_->clear();
        levels_->setName(
            plot.levels.empty()
                ? tr("Quantization levels")
                : tr("Quantization levels (%1, too dense to draw)").arg(plot.levels.size()));
    }
    clipMin_->setName(
        tr("Clipping range [%1, %2]").arg(plot.clip_min, 0, 'g', 4).arg(plot.clip_max, 0, 'g', 4));

    const double lo = std::min(plot.original.lo, plot.clip_min);
    const double hi = std::max(plot.original.hi, plot.clip_max);
    const double pad = (hi - lo) * 0.02;
    axisX_->setRange(lo - pad, hi + pad);
    axisY_->setRange(0, top);
    axisX_->applyNiceNumbers();
    axisY_->applyNiceNumbers();
    // The clip lines span the whole plot height, after the axis picked its nice maximum.
    clipMin_->replace({{plot.clip_min, 0.0}, {plot.clip_min, axisY_->max()}});
    clipMax_->replace({{plot.clip_max, 0.0}, {plot.clip_max, axisY_->max()}});
}

}  // namespace quantscope::widgets
