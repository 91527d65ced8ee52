#include "signal_player.h"

#include <QAudioDevice>
#include <QAudioFormat>
#include <QAudioSink>
#include <QBuffer>
#include <QMediaDevices>
#include <cstring>
#include <utility>

namespace quantscope::app {

SignalPlayer::SignalPlayer(QObject* parent) : QObject(parent), buffer_(new QBuffer(this)) {}

SignalPlayer::~SignalPlayer() {
    stop();
}

bool SignalPlayer::outputAvailable() {
    return !QMediaDevices::defaultAudioOutput().isNull();
}

QString SignalPlayer::play(const std::vector<std::int16_t>& samples, int rate) {
    stop();
    const QAudioDevice device = QMediaDevices::defaultAudioOutput();
    if (device.isNull()) {
        return tr("No audio output device");
    }
    QAudioFormat format;
    format.setSampleRate(rate);
    format.setChannelCount(1);
    format.setSampleFormat(QAudioFormat::Int16);
    if (!device.isFormatSupported(format)) {
        return tr("%1 does not play 16-bit mono at %2 Hz").arg(device.description()).arg(rate);
    }
    bytes_.resize(static_cast<qsizetype>(samples.size() * sizeof(std::int16_t)));
    if (!samples.empty()) {
        std::memcpy(bytes_.data(), samples.data(), samples.size() * sizeof(std::int16_t));
    }
    buffer_->setData(bytes_);
    buffer_->open(QIODevice::ReadOnly);
    sink_ = new QAudioSink(device, format, this);
    // Idle: the buffer ran out, the sound is over; stopped here: the device failed (stop()
    // disconnects before it stops the sink itself).
    connect(sink_, &QAudioSink::stateChanged, this, [this](QAudio::State state) {
        if (state == QAudio::IdleState || state == QAudio::StoppedState) {
            stop();
        }
    });
    sink_->start(buffer_);
    emit playingChanged(true);
    return {};
}

void SignalPlayer::stop() {
    if (sink_ == nullptr) {
        return;
    }
    QAudioSink* sink = std::exchange(sink_, nullptr);
    sink->disconnect(this);
    sink->stop();
    sink->deleteLater();
    buffer_->close();
    emit playingChanged(false);
}

}  // namespace quantscope::app
