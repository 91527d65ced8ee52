#pragma once
// How much of an int32 accumulator the integer products used: one bar per product on a scale
// of bits (0 to 31 plus sign), filled to the bits the largest sum took, a tick at the bits the
// formats' worst case needs, and the int32 limit as a line. A worst case past the line is drawn
// in the palette's warning colour: other inputs of the same size could overflow.

#include <QList>
#include <QString>
#include <QWidget>
#include <cstdint>

namespace quantscope::app {

class AccumulatorBar : public QWidget {
    Q_OBJECT

public:
    struct Entry {
        QString name;
        std::int64_t largest = 0;     // |sum|, exact
        std::int64_t worstCase = 0;   // k * max|qx| * max|qw|
        std::int64_t overflowed = 0;  // sums that wrapped
    };

    explicit AccumulatorBar(QWidget* parent = nullptr);
    void setEntries(const QList<Entry>& entries);
    const QList<Entry>& entries() const { return entries_; }

    // Bits a magnitude takes (its bit width; 0 for 0).
    static int bitsOf(std::int64_t magnitude);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QList<Entry> entries_;
};

}  // namespace quantscope::app
