#pragma once
// The Signal tab, for 1-D tensors, audio and sines: original, quantized staircase and error
// against time (or index), decimated and zoomable. Other tensors get a note saying why not.

#include <QWidget>

class QLabel;
class QStackedLayout;

namespace quantscope::widgets {
class SignalChartView;
}

namespace quantscope::app {

class AnalysisSession;

class SignalPanel : public QWidget {
    Q_OBJECT

public:
    explicit SignalPanel(AnalysisSession* session, QWidget* parent = nullptr);

    widgets::SignalChartView* view() const { return view_; }
    bool showsSignal() const;

    // Tensors of rank 1, or [frames, channels] with at most this many channels (audio).
    static constexpr std::int64_t kMaxChannels = 16;

private:
    void showOutcome();

    AnalysisSession* session_;
    widgets::SignalChartView* view_;
    QLabel* note_;
    QStackedLayout* stack_;
};

}  // namespace quantscope::app
