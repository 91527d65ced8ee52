#include "elided_label.h"

#include <QPainter>
#include <algorithm>

namespace quantscope::widgets {

ElidedLabel::ElidedLabel(QWidget* parent) : QFrame(parent) {
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
}

void ElidedLabel::setText(const QString& text) {
    if (text == text_) {
        return;
    }
    text_ = text;
    updateToolTip();
    if (wrap_) {
        updateGeometry();  // the number of lines may change
    }
    update();
}

void ElidedLabel::setDescription(const QString& description) {
    description_ = description;
    updateToolTip();
}

void ElidedLabel::setElideMode(Qt::TextElideMode mode) {
    mode_ = mode;
    updateToolTip();
    update();
}

void ElidedLabel::setWordWrap(bool wrap) {
    wrap_ = wrap;
    QSizePolicy policy = sizePolicy();
    policy.setHeightForWidth(wrap);
    setSizePolicy(policy);
    updateToolTip();
    updateGeometry();
    update();
}

bool ElidedLabel::isElided() const {
    const int width = contentsRect().width();
    if (wrap_) {
        return wrappedRect(width).width() > width;
    }
    return fontMetrics().horizontalAdvance(text_) > width;
}

QRect ElidedLabel::wrappedRect(int width) const {
    return fontMetrics().boundingRect(QRect(0, 0, std::max(1, width), QWIDGETSIZE_MAX),
                                      Qt::AlignLeft | Qt::TextWordWrap, text_);
}

int ElidedLabel::heightForWidth(int width) const {
    const QMargins m = contentsMargins();
    const int lines = wrappedRect(width - m.left() - m.right()).height();
    return std::max(lines, fontMetrics().height()) + 2 + m.top() + m.bottom();
}

QSize ElidedLabel::sizeHint() const {
    return {fontMetrics().averageCharWidth() * 12, fontMetrics().height() + 2};
}

QSize ElidedLabel::minimumSizeHint() const {
    return {fontMetrics().averageCharWidth() * 4, fontMetrics().height() + 2};
}

void ElidedLabel::paintEvent(QPaintEvent* event) {
    QFrame::paintEvent(event);
    QPainter painter(this);
    painter.setPen(palette().color(foregroundRole()));
    const QRect area = contentsRect();
    if (wrap_ && wrappedRect(area.width()).width() <= area.width()) {
        painter.drawText(area, Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, text_);
        return;
    }
    painter.drawText(area, Qt::AlignLeft | Qt::AlignVCenter,
                     fontMetrics().elidedText(text_, mode_, area.width()));
}

void ElidedLabel::resizeEvent(QResizeEvent* event) {
    QFrame::resizeEvent(event);
    updateToolTip();
}

void ElidedLabel::updateToolTip() {
    // The full text is in the tooltip whenever it is not all on screen.
    QString tip = description_;
    if (isElided() && !text_.isEmpty()) {
        tip = description_.isEmpty() ? text_ : text_ + QStringLiteral("\n\n") + description_;
    }
    setToolTip(tip);
}

}  // namespace quantscope::widgets
