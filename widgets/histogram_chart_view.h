#pragma once
// The histogram of a tensor under a quantization config: the original distribution (filled),
// the dequantized distribution on the same bins (a step line), the quantization levels (ticks
// along the bottom) and the clipping range (two dashed vertical lines).

#include <QChartView>

#include "quantscope/quant/quantizer.h"

class QAreaSeries;
class QLineSeries;
class QValueAxis;

namespace quantscope::widgets {

class HistogramChartView : public QChartView {
    Q_OBJECT

public:
    explicit HistogramChartView(QWidget* parent = nullptr);

    // Replaces what is drawn. Levels are drawn when there are at most kMaxDrawnLevels of them;
    // beyond that they are closer than a pixel and the legend says how many there are.
    void setPlot(const HistogramPlot& plot);
    void clear();

    static constexpr std::size_t kMaxDrawnLevels = 512;

    QLineSeries* originalSeries() const { return originalLine_; }
    QAreaSeries* originalArea() const { return originalArea_; }
    QLineSeries* dequantizedSeries() const { return dequantized_; }
    QLineSeries* levelsSeries() const { return levels_; }
    QLineSeries* clipMinSeries() const { return clipMin_; }
    QLineSeries* clipMaxSeries() const { return clipMax_; }
    QValueAxis* axisX() const { return axisX_; }
    QValueAxis* axisY() const { return axisY_; }

private:
    QLineSeries* originalLine_;
    QLineSeries* originalBase_;
    QAreaSeries* originalArea_;
    QLineSeries* dequantized_;
    QLineSeries* levels_;
    QLineSeries* clipMin_;
    QLineSeries* clipMax_;
    QValueAxis* axisX_;
    QValueAxis* axisY_;
};

}  // namespace quantscope::widgets
