#pragma once
// The Signal tab, for 1-D tensors, audio and sines: original, quantized staircase and error
// against time (or index), decimated and zoomable. Other tensors get a note saying why not.

#include <QWidget>

#include "chart_panel.h"

class QShowEvent;

class QLabel;
class QStackedLayout;

namespace quantscope::widgets {
class SignalChartView;
}

namespace quantscope::app {

class AnalysisSession;
class ListenPanel;

class SignalPanel : public QWidget, public ChartPanel {
    Q_OBJECT

public:
    explicit SignalPanel(AnalysisSession* session, QWidget* parent = nullptr);

    widgets::SignalChartView* view() const { return view_; }
    // The error spectrum and playback beside the waveform.
    ListenPanel* listenPanel() const { return listen_; }
    QWidget* chartArea() const override;
    bool showsSignal() const;

protected:
    // A hidden tab only notes that a new result came; it draws it when shown (the traces are
    // thousands of points for the painter, wasted on a tab nobody looks at).
    void showEvent(QShowEvent* event) override;

private:
    void showOutcome();
    bool stale_ = false;

    AnalysisSession* session_;
    widgets::SignalChartView* view_;
    QLabel* note_;
    QStackedLayout* stack_;
    ListenPanel* listen_;
};

}  // namespace quantscope::app
