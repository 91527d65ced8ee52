#include "signal_chart_view.h"

#include <QChart>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

#include "plot_chart_view.h"

namespace quantscope::widgets {

namespace {

float sampleOf(const SignalData& s, SignalTrace trace, std::size_t i) {
    const std::size_t at = s.offset + i * s.stride;
    switch (trace) {
        case SignalTrace::Original:
            return s.original[at];
        case SignalTrace::Quantized:
            return s.quantized[at];
        case SignalTrace::Error:
            return s.original[at] - s.quantized[at];
    }
    return 0;
}

}  // namespace

QList<QPointF> decimatedTrace(const SignalData& signal, SignalTrace trace, std::size_t begin,
                              std::size_t end, int columns) {
    QList<QPointF> points;
    end = std::min(end, signal.samples);
    if (begin >= end || columns <= 0) {
        return points;
    }
    const std::size_t count = end - begin;
    const auto width = static_cast<std::size_t>(columns);
    if (count <= 2 * width) {
        const bool staircase = trace == SignalTrace::Quantized;
        points.reserve(static_cast<qsizetype>(staircase ? 2 * count : count));
        for (std::size_t i = begin; i < end; ++i) {
            const double x = static_cast<double>(i) * signal.dx;
            const double y = sampleOf(signal, trace, i);
            points.append({x, y});
            if (staircase) {
                points.append({x + signal.dx, y});
            }
        }
        return points;
    }
    points.reserve(static_cast<qsizetype>(2 * width));
    for (std::size_t c = 0; c < width; ++c) {
        const std::size_t from = begin + count * c / width;
        const std::size_t to = begin + count * (c + 1) / width;
        float lo = sampleOf(signal, trace, from);
        float hi = lo;
        for (std::size_t i = from + 1; i < to; ++i) {
            const float v = sampleOf(signal, trace, i);
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        const double x = static_cast<double>(from) * signal.dx;
        points.append({x, lo});
        points.append({x, hi});
    }
    return points;
}

SignalChartView::SignalChartView(QWidget* parent) : QWidget(parent) {
    signalChart_ = new PlotChartView(this);
    errorChart_ = new PlotChartView(this);
    signalChart_->chart()->setTitle(tr("Signal: original and quantized"));
    errorChart_->chart()->setTitle(tr("Error E = x − Q(x)"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(signalChart_, 3);
    layout->addWidget(errorChart_, 2);
    connect(signalChart_, &PlotChartView::xRangeChanged, this,
            [this] { followRange(signalChart_, errorChart_); });
    connect(errorChart_, &PlotChartView::xRangeChanged, this,
            [this] { followRange(errorChart_, signalChart_); });
}

void SignalChartView::setSignal(SignalData signal) {
    signal_ = std::move(signal);
    signalChart_->setAxisTitles(signal_.xTitle, tr("value"));
    errorChart_->setAxisTitles(signal_.xTitle, tr("error"));
    redraw();
}

void SignalChartView::clear() {
    signal_ = {};
    signalChart_->clear();
    errorChart_->clear();
}

void SignalChartView::followRange(PlotChartView* from, PlotChartView* to) {
    if (updating_ || !hasSignal()) {
        return;
    }
    updating_ = true;
    if (from->isZoomed()) {
        to->zoomTo(from->axisX()->min(), from->axisX()->max());
    } else {
        to->resetZoom();
    }
    updating_ = false;
    redraw();
}

void SignalChartView::redraw() {
    if (updating_ || !hasSignal()) {
        return;
    }
    updating_ = true;
    const double total = static_cast<double>(signal_.samples) * signal_.dx;
    std::size_t begin = 0;
    std::size_t end = signal_.samples;
    if (signalChart_->isZoomed()) {
        const double lo = std::max(0.0, signalChart_->axisX()->min() / signal_.dx);
        const double hi = std::max(0.0, signalChart_->axisX()->max() / signal_.dx);
        begin = std::min(signal_.samples, static_cast<std::size_t>(std::floor(lo)));
        end = std::min(signal_.samples, static_cast<std::size_t>(std::ceil(hi)) + 1);
    }
    const int columns = std::max(200, static_cast<int>(signalChart_->chart()->plotArea().width()));
    const QColor blue(52, 120, 198);
    const QColor orange(230, 126, 34);
    const QColor red(200, 30, 45);
    signalChart_->setCurves(
        {{tr("Original"), decimatedTrace(signal_, SignalTrace::Original, begin, end, columns), blue,
          1.2},
         {tr("Quantized"), decimatedTrace(signal_, SignalTrace::Quantized, begin, end, columns),
          orange, 1.2}});
    errorChart_->setCurves(
        {{tr("Error"), decimatedTrace(signal_, SignalTrace::Error, begin, end, columns), red,
          1.0}});
    // The curves span only what is visible; home is the whole signal.
    signalChart_->setHomeRange(0, total);
    errorChart_->setHomeRange(0, total);
    updating_ = false;
}

}  // namespace quantscope::widgets
