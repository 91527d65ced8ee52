#pragma once
// Small multiples: one small chart per series, on shared axes, so that many distributions can
// be read side by side where an overlay of them could not. Zooming or panning one chart moves
// them all. Each chart's title is elided with its full text in the tooltip.

#include <QList>
#include <QString>
#include <QWidget>

#include "plot_chart_view.h"

class QGridLayout;

namespace quantscope::widgets {

class ElidedLabel;

struct SmallMultiple {
    QString title;
    QList<Curve> curves;
};

class SmallMultiplesView : public QWidget {
    Q_OBJECT

public:
    explicit SmallMultiplesView(QWidget* parent = nullptr);

    // Replaces the charts; every chart gets the same x and y ranges.
    void setMultiples(const QList<SmallMultiple>& multiples);
    void setAxisTitles(const QString& x, const QString& y);
    // Counts on a log scale in every chart.
    void setLogCounts(bool on);

    qsizetype chartCount() const { return charts_.size(); }
    PlotChartView* chart(qsizetype i) const { return charts_.at(i); }
    ElidedLabel* title(qsizetype i) const { return titles_.at(i); }

private:
    void rebuild(qsizetype count);

    QGridLayout* grid_;
    QList<PlotChartView*> charts_;
    QList<ElidedLabel*> titles_;
    QList<QWidget*> cells_;
    QString xTitle_;
    QString yTitle_;
    bool logCounts_ = false;
    bool syncing_ = false;
};

}  // namespace quantscope::widgets
