#include "elided_label.h"

#include <QPainter>

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

bool ElidedLabel::isElided() const {
    return fontMetrics().horizontalAdvance(text_) > contentsRect().width();
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
