#pragma once
// A 2-D histogram drawn as an image with axes: how many points fall in each (x, y) cell, on a
// log colour scale. DESIGN.md speed facts: a scatter of a million points would take minutes to
// draw, the image takes the same time at any count. The counts are binned off the GUI thread
// (densityToImage is thread-safe); the view only scales the image into its plot area.

#include <QImage>
#include <QString>
#include <QWidget>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>

namespace quantscope::widgets {

struct DensityImage {
    QImage image;  // one pixel per cell; row 0 at the top (= yHi)
    double xLo = 0;
    double xHi = 1;
    double yLo = 0;
    double yHi = 1;
    std::int64_t maxCount = 0;
    // The clipping range, drawn as dashed lines (NaN: none).
    double clipLo = std::numeric_limits<double>::quiet_NaN();
    double clipHi = std::numeric_limits<double>::quiet_NaN();
};

// Colours counts[row * columns + column] (row 0 = lowest y) on a log scale; empty cells are
// transparent so the widget's background shows through.
QImage densityToImage(std::span<const std::int64_t> counts, int columns, int rows,
                      std::int64_t* maxCount = nullptr);

class DensityImageView : public QWidget {
    Q_OBJECT

public:
    explicit DensityImageView(QWidget* parent = nullptr);

    void setDensity(DensityImage density);
    void clear();
    const DensityImage& density() const { return density_; }
    void setTitles(const QString& title, const QString& x, const QString& y);

    // The plot area inside the widget, where the image is drawn.
    QRect plotRect() const;

signals:
    void hovered(QPointF value);
    void clicked(QPointF value);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    std::optional<QPointF> valueAt(QPointF position) const;

    DensityImage density_;
    QString title_;
    QString xTitle_;
    QString yTitle_;
};

}  // namespace quantscope::widgets
