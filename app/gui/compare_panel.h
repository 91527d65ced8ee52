#pragma once
// The Compare tab: the comparison table (add the current config with one click, remove,
// reorder, presets for calibrations and formats, export CSV and JSON) over a histogram overlay
// of every compared config on shared bins.

#include <QWidget>

#include "chart_panel.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QStackedWidget;
class QTableView;

namespace quantscope {
struct QuantConfig;
}

namespace quantscope::widgets {
class ElidedLabel;
class PlotChartView;
class SmallMultiplesView;
}  // namespace quantscope::widgets

namespace quantscope::app {

class AnalysisSession;
class CompareModel;

class ComparePanel : public QWidget, public ChartPanel {
    Q_OBJECT

public:
    // How the compared histograms are drawn.
    enum class ChartLayout { Automatic, Overlay, SmallMultiples };
    // Automatic overlays up to this many configs; beyond, overlaid curves cannot be read.
    static constexpr std::size_t kMaxOverlaid = 3;

    explicit ComparePanel(AnalysisSession* session, QWidget* parent = nullptr);

    CompareModel* model() const { return model_; }
    QTableView* table() const { return table_; }
    widgets::PlotChartView* overlay() const { return overlay_; }
    widgets::SmallMultiplesView* smallMultiples() const { return multiples_; }
    QComboBox* layoutBox() const { return layoutBox_; }
    QLabel* legend() const { return legend_; }
    // The layout in use: Automatic resolved by the number of configs.
    ChartLayout effectiveLayout() const;
    QWidget* chartArea() const override { return charts_; }
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
    void compareLlamaCpp();
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
    widgets::SmallMultiplesView* multiples_;
    QStackedWidget* chartStack_;
    QLabel* legend_;
    QWidget* charts_;
    QComboBox* layoutBox_;
    QCheckBox* wholeRange_;
    QCheckBox* logScale_;
    widgets::ElidedLabel* overlayNote_;
    QAction* addCurrent_;
};

// The presets as config lists, for tests and the CLI-like use: configs the current tensor can
// take (a preset entry that does not fit is adjusted or left out).
std::vector<QuantConfig> calibrationPreset(const QuantConfig& current);
std::vector<QuantConfig> formatPreset(const QuantConfig& current);
// llama.cpp's block types (ggml_config.h) beside nf4, mxfp4, nvfp4 and int4 in blocks of 32,
// each at its defaults.
std::vector<QuantConfig> llamaCppPreset();

}  // namespace quantscope::app
