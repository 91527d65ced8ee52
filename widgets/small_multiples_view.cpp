#include "small_multiples_view.h"

#include <QChart>
#include <QGridLayout>
#include <QLegend>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

#include "count_axis.h"
#include "elided_label.h"

namespace quantscope::widgets {

SmallMultiplesView::SmallMultiplesView(QWidget* parent) : QWidget(parent) {
    grid_ = new QGridLayout(this);
    grid_->setContentsMargins(0, 0, 0, 0);
    grid_->setSpacing(2);
}

void SmallMultiplesView::setAxisTitles(const QString& x, const QString& y) {
    // Small charts have no room for axis titles: they go into every chart's tooltip.
    xTitle_ = x;
    yTitle_ = y;
    for (PlotChartView* chart : charts_) {
        chart->setToolTip(tr("x: %1, y: %2. Wheel: zoom all charts. Drag: pan. Double click: "
                             "show everything.")
                              .arg(x, y));
    }
}

void SmallMultiplesView::setLogCounts(bool on) {
    logCounts_ = on;
    for (PlotChartView* chart : charts_) {
        setCountAxis(chart, on);
        chart->setAxisTitles(QString(), QString());
    }
}

void SmallMultiplesView::rebuild(qsizetype count) {
    for (QWidget* cell : cells_) {
        delete cell;
    }
    cells_.clear();
    charts_.clear();
    titles_.clear();
    const int columns = count <= 4 ? 2 : count <= 9 ? 3 : 4;
    for (qsizetype i = 0; i < count; ++i) {
        auto* cell = new QWidget(this);
        auto* layout = new QVBoxLayout(cell);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->setSpacing(0);
        auto* title = new ElidedLabel(cell);
        title->setElideMode(Qt::ElideMiddle);
        auto* chart = new PlotChartView(cell);
        chart->setMinimumSize(160, 110);
        chart->setYFloor(0);
        chart->chart()->legend()->setVisible(false);
        chart->chart()->setMargins(QMargins(0, 0, 0, 0));
        chart->setTickSpacing(70, 40);
        setCountAxis(chart, logCounts_);
        chart->setAxisTitles(QString(), QString());
        layout->addWidget(title);
        layout->addWidget(chart, 1);
        grid_->addWidget(cell, static_cast<int>(i) / columns, static_cast<int>(i) % columns);
        // One zoom for all: the charts are read against each other.
        connect(chart, &ZoomableChartView::xRangeChanged, this,
                [this, chart](double lo, double hi) {
                    if (syncing_) {
                        return;
                    }
                    syncing_ = true;
                    for (PlotChartView* other : charts_) {
                        if (other == chart) {
                            continue;
                        }
                        if (chart->isZoomed()) {
                            other->zoomTo(lo, hi);
                        } else {
                            other->resetZoom();
                        }
                    }
                    syncing_ = false;
                });
        cells_.append(cell);
        charts_.append(chart);
        titles_.append(title);
    }
    setAxisTitles(xTitle_, yTitle_);
}

void SmallMultiplesView::setMultiples(const QList<SmallMultiple>& multiples) {
    if (multiples.size() != charts_.size()) {
        rebuild(multiples.size());
    }
    double yHi = 0;
    double xLo = INFINITY;
    double xHi = -INFINITY;
    for (qsizetype i = 0; i < multiples.size(); ++i) {
        titles_[i]->setText(multiples[i].title);
        charts_[i]->setCurves(multiples[i].curves);
        yHi = std::max(yHi, charts_[i]->axisY()->max());
        xLo = std::min(xLo, charts_[i]->homeLow());
        xHi = std::max(xHi, charts_[i]->homeHigh());
    }
    // Shared axes: the tallest chart's count range and the widest value range for all.
    for (PlotChartView* chart : charts_) {
        chart->setYRange(0, yHi);
        chart->setHomeRange(xLo, xHi);
    }
}

}  // namespace quantscope::widgets
