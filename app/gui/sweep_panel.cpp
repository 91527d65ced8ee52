#include "sweep_panel.h"

#include <QChart>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QPushButton>
#include <QVBoxLayout>
#include <QValueAxis>
#include <cmath>

#include "analysis_session.h"
#include "plot_chart_view.h"

namespace quantscope::app {

QWidget* SweepPanel::chartArea() const {
    return view_;
}

SweepPanel::SweepPanel(AnalysisSession* session, QWidget* parent)
    : QWidget(parent), session_(session) {
    view_ = new widgets::PlotChartView(this);
    view_->chart()->setTitle(tr("SQNR against bit width"));
    view_->setAxisTitles(tr("bits"), tr("SQNR (dB)"));
    view_->setXTickStyle(widgets::TickStyle::Integer);  // there is no 2.5-bit format
    note_ = new QLabel(this);
    note_->setWordWrap(true);
    auto* run = new QPushButton(tr("R&un sweep"), this);
    run->setToolTip(tr("Quantize the tensor at every bit width from %1 to %2 under each "
                       "calibration (runs by itself when this tab is shown).")
                        .arg(kSweepMinBits)
                        .arg(kSweepMaxBits));
    connect(run, &QPushButton::clicked, session_, &AnalysisSession::runBitSweep);
    auto* bar = new QHBoxLayout;
    bar->addWidget(note_, 1);
    bar->addWidget(run);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(view_, 1);
    layout->addLayout(bar);
    connect(session_, &AnalysisSession::bitSweepFinished, this, &SweepPanel::showSweep);
    connect(session_, &AnalysisSession::bitSweepInvalidated, this, &SweepPanel::showStale);
    showStale();
}

void SweepPanel::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    refresh();
}

void SweepPanel::refresh() {
    if (!session_->bitSweepIsCurrent()) {
        session_->runBitSweep();
    }
}

void SweepPanel::showStale() {
    if (!session_->tensor()) {
        view_->setCurves({});  // the closed tensor's curves go with it
    }
    note_->setText(session_->bitSweep() ? tr("The tensor or config changed: the curves are out "
                                             "of date until the sweep runs again.")
                                        : tr("The sweep runs when this tab is shown."));
    if (isVisible()) {
        refresh();
    }
}

void SweepPanel::showSweep() {
    const auto sweep = session_->bitSweep();
    if (!sweep) {
        return;
    }
    static const QList<QColor> colours{
        {52, 120, 198}, {230, 126, 34}, {39, 174, 96}, {142, 68, 173}};
    QList<widgets::Curve> curves;
    double anchor = std::nan("");
    for (std::size_t c = 0; c < sweep->calibrations.size(); ++c) {
        QList<QPointF> points;
        for (std::size_t b = 0; b < sweep->bits.size(); ++b) {
            const double sqnr = sweep->sqnr[c][b];
            if (std::isfinite(sqnr)) {
                points.append({static_cast<double>(sweep->bits[b]), sqnr});
                if (c == 0 && sweep->bits[b] == 8) {
                    anchor = sqnr;
                }
            }
        }
        curves.append({QString::fromStdString(sweep->calibrations[c]), points,
                       colours[static_cast<qsizetype>(c) % colours.size()], 2.0});
    }
    if (std::isfinite(anchor)) {
        QList<QPointF> reference;
        for (int bits : {kSweepMinBits, kSweepMaxBits}) {
            reference.append({static_cast<double>(bits), anchor + kDbPerBit * (bits - 8)});
        }
        curves.append({tr("6.02 dB/bit (through min-max at 8 bits)"), reference,
                       palette().color(QPalette::Text), 1.0, Qt::DashLine});
    }
    view_->setCurves(curves);
    for (qsizetype i = 0; i < view_->curveCount(); ++i) {
        view_->curveSeries(i)->setPointsVisible(true);
    }
    const QuantConfig base = sweepBase(session_->config());
    note_->setText(tr("intK %1 %2, %3 rounding. Each bit halves the step: +6.02 dB while the "
                      "clipping range stays put.")
                       .arg(QString::fromLatin1(to_string(base.scheme)),
                            QString::fromStdString(to_string(base.granularity)),
                            QString::fromLatin1(to_string(base.rounding))));
}

}  // namespace quantscope::app
