#pragma once
// Plays 16-bit mono PCM on the default audio output (Qt Multimedia's QAudioSink in pull mode
// from a QBuffer): start returns at once, the sink reads on its own, the GUI thread never
// waits. Without an output device nothing plays and outputAvailable() says so.

#include <QByteArray>
#include <QObject>
#include <QString>
#include <cstdint>
#include <vector>

class QAudioSink;
class QBuffer;

namespace quantscope::app {

class SignalPlayer : public QObject {
    Q_OBJECT

public:
    explicit SignalPlayer(QObject* parent = nullptr);
    ~SignalPlayer() override;

    // Whether the system has a default audio output (none on a headless machine or in CI).
    static bool outputAvailable();

    // Stops what plays and plays `samples` at `rate` Hz. Returns an empty string when it
    // started, else why not (no device, a rate the device refuses).
    QString play(const std::vector<std::int16_t>& samples, int rate);
    void stop();
    bool isPlaying() const { return sink_ != nullptr; }

signals:
    void playingChanged(bool playing);

private:
    QAudioSink* sink_ = nullptr;
    QBuffer* buffer_;
    QByteArray bytes_;
};

}  // namespace quantscope::app
