#include "density_image_view.h"

#include <QMouseEvent>
#include <QPainter>
#include <algorithm>
#include <array>
#include <cmath>

#include "nice_axis.h"

namespace quantscope::widgets {

namespace {

// A perceptually ordered ramp (viridis, five stops), readable on light and dark palettes.
QRgb ramp(double t) {
    static constexpr std::array<std::array<int, 3>, 5> stops{
        {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}}};
    t = std::clamp(t, 0.0, 1.0) * (stops.size() - 1);
    const auto i = std::min(static_cast<std::size_t>(t), stops.size() - 2);
    const double f = t - static_cast<double>(i);
    auto mix = [&](std::size_t c) {
        return static_cast<int>(stops[i][c] + (stops[i + 1][c] - stops[i][c]) * f + 0.5);
    };
    return qRgb(mix(0), mix(1), mix(2));
}

}  // namespace

QImage densityToImage(std::span<const std::int64_t> counts, int columns, int rows,
                      std::int64_t* maxCount) {
    QImage image(columns, rows, QImage::Format_ARGB32);
    image.fill(Qt::transparent);
    const std::int64_t top = counts.empty() ? 0 : *std::max_element(counts.begin(), counts.end());
    if (maxCount) {
        *maxCount = top;
    }
    if (top <= 0) {
        return image;
    }
    const double scale = std::log1p(static_cast<double>(top));
    for (int row = 0; row < rows; ++row) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(rows - 1 - row));
        for (int column = 0; column < columns; ++column) {
            const std::int64_t n = counts[static_cast<std::size_t>(row * columns + column)];
            if (n > 0) {
                // Even a single point stays visible: the ramp starts a little above its bottom.
                line[column] = ramp(0.15 + 0.85 * std::log1p(static_cast<double>(n)) / scale);
            }
        }
    }
    return image;
}

DensityImageView::DensityImageView(QWidget* parent) : QWidget(parent) {
    setMinimumSize(320, 200);
    setMouseTracking(true);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
}

void DensityImageView::setDensity(DensityImage density) {
    density_ = std::move(density);
    update();
}

void DensityImageView::clear() {
    density_ = {};
    update();
}

void DensityImageView::setTitles(const QString& title, const QString& x, const QString& y) {
    title_ = title;
    xTitle_ = x;
    yTitle_ = y;
    update();
}

QRect DensityImageView::plotRect() const {
    const int text = fontMetrics().height();
    return rect().adjusted(text * 5, text * 2, -text, -text * 3);
}

void DensityImageView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    const QRect plot = plotRect();
    const QColor textColor = palette().color(QPalette::Text);
    painter.setPen(textColor);
    painter.drawText(QRect(0, 0, width(), fontMetrics().height() * 2), Qt::AlignCenter, title_);
    if (plot.width() <= 0 || plot.height() <= 0) {
        return;
    }
    if (!density_.image.isNull()) {
        painter.drawImage(plot, density_.image);
    }
    painter.setPen(palette().color(QPalette::Mid));
    painter.drawRect(plot.adjusted(0, 0, -1, -1));

    const auto xToPixel = [&](double x) {
        return plot.left() + (x - density_.xLo) / (density_.xHi - density_.xLo) * plot.width();
    };
    const auto yToPixel = [&](double y) {
        return plot.bottom() - (y - density_.yLo) / (density_.yHi - density_.yLo) * plot.height();
    };
    const int text = fontMetrics().height();
    painter.setPen(textColor);
    for (const AxisTick& x :
         linearTicks(density_.xLo, density_.xHi, std::max(2, plot.width() / 110))) {
        const int px = static_cast<int>(std::lround(xToPixel(x.value)));
        painter.drawLine(px, plot.bottom(), px, plot.bottom() + 4);
        painter.drawText(QRect(px - 40, plot.bottom() + 4, 80, text), Qt::AlignHCenter, x.label);
    }
    for (const AxisTick& y :
         linearTicks(density_.yLo, density_.yHi, std::max(2, plot.height() / 50))) {
        const int py = static_cast<int>(std::lround(yToPixel(y.value)));
        painter.drawLine(plot.left() - 4, py, plot.left(), py);
        painter.drawText(QRect(0, py - text / 2, plot.left() - 6, text),
                         Qt::AlignRight | Qt::AlignVCenter, y.label);
    }
    // The clipping range: outside it the clipped values' error grows linearly with x.
    painter.setPen(QPen(QColor(200, 30, 45), 1.5, Qt::DashLine));
    for (double clip : {density_.clipLo, density_.clipHi}) {
        if (std::isfinite(clip) && clip > density_.xLo && clip < density_.xHi) {
            const int px = static_cast<int>(std::lround(xToPixel(clip)));
            painter.drawLine(px, plot.top(), px, plot.bottom());
        }
    }
    // The zero-error line: the sawtooth oscillates around it, clipped tails leave it.
    if (density_.yLo < 0 && density_.yHi > 0) {
        painter.setPen(QPen(palette().color(QPalette::Mid), 1, Qt::DotLine));
        const int py = static_cast<int>(std::lround(yToPixel(0)));
        painter.drawLine(plot.left(), py, plot.right(), py);
    }
    painter.setPen(textColor);
    painter.drawText(QRect(plot.left(), plot.bottom() + text + 6, plot.width(), text + 4),
                     Qt::AlignHCenter, xTitle_);
    painter.save();
    painter.translate(text * 0.2, plot.center().y());
    painter.rotate(-90);
    painter.drawText(QRect(-plot.height() / 2, 0, plot.height(), text + 2), Qt::AlignHCenter,
                     yTitle_);
    painter.restore();
}

std::optional<QPointF> DensityImageView::valueAt(QPointF position) const {
    const QRect plot = plotRect();
    if (!plot.contains(position.toPoint()) || plot.width() <= 0 || plot.height() <= 0) {
        return std::nullopt;
    }
    const double fx = (position.x() - plot.left()) / plot.width();
    const double fy = (plot.bottom() - position.y()) / plot.height();
    return QPointF(density_.xLo + fx * (density_.xHi - density_.xLo),
                   density_.yLo + fy * (density_.yHi - density_.yLo));
}

void DensityImageView::mouseMoveEvent(QMouseEvent* event) {
    if (const auto value = valueAt(event->position())) {
        emit hovered(*value);
    }
    QWidget::mouseMoveEvent(event);
}

void DensityImageView::mousePressEvent(QMouseEvent* event) {
    if (const auto value = valueAt(event->position()); value && event->button() == Qt::LeftButton) {
        emit clicked(*value);
    }
    QWidget::mousePressEvent(event);
}

}  // namespace quantscope::widgets
