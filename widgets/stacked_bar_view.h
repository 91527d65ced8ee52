#pragma once
// Horizontal stacked bars: one bar per category (top to bottom in the order given), each made of
// named segments (a legend entry each, coloured from series_palette). The value axis starts at
// zero and ticks from its range alone (nice_axis.h); colours follow the palette.

#include <QChartView>
#include <QList>
#include <QString>
#include <QStringList>

class QBarCategoryAxis;
class QCategoryAxis;
class QHorizontalStackedBarSeries;

namespace quantscope::widgets {

struct BarSegment {
    QString name;
    QList<double> values;  // one per category; 0 where the segment is absent
};

class StackedBarView : public QChartView {
    Q_OBJECT

public:
    explicit StackedBarView(QWidget* parent = nullptr);

    void setBars(const QStringList& categories, const QList<BarSegment>& segments,
                 const QString& valueTitle);
    QHorizontalStackedBarSeries* series() const { return series_; }
    QCategoryAxis* valueAxis() const { return valueAxis_; }

protected:
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void applyPalette();
    void applyTicks();

    QHorizontalStackedBarSeries* series_;
    QBarCategoryAxis* categoryAxis_;
    QCategoryAxis* valueAxis_;
    double maxTotal_ = 0;
};

}  // namespace quantscope::widgets
