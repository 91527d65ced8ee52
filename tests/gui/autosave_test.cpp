// Never lose work (issue 21): the app is started on a session, changed, killed with SIGKILL
// and started again (real processes: this executable runs the app's own startup code as a child,
// `--child change|report ARGS...`); a clean quit reopens the last session unless the preference
// says no; an autosave cut at every byte of its first kilobyte, a newer or hand-edited session
// each give a message and a normal start; a vanished source is listed with Locate… and the rest
// restores; the undo history survives; the Preferences dialog and View > Reset Layout.

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUndoStack>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <vector>

#include "analysis_session.h"
#include "autosave.h"
#include "config_panel.h"
#include "gui_test_support.h"
#include "main_window.h"
#include "missing_sources_view.h"
#include "preferences.h"
#include "preferences_dialog.h"
#include "quantscope/common/generators.h"
#include "quantscope/common/parallel.h"
#include "quantscope/io/npy_writer.h"
#include "session_file.h"
#include "startup.h"
#include "theme.h"

using namespace quantscope;
using namespace quantscope::app;
using gui_test::kTimeout;
using gui_test::settle;

namespace {

// --- The child: the app's startup as main() runs it --------------------------------------

int childMain(int argc, char** argv) {
    const std::string mode = argv[2];
    std::vector<char*> args{argv[0]};
    for (int i = 3; i < argc; ++i) {
        args.push_back(argv[i]);
    }
    int count = static_cast<int>(args.size());
    QApplication app(count, args.data());
    const StartOptions options = parseStartOptions(app);
    MainWindow window;
    SessionKeeper keeper(&window, true);
    QObject::connect(&app, &QApplication::aboutToQuit, &keeper, [&keeper] { keeper.quit(); });
    window.show();
    keeper.start(options);
    if (!settle(window.session())) {
        std::fprintf(stderr, "child: the session never settled\n");
        return 3;
    }
    if (mode == "change" || mode == "change-quit") {
        // As the user picks it in the Configuration dock.
        QComboBox* format = window.configPanel()->formatBox();
        format->setCurrentIndex(format->findText(QStringLiteral("int4")));
        if (format_name(window.session()->config()) != "int4") {
            std::fprintf(stderr, "child: the format did not change\n");
            return 4;
        }
        std::printf("changed\n");
        std::fflush(stdout);
        if (mode == "change-quit") {
            QTimer::singleShot(0, &app, &QApplication::quit);
        }
        return QApplication::exec();
    }
    const QJsonObject report{{"previous", static_cast<int>(keeper.previousRun())},
                             {"message", keeper.startMessage()},
                             {"workers", static_cast<int>(worker_count())},
                             {"session", window.sessionJson()}};
    std::printf("%s\n", QJsonDocument(report).toJson(QJsonDocument::Compact).constData());
    keeper.quit();
    return 0;
}

QString formatOf(const QJsonObject& session) {
    return session.value("config").toObject().value("format").toString();
}

QStringList sourcesOf(const QJsonObject& session) {
    QStringList specs;
    for (const QJsonValue& v : session.value("sources").toArray()) {
        specs << v.toString();
    }
    return specs;
}

void writeBytes(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(bytes), bytes.size());
}

}  // namespace

class AutosaveTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;

    QString dataFolder() const {
        return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    }
    QString autosavePath() const { return dataFolder() + QStringLiteral("/session-0.json"); }

    // Starts this executable as the app; `env` adds to the environment.
    void startChild(QProcess& process, const QString& mode, const QStringList& args,
                    const QStringList& env = {}) {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        for (const QString& e : env) {
            environment.insert(e.section(QLatin1Char('='), 0, 0), e.section(QLatin1Char('='), 1));
        }
        process.setProcessEnvironment(environment);
        process.setProcessChannelMode(QProcess::SeparateChannels);
        process.start(QCoreApplication::applicationFilePath(),
                      QStringList{QStringLiteral("--child"), mode} + args);
        QVERIFY(process.waitForStarted(kTimeout));
    }

    // Runs the app in report mode to its end and returns what it reported.
    QJsonObject report(const QStringList& args, const QStringList& env = {}) {
        QProcess process;
        startChild(process, QStringLiteral("report"), args, env);
        if (!process.waitForFinished(kTimeout * 2)) {
            process.kill();
            qWarning("report child hung");
            return {};
        }
        const QByteArray err = process.readAllStandardError();
        if (process.exitCode() != 0) {
            qWarning("report child failed: %s", err.constData());
            return {};
        }
        return QJsonDocument::fromJson(process.readAllStandardOutput().trimmed()).object();
    }

    QString writeSession(const QString& name, const QStringList& sources, int selected,
                         const QString& format) {
        QJsonArray specs;
        for (const QString& s : sources) {
            specs.append(s);
        }
        const QJsonObject json{
            {"application", "QuantScope"},
            {"version", kSessionVersion},
            {"sources", specs},
            {"selected", QJsonObject{{"source", selected}, {"tensor", 0}}},
            {"config", QJsonObject{{"format", format}}},
        };
        const QString path = dir_.filePath(name);
        writeBytes(path, QJsonDocument(json).toJson());
        return path;
    }

    QString writeNpy(const QString& name, std::size_t count) {
        const QString path = dir_.filePath(name);
        const Tensor t = generate("gaussian:n=" + std::to_string(count) + ",seed=4");
        write_npy(path.toStdString(), t.values, {static_cast<std::int64_t>(count)});
        return path;
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        // The children and this process share private data and settings folders.
        qputenv("XDG_DATA_HOME", dir_.filePath(QStringLiteral("data")).toLocal8Bit());
        qputenv("XDG_CONFIG_HOME", dir_.filePath(QStringLiteral("config")).toLocal8Bit());
        QCoreApplication::setOrganizationName(QStringLiteral("QuantScope"));
        QCoreApplication::setApplicationName(QStringLiteral("QuantScope"));
        QVERIFY(dataFolder().startsWith(dir_.path()));
    }

    void init() {
        QDir(dataFolder()).removeRecursively();
        resetPreferences();
        QSettings().sync();
    }

    // The issue's test: start on a session, change the config, SIGKILL, start again.
    void killedAppComesBackWithItsChange() {
        const QString npy = writeNpy(QStringLiteral("weights.npy"), 3000);
        const QStringList sources{QStringLiteral("gen:gaussian:n=4000,seed=3"), npy};
        const QString session =
            writeSession(QStringLiteral("start.json"), sources, 1, QStringLiteral("int8"));
        QProcess app;
        startChild(app, QStringLiteral("change"), {QStringLiteral("--session-file"), session});
        QVERIFY2(app.waitForReadyRead(kTimeout * 2), app.readAllStandardError().constData());
        QCOMPARE(app.readLine().trimmed(), QByteArray("changed"));
        QElapsedTimer sinceChange;
        sinceChange.start();
        // Autosaved a moment later (Autosaver::kDelayMs), without any quit.
        QVERIFY(QTest::qWaitFor(
            [&] {
                const SessionRead read = readSessionFile(autosavePath());
                return read.error.isEmpty() && formatOf(read.json) == QLatin1String("int4");
            },
            10000));
        qInfo("autosaved %lld ms after the change", static_cast<long long>(sinceChange.elapsed()));
        QCOMPARE(::kill(static_cast<pid_t>(app.processId()), SIGKILL), 0);
        QVERIFY(app.waitForFinished(kTimeout));
        QCOMPARE(app.exitStatus(), QProcess::CrashExit);
        QVERIFY(QFileInfo::exists(dataFolder() + QStringLiteral("/session-0.lock")));

        // What the prompt would say.
        const QString prompt = SessionKeeper::restorePrompt(readSessionFile(autosavePath()).json);
        QVERIFY2(prompt.contains(QStringLiteral("weights.npy")), qPrintable(prompt));
        QVERIFY2(prompt.contains(QStringLiteral("gen:gaussian:n=4000,seed=3")), qPrintable(prompt));
        QVERIFY2(prompt.contains(QStringLiteral("int4")), qPrintable(prompt));
        QVERIFY2(prompt.contains(QStringLiteral("Saved ")), qPrintable(prompt));

        // Started again (restoring without the prompt, as a script would).
        const QJsonObject restarted = report({QStringLiteral("--restore")});
        QCOMPARE(restarted.value("previous").toInt(),
                 static_cast<int>(SessionKeeper::PreviousRun::Crashed));
        const QJsonObject json = restarted.value("session").toObject();
        QCOMPARE(formatOf(json), QStringLiteral("int4"));
        QCOMPARE(sourcesOf(json), sources);
        QCOMPARE(json.value("selected").toObject().value("source").toInt(), 1);
        // The change is also the undo step it was.
        const QJsonArray steps = json.value("undo").toObject().value("steps").toArray();
        QCOMPARE(steps.size(), qsizetype(1));
        QCOMPARE(steps[0].toObject().value("after").toObject().value("format").toString(),
                 QStringLiteral("int4"));
        QVERIFY(restarted.value("message").toString().contains(QStringLiteral("Restored")));
    }

    // Killed, and started with --no-restore: the crashed autosave is set aside, not overwritten.
    void declinedRestoreKeepsTheCrashedSession() {
        QProcess app;
        startChild(app, QStringLiteral("change"), {QStringLiteral("gen:uniform:n=2000,seed=2")});
        QVERIFY(app.waitForReadyRead(kTimeout * 2));
        QVERIFY(QTest::qWaitFor(
            [&] { return formatOf(readSessionFile(autosavePath()).json) == QLatin1String("int4"); },
            10000));
        ::kill(static_cast<pid_t>(app.processId()), SIGKILL);
        QVERIFY(app.waitForFinished(kTimeout));
        const QJsonObject fresh = report({QStringLiteral("--no-restore")});
        QCOMPARE(sourcesOf(fresh.value("session").toObject()),
                 QStringList{QStringLiteral("gen:sample")});
        const QString message = fresh.value("message").toString();
        QVERIFY2(message.contains(QStringLiteral("crashed-session-")), qPrintable(message));
        const QStringList kept =
            QDir(dataFolder()).entryList({QStringLiteral("crashed-session-*.json")});
        QCOMPARE(kept.size(), qsizetype(1));
        QCOMPARE(formatOf(readSessionFile(dataFolder() + QLatin1Char('/') + kept[0]).json),
                 QStringLiteral("int4"));
    }

    void cleanQuitReopensTheLastSessionUnlessTurnedOff() {
        QProcess app;
        startChild(app, QStringLiteral("change-quit"),
                   {QStringLiteral("gen:uniform:n=3000,seed=1")});
        QVERIFY(app.waitForFinished(kTimeout * 2));
        QCOMPARE(app.exitStatus(), QProcess::NormalExit);
        QCOMPARE(app.exitCode(), 0);
        QVERIFY(!QFileInfo::exists(dataFolder() + QStringLiteral("/session-0.lock")));

        const QStringList attended{QStringLiteral("QUANTSCOPE_RESTORE=ask")};
        const QJsonObject reopened = report({}, attended);
        QCOMPARE(reopened.value("previous").toInt(),
                 static_cast<int>(SessionKeeper::PreviousRun::CleanQuit));
        QCOMPARE(formatOf(reopened.value("session").toObject()), QStringLiteral("int4"));
        QCOMPARE(sourcesOf(reopened.value("session").toObject()),
                 QStringList{QStringLiteral("gen:uniform:n=3000,seed=1")});

        // Turned off; and the preferred format and thread count for a fresh start.
        setReopenLastSession(false);
        setDefaultFormat(QStringLiteral("fp8_e4m3"));
        setThreadCount(1);
        QSettings().sync();
        const QJsonObject fresh = report({}, attended);
        QCOMPARE(sourcesOf(fresh.value("session").toObject()),
                 QStringList{QStringLiteral("gen:sample")});
        QCOMPARE(formatOf(fresh.value("session").toObject()), QStringLiteral("fp8_e4m3"));
        QCOMPARE(fresh.value("workers").toInt(), 1);
    }

    // An autosave cut at every byte of its first kilobyte: a message naming the file and the
    // offset, the file set aside, and the sample as on a first start.
    void truncatedAutosaveStartsNormally() {
        QByteArray whole;
        {
            MainWindow window;
            AnalysisSession* session = window.session();
            window.openFiles({QStringLiteral("gen:gaussian:n=2000,seed=1"),
                              QStringLiteral("gen:laplace:n=2000,seed=2")});
            QVERIFY(settle(session));
            QuantConfig config = session->config();
            apply_format(config, "int4");
            session->changeConfig(config, QStringLiteral("Format int4"));
            apply_format(config, "fp8_e4m3");
            session->changeConfig(config, QStringLiteral("Format fp8_e4m3"));
            session->addComparedConfig(config);
            whole = QJsonDocument(window.sessionJson()).toJson();
        }
        QVERIFY(whole.size() > 1024);
        const QString folder = dir_.filePath(QStringLiteral("truncated"));
        QDir().mkpath(folder);
        const QString path = folder + QStringLiteral("/session-0.json");
        // One window for every offset: building a window per offset made this the slowest
        // test of the suite, and each start below still goes through the whole restore path.
        MainWindow window;
        for (int offset = 0; offset <= 1024; ++offset) {
            writeBytes(path, whole.left(offset));
            SessionKeeper keeper(&window, true, folder);
            QCOMPARE(keeper.previousRun(), SessionKeeper::PreviousRun::CleanQuit);
            keeper.start({});
            const QString message = keeper.startMessage();
            // The offset names a byte of the file (or its end), never one past it.
            const int at = message.section(QStringLiteral("offset "), 1).section(':', 0, 0).toInt();
            QVERIFY2(message.contains(path) && message.contains(QStringLiteral("offset ")) &&
                         at <= offset,
                     qPrintable(QStringLiteral("offset %1: %2").arg(offset).arg(message)));
            QVERIFY2(!QFileInfo::exists(path), qPrintable(message));  // set aside
            if (offset % 256 == 0) {  // and the window works as on a first start
                QVERIFY(settle(window.session()));
                QCOMPARE(window.session()->sources().size(), qsizetype(1));
                QCOMPARE(window.session()->sources()[0].spec, QStringLiteral("gen:sample"));
            }
        }
        QCOMPARE(QDir(folder).entryList({QStringLiteral("unreadable-session-*")}).size(),
                 qsizetype(1025));

        // And as a process, after a crash: the start goes on.
        QProcess crashed;
        startChild(crashed, QStringLiteral("change"), {});
        QVERIFY(crashed.waitForReadyRead(kTimeout * 2));
        ::kill(static_cast<pid_t>(crashed.processId()), SIGKILL);
        QVERIFY(crashed.waitForFinished(kTimeout));
        writeBytes(autosavePath(), whole.left(517));
        const QJsonObject started = report({QStringLiteral("--restore")});
        QVERIFY2(started.value("message").toString().contains(QStringLiteral("offset 517")),
                 qPrintable(started.value("message").toString()));
        QCOMPARE(sourcesOf(started.value("session").toObject()),
                 QStringList{QStringLiteral("gen:sample")});
    }

    void newerOrHandEditedSessionsSayWhy() {
        MainWindow window;
        const auto problemWith = [&](const QByteArray& bytes) {
            const QString path = dir_.filePath(QStringLiteral("edited.json"));
            writeBytes(path, bytes);
            return window.openSession(path);
        };
        QString problem = problemWith(R"({"application": "QuantScope", "version": 99})");
        QVERIFY2(problem.contains(QStringLiteral("edited.json")) &&
                     problem.contains(QStringLiteral("newer")) &&
                     problem.contains(QStringLiteral("99")),
                 qPrintable(problem));
        problem = problemWith(R"({"application": "QuantScope", "version": "2"})");
        QVERIFY2(problem.contains(QStringLiteral("version")), qPrintable(problem));
        problem = problemWith(R"({"sources": ["a.npy"], "version": 1})");
        QVERIFY2(problem.contains(QStringLiteral("not a QuantScope session")), qPrintable(problem));
        problem = problemWith(R"([1, 2, 3])");
        QVERIFY2(problem.contains(QStringLiteral("offset 0")), qPrintable(problem));
        problem = problemWith(
            R"({"application": "QuantScope", "version": 2, "config": {"format": "int8"},)"
            R"( "undo": {"steps": [{"before": {"format": "int99"}}]}})");
        QVERIFY2(problem.contains(QStringLiteral("int99")), qPrintable(problem));
        // Wrong types where lists belong are read as empty, not a crash.
        problem = problemWith(R"({"application": "QuantScope", "version": 2, "sources": 5,)"
                              R"( "missing": "x", "selected": [], "undo": 3, "compared": {}})");
        QCOMPARE(problem, QString());
        // Version 1 files (before autosave) still open.
        problem = problemWith(R"({"application": "QuantScope", "version": 1, "sources": [],)"
                              R"( "config": {"format": "int4"}})");
        QCOMPARE(problem, QString());
        QCOMPARE(format_name(window.session()->config()), std::string("int4"));
    }

    void vanishedSourceIsListedWithLocate() {
        const QString kept = writeNpy(QStringLiteral("kept.npy"), 1000);
        const QString gone = dir_.filePath(QStringLiteral("moved.npy"));
        const QString sessionPath = writeSession(QStringLiteral("missing.json"),
                                                 {kept, gone, QStringLiteral("gen:uniform:n=500")},
                                                 1, QStringLiteral("int4"));
        MainWindow window;
        QVERIFY(gui_test::showAtTestSize(window));
        AnalysisSession* session = window.session();
        QCOMPARE(window.openSession(sessionPath), QString());
        QVERIFY(QTest::qWaitFor(
            [&] { return session->sources().size() == 2 && !session->isLoading(); }, kTimeout));
        QCOMPARE(session->missingSources().size(), qsizetype(1));
        QCOMPARE(session->missingSources()[0].spec, gone);
        QVERIFY(session->missingSources()[0].problem.contains(QStringLiteral("moved.npy")));
        QCOMPARE(format_name(session->config()), std::string("int4"));  // the rest restored
        // Listed in the Sources dock with Locate…
        auto* view = window.findChild<MissingSourcesView*>();
        QVERIFY(view != nullptr && view->isVisible());
        QStringList buttons;
        for (auto* b : view->findChildren<QPushButton*>()) {
            if (!b->isHidden()) {
                buttons << b->text();
            }
        }
        QCOMPARE(buttons, (QStringList{QStringLiteral("Locate…"), QStringLiteral("Forget")}));
        QVERIFY(
            window.saveScreenshot(gui_test::screenshotPath(QStringLiteral("missing-source.png"))));
        // The session keeps it (an autosave now must not drop it).
        const QJsonObject json = window.sessionJson();
        QCOMPARE(json.value("missing").toArray().size(), qsizetype(1));
        QCOMPARE(json.value("missing").toArray()[0].toObject().value("spec").toString(), gone);

        // Found elsewhere: opened in its place and studied, as it was selected.
        const QString found = writeNpy(QStringLiteral("found.npy"), 777);
        view->locate(0, found);
        QVERIFY(QTest::qWaitFor(
            [&] { return session->tensor() && session->tensor()->values.size() == 777; },
            kTimeout));
        QVERIFY(session->missingSources().isEmpty());
        QVERIFY(QTest::qWaitFor([&] { return view->isHidden(); }, kTimeout));
        QCOMPARE(session->sources().size(), qsizetype(3));
        // A wrong location keeps it missing, and says why.
        QCOMPARE(window.openSession(sessionPath), QString());
        QVERIFY(QTest::qWaitFor([&] { return session->missingSources().size() == 1; }, kTimeout));
        QSignalSpy failed(session, &AnalysisSession::loadFailed);
        view->locate(0, dir_.filePath(QStringLiteral("nowhere.npy")));
        QVERIFY(QTest::qWaitFor(
            [&] { return session->missingSources().size() == 1 && !session->isLoading(); },
            kTimeout));
        QCOMPARE(session->missingSources()[0].spec, gone);
        QCOMPARE(failed.count(), 1);
        QVERIFY(failed[0][0].toString().contains(QStringLiteral("nowhere.npy")));
    }

    void undoHistorySurvivesTheSessionFile() {
        const QString path = dir_.filePath(QStringLiteral("undo.json"));
        std::vector<QuantConfig> configs;
        {
            MainWindow window;
            AnalysisSession* session = window.session();
            window.loadSample();
            QVERIFY(settle(session));
            configs.push_back(session->config());
            for (const char* name : {"int4", "fp8_e4m3", "nf4"}) {
                QuantConfig config = session->config();
                apply_format(config, name);
                session->changeConfig(config, QStringLiteral("Format %1").arg(name));
                configs.push_back(config);
            }
            session->undoStack()->undo();  // back at fp8_e4m3, nf4 redoable
            QCOMPARE(window.saveSession(path), QString());
        }
        MainWindow window;
        AnalysisSession* session = window.session();
        QCOMPARE(window.openSession(path), QString());
        QVERIFY(settle(session));
        QUndoStack* stack = session->undoStack();
        QCOMPARE(stack->count(), 3);
        QCOMPARE(stack->index(), 2);
        QVERIFY(session->config() == configs[2]);
        QCOMPARE(stack->undoText(), QStringLiteral("Format fp8_e4m3"));
        stack->undo();
        QVERIFY(session->config() == configs[1]);
        stack->redo();
        stack->redo();
        QVERIFY(session->config() == configs[3]);
    }

    // Burst of changes: one write, a second or so after the last; none while turned off.
    void changesAreSavedOnceAfterABurst() {
        MainWindow window;
        AnalysisSession* session = window.session();
        window.loadSample();
        QVERIFY(settle(session));
        const QString path = dir_.filePath(QStringLiteral("burst/session.json"));
        Autosaver saver(&window, path);
        QSignalSpy saved(&saver, &Autosaver::saved);
        QElapsedTimer clock;
        clock.start();
        for (int bits = 2; bits <= 8; ++bits) {
            QuantConfig config = session->config();
            apply_format(config, "int" + std::to_string(bits));
            session->changeConfig(config, QStringLiteral("bits"));
        }
        QVERIFY(saver.isPending());
        QVERIFY(saved.wait(kTimeout));
        QVERIFY(clock.elapsed() >= Autosaver::kDelayMs * 9 / 10);  // a coarse timer's 5 %
        QTest::qWait(Autosaver::kDelayMs + 300);
        QCOMPARE(saved.count(), 1);
        QCOMPARE(formatOf(readSessionFile(path).json), QStringLiteral("int8"));

        setAutosaveEnabled(false);
        QuantConfig config = session->config();
        apply_format(config, "int3");
        session->changeConfig(config, QStringLiteral("bits"));
        QVERIFY(!saver.isPending());
        QTest::qWait(Autosaver::kDelayMs + 300);
        QCOMPARE(saved.count(), 1);
        setAutosaveEnabled(true);
    }

    void preferencesDialogStoresAndApplies() {
        MainWindow window;
        QVERIFY(gui_test::showAtTestSize(window));
        window.loadSample();
        QVERIFY(settle(window.session()));
        {
            PreferencesDialog dialog(&window);
            dialog.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            // Every mnemonic once.
            QSet<QChar> keys;
            const auto claim = [&](const QString& text) {
                const QChar key = gui_test::mnemonic(text);
                if (!key.isNull()) {
                    QVERIFY2(!keys.contains(key), qPrintable(text));
                    keys.insert(key);
                }
            };
            for (auto* label : dialog.findChildren<QLabel*>()) {
                if (label->buddy() != nullptr) {
                    claim(label->text());
                }
            }
            for (auto* button : dialog.findChildren<QAbstractButton*>()) {
                claim(button->text());
            }
            QVERIFY(keys.size() >= 8);
            QVERIFY(
                dialog.grab().save(gui_test::screenshotPath(QStringLiteral("preferences.png"))));
            auto* ok = dialog.buttons()->button(QDialogButtonBox::Ok);
            dialog.formatBox()->setCurrentText(QStringLiteral("int99"));
            QVERIFY(!ok->isEnabled());
            QVERIFY(dialog.problem().contains(QStringLiteral("int99")));
            dialog.formatBox()->setCurrentText(QStringLiteral("mxfp4"));
            dialog.calibrationEdit()->setText(QStringLiteral("percentile:99"));
            QVERIFY(ok->isEnabled());
            dialog.binsBox()->setValue(100);
            dialog.themeBox()->setCurrentIndex(dialog.themeBox()->findData(int(Theme::Dark)));
            dialog.autosaveBox()->setChecked(false);
            dialog.memoryLimitBox()->setValue(2048);
            QTest::mouseClick(ok, Qt::LeftButton);
        }
        QCOMPARE(defaultFormat(), QStringLiteral("mxfp4"));
        QCOMPARE(defaultCalibration(), QStringLiteral("percentile:99"));
        QCOMPARE(histogramBins(), 100);
        QVERIFY(!autosaveEnabled());
        QCOMPARE(memoryLimitBytes(), std::int64_t{2048} << 20);
        QCOMPARE(theme(), Theme::Dark);
        const QPalette system = QApplication::palette();
        window.applyPreferences();
        QCOMPARE(QApplication::palette().color(QPalette::Base),
                 darkPalette().color(QPalette::Base));
        QVERIFY(settle(window.session()));
        QCOMPARE(window.session()->outcome()->plot.original.counts.size(), std::size_t{100});
        {
            PreferencesDialog dark(&window);
            dark.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dark));
            QTest::qWait(50);
            dark.grab().save(gui_test::screenshotPath(QStringLiteral("preferences-dark.png")));
            dark.showDefaults();
            QCOMPARE(dark.binsBox()->value(), dark.binsBox()->minimum());  // automatic
            QCOMPARE(dark.formatBox()->currentText(), QStringLiteral("int8"));
            dark.store();
        }
        window.applyPreferences();
        QCOMPARE(QApplication::palette(), system);
        QVERIFY(settle(window.session()));
        QVERIFY(window.session()->outcome()->plot.original.counts.size() != 100);
    }

    void resetLayoutBringsTheDocksBack() {
        MainWindow window;
        QVERIFY(gui_test::showAtTestSize(window));
        const QByteArray first = window.saveState();
        auto* metrics = window.findChild<QDockWidget*>(QStringLiteral("metricsDock"));
        auto* sources = window.findChild<QDockWidget*>(QStringLiteral("sourcesDock"));
        auto* config = window.findChild<QDockWidget*>(QStringLiteral("quantizationDock"));
        metrics->close();
        window.tabifyDockWidget(sources, config);
        QVERIFY(window.saveState() != first);
        QAction* reset = nullptr;
        for (QAction* menu : window.menuBar()->actions()) {
            for (QAction* item : menu->menu()->actions()) {
                if (item->text() == QStringLiteral("&Reset Layout")) {
                    reset = item;
                }
            }
        }
        QVERIFY(reset != nullptr);
        reset->trigger();
        QTest::qWait(50);
        QVERIFY(metrics->isVisible());
        QVERIFY(!window.tabifiedDockWidgets(sources).contains(config));
        QCOMPARE(window.dockWidgetArea(metrics), Qt::RightDockWidgetArea);
        QVERIFY(config->isVisible() && sources->isVisible());
    }
};

int main(int argc, char** argv) {
    if (argc > 2 && std::strcmp(argv[1], "--child") == 0) {
        return childMain(argc, argv);
    }
    QApplication app(argc, argv);
    AutosaveTest test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "autosave_test.moc"
