#include "quantscope/train/update_comparison.h"

#include "quantscope/common/error.h"
#include "training_runs.h"

namespace quantscope {

UpdateComparison run_update_comparison(const TaskSpec& task, const TrainSettings& settings,
                                       const Format& format, const TrainProgress& progress,
                                       const std::atomic<bool>* cancel) {
    if (format.as_float() == nullptr) {
        throw UsageError("low-precision weights: " + format.name() +
                         " is not a float format (bf16, fp16, fp8_e4m3, fp8_e5m2...)");
    }
    const TaskData data = make_task(task);
    const MlpParameters initial = init_mlp(mlp_shape(data, settings), settings.seed);
    train_detail::RunTracker tracker(progress, cancel, 3);
    TrainOptions options;
    options.on_epoch = tracker.epoch_check();

    UpdateComparison result;
    result.format = format.name();
    UpdateRun* runs[3] = {&result.fp32, &result.nearest, &result.stochastic};
    bool stopped[3] = {false, false, false};
    train_detail::for_each_run(3, [&](std::size_t i) {
        if (tracker.stopped()) {
            stopped[i] = true;
            return;
        }
        Sgd sgd(settings.learning_rate, settings.momentum);
        TrainResult trained;
        UpdateRun& run = *runs[i];
        if (i == 0) {
            run.label = "fp32";
            trained = train_mlp(data, initial, settings, sgd, options);
        } else {
            const Rounding rounding = i == 1 ? Rounding::NearestEven : Rounding::Stochastic;
            run.label = format.name() + " " + std::string(i == 1 ? "nearest" : "stochastic");
            LowPrecisionStorage storage(sgd, format, rounding, settings.seed);
            MlpParameters stored = initial;
            for (const ParameterTensor& t : stored.tensors()) {
                storage.store(t.values);
            }
            trained = train_mlp(data, std::move(stored), settings, storage, options);
            for (const UpdateCount& count : storage.step_counts()) {
                run.vanishing_fraction.push_back(count.fraction());
            }
        }
        run.step_losses = trained.step_losses;
        run.epochs = trained.epochs;
        run.final = evaluate(trained.parameters, data.test);
        stopped[i] = trained.cancelled;
        if (!trained.cancelled) {
            tracker.finished();
        }
    });
    result.cancelled = stopped[0] || stopped[1] || stopped[2];
    return result;
}

}  // namespace quantscope
