#pragma once
// The Error tab: the histogram of E = x − Q(x), and E against x as a density image, where the
// rounding sawtooth (inside the clipping range) and the clipped tails (straight lines outside
// it) show.

#include <QWidget>

#include "chart_panel.h"

class QCheckBox;
class QLabel;

namespace quantscope::widgets {
class DensityImageView;
class PlotChartView;
}  // namespace quantscope::widgets

namespace quantscope::app {

class AnalysisSession;

class ErrorPanel : public QWidget, public ChartPanel {
    Q_OBJECT

public:
    explicit ErrorPanel(AnalysisSession* session, QWidget* parent = nullptr);

    widgets::PlotChartView* histogramView() const { return histogram_; }
    widgets::DensityImageView* densityView() const { return density_; }
    QWidget* chartArea() const override { return charts_; }

private:
    void showOutcome();

    AnalysisSession* session_;
    widgets::PlotChartView* histogram_;
    widgets::DensityImageView* density_;
    QWidget* charts_;
    QLabel* readout_;
    QCheckBox* logScale_;
};

}  // namespace quantscope::app
