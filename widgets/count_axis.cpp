#include "count_axis.h"

#include <QCoreApplication>
#include <QValueAxis>
#include <cmath>

#include "zoomable_chart_view.h"

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

void setCountAxis(ZoomableChartView* view, bool logScale) {
    view->axisY()->setTitleText(logScale
                                    ? QCoreApplication::translate("CountAxis", "count (log scale)")
                                    : QCoreApplication::translate("CountAxis", "count"));
    // Counts are whole: no tick at 0.2 of a value.
    view->setYTickStyle(logScale ? TickStyle::LogCount : TickStyle::Integer);
}

}  // namespace quantscope::widgets
