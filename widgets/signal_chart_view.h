#pragma once
// A signal against time (or index): the original and the quantized staircase above, the error
// below, on a shared, zoomable x axis. Only what is visible is drawn, decimated to a min/max
// envelope of about two points per pixel column (DESIGN.md speed facts); zoomed in far enough,
// every sample is drawn and the staircase shows.

#include <QList>
#include <QPointF>
#include <QWidget>
#include <array>
#include <memory>
#include <optional>
#include <span>

#include "quantscope/common/tensor.h"
#include "quantscope/signal/spectrum.h"

namespace quantscope::widgets {

class PlotChartView;

struct SignalOverview;

struct SignalData {
    std::shared_ptr<const void> keepAlive;  // owns the arrays below
    std::span<const float> original;
    std::span<const float> quantized;  // same length as original
    std::size_t offset = 0;            // sample i is original[offset + i * stride]
    std::size_t stride = 1;
    std::size_t samples = 0;
    double dx = 1;  // x units per sample: 1 / sample rate, or 1 for an index
    QString xTitle;
    // The whole signal already decimated (by the analysis job): the unzoomed view draws it
    // without touching the samples on the GUI thread. Optional.
    std::shared_ptr<const SignalOverview> overview;
};

enum class SignalTrace { Original, Quantized, Error };

// Which values of a tensor form its signal (signal_layout, quantscope/signal/spectrum.h).
using quantscope::kMaxSignalChannels;
using quantscope::SignalLayout;
std::optional<SignalLayout> signalLayout(std::span<const std::int64_t> shape, std::size_t count);

// Each trace of the whole signal, decimated to `columns` (see decimatedTrace).
struct SignalOverview {
    int columns = 0;
    std::array<QList<QPointF>, 3> traces;  // indexed by SignalTrace
};
SignalOverview signalOverview(const SignalData& signal, int columns);

// Points of samples [begin, end) of a trace: every sample when there are at most 2 * columns
// (the quantized trace as a staircase), else the min and max of each of `columns` slices.
QList<QPointF> decimatedTrace(const SignalData& signal, SignalTrace trace, std::size_t begin,
                              std::size_t end, int columns);

class SignalChartView : public QWidget {
    Q_OBJECT

public:
    explicit SignalChartView(QWidget* parent = nullptr);

    void setSignal(SignalData signal);
    void clear();
    bool hasSignal() const { return signal_.samples > 0; }

    PlotChartView* signalChart() const { return signalChart_; }
    PlotChartView* errorChart() const { return errorChart_; }

private:
    void redraw();
    void followRange(PlotChartView* from, PlotChartView* to);

    SignalData signal_;
    PlotChartView* signalChart_;
    PlotChartView* errorChart_;
    bool updating_ = false;
};

}  // namespace quantscope::widgets
