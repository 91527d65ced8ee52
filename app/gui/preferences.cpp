#include "preferences.h"

#include <unistd.h>
#include <QSettings>
#include <exception>

#include "quantscope/quant/quant_config.h"

namespace quantscope::app {

namespace {

constexpr std::int64_t kUnknownRamLimit = std::int64_t{1} << 30;

std::int64_t defaultMemoryLimit() {
    const std::int64_t ram = physicalMemoryBytes();
    return ram > 0 ? std::max(ram / 4, prefs::kMinMemoryLimitBytes) : kUnknownRamLimit;
}

bool formatIsValid(const QString& name) {
    try {
        QuantConfig config;
        apply_format(config, name.toStdString());
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

bool calibrationIsValid(const QString& text) {
    try {
        parse_calibration(text.toStdString());
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

// A stored value the current version cannot use (hand-edited, from another version) is
// treated as absent.
bool acceptable(const char* key, const QVariant& value) {
    const QString k = QString::fromLatin1(key);
    if (k == QLatin1String(prefs::kDefaultFormat)) {
        return formatIsValid(value.toString());
    }
    if (k == QLatin1String(prefs::kDefaultCalibration)) {
        return calibrationIsValid(value.toString());
    }
    if (k == QLatin1String(prefs::kHistogramBins)) {
        const int bins = value.toInt();
        return bins == 0 || (bins >= prefs::kMinHistogramBins && bins <= prefs::kMaxHistogramBins);
    }
    if (k == QLatin1String(prefs::kThreads)) {
        return value.toInt() >= 0 && value.toInt() <= 1024;
    }
    if (k == QLatin1String(prefs::kMemoryLimitBytes)) {
        return value.toLongLong() >= prefs::kMinMemoryLimitBytes;
    }
    if (k == QLatin1String(prefs::kTheme)) {
        return value.toInt() >= 0 && value.toInt() <= static_cast<int>(Theme::Dark);
    }
    return true;
}

const PreferenceSpec* findSpec(const char* key) {
    for (const PreferenceSpec& spec : preferenceSpecs()) {
        if (qstrcmp(spec.key, key) == 0) {
            return &spec;
        }
    }
    return nullptr;
}

}  // namespace

const std::vector<PreferenceSpec>& preferenceSpecs() {
    static const std::vector<PreferenceSpec> specs = {
        {prefs::kDefaultFormat, QMetaType::QString, QStringLiteral("int8")},
        {prefs::kDefaultCalibration, QMetaType::QString, QStringLiteral("minmax")},
        {prefs::kHistogramBins, QMetaType::Int, 0},
        {prefs::kThreads, QMetaType::Int, 0},
        {prefs::kReopenLastSession, QMetaType::Bool, true},
        {prefs::kAutosave, QMetaType::Bool, true},
        {prefs::kMemoryLimitBytes, QMetaType::LongLong,
         QVariant::fromValue<qlonglong>(defaultMemoryLimit())},
        {prefs::kTheme, QMetaType::Int, static_cast<int>(Theme::System)},
    };
    return specs;
}

QVariant preferenceValue(const char* key) {
    const PreferenceSpec* spec = findSpec(key);
    if (spec == nullptr) {
        return {};
    }
    QVariant value = QSettings().value(QString::fromLatin1(key));
    if (!value.isValid() || !value.convert(QMetaType(spec->type)) || !acceptable(key, value)) {
        return spec->defaultValue;
    }
    return value;
}

void setPreferenceValue(const char* key, const QVariant& value) {
    QSettings().setValue(QString::fromLatin1(key), value);
}

void resetPreferences() {
    QSettings settings;
    for (const PreferenceSpec& spec : preferenceSpecs()) {
        settings.remove(QString::fromLatin1(spec.key));
    }
}

std::int64_t physicalMemoryBytes() {
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long pageSize = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || pageSize <= 0) {
        return 0;
    }
    return static_cast<std::int64_t>(pages) * pageSize;
}

QString defaultFormat() {
    return preferenceValue(prefs::kDefaultFormat).toString();
}
QString defaultCalibration() {
    return preferenceValue(prefs::kDefaultCalibration).toString();
}
int histogramBins() {
    return preferenceValue(prefs::kHistogramBins).toInt();
}
int threadCount() {
    return preferenceValue(prefs::kThreads).toInt();
}
bool reopenLastSession() {
    return preferenceValue(prefs::kReopenLastSession).toBool();
}
bool autosaveEnabled() {
    return preferenceValue(prefs::kAutosave).toBool();
}
std::int64_t memoryLimitBytes() {
    return preferenceValue(prefs::kMemoryLimitBytes).toLongLong();
}
Theme theme() {
    return static_cast<Theme>(preferenceValue(prefs::kTheme).toInt());
}

void setDefaultFormat(const QString& name) {
    setPreferenceValue(prefs::kDefaultFormat, name);
}
void setDefaultCalibration(const QString& calibration) {
    setPreferenceValue(prefs::kDefaultCalibration, calibration);
}
void setHistogramBins(int bins) {
    setPreferenceValue(prefs::kHistogramBins, bins);
}
void setThreadCount(int threads) {
    setPreferenceValue(prefs::kThreads, threads);
}
void setReopenLastSession(bool reopen) {
    setPreferenceValue(prefs::kReopenLastSession, reopen);
}
void setAutosaveEnabled(bool enabled) {
    setPreferenceValue(prefs::kAutosave, enabled);
}
void setMemoryLimitBytes(std::int64_t bytes) {
    setPreferenceValue(prefs::kMemoryLimitBytes, QVariant::fromValue<qlonglong>(bytes));
}
void setTheme(Theme theme) {
    setPreferenceValue(prefs::kTheme, static_cast<int>(theme));
}

}  // namespace quantscope::app
