// The Signal tab's error spectrum and playback (issue 22, "Listening"): without an audio output
// the controls are off and say so while the spectrum and the rest work; the dither switch
// changes the session's config and the spectrum's curves; what Play would send is the PCM of
// the right signal with the guarded gain; screenshots in both palettes.

#include <QApplication>
#include <QCheckBox>
#include <QFile>
#include <QLabel>
#include <QLineSeries>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>
#include <cmath>
#include <numbers>

#include "analysis_session.h"
#include "config_panel.h"
#include "gui_test_support.h"
#include "listen_panel.h"
#include "main_window.h"
#include "plot_chart_view.h"
#include "quantscope/common/generators.h"
#include "signal_panel.h"
#include "signal_player.h"
#include "view_tabs.h"

using namespace quantscope;
using namespace quantscope::app;
using Sound = ListenPanel::Sound;

namespace {

// A quiet sine: 0.025 of full scale, about 3 steps of int8 over [-1, 1].
const char* kQuietSine = "sine:frequency=1000,amplitude=0.025,rate=48000,duration=0.5";

QuantConfig quietInt8() {
    return config_from_fields({{"format", "int8"}, {"calibration", "manual:-1,1"}});
}

// A short 16-bit mono WAV: a decaying chord of 220, 277 and 330 Hz at 16 kHz.
bool writeChordWav(const QString& path) {
    const int rate = 16000;
    const int frames = rate * 2;
    QByteArray data;
    for (int i = 0; i < frames; ++i) {
        const double t = static_cast<double>(i) / rate;
        double v = 0;
        for (const double f : {220.0, 277.18, 329.63}) {
            v += std::sin(2 * std::numbers::pi * f * t);
        }
        v *= 0.25 * std::exp(-1.5 * t);
        const auto s = static_cast<qint16>(std::lround(v * 32767));
        data.append(static_cast<char>(s & 0xff));
        data.append(static_cast<char>((s >> 8) & 0xff));
    }
    auto u32 = [](quint32 v) {
        QByteArray b(4, '\0');
        for (int k = 0; k < 4; ++k) {
            b[k] = static_cast<char>((v >> (8 * k)) & 0xff);
        }
        return b;
    };
    auto u16 = [](quint16 v) {
        QByteArray b(2, '\0');
        b[0] = static_cast<char>(v & 0xff);
        b[1] = static_cast<char>(v >> 8);
        return b;
    };
    QByteArray wav = "RIFF" + u32(static_cast<quint32>(36 + data.size())) + "WAVEfmt " + u32(16) +
                     u16(1) + u16(1) + u32(rate) + u32(rate * 2) + u16(2) + u16(16) + "data" +
                     u32(static_cast<quint32>(data.size())) + data;
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(wav) == wav.size();
}

// A Signal tab on its own studying the quiet sine under int8 over [-1, 1].
struct QuietSineTab {
    AnalysisSession session;
    SignalPanel panel{&session};

    // Shows the tab and waits until the sine's spectrum is drawn.
    bool study() {
        session.setConfig(quietInt8());
        session.setManualRangeLocked(true);  // the sine keeps the range [-1, 1]
        if (!gui_test::showAtTestSize(panel)) {
            return false;
        }
        session.setTensor(generate(kQuietSine), 48000);
        return gui_test::settle(&session) &&
               QTest::qWaitFor([&] { return panel.listenPanel()->isVisible(); },
                               gui_test::kTimeout);
    }
};

}  // namespace

class ListenPanelTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }

    void withoutAnOutputThePlaybackIsOffAndSaysSo() {
        if (SignalPlayer::outputAvailable()) {
            QSKIP("this machine has an audio output");
        }
        QuietSineTab tab;
        QVERIFY(tab.study());
        SignalPanel& panel = tab.panel;
        ListenPanel* listen = panel.listenPanel();
        QVERIFY(listen->statusLabel()->text().startsWith(QLatin1String("No audio output device")));
        QVERIFY(listen->statusLabel()->isVisible());
        for (const Sound s : {Sound::Original, Sound::Quantized, Sound::Error}) {
            QVERIFY(!listen->playButton(s)->isEnabled());
        }
        QVERIFY(!listen->stopButton()->isEnabled());
        QVERIFY(!listen->gainSlider()->isEnabled());
        // A click on a disabled button, or the player asked directly: nothing plays, no crash.
        QTest::mouseClick(listen->playButton(Sound::Error), Qt::LeftButton);
        SignalPlayer player;
        QCOMPARE(player.play({0, 1, 2}, 48000), QStringLiteral("No audio output device"));
        QVERIFY(!player.isPlaying());
        // The rest works: the waveform and the spectrum, E with and without dither, one point
        // per bin of a 4096-point FFT, in Hz up to 24 kHz.
        QVERIFY(panel.showsSignal());
        QCOMPARE(listen->spectrumChart()->curveCount(), 2);
        QCOMPARE(listen->spectrumChart()->curveSeries(1)->count(), 2049);
        QCOMPARE(listen->spectrumChart()->curveSeries(1)->at(2048).x(), 24000.0);
        QVERIFY(
            listen->spectrumChart()->curveSeries(1)->name().contains(QLatin1String("no dither")));
        QVERIFY(
            listen->spectrumChart()->curveSeries(0)->name().contains(QLatin1String("TPDF dither")));
    }

    void theDitherSwitchChangesTheConfigAndTheSpectrum() {
        QuietSineTab tab;
        QVERIFY(tab.study());
        AnalysisSession& session = tab.session;
        SignalPanel& panel = tab.panel;
        ListenPanel* listen = panel.listenPanel();
        QVERIFY(listen->ditherBox()->isEnabled());
        QVERIFY(!listen->ditherBox()->isChecked());
        // The undithered error of a quiet 1 kHz sine: harmonics far above the dithered floor.
        auto strongest = [&](int curve) {
            double top = -1e300;
            const QLineSeries* series = listen->spectrumChart()->curveSeries(curve);
            for (int i = 0; i < series->count(); ++i) {
                top = std::max(top, series->at(i).y());
            }
            return top;
        };
        const double plainTop = strongest(1);   // current: no dither
        const double ditherTop = strongest(0);  // toggled: TPDF
        QVERIFY2(plainTop > ditherTop + 10,
                 qPrintable(QStringLiteral("%1 vs %2").arg(plainTop).arg(ditherTop)));

        QSignalSpy finished(&session, &AnalysisSession::analysisFinished);
        listen->ditherBox()->setChecked(true);
        QCOMPARE(session.config().dither, Dither::Tpdf);
        QVERIFY(finished.wait(gui_test::kTimeout));
        QVERIFY(QTest::qWaitFor(
            [&] {
                return listen->spectrumChart()->curveSeries(1)->name().contains(
                    QLatin1String("TPDF dither (current)"));
            },
            gui_test::kTimeout));
        QVERIFY(session.undoStack()->canUndo());
        session.undoStack()->undo();
        QCOMPARE(session.config().dither, Dither::None);
        QVERIFY(!listen->ditherBox()->isChecked());

        // A float format takes no dither: the switch is off and one curve is drawn.
        QuantConfig fp8 = session.config();
        apply_format(fp8, "fp8_e4m3");
        session.changeConfig(fp8, QStringLiteral("fp8"));
        QVERIFY(gui_test::settle(&session));
        QVERIFY(QTest::qWaitFor([&] { return listen->spectrumChart()->curveCount() == 1; },
                                gui_test::kTimeout));
        QVERIFY(!listen->ditherBox()->isEnabled());
    }

    void theConfigDockHasTheSwitchToo() {
        MainWindow window;
        AnalysisSession* session = window.session();
        session->setConfig(quietInt8());
        ConfigPanel* config = window.configPanel();
        QVERIFY(config->ditherBox()->isEnabled());
        config->ditherBox()->setChecked(true);
        QCOMPARE(session->config().dither, Dither::Tpdf);
        QVERIFY(config->seedBox()->isVisibleTo(config));
        QuantConfig fp8 = session->config();
        apply_format(fp8, "fp8_e4m3");
        session->setConfig(fp8);
        QVERIFY(!config->ditherBox()->isEnabled());
        QVERIFY(!config->ditherBox()->isChecked());
    }

    void playSendsThePcmOfTheChosenSignalWithTheGuardedGain() {
        QuietSineTab tab;
        QVERIFY(tab.study());
        AnalysisSession& session = tab.session;
        SignalPanel& panel = tab.panel;
        const Tensor sine = generate(kQuietSine);
        ListenPanel* listen = panel.listenPanel();
        const QuantResult& result = session.outcome()->result;

        const auto original = listen->playback(Sound::Original);
        QCOMPARE(original.rate, 48000);
        QCOMPARE(original.gainDb, 0.0);
        QVERIFY(original.pcm.samples == to_pcm16(sine.values, 0, 1).samples);
        const auto quantized = listen->playback(Sound::Quantized);
        QVERIFY(quantized.pcm.samples == to_pcm16(result.dequantized, 0, 1).samples);

        const std::vector<float> error =
            signal_error(sine.values, result.dequantized, {sine.values.size(), 1});
        const double headroom = headroom_db(error, 1);
        // Half a step of int8 over [-1, 1] peaks at -48 dB: +40 dB does not clip...
        listen->gainSlider()->setValue(40);
        QVERIFY(headroom > 40);
        auto loud = listen->playback(Sound::Error);
        QCOMPARE(loud.gainDb, 40.0);
        QVERIFY(loud.pcm.samples == to_pcm16(error, 40, 1).samples);
        QCOMPARE(loud.pcm.clipped, std::size_t{0});
        // ...but on an int4 error it would: the guard holds the gain at the error's headroom.
        QuantConfig int4 = session.config();
        apply_format(int4, "int4");
        session.setConfig(int4);
        QVERIFY(gui_test::settle(&session));
        QVERIFY(QTest::qWaitFor(
            [&] {
                return session.outcome()->config.format.name() == "int4" &&
                       listen->playback(Sound::Error).gainDb < 40;
            },
            gui_test::kTimeout));
        const std::vector<float> error4 = signal_error(
            sine.values, session.outcome()->result.dequantized, {sine.values.size(), 1});
        const double headroom4 = headroom_db(error4, 1);
        QVERIFY(headroom4 < 40);
        const auto guarded = listen->playback(Sound::Error);
        QCOMPARE(guarded.gainDb, headroom4);
        QVERIFY(guarded.pcm.samples == to_pcm16(error4, headroom4, 1).samples);
        QCOMPARE(guarded.pcm.clipped, std::size_t{0});
        listen->guardBox()->setChecked(false);
        const auto clipping = listen->playback(Sound::Error);
        QCOMPARE(clipping.gainDb, 40.0);
        QVERIFY(clipping.pcm.clipped > 0);
    }

    void aTensorWithoutARateGetsTheWaveformOnly() {
        AnalysisSession session;
        SignalPanel panel(&session);
        QVERIFY(gui_test::showAtTestSize(panel));
        session.setTensor(generate("gaussian:n=5000"));
        QVERIFY(gui_test::settle(&session));
        QVERIFY(QTest::qWaitFor([&] { return panel.showsSignal(); }, gui_test::kTimeout));
        QVERIFY(!session.outcome()->errorSpectra);  // not quantized a second time
        QVERIFY(!panel.listenPanel()->isVisible());
        QVERIFY(panel.listenPanel()->playback(Sound::Original).pcm.samples.empty());
    }

    void screenshots() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString wav = dir.filePath(QStringLiteral("chord.wav"));
        QVERIFY(writeChordWav(wav));
        MainWindow window;
        QVERIFY(gui_test::showAtTestSize(window));
        AnalysisSession* session = window.session();
        window.tabs()->setCurrentIndex(MainWindow::SignalTab);
        const QPalette light = QApplication::palette();
        struct Shot {
            QString spec;
            QString name;
            const char* format;
            Dither dither;
        };
        const Shot shots[] = {{wav, QStringLiteral("signal-listen-wav"), "int8", Dither::None},
                              {QStringLiteral("gen:") + QLatin1String(kQuietSine),
                               QStringLiteral("signal-listen"), "int8", Dither::Tpdf}};
        for (const Shot& shot : shots) {
            session->openSource(shot.spec, true);
            QVERIFY(gui_test::settle(session));
            QVERIFY(QTest::qWaitFor(
                [&] { return session->tensor() && session->tensor()->info.name.size() > 0; },
                gui_test::kTimeout));
            QuantConfig config = session->config();
            apply_format(config, shot.format);
            config.calibration =
                parse_calibration(shot.dither == Dither::Tpdf ? "manual:-1,1" : "minmax");
            config.dither = shot.dither;
            session->changeConfig(config, QStringLiteral("shot"));
            QVERIFY(gui_test::settle(session));
            SignalPanel* panel = window.signalPanel();
            QVERIFY(QTest::qWaitFor(
                [&] {
                    return panel->listenPanel()->isVisible() &&
                           panel->listenPanel()->spectrumChart()->curveCount() == 2;
                },
                gui_test::kTimeout));
            for (const bool dark : {false, true}) {
                QApplication::setPalette(dark ? gui_test::darkPalette() : light);
                QTest::qWait(50);
                QVERIFY(window.saveScreenshot(
                    gui_test::screenshotPath(shot.name + (dark ? QLatin1String("-dark.png")
                                                               : QLatin1String("-light.png")))));
            }
            QApplication::setPalette(light);
        }
    }
};

QTEST_MAIN(ListenPanelTest)
#include "listen_panel_test.moc"
