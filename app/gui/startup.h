#pragma once
// What the window opens at start, and keeping the session safe while it runs.
//
// Each running QuantScope holds a lock file in the application's data folder
// (QStandardPaths::AppDataLocation) beside its autosave (session-N.lock, session-N.json; N is
// the first slot no running instance holds). A clean quit writes the session one last time and
// removes the lock; a crash or a kill leaves the lock behind, so the next start knows the
// autosave holds work that was never closed, and offers it.
//
// The start, in order: files or a session named on the command line; else, after a crash, the
// autosave (asking first unless told to restore or not); else, after a clean quit, the last
// session unless the preference says no; else the sample with the default format and
// calibration. A file that cannot be read is reported and the start goes on as if it were absent.

#include <QDateTime>
#include <QLockFile>
#include <QObject>
#include <QString>
#include <QStringList>
#include <memory>

class QApplication;

namespace quantscope::app {

class Autosaver;
class MainWindow;

// How the autosave of a crashed run is treated: asked about, restored or left alone. Set with
// --restore / --no-restore or QUANTSCOPE_RESTORE=ask|always|never; --screenshot and an offscreen
// platform default to Never so that nothing waits for an answer.
enum class RestoreMode { Ask, Always, Never };

struct StartOptions {
    QStringList files;
    QString session;     // --session-file FILE
    QString screenshot;  // --screenshot FILE
    RestoreMode restore = RestoreMode::Ask;
};

// Sets the application's name (the data and settings folders depend on it), parses the
// command line (exits on --help, --version or bad usage) and applies the preferences that
// must act before any work starts (threads).
StartOptions parseStartOptions(QApplication& app);

// Keeps one run's autosave. Constructed before the window opens anything.
class SessionKeeper : public QObject {
    Q_OBJECT

public:
    enum class PreviousRun { None, CleanQuit, Crashed };

    // With keep false (a screenshot run) nothing is autosaved or restored. `folder` defaults to
    // AppDataLocation.
    SessionKeeper(MainWindow* window, bool keep, QString folder = {}, QObject* parent = nullptr);
    ~SessionKeeper() override;

    PreviousRun previousRun() const { return previous_; }
    // No slot free (too many instances): this run is not autosaved.
    bool isKeeping() const { return autosaver_ != nullptr; }
    QString autosavePath() const;
    Autosaver* autosaver() const { return autosaver_.get(); }

    // Opens the window's first contents as the header comment describes. Messages (an
    // unreadable file, a declined restore kept elsewhere) go to the status bar and stderr.
    void start(const StartOptions& options);
    // Text of the restore prompt for an autosave's JSON.
    static QString restorePrompt(const QJsonObject& json);

    // The last message start() gave ("" when none).
    const QString& startMessage() const { return message_; }
    // Writes the session (when autosave or reopen is on) and releases the slot: a clean quit.
    void quit();

private:
    bool openAutosave(bool ask);
    void openFresh(const StartOptions& options);
    // To stderr and the status bar; a problem also in a message box when someone is there.
    void say(const QString& message, bool problem = false);
    // Moves an autosave out of the way (unreadable, or declined) so the new run's autosave
    // does not overwrite it; returns the new path or "".
    QString setAside(const QString& why);

    MainWindow* window_;
    bool keep_;
    QString folder_;
    int slot_ = -1;
    std::unique_ptr<QLockFile> lock_;
    std::unique_ptr<Autosaver> autosaver_;
    PreviousRun previous_ = PreviousRun::None;
    QString message_;
    bool attended_ = false;  // prompts may be shown (RestoreMode::Ask)
};

}  // namespace quantscope::app
