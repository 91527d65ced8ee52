#pragma once
// A histogram small enough to sit in a panel row: bars only, no axes, the bin under the mouse
// in the tooltip. The metrics panel shows the spread of the group scales with it.

#include <QString>
#include <QWidget>
#include <cstdint>
#include <vector>

namespace quantscope::widgets {

class MiniHistogram : public QWidget {
    Q_OBJECT

public:
    explicit MiniHistogram(QWidget* parent = nullptr);

    // Bin i spans [edges[i], edges[i + 1]); edges has counts.size() + 1 entries.
    void setBins(std::vector<std::int64_t> counts, std::vector<double> edges, const QString& what);
    void clear();
    const std::vector<std::int64_t>& counts() const { return counts_; }

    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;

private:
    std::vector<std::int64_t> counts_;
    std::vector<double> edges_;
    QString what_;
};

}  // namespace quantscope::widgets
