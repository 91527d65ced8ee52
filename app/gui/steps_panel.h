#pragma once
// The Steps tab: a short vector (typed, pasted or one of the design page's presets) quantized
// step by step under any config: each group's range, scale and zero point with their formulas,
// one row per value (x, x / s, the rounding and its rule, + z, the code and its bits, Q(x), the
// error) and the totals. The table is core's work_example (`quantscope-cli steps` prints the
// same); a change of format or rounding highlights the cells it changed.

#include <QString>
#include <QWidget>

#include <memory>
#include <optional>
#include <vector>

#include "background_job.h"
#include "quantscope/quant/worked_example.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;
class QTextBrowser;

namespace quantscope::app {

class AnalysisSession;

// What the background job gives back: the example, or why there is none.
struct StepsOutcome {
    std::shared_ptr<const WorkedExample> example;
    QString error;
};

class StepsPanel : public QWidget {
    Q_OBJECT

public:
    explicit StepsPanel(AnalysisSession* session, QWidget* parent = nullptr);

    // Loads preset `name` of worked_presets(); false when there is none.
    bool showPreset(const QString& name);
    void setValuesText(const QString& values, const QString& shape = {});
    void setConfig(const QuantConfig& config);
    const QuantConfig& config() const { return config_; }
    // The example on screen, null before the first one or after an error.
    std::shared_ptr<const WorkedExample> example() const { return example_; }
    bool isBusy() const { return job_.isBusy(); }

    QComboBox* presetBox() const { return preset_; }
    QLineEdit* valuesEdit() const { return values_; }
    QComboBox* formatBox() const { return format_; }
    QComboBox* roundingBox() const { return rounding_; }
    QTableWidget* table() const { return table_; }
    QTextBrowser* groupsView() const { return groups_; }
    QLabel* totalsLabel() const { return totals_; }
    // Cells that differ from the example shown before the last change, as (row, column).
    const std::vector<std::pair<int, int>>& changedCells() const { return changed_; }

signals:
    void exampleShown();

private:
    void configFromControls();
    void controlsFromConfig();
    void recompute();
    void showOutcome(std::optional<StepsOutcome> outcome);

    AnalysisSession* session_;
    QComboBox* preset_;
    QLineEdit* values_;
    QLineEdit* shape_;
    QComboBox* format_;
    QComboBox* scheme_;
    QComboBox* granularity_;
    QComboBox* calibration_;
    QComboBox* rounding_;
    QPushButton* fromSession_;
    QTextBrowser* groups_;
    QTableWidget* table_;
    QLabel* totals_;
    QuantConfig config_;
    QString error_;
    std::shared_ptr<const WorkedExample> example_;
    std::vector<std::pair<int, int>> changed_;
    bool updating_ = false;
    BackgroundJob<StepsOutcome> job_;
};

}  // namespace quantscope::app
