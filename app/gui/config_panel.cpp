#include "config_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QStandardItemModel>
#include <exception>
#include <limits>

#include "analysis_session.h"
#include "quantscope/formats/format.h"
#include "quantscope/quant/ggml_config.h"
#include "quantscope/quant/quant_config.h"

namespace quantscope::app {

namespace {

QString formatTip(const Format& format) {
    const FormatProperties p = format.properties();
    return QObject::tr(
               "%1: %2 bits (%3)\nlargest finite value %4, smallest positive %5\n%6 "
               "distinct values%7")
        .arg(QString::fromStdString(p.name))
        .arg(p.bits)
        .arg(QString::fromStdString(p.layout))
        .arg(p.max_finite, 0, 'g', 6)
        .arg(p.min_subnormal, 0, 'g', 6)
        .arg(p.value_count)
        .arg(p.has_inf ? QObject::tr(", has Inf") : QString());
}

QString blockFormatTip(const std::string& name) {
    QuantConfig config;
    apply_format(config, name);
    const QString block = QString::number(config.granularity.block);
    if (config.block_scaling == BlockScaling::NVFP4) {
        return QObject::tr(
                   "%1: blocks of %2 values of FP4 E2M1 share a scale amax/6 stored as "
                   "FP8 E4M3,\ntimes one FP32 scale per tensor (NVIDIA Blackwell).")
            .arg(QString::fromStdString(name), block);
    }
    return QObject::tr(
               "%1 (OCP Microscaling): blocks of %2 values of %3 share a power-of-two "
               "scale stored as E8M0:\nX = 2^(floor(log2 amax) − emax of the element).")
        .arg(QString::fromStdString(name), block, QString::fromStdString(config.format.name()));
}

void addHeader(QStandardItemModel* model, const QString& text) {
    auto* item = new QStandardItem(text);
    item->setFlags(Qt::NoItemFlags);  // a group title, not a choice
    QFont font = item->font();
    font.setBold(true);
    item->setFont(font);
    model->appendRow(item);
}

void addChoice(QStandardItemModel* model, const QString& name, const QString& tip) {
    auto* item = new QStandardItem(name);
    item->setData(name, Qt::UserRole);
    item->setToolTip(tip);
    model->appendRow(item);
}

}  // namespace

QuantConfig withFormat(const QuantConfig& current, const std::string& name) {
    QuantConfig config = current;
    const bool wasBlock =
        config.block_scaling != BlockScaling::None || config.format.kind() == FormatKind::Lookup;
    apply_format(config, name);
    // Leaving a block format: its forced granularity and scale no longer apply.
    if (wasBlock && config.block_scaling == BlockScaling::None &&
        config.format.kind() != FormatKind::Lookup) {
        config.granularity = {};
    }
    return config;
}

QString configProblem(const QuantConfig& config) {
    try {
        check_config(config);
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

ConfigPanel::ConfigPanel(AnalysisSession* session, QWidget* parent)
    : QWidget(parent), session_(session) {
    createFormatBox();

    scheme_ = new QComboBox(this);
    scheme_->addItem(tr("symmetric"), static_cast<int>(Scheme::Symmetric));
    scheme_->addItem(tr("affine"), static_cast<int>(Scheme::Affine));
    scheme_->addItem(tr("scaled"), static_cast<int>(Scheme::Scaled));
    scheme_->addItem(tr("direct"), static_cast<int>(Scheme::Direct));
    scheme_->setToolTip(
        tr("How values map onto the format.\nInteger formats:\n  symmetric: s = T / (2^(K-1) − "
           "1) with T the clipping threshold, zero point 0.\n  affine: the range [A, B] "
           "(widened to hold 0) is mapped onto all 2^K codes with a zero point,\n  so a skewed "
           "distribution wastes no codes.\nFloat and lookup formats:\n  scaled: s = T / (the "
           "format's largest value), so T lands on the top code.\n  direct: the values are "
           "rounded as they are (s = 1), as a cast does."));

    granularity_ = new QComboBox(this);
    granularity_->addItem(tr("per tensor"), static_cast<int>(Granularity::Kind::Tensor));
    granularity_->addItem(tr("per channel"), static_cast<int>(Granularity::Kind::Channel));
    granularity_->addItem(tr("per block"), static_cast<int>(Granularity::Kind::Block));
    granularity_->setToolTip(
        tr("Which values share one scale.\nper tensor: one scale for everything; one outlier "
           "stretches every step.\nper channel: one scale per index along an axis (per row "
           "with axis 0: vector-wise).\nper block: one scale per B consecutive values along "
           "the last axis (MX uses 32, NF4 64).\nMore groups give finer steps and cost one "
           "scale each in storage."));
    axis_ = new QSpinBox(this);
    axis_->setRange(-8, 7);
    axis_->setPrefix(tr("axis "));
    axis_->setToolTip(
        tr("The axis whose indices get their own scale; negative counts from the "
           "end (−1 = last axis)."));
    block_ = new QSpinBox(this);
    block_->setRange(1, 1 << 20);
    block_->setPrefix(tr("block "));
    block_->setToolTip(
        tr("Values per block along the last axis; the last block of a row may "
           "be shorter."));
    auto* granularityRow = new QHBoxLayout;
    granularityRow->addWidget(granularity_, 1);
    granularityRow->addWidget(axis_);
    granularityRow->addWidget(block_);

    calibration_ = new QComboBox(this);
    calibration_->addItem(tr("min-max"), QStringLiteral("minmax"));
    calibration_->addItem(tr("percentile"), QStringLiteral("percentile:99.9"));
    calibration_->addItem(tr("KL divergence (entropy)"), QStringLiteral("kl"));
    calibration_->addItem(tr("minimum MSE"), QStringLiteral("mse"));
    calibration_->addItem(tr("mean ± K σ"), QStringLiteral("sigma:3"));
    calibration_->addItem(tr("manual range"), QStringLiteral("manual"));
    calibration_->setToolTip(
        tr("How the clipping range is chosen. Values beyond it are clipped; a narrower range "
           "gives a finer step to everything inside.\nmin-max: the observed range (no "
           "clipping, but one outlier stretches the step).\npercentile: clip to the P-th "
           "percentile of |x|.\nKL: TensorRT's entropy calibration, keeps the histogram's "
           "shape.\nminimum MSE: the threshold with the smallest mean squared error.\nmean ± "
           "Kσ: K standard deviations around the mean.\nmanual: a range you type, or drag the "
           "red clip lines in the histogram."));
    parameter_ = new QDoubleSpinBox(this);
    parameter_->setDecimals(3);
    parameter_->setToolTip(
        tr("percentile: P, the share of |x| kept inside the range (99.9 "
           "clips the largest 0.1 %).\nσ: K, the number of standard "
           "deviations."));
    manualMin_ = new QDoubleSpinBox(this);
    manualMax_ = new QDoubleSpinBox(this);
    for (QDoubleSpinBox* box : {manualMin_, manualMax_}) {
        box->setDecimals(6);
        box->setRange(-1e9, 1e9);
        box->setKeyboardTracking(false);
        // Wide enough for "-20.156250"; sized for ±1e9 the pair would make the dock as wide as
        // the views beside it at 1280 pixels.
        box->setMinimumWidth(box->fontMetrics().horizontalAdvance(QStringLiteral("-000.000000")) +
                             box->fontMetrics().averageCharWidth() * 4);
    }
    manualMin_->setToolTip(tr("Lower end of the manual clipping range."));
    manualMax_->setToolTip(tr("Upper end of the manual clipping range."));
    parameter_->setKeyboardTracking(false);
    auto* calibrationRow = new QHBoxLayout;
    calibrationRow->addWidget(calibration_, 1);
    calibrationRow->addWidget(parameter_);
    lockManual_ = new QCheckBox(tr("Loc&k"), this);
    lockManual_->setToolTip(
        tr("Keep the manual range when another tensor is studied. Unlocked, a new tensor "
           "starts from min-max: a range chosen for one tensor would clip another at random."));
    auto* manualRow = new QHBoxLayout;
    manualRow->addWidget(manualMin_, 1);
    manualRow->addWidget(new QLabel(QStringLiteral("…"), this));
    manualRow->addWidget(manualMax_, 1);
    manualRow->addWidget(lockManual_);
    connect(lockManual_, &QCheckBox::toggled, session_, &AnalysisSession::setManualRangeLocked);
    connect(session_, &AnalysisSession::manualRangeLockChanged, lockManual_,
            &QCheckBox::setChecked);

    rounding_ = new QComboBox(this);
    for (const char* name : {"nearest-even", "nearest-away", "toward-zero", "stochastic"}) {
        rounding_->addItem(QString::fromLatin1(name));
    }
    rounding_->setToolTip(
        tr("How x / s becomes a code.\nnearest-even: ties go to the even code (IEEE "
           "default, unbiased).\nnearest-away: ties go away from zero (C round()).\ntoward-zero: "
           "truncates (biased toward 0).\nstochastic: rounds up with probability equal to the "
           "fraction (unbiased on average)."));
    seed_ = new QSpinBox(this);
    seed_->setRange(0, std::numeric_limits<int>::max());
    seed_->setPrefix(tr("seed "));
    seed_->setToolTip(
        tr("Seed of stochastic rounding and dither: the same seed gives the same result."));
    dither_ = new QCheckBox(tr("TPDF dither"), this);
    dither_->setToolTip(
        tr("Adds triangular noise of +-1 step to x / s before rounding "
           "(integer formats): the error no longer depends on the signal."));
    auto* roundingRow = new QHBoxLayout;
    roundingRow->addWidget(rounding_, 1);
    roundingRow->addWidget(seed_);
    roundingRow->addWidget(dither_);

    outliers_ = new QDoubleSpinBox(this);
    outliers_->setRange(0, 1e9);
    outliers_->setDecimals(4);
    outliers_->setSpecialValueText(tr("off"));
    outliers_->setKeyboardTracking(false);
    outliers_->setToolTip(
        tr("LLM.int8()-style mixed precision: values with |x| above this threshold stay in "
           "FP16\n(costing 16 bits plus a 32-bit position each) and take no part in "
           "calibration;\nthe rest is quantized with a range the outliers no longer stretch. "
           "0 = off."));

    problem_ = new QLabel(this);
    problem_->setWordWrap(true);
    problem_->setStyleSheet(QStringLiteral("color: #c0392b"));
    problem_->setVisible(false);
    notice_ = new QLabel(this);
    notice_->setWordWrap(true);
    notice_->setVisible(false);
    connect(session_, &AnalysisSession::configAdapted, this, [this](const QString& message) {
        notice_->setText(message);
        notice_->setVisible(true);
    });
    description_ = new QLabel(this);
    description_->setWordWrap(true);
    description_->setForegroundRole(QPalette::PlaceholderText);

    auto* layout = new QFormLayout(this);
    layout->addRow(tr("F&ormat:"), format_);
    layout->addRow(tr("&Scheme:"), scheme_);
    layout->addRow(tr("Granularity:"), granularityRow);
    layout->addRow(tr("Calibration:"), calibrationRow);
    layout->addRow(tr("Manual range:"), manualRow);
    layout->addRow(tr("Rounding:"), roundingRow);
    layout->addRow(tr("Ou&tliers above:"), outliers_);
    layout->addRow(problem_);
    layout->addRow(notice_);
    layout->addRow(description_);

    showSessionConfig();
    connect(format_, &QComboBox::currentIndexChanged, this, &ConfigPanel::onFormat);
    connect(scheme_, &QComboBox::currentIndexChanged, this, &ConfigPanel::onScheme);
    connect(granularity_, &QComboBox::currentIndexChanged, this, &ConfigPanel::onGranularity);
    connect(axis_, &QSpinBox::valueChanged, this, &ConfigPanel::onGranularity);
    connect(block_, &QSpinBox::valueChanged, this, &ConfigPanel::onGranularity);
    connect(calibration_, &QComboBox::currentIndexChanged, this, [this] {
        // A new method starts from its default parameter.
        const QuantConfig& current = session_->config();
        QuantConfig config = current;
        const QString method = calibration_->currentData().toString();
        if (method == QLatin1String("manual")) {
            config.calibration.method = CalibrationMethod::Manual;
            const auto outcome = session_->outcome();
            config.calibration.manual_min = outcome ? outcome->result.clip_min : -1.0;
            config.calibration.manual_max = outcome ? outcome->result.clip_max : 1.0;
        } else {
            config.calibration = parse_calibration(method.toStdString());
        }
        propose(config, tr("Calibration %1").arg(calibration_->currentText()));
    });
    connect(parameter_, &QDoubleSpinBox::valueChanged, this, &ConfigPanel::onCalibration);
    connect(manualMin_, &QDoubleSpinBox::valueChanged, this, &ConfigPanel::onCalibration);
    connect(manualMax_, &QDoubleSpinBox::valueChanged, this, &ConfigPanel::onCalibration);
    connect(rounding_, &QComboBox::currentIndexChanged, this, &ConfigPanel::onRounding);
    connect(seed_, &QSpinBox::valueChanged, this, &ConfigPanel::onRounding);
    connect(dither_, &QCheckBox::toggled, this, &ConfigPanel::onRounding);
    connect(outliers_, &QDoubleSpinBox::valueChanged, this, &ConfigPanel::onOutliers);
    connect(session_, &AnalysisSession::configChanged, this, &ConfigPanel::showSessionConfig);
    connect(session_, &AnalysisSession::tensorChanged, this, &ConfigPanel::updateEnabledControls);
}

void ConfigPanel::createFormatBox() {
    format_ = new QComboBox(this);
    auto* model = new QStandardItemModel(format_);
    addHeader(model, tr("Integer"));
    for (const Format& f : named_formats()) {
        if (f.kind() == FormatKind::Integer) {
            addChoice(model, QString::fromStdString(f.name()), formatTip(f));
        }
    }
    addHeader(model, tr("Float"));
    for (const Format& f : named_formats()) {
        if (f.kind() == FormatKind::Float) {
            addChoice(model, QString::fromStdString(f.name()), formatTip(f));
        }
    }
    addHeader(model, tr("Block-scaled"));
    for (const std::string& name : block_format_names()) {
        addChoice(model, QString::fromStdString(name), blockFormatTip(name));
    }
    addHeader(model, tr("llama.cpp (ggml)"));
    for (const GgmlConfigType& t : ggml_config_types()) {
        addChoice(model, QString::fromStdString(std::string(t.type->name)),
                  tr("%1 (llama.cpp / ggml): blocks of %2 values in %3 bytes, %4 bits per "
                     "weight, scales included.\nQuantized by ggml's reference quantizer (no "
                     "importance matrix): the values llama.cpp stores.")
                      .arg(QString::fromStdString(std::string(t.type->name)))
                      .arg(t.type->block_elements)
                      .arg(t.type->block_bytes)
                      .arg(ggml_bits_per_weight(*t.type)));
    }
    addHeader(model, tr("Lookup"));
    for (const Format& f : named_formats()) {
        if (f.kind() == FormatKind::Lookup) {
            addChoice(model, QString::fromStdString(f.name()),
                      formatTip(f) + tr("\nQLoRA NormalFloat: 16 levels at the quantiles of a "
                                        "normal distribution, absmax per block of 64."));
        }
    }
    format_->setModel(model);
    format_->setMaxVisibleItems(24);
    format_->setToolTip(
        tr("The format values are stored in.\nintK / uintK: 2^K evenly spaced codes; each bit "
           "adds about 6.02 dB of SQNR.\nFloats eEmM: E exponent and M mantissa bits, levels "
           "dense near 0 and sparse far out.\nBlock-scaled (MX, NVFP4): small floats with a "
           "shared scale per block.\nLookup (NF4): 16 fixed levels at normal quantiles.\nHover "
           "over an entry for its range and value count."));
}

QString ConfigPanel::noticeText() const {
    return notice_->isHidden() ? QString() : notice_->text();
}

QString ConfigPanel::problemText() const {
    return problem_->isHidden() ? QString() : problem_->text();
}

void ConfigPanel::showSessionConfig() {
    const QuantConfig& config = session_->config();
    const QList<QObject*> boxes{format_,      scheme_,    granularity_, axis_,      block_,
                                calibration_, parameter_, manualMin_,   manualMax_, rounding_,
                                seed_,        dither_,    outliers_};
    QList<std::shared_ptr<QSignalBlocker>> blockers;
    for (QObject* box : boxes) {
        blockers.append(std::make_shared<QSignalBlocker>(box));
    }
    const QString formatName = QString::fromStdString(format_name(config));
    if (format_->findData(formatName) < 0) {
        // A format designed in the Formats tab (or read from a session): listed once taken.
        auto* model = qobject_cast<QStandardItemModel*>(format_->model());
        if (model->findItems(tr("Custom")).isEmpty()) {
            addHeader(model, tr("Custom"));
        }
        addChoice(model, formatName, formatTip(config.format));
    }
    format_->setCurrentIndex(format_->findData(formatName));
    scheme_->setCurrentIndex(scheme_->findData(static_cast<int>(config.scheme)));
    granularity_->setCurrentIndex(
        granularity_->findData(static_cast<int>(config.granularity.kind)));
    axis_->setValue(config.granularity.axis);
    block_->setValue(static_cast<int>(config.granularity.block));
    const CalibrationMethod method = config.calibration.method;
    const char* methodData[] = {"minmax", "percentile:99.9", "kl", "mse", "sigma:3", "manual"};
    calibration_->setCurrentIndex(
        calibration_->findData(QString::fromLatin1(methodData[static_cast<int>(method)])));
    if (method == CalibrationMethod::Percentile) {
        parameter_->setRange(50, 100);
        parameter_->setSingleStep(0.1);
        parameter_->setPrefix(tr("P "));
    } else {
        parameter_->setRange(0.1, 20);
        parameter_->setSingleStep(0.5);
        parameter_->setPrefix(tr("K "));
    }
    parameter_->setValue(config.calibration.parameter);
    manualMin_->setValue(config.calibration.manual_min);
    manualMax_->setValue(config.calibration.manual_max);
    rounding_->setCurrentText(QString::fromLatin1(to_string(config.rounding).data()));
    seed_->setValue(static_cast<int>(std::min<std::uint64_t>(
        config.seed, static_cast<std::uint64_t>(std::numeric_limits<int>::max()))));
    dither_->setChecked(config.dither == Dither::Tpdf);
    outliers_->setValue(config.outlier_threshold);
    problem_->setVisible(false);
    description_->setText(QString::fromStdString(describe(config)));
    updateEnabledControls();
}

void ConfigPanel::updateEnabledControls() {
    const QuantConfig& config = session_->config();
    const bool integer =
        config.format.kind() == FormatKind::Integer && config.block_scaling == BlockScaling::None;
    auto* schemes = qobject_cast<QStandardItemModel*>(scheme_->model());
    for (int i = 0; i < scheme_->count(); ++i) {
        const auto scheme = static_cast<Scheme>(scheme_->itemData(i).toInt());
        const bool forIntegers = scheme == Scheme::Symmetric || scheme == Scheme::Affine;
        const bool blockDirect =
            config.block_scaling != BlockScaling::None && scheme == Scheme::Direct;
        schemes->item(i)->setEnabled(forIntegers == integer && !blockDirect);
    }
    const bool blockFormat = config.block_scaling != BlockScaling::None;
    granularity_->setEnabled(!blockFormat);
    // ggml's types fix their scheme, scales and rounding: the reference quantizer's own.
    const bool ggml = config.ggml != nullptr;
    scheme_->setEnabled(!ggml);
    calibration_->setEnabled(!ggml);
    rounding_->setEnabled(!ggml);
    // Per channel on a 1-D tensor would give every value a scale of its own.
    const auto tensor = session_->tensor();
    const int rank = tensor ? static_cast<int>(tensor->info.shape.size()) : 2;
    auto* kinds = qobject_cast<QStandardItemModel*>(granularity_->model());
    QStandardItem* channel =
        kinds->item(granularity_->findData(static_cast<int>(Granularity::Kind::Channel)));
    channel->setEnabled(rank >= 2);
    channel->setToolTip(rank >= 2 ? QString()
                                  : tr("Per channel needs a tensor of two axes or more: on this "
                                       "%1-D tensor every value would get a scale of its own.")
                                        .arg(rank));
    axis_->setVisible(config.granularity.kind == Granularity::Kind::Channel);
    block_->setVisible(config.granularity.kind == Granularity::Kind::Block);
    block_->setEnabled(!blockFormat);
    const CalibrationMethod method = config.calibration.method;
    parameter_->setVisible(method == CalibrationMethod::Percentile ||
                           method == CalibrationMethod::Sigma);
    const bool manual = method == CalibrationMethod::Manual;
    manualMin_->setEnabled(manual);
    manualMax_->setEnabled(manual);
    dither_->setEnabled(integer);
    seed_->setVisible(config.rounding == Rounding::Stochastic || config.dither != Dither::None);
}

void ConfigPanel::propose(const QuantConfig& config, const QString& what) {
    const QString problem = configProblem(config);
    problem_->setText(problem);
    problem_->setVisible(!problem.isEmpty());
    if (!problem.isEmpty()) {
        return;
    }
    notice_->setVisible(false);  // the user has taken over
    session_->changeConfig(config, what);
}

void ConfigPanel::onFormat() {
    const QString name = format_->currentData().toString();
    if (name.isEmpty()) {
        return;
    }
    propose(withFormat(session_->config(), name.toStdString()), tr("Format %1").arg(name));
}

void ConfigPanel::onScheme() {
    QuantConfig config = session_->config();
    config.scheme = static_cast<Scheme>(scheme_->currentData().toInt());
    propose(config, tr("Scheme %1").arg(scheme_->currentText()));
}

void ConfigPanel::onGranularity() {
    QuantConfig config = session_->config();
    config.granularity.kind = static_cast<Granularity::Kind>(granularity_->currentData().toInt());
    config.granularity.axis = axis_->value();
    config.granularity.block = block_->value();
    propose(config,
            tr("Granularity %1").arg(QString::fromStdString(to_string(config.granularity))));
}

void ConfigPanel::onCalibration() {
    QuantConfig config = session_->config();
    const CalibrationMethod method = config.calibration.method;
    if (method == CalibrationMethod::Percentile || method == CalibrationMethod::Sigma) {
        config.calibration.parameter = parameter_->value();
    } else if (method == CalibrationMethod::Manual) {
        config.calibration.manual_min = manualMin_->value();
        config.calibration.manual_max = manualMax_->value();
    }
    propose(config,
            tr("Calibration %1").arg(QString::fromStdString(to_string(config.calibration))));
}

void ConfigPanel::onRounding() {
    QuantConfig config = session_->config();
    config.rounding =
        parse_rounding(rounding_->currentText().toStdString()).value_or(Rounding::NearestEven);
    config.seed = static_cast<std::uint64_t>(seed_->value());
    const bool ditherChanged = (config.dither == Dither::Tpdf) != dither_->isChecked();
    config.dither = dither_->isChecked() ? Dither::Tpdf : Dither::None;
    propose(config, ditherChanged
                        ? (dither_->isChecked() ? tr("TPDF dither on") : tr("TPDF dither off"))
                        : tr("Rounding %1").arg(rounding_->currentText()));
}

void ConfigPanel::onOutliers() {
    QuantConfig config = session_->config();
    config.outlier_threshold = outliers_->value();
    propose(config, tr("Outlier threshold %1").arg(outliers_->value()));
}

}  // namespace quantscope::app
