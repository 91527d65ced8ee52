#pragma once
// Weights stored in a low-precision float format (docs/design.md "Low-precision updates"): after
// each step the updated weight w + d is rounded back into the format, w <- R(w + d), with
// nearest-even or stochastic rounding (the engine's round_to_format). An update vanishes under
// nearest rounding when |d| is less than half the gap from w to its neighbour in d's direction:
// R(w + d) = w whatever d's size below that.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "quantscope/formats/format.h"
#include "quantscope/formats/rounding.h"
#include "quantscope/train/optimizer.h"

namespace quantscope {

// Whether round-to-nearest of w + d gives w back because |d| is below half the gap to w's
// neighbour in d's direction (a tie, exactly half, is not counted). d = 0 is not an update.
// `w` must be a value of `format`, a float format. At the largest finite value an update
// outward saturates and is not counted.
bool vanishes_under_nearest(const Format& format, double w, double d);

struct UpdateCount {
    std::int64_t updates = 0;    // non-zero updates
    std::int64_t vanishing = 0;  // of those, the ones vanishes_under_nearest counts
    double fraction() const { return updates == 0 ? 0.0 : double(vanishing) / double(updates); }
};
// Over a tensor: `weights` before the update (values of the format), `deltas` the updates.
UpdateCount count_vanishing(const Format& format, std::span<const float> weights,
                            std::span<const float> deltas);

// An optimizer whose weights live in `format`: the inner optimizer computes w + d in float32,
// then the result is rounded into the format under `rounding` (stochastic: random bits from
// `seed` and a running element counter, so runs repeat). Counts the vanishing updates of each
// step. Call store() on the initial weights first so that they are values of the format.
class LowPrecisionStorage final : public Optimizer {
public:
    // Throws UsageError when `format` is not a float format.
    LowPrecisionStorage(Optimizer& inner, Format format, Rounding rounding, std::uint64_t seed);
    void begin_step(std::int64_t step) override;
    void step(std::span<float> weights, std::span<const float> gradient, std::size_t slot,
              std::int64_t step) override;
    std::string name() const override;

    // Rounds `weights` into the format in place (nearest-even).
    void store(std::span<float> weights) const;
    // One entry per step begun: the updates of that step over every tensor.
    const std::vector<UpdateCount>& step_counts() const { return counts_; }

private:
    Optimizer& inner_;
    Format format_;
    Rounding rounding_;
    std::uint64_t seed_;
    std::uint64_t rounded_ = 0;  // elements rounded so far: the stochastic stream's index
    std::vector<float> before_;
    std::vector<UpdateCount> counts_;
};

}  // namespace quantscope
