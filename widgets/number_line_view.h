#pragma once
// The number line: a tick per representable value of one or two formats, one row each, on a
// linear or a log axis, optionally over a tensor's histogram. Where a row holds more values than
// the pixels can separate, the ticks that share a pixel are drawn as one bold tick and the row's
// label says how many values share a pixel at most, so nothing is thinned silently. The log axis
// shows the positive values (the negatives mirror them; 0 has no place on it).

#include <QColor>
#include <QList>
#include <QString>
#include <QWidget>
#include <optional>
#include <utility>
#include <vector>

#include "quantscope/quant/histogram.h"

namespace quantscope::widgets {

struct NumberLine {
    QString label;
    std::vector<double> values;  // in the axis' units, any order
};

class NumberLineView : public QWidget {
    Q_OBJECT

public:
    struct Mark {
        double value = 0;
        double x = 0;  // pixel position in the widget
    };

    explicit NumberLineView(QWidget* parent = nullptr);

    void setLines(QList<NumberLine> lines);
    void setHistogram(std::optional<Histogram> histogram);
    void setLogAxis(bool log);
    bool logAxis() const { return log_; }
    qsizetype lineCount() const { return lines_.size(); }

    // The values line `line` draws (on the log axis the positive ones), ascending, with their x.
    QList<Mark> marks(qsizetype line) const;
    // The most values that share one pixel column on line `line` (1: every tick is apart).
    int mostPerPixel(qsizetype line) const;
    // The row's label as drawn, with its density note.
    QString rowLabel(qsizetype line) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QRectF plotRect() const;
    std::pair<double, double> axisRange() const;
    double toX(double value, std::pair<double, double> range) const;
    QColor lineColour(qsizetype line) const;

    QList<NumberLine> lines_;
    std::optional<Histogram> histogram_;
    bool log_ = false;
};

}  // namespace quantscope::widgets
