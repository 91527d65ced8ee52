#include "zoomable_chart_view.h"

#include <QCategoryAxis>
#include <QChart>
#include <QEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QValueAxis>
#include <QWheelEvent>
#include <cmath>

namespace quantscope::widgets {

// QChartView(parent) would make a default chart that setChart() replaces but never deletes.
ZoomableChartView::ZoomableChartView(QWidget* parent) : QChartView(new QChart, parent) {
    QChart* c = chart();
    c->legend()->setAlignment(Qt::AlignBottom);
    c->legend()->setShowToolTips(true);  // a label cut to fit shows in full on hover
    c->setMargins(QMargins(4, 4, 4, 4));
    // Animations would redraw every frame for each config change; the data is the point.
    c->setAnimationOptions(QChart::NoAnimation);
    axisX_ = new QCategoryAxis;
    axisY_ = new QCategoryAxis;
    ZoomableChartView::applyPalette();
    c->addAxis(axisX_, Qt::AlignBottom);
    c->addAxis(axisY_, Qt::AlignLeft);
    connect(axisX_, &QValueAxis::rangeChanged, this, &ZoomableChartView::xRangeChanged);
    setRenderHint(QPainter::Antialiasing);
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setToolTip(
        tr("Wheel: zoom along x around the cursor. Drag: pan. Double click or Home: "
           "show everything."));
}

void ZoomableChartView::applyPalette() {
    // Follow the system palette: the chart theme's own white background would not.
    QChart* c = chart();
    const QPalette p = palette();
    c->setBackgroundBrush(p.base());
    c->setTitleBrush(p.text());
    c->legend()->setLabelColor(p.color(QPalette::Text));
    QColor grid = p.color(QPalette::Text);
    grid.setAlpha(40);
    for (QValueAxis* axis : {axisX_, axisY_}) {
        axis->setLabelsColor(p.color(QPalette::Text));
        axis->setTitleBrush(p.text());
        axis->setLinePenColor(p.color(QPalette::Mid));
        axis->setGridLineColor(grid);
    }
}

void ZoomableChartView::changeEvent(QEvent* event) {
    QChartView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        applyPalette();
    }
}

void ZoomableChartView::setHomeRange(double lo, double hi) {
    if (!(hi > lo)) {
        hi = lo + 1;
    }
    homeLo_ = lo;
    homeHi_ = hi;
    if (!zoomed_) {
        setXRange(lo, hi);
    }
}

void ZoomableChartView::resetZoom() {
    zoomed_ = false;
    setXRange(homeLo_, homeHi_);
}

void ZoomableChartView::zoomTo(double lo, double hi) {
    if (hi > lo) {
        zoomed_ = true;
        setXRange(lo, hi);
    }
}

void ZoomableChartView::setXRange(double lo, double hi) {
    setAxisTicks(axisX_, lo, hi, xStyle_, std::max(2, width() / xTickSpacing_));
}

void ZoomableChartView::setYRange(double lo, double hi) {
    setAxisTicks(axisY_, lo, hi, yStyle_, std::max(2, height() / yTickSpacing_));
}

void ZoomableChartView::setTickSpacing(int xPixels, int yPixels) {
    xTickSpacing_ = std::max(20, xPixels);
    yTickSpacing_ = std::max(20, yPixels);
    applyTicks();
}

void ZoomableChartView::setXTickStyle(TickStyle style) {
    xStyle_ = style;
    setXRange(axisX_->min(), axisX_->max());
}

void ZoomableChartView::setYTickStyle(TickStyle style) {
    yStyle_ = style;
    setYRange(axisY_->min(), axisY_->max());
}

void ZoomableChartView::applyTicks() {
    setXRange(axisX_->min(), axisX_->max());
    setYRange(axisY_->min(), axisY_->max());
}

void ZoomableChartView::resizeEvent(QResizeEvent* event) {
    QChartView::resizeEvent(event);
    applyTicks();  // the tick count follows the length in pixels
}

QPointF ZoomableChartView::valueAt(QPointF viewPosition) const {
    return chart()->mapToValue(mapToScene(viewPosition.toPoint()));
}

void ZoomableChartView::wheelEvent(QWheelEvent* event) {
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0) {
        return;
    }
    const double factor = std::pow(0.8, steps);
    const double x = valueAt(event->position()).x();
    const double lo = axisX_->min();
    const double hi = axisX_->max();
    zoomTo(x - (x - lo) * factor, x + (hi - x) * factor);
    event->accept();
}

void ZoomableChartView::mousePressEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton || event->button() == Qt::MiddleButton) {
        panning_ = true;
        panStart_ = event->position();
        panLo_ = axisX_->min();
        panHi_ = axisX_->max();
        setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    QChartView::mousePressEvent(event);
}

void ZoomableChartView::mouseMoveEvent(QMouseEvent* event) {
    if (panning_) {
        const double width = chart()->plotArea().width();
        if (width > 0) {
            const double dx = (event->position().x() - panStart_.x()) / width * (panHi_ - panLo_);
            zoomTo(panLo_ - dx, panHi_ - dx);
        }
    }
    if (chart()->plotArea().contains(mapToScene(event->position().toPoint()))) {
        emit hovered(valueAt(event->position()));
    } else {
        emit hoverLeft();
    }
    QChartView::mouseMoveEvent(event);
}

void ZoomableChartView::mouseReleaseEvent(QMouseEvent* event) {
    if (panning_) {
        panning_ = false;
        unsetCursor();
        // A press and release on the same spot picks a value instead of panning.
        if ((event->position() - panStart_).manhattanLength() < 4 &&
            chart()->plotArea().contains(mapToScene(event->position().toPoint()))) {
            emit clicked(valueAt(event->position()));
        }
        event->accept();
        return;
    }
    QChartView::mouseReleaseEvent(event);
}

void ZoomableChartView::mouseDoubleClickEvent(QMouseEvent* event) {
    resetZoom();
    event->accept();
}

void ZoomableChartView::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Home) {
        resetZoom();
        return;
    }
    QChartView::keyPressEvent(event);
}

void ZoomableChartView::leaveEvent(QEvent* event) {
    emit hoverLeft();
    QChartView::leaveEvent(event);
}

}  // namespace quantscope::widgets
