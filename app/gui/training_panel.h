#pragma once
// The Training tab (issue 22): core's training demo (train/). A small MLP learns a generated
// task; PTQ against QAT over a family of weight formats (test accuracy against bit width, the
// float model as a line), and the same training with the weights stored in a low-precision
// float format, rounded to nearest against stochastically (loss curves and the fraction of
// updates below half an ULP). Runs in the background (progress and Cancel in the tab) when
// asked or when the tab is shown with out-of-date results.

#include <QWidget>
#include <memory>
#include <vector>

#include "background_job.h"
#include "cancellable_view.h"
#include "chart_panel.h"
#include "quantscope/train/ptq_qat.h"
#include "quantscope/train/update_comparison.h"

class QComboBox;
class QLabel;
class QSpinBox;
class QSplitter;
class QTableWidget;

namespace quantscope::widgets {
class PlotChartView;
}

namespace quantscope::app {

// What one run computed, for the views.
struct TrainingOutcome {
    QString error;  // set when the run failed; nothing else is
    QString family;
    PtqQatResult sweep;
    UpdateComparison updates;
};

class JobBar;

class TrainingPanel : public QWidget, public ChartPanel, public CancellableView {
    Q_OBJECT

public:
    explicit TrainingPanel(QWidget* parent = nullptr);

    QWidget* chartArea() const override;
    // Starts a run with the current choices (a running one is superseded).
    void run();
    void cancel() override;
    bool isRunning() const { return job_.isBusy(); }
    std::shared_ptr<const TrainingOutcome> outcome() const { return outcome_; }

    QComboBox* familyBox() const { return family_; }
    QComboBox* taskBox() const { return task_; }
    QSpinBox* seedBox() const { return seed_; }
    QSpinBox* epochsBox() const { return epochs_; }
    QComboBox* updateFormatBox() const { return updateFormat_; }
    QTableWidget* table() const { return table_; }
    widgets::PlotChartView* accuracyChart() const { return accuracyChart_; }
    widgets::PlotChartView* lossChart() const { return lossChart_; }
    widgets::PlotChartView* vanishingChart() const { return vanishingChart_; }
    QLabel* noteLabel() const;

    // The format families of the PTQ/QAT sweep: their configs (bit widths ascending).
    static std::vector<QuantConfig> familyConfigs(int family);

signals:
    void finished();

protected:
    void showEvent(QShowEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void markStale();
    void showOutcome(std::optional<std::shared_ptr<const TrainingOutcome>> outcome);
    void showProgress();
    void showSweep(const TrainingOutcome& o);
    void showUpdates(const UpdateComparison& u);

    QComboBox* family_;
    QComboBox* task_;
    QSpinBox* seed_;
    QSpinBox* epochs_;
    QComboBox* updateFormat_;
    JobBar* bar_;
    QTableWidget* table_;
    widgets::PlotChartView* accuracyChart_;
    widgets::PlotChartView* lossChart_;
    widgets::PlotChartView* vanishingChart_;
    QSplitter* charts_;
    BackgroundJob<std::shared_ptr<const TrainingOutcome>> job_;
    std::shared_ptr<const TrainingOutcome> outcome_;
    bool stale_ = true;
};

}  // namespace quantscope::app
