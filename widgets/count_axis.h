#pragma once
// Count axes for histograms, one definition for every view: linear counts, or a log scale drawn
// as log10(1 + count), so that empty bins stay on the axis (at 0) instead of falling off it. On
// the log scale the ticks sit at the counts 0, 1, 10, 100, ... and read as counts.

#include <QList>
#include <QPointF>

namespace quantscope::widgets {

class ZoomableChartView;

// The y coordinate of a count on the chosen scale.
double countToAxis(double count, bool logScale);
// The same for every point's y.
void countsToAxis(QList<QPointF>& points, bool logScale);
// Title and ticks of a view's count axis on the chosen scale.
void setCountAxis(ZoomableChartView* view, bool logScale);

}  // namespace quantscope::widgets
