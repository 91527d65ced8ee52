// quantscope: the desktop application. `quantscope --screenshot FILE` renders the window
// offscreen once the sample is analysed, saves a PNG and exits, for machines without a display.

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>
#include <cstdio>
#include <cstring>

#include "analysis_session.h"
#include "main_window.h"
#include "open_file_filter.h"

int main(int argc, char** argv) {
    // The platform is chosen when QApplication starts, so look for --screenshot first.
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--screenshot") == 0 &&
            qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
            qputenv("QT_QPA_PLATFORM", "offscreen");
        }
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("QuantScope"));
    QApplication::setOrganizationName(QStringLiteral("QuantScope"));
    QApplication::setApplicationVersion(QStringLiteral(QUANTSCOPE_VERSION));
    // Lets a Wayland compositor match the window to its menu entry and icon.
    QGuiApplication::setDesktopFileName(QStringLiteral(QUANTSCOPE_APP_ID));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Quantization error analysis for tensors and signals."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("Render the window offscreen after loading, save it as a PNG and exit."),
        QStringLiteral("file"));
    parser.addOption(screenshot);
    parser.addPositionalArgument(
        QStringLiteral("files"),
        QStringLiteral("Files or gen: specs to open (%1, gen:sine:frequency=440); the sample "
                       "when none is given.")
            .arg(quantscope::app::openFileExtensions()),
        QStringLiteral("[files...]"));
    parser.process(app);

    quantscope::app::MainWindow window;
    const QString screenshotPath = parser.value(screenshot);
    if (!screenshotPath.isEmpty()) {
        auto* session = window.session();
        QObject::connect(session, &quantscope::app::AnalysisSession::analysisFinished, &window,
                         [&window, screenshotPath] {
                             // Let the chart lay out the new series before grabbing.
                             QTimer::singleShot(50, &window, [&window, screenshotPath] {
                                 if (!window.saveScreenshot(screenshotPath)) {
                                     std::fprintf(stderr, "quantscope: cannot write %s\n",
                                                  qPrintable(screenshotPath));
                                     QApplication::exit(1);
                                     return;
                                 }
                                 std::printf("quantscope: saved screenshot to %s\n",
                                             qPrintable(screenshotPath));
                                 QApplication::exit(0);
                             });
                         });
        // A file that cannot be opened or read ends the run at once, saying why.
        QObject::connect(session, &quantscope::app::AnalysisSession::loadFailed, &window,
                         [](const QString& message) {
                             std::fprintf(stderr, "quantscope: cannot load: %s\n",
                                          qPrintable(message));
                             QApplication::exit(1);
                         });
        QObject::connect(session, &quantscope::app::AnalysisSession::analysisFailed, &window,
                         [](const QString& message) {
                             std::fprintf(stderr, "quantscope: analysis failed: %s\n",
                                          qPrintable(message));
                             QApplication::exit(1);
                         });
        QTimer::singleShot(60000, &window, [] {
            std::fprintf(stderr, "quantscope: no result within 60 s, no screenshot taken\n");
            QApplication::exit(1);
        });
    }
    window.show();
    if (parser.positionalArguments().isEmpty()) {
        window.loadSample();
    } else {
        window.openFiles(parser.positionalArguments());
    }
    return QApplication::exec();
}
