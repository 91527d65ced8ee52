#pragma once
// The numbers of the current analysis: error metrics, quantization parameters and storage.

#include <QWidget>

class QLabel;

namespace quantscope::app {

class AnalysisSession;

class MetricsPanel : public QWidget {
    Q_OBJECT

public:
    explicit MetricsPanel(AnalysisSession* session, QWidget* parent = nullptr);

    // The text shown for a metric key ("sqnr_db", "mse", ...), for tests.
    QString valueText(const QString& key) const;

private:
    void showOutcome();

    AnalysisSession* session_;
    QList<QPair<QString, QLabel*>> values_;
};

}  // namespace quantscope::app
