#pragma once
// The Formats tab: a format (chosen by name or designed) as its table of codes or properties,
// its number line (optionally beside a second format and over the tensor's histogram) and the
// designer of custom floats, whose format the session can take ("Use in Configuration").

#include <QWidget>
#include <optional>

#include "chart_panel.h"
#include "quantscope/formats/format.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace quantscope::widgets {
class FormatDesigner;
class FormatTableModel;
class NumberLineView;
}  // namespace quantscope::widgets

namespace quantscope::app {

class AnalysisSession;

class FormatsPanel : public QWidget, public ChartPanel {
    Q_OBJECT

public:
    explicit FormatsPanel(AnalysisSession* session, QWidget* parent = nullptr);
    ~FormatsPanel() override;

    QWidget* chartArea() const override;

    // Shows a format by name; false (and the problem beside the box) when the name is unknown.
    bool showFormat(const QString& name);
    const Format& format() const { return format_; }
    // The CSV of the table as sorted on screen (what "Copy as CSV" puts on the clipboard).
    QString tableCsv() const;

    QComboBox* formatBox() const { return format_box_; }
    QComboBox* secondBox() const { return second_; }
    QTableView* table() const { return table_; }
    widgets::FormatTableModel* tableModel() const { return model_; }
    widgets::NumberLineView* numberLine() const { return line_; }
    widgets::FormatDesigner* designer() const { return designer_; }
    QPushButton* copyButton() const { return copy_; }
    QPushButton* useButton() const { return use_; }
    QCheckBox* logBox() const { return log_; }
    QCheckBox* sameMaximumBox() const { return sameMax_; }
    QCheckBox* histogramBox() const { return histogram_; }

private:
    void setFormat(const Format& format, bool fromDesigner);
    void updateNumberLine();
    void useInConfiguration();

    AnalysisSession* session_;
    Format format_;
    QComboBox* format_box_;
    QComboBox* second_;
    QLabel* problem_;
    QLabel* summary_;
    widgets::FormatTableModel* model_;
    QSortFilterProxyModel* proxy_;
    QTableView* table_;
    QPushButton* copy_;
    widgets::NumberLineView* line_;
    QCheckBox* log_;
    QCheckBox* sameMax_;
    QCheckBox* histogram_;
    widgets::FormatDesigner* designer_;
    QPushButton* use_;
};

}  // namespace quantscope::app
