#pragma once
// The generated classification tasks the training demo learns (docs/design.md "Training demo"):
// seeded, so that the same spec gives the same points on every run.
//   spiral  `classes` interleaved arms in the plane, r = t, angle = 2 pi (k / classes) +
//           turns * 2 pi t, t uniform in [0.05, 1], Gaussian noise of `noise` on each coordinate:
//           the boundaries curve tightly, so the model needs many hidden units and fine weights
//   blobs   `classes` Gaussian clusters (standard deviation `noise`) around centres placed on a
//           circle of radius 1: nearly linear boundaries, for contrast
// Inputs are 2-D; the points are shuffled and split into a training and a test set.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "quantscope/train/matrix.h"

namespace quantscope {

enum class TaskKind { Spiral, Blobs };
// "spiral", "blobs"
std::string_view to_string(TaskKind kind);
std::optional<TaskKind> parse_task_kind(std::string_view name);

struct TaskSpec {
    TaskKind kind = TaskKind::Spiral;
    int classes = 4;
    int samples = 2400;  // training and test together
    double noise = 0.03;
    double turns = 1.0;           // spiral only
    double test_fraction = 0.25;  // of the samples, held out
    std::uint64_t seed = 1;
};

// One set of labelled points: row i of `inputs` has label labels[i] in [0, classes).
struct Dataset {
    TrainMatrix inputs;
    std::vector<int> labels;
    std::size_t size() const { return labels.size(); }
};

struct TaskData {
    Dataset train;
    Dataset test;
    int classes = 0;
    int features = 0;
};

// Throws UsageError on fewer than 2 classes, fewer samples than 2 per class, a test fraction
// outside (0, 1) or a negative noise.
TaskData make_task(const TaskSpec& spec);

}  // namespace quantscope
