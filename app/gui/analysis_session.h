#pragma once
// The analysis document: the open sources, the tensor under study, the quantization config,
// the configs being compared, and the latest results. Every change starts a background job; a
// newer request supersedes an older one, whose result is dropped (background_job.h). Views
// listen to the fine-grained signals and never compute.

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "analysis_jobs.h"
#include "background_job.h"
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

// A source of a restored session that could not be opened (moved, deleted, unreadable): kept in
// the session (and its file) until the user locates it or forgets it.
struct MissingSource {
    QString spec;
    QString problem;  // the loader's message
    int tensor = -1;  // the tensor to study once it opens (it was the selected one)
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
    // tensor becomes the session's tensor once it is listed. A file or spec that is already
    // open (or being opened) is not opened again: with selectFirst, it is selected.
    void openSource(const QString& pathOrSpec, bool selectFirst = false);
    const QList<OpenedSource>& sources() const { return sources_; }
    // Closing the source of the tensor under study clears the tensor and every result (the
    // views empty), and hands the freed buffers back to the system.
    void closeSource(int index);
    // Reads tensor `tensor` of source `source` in the background and studies it.
    void selectTensor(int source, int tensor);
    int selectedSource() const { return selectedSource_; }
    int selectedTensor() const { return selectedTensor_; }
    bool isLoading() const { return openJob_.isBusy() || readJob_.isBusy(); }
    // Sources of a restored session that did not open; the rest of the session restores.
    const QList<MissingSource>& missingSources() const { return missing_; }
    // Opens `path` in place of missing source `index` (studying its tensor if it was selected);
    // if that fails too, the source stays missing.
    void locateMissingSource(int index, const QString& path);
    void forgetMissingSource(int index);

    // Any job runs: open, read, analysis, comparison or sweep (busyChanged).
    bool isBusy() const;

    // --- Memory ----------------------------------------------------------------------------
    // A tensor of more bytes (as float32) than this asks largeTensorHandler before it is read.
    void setMemoryLimit(std::int64_t bytes);
    std::int64_t memoryLimit() const { return memoryLimit_; }
    enum class LargeTensorChoice { ReadAll, ReadSample, Cancel };
    // Asked on the GUI thread with the tensor and the stride of the sample it would take.
    // Without one, large tensors are read whole.
    using LargeTensorHandler =
        std::function<LargeTensorChoice(const TensorInfo& info, std::int64_t stride)>;
    void setLargeTensorHandler(LargeTensorHandler handler) {
        largeTensorHandler_ = std::move(handler);
    }
    // 1 when the tensor under study is whole, k when it is a sample of every k-th value.
    std::int64_t sampleStride() const { return sampleStride_; }
    // The whole tensor's count when the tensor under study is a sample.
    std::int64_t sampledCount() const { return sampleStride_ > 1 ? sampledCount_ : 0; }

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
    bool isRunning() const { return analysisJob_.isBusy(); }
    // Bins of the Histogram view: 0 = automatic (preferences.h).
    void setHistogramBins(int bins);
    int histogramBins() const { return histogramBins_; }

    // --- Comparison ------------------------------------------------------------------------
    const std::vector<QuantConfig>& comparedConfigs() const { return compared_; }
    void setComparedConfigs(std::vector<QuantConfig> configs);
    void addComparedConfig(const QuantConfig& config);
    void removeComparedConfig(int index);
    void moveComparedConfig(int from, int to);
    // Metrics of every compared config on the current tensor; null until computed.
    std::shared_ptr<const ComparisonOutcome> comparison() const { return comparison_; }
    bool isComparing() const { return compareJob_.isBusy(); }

    // --- Bit-width sweep -------------------------------------------------------------------
    // Computed on request (it runs 60 quantizations); invalidated when the tensor or the
    // config it varies changes.
    void runBitSweep();
    std::shared_ptr<const BitSweepOutcome> bitSweep() const { return bitSweep_; }
    bool isSweeping() const { return sweepJob_.isBusy(); }
    bool bitSweepIsCurrent() const;

    // Esc: stops whatever runs (open, read, analysis, comparison, sweep) and forgets waiting
    // opens. A source opened to be studied whose tensor is not read and analysed yet is closed
    // again; an analysis of a tensor already on screen is dropped (analysisCancelled).
    void cancelBackgroundWork();

    // --- Session file ----------------------------------------------------------------------
    // Sources, selection, config, compared configs and view state. restore() reopens the
    // sources in the background; the selected tensor is read again when its source is listed.
    QJsonObject toJson() const;
    // Throws UsageError on a config it cannot read or a session of a newer version; the
    // undo history comes back as far as it was saved.
    void restore(const QJsonObject& json);
    // Whatever the window wants to keep (current tab, log scale...), opaque to the session.
    const QJsonObject& viewState() const { return viewState_; }
    void setViewState(const QJsonObject& state);

signals:
    void sourcesChanged();
    void missingSourcesChanged();
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
    void analysisCancelled();
    void busyChanged(bool busy);
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
        QString missingSpec;   // set: a failure lists this spec as missing instead of failing
    };
    struct OpenOutcome {
        QString spec;
        std::shared_ptr<const Source> source;
        QString error;
    };
    struct ReadOutcome {
        std::shared_ptr<const Tensor> tensor;
        double sampleRate = 0;
        std::int64_t stride = 1;
        std::int64_t total = 0;                // the whole tensor's count
        std::shared_ptr<const Source> source;  // read from
        int index = -1;
        QString error;
    };
    using AnalysisJob = BackgroundJob<std::shared_ptr<AnalysisOutcome>>;

    void startAnalysis();
    AnalysisJob::Task prepareAnalysis();
    void keepSummary(const AnalysisOutcome& outcome);
    void onAnalysisFinished(std::optional<std::shared_ptr<AnalysisOutcome>> outcome);
    void launchOpen();
    void onOpenFinished(std::optional<OpenOutcome> outcome);
    void onReadFinished(std::optional<ReadOutcome> outcome);
    void reportReadProgress();
    void startComparison();
    void onComparisonFinished(std::optional<std::shared_ptr<ComparisonOutcome>> outcome);
    void onBitSweepFinished(std::optional<std::shared_ptr<BitSweepOutcome>> outcome);
    void tensorReplaced(std::shared_ptr<const Tensor> tensor, double sampleRate,
                        std::int64_t stride = 1);
    void clearTensor();
    void closeProvisionalSource();
    void restoreSelection();
    int sourceIndex(const Source* source) const;
    void releaseMemory();
    void updateBusy();
    void invalidateBitSweep();
    void reportProgress();
    SweepKey sweepKey() const;

    QList<OpenedSource> sources_;
    QList<PendingOpen> pendingOpens_;
    QList<MissingSource> missing_;
    int histogramBins_ = 0;
    PendingOpen runningOpen_;
    int selectedSource_ = -1;
    int selectedTensor_ = -1;

    std::shared_ptr<const Tensor> tensor_;
    double sampleRate_ = 0;
    std::int64_t sampleStride_ = 1;
    std::int64_t sampledCount_ = 0;
    QString readTask_;  // what the read job's progress bar says
    // Where tensor_ was read from (null for setTensor): the selection goes back to it when a
    // read is cancelled, and closing that source clears the tensor.
    const Source* tensorSource_ = nullptr;
    int tensorIndex_ = -1;
    // A source opened to be studied, until its tensor is read and analysed: Esc before then
    // closes it again (no half-opened source stays behind).
    const Source* provisional_ = nullptr;
    const Source* readingSource_ = nullptr;  // of the read that runs
    std::int64_t memoryLimit_ = 0;           // 0: no limit
    LargeTensorHandler largeTensorHandler_;
    bool busy_ = false;
    QuantConfig config_;
    QUndoStack* undoStack_;
    std::shared_ptr<const AnalysisOutcome> outcome_;

    std::vector<QuantConfig> compared_;
    std::shared_ptr<const ComparisonOutcome> comparison_;

    std::shared_ptr<const BitSweepOutcome> bitSweep_;
    SweepKey bitSweepKey_;      // the tensor and base config bitSweep_ was computed for
    SweepKey runningSweepKey_;  // the same for the sweep that runs
    quint64 tensorSerial_ = 0;  // changes with every tensor, part of the sweep key

    QJsonObject viewState_;
    bool manualRangeLocked_ = false;
    bool keepManualForNextTensor_ = false;  // set by restore() for the tensor it reopens
    // The current tensor's value summary, kept from its first analysis (null until then).
    std::shared_ptr<const ValueSummary> summary_;

    // Opens run one after another (pendingOpens_); the other jobs keep the newest request. A
    // superseded analysis stops within a few thousand values.
    BackgroundJob<OpenOutcome> openJob_;
    BackgroundJob<ReadOutcome> readJob_;
    AnalysisJob analysisJob_;
    BackgroundJob<std::shared_ptr<ComparisonOutcome>> compareJob_;
    BackgroundJob<std::shared_ptr<BitSweepOutcome>> sweepJob_;
};

}  // namespace quantscope::app
