#include "bits_panel.h"

#include <QScrollArea>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "analysis_session.h"
#include "bit_inspector.h"

namespace quantscope::app {

BitsPanel::BitsPanel(AnalysisSession* session, QWidget* parent)
    : QWidget(parent), session_(session) {
    inspector_ = new widgets::BitInspector;
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setWidget(inspector_);
    scroll->setFrameShape(QFrame::NoFrame);
    // The rows wrap their text to the dock's width instead of scrolling sideways.
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);
    connect(session_, &AnalysisSession::analysisFinished, this, &BitsPanel::followSession);
}

void BitsPanel::followSession() {
    const auto outcome = session_->outcome();
    if (!outcome || outcome->result.groups.empty()) {
        return;
    }
    const QuantConfig& config = outcome->config;
    const QuantResult& result = outcome->result;
    const GroupParameters& first = result.groups.front();
    const double scale = config.scheme == Scheme::Direct ? 1.0 : first.scale;
    const double zeroPoint = config.scheme == Scheme::Affine ? first.zero_point : 0.0;
    QString label = QString::fromStdString(describe(config));
    if (result.groups.size() > 1) {
        label += tr(", group 1 of %1").arg(result.groups.size());
    }
    const double threshold = std::max(std::abs(result.clip_min), std::abs(result.clip_max));
    // Rebuilt only when the session's format or parameters change: a new result for the same
    // config keeps the rows, the focus and the clicked code.
    const QString key = QStringLiteral("%1|%2|%3|%4")
                            .arg(label)
                            .arg(scale, 0, 'g', 17)
                            .arg(zeroPoint)
                            .arg(threshold, 0, 'g', 17);
    if (key != shownKey_) {
        shownKey_ = key;
        inspector_->setSessionFormat(
            widgets::InspectedFormat{config.format, scale, zeroPoint, label}, threshold);
    }
    inspector_->setRounding(config.rounding);
}

}  // namespace quantscope::app
