#include "histogram_panel.h"

#include <QChart>
#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "analysis_session.h"
#include "histogram_chart_view.h"

namespace quantscope::app {

HistogramPanel::HistogramPanel(AnalysisSession* session, QWidget* parent)
    : QWidget(parent), session_(session) {
    view_ = new widgets::HistogramChartView(this);
    logScale_ = new QCheckBox(tr("&Log counts"), this);
    logScale_->setToolTip(
        tr("Count axis as log10(1 + count): the few values in the tails, "
           "and the clipped ones, become visible."));
    auto* reset = new QPushButton(tr("Show all"), this);
    reset->setToolTip(tr("Undo zoom and pan (double click or Home does the same)."));
    readout_ = new QLabel(this);
    readout_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* bar = new QHBoxLayout;
    bar->addWidget(logScale_);
    bar->addWidget(reset);
    bar->addWidget(readout_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(view_, 1);
    layout->addLayout(bar);

    connect(logScale_, &QCheckBox::toggled, view_, &widgets::HistogramChartView::setLogScale);
    connect(reset, &QPushButton::clicked, view_, &widgets::HistogramChartView::resetZoom);
    connect(view_, &widgets::HistogramChartView::hovered, this,
            [this](QPointF value) { readout_->setText(view_->readoutAt(value.x())); });
    connect(view_, &widgets::HistogramChartView::clipRangeDragged, session_,
            &AnalysisSession::setManualClipRange);
    connect(session_, &AnalysisSession::analysisFinished, this, &HistogramPanel::showOutcome);
    connect(session_, &AnalysisSession::tensorChanged, view_, [this] {
        view_->clear();
        view_->resetZoom();
    });
}

void HistogramPanel::showOutcome() {
    const auto outcome = session_->outcome();
    if (outcome) {
        const Scheme scheme = outcome->config.scheme;
        view_->setSymmetricDrag(scheme == Scheme::Symmetric || scheme == Scheme::Scaled);
        view_->setPlot(outcome->plot);
    }
}

}  // namespace quantscope::app
