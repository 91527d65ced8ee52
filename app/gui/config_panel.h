#pragma once
// The quantization controls. Every change goes straight to the session, which re-runs the
// analysis in the background.

#include <QWidget>

class QComboBox;

namespace quantscope::app {

class AnalysisSession;

class ConfigPanel : public QWidget {
    Q_OBJECT

public:
    explicit ConfigPanel(AnalysisSession* session, QWidget* parent = nullptr);

    QComboBox* formatBox() const { return format_; }
    QComboBox* schemeBox() const { return scheme_; }
    QComboBox* roundingBox() const { return rounding_; }
    QComboBox* calibrationBox() const { return calibration_; }

private:
    void applyToSession();
    void showSessionConfig();

    AnalysisSession* session_;
    QComboBox* format_;
    QComboBox* scheme_;
    QComboBox* rounding_;
    QComboBox* calibration_;
};

}  // namespace quantscope::app
