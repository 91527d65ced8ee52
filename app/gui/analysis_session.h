#pragma once
// The analysis document: the tensor under study, the quantization config, and the latest result.
// Every change of tensor or config starts a background job; a newer request supersedes an older
// one, whose result is dropped. Views listen to the fine-grained signals and never compute.

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <memory>

#include "quantscope/common/tensor.h"
#include "quantscope/quant/quantizer.h"

namespace quantscope::app {

// What one analysis job produces: everything the views draw, computed off the GUI thread.
struct AnalysisOutcome {
    std::shared_ptr<const Tensor> tensor;
    QuantConfig config;
    QuantResult result;
    HistogramPlot plot;
    QString error;  // non-empty when the job failed
    quint64 generation = 0;
};

class AnalysisSession : public QObject {
    Q_OBJECT

public:
    explicit AnalysisSession(QObject* parent = nullptr);
    ~AnalysisSession() override;

    void setTensor(Tensor tensor);
    std::shared_ptr<const Tensor> tensor() const { return tensor_; }

    void setConfig(const QuantConfig& config);
    const QuantConfig& config() const { return config_; }

    // The latest finished analysis for the current tensor and config, or null while none is.
    std::shared_ptr<const AnalysisOutcome> outcome() const { return outcome_; }
    bool isRunning() const { return watcher_.isRunning(); }

signals:
    void tensorChanged();
    void configChanged();
    void analysisStarted();
    void analysisFinished();  // outcome() holds the new result
    void analysisFailed(const QString& message);

private:
    void startAnalysis();
    void launchJob();
    void onJobFinished();

    std::shared_ptr<const Tensor> tensor_;
    QuantConfig config_;
    std::shared_ptr<const AnalysisOutcome> outcome_;
    QFutureWatcher<std::shared_ptr<AnalysisOutcome>> watcher_;
    quint64 generation_ = 0;  // of the newest request
};

}  // namespace quantscope::app
