#include "autosave.h"

#include <QCheckBox>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QUndoStack>
#include <QtConcurrent>

#include "analysis_session.h"
#include "histogram_panel.h"
#include "main_window.h"
#include "preferences.h"
#include "session_file.h"
#include "view_tabs.h"

namespace quantscope::app {

namespace {

QJsonObject stamped(QJsonObject json) {
    json.insert("saved_at", QDateTime::currentDateTime().toString(Qt::ISODate));
    return json;
}

}  // namespace

Autosaver::Autosaver(MainWindow* window, QString path, QObject* parent)
    : QObject(parent), window_(window), path_(std::move(path)) {
    QDir().mkpath(QFileInfo(path_).absolutePath());
    timer_.setSingleShot(true);
    connect(&timer_, &QTimer::timeout, this, &Autosaver::startWrite);
    connect(&watcher_, &QFutureWatcher<QString>::finished, this, &Autosaver::writeFinished);

    // Everything the session file holds.
    AnalysisSession* session = window_->session();
    for (auto signal :
         {&AnalysisSession::sourcesChanged, &AnalysisSession::missingSourcesChanged,
          &AnalysisSession::tensorChanged, &AnalysisSession::configChanged,
          &AnalysisSession::comparedConfigsChanged, &AnalysisSession::viewStateChanged}) {
        connect(session, signal, this, &Autosaver::changed);
    }
    connect(session, &AnalysisSession::manualRangeLockChanged, this, &Autosaver::changed);
    connect(session->undoStack(), &QUndoStack::indexChanged, this, &Autosaver::changed);
    connect(window_->tabs(), &ViewTabs::currentChanged, this, &Autosaver::changed);
    connect(window_->histogramPanel()->logScaleBox(), &QCheckBox::toggled, this,
            &Autosaver::changed);
}

Autosaver::~Autosaver() {
    watcher_.waitForFinished();
}

void Autosaver::changed() {
    if (!autosaveEnabled()) {
        return;
    }
    if (watcher_.isRunning()) {
        changedWhileWriting_ = true;
        return;
    }
    if (!timer_.isActive()) {
        firstChange_.start();
    }
    const qint64 left = kMaxDelayMs - firstChange_.elapsed();
    timer_.start(static_cast<int>(std::clamp<qint64>(left, 0, kDelayMs)));
}

void Autosaver::startWrite() {
    if (watcher_.isRunning()) {
        changedWhileWriting_ = true;
        return;
    }
    watcher_.setFuture(QtConcurrent::run([path = path_, json = stamped(window_->sessionJson())] {
        return writeSessionFile(path, json);
    }));
}

void Autosaver::writeFinished() {
    const QString problem = watcher_.result();
    if (problem.isEmpty()) {
        emit saved();
    } else {
        emit saveFailed(problem);
    }
    if (std::exchange(changedWhileWriting_, false)) {
        changed();
    }
}

QString Autosaver::saveNow() {
    timer_.stop();
    watcher_.waitForFinished();
    changedWhileWriting_ = false;
    return writeSessionFile(path_, stamped(window_->sessionJson()));
}

}  // namespace quantscope::app
