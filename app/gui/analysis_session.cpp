#include "analysis_session.h"

#include <QtConcurrent>
#include <exception>

namespace quantscope::app {

AnalysisSession::AnalysisSession(QObject* parent) : QObject(parent) {
    connect(&watcher_, &QFutureWatcher<std::shared_ptr<AnalysisOutcome>>::finished, this,
            &AnalysisSession::onJobFinished);
}

AnalysisSession::~AnalysisSession() {
    // The job holds shared pointers to its inputs, but must not outlive the watcher.
    watcher_.cancel();
    watcher_.waitForFinished();
}

void AnalysisSession::setTensor(Tensor tensor) {
    tensor_ = std::make_shared<const Tensor>(std::move(tensor));
    outcome_.reset();
    emit tensorChanged();
    startAnalysis();
}

void AnalysisSession::setConfig(const QuantConfig& config) {
    config_ = config;
    emit configChanged();
    startAnalysis();
}

void AnalysisSession::startAnalysis() {
    if (!tensor_) {
        return;
    }
    ++generation_;
    // One job at a time: a running job finishes, is found stale, and only the newest request
    // runs next; the requests in between are skipped.
    if (!watcher_.isRunning()) {
        launchJob();
    }
}

void AnalysisSession::launchJob() {
    emit analysisStarted();
    watcher_.setFuture(
        QtConcurrent::run([tensor = tensor_, config = config_, generation = generation_]() {
            auto outcome = std::make_shared<AnalysisOutcome>();
            outcome->tensor = tensor;
            outcome->config = config;
            outcome->generation = generation;
            try {
                outcome->result = quantize(tensor->values, config);
                outcome->plot = make_histogram_plot(tensor->values, outcome->result, config);
            } catch (const std::exception& e) {
                outcome->error = QString::fromStdString(e.what());
            }
            return outcome;
        }));
}

void AnalysisSession::onJobFinished() {
    if (watcher_.isCanceled() || watcher_.future().resultCount() == 0) {
        return;
    }
    std::shared_ptr<AnalysisOutcome> outcome = watcher_.result();
    if (outcome->generation != generation_) {
        launchJob();
        return;
    }
    if (!outcome->error.isEmpty()) {
        emit analysisFailed(outcome->error);
        return;
    }
    outcome_ = std::move(outcome);
    emit analysisFinished();
}

}  // namespace quantscope::app
