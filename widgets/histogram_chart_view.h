#pragma once
// The histogram of a tensor under a quantization config: the original distribution (filled),
// the dequantized distribution on the same bins (a step line), the quantization levels (a rug of
// ticks in a strip below the zero line, where they never hide a bin) and the clipping range (two
// dashed vertical lines). The clip lines can be
// dragged: on release the view asks for that range (clipRangeDragged). Counts can be shown on
// a log scale, where the few values in the tails become visible.

#include <optional>

#include "quantscope/quant/quantizer.h"
#include "zoomable_chart_view.h"

class QAreaSeries;
class QLineSeries;

namespace quantscope::widgets {

class HistogramChartView : public ZoomableChartView {
    Q_OBJECT

public:
    explicit HistogramChartView(QWidget* parent = nullptr);

    // Replaces what is drawn. Levels closer than kMinLevelSpacing pixels are thinned to every
    // k-th (k a power of two), and the legend says so; zooming in shows more of them.
    void setPlot(const HistogramPlot& plot);
    void clear();

    // log10(1 + count) instead of count: a linear axis stays valid at empty bins.
    void setLogScale(bool on);
    bool logScale() const { return logScale_; }

    // Symmetric schemes clip at ±T: dragging one line moves the other to its mirror image.
    void setSymmetricDrag(bool on) { symmetricDrag_ = on; }

    // "x = 1.25: original 812, dequantized 0" for the bin under `x`, empty outside the bins.
    QString readoutAt(double x) const;

    static constexpr double kMinLevelSpacing = 3;
    // Shown levels: 1 = all of them, 4 = every 4th.
    std::size_t levelStride() const { return levelStride_; }
    // How near (in pixels) a press must be to a clip line to grab it.
    static constexpr double kGrabDistance = 6;

    QLineSeries* originalSeries() const { return originalLine_; }
    QAreaSeries* originalArea() const { return originalArea_; }
    QLineSeries* dequantizedSeries() const { return dequantized_; }
    QLineSeries* levelsSeries() const { return levels_; }
    QLineSeries* clipMinSeries() const { return clipMin_; }
    QLineSeries* clipMaxSeries() const { return clipMax_; }

    // Drags a clip line as a mouse would, in value coordinates (for tests and keyboard use).
    void dragClipLine(bool maxLine, double toValue);

signals:
    // The user dragged a clip line and let go: quantize with this manual range.
    void clipRangeDragged(double lo, double hi);

protected:
    void applyPalette() override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void redraw();
    void placeClipLines(double lo, double hi);
    // The rug of levels inside the x range shown, thinned to the pixels available.
    void drawLevels();
    // The range a drag of one line to `value` asks for.
    std::pair<double, double> draggedRange(bool maxLine, double value) const;
    double countToY(double count) const;

    std::optional<HistogramPlot> plot_;
    bool logScale_ = false;
    std::size_t levelStride_ = 1;
    double rugDepth_ = 0;  // the strip below y = 0 that holds the levels
    bool symmetricDrag_ = false;
    enum class Drag { None, Min, Max } drag_ = Drag::None;
    double dragLo_ = 0;
    double dragHi_ = 0;

    QLineSeries* originalLine_;
    QLineSeries* originalBase_;
    QAreaSeries* originalArea_;
    QLineSeries* dequantized_;
    QLineSeries* levels_ = nullptr;
    QLineSeries* clipMin_;
    QLineSeries* clipMax_;
};

}  // namespace quantscope::widgets
