#include "metrics_panel.h"

#include <QGridLayout>
#include <QLabel>
#include <QLocale>
#include <algorithm>
#include <cmath>

#include "analysis_session.h"
#include "elided_label.h"
#include "mini_histogram.h"
#include "quantscope/quant/group_summary.h"
#include "quantscope/quant/metric_descriptors.h"

namespace quantscope::app {

namespace {

QString number(double v, int precision = 5) {
    return QString::fromStdString(significant_text(v, precision, NumberSymbols::Unicode));
}

QString fromView(std::string_view text) {
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

QString count(std::int64_t n) {
    return QLocale().toString(static_cast<qlonglong>(n));
}

}  // namespace

MetricsPanel::MetricsPanel(AnalysisSession* session, QWidget* parent)
    : QWidget(parent), session_(session) {
    auto* layout = new QGridLayout(this);
    // Every metric of core's list, then what the list does not hold: counts, parameters, storage.
    QList<std::tuple<QString, QString, QString>> rows;
    for (const MetricDescriptor& metric : metric_descriptors()) {
        rows.append({fromView(metric.key), fromView(metric.label) + QLatin1Char(':'),
                     fromView(metric.description)});
    }
    rows += QList<std::tuple<QString, QString, QString>>{
        {"nonfinite", tr("NaN / Inf:"),
         tr("NaN and ±Inf inputs: excluded from calibration and every metric, passed "
            "through unchanged.")},
        {"scale", tr("Scale s:"), tr("The step between neighbouring levels.")},
        {"zero_point", tr("Zero point z:"), tr("The code that stands for 0.")},
        {"storage", tr("Storage:"), tr("Bytes for the codes plus the scales (and zero points).")},
        {"bits_per_value", tr("Bits/value:"),
         tr("Storage in bits divided by the number of values, scales included.")},
    };
    int widest = 0;
    for (const auto& [key, label, tip] : rows) {
        Row row;
        row.key = key;
        row.name = new QLabel(label, this);
        row.name->setToolTip(tip);
        row.value = new widgets::ElidedLabel(this);
        row.value->setText(QStringLiteral("–"));
        row.value->setDescription(tip);
        // A long value (a summary of many groups, KL below the sampling floor) takes more
        // lines, never more width: the dock's width is the user's.
        row.value->setWordWrap(true);
        const int r = layout->rowCount();
        layout->addWidget(row.name, r, 0, Qt::AlignLeft | Qt::AlignTop);
        layout->addWidget(row.value, r, 1);
        widest = std::max(widest, row.name->sizeHint().width());
        rows_.append(row);
    }
    // The label column is as wide as its widest label, whatever the values say.
    layout->setColumnMinimumWidth(0, widest);
    layout->setColumnStretch(1, 1);
    scaleHistogram_ = new widgets::MiniHistogram(this);
    scaleHistogram_->setToolTip(tr("How the group scales spread: one bar per bin."));
    scaleHistogram_->setVisible(false);
    layout->addWidget(scaleHistogram_, layout->rowCount(), 1);
    notes_ = new QLabel(this);
    notes_->setWordWrap(true);
    notes_->setForegroundRole(QPalette::PlaceholderText);
    notes_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    notes_->setVisible(false);
    layout->addWidget(notes_, layout->rowCount(), 0, 1, 2);
    layout->setRowStretch(layout->rowCount(), 1);
    connect(session_, &AnalysisSession::analysisFinished, this, &MetricsPanel::showOutcome);
    // A closed tensor's figures go with it.
    connect(session_, &AnalysisSession::tensorChanged, this, [this] {
        if (!session_->outcome()) {
            for (const Row& row : rows_) {
                row.value->setText(QStringLiteral("–"));
            }
            scaleHistogram_->setVisible(false);
            notes_->setVisible(false);
        }
    });
}

widgets::ElidedLabel* MetricsPanel::valueLabel(const QString& key) const {
    for (const Row& row : rows_) {
        if (row.key == key) {
            return row.value;
        }
    }
    return nullptr;
}

QLabel* MetricsPanel::rowLabel(const QString& key) const {
    for (const Row& row : rows_) {
        if (row.key == key) {
            return row.name;
        }
    }
    return nullptr;
}

QString MetricsPanel::valueText(const QString& key) const {
    const widgets::ElidedLabel* label = valueLabel(key);
    return label != nullptr ? label->text() : QString();
}

void MetricsPanel::showOutcome() {
    const auto outcome = session_->outcome();
    if (!outcome) {
        return;
    }
    const QuantResult& result = outcome->result;
    const Metrics& m = result.metrics;
    const Storage& s = result.storage;
    const std::size_t groups = result.groups.size();
    const GroupSummary summary = groups > 1 ? summarize_groups(result.groups) : GroupSummary{};
    // What the engine says about this result: a degenerate range, an ignored calibration.
    QStringList notes;
    for (const std::string& note : result.notes) {
        notes << QString::fromStdString(note);
    }
    for (const Row& row : rows_) {
        const QString& key = row.key;
        QString text;
        if (const MetricDescriptor* metric = find_metric(key.toStdString())) {
            text = QString::fromStdString(
                metric_text(*metric, m, metric->digits, NumberSymbols::Unicode));
        } else if (key == "nonfinite") {
            text = tr("%1 / %2").arg(count(m.nan_count), count(m.inf_count));
        } else if (key == "scale") {
            text = groups == 1   ? number(result.groups.front().scale, 6)
                   : groups == 0 ? tr("none (no values)")
                                 : tr("%1 groups: %2 … %3, median %4")
                                       .arg(count(summary.groups))
                                       .arg(number(summary.scale.min, 4))
                                       .arg(number(summary.scale.max, 4))
                                       .arg(number(summary.scale.median, 4));
        } else if (key == "zero_point") {
            text = groups == 1   ? QString::number(result.groups.front().zero_point)
                   : groups == 0 ? QStringLiteral("–")
                                 : tr("%1\u00a0…\u00a0%2, median %3")
                                       .arg(number(summary.zero_point.min))
                                       .arg(number(summary.zero_point.max))
                                       .arg(number(summary.zero_point.median));
        } else if (key == "storage") {
            text = tr("%1 bytes").arg(count(s.bytes));
        } else if (key == "bits_per_value") {
            text = number(s.bits_per_value, 5);
        }
        row.value->setText(text);
    }
    rowLabel(QStringLiteral("scale"))->setText(groups == 1 ? tr("Scale s:") : tr("Scales:"));
    rowLabel(QStringLiteral("zero_point"))
        ->setText(groups == 1 ? tr("Zero point z:") : tr("Zero points:"));
    scaleHistogram_->setVisible(groups > 1);
    if (groups > 1) {
        const ScaleHistogram& h = summary.scales;
        std::vector<double> edges;
        const auto bins = h.counts.size();
        for (std::size_t k = 0; k <= bins; ++k) {
            const double f = static_cast<double>(k) / static_cast<double>(bins);
            edges.push_back(h.log_spaced ? h.lo * std::pow(h.hi / h.lo, f)
                                         : h.lo + (h.hi - h.lo) * f);
        }
        scaleHistogram_->setBins(h.counts, edges, tr("Groups with a scale"));
        scaleHistogram_->setToolTip(tr("The scales of %1 groups on %2 bins, %3")
                                        .arg(count(summary.groups))
                                        .arg(bins)
                                        .arg(h.log_spaced ? tr("log-spaced") : tr("equal")));
    }
    notes_->setText(notes.join(QLatin1Char('\n')));
    notes_->setVisible(!notes.isEmpty());
}

}  // namespace quantscope::app
