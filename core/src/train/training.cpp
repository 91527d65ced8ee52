#include "quantscope/train/training.h"

#include <algorithm>
#include <numeric>
#include <random>
#include <string>
#include <utility>

#include "quantscope/common/error.h"

namespace quantscope {

MlpShape mlp_shape(const TaskData& data, const TrainSettings& settings) {
    return {data.features, settings.hidden, data.classes};
}

namespace {

void check_settings(const TaskData& data, const MlpParameters& initial,
                    const TrainSettings& settings) {
    if (data.train.size() == 0) {
        throw UsageError("train: the training set is empty");
    }
    if (settings.epochs < 1 || settings.batch_size < 1) {
        throw UsageError("train: epochs and batch size must be at least 1");
    }
    const MlpShape shape = initial.shape();
    if (shape.inputs != data.train.inputs.cols() || shape.outputs != data.classes) {
        throw UsageError("train: a model of " + std::to_string(shape.inputs) + " inputs and " +
                         std::to_string(shape.outputs) + " outputs does not fit a task of " +
                         std::to_string(data.train.inputs.cols()) + " features and " +
                         std::to_string(data.classes) + " classes");
    }
}

bool cancelled(const std::atomic<bool>* cancel) {
    return cancel != nullptr && cancel->load(std::memory_order_relaxed);
}

}  // namespace

TrainResult train_mlp(const TaskData& data, MlpParameters initial, const TrainSettings& settings,
                      Optimizer& optimizer, const TrainOptions& options) {
    check_settings(data, initial, settings);
    TrainResult result;
    result.parameters = std::move(initial);
    MlpParameters& shadow = result.parameters;
    MlpParameters forward = shadow;
    MlpGradients gradients = MlpParameters::zeros(shadow.shape());
    const std::size_t n = data.train.size();
    const auto batch = static_cast<std::size_t>(settings.batch_size);
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::mt19937_64 engine(settings.seed ^ 0x62617463u);
    TrainMatrix inputs;
    std::vector<int> labels;
    std::int64_t step = 0;
    const auto weights_for_forward = [&]() -> const MlpParameters& {
        if (!options.forward_weights) {
            return shadow;
        }
        options.forward_weights(shadow, forward);
        return forward;
    };
    for (int epoch = 1; epoch <= settings.epochs; ++epoch) {
        std::shuffle(order.begin(), order.end(), engine);
        double loss_sum = 0;
        std::size_t batches = 0;
        for (std::size_t begin = 0; begin < n; begin += batch) {
            if (cancelled(options.cancel)) {
                result.cancelled = true;
                return result;
            }
            const std::size_t rows = std::min(batch, n - begin);
            inputs.resize(static_cast<Eigen::Index>(rows), data.train.inputs.cols());
            labels.resize(rows);
            for (std::size_t r = 0; r < rows; ++r) {
                inputs.row(static_cast<Eigen::Index>(r)) =
                    data.train.inputs.row(static_cast<Eigen::Index>(order[begin + r]));
                labels[r] = data.train.labels[order[begin + r]];
            }
            const double loss = mlp_loss(weights_for_forward(), inputs, labels, &gradients);
            ++step;
            optimizer.begin_step(step);
            // The straight-through estimator: the gradient at the forward weights updates the
            // shadow weights as it is.
            const std::vector<ParameterTensor> targets = shadow.tensors();
            const std::vector<ConstParameterTensor> grads = std::as_const(gradients).tensors();
            for (std::size_t slot = 0; slot < targets.size(); ++slot) {
                optimizer.step(targets[slot].values, grads[slot].values, slot, step);
            }
            result.step_losses.push_back(loss);
            if (options.on_step) {
                options.on_step(step, loss);
            }
            loss_sum += loss;
            ++batches;
        }
        EpochRecord record;
        record.epoch = epoch;
        record.train_loss = loss_sum / static_cast<double>(batches);
        record.test = evaluate(weights_for_forward(), data.test);
        result.epochs.push_back(record);
        if (options.on_epoch && !options.on_epoch(record)) {
            result.cancelled = true;
            return result;
        }
    }
    return result;
}

TrainResult train_mlp(const TaskData& data, const TrainSettings& settings,
                      const TrainOptions& options) {
    Sgd sgd(settings.learning_rate, settings.momentum);
    return train_mlp(data, init_mlp(mlp_shape(data, settings), settings.seed), settings, sgd,
                     options);
}

}  // namespace quantscope
