#pragma once
// What the window tests share: where screenshots go, and waiting until a session is idle.

#include <QColor>
#include <QDir>
#include <QPalette>
#include <QString>
#include <QTest>
#include <QWidget>

#include "analysis_session.h"

namespace quantscope::gui_test {

inline constexpr int kTimeout = 30000;

// A path in the build tree's screenshot folder (created on first use).
inline QString screenshotPath(const QString& name) {
    QDir().mkpath(QStringLiteral(QUANTSCOPE_SCREENSHOT_DIR));
    return QStringLiteral(QUANTSCOPE_SCREENSHOT_DIR "/") + name;
}

// A dark palette as a desktop's dark theme gives it.
inline QPalette darkPalette() {
    QPalette p;
    p.setColor(QPalette::Window, QColor(37, 37, 38));
    p.setColor(QPalette::WindowText, QColor(230, 230, 230));
    p.setColor(QPalette::Base, QColor(24, 24, 26));
    p.setColor(QPalette::AlternateBase, QColor(45, 45, 48));
    p.setColor(QPalette::Text, QColor(235, 235, 235));
    p.setColor(QPalette::Button, QColor(45, 45, 48));
    p.setColor(QPalette::ButtonText, QColor(230, 230, 230));
    p.setColor(QPalette::Mid, QColor(110, 110, 115));
    p.setColor(QPalette::PlaceholderText, QColor(150, 150, 155));
    p.setColor(QPalette::Highlight, QColor(38, 110, 200));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(110, 170, 255));
    return p;
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

}  // namespace quantscope::gui_test
