#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QChart>
#include <QDockWidget>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QPixmap>
#include <QProgressBar>
#include <QStatusBar>
#include <cmath>

#include "analysis_session.h"
#include "config_panel.h"
#include "histogram_chart_view.h"
#include "metrics_panel.h"
#include "quantscope/common/generators.h"

namespace quantscope::app {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), session_(new AnalysisSession(this)) {
    setWindowIcon(QIcon(QStringLiteral(":/icons/quantscope.svg")));
    histogram_ = new widgets::HistogramChartView(this);
    setCentralWidget(histogram_);

    configPanel_ = new ConfigPanel(session_, this);
    auto* configDock = new QDockWidget(tr("Quantization"), this);
    configDock->setObjectName(QStringLiteral("quantizationDock"));
    configDock->setWidget(configPanel_);
    addDockWidget(Qt::LeftDockWidgetArea, configDock);

    metricsPanel_ = new MetricsPanel(session_, this);
    auto* metricsDock = new QDockWidget(tr("Metrics"), this);
    metricsDock->setObjectName(QStringLiteral("metricsDock"));
    metricsDock->setWidget(metricsPanel_);
    addDockWidget(Qt::LeftDockWidgetArea, metricsDock);

    headline_ = new QLabel(this);
    busy_ = new QProgressBar(this);
    busy_->setRange(0, 0);  // busy indicator: the job reports no fraction yet
    busy_->setMaximumWidth(160);
    busy_->setVisible(false);
    statusBar()->addWidget(headline_, 1);
    statusBar()->addPermanentWidget(busy_);

    createMenus();
    connect(session_, &AnalysisSession::analysisStarted, this, [this] { busy_->setVisible(true); });
    connect(session_, &AnalysisSession::analysisFinished, this, &MainWindow::showOutcome);
    connect(session_, &AnalysisSession::analysisFailed, this, &MainWindow::showFailure);
    connect(session_, &AnalysisSession::tensorChanged, this, &MainWindow::updateTitle);
    connect(session_, &AnalysisSession::configChanged, this, &MainWindow::updateTitle);
    resize(1280, 800);
    updateTitle();
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* sample = file->addAction(tr("Open &Sample"), this, &MainWindow::loadSample);
    sample->setStatusTip(tr("Open the built-in sample: 65536 Gaussian values with 8 outliers"));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (QDockWidget* dock : findChildren<QDockWidget*>()) {
        view->addAction(dock->toggleViewAction());
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About QuantScope"), this, [this] {
        QMessageBox::about(this, tr("About QuantScope"),
                           tr("<b>QuantScope</b> %1<br>What happens to these numbers if I store "
                              "them in that format?")
                               .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::loadSample() {
    session_->setTensor(builtin_sample());
}

QString MainWindow::headlineText() const {
    return headline_->text();
}

void MainWindow::updateTitle() {
    const auto tensor = session_->tensor();
    const QString name = tensor ? QString::fromStdString(tensor->info.name) : tr("no data");
    setWindowTitle(tr("%1 — QuantScope").arg(name));
    histogram_->chart()->setTitle(
        tr("%1 — %2").arg(name, QString::fromStdString(describe(session_->config()))));
}

void MainWindow::showOutcome() {
    busy_->setVisible(false);
    const auto outcome = session_->outcome();
    histogram_->setPlot(outcome->plot);
    const Metrics& m = outcome->result.metrics;
    const QString sqnr =
        std::isinf(m.sqnr_db) ? QStringLiteral("∞") : QString::number(m.sqnr_db, 'f', 2);
    headline_->setText(tr("SQNR %1 dB   MSE %2   max |error| %3   %4 values")
                           .arg(sqnr)
                           .arg(m.mse, 0, 'g', 4)
                           .arg(m.max_abs_error, 0, 'g', 4)
                           .arg(QLocale().toString(static_cast<qlonglong>(m.count))));
}

void MainWindow::showFailure(const QString& message) {
    busy_->setVisible(false);
    headline_->setText(tr("Analysis failed: %1").arg(message));
}

bool MainWindow::saveScreenshot(const QString& path) {
    return grab().save(path, "PNG");
}

}  // namespace quantscope::app
