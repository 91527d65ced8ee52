#pragma once
// The Optimizer tab (issue 22, docs/design.md "8-bit optimizer states"): the training demo's
// MLP trained three times with Adam, its moments stored in FP32, as linear int8 and with 8-bit
// Adam's dynamic map (core's adam_comparison.h). Shows the loss curves, the error of storing m
// and v at each step, the share of v flushed to zero, and the bytes the states take. Runs in
// the background (progress and Cancel in the tab) when asked or when the tab is first shown.

#include <QWidget>
#include <memory>

#include "background_job.h"
#include "cancellable_view.h"
#include "chart_panel.h"
#include "quantscope/train/adam_comparison.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;
class QTableWidget;

namespace quantscope::widgets {
class PlotChartView;
}

namespace quantscope::app {

class JobBar;

struct OptimizerOutcome {
    QString error;  // set when the run failed; nothing else is
    TaskSpec task;
    TrainSettings settings;
    AdamSettings adam;
    AdamComparison comparison;
};

class OptimizerPanel : public QWidget, public ChartPanel, public CancellableView {
    Q_OBJECT

public:
    explicit OptimizerPanel(QWidget* parent = nullptr);

    QWidget* chartArea() const override { return charts_; }
    // Starts a run with the current choices (a running one is superseded).
    void run();
    void cancel() override;
    bool isRunning() const { return job_.isBusy(); }
    std::shared_ptr<const OptimizerOutcome> outcome() const { return outcome_; }

    QComboBox* taskBox() const { return task_; }
    QSpinBox* epochsBox() const { return epochs_; }
    QDoubleSpinBox* learningRateBox() const { return lr_; }
    QTableWidget* table() const { return table_; }
    widgets::PlotChartView* lossChart() const { return lossChart_; }
    widgets::PlotChartView* firstErrorChart() const { return mChart_; }
    widgets::PlotChartView* secondErrorChart() const { return vChart_; }
    widgets::PlotChartView* zeroedChart() const { return zeroedChart_; }
    QLabel* noteLabel() const;

signals:
    void finished();

protected:
    void showEvent(QShowEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void showProgress();
    void showOutcome();

    QComboBox* task_;
    QSpinBox* epochs_;
    QDoubleSpinBox* lr_;
    QSpinBox* seed_;
    JobBar* bar_;
    QTableWidget* table_;
    QWidget* charts_;
    widgets::PlotChartView* lossChart_;
    widgets::PlotChartView* mChart_;
    widgets::PlotChartView* vChart_;
    widgets::PlotChartView* zeroedChart_;
    BackgroundJob<std::shared_ptr<const OptimizerOutcome>> job_;
    std::shared_ptr<const OptimizerOutcome> outcome_;
    bool ranOnce_ = false;
};

}  // namespace quantscope::app
