#pragma once
// Every user preference in one place: its QSettings key, its type and its default
// (preferenceSpecs()), and a typed getter and setter for each. The Preferences dialog, the
// window and the session read them only through this file.

#include <QString>
#include <QVariant>
#include <cstdint>
#include <vector>

namespace quantscope::app {

enum class Theme { System, Light, Dark };

// One setting: where QSettings keeps it, the type a stored value must convert to, and what it
// is when nothing (or something unreadable) is stored.
struct PreferenceSpec {
    const char* key;
    QMetaType::Type type;
    QVariant defaultValue;
};

namespace prefs {

// The keys (QSettings, group "preferences").
inline constexpr char kDefaultFormat[] = "preferences/defaultFormat";
inline constexpr char kDefaultCalibration[] = "preferences/defaultCalibration";
inline constexpr char kHistogramBins[] = "preferences/histogramBins";
inline constexpr char kThreads[] = "preferences/threads";
inline constexpr char kReopenLastSession[] = "preferences/reopenLastSession";
inline constexpr char kAutosave[] = "preferences/autosave";
inline constexpr char kMemoryLimitBytes[] = "preferences/memoryLimitBytes";
inline constexpr char kTheme[] = "preferences/theme";

// Histogram bins: 0 = automatic (aligned to the rounding cells where the format allows);
// otherwise between these bounds.
inline constexpr int kMinHistogramBins = 8;
inline constexpr int kMaxHistogramBins = 4096;
// Memory limit floor: below this every model would ask before reading.
inline constexpr std::int64_t kMinMemoryLimitBytes = std::int64_t{64} << 20;

}  // namespace prefs

// Every preference, with its key, type and default.
const std::vector<PreferenceSpec>& preferenceSpecs();

// The stored value of `key` when it converts to the spec's type and is in range, else the
// default. An unknown key gives an invalid QVariant.
QVariant preferenceValue(const char* key);
void setPreferenceValue(const char* key, const QVariant& value);
// Forgets every stored preference (back to the defaults).
void resetPreferences();

// The RAM of this machine in bytes (0 when unknown).
std::int64_t physicalMemoryBytes();

// Typed access. Defaults in brackets.
QString defaultFormat();          // ["int8"] a name apply_format takes
QString defaultCalibration();     // ["minmax"] a calibration's CLI text
int histogramBins();              // [0] automatic
int threadCount();                // [0] every core; applied at the next start
bool reopenLastSession();         // [true] a clean quit reopens the last session
bool autosaveEnabled();           // [true]
std::int64_t memoryLimitBytes();  // [a quarter of RAM, 1 GiB when RAM is unknown]
Theme theme();                    // [Theme::System]

void setDefaultFormat(const QString& name);
void setDefaultCalibration(const QString& calibration);
void setHistogramBins(int bins);
void setThreadCount(int threads);
void setReopenLastSession(bool reopen);
void setAutosaveEnabled(bool enabled);
void setMemoryLimitBytes(std::int64_t bytes);
void setTheme(Theme theme);

}  // namespace quantscope::app
