#pragma once
// A one-line label that never asks for more width than it is given: text that does not fit is
// elided (at the end, or in the middle for names whose tail tells them apart) and the whole text
// goes into the tooltip. A panel of such labels keeps its width while the values change. With
// setWordWrap(true) a long text breaks between words onto more lines instead (the height grows,
// never the width), and only a single word wider than the label is elided.

#include <QFrame>
#include <QString>

namespace quantscope::widgets {

class ElidedLabel : public QFrame {
    Q_OBJECT

public:
    explicit ElidedLabel(QWidget* parent = nullptr);

    void setText(const QString& text);
    QString text() const { return text_; }
    // What the tooltip says besides the full text (the metric's definition, say).
    void setDescription(const QString& description);
    void setElideMode(Qt::TextElideMode mode);
    void setWordWrap(bool wrap);
    bool wordWrap() const { return wrap_; }
    // Whether the text shown is shorter than text().
    bool isElided() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    bool hasHeightForWidth() const override { return wrap_; }
    int heightForWidth(int width) const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void updateToolTip();
    // The text's extent when wrapped within `width` pixels.
    QRect wrappedRect(int width) const;

    QString text_;
    QString description_;
    Qt::TextElideMode mode_ = Qt::ElideRight;
    bool wrap_ = false;
};

}  // namespace quantscope::widgets
