#pragma once
// Count axes for histograms, one definition for every view: linear counts, or a log scale drawn
// as log10(1 + count), so that empty bins stay on the axis (at 0) instead of falling off it. On
// the log scale the ticks sit at powers of ten of 1 + count and read as such: "1e3" is where
// 1 + count = 1000.

#include <QList>
#include <QPointF>

class QValueAxis;

namespace quantscope::widgets {

// The y coordinate of a count on the chosen scale.
double countToAxis(double count, bool logScale);
// The same for every point's y.
void countsToAxis(QList<QPointF>& points, bool logScale);
// Title, ticks and labels of a count axis on the chosen scale. Call it before the data that sets
// the axis range (a linear range under log ticks would need a tick per count).
void setCountAxis(QValueAxis* axis, bool logScale);

}  // namespace quantscope::widgets
