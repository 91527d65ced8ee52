#pragma once
// Saving what a view shows: PNG at the screen's device pixel ratio, or SVG (vector) through
// QSvgGenerator. Files are written atomically (QSaveFile): a reader never sees half a file.

#include <QString>

class QWidget;

namespace quantscope::widgets {

// Returns an empty string on success, else a message naming the file and the problem.
QString saveWidgetPng(QWidget* widget, const QString& path);
QString saveWidgetSvg(QWidget* widget, const QString& path, const QString& title);

}  // namespace quantscope::widgets
