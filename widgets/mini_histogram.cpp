#include "mini_histogram.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>

namespace quantscope::widgets {

MiniHistogram::MiniHistogram(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    setMouseTracking(true);
}

void MiniHistogram::setBins(std::vector<std::int64_t> counts, std::vector<double> edges,
                            const QString& what) {
    counts_ = std::move(counts);
    edges_ = std::move(edges);
    what_ = what;
    update();
}

void MiniHistogram::clear() {
    counts_.clear();
    edges_.clear();
    update();
}

QSize MiniHistogram::sizeHint() const {
    return {fontMetrics().averageCharWidth() * 20, fontMetrics().height() * 2};
}

void MiniHistogram::paintEvent(QPaintEvent*) {
    if (counts_.empty()) {
        return;
    }
    QPainter painter(this);
    const QRect area = rect().adjusted(0, 1, -1, -1);
    const std::int64_t top = *std::max_element(counts_.begin(), counts_.end());
    if (top <= 0) {
        return;
    }
    const double barWidth = static_cast<double>(area.width()) / static_cast<double>(counts_.size());
    QColor bar = palette().color(QPalette::Highlight);
    painter.setPen(Qt::NoPen);
    painter.setBrush(bar);
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        if (counts_[i] == 0) {
            continue;
        }
        // At least a pixel high: a bin holding one group must not vanish.
        const double h = std::max(
            1.0, area.height() * static_cast<double>(counts_[i]) / static_cast<double>(top));
        painter.drawRect(QRectF(area.left() + static_cast<double>(i) * barWidth, area.bottom() - h,
                                std::max(1.0, barWidth - 1), h));
    }
    painter.setPen(palette().color(QPalette::Mid));
    painter.drawLine(area.bottomLeft(), area.bottomRight());
}

bool MiniHistogram::event(QEvent* event) {
    if (event->type() == QEvent::ToolTip && !counts_.empty() &&
        edges_.size() == counts_.size() + 1) {
        auto* help = static_cast<QHelpEvent*>(event);
        const auto bin =
            std::min(counts_.size() - 1, static_cast<std::size_t>(std::max(0, help->pos().x()) *
                                                                  static_cast<int>(counts_.size()) /
                                                                  std::max(1, width())));
        QToolTip::showText(help->globalPos(),
                           tr("%1 in [%2, %3): %4")
                               .arg(what_)
                               .arg(edges_[bin], 0, 'g', 4)
                               .arg(edges_[bin + 1], 0, 'g', 4)
                               .arg(counts_[bin]),
                           this);
        return true;
    }
    return QWidget::event(event);
}

}  // namespace quantscope::widgets
