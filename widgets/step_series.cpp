#include "step_series.h"

namespace quantscope::widgets {

QList<QPointF> histogramStepPoints(const Histogram& histogram) {
    QList<QPointF> points;
    points.reserve(static_cast<qsizetype>(histogram.bins() * 2));
    for (std::size_t b = 0; b < histogram.bins(); ++b) {
        const double left = histogram.bin_left(b);
        const double right = b + 1 == histogram.bins() ? histogram.hi : histogram.bin_left(b + 1);
        const double count = static_cast<double>(histogram.counts[b]);
        points.append({left, count});
        points.append({right, count});
    }
    return points;
}

QList<QPointF> combPoints(const std::vector<double>& xs, double base, double height) {
    QList<QPointF> points;
    points.reserve(static_cast<qsizetype>(xs.size() * 3));
    for (double x : xs) {
        points.append({x, base});
        points.append({x, base + height});
        points.append({x, base});
    }
    return points;
}

}  // namespace quantscope::widgets
