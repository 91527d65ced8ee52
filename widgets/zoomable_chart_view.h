#pragma once
// A chart view that zooms and pans along x with the mouse: the wheel zooms around the cursor,
// a left drag pans, a double click (or Home) returns to the home range that the data set.
// It reports the value under the mouse, so panels can show a readout. Both axes tick from their
// range alone (nice_axis.h), also while zooming and after a resize.

#include <QCategoryAxis>
#include <QChartView>

#include "nice_axis.h"

namespace quantscope::widgets {

class ZoomableChartView : public QChartView {
    Q_OBJECT

public:
    explicit ZoomableChartView(QWidget* parent = nullptr);

    QValueAxis* axisX() const { return axisX_; }
    QValueAxis* axisY() const { return axisY_; }

    // The x range the data spans. Applied at once unless the user has zoomed or panned, so a new
    // result keeps the reader's view (no jump on every config change).
    void setHomeRange(double lo, double hi);
    double homeLow() const { return homeLo_; }
    double homeHigh() const { return homeHi_; }
    bool isZoomed() const { return zoomed_; }
    void resetZoom();
    // Shows [lo, hi] of x as if the user had zoomed there.
    void zoomTo(double lo, double hi);
    // The y range; the ticks follow the style (counts on a log scale tick at 0, 1, 10, ...).
    void setYRange(double lo, double hi);
    void setYTickStyle(TickStyle style);
    // Linear (default) or Integer: whole-number ticks for an axis of counts (bit widths).
    void setXTickStyle(TickStyle style);
    TickStyle yTickStyle() const { return yStyle_; }
    // About one tick per this many pixels along each axis (small charts want denser ticks).
    void setTickSpacing(int xPixels, int yPixels);

signals:
    void hovered(QPointF value);  // in axis coordinates
    // A click that did not pan: the point under the mouse, in axis coordinates.
    void clicked(QPointF value);
    void hoverLeft();
    void xRangeChanged(double lo, double hi);

protected:
    // Takes the colours of the widget's palette: called at construction and on every palette
    // change (the system switching between light and dark). Views with palette-coloured series
    // extend it.
    virtual void applyPalette();
    void changeEvent(QEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

    QPointF valueAt(QPointF viewPosition) const;

private:
    void setXRange(double lo, double hi);
    void applyTicks();

    QCategoryAxis* axisX_;
    QCategoryAxis* axisY_;
    TickStyle yStyle_ = TickStyle::Linear;
    TickStyle xStyle_ = TickStyle::Linear;
    int xTickSpacing_ = 80;
    int yTickSpacing_ = 70;
    double homeLo_ = 0;
    double homeHi_ = 1;
    bool zoomed_ = false;
    bool panning_ = false;
    QPointF panStart_;
    double panLo_ = 0;
    double panHi_ = 1;
};

}  // namespace quantscope::widgets
