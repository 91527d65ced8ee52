#include "preferences_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <exception>
#include <thread>

#include "preferences.h"
#include "quantscope/formats/format.h"
#include "quantscope/quant/quant_config.h"

namespace quantscope::app {

namespace {

constexpr std::int64_t kMiB = std::int64_t{1} << 20;

}  // namespace

PreferencesDialog::PreferencesDialog(QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Preferences"));

    format_ = new QComboBox(this);
    format_->setEditable(true);
    format_->setInsertPolicy(QComboBox::NoInsert);
    for (const Format& f : named_formats()) {
        format_->addItem(QString::fromStdString(f.name()));
    }
    for (const std::string& name : block_format_names()) {
        format_->addItem(QString::fromStdString(name));
    }
    format_->setMaxVisibleItems(20);
    format_->setToolTip(
        tr("The format a new session starts with (any name quantscope-cli "
           "formats lists, or eEmM...)."));

    calibration_ = new QLineEdit(this);
    calibration_->setToolTip(
        tr("The calibration a new session starts with: minmax, percentile:P, kl, mse, sigma:K "
           "or manual:MIN,MAX."));

    bins_ = new QSpinBox(this);
    bins_->setRange(prefs::kMinHistogramBins - 1, prefs::kMaxHistogramBins);
    bins_->setSpecialValueText(tr("automatic"));
    bins_->setToolTip(
        tr("Bins of the Histogram view. Automatic aligns the bins to the "
           "rounding cells where the format has few enough levels."));

    threads_ = new QSpinBox(this);
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    threads_->setRange(0, std::max(cores, 1) * 4);
    threads_->setSpecialValueText(tr("every core (%1)").arg(cores));
    threads_->setSuffix(tr(" (next start)"));
    threads_->setToolTip(tr("Threads the analyses use; applied when QuantScope starts next."));

    reopen_ = new QCheckBox(tr("Reo&pen the last session on start"), this);
    reopen_->setToolTip(
        tr("After a normal quit, the next start opens the same sources and "
           "configs. After a crash QuantScope always offers the autosave."));
    autosave_ = new QCheckBox(tr("A&utosave the session after each change"), this);
    autosave_->setToolTip(
        tr("Writes the session to the application's data folder a moment "
           "after each change, so a crash loses nothing."));

    memoryLimit_ = new QSpinBox(this);
    const std::int64_t ram = physicalMemoryBytes();
    memoryLimit_->setRange(static_cast<int>(prefs::kMinMemoryLimitBytes / kMiB),
                           static_cast<int>(std::max<std::int64_t>(ram / kMiB, 1 << 20)));
    memoryLimit_->setSuffix(tr(" MiB"));
    memoryLimit_->setSingleStep(256);
    memoryLimit_->setToolTip(
        tr("A tensor larger than this asks before it is read whole, and the cache of buffers "
           "stays below it. Default: a quarter of this machine's RAM (%1 MiB).")
            .arg(ram / 4 / kMiB));

    theme_ = new QComboBox(this);
    theme_->addItem(tr("Follow the system"), static_cast<int>(Theme::System));
    theme_->addItem(tr("Light"), static_cast<int>(Theme::Light));
    theme_->addItem(tr("Dark"), static_cast<int>(Theme::Dark));

    problem_ = new QLabel(this);
    problem_->setWordWrap(true);
    problem_->setStyleSheet(QStringLiteral("color: #c0392b"));
    problem_->hide();

    buttons_ = new QDialogButtonBox(
        QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::RestoreDefaults, this);
    connect(buttons_, &QDialogButtonBox::accepted, this, [this] {
        store();
        accept();
    });
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(buttons_->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this,
            &PreferencesDialog::showDefaults);

    auto* form = new QFormLayout;
    form->addRow(tr("Default &format:"), format_);
    form->addRow(tr("Default &calibration:"), calibration_);
    form->addRow(tr("Histogram &bins:"), bins_);
    form->addRow(tr("&Threads:"), threads_);
    form->addRow(tr("&Memory limit:"), memoryLimit_);
    form->addRow(tr("T&heme:"), theme_);
    form->addRow(QString(), reopen_);
    form->addRow(QString(), autosave_);
    // Room for a calibration such as "manual:-0.0123,0.0456" and the longest format names.
    format_->setMinimumWidth(fontMetrics().averageCharWidth() * 28);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(problem_);
    layout->addStretch(1);
    layout->addWidget(buttons_);

    load();
    connect(format_, &QComboBox::currentTextChanged, this, &PreferencesDialog::validate);
    connect(calibration_, &QLineEdit::textChanged, this, &PreferencesDialog::validate);
    validate();
}

void PreferencesDialog::load() {
    format_->setCurrentText(defaultFormat());
    calibration_->setText(defaultCalibration());
    bins_->setValue(histogramBins() == 0 ? bins_->minimum() : histogramBins());
    threads_->setValue(threadCount());
    reopen_->setChecked(reopenLastSession());
    autosave_->setChecked(autosaveEnabled());
    memoryLimit_->setValue(static_cast<int>(memoryLimitBytes() / kMiB));
    theme_->setCurrentIndex(theme_->findData(static_cast<int>(theme())));
}

void PreferencesDialog::showDefaults() {
    for (const PreferenceSpec& spec : preferenceSpecs()) {
        const QString key = QString::fromLatin1(spec.key);
        const QVariant v = spec.defaultValue;
        if (key == QLatin1String(prefs::kDefaultFormat)) {
            format_->setCurrentText(v.toString());
        } else if (key == QLatin1String(prefs::kDefaultCalibration)) {
            calibration_->setText(v.toString());
        } else if (key == QLatin1String(prefs::kHistogramBins)) {
            bins_->setValue(v.toInt() == 0 ? bins_->minimum() : v.toInt());
        } else if (key == QLatin1String(prefs::kThreads)) {
            threads_->setValue(v.toInt());
        } else if (key == QLatin1String(prefs::kReopenLastSession)) {
            reopen_->setChecked(v.toBool());
        } else if (key == QLatin1String(prefs::kAutosave)) {
            autosave_->setChecked(v.toBool());
        } else if (key == QLatin1String(prefs::kMemoryLimitBytes)) {
            memoryLimit_->setValue(static_cast<int>(v.toLongLong() / kMiB));
        } else if (key == QLatin1String(prefs::kTheme)) {
            theme_->setCurrentIndex(theme_->findData(v.toInt()));
        }
    }
}

void PreferencesDialog::store() const {
    setDefaultFormat(format_->currentText().trimmed());
    setDefaultCalibration(calibration_->text().trimmed());
    setHistogramBins(bins_->value() < prefs::kMinHistogramBins ? 0 : bins_->value());
    setThreadCount(threads_->value());
    setReopenLastSession(reopen_->isChecked());
    setAutosaveEnabled(autosave_->isChecked());
    setMemoryLimitBytes(std::int64_t{memoryLimit_->value()} * kMiB);
    setTheme(static_cast<Theme>(theme_->currentData().toInt()));
}

QString PreferencesDialog::problem() const {
    return problem_->isHidden() ? QString() : problem_->text();
}

void PreferencesDialog::validate() {
    QStringList problems;
    try {
        QuantConfig config;
        apply_format(config, format_->currentText().trimmed().toStdString());
    } catch (const std::exception& e) {
        problems << tr("Format: %1").arg(QString::fromStdString(e.what()));
    }
    try {
        parse_calibration(calibration_->text().trimmed().toStdString());
    } catch (const std::exception& e) {
        problems << tr("Calibration: %1").arg(QString::fromStdString(e.what()));
    }
    problem_->setText(problems.join(QLatin1Char('\n')));
    problem_->setVisible(!problems.isEmpty());
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(problems.isEmpty());
}

}  // namespace quantscope::app
