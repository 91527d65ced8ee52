#include "listen_panel.h"

#include <QCheckBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <vector>

#include "analysis_session.h"
#include "plot_chart_view.h"
#include "quantscope/signal/spectrum.h"
#include "signal_player.h"

namespace quantscope::app {

namespace {

// The spectra are drawn down to this far below their peak: bins of exactly zero power (E = 0
// somewhere in every segment) would otherwise stretch the axis to the floor of -300 dB.
constexpr double kShownRangeDb = 100;

QList<QPointF> spectrumPoints(const Spectrum& s, double lowest) {
    QList<QPointF> points;
    points.reserve(static_cast<qsizetype>(s.power_db.size()));
    for (std::size_t k = 0; k < s.power_db.size(); ++k) {
        points.append({s.frequency[k], std::max(s.power_db[k], lowest)});
    }
    return points;
}

double peakDb(const Spectrum& s) {
    return s.power_db.empty() ? 0.0 : *std::max_element(s.power_db.begin(), s.power_db.end());
}

QString ditherName(Dither dither) {
    return dither == Dither::Tpdf ? ListenPanel::tr("TPDF dither") : ListenPanel::tr("no dither");
}

// Channel 0 of the signal (every value of a 1-D tensor).
std::vector<float> channelZero(std::span<const float> values, const SignalLayout& layout) {
    std::vector<float> samples(layout.samples);
    for (std::size_t i = 0; i < layout.samples; ++i) {
        samples[i] = values[i * layout.stride];
    }
    return samples;
}

}  // namespace

ListenPanel::ListenPanel(AnalysisSession* session, QWidget* parent)
    : QWidget(parent),
      session_(session),
      player_(new SignalPlayer(this)),
      audio_(SignalPlayer::outputAvailable()) {
    chart_ = new widgets::PlotChartView(this);
    chart_->setMinimumHeight(220);
    caption_ = new QLabel(this);
    caption_->setWordWrap(true);

    dither_ = new QCheckBox(tr("TPDF &dither"), this);
    connect(dither_, &QCheckBox::toggled, this, [this](bool on) {
        QuantConfig config = session_->config();
        config.dither = on ? Dither::Tpdf : Dither::None;
        if (!(config == session_->config())) {
            session_->changeConfig(config, on ? tr("TPDF dither on") : tr("TPDF dither off"));
        }
    });

    const QString names[] = {tr("Play &original"), tr("Play &quantized"), tr("Play &error")};
    const Sound sounds[] = {Sound::Original, Sound::Quantized, Sound::Error};
    auto* buttons = new QHBoxLayout;
    for (int i = 0; i < 3; ++i) {
        play_[i] = new QPushButton(names[i], this);
        connect(play_[i], &QPushButton::clicked, this, [this, s = sounds[i]] { play(s); });
        buttons->addWidget(play_[i]);
    }
    stop_ = new QPushButton(tr("S&top"), this);
    connect(stop_, &QPushButton::clicked, player_, &SignalPlayer::stop);
    buttons->addWidget(stop_);

    gain_ = new QSlider(Qt::Horizontal, this);
    gain_->setRange(0, 40);
    gain_->setPageStep(6);
    gain_->setTickInterval(10);
    gain_->setTickPosition(QSlider::TicksBelow);
    gain_->setToolTip(tr("Amplification of the error when it plays: quantization noise is quiet"));
    gainLabel_ = new QLabel(this);
    gainLabel_->setMinimumWidth(
        gainLabel_->fontMetrics().horizontalAdvance(QStringLiteral("+40 dB")));
    guard_ = new QCheckBox(tr("Clipping &guard"), this);
    guard_->setChecked(true);
    guard_->setToolTip(
        tr("Caps the error's gain where its peak reaches full scale, so that it never clips"));
    auto* gainRow = new QHBoxLayout;
    gainRow->addWidget(new QLabel(tr("Error gain:"), this));
    gainRow->addWidget(gain_, 1);
    gainRow->addWidget(gainLabel_);
    gainRow->addWidget(guard_);
    connect(gain_, &QSlider::valueChanged, this, &ListenPanel::updateControls);

    status_ = new QLabel(this);
    status_->setWordWrap(true);

    auto* listen = new QGroupBox(tr("Listen"), this);
    auto* listenLayout = new QVBoxLayout(listen);
    listenLayout->addLayout(buttons);
    listenLayout->addLayout(gainRow);
    listenLayout->addWidget(status_);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(chart_, 1);
    layout->addWidget(caption_);
    layout->addWidget(dither_);
    layout->addWidget(listen);

    connect(player_, &SignalPlayer::playingChanged, this, [this](bool playing) {
        if (!playing) {
            status_->setText(tr("Stopped."));
        }
        updateControls();
    });
    connect(session_, &AnalysisSession::configChanged, this, &ListenPanel::updateControls);
    connect(session_, &AnalysisSession::tensorChanged, this, [this] {
        player_->stop();
        outcome_.reset();
        chart_->clear();
        caption_->clear();
        updateControls();
    });
    if (!audio_) {
        status_->setText(
            tr("No audio output device: playback is off. The spectrum and the rest "
               "of the window work as usual."));
    }
    updateControls();
}

QPushButton* ListenPanel::playButton(Sound sound) const {
    return play_[static_cast<int>(sound)];
}

bool ListenPanel::showOutcome() {
    const auto outcome = session_->outcome();
    outcome_ = outcome && outcome->errorSpectra ? outcome : nullptr;
    if (!outcome_) {
        player_->stop();
        chart_->clear();
        caption_->clear();
        updateControls();
        return false;
    }
    const ErrorSpectra& spectra = *outcome_->errorSpectra;
    double top = peakDb(spectra.current);
    if (spectra.toggled) {
        top = std::max(top, peakDb(*spectra.toggled));
    }
    const double lowest = top - kShownRangeDb;
    const QColor red(200, 30, 45);
    const QColor blue(52, 120, 198, 190);
    QList<widgets::Curve> curves;
    if (spectra.toggled) {
        curves.append({tr("E, %1").arg(ditherName(
                           spectra.currentDither == Dither::None ? Dither::Tpdf : Dither::None)),
                       spectrumPoints(*spectra.toggled, lowest), blue, 1.0});
    }
    curves.append({tr("E, %1 (current)").arg(ditherName(spectra.currentDither)),
                   spectrumPoints(spectra.current, lowest), red, 1.2});
    chart_->setCurves(curves);
    chart_->setAxisTitles(tr("frequency (Hz)"), tr("power of E (dB)"));
    QString caption =
        tr("Power spectrum of the error E = x - Q(x): Hann window, %1-point segments, %2 "
           "averaged.")
            .arg(spectra.current.segment)
            .arg(spectra.current.segments);
    if (!spectra.toggled) {
        caption += QLatin1Char(' ') + tr("Dither applies to integer formats only.");
    }
    caption_->setText(caption);
    updateControls();
    return true;
}

ListenPanel::Playback ListenPanel::playback(Sound sound) const {
    Playback result;
    if (!outcome_) {
        return result;
    }
    const Tensor& tensor = *outcome_->tensor;
    const auto layout = signal_layout(tensor.info.shape, tensor.values.size());
    if (!layout) {
        return result;
    }
    const std::vector<float> original = channelZero(tensor.values, *layout);
    const double fullScale = pcm_full_scale(original);
    std::vector<float> samples;
    switch (sound) {
        case Sound::Original:
            samples = original;
            break;
        case Sound::Quantized:
            samples = channelZero(outcome_->result.dequantized, *layout);
            break;
        case Sound::Error:
            samples = signal_error(tensor.values, outcome_->result.dequantized, *layout);
            result.gainDb = gain_->value();
            if (guard_->isChecked()) {
                result.gainDb = std::min(result.gainDb, headroom_db(samples, fullScale));
            }
            break;
    }
    result.pcm = to_pcm16(samples, result.gainDb, fullScale);
    result.rate = static_cast<int>(std::lround(outcome_->sampleRate));  // > 0: a sound
    return result;
}

void ListenPanel::play(Sound sound) {
    const Playback p = playback(sound);
    if (p.pcm.samples.empty()) {
        return;
    }
    const QString problem = player_->play(p.pcm.samples, p.rate);
    if (!problem.isEmpty()) {
        status_->setText(problem);
        return;
    }
    const QString what = sound == Sound::Original    ? tr("the original")
                         : sound == Sound::Quantized ? tr("the quantized signal")
                                                     : tr("the error");
    QString text = tr("Playing %1 (%2 s at %3 Hz)")
                       .arg(what)
                       .arg(static_cast<double>(p.pcm.samples.size()) / p.rate, 0, 'f', 1)
                       .arg(p.rate);
    if (sound == Sound::Error) {
        text += tr(" at %1%2 dB")
                    .arg(p.gainDb >= 0 ? QStringLiteral("+") : QString())
                    .arg(p.gainDb, 0, 'f', 1);
        if (p.gainDb < gain_->value()) {
            text += tr(": the guard holds its peak at full scale");
        }
    }
    if (p.pcm.clipped > 0) {
        text += tr("; %1% of the samples clip")
                    .arg(100.0 * static_cast<double>(p.pcm.clipped) /
                             static_cast<double>(p.pcm.samples.size()),
                         0, 'g', 3);
    }
    status_->setText(text + QLatin1Char('.'));
}

void ListenPanel::updateControls() {
    gainLabel_->setText(tr("+%1 dB").arg(gain_->value()));
    const QuantConfig& config = session_->config();
    QuantConfig dithered = config;
    dithered.dither = Dither::Tpdf;
    bool ditherable = true;
    try {
        check_config(dithered);
    } catch (const std::exception&) {
        ditherable = false;
    }
    {
        const QSignalBlocker blocker(dither_);
        dither_->setChecked(config.dither == Dither::Tpdf);
    }
    dither_->setEnabled(ditherable);
    dither_->setToolTip(
        ditherable
            ? tr("Adds triangular noise of +-1 step (two uniform +-1/2 step draws) to x / s before "
                 "rounding.\nThe error's mean and power no longer depend on the signal: a quiet "
                 "signal's\nharmonic distortion becomes a flat noise floor, at Delta^2/4 instead "
                 "of Delta^2/12.")
            : tr("Dither needs the uniform step of an integer format."));
    const bool audio = audio_;
    const bool signal = outcome_ != nullptr;
    for (QPushButton* button : play_) {
        button->setEnabled(audio && signal);
    }
    stop_->setEnabled(audio && player_->isPlaying());
    gain_->setEnabled(audio);
    guard_->setEnabled(audio);
}

}  // namespace quantscope::app
