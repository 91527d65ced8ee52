#include "theme.h"

#include <QApplication>
#include <QStyle>
#include <optional>

namespace quantscope::app {

namespace {

// The palette the platform gave, kept while a theme of ours replaces it.
std::optional<QPalette>& systemPalette() {
    static std::optional<QPalette> palette;
    return palette;
}

}  // namespace

QPalette lightPalette() {
    return QApplication::style()->standardPalette();
}

QPalette darkPalette() {
    QPalette p;
    const QColor window(37, 37, 38);
    const QColor text(230, 230, 230);
    const QColor disabled(130, 130, 135);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, QColor(24, 24, 26));
    p.setColor(QPalette::AlternateBase, QColor(45, 45, 48));
    p.setColor(QPalette::ToolTipBase, QColor(50, 50, 53));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Text, QColor(235, 235, 235));
    p.setColor(QPalette::Button, QColor(45, 45, 48));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(255, 90, 90));
    p.setColor(QPalette::Light, QColor(70, 70, 74));
    p.setColor(QPalette::Midlight, QColor(55, 55, 58));
    p.setColor(QPalette::Mid, QColor(110, 110, 115));
    p.setColor(QPalette::Dark, QColor(20, 20, 22));
    p.setColor(QPalette::Shadow, QColor(0, 0, 0));
    p.setColor(QPalette::PlaceholderText, QColor(150, 150, 155));
    p.setColor(QPalette::Highlight, QColor(38, 110, 200));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(110, 170, 255));
    p.setColor(QPalette::LinkVisited, QColor(180, 140, 255));
    for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText}) {
        p.setColor(QPalette::Disabled, role, disabled);
    }
    return p;
}

void applyTheme(Theme theme) {
    auto& system = systemPalette();
    if (theme == Theme::System) {
        if (system) {
            QApplication::setPalette(*system);
            system.reset();
        }
        return;
    }
    if (!system) {
        system = QApplication::palette();
    }
    QApplication::setPalette(theme == Theme::Dark ? darkPalette() : lightPalette());
}

}  // namespace quantscope::app
