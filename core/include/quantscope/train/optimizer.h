#pragma once
// The optimizer hook of the training loop: train_mlp calls begin_step once per step, then step()
// for every parameter tensor in MlpParameters::tensors() order. `slot` is the tensor's index
// there (the same tensor gets the same slot on every step), so an optimizer keeps per-tensor
// state (momentum, Adam's moments) by slot. Implementations: Sgd here, LowPrecisionStorage
// (low_precision.h) around another optimizer.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace quantscope {

class Optimizer {
public:
    virtual ~Optimizer() = default;
    // Before the steps of every tensor; `step` counts from 1.
    virtual void begin_step(std::int64_t step) { (void)step; }
    // Updates `weights` in place from `gradient` (same length).
    virtual void step(std::span<float> weights, std::span<const float> gradient, std::size_t slot,
                      std::int64_t step) = 0;
    // "sgd (lr 0.1, momentum 0.9)": for tables and legends.
    virtual std::string name() const = 0;
};

// Stochastic gradient descent with heavy-ball momentum: v = momentum v + g, w -= lr v
// (momentum 0: plain SGD). Velocities start at zero.
class Sgd final : public Optimizer {
public:
    explicit Sgd(double learning_rate, double momentum = 0.9);
    void step(std::span<float> weights, std::span<const float> gradient, std::size_t slot,
              std::int64_t step) override;
    std::string name() const override;

private:
    double learning_rate_;
    double momentum_;
    std::vector<std::vector<float>> velocity_;  // by slot
};

}  // namespace quantscope
