#pragma once
// Adam (adam.h) as the training loop's optimizer hook (optimizer.h): one Adam per parameter
// tensor (slot), each tensor's moments stored on their own as bitsandbytes stores them, and per
// step the state errors summed over the tensors.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "quantscope/train/adam.h"
#include "quantscope/train/optimizer.h"

namespace quantscope {

class AdamOptimizer final : public Optimizer {
public:
    // Throws UsageError on bad settings (as Adam).
    AdamOptimizer(StateFormat format, const AdamSettings& settings);

    void begin_step(std::int64_t step) override;
    void step(std::span<float> weights, std::span<const float> gradient, std::size_t slot,
              std::int64_t step) override;
    // "adam (lr 0.01, states dynamic8)"
    std::string name() const override;

    // One report per step begun: the errors of every tensor's states at that step, summed.
    const std::vector<AdamStepReport>& step_reports() const { return reports_; }
    // Of the tensors stepped so far: their parameters and the bytes their m and v take.
    std::int64_t parameter_count() const;
    std::int64_t state_bytes() const;

private:
    StateFormat format_;
    AdamSettings settings_;
    std::vector<std::unique_ptr<Adam>> by_slot_;
    std::vector<AdamStepReport> reports_;
};

}  // namespace quantscope
