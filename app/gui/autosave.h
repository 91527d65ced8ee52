#pragma once
// Autosave: the window's session (sessionJson) written to one file a moment after each change.
// Changes that come in a burst (dragging a clip line, typing a value) collapse into one write,
// at most kMaxDelayMs after the first of them. The JSON is taken on the GUI thread (it reads the
// session); converting and writing it (QSaveFile, which syncs to disk) run on a worker thread,
// one write at a time, so a slow disk never stalls the window. Saving is skipped while the
// autosave preference is off.

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QTimer>

namespace quantscope::app {

class MainWindow;

class Autosaver : public QObject {
    Q_OBJECT

public:
    static constexpr int kDelayMs = 1000;     // quiet time after the last change
    static constexpr int kMaxDelayMs = 4000;  // a continuous stream of changes still saves

    Autosaver(MainWindow* window, QString path, QObject* parent = nullptr);
    ~Autosaver() override;

    const QString& path() const { return path_; }
    // A save is due (waiting for quiet) or running.
    bool isPending() const { return timer_.isActive() || watcher_.isRunning(); }
    // Writes the session now, on this thread, whatever the preference says (a clean quit keeps
    // the last session this way). Returns "" or the problem.
    QString saveNow();

signals:
    void saved();
    void saveFailed(const QString& message);

private:
    void changed();
    void startWrite();
    void writeFinished();

    MainWindow* window_;
    QString path_;
    QTimer timer_;
    QElapsedTimer firstChange_;
    QFutureWatcher<QString> watcher_;
    bool changedWhileWriting_ = false;
};

}  // namespace quantscope::app
