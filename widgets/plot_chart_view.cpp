#include "plot_chart_view.h"

#include <QAreaSeries>
#include <QChart>
#include <QLineSeries>
#include <QPen>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <limits>

#include "nice_axis.h"

namespace quantscope::widgets {

PlotChartView::PlotChartView(QWidget* parent)
    : ZoomableChartView(parent), yFloor_(std::numeric_limits<double>::quiet_NaN()) {
    setMinimumSize(320, 200);
}

void PlotChartView::setAxisTitles(const QString& x, const QString& y) {
    axisX()->setTitleText(x);
    axisY()->setTitleText(y);
}

QLineSeries* PlotChartView::curveSeries(qsizetype i) const {
    return i >= 0 && i < slots_.size() ? slots_[i].line : nullptr;
}

void PlotChartView::rebuild(const QList<Curve>& curves) {
    for (const Slot& slot : slots_) {
        QAbstractSeries* shown = slot.area ? static_cast<QAbstractSeries*>(slot.area) : slot.line;
        chart()->removeSeries(shown);
        delete shown;
        if (slot.area) {
            // QAreaSeries does not own its boundary lines.
            delete slot.line;
            delete slot.base;
        }
    }
    slots_.clear();
    for (const Curve& curve : curves) {
        Slot slot;
        slot.filled = curve.filled;
        if (curve.filled) {
            slot.line = new QLineSeries(this);
            slot.base = new QLineSeries(this);
            slot.area = new QAreaSeries(slot.line, slot.base);
            chart()->addSeries(slot.area);
            slot.area->attachAxis(axisX());
            slot.area->attachAxis(axisY());
        } else {
            slot.line = new QLineSeries;
            chart()->addSeries(slot.line);
            slot.line->attachAxis(axisX());
            slot.line->attachAxis(axisY());
        }
        slots_.append(slot);
    }
}

void PlotChartView::setCurves(const QList<Curve>& curves) {
    bool sameShape = curves.size() == slots_.size();
    for (qsizetype i = 0; sameShape && i < curves.size(); ++i) {
        sameShape = curves[i].filled == slots_[i].filled;
    }
    if (!sameShape) {
        rebuild(curves);
    }
    double xLo = std::numeric_limits<double>::infinity();
    double xHi = -xLo;
    double yLo = xLo;
    double yHi = -xLo;
    for (qsizetype i = 0; i < curves.size(); ++i) {
        const Curve& curve = curves[i];
        const Slot& slot = slots_[i];
        QPen pen(curve.color, curve.width, curve.style);
        slot.line->replace(curve.points);
        if (slot.area) {
            const double first = curve.points.isEmpty() ? 0.0 : curve.points.front().x();
            const double last = curve.points.isEmpty() ? 0.0 : curve.points.back().x();
            slot.base->replace({{first, 0.0}, {last, 0.0}});
            slot.area->setName(curve.name);
            slot.area->setPen(pen);
            QColor fill = curve.color;
            fill.setAlpha(90);
            slot.area->setBrush(fill);
        } else {
            slot.line->setName(curve.name);
            slot.line->setPen(pen);
        }
        for (const QPointF& p : curve.points) {
            if (std::isfinite(p.x()) && std::isfinite(p.y())) {
                xLo = std::min(xLo, p.x());
                xHi = std::max(xHi, p.x());
                yLo = std::min(yLo, p.y());
                yHi = std::max(yHi, p.y());
            }
        }
    }
    if (!(xHi >= xLo)) {
        xLo = 0;
        xHi = 1;
        yLo = 0;
        yHi = 1;
    }
    if (!std::isnan(yFloor_)) {
        yLo = std::min(yFloor_, yLo);
    }
    const double pad = yHi > yLo ? (yHi - yLo) * 0.05 : 0.5;
    setYRange(std::isnan(yFloor_) ? yLo - pad : yLo, yHi + pad);
    const auto [homeLo, homeHi] = displayRange(xLo, xHi);
    setHomeRange(homeLo, homeHi);
}

}  // namespace quantscope::widgets
