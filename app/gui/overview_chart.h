#pragma once
// The Overview's bar chart: SQNR per tensor in file order, or per layer (the parameter-weighted
// model SQNR of each layer's tensors, layer index parsed from the names), so that a bad tensor
// or layer stands out. A dashed line marks the model SQNR; bars more than 6 dB below it are
// drawn in the warning colour. The title carries the model SQNR and the bytes before and after,
// so that an exported PNG or SVG says what it shows. Colours follow the palette.

#include <QWidget>
#include <vector>

#include "quantscope/model/model_overview.h"

namespace quantscope::app {

class OverviewChart : public QWidget {
    Q_OBJECT

public:
    enum class Grouping { FileOrder, ByLayer };

    explicit OverviewChart(QWidget* parent = nullptr);

    // `rows` in any order; shown under config `config`.
    void setRows(const std::vector<OverviewRow>& rows, std::size_t config, const QString& label);
    void setGrouping(Grouping grouping);
    Grouping grouping() const { return grouping_; }
    int barCount() const { return static_cast<int>(bars_.size()); }
    QString title() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    // A bar of one tensor was double-clicked: its index in Source::tensors().
    void tensorActivated(std::size_t tensor);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;

private:
    struct Bar {
        QString name;
        double sqnr = 0;
        std::int64_t parameters = 0;
        long long tensor = -1;  // -1 for a layer
    };
    void rebuild();
    QRectF plotRect() const;
    int barAt(QPointF point) const;

    std::vector<OverviewRow> rows_;  // file order
    std::size_t config_ = 0;
    QString label_;
    Grouping grouping_ = Grouping::FileOrder;
    std::vector<Bar> bars_;
    OverviewTotals totals_;
    double top_ = 50;
    double bottom_ = 0;
};

}  // namespace quantscope::app
