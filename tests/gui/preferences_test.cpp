// Every preference has one key, type and default (preferences.h); a stored value the program
// cannot use (hand-edited, from another version) reads as the default, never as garbage.

#include <QCoreApplication>
#include <QSet>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>

#include "preferences.h"

using namespace quantscope::app;

class PreferencesTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }

    void everyKeyIsListedOnceWithADefaultOfItsType() {
        QSet<QString> keys;
        for (const PreferenceSpec& spec : preferenceSpecs()) {
            QVERIFY2(!keys.contains(QString::fromLatin1(spec.key)), spec.key);
            keys.insert(QString::fromLatin1(spec.key));
            QCOMPARE(spec.defaultValue.metaType().id(), static_cast<int>(spec.type));
            QCOMPARE(preferenceValue(spec.key), spec.defaultValue);
        }
        QCOMPARE(keys.size(), 8);
        QVERIFY(!preferenceValue("preferences/noSuchKey").isValid());
    }

    void defaults() {
        QCOMPARE(defaultFormat(), QStringLiteral("int8"));
        QCOMPARE(defaultCalibration(), QStringLiteral("minmax"));
        QCOMPARE(histogramBins(), 0);
        QCOMPARE(threadCount(), 0);
        QVERIFY(reopenLastSession());
        QVERIFY(autosaveEnabled());
        QCOMPARE(theme(), Theme::System);
        // A quarter of this machine's RAM.
        QVERIFY(physicalMemoryBytes() > 0);
        QCOMPARE(memoryLimitBytes(),
                 std::max(physicalMemoryBytes() / 4, prefs::kMinMemoryLimitBytes));
    }

    void valuesRoundTrip() {
        setDefaultFormat(QStringLiteral("fp8_e4m3"));
        setDefaultCalibration(QStringLiteral("percentile:99.9"));
        setHistogramBins(512);
        setThreadCount(1);
        setReopenLastSession(false);
        setAutosaveEnabled(false);
        setMemoryLimitBytes(std::int64_t{3} << 30);
        setTheme(Theme::Dark);
        QCOMPARE(defaultFormat(), QStringLiteral("fp8_e4m3"));
        QCOMPARE(defaultCalibration(), QStringLiteral("percentile:99.9"));
        QCOMPARE(histogramBins(), 512);
        QCOMPARE(threadCount(), 1);
        QVERIFY(!reopenLastSession());
        QVERIFY(!autosaveEnabled());
        QCOMPARE(memoryLimitBytes(), std::int64_t{3} << 30);
        QCOMPARE(theme(), Theme::Dark);
        resetPreferences();
        QCOMPARE(defaultFormat(), QStringLiteral("int8"));
        QCOMPARE(theme(), Theme::System);
    }

    // A hand-edited settings file: each unusable value reads as its default.
    void unusableStoredValuesReadAsDefaults() {
        QSettings settings;
        settings.setValue(prefs::kDefaultFormat, QStringLiteral("int99"));
        settings.setValue(prefs::kDefaultCalibration, QStringLiteral("percentile:banana"));
        settings.setValue(prefs::kHistogramBins, 3);
        settings.setValue(prefs::kThreads, -2);
        settings.setValue(prefs::kMemoryLimitBytes, QStringLiteral("lots"));
        settings.setValue(prefs::kTheme, 7);
        settings.setValue(prefs::kAutosave, QStringLiteral("maybe"));
        settings.sync();
        QCOMPARE(defaultFormat(), QStringLiteral("int8"));
        QCOMPARE(defaultCalibration(), QStringLiteral("minmax"));
        QCOMPARE(histogramBins(), 0);
        QCOMPARE(threadCount(), 0);
        QVERIFY(memoryLimitBytes() >= prefs::kMinMemoryLimitBytes);
        QCOMPARE(theme(), Theme::System);
        QVERIFY(autosaveEnabled());
        resetPreferences();
    }
};

QTEST_GUILESS_MAIN(PreferencesTest)
#include "preferences_test.moc"
