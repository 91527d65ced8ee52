#include "startup.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardPaths>
#include <QStatusBar>
#include <cstdio>
#include <exception>

#include "analysis_session.h"
#include "autosave.h"
#include "main_window.h"
#include "open_file_filter.h"
#include "preferences.h"
#include "quantscope/common/parallel.h"
#include "session_file.h"

namespace quantscope::app {

namespace {

// Slots for instances running at once; one more gets no autosave (and says so).
constexpr int kSlots = 16;

RestoreMode restoreModeFromEnvironment(RestoreMode fallback) {
    const QByteArray value = qgetenv("QUANTSCOPE_RESTORE").trimmed().toLower();
    if (value == "always") {
        return RestoreMode::Always;
    }
    if (value == "never") {
        return RestoreMode::Never;
    }
    if (value == "ask") {
        return RestoreMode::Ask;
    }
    return fallback;
}

// The config a new session starts with: the preferred format and calibration, or the built-in
// default when they do not fit together.
QuantConfig preferredConfig() {
    try {
        QuantConfig config;
        apply_format(config, defaultFormat().toStdString());
        config.calibration = parse_calibration(defaultCalibration().toStdString());
        check_config(config);
        return config;
    } catch (const std::exception&) {
        return QuantConfig{};
    }
}

}  // namespace

StartOptions parseStartOptions(QApplication& app) {
    QApplication::setApplicationName(QStringLiteral("QuantScope"));
    QApplication::setOrganizationName(QStringLiteral("QuantScope"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Quantization error analysis for tensors and signals."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("Render the window offscreen after loading, save it as a PNG and exit."),
        QStringLiteral("file"));
    // Not "--session": QGuiApplication takes that for X11 session management.
    const QCommandLineOption session(QStringLiteral("session-file"),
                                     QStringLiteral("Open a session file saved before."),
                                     QStringLiteral("file"));
    const QCommandLineOption restore(
        QStringLiteral("restore"),
        QStringLiteral("After a crash, restore the autosaved session without asking."));
    const QCommandLineOption noRestore(
        QStringLiteral("no-restore"),
        QStringLiteral("Start afresh: neither the autosave of a crash nor the last session is "
                       "opened (the autosave is kept). QUANTSCOPE_RESTORE=ask|always|never "
                       "does the same from the environment."));
    parser.addOptions({screenshot, session, restore, noRestore});
    parser.addPositionalArgument(
        QStringLiteral("files"),
        QStringLiteral("Files or gen: specs to open (%1, gen:sine:frequency=440); the sample "
                       "when none is given.")
            .arg(openFileExtensions()),
        QStringLiteral("[files...]"));
    parser.process(app);

    StartOptions options;
    options.files = parser.positionalArguments();
    options.session = parser.value(session);
    options.screenshot = parser.value(screenshot);
    // Nobody can answer a prompt offscreen or while a screenshot is taken.
    const bool unattended = !options.screenshot.isEmpty() ||
                            QGuiApplication::platformName() == QLatin1String("offscreen");
    options.restore =
        restoreModeFromEnvironment(unattended ? RestoreMode::Never : RestoreMode::Ask);
    if (parser.isSet(restore)) {
        options.restore = RestoreMode::Always;
    }
    if (parser.isSet(noRestore)) {
        options.restore = RestoreMode::Never;
    }
    if (threadCount() > 0) {
        set_worker_count(static_cast<unsigned>(threadCount()));
    }
    return options;
}

SessionKeeper::SessionKeeper(MainWindow* window, bool keep, QString folder, QObject* parent)
    : QObject(parent), window_(window), keep_(keep), folder_(std::move(folder)) {
    if (!keep_) {
        return;
    }
    if (folder_.isEmpty()) {
        folder_ = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    }
    QDir().mkpath(folder_);
    for (int slot = 0; slot < kSlots; ++slot) {
        const QString lockPath =
            QDir(folder_).filePath(QStringLiteral("session-%1.lock").arg(slot));
        const bool leftBehind = QFileInfo::exists(lockPath);
        auto lock = std::make_unique<QLockFile>(lockPath);
        // Only a dead owner makes a lock stale, however long an instance runs.
        lock->setStaleLockTime(0);
        if (!lock->tryLock(0)) {
            continue;  // a running instance holds it
        }
        slot_ = slot;
        lock_ = std::move(lock);
        autosaver_ = std::make_unique<Autosaver>(window_, autosavePath());
        if (QFileInfo::exists(autosavePath())) {
            previous_ = leftBehind ? PreviousRun::Crashed : PreviousRun::CleanQuit;
        }
        break;
    }
}

SessionKeeper::~SessionKeeper() = default;

QString SessionKeeper::autosavePath() const {
    return slot_ < 0 ? QString()
                     : QDir(folder_).filePath(QStringLiteral("session-%1.json").arg(slot_));
}

void SessionKeeper::say(const QString& message, bool problem) {
    message_ = message;
    std::fprintf(stderr, "quantscope: %s\n", qPrintable(message));
    // The first load clears the status bar: say it again once the window shows its tensor.
    window_->statusBar()->showMessage(message, 30000);
    auto* once = new QObject(this);
    connect(window_->session(), &AnalysisSession::analysisFinished, once, [this, message, once] {
        window_->statusBar()->showMessage(message, 30000);
        once->deleteLater();
    });
    if (problem && attended_) {
        // Not exec(): the window goes on starting behind it.
        auto* box = new QMessageBox(QMessageBox::Warning, tr("QuantScope"), message,
                                    QMessageBox::Ok, window_);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    }
}

QString SessionKeeper::setAside(const QString& why) {
    const QString stem = QDir(folder_).filePath(QStringLiteral("%1-%2").arg(
        why, QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"))));
    QString aside = stem + QStringLiteral(".json");
    for (int n = 2; QFileInfo::exists(aside); ++n) {
        aside = QStringLiteral("%1-%2.json").arg(stem).arg(n);
    }
    return QFile::rename(autosavePath(), aside) ? aside : QString();
}

QString SessionKeeper::restorePrompt(const QJsonObject& json) {
    const SessionSummary summary = summarizeSession(json);
    QString text =
        tr("QuantScope did not quit normally last time. Restore the session it "
           "autosaved?");
    QString details;
    if (summary.savedAt.isValid()) {
        details +=
            tr("<p>Saved %1.</p>").arg(QLocale().toString(summary.savedAt, QLocale::LongFormat));
    }
    if (summary.sources.isEmpty()) {
        details += tr("<p>No sources.</p>");
    } else {
        details += tr("<p>Sources (%1):<br>").arg(summary.sources.size());
        const qsizetype shown = std::min<qsizetype>(summary.sources.size(), 8);
        for (qsizetype i = 0; i < shown; ++i) {
            details += summary.sources[i].toHtmlEscaped() + QStringLiteral("<br>");
        }
        if (summary.sources.size() > shown) {
            details += tr("and %1 more").arg(summary.sources.size() - shown);
        }
        details += QStringLiteral("</p>");
    }
    details += tr("<p>Config: %1").arg(summary.config.toHtmlEscaped());
    if (summary.compared > 0) {
        details += tr("<br>Configs compared: %1").arg(summary.compared);
    }
    details += QStringLiteral("</p>");
    return QStringLiteral("<p><b>%1</b></p>%2").arg(text.toHtmlEscaped(), details);
}

bool SessionKeeper::openAutosave(bool ask) {
    const SessionRead read = readSessionFile(autosavePath());
    if (!read.error.isEmpty()) {
        const QString aside = setAside(QStringLiteral("unreadable-session"));
        say(tr("The autosaved session cannot be read, QuantScope starts afresh: %1%2")
                .arg(read.error,
                     aside.isEmpty() ? QString() : tr(" (the file is kept as %1)").arg(aside)),
            true);
        return false;
    }
    if (ask) {
        QMessageBox box(QMessageBox::Question, tr("Restore session"), restorePrompt(read.json),
                        QMessageBox::NoButton, window_);
        box.setTextFormat(Qt::RichText);
        QPushButton* restoreButton = box.addButton(tr("&Restore"), QMessageBox::AcceptRole);
        box.addButton(tr("&Start Afresh"), QMessageBox::RejectRole);
        box.setDefaultButton(restoreButton);
        box.exec();
        if (box.clickedButton() != restoreButton) {
            const QString aside = setAside(QStringLiteral("declined-session"));
            if (!aside.isEmpty()) {
                say(tr("The autosaved session is kept as %1 (File > Open Session).").arg(aside));
            }
            return false;
        }
    }
    try {
        window_->session()->restore(read.json);
    } catch (const std::exception& e) {
        const QString aside = setAside(QStringLiteral("unreadable-session"));
        say(tr("The autosaved session cannot be restored, QuantScope starts afresh: %1: %2%3")
                .arg(autosavePath(), QString::fromStdString(e.what()),
                     aside.isEmpty() ? QString() : tr(" (the file is kept as %1)").arg(aside)),
            true);
        return false;
    }
    say(previous_ == PreviousRun::Crashed ? tr("Restored the autosaved session.")
                                          : tr("Reopened the last session."));
    return true;
}

void SessionKeeper::openFresh(const StartOptions& options) {
    window_->session()->setConfig(preferredConfig());
    if (options.files.isEmpty()) {
        window_->loadSample();
    } else {
        window_->openFiles(options.files);
    }
}

void SessionKeeper::start(const StartOptions& options) {
    attended_ = options.restore == RestoreMode::Ask;
    if (!options.session.isEmpty()) {
        const QString problem = window_->openSession(options.session);
        if (problem.isEmpty()) {
            return;
        }
        say(problem, true);
        openFresh(options);
        return;
    }
    if (keep_ && !isKeeping()) {
        say(tr("Too many QuantScope windows are open: this one is not autosaved."));
    }
    if (!options.files.isEmpty() || options.restore == RestoreMode::Never || !isKeeping()) {
        // This run's autosave must not overwrite work a crash left.
        if (previous_ == PreviousRun::Crashed) {
            const QString aside = setAside(QStringLiteral("crashed-session"));
            if (!aside.isEmpty()) {
                say(tr("The session autosaved before a crash is kept as %1 (File > Open "
                       "Session).")
                        .arg(aside));
            }
        }
        openFresh(options);
        return;
    }
    bool opened = false;
    if (previous_ == PreviousRun::Crashed) {
        opened = openAutosave(options.restore == RestoreMode::Ask);
    } else if (previous_ == PreviousRun::CleanQuit && reopenLastSession()) {
        opened = openAutosave(false);
    }
    if (!opened) {
        openFresh(options);
    }
}

void SessionKeeper::quit() {
    if (!isKeeping()) {
        return;
    }
    if (autosaveEnabled() || reopenLastSession()) {
        const QString problem = autosaver_->saveNow();
        if (!problem.isEmpty()) {
            std::fprintf(stderr, "quantscope: %s\n", qPrintable(problem));
        }
    }
    autosaver_.reset();
    lock_->unlock();
    lock_.reset();
}

}  // namespace quantscope::app
