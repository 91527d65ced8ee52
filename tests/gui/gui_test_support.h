#pragma once
// What the window tests share: where screenshots go, and waiting until a session is idle.

#include <QApplication>
#include <QColor>
#include <QDir>
#include <QPalette>
#include <QSignalSpy>
#include <QString>
#include <QTest>
#include <QWidget>
#include <functional>

#include "analysis_session.h"
#include "theme.h"

namespace quantscope::gui_test {

inline constexpr int kTimeout = 30000;

// A path in the build tree's screenshot folder (created on first use).
inline QString screenshotPath(const QString& name) {
    QDir().mkpath(QStringLiteral(QUANTSCOPE_SCREENSHOT_DIR));
    return QStringLiteral(QUANTSCOPE_SCREENSHOT_DIR "/") + name;
}

// A dark palette as a desktop's dark theme gives it: the app's own Dark theme.
inline QPalette darkPalette() {
    return app::darkPalette();
}

// Shows a window at the size the window tests use and waits until it is on screen.
inline bool showAtTestSize(QWidget& window) {
    window.resize(1400, 900);
    window.show();
    return QTest::qWaitForWindowExposed(&window);
}

// The mnemonic letter of a label ("Si&gnal" -> 'g'), or a null QChar.
inline QChar mnemonic(const QString& text) {
    for (qsizetype i = 0; i + 1 < text.size(); ++i) {
        if (text[i] == QLatin1Char('&')) {
            if (text[i + 1] == QLatin1Char('&')) {
                ++i;
                continue;
            }
            return text[i + 1].toLower();
        }
    }
    return {};
}

// The project's test files (tests/data).
inline QString testDataPath(const QString& name) {
    return QStringLiteral(QUANTSCOPE_TEST_DATA_DIR "/") + name;
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

// For a panel that runs its own job when its tab is shown (isRunning(), outcome(), finished()):
// waits until that run has given a result.
template <typename Panel>
bool waitForOwnRun(Panel* panel, int timeout = kTimeout) {
    if (panel->isRunning()) {
        QSignalSpy done(panel, &Panel::finished);
        if (!done.wait(timeout)) {
            return false;
        }
    }
    return panel->outcome() != nullptr;
}

// Saves NAME-light.png and NAME-dark.png of `window` (a MainWindow), the application palette
// switched in between and restored after; `check(dark)`, when given, runs after each switch.
template <typename Window>
bool saveInBothPalettes(Window& window, const QString& name,
                        const std::function<bool(bool dark)>& check = {}) {
    const QPalette light = QApplication::palette();
    bool ok = true;
    for (const bool dark : {false, true}) {
        QApplication::setPalette(dark ? darkPalette() : light);
        QTest::qWait(50);
        ok = ok && (!check || check(dark)) &&
             window.saveScreenshot(screenshotPath(
                 name + (dark ? QStringLiteral("-dark.png") : QStringLiteral("-light.png"))));
    }
    QApplication::setPalette(light);
    return ok;
}

}  // namespace quantscope::gui_test
