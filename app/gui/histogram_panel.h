#pragma once
// The Histogram tab: original and dequantized values on shared bins, levels and the clipping
// range, with a log-scale toggle and a readout of the bin under the mouse. Dragging a clip line
// sets a manual range and re-runs.

#include <QWidget>
#include <optional>

#include "chart_panel.h"

class QCheckBox;
class QLabel;

namespace quantscope::widgets {
class HistogramChartView;
}

namespace quantscope::app {

class AnalysisSession;

class HistogramPanel : public QWidget, public ChartPanel {
    Q_OBJECT

public:
    explicit HistogramPanel(AnalysisSession* session, QWidget* parent = nullptr);

    widgets::HistogramChartView* view() const { return view_; }
    QWidget* chartArea() const override;
    QCheckBox* logScaleBox() const { return logScale_; }
    QLabel* readout() const { return readout_; }
    // What the built-in sample shows, above the chart while the sample is studied.
    QLabel* caption() const { return caption_; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void showCaptionText();
    void showOutcome();

    AnalysisSession* session_;
    widgets::HistogramChartView* view_;
    QCheckBox* logScale_;
    QLabel* readout_;
    QLabel* caption_ = nullptr;
    bool captionDismissed_ = false;
    std::optional<double> hoverX_;  // the value under the pointer while it rests on the chart
};

}  // namespace quantscope::app
