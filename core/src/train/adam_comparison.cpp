#include "quantscope/train/adam_comparison.h"

#include <numeric>

#include "quantscope/train/adam_optimizer.h"
#include "training_runs.h"

namespace quantscope {

double AdamRun::bytes_per_parameter() const {
    return parameters > 0 ? static_cast<double>(state_bytes) / static_cast<double>(parameters)
                          : 0.0;
}

double AdamRun::mean(const std::vector<double>& series) {
    return series.empty() ? 0.0
                          : std::accumulate(series.begin(), series.end(), 0.0) /
                                static_cast<double>(series.size());
}

TaskSpec adam_demo_task() {
    TaskSpec task;
    task.kind = TaskKind::Blobs;
    return task;
}

TrainSettings adam_demo_settings() {
    TrainSettings s;
    s.epochs = 6;
    s.learning_rate = 0.003;  // Adam's, for tables (TrainSettings' own is Sgd's)
    return s;
}

AdamSettings adam_demo_optimizer() {
    AdamSettings s;
    s.learning_rate = 0.003;
    return s;
}

AdamComparison run_adam_comparison(const TaskSpec& task, const TrainSettings& settings,
                                   const AdamSettings& adam, const TrainProgress& progress,
                                   const std::atomic<bool>* cancel) {
    const TaskData data = make_task(task);
    const MlpParameters initial = init_mlp(mlp_shape(data, settings), settings.seed);
    const AdamOptimizer check(StateFormat::Fp32, adam);  // bad settings throw here, not on a thread
    const std::span<const StateFormat> formats = state_formats();
    train_detail::RunTracker tracker(progress, cancel, formats.size());
    TrainOptions options;
    options.on_epoch = tracker.epoch_check();

    AdamComparison result;
    result.runs.resize(formats.size());
    std::vector<char> stopped(formats.size(), 0);
    train_detail::for_each_run(formats.size(), [&](std::size_t i) {
        if (tracker.stopped()) {
            stopped[i] = 1;
            return;
        }
        AdamRun& run = result.runs[i];
        run.format = formats[i];
        AdamOptimizer optimizer(run.format, adam);
        const TrainResult trained = train_mlp(data, initial, settings, optimizer, options);
        run.step_losses = trained.step_losses;
        run.epochs = trained.epochs;
        for (const AdamStepReport& r : optimizer.step_reports()) {
            run.first_error.push_back(r.first.relative_rms());
            run.second_error.push_back(r.second.relative_rms());
            run.first_drift.push_back(r.first_drift.relative_rms());
            run.second_drift.push_back(r.second_drift.relative_rms());
            run.second_zeroed.push_back(r.second.zeroed_fraction());
        }
        run.final = evaluate(trained.parameters, data.test);
        run.parameters = optimizer.parameter_count();
        run.state_bytes = optimizer.state_bytes();
        stopped[i] = trained.cancelled ? 1 : 0;
        if (!trained.cancelled) {
            tracker.finished();
        }
    });
    for (const char s : stopped) {
        result.cancelled = result.cancelled || s != 0;
    }
    return result;
}

}  // namespace quantscope
