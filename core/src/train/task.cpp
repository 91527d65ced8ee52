#include "quantscope/train/task.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>
#include <random>
#include <span>
#include <string>

#include "quantscope/common/error.h"

namespace quantscope {

std::string_view to_string(TaskKind kind) {
    return kind == TaskKind::Spiral ? "spiral" : "blobs";
}

std::optional<TaskKind> parse_task_kind(std::string_view name) {
    if (name == "spiral") {
        return TaskKind::Spiral;
    }
    if (name == "blobs") {
        return TaskKind::Blobs;
    }
    return std::nullopt;
}

namespace {

void check_spec(const TaskSpec& spec) {
    if (spec.classes < 2) {
        throw UsageError("task: needs at least 2 classes, not " + std::to_string(spec.classes));
    }
    if (spec.samples < 2 * spec.classes) {
        throw UsageError("task: " + std::to_string(spec.samples) +
                         " samples are fewer than 2 per class");
    }
    if (!(spec.test_fraction > 0 && spec.test_fraction < 1)) {
        throw UsageError("task: the test fraction must lie in (0, 1)");
    }
    if (!(spec.noise >= 0) || !std::isfinite(spec.noise)) {
        throw UsageError("task: the noise must be a finite number >= 0");
    }
}

Dataset take_rows(const TrainMatrix& inputs, const std::vector<int>& labels,
                  std::span<const std::size_t> order) {
    Dataset out;
    out.inputs.resize(static_cast<Eigen::Index>(order.size()), inputs.cols());
    out.labels.resize(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        out.inputs.row(static_cast<Eigen::Index>(i)) =
            inputs.row(static_cast<Eigen::Index>(order[i]));
        out.labels[i] = labels[order[i]];
    }
    return out;
}

}  // namespace

TaskData make_task(const TaskSpec& spec) {
    check_spec(spec);
    std::mt19937_64 engine(spec.seed);
    std::normal_distribution<double> gauss(0.0, 1.0);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    const auto n = static_cast<std::size_t>(spec.samples);
    TrainMatrix inputs(static_cast<Eigen::Index>(n), 2);
    std::vector<int> labels(n);
    constexpr double kTau = 2 * std::numbers::pi;
    for (std::size_t i = 0; i < n; ++i) {
        const int label = static_cast<int>(i % static_cast<std::size_t>(spec.classes));
        const double arm = kTau * label / spec.classes;
        double x = 0;
        double y = 0;
        if (spec.kind == TaskKind::Spiral) {
            const double t = 0.05 + 0.95 * uniform(engine);
            const double angle = arm + spec.turns * kTau * t;
            x = t * std::cos(angle);
            y = t * std::sin(angle);
        } else {
            x = std::cos(arm);
            y = std::sin(arm);
        }
        inputs(static_cast<Eigen::Index>(i), 0) =
            static_cast<float>(x + spec.noise * gauss(engine));
        inputs(static_cast<Eigen::Index>(i), 1) =
            static_cast<float>(y + spec.noise * gauss(engine));
        labels[i] = label;
    }
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::shuffle(order.begin(), order.end(), engine);
    const auto test = std::clamp<std::size_t>(
        static_cast<std::size_t>(std::llround(spec.test_fraction * static_cast<double>(n))), 1,
        n - 1);
    TaskData data;
    data.classes = spec.classes;
    data.features = 2;
    data.test = take_rows(inputs, labels, std::span(order).first(test));
    data.train = take_rows(inputs, labels, std::span(order).subspan(test));
    return data;
}

}  // namespace quantscope
