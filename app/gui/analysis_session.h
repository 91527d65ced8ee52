#pragma once
// The analysis document: the open sources, the tensor under study, the quantization config,
// the configs being compared, and the latest results. Every change starts a background job; a
// newer request supersedes an older one, whose result is dropped (generation counters). Views
// listen to the fine-grained signals and never compute.

#include <QFutureWatcher>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <atomic>
#include <memory>
#include <vector>

#include "analysis_jobs.h"
#include "quantscope/common/tensor.h"
#include "quantscope/io/source.h"
#include "quantscope/quant/quantizer.h"

class QUndoStack;

namespace quantscope::app {

// A file or generator spec the user opened, and what it lists.
struct OpenedSource {
    QString spec;
    std::shared_ptr<const Source> source;
};

// The tensor a newly opened source shows first: its largest readable floating-point tensor (the
// largest readable one when all hold integers), or -1 when none is readable.
int tensorToStudy(const Source& source);

class AnalysisSession : public QObject {
    Q_OBJECT

public:
    explicit AnalysisSession(QObject* parent = nullptr);
    ~AnalysisSession() override;

    // --- Sources ---------------------------------------------------------------------------
    // Opens a file or a gen:/raw: spec in the background. With selectFirst, its first readable
    // tensor becomes the session's tensor once it is listed.
    void openSource(const QString& pathOrSpec, bool selectFirst = false);
    const QList<OpenedSource>& sources() const { return sources_; }
    void closeSource(int index);
    // Reads tensor `tensor` of source `source` in the background and studies it.
    void selectTensor(int source, int tensor);
    int selectedSource() const { return selectedSource_; }
    int selectedTensor() const { return selectedTensor_; }
    bool isLoading() const { return openBusy_ || readBusy_; }

    // Studies a tensor that belongs to no source (tests, the sample before it is opened).
    void setTensor(Tensor tensor, double sampleRate = 0);
    std::shared_ptr<const Tensor> tensor() const { return tensor_; }
    // Samples per second when the tensor is audio or a sine, else 0.
    double sampleRate() const { return sampleRate_; }

    // --- Config ----------------------------------------------------------------------------
    // Sets the config without an undo step (restoring, undoing).
    void setConfig(const QuantConfig& config);
    const QuantConfig& config() const { return config_; }
    // A user's change: one undo step named `what`.
    void changeConfig(const QuantConfig& config, const QString& what);
    // Manual calibration to [lo, hi] (a dragged clip line), undoable.
    void setManualClipRange(double lo, double hi);
    QUndoStack* undoStack() const { return undoStack_; }
    // Whether a manual clipping range carries over to the next tensor (off: a new tensor resets
    // it to min-max and configAdapted says so).
    void setManualRangeLocked(bool locked);
    bool manualRangeLocked() const { return manualRangeLocked_; }

    // The latest finished analysis for the current tensor and config, or null while none is.
    std::shared_ptr<const AnalysisOutcome> outcome() const { return outcome_; }
    bool isRunning() const { return jobBusy_; }

    // --- Comparison ------------------------------------------------------------------------
    const std::vector<QuantConfig>& comparedConfigs() const { return compared_; }
    void setComparedConfigs(std::vector<QuantConfig> configs);
    void addComparedConfig(const QuantConfig& config);
    void removeComparedConfig(int index);
    void moveComparedConfig(int from, int to);
    // Metrics of every compared config on the current tensor; null until computed.
    std::shared_ptr<const ComparisonOutcome> comparison() const { return comparison_; }
    bool isComparing() const { return compareBusy_; }

    // --- Bit-width sweep -------------------------------------------------------------------
    // Computed on request (it runs 60 quantizations); invalidated when the tensor or the
    // config it varies changes.
    void runBitSweep();
    std::shared_ptr<const BitSweepOutcome> bitSweep() const { return bitSweep_; }
    bool isSweeping() const { return sweepBusy_; }
    bool bitSweepIsCurrent() const;

    // Stops the comparison and the sweep (the quick analysis always finishes).
    void cancelBackgroundWork();

    // --- Session file ----------------------------------------------------------------------
    // Sources, selection, config, compared configs and view state. restore() reopens the
    // sources in the background; the selected tensor is read again when its source is listed.
    QJsonObject toJson() const;
    // Throws UsageError on a config it cannot read.
    void restore(const QJsonObject& json);
    // Whatever the window wants to keep (current tab, log scale...), opaque to the session.
    const QJsonObject& viewState() const { return viewState_; }
    void setViewState(const QJsonObject& state);

signals:
    void sourcesChanged();
    void loadingStarted(const QString& what);
    void loadingFinished();
    // A file could not be opened or read: "FILE: offset N: problem".
    void loadFailed(const QString& message);
    void tensorChanged();
    void configChanged();
    void manualRangeLockChanged(bool locked);
    // A new tensor changed the config (a manual range back to min-max, per channel on a 1-D
    // tensor to per tensor): what happened, for the user.
    void configAdapted(const QString& message);
    void analysisStarted();
    void analysisFinished();  // outcome() holds the new result
    void analysisFailed(const QString& message);
    void comparedConfigsChanged();
    void comparisonFinished();
    void bitSweepInvalidated();
    void bitSweepFinished();
    // The slow jobs (comparison, sweep): what runs and how far it is; total 0 = idle.
    void progressChanged(const QString& task, int done, int total);
    void viewStateChanged();

private:
    struct PendingOpen {
        QString spec;
        bool selectFirst = false;
        int selectIndex = -1;  // restore: the tensor to select once listed
    };
    struct OpenOutcome {
        QString spec;
        std::shared_ptr<const Source> source;
        QString error;
        bool cancelled = false;
    };
    struct ReadOutcome {
        std::shared_ptr<const Tensor> tensor;
        double sampleRate = 0;
        QString error;
        quint64 generation = 0;
        bool cancelled = false;
    };

    void startAnalysis();
    void launchJob();
    void onJobFinished();
    void launchOpen();
    void onOpenFinished();
    void launchRead();
    void onReadFinished();
    void startComparison();
    void launchComparison();
    void onComparisonFinished();
    void launchBitSweep();
    void onBitSweepFinished();
    void tensorReplaced(std::shared_ptr<const Tensor> tensor, double sampleRate);
    void invalidateBitSweep();
    void reportProgress();
    SweepKey sweepKey() const;

    QList<OpenedSource> sources_;
    QList<PendingOpen> pendingOpens_;
    PendingOpen runningOpen_;
    QFutureWatcher<OpenOutcome> openWatcher_;
    int selectedSource_ = -1;
    int selectedTensor_ = -1;
    std::shared_ptr<const Source> readSource_;  // of the newest read request
    std::size_t readIndex_ = 0;
    quint64 readGeneration_ = 0;
    QFutureWatcher<ReadOutcome> readWatcher_;

    std::shared_ptr<const Tensor> tensor_;
    double sampleRate_ = 0;
    QuantConfig config_;
    QUndoStack* undoStack_;
    std::shared_ptr<const AnalysisOutcome> outcome_;
    QFutureWatcher<std::shared_ptr<AnalysisOutcome>> watcher_;
    quint64 generation_ = 0;  // of the newest analysis request

    std::vector<QuantConfig> compared_;
    std::shared_ptr<const ComparisonOutcome> comparison_;
    QFutureWatcher<std::shared_ptr<ComparisonOutcome>> compareWatcher_;
    quint64 compareGeneration_ = 0;
    quint64 runningCompareGeneration_ = 0;
    quint64 cancelledCompareGeneration_ = 0;  // the user stopped this request

    std::shared_ptr<const BitSweepOutcome> bitSweep_;
    SweepKey bitSweepKey_;  // the tensor and base config bitSweep_ was computed for
    QFutureWatcher<std::shared_ptr<BitSweepOutcome>> sweepWatcher_;
    quint64 sweepGeneration_ = 0;  // changes with the tensor and the config the sweep varies
    quint64 runningSweepGeneration_ = 0;
    quint64 sweepRequestedGeneration_ = 0;
    SweepKey runningSweepKey_;
    quint64 tensorSerial_ = 0;  // changes with every tensor, part of the sweep key

    QJsonObject viewState_;
    bool manualRangeLocked_ = false;
    bool keepManualForNextTensor_ = false;  // set by restore() for the tensor it reopens
    // A watcher's job is ours until its finished() is handled; isRunning() turns false earlier,
    // and replacing the future then would lose a result.
    bool jobBusy_ = false;
    // Set when a newer request supersedes the running analysis: the job stops within a few
    // thousand values instead of finishing work nobody will see.
    std::shared_ptr<std::atomic<bool>> jobCancel_;
    // The current tensor's value summary, kept from its first analysis (null until then).
    std::shared_ptr<const ValueSummary> summary_;
    bool openBusy_ = false;
    bool readBusy_ = false;
    // Set to stop the running read (a newer selection, Cancel, or the session closing).
    std::shared_ptr<std::atomic<bool>> readCancel_;
    std::shared_ptr<std::atomic<bool>> openCancel_;  // the same for the running open
    bool compareBusy_ = false;
    bool sweepBusy_ = false;
};

}  // namespace quantscope::app
