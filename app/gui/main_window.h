#pragma once
// The main window: the histogram in the centre, the quantization controls and the metrics in
// docks, the headline metrics and a busy indicator in the status bar.

#include <QMainWindow>

class QLabel;
class QProgressBar;

namespace quantscope::widgets {
class HistogramChartView;
}

namespace quantscope::app {

class AnalysisSession;
class ConfigPanel;
class MetricsPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);

    AnalysisSession* session() const { return session_; }
    widgets::HistogramChartView* histogramView() const { return histogram_; }
    ConfigPanel* configPanel() const { return configPanel_; }
    MetricsPanel* metricsPanel() const { return metricsPanel_; }
    QString headlineText() const;

    // Opens the built-in sample (a Gaussian with a few large outliers).
    void loadSample();
    // Renders the window as it is now into a PNG file.
    bool saveScreenshot(const QString& path);

private:
    void createMenus();
    void showOutcome();
    void showFailure(const QString& message);
    void updateTitle();

    AnalysisSession* session_;
    widgets::HistogramChartView* histogram_;
    ConfigPanel* configPanel_;
    MetricsPanel* metricsPanel_;
    QLabel* headline_;
    QProgressBar* busy_;
};

}  // namespace quantscope::app
