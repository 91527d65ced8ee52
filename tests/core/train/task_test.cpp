#include "quantscope/train/task.h"

#include <gtest/gtest.h>

#include "quantscope/common/error.h"

namespace quantscope {
namespace {

TEST(TrainingTask, SameSeedSamePointsAndASplitOfTheRequestedSize) {
    TaskSpec spec;
    spec.samples = 400;
    spec.test_fraction = 0.25;
    const TaskData a = make_task(spec);
    const TaskData b = make_task(spec);
    EXPECT_EQ(a.test.size(), 100u);
    EXPECT_EQ(a.train.size(), 300u);
    EXPECT_EQ(a.classes, 4);
    EXPECT_EQ(a.features, 2);
    EXPECT_EQ(a.train.inputs, b.train.inputs);
    EXPECT_EQ(a.train.labels, b.train.labels);
    EXPECT_EQ(a.test.inputs, b.test.inputs);
    spec.seed = 2;
    EXPECT_NE(make_task(spec).train.inputs, a.train.inputs);
}

TEST(TrainingTask, EveryClassHasItsShareAndBlobsSitAroundTheirCentres) {
    TaskSpec spec;
    spec.kind = TaskKind::Blobs;
    spec.samples = 800;
    spec.noise = 0.1;
    const TaskData data = make_task(spec);
    std::vector<int> counts(4, 0);
    for (const Dataset* set : {&data.train, &data.test}) {
        for (std::size_t i = 0; i < set->size(); ++i) {
            const int label = set->labels[i];
            ++counts[static_cast<std::size_t>(label)];
            // Class k's centre is (cos 2 pi k / 4, sin 2 pi k / 4): within 6 standard deviations.
            const double cx = label == 0 ? 1 : label == 2 ? -1 : 0;
            const double cy = label == 1 ? 1 : label == 3 ? -1 : 0;
            EXPECT_NEAR(set->inputs(static_cast<Eigen::Index>(i), 0), cx, 0.6);
            EXPECT_NEAR(set->inputs(static_cast<Eigen::Index>(i), 1), cy, 0.6);
        }
    }
    EXPECT_EQ(counts, std::vector<int>(4, 200));
}

TEST(TrainingTask, RefusesSpecsThatMakeNoTask) {
    TaskSpec spec;
    spec.classes = 1;
    EXPECT_THROW(make_task(spec), UsageError);
    spec = {};
    spec.samples = 5;
    EXPECT_THROW(make_task(spec), UsageError);
    spec = {};
    spec.test_fraction = 1;
    EXPECT_THROW(make_task(spec), UsageError);
    spec = {};
    spec.noise = -1;
    EXPECT_THROW(make_task(spec), UsageError);
    EXPECT_EQ(parse_task_kind("blobs"), TaskKind::Blobs);
    EXPECT_EQ(parse_task_kind("moons"), std::nullopt);
}

}  // namespace
}  // namespace quantscope
