#pragma once
// The Operators tab: Y = X W under the quantized operator modes (core's quantized_matmul.h),
// side by side against the float result. W is the selected 2-D tensor or a generated Gaussian,
// quantized with the Configuration dock's config; X is generated (Gaussian, optionally with
// LLM.int8()-style outlier columns) or the selected tensor. Shows every mode's metrics, the
// accumulator's bits against the int32 limit, the error against the inner dimension k and a
// histogram of Y's error. Runs in the background (progress and Cancel in the tab) when asked
// or when the tab is shown with out-of-date results.

#include <QWidget>
#include <memory>
#include <vector>

#include "background_job.h"
#include "cancellable_view.h"
#include "chart_panel.h"
#include "quantscope/ops/quantized_matmul.h"
#include "quantscope/quant/histogram.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;
class QSplitter;
class QTableWidget;

namespace quantscope::widgets {
class PlotChartView;
}

namespace quantscope::app {

class AccumulatorBar;
class JobBar;
class AnalysisSession;

// What one run computed, for the views.
struct OperatorsOutcome {
    QString error;  // set when the run failed; nothing else is
    QString wName;
    QString xName;
    std::vector<MatmulMode> modes;
    MatmulOutput output;
    std::vector<KSweepPoint> sweep;
    std::vector<Histogram> errorHistograms;  // E = Y - Y_mode per mode, on shared bins
};

class OperatorsPanel : public QWidget, public ChartPanel, public CancellableView {
    Q_OBJECT

public:
    explicit OperatorsPanel(AnalysisSession* session, QWidget* parent = nullptr);

    QWidget* chartArea() const override;
    // Starts a run with the current choices (a running one is superseded).
    void run();
    bool isRunning() const { return job_.isBusy(); }
    void cancel() override { job_.cancel(); }
    std::shared_ptr<const OperatorsOutcome> outcome() const { return outcome_; }

    QComboBox* weightSourceBox() const { return wSource_; }
    QComboBox* activationKindBox() const { return xKind_; }
    QSpinBox* innerBox() const { return k_; }
    QSpinBox* outputsBox() const { return n_; }
    QSpinBox* rowsBox() const { return m_; }
    QSpinBox* outlierColumnsBox() const { return outliers_; }
    QTableWidget* table() const { return table_; }
    AccumulatorBar* accumulatorBar() const { return accumulator_; }
    widgets::PlotChartView* kChart() const { return kChart_; }
    widgets::PlotChartView* errorChart() const { return errorChart_; }
    QLabel* noteLabel() const;

    enum WeightSource { GeneratedWeights, SelectedWeights };
    enum ActivationKind { GaussianActivations, OutlierActivations, SelectedActivations };

signals:
    void finished();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void markStale();
    void updateChoices();
    void showOutcome(std::optional<std::shared_ptr<const OperatorsOutcome>> outcome);
    void showProgress();
    std::vector<MatmulMode> chosenModes() const;
    MatmulSettings chosenSettings() const;

    AnalysisSession* session_;
    QComboBox* wSource_;
    QSpinBox* k_;
    QSpinBox* n_;
    QCheckBox* transpose_;
    QLabel* wConfig_;
    QComboBox* xKind_;
    QSpinBox* m_;
    QSpinBox* outliers_;
    QDoubleSpinBox* outlierScale_;
    std::vector<QCheckBox*> modeBoxes_;
    QComboBox* xFormat_;
    QComboBox* scope_;
    QComboBox* calibration_;
    QDoubleSpinBox* threshold_;
    JobBar* bar_;
    QTableWidget* table_;
    AccumulatorBar* accumulator_;
    widgets::PlotChartView* kChart_;
    widgets::PlotChartView* errorChart_;
    QSplitter* charts_;
    BackgroundJob<std::shared_ptr<const OperatorsOutcome>> job_;
    std::shared_ptr<const OperatorsOutcome> outcome_;
    bool stale_ = true;
};

}  // namespace quantscope::app
