#include "metrics_panel.h"

#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <cmath>

#include "analysis_session.h"

namespace quantscope::app {

namespace {

QString number(double v, int precision = 5) {
    if (std::isinf(v)) {
        return v > 0 ? QStringLiteral("∞") : QStringLiteral("-∞");
    }
    return QString::number(v, 'g', precision);
}

}  // namespace

MetricsPanel::MetricsPanel(AnalysisSession* session, QWidget* parent)
    : QWidget(parent), session_(session) {
    auto* layout = new QFormLayout(this);
    const QList<std::tuple<QString, QString, QString>> rows{
        {"sqnr_db", tr("SQNR:"),
         tr("10 log10(Σx² / ΣE²), E = x − Q(x). Higher is better; each bit "
            "adds about 6.02 dB.")},
        {"mse", tr("MSE:"), tr("Mean of E².")},
        {"max_abs_error", tr("Max |error|:"),
         tr("Largest |x − Q(x)|: half a step unless values "
            "are clipped.")},
        {"mean_error", tr("Mean error:"), tr("Mean of E: the bias rounding introduces.")},
        {"cosine_similarity", tr("Cosine:"), tr("x·Q(x) / (|x||Q(x)|).")},
        {"clipped_fraction", tr("Clipped:"), tr("Share of values outside the clipping range.")},
        {"zero_fraction", tr("Zeroed:"), tr("Share of non-zero values that became exactly 0.")},
        {"kl_divergence", tr("KL divergence:"),
         tr("KL(P‖Q) between the histograms of x and "
            "Q(x) on the same bins, in nats.")},
        {"scale", tr("Scale s:"), tr("The step between neighbouring levels.")},
        {"zero_point", tr("Zero point z:"), tr("The code that stands for 0.")},
        {"storage", tr("Storage:"), tr("Bytes for the codes plus the scale (and zero point).")},
    };
    for (const auto& [key, label, tip] : rows) {
        auto* value = new QLabel(QStringLiteral("–"), this);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        value->setToolTip(tip);
        auto* name = new QLabel(label, this);
        name->setToolTip(tip);
        layout->addRow(name, value);
        values_.append({key, value});
    }
    connect(session_, &AnalysisSession::analysisFinished, this, &MetricsPanel::showOutcome);
}

QString MetricsPanel::valueText(const QString& key) const {
    for (const auto& [k, label] : values_) {
        if (k == key) {
            return label->text();
        }
    }
    return {};
}

void MetricsPanel::showOutcome() {
    const auto outcome = session_->outcome();
    if (!outcome) {
        return;
    }
    const Metrics& m = outcome->result.metrics;
    const GroupParameters& g = outcome->result.groups.front();
    const Storage& s = outcome->result.storage;
    for (const auto& [key, label] : values_) {
        QString text;
        if (key == "sqnr_db") {
            text = number(m.sqnr_db, 4) + tr(" dB");
        } else if (key == "mse") {
            text = number(m.mse);
        } else if (key == "max_abs_error") {
            text = number(m.max_abs_error);
        } else if (key == "mean_error") {
            text = number(m.mean_error, 3);
        } else if (key == "cosine_similarity") {
            text = number(m.cosine_similarity, 7);
        } else if (key == "clipped_fraction") {
            text = number(100 * m.clipped_fraction, 4) + QStringLiteral(" %");
        } else if (key == "zero_fraction") {
            text = number(100 * m.zero_fraction, 4) + QStringLiteral(" %");
        } else if (key == "kl_divergence") {
            text = number(m.kl_divergence, 4);
        } else if (key == "scale") {
            text = number(g.scale, 6);
        } else if (key == "zero_point") {
            text = QString::number(g.zero_point);
        } else if (key == "storage") {
            text = tr("%1 bytes, %2 bits/value")
                       .arg(QLocale().toString(static_cast<qlonglong>(s.bytes)))
                       .arg(number(s.bits_per_value, 5));
        }
        label->setText(text);
    }
}

}  // namespace quantscope::app
