#pragma once
// The quantization controls: format (grouped by kind), scheme, granularity, calibration,
// rounding and outlier threshold. Each control changes one field of the session's config as
// an undoable step; the panel follows the session (undo, a dragged clip line, a loaded session).

#include <QWidget>
#include <string>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;

#include "quantscope/quant/quant_config.h"

namespace quantscope::app {

class AnalysisSession;

// `config` with the format `name` (apply_format); leaving a block or lookup format drops the
// granularity it forced. Throws UsageError on an unknown name.
QuantConfig withFormat(const QuantConfig& config, const std::string& name);
// Why the parts of `config` do not fit together (check_config's message), or empty.
QString configProblem(const QuantConfig& config);

class ConfigPanel : public QWidget {
    Q_OBJECT

public:
    explicit ConfigPanel(AnalysisSession* session, QWidget* parent = nullptr);

    QComboBox* formatBox() const { return format_; }
    QComboBox* schemeBox() const { return scheme_; }
    QComboBox* granularityBox() const { return granularity_; }
    QSpinBox* axisBox() const { return axis_; }
    QSpinBox* blockBox() const { return block_; }
    QComboBox* calibrationBox() const { return calibration_; }
    QDoubleSpinBox* parameterBox() const { return parameter_; }
    QDoubleSpinBox* manualMinBox() const { return manualMin_; }
    QDoubleSpinBox* manualMaxBox() const { return manualMax_; }
    QComboBox* roundingBox() const { return rounding_; }
    QSpinBox* seedBox() const { return seed_; }
    QCheckBox* ditherBox() const { return dither_; }
    QDoubleSpinBox* outlierBox() const { return outliers_; }
    QCheckBox* lockManualBox() const { return lockManual_; }
    // What the session changed by itself for a new tensor, or empty.
    QString noticeText() const;
    // Why the controls' combination cannot run, or empty.
    QString problemText() const;

private:
    void createFormatBox();
    void showSessionConfig();
    void updateEnabledControls();
    // Checks the config, shows the problem if any, else hands it to the session.
    void propose(const QuantConfig& config, const QString& what);

    void onFormat();
    void onScheme();
    void onGranularity();
    void onCalibration();
    void onRounding();
    void onOutliers();

    AnalysisSession* session_;
    QComboBox* format_;
    QComboBox* scheme_;
    QComboBox* granularity_;
    QSpinBox* axis_;
    QSpinBox* block_;
    QComboBox* calibration_;
    QDoubleSpinBox* parameter_;
    QDoubleSpinBox* manualMin_;
    QDoubleSpinBox* manualMax_;
    QComboBox* rounding_;
    QSpinBox* seed_;
    QCheckBox* dither_;
    QDoubleSpinBox* outliers_;
    QCheckBox* lockManual_;
    QLabel* problem_;
    QLabel* notice_;
    QLabel* description_;
};

}  // namespace quantscope::app
