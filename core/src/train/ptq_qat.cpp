#include "quantscope/train/ptq_qat.h"

#include <optional>

#include "quantscope/train/fake_quant.h"
#include "training_runs.h"

namespace quantscope {

const std::vector<std::string>& default_training_formats() {
    static const std::vector<std::string> names = {"int2", "int3", "int4", "int5",     "int6",
                                                   "int7", "int8", "nf4",  "fp4_e2m1", "mxfp4"};
    return names;
}

QuantConfig default_training_base() {
    return QuantConfig{};
}

std::vector<QuantConfig> training_configs(const std::vector<std::string>& names,
                                          const QuantConfig& base) {
    std::vector<QuantConfig> configs;
    configs.reserve(names.size());
    for (const std::string& name : names) {
        QuantConfig config = base;
        apply_format(config, name);
        check_config(config);
        configs.push_back(config);
    }
    return configs;
}

PtqQatResult run_ptq_qat(const TaskSpec& task, const TrainSettings& settings,
                         const std::vector<QuantConfig>& configs, const TrainProgress& progress,
                         const std::atomic<bool>* cancel) {
    const TaskData data = make_task(task);
    const MlpParameters initial = init_mlp(mlp_shape(data, settings), settings.seed);
    for (const QuantConfig& config : configs) {
        fake_quantize_weights(initial, config);  // refuses a config the shapes do not take
    }
    train_detail::RunTracker tracker(progress, cancel, configs.size() + 1);
    TrainOptions options;
    options.on_epoch = tracker.epoch_check();

    PtqQatResult result;
    Sgd sgd(settings.learning_rate, settings.momentum);
    const TrainResult fp32 = train_mlp(data, initial, settings, sgd, options);
    result.fp32_epochs = fp32.epochs;
    result.fp32 = evaluate(fp32.parameters, data.test);
    if (fp32.cancelled) {
        result.cancelled = true;
        return result;
    }
    tracker.finished();

    std::vector<std::optional<PtqQatPoint>> points(configs.size());
    train_detail::for_each_run(configs.size(), [&](std::size_t i) {
        if (tracker.stopped()) {
            return;
        }
        const QuantConfig& config = configs[i];
        PtqQatPoint point;
        point.config = config;
        point.label = format_name(config);
        point.bits = config.format.bits();
        point.ptq = evaluate(fake_quantize_weights(fp32.parameters, config), data.test);
        TrainOptions qat = options;
        qat.forward_weights = [&config](const MlpParameters& shadow, MlpParameters& forward) {
            fake_quantize_weights(shadow, forward, config);
        };
        TrainSettings fine_tune = settings;
        fine_tune.epochs = settings.qat_epochs;
        fine_tune.learning_rate = settings.qat_learning_rate;
        Sgd qat_sgd(fine_tune.learning_rate, fine_tune.momentum);
        const TrainResult trained = train_mlp(data, fp32.parameters, fine_tune, qat_sgd, qat);
        if (trained.cancelled) {
            return;
        }
        point.qat = evaluate(fake_quantize_weights(trained.parameters, config), data.test);
        point.qat_epochs = trained.epochs;
        points[i] = std::move(point);
        tracker.finished();
    });
    for (std::optional<PtqQatPoint>& point : points) {
        if (point) {
            result.points.push_back(std::move(*point));
        } else {
            result.cancelled = true;
        }
    }
    return result;
}

}  // namespace quantscope
