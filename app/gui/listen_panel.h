#pragma once
// Beside the Signal tab's waveform: the spectrum of the error E = x - Q(x) (with TPDF dither on
// and off, so its effect shows), the dither switch, and playback of the original, the quantized
// signal and the error, amplified up to +40 dB under a clipping guard (docs/design.md
// "Listening"), for signals with a sample rate (WAV, sines). Without an audio output the
// playback controls are off and say so; the rest works.

#include <QWidget>
#include <memory>

#include "quantscope/signal/pcm.h"

class QCheckBox;
class QLabel;
class QPushButton;
class QSlider;

namespace quantscope::widgets {
class PlotChartView;
}

namespace quantscope::app {

class AnalysisSession;
struct AnalysisOutcome;
class SignalPlayer;

class ListenPanel : public QWidget {
    Q_OBJECT

public:
    explicit ListenPanel(AnalysisSession* session, QWidget* parent = nullptr);

    enum class Sound { Original, Quantized, Error };
    // What Play would send to the device for the current outcome, and the gain it used (the
    // error's after the guard); empty when there is no signal.
    struct Playback {
        Pcm16 pcm;
        double gainDb = 0;
        int rate = 0;
    };
    Playback playback(Sound sound) const;

    widgets::PlotChartView* spectrumChart() const { return chart_; }
    QCheckBox* ditherBox() const { return dither_; }
    QSlider* gainSlider() const { return gain_; }
    QCheckBox* guardBox() const { return guard_; }
    QPushButton* playButton(Sound sound) const;
    QPushButton* stopButton() const { return stop_; }
    QLabel* statusLabel() const { return status_; }
    QLabel* captionLabel() const { return caption_; }

    // Draws the session's latest outcome (the Signal tab calls it when it draws the waveform);
    // false when it is no sound (no sample rate: a plain 1-D tensor), with nothing to show.
    bool showOutcome();

private:
    void play(Sound sound);
    void updateControls();

    AnalysisSession* session_;
    std::shared_ptr<const AnalysisOutcome> outcome_;
    SignalPlayer* player_;
    bool audio_;  // a default output existed when the panel was made
    widgets::PlotChartView* chart_;
    QLabel* caption_;
    QCheckBox* dither_;
    QPushButton* play_[3];
    QPushButton* stop_;
    QSlider* gain_;
    QLabel* gainLabel_;
    QCheckBox* guard_;
    QLabel* status_;
};

}  // namespace quantscope::app
