#pragma once
// Colours for series that must be told apart: the Okabe–Ito set, distinct also to readers with
// a colour-vision deficiency, with its black swapped for the palette's text colour so that it
// shows on light and dark backgrounds alike. Beyond eight series the colours repeat with a
// different line style.

#include <QColor>
#include <QPalette>

namespace quantscope::widgets {

inline constexpr int kDistinctSeriesColors = 8;

// The colour of series i on a background of `palette`.
QColor seriesColor(int i, const QPalette& palette);
// Solid for the first eight series, then dashed, then dotted.
Qt::PenStyle seriesPenStyle(int i);

}  // namespace quantscope::widgets
