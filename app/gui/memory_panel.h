#pragma once
// The Memory tab: what a model's weights take for inference under common formats and the
// session's own config (scales and zero points included, and their share), and what
// mixed-precision training with Adam takes; as tables and a bar chart. The model is a size preset
// (1B ... 405B), a parameter count typed in, or the selected source's floating-point tensors
// counted shape by shape.

#include <QWidget>

#include <vector>

#include "chart_panel.h"
#include "quantscope/quant/memory_estimate.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;
class QTableWidget;

namespace quantscope::widgets {
class StackedBarView;
}

namespace quantscope::app {

class AnalysisSession;

class MemoryPanel : public QWidget, public ChartPanel {
    Q_OBJECT

public:
    explicit MemoryPanel(AnalysisSession* session, QWidget* parent = nullptr);

    QWidget* chartArea() const override;
    QComboBox* modelBox() const { return model_; }
    QDoubleSpinBox* parametersBox() const { return parameters_; }
    QSpinBox* hiddenBox() const { return hidden_; }
    QComboBox* optimizerBox() const { return optimizer_; }
    QTableWidget* inferenceTable() const { return inference_; }
    QTableWidget* trainingTable() const { return training_; }
    widgets::StackedBarView* chart() const { return chart_; }
    // The tables as CSV (both, one after the other), as "Copy" puts them on the clipboard.
    QString tablesAsCsv() const;

private:
    void listModels();
    void modelChosen();
    void recompute();

    AnalysisSession* session_;
    QComboBox* model_;
    QDoubleSpinBox* parameters_;
    QSpinBox* hidden_;
    QComboBox* optimizer_;
    QTableWidget* inference_;
    QTableWidget* training_;
    widgets::StackedBarView* chart_;
    QLabel* caption_;
    std::vector<Shape> sourceShapes_;  // the selected source's float tensors, when chosen
    bool updating_ = false;
};

}  // namespace quantscope::app
