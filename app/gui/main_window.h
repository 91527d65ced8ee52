#pragma once
// The analysis window: Sources, Configuration, Metrics, Bits and Lesson docks around the views
// (ViewTabs: their bar spans the window's top); headline metrics, progress and cancel in the
// status bar. Dock layout and recent files persist in
// QSettings; a whole session (sources, configs, view state) saves to and reopens from JSON.

#include <QFuture>
#include <QMainWindow>

class QDockWidget;
class QLabel;
class QMenu;
class QProgressBar;
class QToolButton;

namespace quantscope::widgets {
class HistogramChartView;
}

namespace quantscope::app {

class AnalysisSession;
class ComparePanel;
class ConfigPanel;
class BitsPanel;
class ErrorPanel;
class FormatsPanel;
class HistogramPanel;
class MemoryPanel;
class OperatorsPanel;
class TrainingPanel;
class PlannerPanel;
class OptimizerPanel;
class LessonPanel;
class MetricsPanel;
class OverviewPanel;
class SignalPanel;
class SourcesPanel;
class StepsPanel;
class SweepPanel;
class ViewTabs;

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    // The views, numbered as ViewTabs counts them (the order of addView() in the constructor);
    // session files store these numbers.
    enum Tab {
        HistogramTab,
        ErrorTab,
        SignalTab,
        CompareTab,
        SweepTab,
        FormatsTab,
        StepsTab,
        MemoryTab,
        OperatorsTab,
        OverviewTab,
        PlannerTab,
        TrainingTab,
        OptimizerTab
    };

    explicit MainWindow(QWidget* parent = nullptr);

    AnalysisSession* session() const { return session_; }
    widgets::HistogramChartView* histogramView() const;
    HistogramPanel* histogramPanel() const { return histogramPanel_; }
    ErrorPanel* errorPanel() const { return errorPanel_; }
    SignalPanel* signalPanel() const { return signalPanel_; }
    ComparePanel* comparePanel() const { return comparePanel_; }
    SweepPanel* sweepPanel() const { return sweepPanel_; }
    FormatsPanel* formatsPanel() const { return formatsPanel_; }
    MemoryPanel* memoryPanel() const { return memoryPanel_; }
    OperatorsPanel* operatorsPanel() const { return operatorsPanel_; }
    TrainingPanel* trainingPanel() const { return trainingPanel_; }
    OverviewPanel* overviewPanel() const { return overviewPanel_; }
    PlannerPanel* plannerPanel() const { return plannerPanel_; }
    OptimizerPanel* optimizerPanel() const { return optimizerPanel_; }
    StepsPanel* stepsPanel() const { return stepsPanel_; }
    ConfigPanel* configPanel() const { return configPanel_; }
    SourcesPanel* sourcesPanel() const { return sourcesPanel_; }
    MetricsPanel* metricsPanel() const { return metricsPanel_; }
    BitsPanel* bitsPanel() const { return bitsPanel_; }
    QDockWidget* bitsDock() const { return bitsDock_; }
    LessonPanel* lessonPanel() const { return lessonPanel_; }
    QDockWidget* lessonDock() const { return lessonDock_; }
    ViewTabs* tabs() const { return tabs_; }
    QString headlineText() const;
    QProgressBar* progressBar() const { return progress_; }

    // Esc and the status bar's Cancel: stops the session's jobs and the shown view's own run.
    void cancelJobs();
    // Opens the built-in sample (a Gaussian with a few large outliers).
    void loadSample();
    // Opens files (or gen: specs) in the background; the first one's first tensor is studied.
    void openFiles(const QStringList& paths);
    // Help > Lessons: sets the session up for lesson `index` of lessons() (source, config,
    // compared configs, tab) and shows its text in the Lesson dock.
    void startLesson(int index);
    // View > Reset Layout: the docks and toolbars as a first start shows them.
    void resetLayout();
    // Takes the preferences that act at once (histogram bins, theme); Edit > Preferences calls
    // it after OK.
    void applyPreferences();
    // Renders the window as it is now into a PNG file.
    bool saveScreenshot(const QString& path);

    // The session as its file holds it, with the window's view state (tab, log scale).
    QJsonObject sessionJson();
    // Each returns an empty string on success, else a message naming the file and the problem.
    QString saveSession(const QString& path);
    QString openSession(const QString& path);
    QString exportCurrentView(const QString& path);  // .png or .svg by extension
    // Q(x) as .npy, or by a .gguf name a GGUF (write_quantized), written on a worker; the
    // future holds the problem, empty when the file was written.
    QFuture<QString> exportQuantized(const QString& path);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createDocks();
    void createStatusBar();
    void createMenus();
    void showOutcome();
    void showFailure(const QString& message);
    void showProgress(const QString& task, int done, int total);
    void updateTitle();
    void rememberRecent(const QString& path);
    void updateRecentMenu();
    QJsonObject viewState() const;
    void applyViewState();
    void report(const QString& problem);

    AnalysisSession* session_;
    ViewTabs* tabs_;
    HistogramPanel* histogramPanel_;
    ErrorPanel* errorPanel_;
    SignalPanel* signalPanel_;
    ComparePanel* comparePanel_;
    SweepPanel* sweepPanel_;
    FormatsPanel* formatsPanel_;
    MemoryPanel* memoryPanel_;
    OperatorsPanel* operatorsPanel_;
    TrainingPanel* trainingPanel_;
    OverviewPanel* overviewPanel_;
    PlannerPanel* plannerPanel_;
    OptimizerPanel* optimizerPanel_;
    StepsPanel* stepsPanel_;
    SourcesPanel* sourcesPanel_;
    ConfigPanel* configPanel_;
    MetricsPanel* metricsPanel_;
    BitsPanel* bitsPanel_;
    QDockWidget* bitsDock_;
    LessonPanel* lessonPanel_;
    QDockWidget* lessonDock_;
    bool lessonDockPlaced_ = false;
    QLabel* headline_;
    QLabel* task_;
    QProgressBar* progress_;
    QToolButton* cancel_;
    QMenu* recentMenu_ = nullptr;
    QByteArray defaultLayout_;  // saveState() before any saved layout is applied
};

}  // namespace quantscope::app
