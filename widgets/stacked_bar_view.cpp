#include "stacked_bar_view.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QCategoryAxis>
#include <QChart>
#include <QEvent>
#include <QHorizontalStackedBarSeries>
#include <algorithm>

#include "nice_axis.h"
#include "series_palette.h"

namespace quantscope::widgets {

StackedBarView::StackedBarView(QWidget* parent) : QChartView(new QChart, parent) {
    QChart* c = chart();
    c->legend()->setAlignment(Qt::AlignBottom);
    c->setMargins(QMargins(4, 4, 4, 4));
    c->setAnimationOptions(QChart::NoAnimation);
    series_ = new QHorizontalStackedBarSeries;
    series_->setBarWidth(0.6);
    c->addSeries(series_);
    categoryAxis_ = new QBarCategoryAxis;
    valueAxis_ = new QCategoryAxis;
    valueAxis_->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    c->addAxis(categoryAxis_, Qt::AlignLeft);
    c->addAxis(valueAxis_, Qt::AlignBottom);
    series_->attachAxis(categoryAxis_);
    series_->attachAxis(valueAxis_);
    setRenderHint(QPainter::Antialiasing);
    applyPalette();
}

void StackedBarView::setBars(const QStringList& categories, const QList<BarSegment>& segments,
                             const QString& valueTitle) {
    series_->clear();
    // Qt draws the first category at the bottom; the reader expects the first row on top.
    QStringList reversed(categories.rbegin(), categories.rend());
    categoryAxis_->clear();
    categoryAxis_->append(reversed);
    QList<double> totals(categories.size(), 0.0);
    for (const BarSegment& segment : segments) {
        auto* set = new QBarSet(segment.name);
        for (qsizetype i = categories.size() - 1; i >= 0; --i) {
            const double v = i < segment.values.size() ? segment.values[i] : 0.0;
            set->append(v);
            totals[i] += v;
        }
        series_->append(set);
    }
    maxTotal_ = totals.isEmpty() ? 0.0 : *std::max_element(totals.begin(), totals.end());
    valueAxis_->setTitleText(valueTitle);
    applyPalette();
    applyTicks();
}

void StackedBarView::applyTicks() {
    const double hi = maxTotal_ > 0 ? maxTotal_ * 1.04 : 1.0;
    const int target = std::max(2, static_cast<int>(chart()->plotArea().width() / 90));
    setAxisTicks(valueAxis_, 0, hi, TickStyle::Linear, target);
}

void StackedBarView::applyPalette() {
    const QPalette p = palette();
    QChart* c = chart();
    c->setBackgroundBrush(p.base());
    c->setTitleBrush(p.text());
    c->legend()->setLabelColor(p.color(QPalette::Text));
    QColor grid = p.color(QPalette::Text);
    grid.setAlpha(40);
    for (QAbstractAxis* axis :
         {static_cast<QAbstractAxis*>(categoryAxis_), static_cast<QAbstractAxis*>(valueAxis_)}) {
        axis->setLabelsColor(p.color(QPalette::Text));
        axis->setTitleBrush(p.text());
        axis->setLinePenColor(p.color(QPalette::Mid));
        axis->setGridLineColor(grid);
    }
    const QList<QBarSet*> sets = series_->barSets();
    for (qsizetype i = 0; i < sets.size(); ++i) {
        sets[i]->setColor(seriesColor(static_cast<int>(i), p));
        sets[i]->setBorderColor(p.color(QPalette::Base));
    }
}

void StackedBarView::changeEvent(QEvent* event) {
    QChartView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        applyPalette();
    }
}

void StackedBarView::resizeEvent(QResizeEvent* event) {
    QChartView::resizeEvent(event);
    applyTicks();
}

}  // namespace quantscope::widgets
