#include "job_bar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <algorithm>

namespace quantscope::app {

JobBar::JobBar(const QString& runTip, QWidget* parent) : QWidget(parent) {
    run_ = new QPushButton(tr("R&un"), this);
    run_->setToolTip(runTip);
    cancel_ = new QPushButton(tr("Cancel"), this);
    cancel_->setEnabled(false);
    progress_ = new QProgressBar(this);
    progress_->setRange(0, kSteps);
    progress_->setTextVisible(false);
    progress_->setMaximumWidth(160);
    progress_->setVisible(false);
    note_ = new QLabel(this);
    note_->setWordWrap(true);
    note_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(note_, 1);
    layout->addWidget(progress_);
    layout->addWidget(cancel_);
    layout->addWidget(run_);
}

void JobBar::showBusy(bool busy, int value, const QString& busyText) {
    cancel_->setEnabled(busy);
    progress_->setVisible(busy);
    progress_->setValue(busy ? std::max(0, value) : 0);
    if (busy) {
        note_->setText(busyText);
    }
}

bool JobBar::accept(bool hasResult, const QString& error) {
    if (!hasResult) {
        note_->setText(tr("Cancelled."));
        return false;
    }
    if (!error.isEmpty()) {
        note_->setText(error);
        return false;
    }
    return true;
}

}  // namespace quantscope::app
