#pragma once
// The Planner tab (issue 20): a config per tensor of the selected model within a byte budget.
// The budget (bytes or bits per parameter), the allowed configs (overview's config list), keep
// rules and the objective go in; the plan table, its totals against the budget and the curve
// of model SQNR against budget come out. Evaluating the model and planning run in the
// background; plans export as JSON (loadable again) and CSV.

#include <QWidget>
#include <memory>
#include <optional>

#include "background_job.h"
#include "cancellable_view.h"
#include "quantscope/io/source.h"
#include "quantscope/plan/planner.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace quantscope::widgets {
class PlotChartView;
}

namespace quantscope::app {

struct PlannerOutcome {
    std::optional<Plan> plan;
    std::vector<PlanCurvePoint> curve;
    QString error;
};

class PlannerPanel : public QWidget, public CancellableView {
    Q_OBJECT

public:
    explicit PlannerPanel(QWidget* parent = nullptr);

    void setSource(std::shared_ptr<const Source> source);
    // Starts evaluating and planning with the fields' values.
    void plan();
    // Shows a plan (made here or loaded); the curve stays when it belongs to the same model.
    void showPlan(const Plan& plan);
    QString exportJson(const QString& path) const;  // empty on success, else the error
    QString exportCsv(const QString& path) const;
    QString loadJson(const QString& path);

    QLineEdit* budgetEdit() const { return budget_; }
    QLineEdit* configsEdit() const { return configs_; }
    QLineEdit* keepEdit() const { return keep_; }
    QComboBox* objectiveBox() const { return objective_; }
    QTableWidget* table() const { return table_; }
    QLabel* totalsLabel() const { return totals_; }
    widgets::PlotChartView* curveView() const { return curve_; }
    bool isBusy() const { return job_.isBusy(); }
    void cancel() override { job_.cancel(); }
    const std::optional<Plan>& currentPlan() const { return plan_; }

signals:
    void planShown();

private:
    void onFinished(std::optional<PlannerOutcome> outcome);
    void showCurve(const std::vector<PlanCurvePoint>& curve);

    std::shared_ptr<const Source> source_;
    QLineEdit* budget_;
    QLineEdit* configs_;
    QLineEdit* keep_;
    QComboBox* objective_;
    QPushButton* run_;
    QLabel* totals_;
    QTableWidget* table_;
    widgets::PlotChartView* curve_;
    std::optional<Plan> plan_;
    std::vector<PlanCurvePoint> curvePoints_;
    BackgroundJob<PlannerOutcome> job_;
};

}  // namespace quantscope::app
