#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QChart>
#include <QCheckBox>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QSaveFile>
#include <QSettings>
#include <QStatusBar>
#include <QToolButton>
#include <QUndoStack>
#include <QtConcurrent>
#include <cmath>
#include <exception>

#include "analysis_session.h"
#include "bit_inspector.h"
#include "bits_panel.h"
#include "cancellable_view.h"
#include "chart_export.h"
#include "compare_panel.h"
#include "config_panel.h"
#include "density_image_view.h"
#include "error_panel.h"
#include "formats_panel.h"
#include "histogram_chart_view.h"
#include "histogram_panel.h"
#include "large_tensor_prompt.h"
#include "lesson_panel.h"
#include "lessons.h"
#include "memory_panel.h"
#include "metrics_panel.h"
#include "open_file_filter.h"
#include "operators_panel.h"
#include "optimizer_panel.h"
#include "overview_panel.h"
#include "planner_panel.h"
#include "plot_chart_view.h"
#include "preferences.h"
#include "preferences_dialog.h"
#include "quantscope/common/simd.h"
#include "quantscope/quant/metric_descriptors.h"
#include "quantscope/quant/quantized_file.h"
#include "session_file.h"
#include "signal_chart_view.h"
#include "signal_panel.h"
#include "sources_panel.h"
#include "steps_panel.h"
#include "sweep_panel.h"
#include "tensor_sample.h"
#include "theme.h"
#include "training_panel.h"
#include "view_tabs.h"

namespace quantscope::app {

namespace {

constexpr int kMaxRecentFiles = 10;
const char* const kRecentKey = "recentFiles";
const char* const kStateKey = "mainWindow/state";
const char* const kGeometryKey = "mainWindow/geometry";
// Bumped when the docks change, so an old saved layout is not applied to new docks.
constexpr int kStateVersion = 3;

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), session_(new AnalysisSession(this)) {
    setWindowIcon(QIcon(QStringLiteral(":/icons/quantscope.svg")));
    setAcceptDrops(true);
    setDockOptions(AnimatedDocks | AllowTabbedDocks | AllowNestedDocks);

    tabs_ = new ViewTabs(this);
    histogramPanel_ = new HistogramPanel(session_, this);
    errorPanel_ = new ErrorPanel(session_, this);
    signalPanel_ = new SignalPanel(session_, this);
    comparePanel_ = new ComparePanel(session_, this);
    sweepPanel_ = new SweepPanel(session_, this);
    formatsPanel_ = new FormatsPanel(session_, this);
    stepsPanel_ = new StepsPanel(session_, this);
    memoryPanel_ = new MemoryPanel(session_, this);
    operatorsPanel_ = new OperatorsPanel(session_, this);
    overviewPanel_ = new OverviewPanel(session_, this);
    // Views in the order of MainWindow::Tab. Mnemonics are unique among everything on screen at
    // once (menus, docks, the tab's own controls): main_window_test checks it for every tab.
    const QString deployment = tr("Deployment");
    const QString training = tr("Training");
    tabs_->addView(histogramPanel_, tr("H&istogram"));
    tabs_->addView(errorPanel_, tr("E&rror"));
    tabs_->addView(signalPanel_, tr("Sig&nal"));
    tabs_->addView(comparePanel_, tr("&Compare"));
    tabs_->addView(sweepPanel_, tr("&Bit-width sweep"));
    tabs_->addView(formatsPanel_, tr("For&mats"));
    tabs_->addView(stepsPanel_, tr("Ste&ps"));
    tabs_->addView(memoryPanel_, tr("Memor&y"), deployment);
    tabs_->addView(operatorsPanel_, tr("Oper&ators"), deployment);
    tabs_->addView(overviewPanel_, tr("Overview"));
    connect(overviewPanel_, &OverviewPanel::tensorOpened, this,
            [this] { tabs_->setCurrentIndex(HistogramTab); });
    plannerPanel_ = new PlannerPanel(this);
    tabs_->addView(plannerPanel_, tr("Planner"), deployment);
    trainingPanel_ = new TrainingPanel(this);
    tabs_->addView(trainingPanel_, tr("Weights"), training);
    // The planner plans the selected model.
    const auto selectModel = [this] {
        const int s = session_->selectedSource();
        plannerPanel_->setSource(
            s >= 0 && s < session_->sources().size() ? session_->sources()[s].source : nullptr);
    };
    connect(session_, &AnalysisSession::sourcesChanged, this, selectModel);
    connect(session_, &AnalysisSession::tensorChanged, this, selectModel);
    optimizerPanel_ = new OptimizerPanel(this);
    tabs_->addView(optimizerPanel_, tr("Optimizer states"), training);
    addToolBar(Qt::TopToolBarArea, tabs_->toolBar());
    setCentralWidget(tabs_);

    createDocks();
    createStatusBar();
    createMenus();

    connect(session_, &AnalysisSession::analysisStarted, this, [this] {
        if (!progress_->isVisible()) {
            progress_->setRange(0, 0);
            progress_->setVisible(true);
        }
    });
    connect(session_, &AnalysisSession::analysisFinished, this, &MainWindow::showOutcome);
    connect(session_, &AnalysisSession::analysisFailed, this, &MainWindow::showFailure);
    connect(session_, &AnalysisSession::tensorChanged, this, &MainWindow::updateTitle);
    connect(session_, &AnalysisSession::configChanged, this, &MainWindow::updateTitle);
    connect(session_, &AnalysisSession::progressChanged, this, &MainWindow::showProgress);
    connect(session_, &AnalysisSession::configAdapted, this,
            [this](const QString& message) { statusBar()->showMessage(message, 15000); });
    connect(session_, &AnalysisSession::loadFailed, this,
            [this](const QString& message) { statusBar()->showMessage(message, 10000); });
    // Opening and reading show a busy bar with Cancel: a large file or generator takes seconds.
    connect(session_, &AnalysisSession::loadingStarted, this, [this](const QString& what) {
        statusBar()->showMessage(what);
        if (!session_->isComparing() && !session_->isSweeping()) {
            showProgress(what, 0, 0);
            task_->setVisible(true);
            progress_->setRange(0, 0);  // busy: a read reports no steps
            progress_->setVisible(true);
            cancel_->setVisible(true);
        }
    });
    connect(session_, &AnalysisSession::loadingFinished, this, [this] {
        statusBar()->clearMessage();
        if (!session_->isLoading() && !session_->isComparing() && !session_->isSweeping()) {
            showProgress(QString(), 0, 0);
        }
    });
    connect(session_, &AnalysisSession::viewStateChanged, this, &MainWindow::applyViewState);
    // Esc stops any job, the analysis included: Cancel shows while one runs.
    connect(session_, &AnalysisSession::busyChanged, this, [this](bool busy) {
        cancel_->setVisible(busy);
        if (!busy && progress_->maximum() == 0) {
            progress_->setVisible(false);
            task_->setVisible(false);
        }
    });
    connect(session_, &AnalysisSession::analysisCancelled, this, [this] {
        headline_->clear();
        statusBar()->showMessage(tr("Analysis cancelled: change a setting to run it again."),
                                 10000);
    });
    session_->setMemoryLimit(memoryLimitBytes());
    session_->setLargeTensorHandler([this](const TensorInfo& info, std::int64_t stride) {
        return askLargeTensor(this, info, stride, session_->memoryLimit());
    });

    resize(1400, 900);
    defaultLayout_ = saveState(kStateVersion);
    applyPreferences();
    QSettings settings;
    if (settings.value(QStringLiteral("mainWindow/version")).toInt() == kStateVersion) {
        restoreGeometry(settings.value(kGeometryKey).toByteArray());
        restoreState(settings.value(kStateKey).toByteArray(), kStateVersion);
    }
    updateTitle();
}

void MainWindow::createDocks() {
    sourcesPanel_ = new SourcesPanel(session_, this);
    auto* sourcesDock = new QDockWidget(tr("Sources"), this);
    sourcesDock->setObjectName(QStringLiteral("sourcesDock"));
    sourcesDock->setWidget(sourcesPanel_);
    addDockWidget(Qt::LeftDockWidgetArea, sourcesDock);

    configPanel_ = new ConfigPanel(session_, this);
    auto* configDock = new QDockWidget(tr("Configuration"), this);
    configDock->setObjectName(QStringLiteral("quantizationDock"));
    configDock->setWidget(configPanel_);
    addDockWidget(Qt::LeftDockWidgetArea, configDock);

    metricsPanel_ = new MetricsPanel(session_, this);
    metricsPanel_->setMinimumWidth(metricsPanel_->fontMetrics().averageCharWidth() * 42);
    auto* metricsDock = new QDockWidget(tr("Metrics"), this);
    metricsDock->setObjectName(QStringLiteral("metricsDock"));
    metricsDock->setWidget(metricsPanel_);
    addDockWidget(Qt::RightDockWidgetArea, metricsDock);

    bitsPanel_ = new BitsPanel(session_, this);
    bitsDock_ = new QDockWidget(tr("Bits"), this);
    bitsDock_->setObjectName(QStringLiteral("bitsDock"));
    bitsDock_->setWidget(bitsPanel_);
    addDockWidget(Qt::RightDockWidgetArea, bitsDock_);
    tabifyDockWidget(metricsDock, bitsDock_);
    metricsDock->raise();
    // The side columns start as narrow as their contents allow (the Bits panel asks for twice
    // the Metrics' width, long metrics take more lines), so that the room goes to the views.
    resizeDocks({configDock, metricsDock},
                {configDock->minimumSizeHint().width(), metricsPanel_->minimumWidth()},
                Qt::Horizontal);

    lessonPanel_ = new LessonPanel(this);
    lessonDock_ = new QDockWidget(tr("Lesson"), this);
    lessonDock_->setObjectName(QStringLiteral("lessonDock"));
    lessonDock_->setWidget(lessonPanel_);
    // Hidden until a lesson starts; then tabbed with the Sources (startLesson).
    addDockWidget(Qt::LeftDockWidgetArea, lessonDock_);
    lessonDock_->hide();
    connect(lessonPanel_, &LessonPanel::lessonRequested, this, &MainWindow::startLesson);

    // A click on a value in a view shows that value bit by bit.
    const auto inspect = [this](double value) {
        bitsPanel_->inspector()->setValue(value);
        bitsDock_->show();
        bitsDock_->raise();
    };
    connect(histogramPanel_->view(), &widgets::ZoomableChartView::clicked, this,
            [inspect](QPointF v) { inspect(v.x()); });
    connect(errorPanel_->densityView(), &widgets::DensityImageView::clicked, this,
            [inspect](QPointF v) { inspect(v.x()); });
    connect(signalPanel_->view()->signalChart(), &widgets::ZoomableChartView::clicked, this,
            [inspect](QPointF v) { inspect(v.y()); });
}

void MainWindow::createStatusBar() {
    headline_ = new QLabel(this);
    task_ = new QLabel(this);
    progress_ = new QProgressBar(this);
    progress_->setMaximumWidth(180);
    progress_->setVisible(false);
    cancel_ = new QToolButton(this);
    cancel_->setText(tr("Cancel"));
    cancel_->setToolTip(
        tr("Stop opening, reading, the analysis, the comparison or the sweep (Esc)"));
    cancel_->setVisible(false);
    connect(cancel_, &QToolButton::clicked, this, &MainWindow::cancelJobs);
    // Esc works whether or not Cancel shows: the shown view may run a job of its own.
    auto* stop = new QAction(tr("Cancel"), this);
    stop->setShortcut(QKeySequence(Qt::Key_Escape));
    addAction(stop);
    connect(stop, &QAction::triggered, this, &MainWindow::cancelJobs);
    statusBar()->addWidget(headline_, 1);
    statusBar()->addPermanentWidget(task_);
    statusBar()->addPermanentWidget(progress_);
    statusBar()->addPermanentWidget(cancel_);
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open…"), this, [this] {
        const QStringList paths =
            QFileDialog::getOpenFileNames(this, tr("Open tensors or audio"), {}, openFileFilter());
        openFiles(paths);
    });
    open->setShortcut(QKeySequence::Open);
    open->setToolTip(tr("Open %1 files").arg(openFileExtensions()));
    sourcesPanel_->setOpenAction(open);
    recentMenu_ = file->addMenu(tr("Open &Recent"));
    updateRecentMenu();
    QAction* sample = file->addAction(tr("Open &Sample"), this, &MainWindow::loadSample);
    sample->setStatusTip(tr("Open the built-in sample: 65536 Gaussian values with 8 outliers"));
    file->addSeparator();
    file->addAction(tr("Open Sess&ion…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open session"), {},
                                                          tr("QuantScope session (*.json)"));
        if (!path.isEmpty()) {
            report(openSession(path));
        }
    });
    QAction* saveSessionAction = file->addAction(tr("Save Session &As…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save session"), {},
                                                          tr("QuantScope session (*.json)"));
        if (!path.isEmpty()) {
            report(saveSession(path));
        }
    });
    saveSessionAction->setShortcut(QKeySequence::Save);
    file->addSeparator();
    QAction* exportView = file->addAction(tr("&Export View…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export view"), {}, tr("PNG image (*.png);;SVG drawing (*.svg)"));
        if (!path.isEmpty()) {
            report(exportCurrentView(path));
        }
    });
    exportView->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    file->addAction(tr("E&xport Quantized Tensor…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export the quantized tensor"), {},
            tr("NumPy array of Q(x) (*.npy);;GGUF: a llama.cpp type's blocks, else Q(x) (*.gguf)"));
        if (path.isEmpty()) {
            return;
        }
        // Written on a worker: a ggml type's blocks are quantized again for the file.
        statusBar()->showMessage(tr("Exporting %1…").arg(QFileInfo(path).fileName()));
        auto* watcher = new QFutureWatcher<QString>(this);
        connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, path] {
            const QString problem = watcher->result();
            watcher->deleteLater();
            report(problem);
            if (problem.isEmpty()) {
                statusBar()->showMessage(tr("Exported %1").arg(QDir::toNativeSeparators(path)),
                                         5000);
            }
        });
        watcher->setFuture(exportQuantized(path));
    });
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = session_->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = session_->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    edit->addAction(comparePanel_->addCurrentAction());
    edit->addSeparator();
    QAction* preferences = edit->addAction(tr("&Preferences…"), this, [this] {
        PreferencesDialog dialog(this);
        if (dialog.exec() == QDialog::Accepted) {
            applyPreferences();
        }
    });
    preferences->setShortcut(QKeySequence::Preferences);
    preferences->setMenuRole(QAction::PreferencesRole);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    tabs_->addViewActions(view);
    view->addSeparator();
    QAction* logScale = view->addAction(tr("&Log Counts"));
    logScale->setCheckable(true);
    logScale->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    connect(logScale, &QAction::toggled, histogramPanel_->logScaleBox(), &QCheckBox::setChecked);
    connect(histogramPanel_->logScaleBox(), &QCheckBox::toggled, logScale, &QAction::setChecked);
    view->addSeparator();
    for (QDockWidget* dock : findChildren<QDockWidget*>()) {
        view->addAction(dock->toggleViewAction());
    }
    view->addSeparator();
    view->addAction(tr("&Reset Layout"), this, &MainWindow::resetLayout)
        ->setStatusTip(tr("Put every dock back where a first start shows it"));

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QMenu* lessonMenu = help->addMenu(tr("&Lessons"));
    for (std::size_t i = 0; i < lessons().size(); ++i) {
        lessonMenu->addAction(tr("%1. %2").arg(i + 1).arg(lessons()[i].title), this,
                              [this, i] { startLesson(static_cast<int>(i)); });
    }
    help->addAction(tr("&About QuantScope"), this, [this] {
        QMessageBox::about(this, tr("About QuantScope"),
                           tr("<b>QuantScope</b> %1<br>What happens to these numbers if I store "
                              "them in that format?<br><br>Kernels: %2")
                               .arg(QApplication::applicationVersion(),
                                    QString::fromStdString(simd_description())));
    });
}

widgets::HistogramChartView* MainWindow::histogramView() const {
    return histogramPanel_->view();
}

void MainWindow::startLesson(int index) {
    if (index < 0 || static_cast<std::size_t>(index) >= lessons().size()) {
        return;
    }
    const Lesson& lesson = lessons()[static_cast<std::size_t>(index)];
    lessonPanel_->showLesson(index);
    // Beside the Sources, whose list matters less while a lesson is read: the left column is
    // wide enough for a paragraph, and the Metrics stay in sight. Only the first time, and only
    // where the user has not put the dock elsewhere.
    auto* sourcesDock = findChild<QDockWidget*>(QStringLiteral("sourcesDock"));
    if (!lessonDockPlaced_ && lessonDock_->isHidden() && sourcesDock != nullptr &&
        sourcesDock->isVisible() && dockWidgetArea(lessonDock_) == Qt::LeftDockWidgetArea &&
        tabifiedDockWidgets(lessonDock_).isEmpty()) {
        tabifyDockWidget(sourcesDock, lessonDock_);
    }
    lessonDockPlaced_ = true;
    lessonDock_->show();
    lessonDock_->raise();
    session_->changeConfig(lesson.configs.front(), tr("Lesson: %1").arg(lesson.title));
    session_->setComparedConfigs(lesson.configs);
    session_->openSource(lesson.source, true);
    tabs_->setCurrentIndex(lesson.tab);
    if (lesson.inspect) {
        bitsPanel_->inspector()->setValue(lesson.inspectValue);
        bitsDock_->show();
        bitsDock_->raise();
    }
}

void MainWindow::cancelJobs() {
    if (auto* view = dynamic_cast<CancellableView*>(tabs_->currentWidget())) {
        view->cancel();
    }
    session_->cancelBackgroundWork();
}

void MainWindow::loadSample() {
    session_->openSource(QStringLiteral("gen:sample"), true);
}

void MainWindow::openFiles(const QStringList& paths) {
    bool first = true;
    for (const QString& path : paths) {
        session_->openSource(path, first);
        if (!path.startsWith(QLatin1String("gen:"))) {
            rememberRecent(QFileInfo(path).absoluteFilePath());
        }
        first = false;
    }
}

void MainWindow::rememberRecent(const QString& path) {
    QSettings settings;
    QStringList recent = settings.value(kRecentKey).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecentFiles) {
        recent.removeLast();
    }
    settings.setValue(kRecentKey, recent);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu() {
    recentMenu_->clear();
    const QStringList recent = QSettings().value(kRecentKey).toStringList();
    for (const QString& path : recent) {
        recentMenu_
            ->addAction(QFileInfo(path).fileName(), this, [this, path] { openFiles({path}); })
            ->setToolTip(path);
    }
    recentMenu_->setEnabled(!recent.isEmpty());
}

QString MainWindow::headlineText() const {
    return headline_->text();
}

void MainWindow::updateTitle() {
    if (!session_->outcome()) {
        headline_->clear();  // the figures were the previous tensor's (or config's)
    }
    const auto tensor = session_->tensor();
    const QString name = tensor ? QString::fromStdString(tensor->info.name) : tr("no data");
    setWindowTitle(tr("%1 — QuantScope").arg(name));
    histogramView()->chart()->setTitle(
        tr("%1 — %2").arg(name, QString::fromStdString(describe(session_->config()))));
}

void MainWindow::showOutcome() {
    if (progress_->maximum() == 0 && !session_->isLoading()) {
        progress_->setVisible(false);  // a busy bar, but not a read's that is still running
    }
    const auto outcome = session_->outcome();
    const Metrics& m = outcome->result.metrics;
    // The headline metrics, each as the Metrics dock shows it (core's metric_text).
    QStringList parts;
    for (const char* key : {"sqnr_db", "mse", "max_abs_error", "clipped_fraction"}) {
        const MetricDescriptor& metric = *find_metric(key);
        parts << QString::fromUtf8(metric.label.data(), metric.label.size()) + QLatin1Char(' ') +
                     QString::fromStdString(
                         metric_text(metric, m, metric.digits, NumberSymbols::Unicode));
    }
    parts << (session_->sampleStride() > 1
                  ? tr("%1 values (sample: %2)")
                        .arg(QLocale().toString(static_cast<qlonglong>(m.count)),
                             sampleDescription(session_->sampleStride(), session_->sampledCount()))
                  : tr("%1 values").arg(QLocale().toString(static_cast<qlonglong>(m.count))))
          << tr("%1 bits/value").arg(outcome->result.storage.bits_per_value, 0, 'g', 4);
    headline_->setText(parts.join(QStringLiteral("   ")));
    if (m.nan_count + m.inf_count > 0) {
        headline_->setText(headline_->text() +
                           tr("   %1 NaN, %2 Inf (excluded)")
                               .arg(QLocale().toString(static_cast<qlonglong>(m.nan_count)))
                               .arg(QLocale().toString(static_cast<qlonglong>(m.inf_count))));
    }
}

void MainWindow::showFailure(const QString& message) {
    if (progress_->maximum() == 0) {
        progress_->setVisible(false);
    }
    headline_->setText(tr("Analysis failed: %1").arg(message));
}

void MainWindow::showProgress(const QString& task, int done, int total) {
    const bool busy = total > 0;
    task_->setText(task);
    task_->setVisible(busy);
    cancel_->setVisible(busy || session_->isBusy());
    progress_->setVisible(busy);
    if (busy) {
        progress_->setRange(0, total);
        progress_->setValue(done);
    }
}

void MainWindow::report(const QString& problem) {
    if (!problem.isEmpty()) {
        QMessageBox::warning(this, tr("QuantScope"), problem);
    }
}

QJsonObject MainWindow::viewState() const {
    return {{"tab", tabs_->currentIndex()},
            {"log_scale", histogramPanel_->logScaleBox()->isChecked()}};
}

void MainWindow::applyViewState() {
    const QJsonObject state = session_->viewState();
    if (state.contains("tab")) {
        tabs_->setCurrentIndex(state.value("tab").toInt());
    }
    if (state.contains("log_scale")) {
        histogramPanel_->logScaleBox()->setChecked(state.value("log_scale").toBool());
    }
}

QJsonObject MainWindow::sessionJson() {
    {
        const QSignalBlocker blocker(session_);  // the state is already on screen
        session_->setViewState(viewState());
    }
    return session_->toJson();
}

QString MainWindow::saveSession(const QString& path) {
    return writeSessionFile(path, sessionJson());
}

QString MainWindow::openSession(const QString& path) {
    const SessionRead read = readSessionFile(path);
    if (!read.error.isEmpty()) {
        return read.error;
    }
    try {
        session_->restore(read.json);
    } catch (const std::exception& e) {
        return tr("%1: %2").arg(path, QString::fromStdString(e.what()));
    }
    return {};
}

QString MainWindow::exportCurrentView(const QString& path) {
    auto* panel = dynamic_cast<ChartPanel*>(tabs_->currentWidget());
    QWidget* view = panel != nullptr ? panel->chartArea() : tabs_->currentWidget();
    if (path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive)) {
        const QString tab = widgets::withoutMnemonic(tabs_->tabText(tabs_->currentIndex()));
        return widgets::saveWidgetSvg(view, path, tr("%1 — %2").arg(tab, windowTitle()));
    }
    return widgets::saveWidgetPng(view, path);
}

QFuture<QString> MainWindow::exportQuantized(const QString& path) {
    const auto outcome = session_->outcome();
    if (!outcome) {
        return QtFuture::makeReadyFuture(tr("There is no quantized tensor yet."));
    }
    return QtConcurrent::run([outcome, file = path.toStdString()] {
        try {
            const Tensor& tensor = *outcome->tensor;
            write_quantized(file, tensor.info.name, tensor.info.shape, tensor.values,
                            outcome->result.dequantized, outcome->config);
        } catch (const std::exception& e) {
            return QString::fromStdString(e.what());
        }
        return QString();
    });
}

void MainWindow::resetLayout() {
    restoreState(defaultLayout_, kStateVersion);
    lessonDockPlaced_ = false;
}

void MainWindow::applyPreferences() {
    session_->setHistogramBins(histogramBins());
    applyTheme(theme());
}

bool MainWindow::saveScreenshot(const QString& path) {
    // The folder may not exist yet (a fresh build's screenshots/): create it, then write the
    // PNG atomically so that a reader never sees half an image.
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath())) {
        return false;
    }
    QSaveFile file(path);
    return file.open(QIODevice::WriteOnly) && grab().save(&file, "PNG") && file.commit();
}

void MainWindow::closeEvent(QCloseEvent* event) {
    QSettings settings;
    settings.setValue(QStringLiteral("mainWindow/version"), kStateVersion);
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState(kStateVersion));
    QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) {
        event->acceptProposedAction();
    }
}

void MainWindow::dropEvent(QDropEvent* event) {
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls()) {
        if (url.isLocalFile()) {
            paths << url.toLocalFile();
        }
    }
    openFiles(paths);
    event->acceptProposedAction();
}

}  // namespace quantscope::app
