#include "scaled_parameters.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include "../common/prefetch.h"
#include "block_reductions.h"
#include "group_calibration.h"
#include "quantscope/common/parallel.h"
#include "scale_limits.h"
#include "scaled_quantizer.h"

namespace quantscope::detail {

namespace {

double finite_absmax(std::span<const float> values) {
    const ValueRange r = finite_range(values);
    return r.any_finite ? std::max(std::fabs(r.lo), std::fabs(r.hi)) : 0.0;
}

// Largest finite magnitude of a short block (NaN and Inf count 0).
float block_absmax(std::span<const float> block) {
    return short_block_absmax(block.data(), block.size());
}

// Block scales are found one short block at a time, and nothing runs ahead of such small reads:
// ask for the block kGroupsAhead further on (4 KiB ahead for MX blocks of 32).
constexpr std::size_t kGroupsAhead = 32;
void prefetch_group(std::span<const float> values, const GroupLayout& layout, std::size_t g,
                    std::size_t groups_end) {
    if (g < groups_end) {
        const Run run = layout.run(g);
        prefetch_span(values.data() + run.offset, run.length);
    }
}

}  // namespace

GroupParameters with_scale(double scale, const QuantConfig& config) {
    GroupParameters g;
    g.scale = static_cast<float>(scale);
    g.zero_point = 0;
    const double top = element_max(config) * g.scale;
    g.clip_min = top > 0 ? -top : 0.0;  // not -0 for a block sent to zero
    g.clip_max = top;
    return g;
}

double element_max(const QuantConfig& config) {
    if (is_mx_int8(config)) {
        return 127.0 * kMxInt8Step;
    }
    // Straight from the descriptors (properties() builds strings: too slow per block).
    if (const FloatFormat* f = config.format.as_float()) {
        return f->max_finite();
    }
    if (const LookupFormat* l = config.format.as_lookup()) {
        return l->levels.back();
    }
    return config.format.integer_format().max_code();
}

GroupParameters scaled_parameters(const ClipRange& range, const QuantConfig& config) {
    if (config.scheme == Scheme::Direct) {
        return with_scale(1.0, config);
    }
    const double threshold = std::max(std::fabs(range.lo), std::fabs(range.hi));
    const double top = element_max(config);
    // A zero, subnormal or huge threshold gets the nearest usable scale (scale_limits.h).
    return with_scale(usable_scale(threshold / top, top), config);
}

GroupChooser::GroupChooser(std::span<const float> values, const GroupLayout& layout,
                           const QuantConfig& config, const ValueRange* range,
                           const float* block_lo_hi)
    : values_(values), layout_(layout), config_(config), known_lo_hi_(block_lo_hi) {
    if (config.block_scaling == BlockScaling::MX) {
        emax_elem_ = is_mx_int8(config) ? 0 : config.format.float_format().max_exponent();
        top_elem_ = element_max(config);
        // The largest X whose largest element magnitude (MXINT8's -2 included) times X is a
        // finite float: 2^127 for most, 2^126 for MXINT8 (scale_limits.h).
        const double magnitude = is_mx_int8(config) ? 2.0 : top_elem_;
        max_exponent_ = std::min(127, std::ilogb(max_scale_for(magnitude)));
    } else if (config.block_scaling == BlockScaling::NVFP4) {
        top_elem_ = element_max(config);
        // Two-level scaling (NVIDIA NVFP4): an FP32 tensor scale that puts the largest block
        // scale at E4M3's top (448), and per-block E4M3 scales amax_block / 6 in its units.
        const double tensor_amax =
            range != nullptr
                ? (range->any_finite ? std::max(std::fabs(range->lo), std::fabs(range->hi)) : 0.0)
                : finite_absmax(values);
        // At least 2^-117, so that a block scale, E4M3's smallest 2^-9 or more times it, is a
        // normal float32 (scale_limits.h); a tensor of zeros takes that smallest one.
        tensor_scale_ = std::max(static_cast<float>(tensor_amax / (448.0 * 6.0)), 0x1.0p-117f);
        // The block scales are rounded into E4M3 by the bulk rounder, a window at a time.
        to_e4m3_.emplace(parse_format("fp8_e4m3").float_format(), Rounding::NearestEven,
                         Saturation::Saturate);
    }
}

void GroupChooser::choose(std::size_t g0, std::size_t g1, GroupParameters* out,
                          bool prefetch) const {
    if (config_.block_scaling == BlockScaling::MX) {
        choose_mx(g0, g1, out, prefetch);
    } else if (config_.block_scaling == BlockScaling::NVFP4) {
        choose_nvfp4(g0, g1, out, prefetch);
    } else if (config_.calibration.method == CalibrationMethod::MinMax) {
        // calibrate()'s min-max, without its call chain per block.
        for (std::size_t g = g0; g < g1; ++g) {
            const std::span<const float> b = block(g);
            float lo = 0;
            float hi = 0;
            short_block_min_max(b.data(), b.size(), lo, hi);
            const ValueRange range = lo <= hi ? ValueRange{lo, hi, true} : ValueRange{};
            out[g - g0] = scaled_parameters(minmax_range(range, config_), config_);
        }
    } else {
        for (std::size_t g = g0; g < g1; ++g) {
            out[g - g0] = scaled_parameters(calibrate_group(values_, layout_, g, config_), config_);
        }
    }
}

std::span<const float> GroupChooser::block(std::size_t g) const {
    const Run run = layout_.run(g);
    return values_.subspan(run.offset, run.length);
}

// OCP MX v1.0 section 6.3: X = 2^(floor(log2(amax)) - emax_elem), clamped to E8M0's range;
// an all-zero block takes scale 1 (any scale reproduces it). The exponent is read from
// amax's bits and X built from bits: ilogb and ldexp cost more than the 32 values.
void GroupChooser::choose_mx(std::size_t g0, std::size_t g1, GroupParameters* out,
                             bool prefetch) const {
    for (std::size_t g = g0; g < g1; ++g) {
        if (prefetch) {
            prefetch_group(values_, layout_, g + kGroupsAhead, g1);
        }
        const float amax = absmax_of(g);
        if (amax == 0) {
            // Any scale reproduces zeros: the smallest E8M0 one, as for every degenerate
            // range (scale_limits.h).
            out[g - g0] = with_scale(0x1.0p-127, config_);
            continue;
        }
        const auto amax_bits = std::bit_cast<std::uint32_t>(amax);
        const int floor_log2 = amax >= std::numeric_limits<float>::min()
                                   ? static_cast<int>(amax_bits >> 23) - 127
                                   : std::ilogb(amax);
        const int exponent = std::clamp(floor_log2 - emax_elem_, -127, max_exponent_);
        const auto scale = std::bit_cast<double>(static_cast<std::uint64_t>(exponent + 1023) << 52);
        GroupParameters& p = out[g - g0];
        p.scale = static_cast<float>(scale);
        p.zero_point = 0;
        p.clip_max = top_elem_ * p.scale;
        p.clip_min = -p.clip_max;
    }
}

void GroupChooser::choose_nvfp4(std::size_t g0, std::size_t g1, GroupParameters* out,
                                bool prefetch) const {
    constexpr std::size_t kWindow = 256;
    float wanted[kWindow];
    float block_scale[kWindow];
    for (std::size_t w = g0; w < g1; w += kWindow) {
        const std::size_t n = std::min(kWindow, g1 - w);
        for (std::size_t k = 0; k < n; ++k) {
            if (prefetch) {
                prefetch_group(values_, layout_, w + k + kGroupsAhead, g1);
            }
            const double amax = absmax_of(w + k);
            // A block of zeros takes E4M3's smallest scale, 2^-9 (any scale reproduces it).
            wanted[k] = amax > 0 ? static_cast<float>(amax / 6.0 / tensor_scale_) : 0x1.0p-9f;
        }
        to_e4m3_->round({wanted, n}, {block_scale, n}, 0);
        for (std::size_t k = 0; k < n; ++k) {
            // A block scale that underflows E4M3 (0) sends the block to zero; one whose top
            // level would overflow is lowered.
            const float scale = block_scale[k] * static_cast<float>(tensor_scale_);
            out[w + k - g0] = with_scale(scale > 0 ? usable_scale(scale, top_elem_) : 0.0, config_);
        }
    }
}

float GroupChooser::absmax_of(std::size_t g) const {
    if (known_lo_hi_ == nullptr) {
        return block_absmax(block(g));
    }
    const float lo = known_lo_hi_[2 * g];
    const float hi = known_lo_hi_[2 * g + 1];
    return lo <= hi ? std::max(-lo, hi) : 0.0f;
}

std::size_t aligned_block_length(const GroupLayout& layout, const QuantConfig& config) {
    const std::size_t length = layout.block_length;
    if (layout.strided || config.granularity.kind != Granularity::Kind::Block || length == 0 ||
        kScaledWindow % length != 0) {
        return 0;
    }
    return length;
}

void choose_groups(std::span<const float> values, const GroupLayout& layout,
                   const QuantConfig& config, LargeVector<GroupParameters>& groups,
                   const ValueRange* range, const std::vector<ClipRange>* strided_ranges) {
    const std::size_t count = layout.groups();
    groups.resize(count);
    if (!layout.strided && (config.block_scaling != BlockScaling::None ||
                            config.granularity.kind == Granularity::Kind::Block)) {
        const GroupChooser chooser(values, layout, config, range);
        parallel_for_tasks(count, values.size(), [&](std::size_t, std::size_t b, std::size_t e) {
            chooser.choose(b, e, groups.data() + b, true);
        });
        return;
    }
    if (layout.strided && config.calibration.method == CalibrationMethod::MinMax) {
        std::vector<ClipRange> computed;
        if (strided_ranges == nullptr) {
            computed = strided_minmax_ranges(values, layout, config);
        }
        const std::vector<ClipRange>& ranges =
            strided_ranges != nullptr ? *strided_ranges : computed;
        for (std::size_t g = 0; g < count; ++g) {
            groups[g] = scaled_parameters(ranges[g], config);
        }
        return;
    }
    parallel_for_tasks(count, values.size(), [&](std::size_t, std::size_t b, std::size_t e) {
        for (std::size_t g = b; g < e; ++g) {
            groups[g] = scaled_parameters(calibrate_group(values, layout, g, config), config);
        }
    });
}

}  // namespace quantscope::detail
