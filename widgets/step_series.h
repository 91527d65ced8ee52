#pragma once
// Histograms drawn as step lines: Qt Charts draws a 2048-bin QBarSeries about eight times slower
// than the same data as a QLineSeries with two points per bin (DESIGN.md, speed facts).

#include <QList>
#include <QPointF>

#include "quantscope/quant/histogram.h"

namespace quantscope::widgets {

// (left, count), (right, count) for every bin, left to right.
QList<QPointF> histogramStepPoints(const Histogram& histogram);

// Vertical ticks from `base` to `base + height` at each x, joined along the base line so that a
// single line series draws them all: (x0, base), (x0, top), (x0, base), (x1, base), ...
QList<QPointF> combPoints(const std::vector<double>& xs, double base, double height);

}  // namespace quantscope::widgets
