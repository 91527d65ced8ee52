#include "overview_chart.h"

#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <algorithm>
#include <cmath>
#include <map>

#include "quantscope/common/text.h"
#include "quantscope/quant/metric_descriptors.h"

namespace quantscope::app {

namespace {

constexpr double kWarningDb = 6;

QString db(double v) {
    return QString::fromStdString(significant_text(v, 4, NumberSymbols::Unicode)) +
           QStringLiteral(" dB");
}

// A step of 1, 2 or 5 times a power of ten giving about `ticks` ticks over `span`.
double niceStep(double span, int ticks) {
    const double raw = span / std::max(ticks, 1);
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double m : {1.0, 2.0, 5.0, 10.0}) {
        if (m * power >= raw) {
            return m * power;
        }
    }
    return 10 * power;
}

QColor warningColor(const QPalette& palette) {
    const bool dark = palette.color(QPalette::Window).lightness() < 128;
    return dark ? QColor(255, 120, 110) : QColor(200, 40, 30);
}

}  // namespace

OverviewChart::OverviewChart(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
}

QSize OverviewChart::sizeHint() const {
    return {640, 240};
}

QSize OverviewChart::minimumSizeHint() const {
    return {240, 140};
}

void OverviewChart::setRows(const std::vector<OverviewRow>& rows, std::size_t config,
                            const QString& label) {
    rows_ = rows;
    std::sort(rows_.begin(), rows_.end(),
              [](const OverviewRow& a, const OverviewRow& b) { return a.tensor < b.tensor; });
    config_ = config;
    label_ = label;
    rebuild();
}

void OverviewChart::setGrouping(Grouping grouping) {
    grouping_ = grouping;
    rebuild();
}

QString OverviewChart::title() const {
    if (totals_.tensors == 0) {
        return tr("SQNR per tensor: no tensor quantized yet");
    }
    const QLocale locale = QLocale::system();
    const QString tensors =
        totals_.tensors == 1 ? tr("1 tensor") : tr("%1 tensors").arg(totals_.tensors);
    return tr("%1: model SQNR %2 — %3 → %4 — %5")
        .arg(label_, db(totals_.model_sqnr_db),
             locale.formattedDataSize(totals_.bytes_before, 2, QLocale::DataSizeSIFormat),
             locale.formattedDataSize(totals_.bytes_after, 2, QLocale::DataSizeSIFormat), tensors);
}

void OverviewChart::rebuild() {
    bars_.clear();
    totals_ = overview_totals(rows_, config_);
    if (grouping_ == Grouping::FileOrder) {
        for (const OverviewRow& row : rows_) {
            if (config_ < row.cells.size()) {
                bars_.push_back({QString::fromStdString(valid_utf8(row.name)),
                                 row.cells[config_].metrics.sqnr_db, row.parameters,
                                 static_cast<long long>(row.tensor)});
            }
        }
    } else {
        std::map<std::int64_t, ModelSqnr> layers;  // -1: tensors without a layer
        for (const OverviewRow& row : rows_) {
            if (config_ < row.cells.size()) {
                layers[row.layer.value_or(-1)].add(row.cells[config_].metrics.sqnr_db,
                                                   row.parameters);
            }
        }
        for (const auto& [layer, sqnr] : layers) {
            bars_.push_back({layer < 0 ? tr("no layer") : tr("layer %1").arg(layer), sqnr.db(),
                             sqnr.parameters, -1});
        }
    }
    double lo = 0;
    double hi = 10;
    for (const Bar& bar : bars_) {
        if (std::isfinite(bar.sqnr)) {
            lo = std::min(lo, bar.sqnr);
            hi = std::max(hi, bar.sqnr);
        }
    }
    const double step = niceStep(hi - lo, 5);
    top_ = std::ceil(hi / step) * step;
    bottom_ = std::floor(lo / step) * step;
    update();
}

QRectF OverviewChart::plotRect() const {
    const QFontMetrics fm(font());
    const double left = fm.horizontalAdvance(QStringLiteral("-888 dB")) + 14;
    const double top = 2.0 * fm.height() + 10;
    const double bottom = 1.5 * fm.height() + 8;
    return QRectF(left, top, std::max(10.0, width() - left - 14),
                  std::max(10.0, height() - top - bottom));
}

int OverviewChart::barAt(QPointF point) const {
    const QRectF plot = plotRect();
    if (bars_.empty() || !plot.contains(point)) {
        return -1;
    }
    const int i = static_cast<int>((point.x() - plot.left()) / plot.width() *
                                   static_cast<double>(bars_.size()));
    return std::clamp(i, 0, static_cast<int>(bars_.size()) - 1);
}

void OverviewChart::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette& pal = palette();
    const QFontMetrics fm(font());
    p.fillRect(rect(), pal.color(QPalette::Base));
    p.setPen(pal.color(QPalette::Text));
    QFont titleFont = font();
    titleFont.setBold(true);
    p.setFont(titleFont);
    p.drawText(QRectF(8, 4, width() - 16, fm.height() + 2), Qt::AlignLeft | Qt::AlignVCenter,
               QFontMetrics(titleFont).elidedText(title(), Qt::ElideRight, width() - 16));
    p.setFont(font());
    const QRectF plot = plotRect();
    const auto y = [&](double v) {
        const double clamped = std::clamp(v, bottom_, top_);
        return plot.bottom() - (clamped - bottom_) / (top_ - bottom_) * plot.height();
    };
    // Axis, grid and tick labels.
    const double step = niceStep(top_ - bottom_, 5);
    QColor grid = pal.color(QPalette::Text);
    grid.setAlpha(40);
    for (double v = bottom_; v <= top_ + step / 2; v += step) {
        p.setPen(grid);
        p.drawLine(QPointF(plot.left(), y(v)), QPointF(plot.right(), y(v)));
        p.setPen(pal.color(QPalette::Text));
        const QString text = QString::number(v, 'g', 4);
        p.drawText(QRectF(0, y(v) - fm.height() / 2.0, plot.left() - 6, fm.height()),
                   Qt::AlignRight | Qt::AlignVCenter, text);
    }
    p.drawText(
        QRectF(8, fm.height() + 6, width() - 16, fm.height()), Qt::AlignLeft,
        tr("SQNR (dB) per %1; dashed: model SQNR; red: more than 6 dB below it")
            .arg(grouping_ == Grouping::FileOrder ? tr("tensor, in file order") : tr("layer")));
    p.drawLine(plot.bottomLeft(), plot.bottomRight());
    p.drawLine(plot.bottomLeft(), plot.topLeft());
    if (bars_.empty()) {
        return;
    }
    const double width = plot.width() / static_cast<double>(bars_.size());
    const double gap = width > 4 ? std::min(2.0, width * 0.2) : 0;
    const QColor normal = pal.color(QPalette::Highlight);
    const QColor warning = warningColor(pal);
    const double model = totals_.model_sqnr_db;
    for (std::size_t i = 0; i < bars_.size(); ++i) {
        const Bar& bar = bars_[i];
        const double x = plot.left() + static_cast<double>(i) * width;
        const double base = y(std::max(0.0, bottom_));
        const double tip = y(std::isnan(bar.sqnr) ? 0 : bar.sqnr);
        const bool bad = std::isfinite(model) && bar.sqnr < model - kWarningDb;
        p.fillRect(QRectF(x + gap / 2, std::min(base, tip), std::max(1.0, width - gap),
                          std::abs(base - tip)),
                   bad ? warning : normal);
    }
    if (std::isfinite(model)) {
        QPen dashed(pal.color(QPalette::Text), 1, Qt::DashLine);
        p.setPen(dashed);
        p.drawLine(QPointF(plot.left(), y(model)), QPointF(plot.right(), y(model)));
    }
    // Category labels along the bottom, as many as fit.
    p.setPen(pal.color(QPalette::Text));
    const int every = std::max(
        1, static_cast<int>(std::ceil((fm.horizontalAdvance(QStringLiteral("layer 888")) + 8) /
                                      std::max(width, 1e-9))));
    for (std::size_t i = 0; i < bars_.size(); i += static_cast<std::size_t>(every)) {
        const QString text = grouping_ == Grouping::FileOrder ? QString::number(i) : bars_[i].name;
        const double x = plot.left() + (static_cast<double>(i) + 0.5) * width;
        p.drawText(QRectF(x - 60, plot.bottom() + 3, 120, fm.height()), Qt::AlignHCenter, text);
    }
}

void OverviewChart::mouseMoveEvent(QMouseEvent* event) {
    const int i = barAt(event->position());
    if (i < 0) {
        QToolTip::hideText();
        return;
    }
    const Bar& bar = bars_[static_cast<std::size_t>(i)];
    QToolTip::showText(event->globalPosition().toPoint(),
                       tr("%1\nSQNR %2, %3 parameters%4")
                           .arg(bar.name, db(bar.sqnr),
                                QLocale::system().toString(static_cast<qlonglong>(bar.parameters)),
                                bar.tensor >= 0 ? tr("\nDouble-click to study it") : QString()),
                       this);
}

void OverviewChart::mouseDoubleClickEvent(QMouseEvent* event) {
    const int i = barAt(event->position());
    if (i >= 0 && bars_[static_cast<std::size_t>(i)].tensor >= 0) {
        emit tensorActivated(static_cast<std::size_t>(bars_[static_cast<std::size_t>(i)].tensor));
    }
}

}  // namespace quantscope::app
