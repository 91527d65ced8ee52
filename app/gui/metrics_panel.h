#pragma once
// The numbers of the current analysis: error metrics, NaN and Inf counts, quantization parameters
// (a summary of every group's when there are many), storage, and the notes the engine attaches.
// Labels sit in a fixed column and values are elided with their full text in the tooltip, so
// the panel keeps its width while the numbers change.

#include <QWidget>

class QGridLayout;
class QLabel;

namespace quantscope::widgets {
class ElidedLabel;
class MiniHistogram;
}  // namespace quantscope::widgets

namespace quantscope::app {

class AnalysisSession;

class MetricsPanel : public QWidget {
    Q_OBJECT

public:
    explicit MetricsPanel(AnalysisSession* session, QWidget* parent = nullptr);

    // The text shown for a metric key ("sqnr_db", "mse", ...), for tests.
    QString valueText(const QString& key) const;
    widgets::ElidedLabel* valueLabel(const QString& key) const;
    QLabel* rowLabel(const QString& key) const;
    widgets::MiniHistogram* scaleHistogram() const { return scaleHistogram_; }
    QLabel* notes() const { return notes_; }

private:
    void showOutcome();

    struct Row {
        QString key;
        QLabel* name = nullptr;
        widgets::ElidedLabel* value = nullptr;
    };
    AnalysisSession* session_;
    QList<Row> rows_;
    widgets::MiniHistogram* scaleHistogram_;
    QLabel* notes_;
};

}  // namespace quantscope::app
