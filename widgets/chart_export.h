#pragma once
// Saving what a view shows: PNG at the screen's device pixel ratio, or SVG (vector) through
// QSvgGenerator. Only the widget given is drawn (a panel passes its chart area, not its check
// boxes and readouts). Files are written atomically (QSaveFile): a reader never sees half a file.

#include <QString>

class QByteArray;
class QWidget;

namespace quantscope::widgets {

// Each returns an empty string on success, else a message naming the file and the problem.
// Any bytes (an exported table), written atomically.
QString saveBytes(const QString& path, const QByteArray& bytes);
QString saveWidgetPng(QWidget* widget, const QString& path);
// `title` is plain text (a tab's "&Histogram" loses its mnemonic ampersand); it is escaped for
// the SVG's <title>.
QString saveWidgetSvg(QWidget* widget, const QString& path, const QString& title);

// Plain text from a label that may carry a mnemonic: "Si&gnal" -> "Signal", "A && B" -> "A & B".
QString withoutMnemonic(const QString& label);

}  // namespace quantscope::widgets
