#pragma once
// Rounding scaled values into a config's element format. Internal to core/quant.

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "quantscope/formats/float_format.h"
#include "quantscope/quant/quant_config.h"
#include "scaled_quantizer.h"

namespace quantscope::detail {

// Rounds scaled values into the element format: the float bulk kernel, a vectorized midpoint
// count for lookup formats under the nearest modes, Format::encode otherwise.
class ElementRounder {
public:
    explicit ElementRounder(const QuantConfig& config)
        : config_(config), step_(is_mx_int8(config) ? kMxInt8Step : 1.0f) {
        if (const FloatFormat* f = config.format.as_float()) {
            float_.emplace(*f, config.rounding, Saturation::Saturate, config.seed);
        }
        const LookupFormat* lookup = config.format.as_lookup();
        if (lookup != nullptr && (config.rounding == Rounding::NearestEven ||
                                  config.rounding == Rounding::NearestAway)) {
            // value > mid (double) <=> value > the largest float <= mid; equality only when
            // mid is itself a float.
            for (std::size_t i = 0; i < lookup->midpoints.size(); ++i) {
                const double mid = lookup->midpoints[i];
                auto below = static_cast<float>(mid);
                if (static_cast<double>(below) > mid) {
                    below = std::nextafter(below, -std::numeric_limits<float>::infinity());
                }
                mid_below_.push_back(below);
                const bool exact = static_cast<double>(below) == mid;
                const bool up = config.rounding == Rounding::NearestEven ? i % 2 == 1 : mid > 0;
                tie_up_.push_back(exact && up ? 1.0f : 0.0f);
            }
            for (double level : lookup->levels) {
                levels_.push_back(static_cast<float>(level));
            }
        }
    }

    void round(const float* t, float* r, std::size_t n, std::uint64_t first_index) const {
        if (float_) {
            float_->round(std::span<const float>(t, n), std::span<float>(r, n), first_index);
            return;
        }
        if (!levels_.empty()) {
            round_lookup_nearest(t, r, n);
            return;
        }
        for (std::size_t i = 0; i < n; ++i) {
            if (std::isnan(t[i])) {  // an infinite t (x / s overflowed) saturates
                r[i] = t[i];
                continue;
            }
            const Encoded e = config_.format.encode(static_cast<double>(t[i] / step_),
                                                    config_.rounding, Saturation::Saturate,
                                                    stochastic_bits(config_.seed, first_index + i));
            r[i] = static_cast<float>(e.value) * step_;
        }
    }

private:
    // The midpoints ascend, so t passes a prefix of them: its level is the one after the last
    // midpoint it passes (the first level when it passes none). One select per midpoint and
    // value, which vectorizes; a count of passed midpoints followed by a table lookup left the
    // lookup scalar.
    void round_lookup_nearest(const float* t, float* r, std::size_t n) const {
        const float first = levels_.front();
        for (std::size_t i = 0; i < n; ++i) {
            r[i] = first;
        }
        for (std::size_t m = 0; m < mid_below_.size(); ++m) {
            const float mid = mid_below_[m];
            const bool tie_up = tie_up_[m] != 0.0f;
            const float level = levels_[m + 1];
            for (std::size_t i = 0; i < n; ++i) {
                const bool passes = t[i] > mid || (tie_up && t[i] == mid);
                r[i] = passes ? level : r[i];
            }
        }
        for (std::size_t i = 0; i < n; ++i) {
            r[i] = t[i] == t[i] ? r[i] : t[i];  // NaN passes; an infinite t saturated above
        }
    }

    const QuantConfig& config_;
    float step_;
    std::optional<FloatRounder> float_;
    std::vector<float> mid_below_;
    std::vector<float> tie_up_;
    std::vector<float> levels_;
};

}  // namespace quantscope::detail
