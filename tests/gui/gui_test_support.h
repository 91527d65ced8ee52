#pragma once
// What the window tests share: where screenshots go, and waiting until a session is idle.

#include <QDir>
#include <QString>
#include <QTest>

#include "analysis_session.h"

namespace quantscope::gui_test {

inline constexpr int kTimeout = 30000;

// A path in the build tree's screenshot folder (created on first use).
inline QString screenshotPath(const QString& name) {
    QDir().mkpath(QStringLiteral(QUANTSCOPE_SCREENSHOT_DIR));
    return QStringLiteral(QUANTSCOPE_SCREENSHOT_DIR "/") + name;
}

// Waits until the session has studied a tensor and every job is idle.
inline bool settle(app::AnalysisSession* session) {
    return QTest::qWaitFor(
        [session] {
            return session->outcome() && !session->isRunning() && !session->isLoading() &&
                   !session->isComparing() && !session->isSweeping();
        },
        kTimeout);
}

}  // namespace quantscope::gui_test
