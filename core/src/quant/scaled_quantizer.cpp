#include "scaled_quantizer.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <optional>

#include "../common/prefetch.h"
#include "../formats/float_value_rounding.h"
#include "block_reductions.h"
#include "error_sums.h"
#include "kl_counts.h"
#include "quantscope/common/buffer.h"
#include "quantscope/common/error.h"
#include "quantscope/common/parallel.h"
#include "scale_limits.h"

namespace quantscope::detail {

namespace {

// Values per inner block: the block's scratch arrays (t, r, y, scale, 1/scale) stay in L1.
constexpr std::size_t kBlock = 1024;

// MXINT8 elements are int8 codes with an implicit scale of 2^-6 (OCP MX v1.0, section 5.3).
constexpr float kMxInt8Step = 1.0f / 64.0f;

bool is_mx_int8(const QuantConfig& config) {
    return config.block_scaling == BlockScaling::MX && config.format.kind() == FormatKind::Integer;
}

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

// Calls fn(begin, end, group) for the stretches of [begin, end) that share one group, in order.
template <typename Fn>
void for_each_segment(const GroupLayout& layout, std::size_t begin, std::size_t end, Fn&& fn) {
    if (layout.strided) {
        std::size_t pos = begin;
        while (pos < end) {
            const std::size_t row = pos / layout.inner;
            const std::size_t stop = std::min(end, (row + 1) * layout.inner);
            fn(pos, stop, row % layout.dim);
            pos = stop;
        }
        return;
    }
    if (const std::size_t length = layout.block_length; length != 0) {
        for (std::size_t pos = begin; pos < end;) {
            const std::size_t g = pos / length;
            const std::size_t stop = std::min(end, (g + 1) * length);
            fn(pos, stop, g);
            pos = stop;
        }
        return;
    }
    const LargeVector<Run>& runs = layout.single_runs;
    auto it = std::upper_bound(runs.begin(), runs.end(), begin,
                               [](std::size_t v, const Run& r) { return v < r.offset; });
    std::size_t g = static_cast<std::size_t>(it - runs.begin()) - 1;
    std::size_t pos = begin;
    while (pos < end && g < runs.size()) {
        const std::size_t stop = std::min(end, runs[g].offset + runs[g].length);
        fn(pos, stop, g);
        pos = stop;
        ++g;
    }
}

double finite_absmax(std::span<const float> values) {
    const ValueRange r = finite_range(values);
    return r.any_finite ? std::max(std::fabs(r.lo), std::fabs(r.hi)) : 0.0;
}

GroupParameters with_scale(double scale, const QuantConfig& config) {
    GroupParameters g;
    g.scale = static_cast<float>(scale);
    g.zero_point = 0;
    const double top = element_max(config) * g.scale;
    g.clip_min = top > 0 ? -top : 0.0;  // not -0 for a block sent to zero
    g.clip_max = top;
    return g;
}

// Largest finite magnitude of a short block (NaN and Inf count 0).
float block_absmax(std::span<const float> block) {
    return short_block_absmax(block.data(), block.size());
}

}  // namespace

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

std::vector<ClipRange> strided_minmax_ranges(std::span<const float> values,
                                             const GroupLayout& layout, const QuantConfig& config,
                                             ValueRange* finite_out) {
    constexpr float kInf = std::numeric_limits<float>::infinity();
    const std::size_t width = layout.dim * layout.inner;  // one outer slice
    std::vector<std::vector<float>> lows(max_chunks());
    std::vector<std::vector<float>> highs(max_chunks());
    parallel_for_tasks(layout.outer, values.size(),
                       [&](std::size_t chunk, std::size_t b, std::size_t e) {
                           std::vector<float>& lo = lows[chunk];
                           std::vector<float>& hi = highs[chunk];
                           lo.assign(width, kInf);
                           hi.assign(width, -kInf);
                           float* __restrict low = lo.data();
                           float* __restrict high = hi.data();
                           for (std::size_t o = b; o < e; ++o) {
                               fold_row_min_max(values.data() + o * width, low, high, width);
                           }
                       });
    std::vector<ClipRange> ranges(layout.dim);
    float all_lo = kInf;
    float all_hi = -kInf;
    for (std::size_t c = 0; c < layout.dim; ++c) {
        float lo = kInf;
        float hi = -kInf;
        for (std::size_t t = 0; t < lows.size(); ++t) {
            if (lows[t].empty()) {
                continue;
            }
            for (std::size_t i = 0; i < layout.inner; ++i) {
                lo = std::min(lo, lows[t][c * layout.inner + i]);
                hi = std::max(hi, highs[t][c * layout.inner + i]);
            }
        }
        all_lo = std::min(all_lo, lo);
        all_hi = std::max(all_hi, hi);
        if (!(lo <= hi)) {
            lo = hi = 0;  // no finite value in this channel
        }
        if (config.scheme == Scheme::Symmetric) {
            const double absmax = std::max(std::fabs(lo), std::fabs(hi));
            ranges[c] = {-absmax, absmax};
        } else {
            ranges[c] = {lo, hi};
        }
    }
    if (finite_out != nullptr) {
        *finite_out = all_lo <= all_hi ? ValueRange{all_lo, all_hi, true} : ValueRange{};
    }
    return ranges;
}

ClipRange calibrate_group(std::span<const float> values, const GroupLayout& layout,
                          std::size_t group, const QuantConfig& config) {
    if (!layout.strided) {
        const Run run = layout.run(group);
        return calibrate(values.subspan(run.offset, run.length), config);
    }
    FloatBuffer gathered(layout.outer * layout.inner);
    for (std::size_t o = 0; o < layout.outer; ++o) {
        const float* source = values.data() + (o * layout.dim + group) * layout.inner;
        std::copy(source, source + layout.inner, gathered.data() + o * layout.inner);
    }
    return calibrate(gathered, config);
}

namespace {

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

// Chooses the parameters of groups [g0, g1) of a layout that is not strided, each group from its
// own values only: MX and NVFP4 block scales, or the configured calibration of each group. Run a
// window of groups at a time, in a pass of its own (choose_groups) or, for aligned short blocks,
// by the quantize pass just before it quantizes the window, while the values are in L1.
class GroupChooser {
public:
    // `range`: the tensor's finite range when known (NVFP4's tensor scale needs it).
    // `block_lo_hi` (optional): each block's finite min and max (lo_hi[2 g], lo_hi[2 g + 1]),
    // found by the range pass.
    GroupChooser(std::span<const float> values, const GroupLayout& layout,
                 const QuantConfig& config, const ValueRange* range,
                 const float* block_lo_hi = nullptr)
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
                    ? (range->any_finite ? std::max(std::fabs(range->lo), std::fabs(range->hi))
                                         : 0.0)
                    : finite_absmax(values);
            // At least 2^-117, so that a block scale, E4M3's smallest 2^-9 or more times it, is a
            // normal float32 (scale_limits.h); a tensor of zeros takes that smallest one.
            tensor_scale_ = std::max(static_cast<float>(tensor_amax / (448.0 * 6.0)), 0x1.0p-117f);
            // The block scales are rounded into E4M3 by the bulk rounder, a window at a time.
            to_e4m3_.emplace(parse_format("fp8_e4m3").float_format(), Rounding::NearestEven,
                             Saturation::Saturate);
        }
    }

    // Writes the parameters of groups g0 .. g1-1 to out[0 .. g1-g0). `prefetch` asks for groups
    // ahead (a pass of its own reads from memory).
    void choose(std::size_t g0, std::size_t g1, GroupParameters* out, bool prefetch) const {
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
                out[g - g0] =
                    scaled_parameters(calibrate_group(values_, layout_, g, config_), config_);
            }
        }
    }

private:
    std::span<const float> block(std::size_t g) const {
        const Run run = layout_.run(g);
        return values_.subspan(run.offset, run.length);
    }

    // OCP MX v1.0 section 6.3: X = 2^(floor(log2(amax)) - emax_elem), clamped to E8M0's range;
    // an all-zero block takes scale 1 (any scale reproduces it). The exponent is read from
    // amax's bits and X built from bits: ilogb and ldexp cost more than the 32 values.
    void choose_mx(std::size_t g0, std::size_t g1, GroupParameters* out, bool prefetch) const {
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
            const auto scale =
                std::bit_cast<double>(static_cast<std::uint64_t>(exponent + 1023) << 52);
            GroupParameters& p = out[g - g0];
            p.scale = static_cast<float>(scale);
            p.zero_point = 0;
            p.clip_max = top_elem_ * p.scale;
            p.clip_min = -p.clip_max;
        }
    }

    void choose_nvfp4(std::size_t g0, std::size_t g1, GroupParameters* out, bool prefetch) const {
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
                out[w + k - g0] =
                    with_scale(scale > 0 ? usable_scale(scale, top_elem_) : 0.0, config_);
            }
        }
    }

    // The largest finite magnitude of block g (0 when it has none).
    float absmax_of(std::size_t g) const {
        if (known_lo_hi_ == nullptr) {
            return block_absmax(block(g));
        }
        const float lo = known_lo_hi_[2 * g];
        const float hi = known_lo_hi_[2 * g + 1];
        return lo <= hi ? std::max(-lo, hi) : 0.0f;
    }

    std::span<const float> values_;
    const GroupLayout& layout_;
    const QuantConfig& config_;
    const float* known_lo_hi_;
    int emax_elem_ = 0;
    int max_exponent_ = 127;
    double top_elem_ = 0;
    double tensor_scale_ = 1;
    std::optional<FloatRounder> to_e4m3_;
};

// The length L of every group when the groups are consecutive blocks [g L, (g + 1) L) whose
// length divides kBlock (so that no quantize window splits one), else 0.
std::size_t aligned_block_length(const GroupLayout& layout, const QuantConfig& config) {
    const std::size_t length = layout.block_length;
    if (layout.strided || config.granularity.kind != Granularity::Kind::Block || length == 0 ||
        kBlock % length != 0) {
        return 0;
    }
    return length;
}

// Fills `groups` (one entry per group, already sized: no second allocation of what can be
// tens of MiB for blocks of 32).
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

// Where clipping starts in code units, t = x / s: the outer edges of the outermost cells
// (code_range); a t beyond them is clipped.
struct ClipLimits {
    float lo;
    float hi;
};
ClipLimits clip_limits(const QuantConfig& config) {
    const CodeRange r = code_range(config);
    return {static_cast<float>(r.lo), static_cast<float>(r.hi)};
}

// Finite scaled values beyond the clipping limits.
std::int64_t count_clipped(const float* t, std::size_t n, const ClipLimits& limits) {
    std::int64_t clipped = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const bool finite = __builtin_fabsf(t[i]) <= 3.40282347e38f;
        clipped += (finite && (t[i] < limits.lo || t[i] > limits.hi)) ? 1 : 0;
    }
    return clipped;
}

// The kernel of a window of aligned blocks, each of `length` values (a power of two and a
// multiple of kSumLanes) under one scale, from x, each block's s and 1/s: t = x / s and its
// rounding r into the element format, either given (`Fused` false: t and r computed by the
// caller, any format and rounding) or computed here (`Fused`: a float format on the value path,
// rounding R, as the bulk rounder does it, without the L1 arrays); then y = r * s (NaN and Inf
// pass through), the metric sums and the clipped count in registers, and with Kl the KL
// histogram's slot of each value (kl_slot of t on `grid`). Returns false, leaving `sums` as it
// was, when the window holds NaN or Inf: the caller redoes its sums (y and the slots are right).
// Never inlined, for the sums to stay in registers.
template <bool Fused, Rounding R, bool Kl>
[[gnu::noinline]] bool quantize_window(const float* __restrict x, const float* __restrict t,
                                       const float* __restrict r,
                                       const float* __restrict block_scale,
                                       const float* __restrict block_inv, float* __restrict y,
                                       std::size_t n, std::size_t length, ClipLimits limits,
                                       const ValueConstants& element, MetricSums& sums,
                                       std::uint32_t* __restrict kl_slots, KlGrid grid) {
    const KlGrid g = grid;
    constexpr std::size_t kLanes = kSumLanes;
    const ValueConstants v = element;
    const float clip_lo = limits.lo;
    const float clip_hi = limits.hi;
    LaneSums lanes;
    // Blocks of a power of two (they divide kBlock): the block of a step by a shift, without a
    // branch (which kept GCC from vectorizing some instantiations).
    const int shift = std::countr_zero(length);
    for (std::size_t i = 0; i < n; i += kLanes) {
        const std::size_t block = i >> shift;
        const float s = block_scale[block];
        const float inv = block_inv[block];
        if (Fused && i % kValuesPerLine == 0) {
            prefetch_ahead(x + i);  // the windows ahead, a line a step (kPrefetchBytes)
        }
#pragma omp simd
        for (std::size_t j = 0; j < kLanes; ++j) {
            const float xi = x[i + j];
            const bool finite = __builtin_fabsf(xi) <= 3.40282347e38f;
            float ti = 0;
            float ri = 0;
            if constexpr (Fused) {
                ti = xi * inv;
                ri =
                    std::bit_cast<float>(round_finite_bits<R>(std::bit_cast<std::uint32_t>(ti), v));
            } else {
                ti = t[i + j];
                ri = r[i + j];
            }
            const float yi = finite ? ri * s : xi;
            y[i + j] = yi;
            if constexpr (Kl) {
                kl_slots[i + j] = kl_slot(xi, ti, g);
            }
            lanes.add(j, xi, yi);
            const bool beyond = (ti < clip_lo) | (ti > clip_hi);
            lanes.add_clipped(j, beyond && __builtin_fabsf(ti) <= 3.40282347e38f);
        }
    }
    return lanes.fold_into(sums, n);
}

// quantize_window for, fused, a deterministic rounding; the slots when `kl` is given.
bool quantize_window(bool fused, Rounding rounding, const float* x, const float* t, const float* r,
                     const float* block_scale, const float* block_inv, float* y, std::size_t n,
                     std::size_t length, ClipLimits limits, const ValueConstants& element,
                     MetricSums& sums, const KlCounts* kl, std::uint32_t* kl_slots) {
    const KlGrid grid = kl != nullptr ? kl->grid() : KlGrid{};
    auto run = [&]<bool Fused, Rounding R>() {
        if (kl != nullptr) {
            return quantize_window<Fused, R, true>(x, t, r, block_scale, block_inv, y, n, length,
                                                   limits, element, sums, kl_slots, grid);
        }
        return quantize_window<Fused, R, false>(x, t, r, block_scale, block_inv, y, n, length,
                                                limits, element, sums, kl_slots, grid);
    };
    if (!fused) {  // R unused
        return run.template operator()<false, Rounding::NearestEven>();
    }
    switch (rounding) {
        case Rounding::NearestAway:
            return run.template operator()<true, Rounding::NearestAway>();
        case Rounding::TowardZero:
            return run.template operator()<true, Rounding::TowardZero>();
        default:  // nearest-even (stochastic is never fused)
            return run.template operator()<true, Rounding::NearestEven>();
    }
}

// The element codes of rounded element values r[0..n) (0 for NaN and Inf).
void write_codes(const float* r, std::size_t n, const QuantConfig& config, std::int32_t* codes) {
    const float step = is_mx_int8(config) ? kMxInt8Step : 1.0f;
    for (std::size_t i = 0; i < n; ++i) {
        codes[i] =
            std::isfinite(r[i])
                ? static_cast<std::int32_t>(
                      config.format.encode(static_cast<double>(r[i] / step), Rounding::NearestEven)
                          .code)
                : 0;
    }
}

// A block's scale and its inverse as the kernels use them; `largest` keeps the largest scale.
void set_block_scale(const GroupParameters& group, float& scale, float& inv, float& largest) {
    const auto sc = static_cast<float>(group.scale);
    // A zero scale (an NVFP4 block that underflows E4M3) sends the block to zero.
    scale = sc;
    inv = sc > 0 ? static_cast<float>(1.0 / static_cast<double>(sc)) : 0.0f;
    largest = sc > largest ? sc : largest;
}

// The values of a per-tensor window beyond its last whole vector (fewer than kSumLanes), one at a
// time with the fused kernel's arithmetic: Q(x), not the sums.
void quantize_tail(const float* x, float* y, std::size_t n, float scale, float inv,
                   const ValueConstants& element, Rounding rounding) {
    for (std::size_t i = 0; i < n; ++i) {
        const auto t = std::bit_cast<std::uint32_t>(x[i] * inv);
        const std::uint32_t bits = rounding == Rounding::NearestAway
                                       ? round_value_bits<Rounding::NearestAway>(t, element)
                                   : rounding == Rounding::TowardZero
                                       ? round_value_bits<Rounding::TowardZero>(t, element)
                                       : round_value_bits<Rounding::NearestEven>(t, element);
        const float r = std::bit_cast<float>(bits);
        y[i] = __builtin_fabsf(x[i]) <= 3.40282347e38f ? r * scale : x[i];
    }
}

// Aligned short blocks (aligned_block_length): each window's groups are chosen from values
// about to be in L1 anyway, and each block is scaled by its one scale, without per-value scale
// arrays. `fused_rounding` (optional): the element format's value-path constants, when the kernel
// rounds in its loop. Without a chooser, the one group of a per-tensor config (groups[0]) scales
// every value, and only the fused kernel runs: windows of kBlock are its blocks, and a window's
// values beyond its last whole vector go through quantize_tail. `kl` (optional) counts each
// window's values in code units.
MetricSums quantize_aligned_blocks(std::span<const float> values, std::size_t begin,
                                   std::size_t end, std::size_t length, const GroupChooser* chooser,
                                   GroupParameters* groups, const QuantConfig& config,
                                   const ElementRounder& rounder, float* y, std::int32_t* codes,
                                   const std::atomic<bool>* cancel, KlCounts* kl,
                                   const ValueConstants* fused_rounding, float& largest_scale) {
    MetricSums sums;
    const ClipLimits limits = clip_limits(config);
    alignas(64) float block_scale[kBlock];  // one per block
    alignas(64) float block_inv[kBlock];
    alignas(64) float t[kBlock];
    alignas(64) float r[kBlock];
    alignas(64) std::uint32_t slots[kBlock];
    const bool uniform = chooser == nullptr;
    if (uniform) {
        set_block_scale(groups[0], block_scale[0], block_inv[0], largest_scale);
    }
    for (std::size_t b = begin; b < end; b += kBlock) {
        throw_if_cancelled(cancel);
        const std::size_t n = std::min(kBlock, end - b);
        const float* x = values.data() + b;
        float* yb = y + b;
        if (uniform) {
            const std::size_t whole = n / kSumLanes * kSumLanes;
            const bool finite =
                quantize_window(true, config.rounding, x, nullptr, nullptr, block_scale, block_inv,
                                yb, whole, kBlock, limits, *fused_rounding, sums, kl, slots);
            quantize_tail(x + whole, yb + whole, n - whole, block_scale[0], block_inv[0],
                          *fused_rounding, config.rounding);
            for (std::size_t i = 0; i < n; ++i) {  // rare: NaN or Inf inside, or a tail
                if (!finite || i >= whole) {
                    t[i] = x[i] * block_inv[0];
                }
            }
            if (!finite) {
                accumulate_error_sums_scalar(x, yb, n, sums);
                sums.clipped += count_clipped(t, n, limits);
            } else if (whole < n) {
                accumulate_error_sums_scalar(x + whole, yb + whole, n - whole, sums);
                sums.clipped += count_clipped(t + whole, n - whole, limits);
            }
            if (kl != nullptr) {
                kl->add_slots(slots, whole);
                kl->add(x + whole, n - whole, block_inv[0], 0.0f);
            }
            continue;
        }
        const std::size_t g0 = b / length;
        const std::size_t blocks = n / length;
        GroupParameters* window_groups = groups + g0;
        chooser->choose(g0, g0 + blocks, window_groups, false);
        for (std::size_t k = 0; k < blocks; ++k) {
            set_block_scale(window_groups[k], block_scale[k], block_inv[k], largest_scale);
        }
        if (fused_rounding == nullptr) {
            for (std::size_t k = 0; k < blocks; ++k) {
                const float* xk = x + k * length;
                float* tk = t + k * length;
                const float inv = block_inv[k];
                for (std::size_t i = 0; i < length; ++i) {
                    tk[i] = xk[i] * inv;
                }
            }
            for (std::size_t i = 0; i < n; i += kValuesPerLine) {
                prefetch_ahead(x + i);  // two blocks ahead (kPrefetchBytes = 2 kBlock floats)
            }
            rounder.round(t, r, n, b);
        }
        const ValueConstants unused{};
        const bool finite = quantize_window(
            fused_rounding != nullptr, config.rounding, x, t, r, block_scale, block_inv, yb, n,
            length, limits, fused_rounding != nullptr ? *fused_rounding : unused, sums, kl, slots);
        if (!finite && fused_rounding != nullptr) {
            for (std::size_t k = 0; k < blocks; ++k) {  // t, for the clipped count below
                for (std::size_t i = k * length; i < (k + 1) * length; ++i) {
                    t[i] = x[i] * block_inv[k];
                }
            }
        }
        if (!finite) {
            // NaN or Inf inside: the sums exactly, skipping them.
            accumulate_error_sums_scalar(x, yb, n, sums);
            sums.clipped += count_clipped(t, n, limits);
        }
        if (kl != nullptr) {
            kl->add_slots(slots, n);
        }
        if (codes != nullptr) {
            write_codes(r, n, config, codes + b);
        }
    }
    return sums;
}

// Quantizes [begin, end) with per-group scales; returns the sums and writes y (and codes).
MetricSums quantize_range(std::span<const float> values, std::size_t begin, std::size_t end,
                          const GroupLayout& layout, const LargeVector<GroupParameters>& groups,
                          const QuantConfig& config, const ElementRounder& rounder, float* y,
                          std::int32_t* codes, const std::atomic<bool>* cancel = nullptr,
                          KlCounts* kl = nullptr, const GroupChooser* chooser = nullptr,
                          std::size_t block_length = 0, GroupParameters* chosen = nullptr,
                          const ValueConstants* fused_rounding = nullptr,
                          float* largest_scale = nullptr) {
    if (chooser != nullptr && block_length % kSumLanes == 0) {
        return quantize_aligned_blocks(values, begin, end, block_length, chooser, chosen, config,
                                       rounder, y, codes, cancel, kl, fused_rounding,
                                       *largest_scale);
    }
    if (fused_rounding != nullptr && chooser == nullptr) {  // per tensor
        return quantize_aligned_blocks(values, begin, end, kBlock, nullptr, chosen, config, rounder,
                                       y, codes, cancel, kl, fused_rounding, *largest_scale);
    }
    MetricSums sums;
    const ClipLimits limits = clip_limits(config);
    alignas(64) float scale[kBlock];
    alignas(64) float inv_scale[kBlock];
    alignas(64) float t[kBlock];
    alignas(64) float r[kBlock];
    for (std::size_t b = begin; b < end; b += kBlock) {
        throw_if_cancelled(cancel);
        const std::size_t n = std::min(kBlock, end - b);
        if (chooser != nullptr) {
            // Aligned short blocks: this window's groups, from values about to be in L1 anyway.
            chooser->choose(b / block_length, (b + n) / block_length, chosen + b / block_length,
                            false);
        }
        for_each_segment(layout, b, b + n, [&](std::size_t s, std::size_t e, std::size_t g) {
            const auto sc = static_cast<float>(groups[g].scale);
            // A zero scale (an NVFP4 block that underflows E4M3) sends the block to zero.
            const float inv = sc > 0 ? static_cast<float>(1.0 / static_cast<double>(sc)) : 0.0f;
            std::fill(scale + (s - b), scale + (e - b), sc);
            std::fill(inv_scale + (s - b), inv_scale + (e - b), inv);
        });
        const float* x = values.data() + b;
        for (std::size_t i = 0; i < n; ++i) {
            t[i] = x[i] * inv_scale[i];
        }
        for (std::size_t i = 0; i < n; i += kValuesPerLine) {
            prefetch_ahead(x + i);  // two blocks ahead (kPrefetchBytes = 2 kBlock floats)
        }
        rounder.round(t, r, n, b);
        float* yb = y + b;
        for (std::size_t i = 0; i < n; ++i) {
            const float q = r[i] * scale[i];
            yb[i] = __builtin_fabsf(x[i]) <= 3.40282347e38f ? q : x[i];  // NaN/Inf pass through
        }
        accumulate_error_sums(x, yb, n, sums);
        if (kl != nullptr) {
            kl->add_at(x, n, [&](std::size_t i) { return t[i]; });
        }
        sums.clipped += count_clipped(t, n, limits);
        if (codes != nullptr) {
            write_codes(r, n, config, codes + b);
        }
    }
    return sums;
}

}  // namespace

MetricSums quantize_scaled(std::span<const float> values, const GroupLayout& layout,
                           const QuantConfig& config, const QuantizeOptions& options,
                           QuantResult& result, KlCounter* kl, const ValueRange* range,
                           const std::vector<ClipRange>* strided_ranges,
                           std::optional<std::pair<double, double>>* clip_extent,
                           const LargeVector<float>* block_lo_hi) {
    const bool keep_codes = options.keep_codes;
    const std::size_t block_length = aligned_block_length(layout, config);
    if (range != nullptr && config.block_scaling == BlockScaling::None && !layout.strided &&
        layout.groups() == 1 && config.calibration.method == CalibrationMethod::MinMax) {
        // Per tensor, range known: no calibration pass.
        result.groups.assign(1, scaled_parameters(minmax_range(*range, config), config));
    } else if (block_length == 0) {
        choose_groups(values, layout, config, result.groups, range, strided_ranges);
    } else {
        result.groups.resize(layout.groups());  // chosen by the quantize pass, window by window
    }
    std::optional<GroupChooser> chooser;
    if (block_length != 0) {
        chooser.emplace(values, layout, config, range,
                        block_lo_hi != nullptr && block_lo_hi->size() == 2 * layout.groups()
                            ? block_lo_hi->data()
                            : nullptr);
    }
    float* y = result.dequantized.data();
    std::int32_t* codes = keep_codes ? result.codes.data() : nullptr;
    std::vector<MetricSums> partial(max_chunks());
    std::vector<float> largest_scale(max_chunks(), 0.0f);  // of each task's aligned blocks
    const ElementRounder rounder(config);
    // With deterministic rounding into a float element format, per tensor or in MX blocks, the
    // kernel rounds in its loop (quantize_window) unless codes are kept.
    const bool per_tensor = !layout.strided && layout.groups() == 1;
    const FloatFormat* element = config.format.as_float();
    const bool deterministic = config.rounding != Rounding::Stochastic;
    const bool mx = block_length % kSumLanes == 0 && block_length != 0 &&
                    config.block_scaling == BlockScaling::MX;
    std::optional<ValueConstants> fused_rounding;
    if ((per_tensor || mx) && element != nullptr && deterministic && !keep_codes &&
        value_path_supported(*element, Saturation::Saturate)) {
        fused_rounding = value_constants_for(*element);
    }
    parallel_for(values.size(), kBlock, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        partial[chunk] =
            quantize_range(values, begin, end, layout, result.groups, config, rounder, y, codes,
                           options.cancel, KlCounter::local(kl, chunk),
                           chooser ? &*chooser : nullptr, block_length, result.groups.data(),
                           fused_rounding ? &*fused_rounding : nullptr, &largest_scale[chunk]);
    });
    if (block_length != 0 && clip_extent != nullptr && layout.groups() > 0) {
        // Every group's clipping range is +-element_max * scale (with_scale).
        const float largest = *std::max_element(largest_scale.begin(), largest_scale.end());
        const GroupParameters widest = with_scale(largest, config);
        *clip_extent = std::pair<double, double>{widest.clip_min, widest.clip_max};
    }
    MetricSums total;
    for (const MetricSums& s : partial) {
        total += s;
    }
    return total;
}

MetricSums measure_scaled(std::span<const float> values, const GroupParameters& params,
                          const QuantConfig& config) {
    GroupLayout layout;
    layout.single_runs = {{0, values.size()}};
    const LargeVector<GroupParameters> groups{params};
    std::vector<MetricSums> partial(max_chunks());
    FloatBuffer scratch(values.size());  // Q(x) is not kept; huge pages make this cheap
    const ElementRounder rounder(config);
    parallel_for(values.size(), kBlock, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        partial[chunk] = quantize_range(values, begin, end, layout, groups, config, rounder,
                                        scratch.data(), nullptr);
    });
    MetricSums total;
    for (const MetricSums& s : partial) {
        total += s;
    }
    return total;
}

float quantize_scaled_value_reference(float x, const GroupParameters& params,
                                      const QuantConfig& config, std::uint64_t index) {
    if (!std::isfinite(x)) {
        return x;
    }
    const auto scale = static_cast<float>(params.scale);
    const float inv = scale > 0 ? static_cast<float>(1.0 / static_cast<double>(scale)) : 0.0f;
    const float t = x * inv;
    const float step = is_mx_int8(config) ? kMxInt8Step : 1.0f;
    const Encoded e =
        config.format.encode(static_cast<double>(t / step), config.rounding, Saturation::Saturate,
                             stochastic_bits(config.seed, index));
    return static_cast<float>(e.value) * step * scale;
}

}  // namespace quantscope::detail
