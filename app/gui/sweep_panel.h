#pragma once
// The Bit-width sweep tab: SQNR against bits (intK, K = 2..16) for each calibration, beside
// the 6.02 dB-per-bit rule. It runs in the background when the tab is shown and its result is
// out of date (progress and cancel in the status bar).

#include <QWidget>

#include "chart_panel.h"

class QLabel;

namespace quantscope::widgets {
class PlotChartView;
}

namespace quantscope::app {

class AnalysisSession;

class SweepPanel : public QWidget, public ChartPanel {
    Q_OBJECT

public:
    explicit SweepPanel(AnalysisSession* session, QWidget* parent = nullptr);

    widgets::PlotChartView* view() const { return view_; }
    QWidget* chartArea() const override;
    // Starts the sweep if the result is out of date.
    void refresh();

    static constexpr double kDbPerBit = 6.02;

protected:
    void showEvent(QShowEvent* event) override;

private:
    void showSweep();
    void showStale();

    AnalysisSession* session_;
    widgets::PlotChartView* view_;
    QLabel* note_;
};

}  // namespace quantscope::app
