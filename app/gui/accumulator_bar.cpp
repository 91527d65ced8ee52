#include "accumulator_bar.h"

#include <QPainter>
#include <QPalette>
#include <algorithm>
#include <bit>

namespace quantscope::app {

namespace {
constexpr int kLimitBits = 31;  // int32: 31 magnitude bits and a sign
constexpr int kScaleBits = 44;  // room right of the limit for worst cases beyond it
constexpr int kRowHeight = 22;
}  // namespace

AccumulatorBar::AccumulatorBar(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void AccumulatorBar::setEntries(const QList<Entry>& entries) {
    entries_ = entries;
    updateGeometry();
    update();
}

int AccumulatorBar::bitsOf(std::int64_t magnitude) {
    return magnitude <= 0 ? 0
                          : static_cast<int>(std::bit_width(static_cast<std::uint64_t>(magnitude)));
}

QSize AccumulatorBar::sizeHint() const {
    return {480, minimumSizeHint().height()};
}

QSize AccumulatorBar::minimumSizeHint() const {
    const int rows = std::max<int>(1, static_cast<int>(entries_.size()));
    return {240, rows * kRowHeight + 2 * fontMetrics().height() + 8};
}

void AccumulatorBar::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette& pal = palette();
    const QFontMetrics fm = fontMetrics();
    int nameWidth = fm.horizontalAdvance(tr("int32 limit"));
    for (const Entry& e : entries_) {
        nameWidth = std::max(nameWidth, fm.horizontalAdvance(e.name));
    }
    const int left = nameWidth + 12;
    const int right = width() - 8;
    const auto xOf = [&](double bits) {
        return left + (right - left) * std::clamp(bits, 0.0, double(kScaleBits)) / kScaleBits;
    };
    const QColor text = pal.color(QPalette::WindowText);
    const QColor fill = pal.color(QPalette::Highlight);
    QColor warn(214, 39, 40);
    int y = fm.height() + 4;
    p.setPen(text);
    p.drawText(QRect(left, 0, right - left, fm.height() + 2), Qt::AlignLeft | Qt::AlignVCenter,
               fm.elidedText(tr("Accumulator bits: the largest |sum| (bar), the formats' worst "
                                "case (tick)"),
                             Qt::ElideRight, right - left));
    if (entries_.isEmpty()) {
        p.drawText(QRect(0, y, width(), kRowHeight), Qt::AlignCenter,
                   tr("No integer product: every mode multiplied dequantized values."));
    }
    for (const Entry& e : entries_) {
        const QRect row(left, y + 4, right - left, kRowHeight - 8);
        p.setPen(text);
        p.drawText(QRect(0, y, nameWidth + 6, kRowHeight), Qt::AlignRight | Qt::AlignVCenter,
                   e.name);
        p.setPen(Qt::NoPen);
        p.setBrush(pal.color(QPalette::AlternateBase));
        p.drawRect(row);
        const bool over = e.overflowed > 0;
        p.setBrush(over ? warn : fill);
        p.drawRect(
            QRectF(row.left(), row.top(), xOf(bitsOf(e.largest)) - row.left(), row.height()));
        const double wx = xOf(bitsOf(e.worstCase));
        p.setPen(QPen(e.worstCase > 2147483647 ? warn : text, 2));
        p.drawLine(QPointF(wx, row.top() - 3), QPointF(wx, row.bottom() + 3));
        y += kRowHeight;
    }
    // The scale: ticks every 8 bits and the int32 limit.
    p.setPen(text);
    const int axisY = y + 2;
    for (int b = 0; b <= kScaleBits; b += 8) {
        const double x = xOf(b);
        if (b > kLimitBits - 8) {
            break;  // the limit's own label stands there
        }
        p.drawLine(QPointF(x, axisY), QPointF(x, axisY + 3));
        p.drawText(QRectF(x - 20, axisY + 3, 40, fm.height()), Qt::AlignHCenter | Qt::AlignTop,
                   QString::number(b));
    }
    const double limit = xOf(kLimitBits);
    p.setPen(QPen(warn, 1.5, Qt::DashLine));
    p.drawLine(QPointF(limit, fm.height() + 2), QPointF(limit, axisY));
    p.setPen(warn);
    p.drawText(QRectF(limit - 4, axisY + 3, right - limit + 4, fm.height()),
               Qt::AlignLeft | Qt::AlignTop, tr("31: int32 limit"));
}

}  // namespace quantscope::app
