#include "count_axis.h"

#include <QCoreApplication>
#include <QValueAxis>
#include <cmath>

namespace quantscope::widgets {

double countToAxis(double count, bool logScale) {
    return logScale ? std::log10(1.0 + count) : count;
}

void countsToAxis(QList<QPointF>& points, bool logScale) {
    if (logScale) {
        for (QPointF& p : points) {
            p.setY(countToAxis(p.y(), true));
        }
    }
}

void setCountAxis(QValueAxis* axis, bool logScale) {
    if (logScale) {
        axis->setTitleText(QCoreApplication::translate("CountAxis", "1 + count (log scale)"));
        // A tick per unit over a range of raw counts would be tens of thousands of ticks: shrink
        // the range first; the caller's data sets the real one.
        axis->setRange(0, 1);
        axis->setTickType(QValueAxis::TicksDynamic);
        axis->setTickAnchor(0);
        axis->setTickInterval(1);  // one tick per power of ten
        axis->setLabelFormat("1e%.0f");
    } else {
        axis->setTitleText(QCoreApplication::translate("CountAxis", "count"));
        axis->setTickType(QValueAxis::TicksFixed);
        axis->setLabelFormat("%.0f");
    }
}

}  // namespace quantscope::widgets
