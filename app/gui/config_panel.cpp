#include "config_panel.h"

#include <QComboBox>
#include <QFormLayout>
#include <QSignalBlocker>

#include "analysis_session.h"

namespace quantscope::app {

ConfigPanel::ConfigPanel(AnalysisSession* session, QWidget* parent)
    : QWidget(parent), session_(session) {
    format_ = new QComboBox(this);
    for (int bits = 2; bits <= 16; ++bits) {
        format_->addItem(QStringLiteral("int%1").arg(bits));
    }
    for (int bits = 2; bits <= 16; ++bits) {
        format_->addItem(QStringLiteral("uint%1").arg(bits));
    }
    format_->setToolTip(
        tr("The integer format values are stored in.\nintK: two's complement, codes -2^(K-1) to "
           "2^(K-1)-1.\nuintK: codes 0 to 2^K-1.\nEach bit doubles the levels and adds about "
           "6.02 dB of SQNR."));

    scheme_ = new QComboBox(this);
    scheme_->addItem(tr("symmetric"), QStringLiteral("symmetric"));
    scheme_->addItem(tr("affine"), QStringLiteral("affine"));
    scheme_->setToolTip(
        tr("symmetric: scale s = T / (2^(K-1) - 1) with T the largest |x|, zero point 0.\n"
           "affine: the range [min, max] (widened to hold 0) is mapped onto all 2^K codes with "
           "a zero point,\nso a skewed distribution wastes no codes."));

    rounding_ = new QComboBox(this);
    for (const char* name : {"nearest-even", "nearest-away", "toward-zero", "stochastic"}) {
        rounding_->addItem(QString::fromLatin1(name));
    }
    rounding_->setToolTip(
        tr("How x / s becomes an integer.\nnearest-even: ties go to the even code (IEEE "
           "default, unbiased).\nnearest-away: ties go away from zero (C round()).\ntoward-zero: "
           "truncates (biased toward 0).\nstochastic: rounds up with probability equal to the "
           "fraction (unbiased on average)."));

    calibration_ = new QComboBox(this);
    calibration_->addItem(tr("min-max"), QStringLiteral("minmax"));
    calibration_->addItem(tr("percentile 99.9"), QStringLiteral("percentile:99.9"));
    calibration_->addItem(tr("percentile 99.99"), QStringLiteral("percentile:99.99"));
    calibration_->addItem(tr("KL divergence (entropy)"), QStringLiteral("kl"));
    calibration_->addItem(tr("minimum MSE"), QStringLiteral("mse"));
    calibration_->addItem(tr("mean ± 3σ"), QStringLiteral("sigma:3"));
    calibration_->setToolTip(
        tr("How the clipping range is chosen. Values beyond it are clipped; a narrower range "
           "gives a finer step to everything inside.\nmin-max: the observed range (no "
           "clipping, but one outlier stretches the step).\npercentile: clip to the P-th "
           "percentile of |x|.\nKL: TensorRT's entropy calibration, keeps the histogram's "
           "shape.\nminimum MSE: the threshold with the smallest mean squared error.\nmean ± "
           "3σ: three standard deviations around the mean."));

    auto* layout = new QFormLayout(this);
    layout->addRow(tr("&Format:"), format_);
    layout->addRow(tr("&Scheme:"), scheme_);
    layout->addRow(tr("&Calibration:"), calibration_);
    layout->addRow(tr("&Rounding:"), rounding_);

    showSessionConfig();
    for (QComboBox* box : {format_, scheme_, rounding_, calibration_}) {
        connect(box, &QComboBox::currentIndexChanged, this, &ConfigPanel::applyToSession);
    }
    connect(session_, &AnalysisSession::configChanged, this, &ConfigPanel::showSessionConfig);
}

void ConfigPanel::showSessionConfig() {
    const QuantConfig& config = session_->config();
    const QSignalBlocker b1(format_);
    const QSignalBlocker b2(scheme_);
    const QSignalBlocker b3(rounding_);
    const QSignalBlocker b4(calibration_);
    const int calibration =
        calibration_->findData(QString::fromStdString(to_string(config.calibration)));
    if (calibration >= 0) {
        calibration_->setCurrentIndex(calibration);
    }
    format_->setCurrentText(QString::fromStdString(config.format.name()));
    scheme_->setCurrentIndex(config.scheme == Scheme::Symmetric ? 0 : 1);
    rounding_->setCurrentText(QString::fromLatin1(to_string(config.rounding).data()));
}

void ConfigPanel::applyToSession() {
    QuantConfig config = session_->config();
    config.format = Format(parse_integer_format(format_->currentText().toStdString()));
    config.scheme = scheme_->currentIndex() == 0 ? Scheme::Symmetric : Scheme::Affine;
    config.rounding =
        parse_rounding(rounding_->currentText().toStdString()).value_or(Rounding::NearestEven);
    config.calibration = parse_calibration(calibration_->currentData().toString().toStdString());
    session_->setConfig(config);
}

}  // namespace quantscope::app
