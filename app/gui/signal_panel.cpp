#include "signal_panel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QStackedLayout>

#include "analysis_session.h"
#include "listen_panel.h"
#include "plot_chart_view.h"
#include "signal_chart_view.h"

namespace quantscope::app {

SignalPanel::SignalPanel(AnalysisSession* session, QWidget* parent)
    : QWidget(parent), session_(session) {
    view_ = new widgets::SignalChartView(this);
    note_ = new QLabel(this);
    note_->setAlignment(Qt::AlignCenter);
    note_->setWordWrap(true);
    // The waveform (or the note) on the left, the error spectrum and playback on the right.
    auto* waveform = new QWidget(this);
    stack_ = new QStackedLayout(waveform);
    stack_->addWidget(view_);
    stack_->addWidget(note_);
    listen_ = new ListenPanel(session_, this);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(waveform);
    splitter->addWidget(listen_);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);
    listen_->setVisible(false);
    connect(session_, &AnalysisSession::analysisFinished, this, &SignalPanel::showOutcome);
    connect(session_, &AnalysisSession::tensorChanged, this, [this] {
        view_->clear();
        view_->signalChart()->resetZoom();
    });
    note_->setText(tr("No tensor yet."));
    stack_->setCurrentWidget(note_);
}

QWidget* SignalPanel::chartArea() const {
    return stack_->currentWidget();
}

bool SignalPanel::showsSignal() const {
    return stack_->currentWidget() == view_;
}

void SignalPanel::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (stale_) {
        showOutcome();
    }
}

void SignalPanel::showOutcome() {
    if (!isVisible()) {
        stale_ = true;
        return;
    }
    stale_ = false;
    const auto outcome = session_->outcome();
    if (!outcome) {
        return;
    }
    auto found = signalData(outcome);
    if (!found) {
        if (outcome->result.dequantized.size() != outcome->tensor->values.size()) {
            return;
        }
        note_->setText(
            tr("The signal view draws 1-D tensors and audio ([frames, channels]); this tensor's "
               "shape is %1.\nThe Histogram and Error tabs show it.")
                .arg(QString::fromStdString(shape_to_string(outcome->tensor->info.shape))));
        stack_->setCurrentWidget(note_);
        view_->clear();
        listen_->setVisible(false);
        return;
    }
    widgets::SignalData signal = std::move(*found);
    const double rate = outcome->sampleRate;
    signal.xTitle = rate > 0 ? tr("time (s)") : tr("index");
    if (signal.stride > 1) {
        signal.xTitle += tr(", channel 0 of %1").arg(signal.stride);
    }
    view_->setSignal(std::move(signal));
    stack_->setCurrentWidget(view_);
    listen_->setVisible(listen_->showOutcome());
}

}  // namespace quantscope::app
