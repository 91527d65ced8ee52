#include "signal_chart_view.h"

#include <QChart>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "plot_chart_view.h"
#include "quantscope/common/parallel.h"

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

// The min and max of samples [from, to) of a trace (from < to), in eight lanes that vectorize
// for the contiguous mono case; `a - b` for the error trace.
std::pair<float, float> sliceRange(const SignalData& s, SignalTrace trace, std::size_t from,
                                   std::size_t to) {
    constexpr std::size_t kLanes = 8;
    const float* a = trace == SignalTrace::Quantized ? s.quantized.data() : s.original.data();
    const float* b = trace == SignalTrace::Error ? s.quantized.data() : nullptr;
    a += s.offset;
    if (b != nullptr) {
        b += s.offset;
    }
    const std::size_t stride = s.stride;
    float lo[kLanes];
    float hi[kLanes];
    const float first = b ? a[from * stride] - b[from * stride] : a[from * stride];
    std::fill(lo, lo + kLanes, first);
    std::fill(hi, hi + kLanes, first);
    std::size_t i = from;
    if (stride == 1) {
        for (; i + kLanes <= to; i += kLanes) {
            for (std::size_t j = 0; j < kLanes; ++j) {
                const float v = b ? a[i + j] - b[i + j] : a[i + j];
                lo[j] = v < lo[j] ? v : lo[j];
                hi[j] = v > hi[j] ? v : hi[j];
            }
        }
    }
    for (; i < to; ++i) {
        const float v = b ? a[i * stride] - b[i * stride] : a[i * stride];
        lo[0] = std::min(lo[0], v);
        hi[0] = std::max(hi[0], v);
    }
    return {*std::min_element(lo, lo + kLanes), *std::max_element(hi, hi + kLanes)};
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
    // Columns split across the cores for long traces (a 16M-sample signal).
    std::vector<std::pair<float, float>> ranges(width);
    parallel_for_tasks(width, count, [&](std::size_t, std::size_t first, std::size_t last) {
        for (std::size_t c = first; c < last; ++c) {
            ranges[c] = sliceRange(signal, trace, begin + count * c / width,
                                   begin + count * (c + 1) / width);
        }
    });
    points.reserve(static_cast<qsizetype>(2 * width));
    for (std::size_t c = 0; c < width; ++c) {
        const double x = static_cast<double>(begin + count * c / width) * signal.dx;
        points.append({x, ranges[c].first});
        points.append({x, ranges[c].second});
    }
    return points;
}

std::optional<SignalLayout> signalLayout(std::span<const std::int64_t> shape, std::size_t count) {
    return signal_layout(shape, count);
}

SignalOverview signalOverview(const SignalData& signal, int columns) {
    SignalOverview overview;
    overview.columns = columns;
    for (SignalTrace trace : {SignalTrace::Original, SignalTrace::Quantized, SignalTrace::Error}) {
        overview.traces[static_cast<std::size_t>(trace)] =
            decimatedTrace(signal, trace, 0, signal.samples, columns);
    }
    return overview;
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
    // Unzoomed, the job's overview; zoomed, only the visible samples are decimated here.
    const bool whole = !signalChart_->isZoomed() && signal_.overview;
    auto trace = [&](SignalTrace t) {
        return whole ? signal_.overview->traces[static_cast<std::size_t>(t)]
                     : decimatedTrace(signal_, t, begin, end, columns);
    };
    signalChart_->setCurves({{tr("Original"), trace(SignalTrace::Original), blue, 1.2},
                             {tr("Quantized"), trace(SignalTrace::Quantized), orange, 1.2}});
    errorChart_->setCurves({{tr("Error"), trace(SignalTrace::Error), red, 1.0}});
    // The curves span only what is visible; home is the whole signal.
    signalChart_->setHomeRange(0, total);
    errorChart_->setHomeRange(0, total);
    updating_ = false;
}

}  // namespace quantscope::widgets
