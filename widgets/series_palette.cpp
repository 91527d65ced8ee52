#include "series_palette.h"

#include <array>

namespace quantscope::widgets {

QColor seriesColor(int i, const QPalette& palette) {
    static constexpr std::array<QRgb, kDistinctSeriesColors> kOkabeIto{
        qRgb(230, 159, 0),    // orange
        qRgb(0, 114, 178),    // blue
        qRgb(0, 158, 115),    // bluish green
        qRgb(213, 94, 0),     // vermillion
        qRgb(204, 121, 167),  // reddish purple
        qRgb(86, 180, 233),   // sky blue
        qRgb(240, 228, 66),   // yellow
        0,                    // the text colour: black on light, white on dark
    };
    const QRgb rgb = kOkabeIto[static_cast<std::size_t>(i % kDistinctSeriesColors)];
    if (rgb == 0) {
        return palette.color(QPalette::Text);
    }
    QColor colour(rgb);
    // Yellow vanishes on a white background: darken it there.
    if (colour == QColor(240, 228, 66) && palette.color(QPalette::Base).lightness() > 160) {
        colour = QColor(190, 170, 0);
    }
    return colour;
}

Qt::PenStyle seriesPenStyle(int i) {
    switch ((i / kDistinctSeriesColors) % 3) {
        case 0:
            return Qt::SolidLine;
        case 1:
            return Qt::DashLine;
        default:
            return Qt::DotLine;
    }
}

}  // namespace quantscope::widgets
