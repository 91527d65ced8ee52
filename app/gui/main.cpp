// quantscope: the desktop application. `quantscope --screenshot FILE` renders the window
// offscreen once the sample is analysed, saves a PNG and exits, for machines without a display.
// What the window opens first and the autosave are startup.h's.

#include <QApplication>
#include <QTimer>
#include <cstdio>
#include <cstring>

#include "analysis_session.h"
#include "main_window.h"
#include "startup.h"

int main(int argc, char** argv) {
    // The platform is chosen when QApplication starts, so look for --screenshot first.
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--screenshot") == 0 &&
            qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
            qputenv("QT_QPA_PLATFORM", "offscreen");
        }
    }
    QApplication app(argc, argv);
    // The version and the menu entry's id come from the build (CMake); startup.cpp sets the rest.
    QApplication::setApplicationVersion(QStringLiteral(QUANTSCOPE_VERSION));
    // Lets a Wayland compositor match the window to its menu entry and icon.
    QGuiApplication::setDesktopFileName(QStringLiteral(QUANTSCOPE_APP_ID));
    const quantscope::app::StartOptions options = quantscope::app::parseStartOptions(app);

    quantscope::app::MainWindow window;
    const QString screenshotPath = options.screenshot;
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
    // A screenshot run neither restores nor autosaves: it shows what it was given.
    quantscope::app::SessionKeeper keeper(&window, screenshotPath.isEmpty());
    QObject::connect(&app, &QApplication::aboutToQuit, &keeper, [&keeper] { keeper.quit(); });
    window.show();
    keeper.start(options);
    return QApplication::exec();
}
