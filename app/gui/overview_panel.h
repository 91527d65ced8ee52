#pragma once
// The Overview tab: every floating-point tensor of the selected model under the session's config
// (and, optionally, more configs as further column groups with their difference to the first),
// computed in the background by core's model overview. Rows stream into a sortable, filterable
// table (worst SQNR first) as tensors finish, with progress and Cancel; a bar chart shows SQNR
// per tensor or per layer with the model SQNR and the bytes in its title. Double-clicking a row
// or a bar studies that tensor in the analysis tabs. It runs when shown and out of date.

#include <QWidget>
#include <memory>
#include <vector>

#include "background_job.h"
#include "cancellable_view.h"
#include "chart_panel.h"
#include "quantscope/model/model_overview.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QTimer;

namespace quantscope::app {

class AnalysisSession;
class OverviewChart;
class OverviewModel;

// What a finished run leaves besides its streamed rows.
struct OverviewRunOutcome {
    std::size_t skipped = 0;
    bool cancelled = false;
    QString failure;  // a run that could not start or stopped on an error
};

class OverviewPanel : public QWidget, public ChartPanel, public CancellableView {
    Q_OBJECT

public:
    explicit OverviewPanel(AnalysisSession* session, QWidget* parent = nullptr);
    ~OverviewPanel() override;

    QWidget* chartArea() const override;
    OverviewChart* chart() const { return chart_; }
    OverviewModel* model() const { return model_; }
    QTableView* table() const { return table_; }
    QSortFilterProxyModel* proxy() const { return proxy_; }
    QLineEdit* configsEdit() const { return configsEdit_; }
    QLineEdit* filterEdit() const { return filterEdit_; }
    QComboBox* groupingBox() const { return groupingBox_; }
    QPushButton* cancelButton() const { return cancelButton_; }
    QLabel* statusLabel() const { return status_; }
    bool isRunning() const { return job_.isBusy(); }

    // Starts a run now (the tab starts one itself when shown and out of date).
    void run();
    void cancel() override;
    // The table in its current order and filter, as core writes it for the CLI.
    QString exportCsv(const QString& path) const;
    QString exportJson(const QString& path) const;
    // Studies the tensor of table row `row` (a row of the sorted, filtered view).
    void openRow(int row);

signals:
    // A tensor was opened for study: the window shows the analysis tabs.
    void tensorOpened();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void refreshIfStale();
    void addRow(quint64 generation, OverviewRow row);
    void onFinished(std::optional<OverviewRunOutcome> outcome);
    void updateChart();
    void updateStatus();
    std::vector<OverviewRow> rowsInViewOrder() const;
    // The configs to run, or an empty list with `problem` set.
    std::vector<QuantConfig> configs(QString& problem) const;
    QString runKey() const;

    AnalysisSession* session_;
    OverviewModel* model_;
    QSortFilterProxyModel* proxy_;
    QTableView* table_;
    OverviewChart* chart_;
    QLineEdit* configsEdit_;
    QLineEdit* filterEdit_;
    QComboBox* groupingBox_;
    QComboBox* chartConfigBox_;
    QPushButton* runButton_;
    QPushButton* cancelButton_;
    QProgressBar* progress_;
    QLabel* status_;
    QTimer* chartTimer_;
    int sourceIndex_ = -1;  // the session's source the rows belong to
    QString ranKey_;        // what the rows were computed for
    quint64 generation_ = 0;
    std::size_t skipped_ = 0;
    bool cancelled_ = false;
    QString failure_;
    BackgroundJob<OverviewRunOutcome> job_;
};

}  // namespace quantscope::app
