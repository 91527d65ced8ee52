#pragma once
// The Compare tab: the comparison table (add the current config with one click, remove,
// reorder, presets for calibrations and formats, export CSV and JSON) over a histogram overlay
// of every compared config on shared bins.

#include <QWidget>

class QCheckBox;
class QLabel;
class QTableView;

namespace quantscope {
struct QuantConfig;
}

namespace quantscope::widgets {
class PlotChartView;
}

namespace quantscope::app {

class AnalysisSession;
class CompareModel;

class ComparePanel : public QWidget {
    Q_OBJECT

public:
    explicit ComparePanel(AnalysisSession* session, QWidget* parent = nullptr);

    CompareModel* model() const { return model_; }
    QTableView* table() const { return table_; }
    widgets::PlotChartView* overlay() const { return overlay_; }
    QAction* addCurrentAction() const { return addCurrent_; }
    // The overlay's view: the central 99.9 % of the values (default) or all of them, and
    // counts or log10(1 + count).
    QCheckBox* wholeRangeBox() const { return wholeRange_; }
    QCheckBox* logScaleBox() const { return logScale_; }

    void addCurrent();
    void removeSelected();
    void moveSelected(int by);
    // minmax, percentile 99.9, KL and MSE at the current format.
    void compareCalibrations();
    // int8, fp8_e4m3, fp8_e5m2, int4, fp4_e2m1, nf4 and mxfp4 at the current calibration.
    void compareFormats();
    // Write the table; empty string on success, else the problem.
    QString exportCsv(const QString& path) const;
    QString exportJson(const QString& path) const;

private:
    void showOverlay();
    int selectedRow() const;

    AnalysisSession* session_;
    CompareModel* model_;
    QTableView* table_;
    widgets::PlotChartView* overlay_;
    QCheckBox* wholeRange_;
    QCheckBox* logScale_;
    QLabel* overlayNote_;
    QAction* addCurrent_;
};

// The presets as config lists, for tests and the CLI-like use: configs the current tensor can
// take (a preset entry that does not fit is adjusted or left out).
std::vector<QuantConfig> calibrationPreset(const QuantConfig& current);
std::vector<QuantConfig> formatPreset(const QuantConfig& current);

}  // namespace quantscope::app
