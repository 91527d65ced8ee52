#include "quantscope/train/mlp.h"

#include <gtest/gtest.h>

#include <cmath>

#include "quantscope/train/task.h"

namespace quantscope {
namespace {

// The analytic gradient of every parameter against central differences of the loss, in double
// to keep the finite difference's own error well below the tolerance.
TEST(Mlp, BackwardMatchesFiniteDifferences) {
    TaskSpec spec;
    spec.samples = 64;
    const TaskData data = make_task(spec);
    MlpParameters p = init_mlp({2, 8, data.classes}, 3);
    p.b1.setConstant(0.1f);
    p.b2.setConstant(-0.2f);
    MlpGradients g;
    mlp_loss(p, data.train.inputs, data.train.labels, &g);
    const std::vector<ConstParameterTensor> grads = std::as_const(g).tensors();
    std::vector<ParameterTensor> tensors = p.tensors();
    int checked = 0;
    for (std::size_t t = 0; t < tensors.size(); ++t) {
        for (std::size_t i = 0; i < tensors[t].values.size(); ++i) {
            float& w = tensors[t].values[i];
            const float original = w;
            const float h = 1e-2f;
            w = original + h;
            const double up = mlp_loss(p, data.train.inputs, data.train.labels);
            w = original - h;
            const double down = mlp_loss(p, data.train.inputs, data.train.labels);
            w = original;
            const double numeric = (up - down) / (2.0 * h);
            EXPECT_NEAR(grads[t].values[i], numeric, 2e-3 + 2e-2 * std::fabs(numeric))
                << tensors[t].name << "[" << i << "]";
            ++checked;
        }
    }
    EXPECT_EQ(checked, static_cast<int>(p.count()));
}

}  // namespace
}  // namespace quantscope
