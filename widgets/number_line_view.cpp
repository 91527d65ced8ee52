#include "number_line_view.h"

#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>
#include <map>

#include "format_table_model.h"
#include "nice_axis.h"
#include "series_palette.h"

namespace quantscope::widgets {

namespace {

constexpr int kMargin = 14;
constexpr int kAxisHeight = 26;
constexpr int kRowHeight = 56;

}  // namespace

NumberLineView::NumberLineView(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
}

void NumberLineView::setLines(QList<NumberLine> lines) {
    lines_ = std::move(lines);
    for (NumberLine& line : lines_) {
        std::sort(line.values.begin(), line.values.end());
    }
    update();
}

void NumberLineView::setHistogram(std::optional<Histogram> histogram) {
    histogram_ = std::move(histogram);
    update();
}

void NumberLineView::setLogAxis(bool log) {
    log_ = log;
    update();
}

QSize NumberLineView::sizeHint() const {
    return {700, kAxisHeight + 2 * kMargin +
                     kRowHeight * static_cast<int>(std::max<qsizetype>(1, lines_.size()))};
}

QSize NumberLineView::minimumSizeHint() const {
    return {240, kAxisHeight + 2 * kMargin + kRowHeight};
}

QRectF NumberLineView::plotRect() const {
    return QRectF(kMargin, kMargin, std::max(1, width() - 2 * kMargin),
                  std::max(1, height() - 2 * kMargin - kAxisHeight));
}

std::pair<double, double> NumberLineView::axisRange() const {
    double lo = HUGE_VAL;
    double hi = -HUGE_VAL;
    for (const NumberLine& line : lines_) {
        for (double v : line.values) {
            if (!std::isfinite(v) || (log_ && v <= 0)) {
                continue;
            }
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    }
    if (histogram_ && !log_) {
        lo = std::min(lo, histogram_->lo);
        hi = std::max(hi, histogram_->hi);
    }
    if (!(lo < hi)) {
        return log_ ? std::pair{0.0, 1.0} : std::pair{lo - 1, lo + 1};
    }
    if (log_) {
        const double l = std::log2(lo);
        const double h = std::log2(hi);
        const double pad = std::max(0.25, (h - l) * 0.02);
        return {l - pad, h + pad};
    }
    const double pad = (hi - lo) * 0.03;
    return {lo - pad, hi + pad};
}

double NumberLineView::toX(double value, std::pair<double, double> range) const {
    const QRectF r = plotRect();
    const auto [lo, hi] = range;
    const double v = log_ ? std::log2(value) : value;
    return r.left() + (v - lo) / (hi - lo) * r.width();
}

QList<NumberLineView::Mark> NumberLineView::marks(qsizetype line) const {
    QList<Mark> out;
    const auto range = axisRange();
    for (double v : lines_.at(line).values) {
        if (std::isfinite(v) && (!log_ || v > 0)) {
            out.append({v, toX(v, range)});
        }
    }
    return out;
}

int NumberLineView::mostPerPixel(qsizetype line) const {
    std::map<int, int> columns;
    int most = 0;
    for (const Mark& m : marks(line)) {
        most = std::max(most, ++columns[static_cast<int>(std::floor(m.x))]);
    }
    return most;
}

QString NumberLineView::rowLabel(qsizetype line) const {
    const qsizetype count = marks(line).size();
    QString text = log_ ? tr("%1: %2 positive values").arg(lines_.at(line).label).arg(count)
                        : tr("%1: %2 values").arg(lines_.at(line).label).arg(count);
    const int most = mostPerPixel(line);
    if (most > 1) {
        text += tr("; up to %1 share a pixel (bold ticks)").arg(most);
    }
    return text;
}

QColor NumberLineView::lineColour(qsizetype line) const {
    return seriesColor(static_cast<int>(line), palette());
}

void NumberLineView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    const QRectF r = plotRect();
    const QColor text = palette().color(QPalette::Text);
    QColor faint = text;
    faint.setAlpha(90);

    const auto range = axisRange();
    // The histogram behind everything, scaled to the plot's height.
    if (histogram_ && !log_ && !histogram_->counts.empty()) {
        const auto peak = *std::max_element(histogram_->counts.begin(), histogram_->counts.end());
        if (peak > 0) {
            QColor fill = palette().color(QPalette::Mid);
            fill.setAlpha(150);
            QPainterPath path;
            path.moveTo(toX(histogram_->lo, range), r.bottom());
            for (std::size_t i = 0; i < histogram_->bins(); ++i) {
                const double top = r.bottom() - r.height() *
                                                    static_cast<double>(histogram_->counts[i]) /
                                                    static_cast<double>(peak);
                path.lineTo(toX(histogram_->bin_left(i), range), top);
                path.lineTo(toX(histogram_->bin_left(i) + histogram_->bin_width(), range), top);
            }
            path.lineTo(toX(histogram_->hi, range), r.bottom());
            path.closeSubpath();
            painter.fillPath(path, fill);
        }
    }

    // The axis with its ticks.
    const auto [lo, hi] = range;
    painter.setPen(text);
    painter.drawLine(QPointF(r.left(), r.bottom()), QPointF(r.right(), r.bottom()));
    const QFontMetrics fm = painter.fontMetrics();
    QList<AxisTick> ticks;
    if (log_) {
        // Powers of two, as many as their labels leave room for.
        const int first = static_cast<int>(std::ceil(lo));
        const int last = static_cast<int>(std::floor(hi));
        const auto label = [](int e) {
            return e >= -3 && e <= 10 ? formatNumber(std::ldexp(1.0, e))
                                      : QStringLiteral("2^%1").arg(e);
        };
        int widest = 0;
        for (int e = first; e <= last; ++e) {
            widest = std::max(widest, fm.horizontalAdvance(label(e)));
        }
        const double perPower = r.width() / std::max(1e-9, hi - lo);
        const int step = std::max(1, static_cast<int>(std::ceil((widest + 12) / perPower)));
        for (int e = first - (first % step + step) % step; e <= last; e += step) {
            if (e >= first) {
                ticks.append({static_cast<double>(e), label(e)});
            }
        }
    } else {
        ticks = linearTicks(lo, hi, std::max(2, static_cast<int>(r.width() / 90)));
    }
    for (const AxisTick& t : ticks) {
        const double x = r.left() + (t.value - lo) / (hi - lo) * r.width();
        painter.drawLine(QPointF(x, r.bottom()), QPointF(x, r.bottom() + 4));
        const int w = fm.horizontalAdvance(t.label);
        const double left = std::clamp(x - w / 2.0, 0.0, static_cast<double>(width() - w));
        painter.drawText(QPointF(left, r.bottom() + 6 + fm.ascent()), t.label);
    }

    // One row per format: its label, then a tick per value; ticks that share a pixel are one
    // bold tick.
    const qsizetype n = std::max<qsizetype>(1, lines_.size());
    const double rowHeight = r.height() / static_cast<double>(n);
    for (qsizetype i = 0; i < lines_.size(); ++i) {
        const double top = r.top() + rowHeight * static_cast<double>(i);
        const QColor colour = lineColour(i);
        painter.setPen(text);
        // The label wraps rather than running out of the widget.
        const QRectF labelRect(r.left(), top, r.width(), rowHeight);
        const int flags = Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap;
        const QRectF used = painter.boundingRect(labelRect, flags, rowLabel(i));
        painter.drawText(labelRect, flags, rowLabel(i));
        const double tickTop = top + used.height() + 4;
        const double tickBottom = top + rowHeight - 4;
        if (tickBottom <= tickTop) {
            continue;
        }
        painter.setPen(QPen(faint, 1));
        painter.drawLine(QPointF(r.left(), tickBottom), QPointF(r.right(), tickBottom));
        std::map<int, int> columns;
        for (const Mark& m : marks(i)) {
            ++columns[static_cast<int>(std::floor(m.x))];
        }
        for (const auto& [x, count] : columns) {
            painter.setPen(QPen(colour, count > 1 ? 3 : 1));
            painter.drawLine(QPointF(x + 0.5, tickTop), QPointF(x + 0.5, tickBottom));
        }
    }
    if (lines_.isEmpty()) {
        painter.setPen(text);
        painter.drawText(r, Qt::AlignCenter, tr("No format to draw."));
    }
}

}  // namespace quantscope::widgets
