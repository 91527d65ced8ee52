#include "histogram_panel.h"

#include <QEvent>

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
    caption_ = new QLabel(this);
    caption_->setWordWrap(true);
    caption_->setContentsMargins(8, 4, 8, 0);
    caption_->setTextFormat(Qt::RichText);
    showCaptionText();
    caption_->setVisible(false);
    connect(caption_, &QLabel::linkActivated, this, [this](const QString& link) {
        if (link == QLatin1String("log")) {
            logScale_->setChecked(true);
        } else {
            captionDismissed_ = true;
            caption_->setVisible(false);
        }
    });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(caption_);
    layout->addWidget(view_, 1);
    layout->addLayout(bar);

    connect(logScale_, &QCheckBox::toggled, view_, &widgets::HistogramChartView::setLogScale);
    connect(reset, &QPushButton::clicked, view_, &widgets::HistogramChartView::resetZoom);
    connect(view_, &widgets::HistogramChartView::hovered, this, [this](QPointF value) {
        hoverX_ = value.x();
        readout_->setText(view_->readoutAt(value.x()));
    });
    connect(view_, &widgets::HistogramChartView::hoverLeft, this, [this] {
        hoverX_.reset();
        readout_->clear();
    });
    connect(view_, &widgets::HistogramChartView::clipRangeDragged, session_,
            &AnalysisSession::setManualClipRange);
    connect(session_, &AnalysisSession::analysisFinished, this, &HistogramPanel::showOutcome);
    connect(session_, &AnalysisSession::tensorChanged, view_, [this] {
        view_->clear();
        view_->resetZoom();
        const int source = session_->selectedSource();
        const bool sample = source >= 0 && source < session_->sources().size() &&
                            session_->sources()[source].spec == QLatin1String("gen:sample");
        caption_->setVisible(sample && !captionDismissed_);
    });
}

QWidget* HistogramPanel::chartArea() const {
    return view_;
}

void HistogramPanel::showOutcome() {
    const auto outcome = session_->outcome();
    if (outcome) {
        const Scheme scheme = outcome->config.scheme;
        view_->setSymmetricDrag(scheme == Scheme::Symmetric || scheme == Scheme::Scaled);
        view_->setPlot(outcome->plot);
        // The counts under a resting pointer belong to the new result now.
        if (hoverX_) {
            readout_->setText(view_->readoutAt(*hoverX_));
        }
    }
}

void HistogramPanel::showCaptionText() {
    // The links take the palette's colour now: a label keeps the colour its text was set with,
    // which stays dark blue on a dark background after the system switches themes.
    const QString link = palette().color(QPalette::Link).name();
    caption_->setText(
        tr("<b>The built-in sample:</b> 65,536 Gaussian values (σ = 1) and eight outliers of 12 "
           "to 20 σ. Min-max stretches the INT8 range to ±20, so the bulk between −3 and 3 "
           "gets only about 40 of the 256 levels. <a href=\"log\" style=\"color:%1\">Show log "
           "counts</a> to see the outliers; per channel, percentile or KL calibration rescue the "
           "bulk. <a href=\"hide\" style=\"color:%1\">Hide</a>")
            .arg(link));
}

void HistogramPanel::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && caption_ != nullptr) {
        showCaptionText();
    }
}

}  // namespace quantscope::app
