// The window against the hostile corpus (issue 16): every file of tests/data/hostile opened
// through the session gives its error message in the window, which stays usable; a job that
// fails inside the engine with a standard library exception says so in plain words.

#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QTextStream>

#include "analysis_session.h"
#include "gui_test_support.h"
#include "main_window.h"
#include "quantscope/common/tensor.h"
#include "quantscope/quant/quantizer.h"
#include "sources_panel.h"

using namespace quantscope;
using quantscope::app::AnalysisSession;
using quantscope::app::MainWindow;

namespace {

using gui_test::kTimeout;

const QString kHostile = QStringLiteral(QUANTSCOPE_TEST_DATA_DIR "/hostile/");

// expected.txt: FILE<TAB>substring of the error it must give.
QList<QPair<QString, QString>> manifest() {
    QList<QPair<QString, QString>> cases;
    QFile file(kHostile + QStringLiteral("expected.txt"));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        return cases;
    }
    QTextStream in(&file);
    while (!in.atEnd()) {
        const QString line = in.readLine();
        const qsizetype tab = line.indexOf(QLatin1Char('\t'));
        if (!line.startsWith(QLatin1Char('#')) && tab > 0) {
            cases.append({line.left(tab), line.mid(tab + 1)});
        }
    }
    return cases;
}

// Text no person should see: what a C++ standard library exception says.
bool looksRaw(const QString& message) {
    for (const char* raw : {"std::", "vector::", "basic_string", "bad_alloc", "max_size()"}) {
        if (message.contains(QLatin1String(raw))) {
            return true;
        }
    }
    return false;
}

}  // namespace

class HostileFilesTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void everyHostileFileGivesItsErrorAndTheWindowSurvives() {
        const auto cases = manifest();
        QVERIFY(cases.size() >= 60);
        MainWindow window;
        window.show();
        AnalysisSession* session = window.session();
        for (const auto& [name, expected] : cases) {
            QSignalSpy failed(session, &AnalysisSession::loadFailed);
            window.openFiles({kHostile + name});
            QVERIFY2(QTest::qWaitFor([&] { return failed.count() >= 1; }, kTimeout),
                     qPrintable(name + QStringLiteral(": no error shown")));
            const QString message = failed[0][0].toString();
            QVERIFY2(message.contains(expected), qPrintable(name + QStringLiteral(": ") + message));
            QVERIFY2(message.startsWith(kHostile + name), qPrintable(message));
            QVERIFY(!looksRaw(message));
            QVERIFY(QTest::qWaitFor([&] { return !session->isLoading(); }, kTimeout));
            QVERIFY(window.isVisible());
            QVERIFY2(window.sourcesPanel()->errorText().contains(expected),
                     qPrintable(window.sourcesPanel()->errorText()));
        }
        // Still usable: a good source opens and is studied.
        QSignalSpy finished(session, &AnalysisSession::analysisFinished);
        window.openFiles({QStringLiteral("gen:gaussian:n=1000,seed=3")});
        QVERIFY(gui_test::settle(session));
        QCOMPARE(session->tensor()->values.size(), std::size_t{1000});
    }

    void aJobThatRunsOutOfRoomSaysSoInPlainWords() {
        // An empty tensor whose other axis is 2^62: per channel along it, 2^62 groups cannot be
        // held. Either the engine handles it, or the job reports the failure; never raw text.
        AnalysisSession session;
        QSignalSpy finished(&session, &AnalysisSession::analysisFinished);
        QSignalSpy failed(&session, &AnalysisSession::analysisFailed);
        QuantConfig config;
        config.granularity = parse_granularity("channel:1");
        session.setConfig(config);
        Tensor tensor;
        tensor.info.name = "huge";
        tensor.info.dtype = "float32";
        tensor.info.shape = {0, std::int64_t{1} << 62};
        session.setTensor(std::move(tensor));
        QVERIFY(QTest::qWaitFor([&] { return finished.count() + failed.count() >= 1; }, kTimeout));
        if (failed.count() > 0) {
            const QString message = failed[0][0].toString();
            QVERIFY2(!looksRaw(message), qPrintable(message));
            QVERIFY2(message.startsWith(QStringLiteral("tensor 'huge': ")), qPrintable(message));
        }
    }
};

QTEST_MAIN(HostileFilesTest)
#include "hostile_files_test.moc"
