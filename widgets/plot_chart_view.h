#pragma once
// A chart of named curves over value axes, with the zoom and pan of ZoomableChartView. Curves
// are step or envelope lines already decimated by the caller (DESIGN.md speed facts: a line
// series costs per point). Updating with the same number of curves reuses the series, so a new
// result replaces points without rebuilding the chart (no flicker, legend stays put).

#include <QColor>
#include <QList>
#include <QPointF>
#include <QString>

#include "zoomable_chart_view.h"

class QAreaSeries;
class QLineSeries;

namespace quantscope::widgets {

struct Curve {
    QString name;
    QList<QPointF> points;
    QColor color;
    qreal width = 1.5;
    Qt::PenStyle style = Qt::SolidLine;
    bool filled = false;  // shaded down to y = 0
};

class PlotChartView : public ZoomableChartView {
    Q_OBJECT

public:
    explicit PlotChartView(QWidget* parent = nullptr);

    // Replaces the curves; the y axis fits them (with `yFloor` as its lower bound when set) and
    // the home x range spans them.
    void setCurves(const QList<Curve>& curves);
    void clear() { setCurves({}); }
    void setAxisTitles(const QString& x, const QString& y);
    // Lower y bound (e.g. 0 for counts); NaN lets the data decide.
    void setYFloor(double floor) { yFloor_ = floor; }

    qsizetype curveCount() const { return slots_.size(); }
    // The line that carries curve i's points.
    QLineSeries* curveSeries(qsizetype i) const;

private:
    struct Slot {
        QLineSeries* line = nullptr;
        QLineSeries* base = nullptr;  // filled curves: the y = 0 boundary
        QAreaSeries* area = nullptr;
        bool filled = false;
    };
    void rebuild(const QList<Curve>& curves);

    QList<Slot> slots_;
    double yFloor_;
};

}  // namespace quantscope::widgets
