#include "analysis_session.h"

#include <QJsonArray>
#include <QUndoStack>
#include <QtConcurrent>
#include <exception>
#include <utility>

#include "config_command.h"
#include "config_json.h"
#include "quantscope/common/cancel.h"
#include "quantscope/common/error.h"
#include "quantscope/io/load_error.h"

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

}  // namespace

AnalysisSession::AnalysisSession(QObject* parent)
    : QObject(parent), undoStack_(new QUndoStack(this)) {
    connect(&watcher_, &QFutureWatcherBase::finished, this, &AnalysisSession::onJobFinished);
    connect(&openWatcher_, &QFutureWatcherBase::finished, this, &AnalysisSession::onOpenFinished);
    connect(&readWatcher_, &QFutureWatcherBase::finished, this, &AnalysisSession::onReadFinished);
    connect(&compareWatcher_, &QFutureWatcherBase::finished, this,
            &AnalysisSession::onComparisonFinished);
    connect(&sweepWatcher_, &QFutureWatcherBase::finished, this,
            &AnalysisSession::onBitSweepFinished);
    for (QFutureWatcherBase* w :
         std::initializer_list<QFutureWatcherBase*>{&compareWatcher_, &sweepWatcher_}) {
        connect(w, &QFutureWatcherBase::progressValueChanged, this,
                &AnalysisSession::reportProgress);
    }
}

AnalysisSession::~AnalysisSession() {
    if (jobCancel_) {
        jobCancel_->store(true);  // a running analysis stops early instead of finishing
    }
    for (const auto& flag : {readCancel_, openCancel_}) {
        if (flag) {
            flag->store(true);  // and so do a running read and open
        }
    }
    // The jobs hold shared pointers to their inputs, but must not outlive the watchers.
    for (QFutureWatcherBase* w : std::initializer_list<QFutureWatcherBase*>{
             &watcher_, &openWatcher_, &readWatcher_, &compareWatcher_, &sweepWatcher_}) {
        w->disconnect(this);
        w->cancel();
        w->waitForFinished();
    }
}

// --- Sources -----------------------------------------------------------------------------

void AnalysisSession::openSource(const QString& pathOrSpec, bool selectFirst) {
    pendingOpens_.append({pathOrSpec, selectFirst, -1});
    if (!openBusy_) {
        launchOpen();
    }
}

void AnalysisSession::launchOpen() {
    if (pendingOpens_.isEmpty()) {
        emit loadingFinished();
        return;
    }
    runningOpen_ = pendingOpens_.takeFirst();
    openBusy_ = true;
    openCancel_ = std::make_shared<std::atomic<bool>>(false);
    emit loadingStarted(tr("Opening %1").arg(runningOpen_.spec));
    openWatcher_.setFuture(QtConcurrent::run([spec = runningOpen_.spec, cancel = openCancel_] {
        OpenOutcome outcome;
        outcome.spec = spec;
        try {
            const CancelScope scope(cancel.get());  // generators make their values at open
            outcome.source = open_source(spec.toStdString());
        } catch (const Cancelled&) {
            outcome.cancelled = true;
        } catch (const std::exception& e) {
            outcome.error = loadMessage(spec, e);
        }
        return outcome;
    }));
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

void AnalysisSession::onOpenFinished() {
    openBusy_ = false;
    if (openWatcher_.future().resultCount() == 0) {
        launchOpen();
        return;
    }
    const OpenOutcome outcome = openWatcher_.result();
    const PendingOpen request = runningOpen_;
    if (outcome.cancelled) {
        // Nothing to add or report: the user asked for it.
    } else if (!outcome.error.isEmpty()) {
        emit loadFailed(outcome.error);
    } else {
        sources_.append({outcome.spec, outcome.source});
        emit sourcesChanged();
        const int index = static_cast<int>(sources_.size() - 1);
        int select = request.selectIndex;
        if (request.selectFirst) {
            select = tensorToStudy(*outcome.source);
        }
        if (select >= 0 && static_cast<std::size_t>(select) < outcome.source->tensors().size()) {
            selectTensor(index, select);
        }
    }
    launchOpen();
}

void AnalysisSession::closeSource(int index) {
    if (index < 0 || index >= sources_.size()) {
        return;
    }
    sources_.removeAt(index);
    if (selectedSource_ == index) {
        selectedSource_ = -1;
        selectedTensor_ = -1;
    } else if (selectedSource_ > index) {
        --selectedSource_;
    }
    emit sourcesChanged();
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
    selectedSource_ = source;
    selectedTensor_ = tensor;
    readSource_ = entry.source;
    readIndex_ = static_cast<std::size_t>(tensor);
    ++readGeneration_;
    if (!readBusy_) {
        launchRead();
    } else if (readCancel_) {
        readCancel_->store(true);  // the running read is stale: its finish launches this one
    }
}

void AnalysisSession::launchRead() {
    const auto& info = readSource_->tensors()[readIndex_];
    readBusy_ = true;
    readCancel_ = std::make_shared<std::atomic<bool>>(false);
    emit loadingStarted(tr("Reading %1").arg(QString::fromStdString(info.name)));
    readWatcher_.setFuture(QtConcurrent::run([source = readSource_, index = readIndex_,
                                              generation = readGeneration_, cancel = readCancel_] {
        ReadOutcome outcome;
        outcome.generation = generation;
        outcome.sampleRate = source->sample_rate();
        try {
            const CancelScope scope(cancel.get());
            outcome.tensor = std::make_shared<const Tensor>(source->read(index));
        } catch (const Cancelled&) {
            outcome.cancelled = true;
        } catch (const std::exception& e) {
            outcome.error = loadMessage(QString::fromStdString(source->path()), e);
        }
        return outcome;
    }));
}

void AnalysisSession::onReadFinished() {
    readBusy_ = false;
    if (readWatcher_.future().resultCount() == 0) {
        return;
    }
    ReadOutcome outcome = readWatcher_.result();
    if (outcome.generation != readGeneration_) {
        launchRead();  // a newer selection came in while this one was read
        return;
    }
    emit loadingFinished();
    if (outcome.cancelled) {
        return;  // the user cancelled it: the previous tensor stays
    }
    if (!outcome.error.isEmpty()) {
        emit loadFailed(outcome.error);
        return;
    }
    tensorReplaced(std::move(outcome.tensor), outcome.sampleRate);
}

void AnalysisSession::setTensor(Tensor tensor, double sampleRate) {
    selectedSource_ = -1;
    selectedTensor_ = -1;
    tensorReplaced(std::make_shared<const Tensor>(std::move(tensor)), sampleRate);
}

void AnalysisSession::tensorReplaced(std::shared_ptr<const Tensor> tensor, double sampleRate) {
    tensor_ = std::move(tensor);
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

void AnalysisSession::startAnalysis() {
    if (!tensor_) {
        return;
    }
    ++generation_;
    // One job at a time: a running job finishes, is found stale, and only the newest request
    // runs next; the requests in between are skipped.
    if (!jobBusy_) {
        launchJob();
    } else if (jobCancel_) {
        jobCancel_->store(true);  // the running job is stale: stop it early
    }
}

void AnalysisSession::launchJob() {
    jobBusy_ = true;
    jobCancel_ = std::make_shared<std::atomic<bool>>(false);
    emit analysisStarted();
    watcher_.setFuture(
        QtConcurrent::run([tensor = tensor_, config = config_, generation = generation_,
                           summary = summary_, cancel = jobCancel_, rate = sampleRate()] {
            return runAnalysis(tensor, config, generation, summary, cancel, rate);
        }));
}

void AnalysisSession::onJobFinished() {
    jobBusy_ = false;
    if (watcher_.isCanceled() || watcher_.future().resultCount() == 0) {
        return;
    }
    std::shared_ptr<AnalysisOutcome> outcome = watcher_.result();
    if (outcome->summary && outcome->tensor == tensor_) {
        summary_ = outcome->summary;  // the next jobs on this tensor reuse it
    }
    if (outcome->generation != generation_ || outcome->cancelled) {
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
    ++compareGeneration_;
    // The previous rows stay up until the new ones arrive (no flicker); the table matches
    // them to the configs by position and config.
    if (!tensor_ || compared_.empty()) {
        compareWatcher_.cancel();
        emit comparisonFinished();
        reportProgress();
        return;
    }
    if (compareBusy_) {
        compareWatcher_.cancel();  // its finish launches the newest request
    } else {
        launchComparison();
    }
}

void AnalysisSession::launchComparison() {
    runningCompareGeneration_ = compareGeneration_;
    compareBusy_ = true;
    compareWatcher_.setFuture(
        QtConcurrent::run(&quantscope::app::runComparison, tensor_, compared_, compareGeneration_));
    reportProgress();
}

void AnalysisSession::onComparisonFinished() {
    compareBusy_ = false;
    const QFuture<std::shared_ptr<ComparisonOutcome>> future = compareWatcher_.future();
    if (future.resultCount() > 0 && future.result()->generation == compareGeneration_) {
        comparison_ = future.result();
        emit comparisonFinished();
    } else if (runningCompareGeneration_ != compareGeneration_ && tensor_ && !compared_.empty() &&
               cancelledCompareGeneration_ != compareGeneration_) {
        // Superseded while it ran: run the newest request.
        launchComparison();
        return;
    }
    reportProgress();
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
    ++sweepGeneration_;
    if (sweepBusy_) {
        sweepWatcher_.cancel();
    }
    emit bitSweepInvalidated();
}

void AnalysisSession::runBitSweep() {
    if (!tensor_ || bitSweepIsCurrent()) {
        return;
    }
    if (sweepBusy_ && runningSweepGeneration_ == sweepGeneration_) {
        return;  // already on it
    }
    sweepRequestedGeneration_ = sweepGeneration_;
    if (sweepBusy_) {
        sweepWatcher_.cancel();  // its finish launches this request
        return;
    }
    launchBitSweep();
}

void AnalysisSession::launchBitSweep() {
    runningSweepGeneration_ = sweepGeneration_;
    sweepBusy_ = true;
    runningSweepKey_ = sweepKey();
    sweepWatcher_.setFuture(QtConcurrent::run(&quantscope::app::runBitSweep, tensor_,
                                              sweepBase(config_), sweepGeneration_));
    reportProgress();
}

void AnalysisSession::onBitSweepFinished() {
    sweepBusy_ = false;
    const QFuture<std::shared_ptr<BitSweepOutcome>> future = sweepWatcher_.future();
    if (future.resultCount() > 0 && future.result()->generation == sweepGeneration_ &&
        !future.result()->cancelled) {
        bitSweep_ = future.result();
        bitSweepKey_ = runningSweepKey_;
        emit bitSweepFinished();
    } else if (sweepRequestedGeneration_ == sweepGeneration_ &&
               runningSweepGeneration_ != sweepGeneration_ && tensor_) {
        launchBitSweep();
        return;
    }
    reportProgress();
}

void AnalysisSession::cancelBackgroundWork() {
    if (readBusy_ && readCancel_) {
        readCancel_->store(true);
    }
    if (openBusy_ && openCancel_) {
        openCancel_->store(true);
    }
    cancelledCompareGeneration_ = compareGeneration_;
    sweepRequestedGeneration_ = 0;
    compareWatcher_.cancel();
    sweepWatcher_.cancel();
    pendingOpens_.clear();
}

void AnalysisSession::reportProgress() {
    if (sweepBusy_) {
        emit progressChanged(tr("Bit-width sweep"), sweepWatcher_.progressValue(),
                             std::max(1, sweepWatcher_.progressMaximum()));
    } else if (compareBusy_) {
        emit progressChanged(tr("Comparing %1 configs").arg(compared_.size()),
                             compareWatcher_.progressValue(),
                             std::max(1, compareWatcher_.progressMaximum()));
    } else {
        emit progressChanged(QString(), 0, 0);
    }
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
    QJsonObject json{
        {"application", "QuantScope"},
        {"version", 1},
        {"sources", sources},
        {"config", configToJson(config_)},
        {"compared", compared},
        {"view", viewState_},
        {"manual_range_locked", manualRangeLocked_},
    };
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
    const QuantConfig config = configFromJson(json.value("config").toObject());
    std::vector<QuantConfig> compared;
    for (const QJsonValue& c : json.value("compared").toArray()) {
        compared.push_back(configFromJson(c.toObject()));
    }
    pendingOpens_.clear();
    sources_.clear();
    selectedSource_ = -1;
    selectedTensor_ = -1;
    emit sourcesChanged();
    undoStack_->clear();
    setManualRangeLocked(json.value("manual_range_locked").toBool(false));
    setConfig(config);
    setComparedConfigs(std::move(compared));
    setViewState(json.value("view").toObject());
    const QJsonObject selected = json.value("selected").toObject();
    const int selectedSource = selected.value("source").toInt(-1);
    const QJsonArray specs = json.value("sources").toArray();
    for (int i = 0; i < specs.size(); ++i) {
        pendingOpens_.append({specs[i].toString(), false,
                              i == selectedSource ? selected.value("tensor").toInt(-1) : -1});
    }
    keepManualForNextTensor_ = selectedSource >= 0;
    if (!openBusy_) {
        launchOpen();
    }
}

void AnalysisSession::setViewState(const QJsonObject& state) {
    viewState_ = state;
    emit viewStateChanged();
}

}  // namespace quantscope::app
