#pragma once
// The Histogram tab: original and dequantized values on shared bins, levels and the clipping
// range, with a log-scale toggle and a readout of the bin under the mouse. Dragging a clip line
// sets a manual range and re-runs.

#include <QWidget>

class QCheckBox;
class QLabel;

namespace quantscope::widgets {
class HistogramChartView;
}

namespace quantscope::app {

class AnalysisSession;

class HistogramPanel : public QWidget {
    Q_OBJECT

public:
    explicit HistogramPanel(AnalysisSession* session, QWidget* parent = nullptr);

    widgets::HistogramChartView* view() const { return view_; }
    QCheckBox* logScaleBox() const { return logScale_; }
    QLabel* readout() const { return readout_; }

private:
    void showOutcome();

    AnalysisSession* session_;
    widgets::HistogramChartView* view_;
    QCheckBox* logScale_;
    QLabel* readout_;
};

}  // namespace quantscope::app
