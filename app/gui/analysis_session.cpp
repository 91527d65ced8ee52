#include "analysis_session.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QTimer>
#include <QUndoStack>
#include <exception>
#include <utility>

#include "config_command.h"
#include "config_json.h"
#include "quantscope/common/buffer.h"
#include "quantscope/common/cancel.h"
#include "quantscope/common/error.h"
#include "quantscope/io/load_error.h"
#include "session_file.h"
#include "tensor_sample.h"
#include "undo_history.h"

namespace quantscope::app {

namespace {

// LoadError already reads "FILE: offset N: problem"; other errors get the file in front, and
// failures that are not ours (out of memory, ...) are put in plain words.
QString loadMessage(const QString& spec, const std::exception& e) {
    if (dynamic_cast<const LoadError*>(&e) != nullptr) {
        return QString::fromStdString(e.what());
    }
    if (dynamic_cast<const Error*>(&e) != nullptr) {
        return QStringLiteral("%1: %2").arg(spec, QString::fromStdString(e.what()));
    }
    return QString::fromStdString(describe_failure(e, spec.toStdString()));
}

// What makes two specs the same source: a file's canonical path (the same file by another
// name), a generator's or raw: spec as written.
QString sourceKey(const QString& spec) {
    if (spec.startsWith(QLatin1String("gen:")) || spec.startsWith(QLatin1String("raw:"))) {
        return spec.trimmed();
    }
    const QFileInfo file(spec);
    const QString canonical = file.canonicalFilePath();
    return canonical.isEmpty() ? file.absoluteFilePath() : canonical;
}

}  // namespace

AnalysisSession::AnalysisSession(QObject* parent)
    : QObject(parent), undoStack_(new QUndoStack(this)) {
    openJob_.setFinishedHandler([this](auto outcome) { onOpenFinished(std::move(outcome)); });
    readJob_.setFinishedHandler([this](auto outcome) { onReadFinished(std::move(outcome)); });
    analysisJob_.setFinishedHandler(
        [this](auto outcome) { onAnalysisFinished(std::move(outcome)); });
    analysisJob_.setSupersededHandler([this](const auto& outcome) { keepSummary(*outcome); });
    compareJob_.setFinishedHandler(
        [this](auto outcome) { onComparisonFinished(std::move(outcome)); });
    sweepJob_.setFinishedHandler([this](auto outcome) { onBitSweepFinished(std::move(outcome)); });
    compareJob_.setProgressHandler([this] { reportProgress(); });
    sweepJob_.setProgressHandler([this] { reportProgress(); });
    openJob_.setProgressHandler([this] { updateBusy(); });
    readJob_.setProgressHandler([this] { reportReadProgress(); });
    analysisJob_.setProgressHandler([this] { updateBusy(); });
}

AnalysisSession::~AnalysisSession() {
    // All jobs stop at once; each member's destructor then waits for its own.
    openJob_.cancel();
    readJob_.cancel();
    analysisJob_.cancel();
    compareJob_.cancel();
    sweepJob_.cancel();
}

// --- Sources -----------------------------------------------------------------------------

void AnalysisSession::openSource(const QString& pathOrSpec, bool selectFirst) {
    const QString key = sourceKey(pathOrSpec);
    for (int i = 0; i < sources_.size(); ++i) {
        if (sourceKey(sources_[i].spec) == key) {
            // Studied, or being read to be: nothing to do.
            const Source* shown = readJob_.isActive() ? readingSource_ : tensorSource_;
            const bool studied = shown == sources_[i].source.get();
            if (selectFirst && !studied) {
                selectTensor(i, tensorToStudy(*sources_[i].source));
            }
            return;
        }
    }
    const bool opening = openJob_.isBusy() && sourceKey(runningOpen_.spec) == key;
    for (PendingOpen& pending : pendingOpens_) {
        if (sourceKey(pending.spec) == key) {
            pending.selectFirst = pending.selectFirst || selectFirst;
            return;
        }
    }
    if (opening) {
        runningOpen_.selectFirst = runningOpen_.selectFirst || selectFirst;
        return;
    }
    pendingOpens_.append({pathOrSpec, selectFirst, -1, {}});
    if (!openJob_.isBusy()) {
        launchOpen();
    }
}

void AnalysisSession::launchOpen() {
    if (pendingOpens_.isEmpty()) {
        emit loadingFinished();
        return;
    }
    runningOpen_ = pendingOpens_.takeFirst();
    emit loadingStarted(tr("Opening %1").arg(runningOpen_.spec));
    openJob_.request([spec = runningOpen_.spec] {
        return [spec](JobControl& job) {
            OpenOutcome outcome;
            outcome.spec = spec;
            try {
                const CancelScope scope(job.cancelFlag());  // generators make values at open
                outcome.source = open_source(spec.toStdString());
            } catch (const Cancelled&) {
                // Dropped by the job.
            } catch (const std::exception& e) {
                outcome.error = loadMessage(spec, e);
            }
            return outcome;
        };
    });
}

int tensorToStudy(const Source& source) {
    // The largest readable tensor of real values: a model's first entries are often one-value
    // integer constants that would draw an empty chart.
    int best = -1;
    bool bestReal = false;
    std::int64_t bestCount = -1;
    const auto& tensors = source.tensors();
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        if (!source.readable(i)) {
            continue;
        }
        const bool real = !is_integer_dtype(tensors[i].dtype);
        if (best < 0 || (real && !bestReal) || (real == bestReal && tensors[i].count > bestCount)) {
            best = static_cast<int>(i);
            bestReal = real;
            bestCount = tensors[i].count;
        }
    }
    return best;
}

void AnalysisSession::onOpenFinished(std::optional<OpenOutcome> outcome) {
    const PendingOpen request = runningOpen_;
    if (!outcome) {
        // Cancelled: nothing to add or report, the user asked for it.
    } else if (!outcome->error.isEmpty() && !request.missingSpec.isEmpty()) {
        missing_.append({request.missingSpec, outcome->error, request.selectIndex});
        emit missingSourcesChanged();
        if (request.spec != request.missingSpec) {
            emit loadFailed(outcome->error);  // the place the user chose (Locate…)
        }
    } else if (!outcome->error.isEmpty()) {
        emit loadFailed(outcome->error);
    } else {
        sources_.append({outcome->spec, outcome->source});
        emit sourcesChanged();
        const int index = static_cast<int>(sources_.size() - 1);
        int select = request.selectIndex;
        if (request.selectFirst) {
            select = tensorToStudy(*outcome->source);
        }
        if (select >= 0 && static_cast<std::size_t>(select) < outcome->source->tensors().size()) {
            provisional_ = outcome->source.get();
            selectTensor(index, select);
        }
    }
    launchOpen();
    updateBusy();
}

void AnalysisSession::locateMissingSource(int index, const QString& path) {
    if (index < 0 || index >= missing_.size()) {
        return;
    }
    const MissingSource missing = missing_.takeAt(index);
    emit missingSourcesChanged();
    pendingOpens_.append({path, false, missing.tensor, missing.spec});
    if (!openJob_.isBusy()) {
        launchOpen();
    }
}

void AnalysisSession::forgetMissingSource(int index) {
    if (index >= 0 && index < missing_.size()) {
        missing_.removeAt(index);
        emit missingSourcesChanged();
    }
}

void AnalysisSession::closeSource(int index) {
    if (index < 0 || index >= sources_.size()) {
        return;
    }
    const Source* closing = sources_[index].source.get();
    if (provisional_ == closing) {
        provisional_ = nullptr;
    }
    if (readingSource_ == closing) {
        readJob_.cancel();  // a read of this source's tensor is of no use now
        readingSource_ = nullptr;
    }
    sources_.removeAt(index);
    if (selectedSource_ == index) {
        selectedSource_ = -1;
        selectedTensor_ = -1;
    } else if (selectedSource_ > index) {
        --selectedSource_;
    }
    emit sourcesChanged();
    if (tensorSource_ == closing) {
        clearTensor();
    }
    releaseMemory();
}

int AnalysisSession::sourceIndex(const Source* source) const {
    for (int i = 0; i < sources_.size(); ++i) {
        if (sources_[i].source.get() == source) {
            return i;
        }
    }
    return -1;
}

void AnalysisSession::restoreSelection() {
    // The selection is the tensor on screen again (a read was cancelled or failed, or a source
    // before it was closed).
    selectedSource_ = tensorSource_ != nullptr ? sourceIndex(tensorSource_) : -1;
    selectedTensor_ = selectedSource_ >= 0 ? tensorIndex_ : -1;
}

void AnalysisSession::clearTensor() {
    analysisJob_.cancel();
    compareJob_.cancel();
    sweepJob_.cancel();
    tensor_.reset();
    tensorSource_ = nullptr;
    tensorIndex_ = -1;
    summary_.reset();
    sampleRate_ = 0;
    sampleStride_ = 1;
    ++tensorSerial_;
    outcome_.reset();
    comparison_.reset();
    bitSweep_.reset();
    emit tensorChanged();
    emit comparisonFinished();
    emit bitSweepInvalidated();
    reportProgress();
}

void AnalysisSession::closeProvisionalSource() {
    const int index = sourceIndex(std::exchange(provisional_, nullptr));
    if (index >= 0) {
        closeSource(index);
    }
}

void AnalysisSession::releaseMemory() {
    // After the views and finished jobs let go of a tensor's buffers (they do so on the signals
    // just emitted or when their job ends): give the memory back.
    QTimer::singleShot(0, this, [] { release_unused_buffers(); });
}

void AnalysisSession::setMemoryLimit(std::int64_t bytes) {
    memoryLimit_ = std::max<std::int64_t>(0, bytes);
    if (memoryLimit_ > 0) {
        set_buffer_cache_limit(static_cast<std::size_t>(memoryLimit_));
    }
}

bool AnalysisSession::isBusy() const {
    return openJob_.isBusy() || readJob_.isBusy() || analysisJob_.isBusy() ||
           compareJob_.isBusy() || sweepJob_.isBusy();
}

void AnalysisSession::updateBusy() {
    const bool busy = isBusy();
    if (busy != busy_) {
        busy_ = busy;
        emit busyChanged(busy);
    }
}

void AnalysisSession::selectTensor(int source, int tensor) {
    if (source < 0 || source >= sources_.size()) {
        return;
    }
    const auto& entry = sources_[source];
    if (tensor < 0 || static_cast<std::size_t>(tensor) >= entry.source->tensors().size()) {
        return;
    }
    if (!entry.source->readable(static_cast<std::size_t>(tensor))) {
        emit loadFailed(
            QStringLiteral("%1: %2: %3")
                .arg(entry.spec,
                     QString::fromStdString(
                         entry.source->tensors()[static_cast<std::size_t>(tensor)].name),
                     QString::fromStdString(entry.source->note(static_cast<std::size_t>(tensor)))));
        return;
    }
    const TensorInfo& info = entry.source->tensors()[static_cast<std::size_t>(tensor)];
    std::int64_t stride = 1;
    if (memoryLimit_ > 0 && info.count > memoryLimit_ / static_cast<std::int64_t>(sizeof(float)) &&
        largeTensorHandler_) {
        const std::int64_t sampleStride = sampleStrideFor(info.count, memoryLimit_);
        switch (largeTensorHandler_(info, sampleStride)) {
            case LargeTensorChoice::ReadAll:
                break;
            case LargeTensorChoice::ReadSample:
                stride = sampleStride;
                break;
            case LargeTensorChoice::Cancel:
                if (provisional_ == entry.source.get()) {
                    closeProvisionalSource();
                }
                return;
        }
    }
    selectedSource_ = source;
    selectedTensor_ = tensor;
    readingSource_ = entry.source.get();
    readJob_.request(
        [this, source = entry.source, index = static_cast<std::size_t>(tensor), stride] {
            const TensorInfo& read = source->tensors()[index];
            readTask_ = stride > 1 ? tr("Reading a sample of %1 (%2)")
                                         .arg(QString::fromStdString(read.name),
                                              sampleDescription(stride, read.count))
                                   : tr("Reading %1").arg(QString::fromStdString(read.name));
            emit loadingStarted(readTask_);
            return [source, index, stride](JobControl& job) {
                ReadOutcome outcome;
                outcome.sampleRate = source->sample_rate() / static_cast<double>(stride);
                outcome.stride = stride;
                outcome.total = source->tensors()[index].count;
                outcome.source = source;
                outcome.index = static_cast<int>(index);
                try {
                    const CancelScope scope(job.cancelFlag());
                    // A sample is read straight from the file: memory holds the sample, never
                    // the whole tensor.
                    constexpr int kSteps = 1000;
                    job.setProgressRange(0, kSteps);
                    ReadOptions options{stride, [&job](double done) {
                                            job.setProgressValue(static_cast<int>(done * kSteps));
                                        }};
                    outcome.tensor = std::make_shared<const Tensor>(
                        labelledSample(source->read(index, options), stride, outcome.total));
                } catch (const Cancelled&) {
                    // Dropped by the job.
                } catch (const std::exception& e) {
                    outcome.error = loadMessage(QString::fromStdString(source->path()), e);
                }
                return outcome;
            };
        });
}

void AnalysisSession::onReadFinished(std::optional<ReadOutcome> outcome) {
    emit loadingFinished();
    readingSource_ = nullptr;
    if (!outcome) {
        // Cancelled: the previous tensor stays, and a source opened only for this read goes.
        restoreSelection();
        closeProvisionalSource();
        releaseMemory();
        updateBusy();
        emit sourcesChanged();
        return;
    }
    if (!outcome->error.isEmpty()) {
        provisional_ = nullptr;  // listed, with its error: the user sees why
        restoreSelection();
        emit loadFailed(outcome->error);
        emit sourcesChanged();
        updateBusy();
        return;
    }
    tensorSource_ = outcome->source.get();
    tensorIndex_ = outcome->index;
    sampledCount_ = outcome->total;
    tensorReplaced(std::move(outcome->tensor), outcome->sampleRate, outcome->stride);
    updateBusy();
}

void AnalysisSession::setTensor(Tensor tensor, double sampleRate) {
    selectedSource_ = -1;
    selectedTensor_ = -1;
    tensorSource_ = nullptr;
    tensorIndex_ = -1;
    tensorReplaced(std::make_shared<const Tensor>(std::move(tensor)), sampleRate);
}

void AnalysisSession::tensorReplaced(std::shared_ptr<const Tensor> tensor, double sampleRate,
                                     std::int64_t stride) {
    tensor_ = std::move(tensor);
    sampleStride_ = stride;
    summary_.reset();
    sampleRate_ = sampleRate;
    ++tensorSerial_;
    outcome_.reset();
    comparison_.reset();
    emit tensorChanged();
    // A manual range was chosen for the values on screen, and would clip another tensor at
    // random (±0.365 from a WAV clips 70 % of N(0, 1)): a new tensor starts from min-max unless
    // the user locked the range. A restored session's own tensor keeps its range. Per channel
    // needs two axes or more.
    const bool restoring = std::exchange(keepManualForNextTensor_, false);
    QuantConfig adapted = config_;
    QStringList why;
    if (adapted.calibration.method == CalibrationMethod::Manual && !manualRangeLocked_ &&
        !restoring) {
        why << tr("The manual range (%1) was reset to min-max for the new tensor; lock it to "
                  "keep a range across tensors.")
                   .arg(QString::fromStdString(to_string(adapted.calibration)));
        adapted.calibration = Calibration{};
    }
    if (adapted.granularity.kind == Granularity::Kind::Channel && tensor_ &&
        tensor_->info.shape.size() < 2) {
        why << tr(
            "Per channel needs a tensor of two axes or more; this one has %n, so it is "
            "quantized per tensor.",
            nullptr, static_cast<int>(tensor_->info.shape.size()));
        adapted.granularity = Granularity{};
    }
    if (!why.isEmpty()) {
        changeConfig(adapted, tr("Config for the new tensor"));
        emit configAdapted(why.join(QLatin1Char(' ')));
    } else {
        startAnalysis();
    }
    startComparison();
    invalidateBitSweep();
    releaseMemory();  // the previous tensor's buffers, once nothing holds them
}

void AnalysisSession::setManualRangeLocked(bool locked) {
    if (locked != manualRangeLocked_) {
        manualRangeLocked_ = locked;
        emit manualRangeLockChanged(locked);
    }
}

// --- Config ------------------------------------------------------------------------------

void AnalysisSession::setConfig(const QuantConfig& config) {
    config_ = config;
    emit configChanged();
    startAnalysis();
    if (!bitSweepIsCurrent()) {
        invalidateBitSweep();
    }
}

void AnalysisSession::changeConfig(const QuantConfig& config, const QString& what) {
    if (config == config_) {
        return;
    }
    undoStack_->push(new ConfigCommand(this, config_, config, what));
}

void AnalysisSession::setManualClipRange(double lo, double hi) {
    QuantConfig config = config_;
    config.calibration.method = CalibrationMethod::Manual;
    config.calibration.manual_min = lo;
    config.calibration.manual_max = hi;
    changeConfig(config, tr("Clip to [%1, %2]").arg(lo, 0, 'g', 4).arg(hi, 0, 'g', 4));
}

void AnalysisSession::setHistogramBins(int bins) {
    if (bins != histogramBins_) {
        histogramBins_ = bins;
        startAnalysis();
    }
}

void AnalysisSession::startAnalysis() {
    if (!tensor_) {
        return;
    }
    // Built when it starts, so that it takes the summary a superseded job left.
    analysisJob_.request([this] { return prepareAnalysis(); });
}

AnalysisSession::AnalysisJob::Task AnalysisSession::prepareAnalysis() {
    emit analysisStarted();
    return [tensor = tensor_, config = config_, summary = summary_, rate = sampleRate(),
            bins = static_cast<std::size_t>(histogramBins_)](JobControl& job) {
        return runAnalysis(tensor, config, summary, job.cancelFlag(), rate, bins);
    };
}

void AnalysisSession::keepSummary(const AnalysisOutcome& outcome) {
    if (outcome.summary && outcome.tensor == tensor_) {
        summary_ = outcome.summary;  // the next jobs on this tensor reuse it
    }
}

void AnalysisSession::onAnalysisFinished(std::optional<std::shared_ptr<AnalysisOutcome>> outcome) {
    updateBusy();
    if (!outcome) {
        if (provisional_ != nullptr) {
            closeProvisionalSource();  // cancelled before its first result: not opened after all
        } else if (tensor_) {
            emit analysisCancelled();
        }
        releaseMemory();
        return;
    }
    provisional_ = nullptr;
    keepSummary(**outcome);
    if (!(*outcome)->error.isEmpty()) {
        emit analysisFailed((*outcome)->error);
        return;
    }
    outcome_ = std::move(*outcome);
    emit analysisFinished();
}

// --- Comparison --------------------------------------------------------------------------

void AnalysisSession::setComparedConfigs(std::vector<QuantConfig> configs) {
    compared_ = std::move(configs);
    emit comparedConfigsChanged();
    startComparison();
}

void AnalysisSession::addComparedConfig(const QuantConfig& config) {
    std::vector<QuantConfig> configs = compared_;
    configs.push_back(config);
    setComparedConfigs(std::move(configs));
}

void AnalysisSession::removeComparedConfig(int index) {
    if (index < 0 || static_cast<std::size_t>(index) >= compared_.size()) {
        return;
    }
    std::vector<QuantConfig> configs = compared_;
    configs.erase(configs.begin() + index);
    setComparedConfigs(std::move(configs));
}

void AnalysisSession::moveComparedConfig(int from, int to) {
    const auto size = static_cast<int>(compared_.size());
    if (from < 0 || from >= size || to < 0 || to >= size || from == to) {
        return;
    }
    std::vector<QuantConfig> configs = compared_;
    QuantConfig moved = configs[static_cast<std::size_t>(from)];
    configs.erase(configs.begin() + from);
    configs.insert(configs.begin() + to, std::move(moved));
    setComparedConfigs(std::move(configs));
}

void AnalysisSession::startComparison() {
    // The previous rows stay up until the new ones arrive (no flicker); the table matches
    // them to the configs by position and config.
    if (!tensor_ || compared_.empty()) {
        compareJob_.cancel();
        emit comparisonFinished();
        reportProgress();
        return;
    }
    compareJob_.request([tensor = tensor_, configs = compared_] {
        return [tensor, configs](JobControl& job) { return runComparison(job, tensor, configs); };
    });
}

void AnalysisSession::onComparisonFinished(
    std::optional<std::shared_ptr<ComparisonOutcome>> outcome) {
    if (outcome && *outcome) {
        comparison_ = std::move(*outcome);
        emit comparisonFinished();
    }
    reportProgress();
    updateBusy();
}

// --- Bit-width sweep ---------------------------------------------------------------------

SweepKey AnalysisSession::sweepKey() const {
    SweepKey key{tensorSerial_, sweepBase(config_)};
    key.base.calibration = {};  // the sweep sets its own
    return key;
}

bool AnalysisSession::bitSweepIsCurrent() const {
    return bitSweep_ && !bitSweep_->cancelled && bitSweepKey_ == sweepKey();
}

void AnalysisSession::invalidateBitSweep() {
    sweepJob_.cancel();  // a sweep for the old tensor or config is of no use
    emit bitSweepInvalidated();
}

void AnalysisSession::runBitSweep() {
    if (!tensor_ || bitSweepIsCurrent() || sweepJob_.isActive()) {
        return;  // nothing to sweep, done, or already on it
    }
    sweepJob_.request([this] {
        runningSweepKey_ = sweepKey();
        return [tensor = tensor_, base = sweepBase(config_)](JobControl& job) {
            return quantscope::app::runBitSweep(job, tensor, base);
        };
    });
}

void AnalysisSession::onBitSweepFinished(std::optional<std::shared_ptr<BitSweepOutcome>> outcome) {
    if (outcome && *outcome && !(*outcome)->cancelled) {
        bitSweep_ = std::move(*outcome);
        bitSweepKey_ = runningSweepKey_;
        emit bitSweepFinished();
    }
    reportProgress();
    updateBusy();
}

void AnalysisSession::cancelBackgroundWork() {
    pendingOpens_.clear();
    openJob_.cancel();
    readJob_.cancel();
    analysisJob_.cancel();
    compareJob_.cancel();
    sweepJob_.cancel();
}

void AnalysisSession::reportReadProgress() {
    // The comparison's and sweep's bars take precedence: they ran first and are longer.
    if (readJob_.isBusy() && readJob_.progressMaximum() > 0 && !compareJob_.isBusy() &&
        !sweepJob_.isBusy()) {
        emit progressChanged(readTask_, readJob_.progressValue(), readJob_.progressMaximum());
    }
    updateBusy();
}

void AnalysisSession::reportProgress() {
    if (sweepJob_.isBusy()) {
        emit progressChanged(tr("Bit-width sweep"), sweepJob_.progressValue(),
                             std::max(1, sweepJob_.progressMaximum()));
    } else if (compareJob_.isBusy()) {
        emit progressChanged(tr("Comparing %1 configs").arg(compared_.size()),
                             compareJob_.progressValue(),
                             std::max(1, compareJob_.progressMaximum()));
    } else {
        emit progressChanged(QString(), 0, 0);
    }
    updateBusy();
}

// --- Session file ------------------------------------------------------------------------

QJsonObject AnalysisSession::toJson() const {
    QJsonArray sources;
    for (const OpenedSource& s : sources_) {
        sources.append(s.spec);
    }
    QJsonArray compared;
    for (const QuantConfig& c : compared_) {
        compared.append(configToJson(c));
    }
    QJsonArray missing;
    for (const MissingSource& m : missing_) {
        missing.append(QJsonObject{{"spec", m.spec}, {"tensor", m.tensor}});
    }
    QJsonObject json{
        {"application", "QuantScope"},
        {"version", kSessionVersion},
        {"sources", sources},
        {"config", configToJson(config_)},
        {"compared", compared},
        {"view", viewState_},
        {"manual_range_locked", manualRangeLocked_},
        {"undo", undoHistoryToJson(*undoStack_)},
    };
    if (!missing.isEmpty()) {
        json.insert("missing", missing);
    }
    if (selectedSource_ >= 0) {
        const auto& info =
            sources_[selectedSource_].source->tensors()[static_cast<std::size_t>(selectedTensor_)];
        json.insert("selected", QJsonObject{{"source", selectedSource_},
                                            {"tensor", selectedTensor_},
                                            {"name", QString::fromStdString(info.name)}});
    }
    return json;
}

void AnalysisSession::restore(const QJsonObject& json) {
    // Read everything first: a bad config leaves the session as it was.
    checkSessionHeader(json);
    const UndoHistory history = undoHistoryFromJson(json.value("undo").toObject());
    const QuantConfig config = configFromJson(json.value("config").toObject());
    std::vector<QuantConfig> compared;
    for (const QJsonValue& c : json.value("compared").toArray()) {
        compared.push_back(configFromJson(c.toObject()));
    }
    pendingOpens_.clear();
    sources_.clear();
    missing_.clear();
    emit missingSourcesChanged();
    tensorSource_ = nullptr;
    provisional_ = nullptr;
    readingSource_ = nullptr;
    selectedSource_ = -1;
    selectedTensor_ = -1;
    emit sourcesChanged();
    undoStack_->clear();
    setManualRangeLocked(json.value("manual_range_locked").toBool(false));
    restoreUndoHistory(*undoStack_, history, this);
    setConfig(config);
    setComparedConfigs(std::move(compared));
    setViewState(json.value("view").toObject());
    const QJsonObject selected = json.value("selected").toObject();
    const int selectedSource = selected.value("source").toInt(-1);
    const QJsonArray specs = json.value("sources").toArray();
    for (int i = 0; i < specs.size(); ++i) {
        const QString spec = specs[i].toString();
        pendingOpens_.append(
            {spec, false, i == selectedSource ? selected.value("tensor").toInt(-1) : -1, spec});
    }
    // Missing last time: tried again (the file may be back), else listed as missing again.
    for (const QJsonValue& m : json.value("missing").toArray()) {
        const QString spec = m.toObject().value("spec").toString();
        if (!spec.isEmpty()) {
            pendingOpens_.append({spec, false, m.toObject().value("tensor").toInt(-1), spec});
        }
    }
    keepManualForNextTensor_ = selectedSource >= 0;
    if (!openJob_.isBusy()) {
        launchOpen();
    }
}

void AnalysisSession::setViewState(const QJsonObject& state) {
    viewState_ = state;
    emit viewStateChanged();
}

}  // namespace quantscope::app
