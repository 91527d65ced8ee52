#include "group_quantizer.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <tuple>
#include <utility>

#include "../common/stream_store.h"
#include "error_sums.h"
#include "ggml_quantizer.h"
#include "ggml_route.h"
#include "group_calibration.h"
#include "integer_kernels.h"
#include "quantscope/common/parallel.h"
#include "scaled_quantizer.h"

namespace quantscope::detail {

namespace {

// The union of the groups' clipping ranges (0, 0 for none). Half a million blocks' parameters
// are 16 MiB: read on both cores, four independent lanes each.
std::pair<double, double> clip_extent(const LargeVector<GroupParameters>& groups) {
    if (groups.empty()) {
        return {0.0, 0.0};
    }
    std::vector<std::pair<double, double>> parts(
        max_chunks(), {groups.front().clip_min, groups.front().clip_max});
    parallel_for(groups.size(), 64, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        constexpr std::size_t kWays = 4;
        double lo[kWays];
        double hi[kWays];
        std::fill(lo, lo + kWays, groups.front().clip_min);
        std::fill(hi, hi + kWays, groups.front().clip_max);
        std::size_t g = begin;
        for (; g + kWays <= end; g += kWays) {
            for (std::size_t k = 0; k < kWays; ++k) {
                lo[k] = std::min(lo[k], groups[g + k].clip_min);
                hi[k] = std::max(hi[k], groups[g + k].clip_max);
            }
        }
        for (; g < end; ++g) {
            lo[0] = std::min(lo[0], groups[g].clip_min);
            hi[0] = std::max(hi[0], groups[g].clip_max);
        }
        parts[chunk] = {*std::min_element(lo, lo + kWays), *std::max_element(hi, hi + kWays)};
    });
    std::pair<double, double> extent = parts.front();
    for (const auto& [lo, hi] : parts) {
        extent.first = std::min(extent.first, lo);
        extent.second = std::max(extent.second, hi);
    }
    return extent;
}

// Runs the kernel over one run with one set of parameters, counting the KL histogram (optional)
// while each block is in L1.
void quantize_run(std::span<const float> values, const Run& run, const KernelParams& p, float* y,
                  std::int32_t* codes, MetricSums& sums, const std::atomic<bool>* cancel,
                  detail::KlCounts* kl) {
    for (std::size_t b = 0; b < run.length; b += kBlock) {
        detail::throw_if_cancelled(cancel);
        const std::size_t offset = run.offset + b;
        const std::size_t n = std::min(kBlock, run.length - b);
        quantize_block(values.data() + offset, y + offset, codes ? codes + offset : nullptr, n,
                       offset, p, sums, kl);
    }
}

}  // namespace

QuantResult quantize_core(std::span<const float> values, std::span<const std::int64_t> shape,
                          const QuantConfig& config, const QuantizeOptions& options,
                          const ValueRange* range, detail::KlCounter* kl,
                          const KnownCalibration& known) {
    if (config.ggml != nullptr) {
        QuantResult result;
        result.dequantized.resize(values.size());
        if (options.keep_codes) {
            result.codes.resize(values.size());
        }
        MetricSums sums = quantize_ggml(values, shape, config, options, result, kl);
        make_sums_exact(values, result.dequantized.data(), sums);
        result.metrics = finish_metrics(sums);
        if (result.clip_min == 0 || result.clip_max == 0) {
            // -0 and +0 compare equal, so the one the union keeps depends on its order: the
            // order of clip_extent, as for every other config.
            std::tie(result.clip_min, result.clip_max) = clip_extent(result.groups);
        }
        result.storage = storage_for(static_cast<std::int64_t>(values.size()),
                                     static_cast<std::int64_t>(result.groups.size()), config);
        return result;
    }
    const std::vector<ClipRange>* strided_ranges = known.strided_ranges;
    using detail::KlCounter;
    GroupLayout made;
    if (known.layout == nullptr) {
        made = make_layout(values.size(), shape, config.granularity);
    }
    const GroupLayout& layout = known.layout != nullptr ? *known.layout : made;
    const std::size_t group_count = layout.groups();
    QuantResult result;
    const bool groups_known = known.groups != nullptr && known.groups->size() == group_count;
    const float* const block_lo_hi =
        known.block_lo_hi != nullptr && known.block_lo_hi->size() == 2 * group_count
            ? known.block_lo_hi->data()
            : nullptr;
    if (groups_known) {
        result.groups = std::move(*known.groups);
    } else {
        result.groups.resize(group_count);
    }
    result.dequantized.resize(values.size());
    if (options.keep_codes) {
        result.codes.resize(values.size());
    }
    float* y = result.dequantized.data();
    std::int32_t* codes = options.keep_codes ? result.codes.data() : nullptr;
    std::vector<MetricSums> partial(max_chunks());
    constexpr double kInf = std::numeric_limits<double>::infinity();
    std::vector<std::pair<double, double>> task_extents(max_chunks(), {kInf, -kInf});
    bool extent_known = false;  // task_extents hold the groups' clipping ranges' union

    if (!is_integer_config(config)) {
        std::optional<std::pair<double, double>> extent;
        partial.front() =
            detail::quantize_scaled(values, layout, config, options, result, kl, range,
                                    strided_ranges, &extent, known.block_lo_hi);
        if (extent) {
            task_extents.front() = *extent;
            extent_known = true;
        }
    } else if (group_count == 1 && !layout.strided) {
        // Per tensor: calibrate once, then split the single run across the cores.
        GroupParameters g;
        if (range != nullptr && config.calibration.method == CalibrationMethod::MinMax) {
            // The finite range is known: no second pass for it.
            g = parameters_for_range(minmax_range(*range, config), config);
        } else {
            g = choose_parameters(values, config);
        }
        result.groups[0] = g;
        const KernelParams p = kernel_params(g, config);
        parallel_for(values.size(), kBlock,
                     [&](std::size_t chunk, std::size_t begin, std::size_t end) {
                         MetricSums sums;
                         quantize_run(values, {begin, end - begin}, p, y, codes, sums,
                                      options.cancel, KlCounter::local(kl, chunk));
                         partial[chunk] = sums;
                     });
    } else if (!layout.strided) {
        // Blocks and contiguous channels: each task calibrates and quantizes its own groups.
        parallel_for_tasks(
            group_count, values.size(), [&](std::size_t chunk, std::size_t begin, std::size_t end) {
                MetricSums sums;
                // The union of this task's clipping ranges, from groups just written (in cache),
                // instead of a pass over all of them afterwards (16 MiB for blocks of 32).
                std::pair<double, double> extent = task_extents[chunk];
                auto widen = [&](std::size_t from, std::size_t to) {
                    // In locals: through `extent` itself every step waited on the last store.
                    double lo = extent.first;
                    double hi = extent.second;
                    for (std::size_t k = from; k < to; ++k) {
                        lo = std::min(lo, result.groups[k].clip_min);
                        hi = std::max(hi, result.groups[k].clip_max);
                    }
                    extent = {lo, hi};
                };
                detail::KlCounts* const counts = KlCounter::local(kl, chunk);
                std::vector<KernelParams> batch;
                std::size_t gi = begin;
                while (gi < end) {
                    const Run first = layout.run(gi);
                    if (codes != nullptr || !batches_groups_of(first.length)) {
                        // A long group (a channel) or one the batch kernel does not take.
                        const GroupParameters g =
                            groups_known ? result.groups[gi]
                                         : choose_parameters(
                                               values.subspan(first.offset, first.length), config);
                        result.groups[gi] = g;
                        quantize_run(values, first, kernel_params(g, config), y, codes, sums,
                                     options.cancel, counts);
                        widen(gi, gi + 1);
                        ++gi;
                        continue;
                    }
                    // Short blocks: calibrate up to kBlock values' worth of adjacent groups of one
                    // length, then quantize them in one kernel call.
                    detail::throw_if_cancelled(options.cancel);
                    const std::size_t first_group = gi;
                    gi = batch_end(layout, gi, end);
                    const std::size_t count = gi - first_group;
                    const std::size_t length = count * first.length;
                    batch.resize(count);
                    if (groups_known) {
                        const KernelParams base = kernel_params(result.groups[first_group], config);
                        for (std::size_t k = 0; k < count; ++k) {
                            batch[k] = with_group(base, result.groups[first_group + k]);
                        }
                    } else if (config.calibration.method == CalibrationMethod::MinMax) {
                        calibrate_blocks_minmax(
                            values.data() + first.offset, count, first.length, config,
                            &result.groups[first_group], batch.data(), nullptr,
                            block_lo_hi != nullptr ? block_lo_hi + 2 * first_group : nullptr);
                    } else {
                        for (std::size_t k = 0; k < count; ++k) {
                            const GroupParameters g = choose_parameters(
                                values.subspan(first.offset + k * first.length, first.length),
                                config);
                            result.groups[first_group + k] = g;
                            batch[k] = kernel_params(g, config);
                        }
                    }
                    widen(first_group, gi);
                    const float* xb = values.data() + first.offset;
                    float* yb = y + first.offset;
                    quantize_blocks(xb, yb, length, first.offset, batch.data(), first.length, sums,
                                    counts);
                }
                task_extents[chunk] = extent;
                partial[chunk] = sums;
            });
        extent_known = true;
    } else {
        // Strided channels: calibrate each channel, then sweep the rows. Min-max ranges come
        // from one row-major pass; other methods gather each channel.
        if (config.calibration.method == CalibrationMethod::MinMax) {
            std::vector<ClipRange> computed;
            if (strided_ranges == nullptr) {
                computed = detail::strided_minmax_ranges(values, layout, config);
            }
            const std::vector<ClipRange>& ranges =
                strided_ranges != nullptr ? *strided_ranges : computed;
            for (std::size_t c = 0; c < layout.dim; ++c) {
                result.groups[c] = parameters_for_range(ranges[c], config);
            }
        } else {
            parallel_for_tasks(
                layout.dim, values.size(), [&](std::size_t, std::size_t begin, std::size_t end) {
                    for (std::size_t c = begin; c < end; ++c) {
                        result.groups[c] = parameters_for_range(
                            detail::calibrate_group(values, layout, c, config), config);
                    }
                });
        }
        if (layout.inner == 1) {
            // Channels along the last axis: per-element parameter arrays over each row.
            constexpr std::size_t kFields = ParamArrays::kFields;
            std::vector<float> packed((layout.dim + kLanes - 1) / kLanes * kFields * kLanes, 1.0f);
            KernelParams uniform{};
            for (std::size_t c = 0; c < layout.dim; ++c) {
                const KernelParams p = kernel_params(result.groups[c], config);
                float* lanes = packed.data() + c / kLanes * kFields * kLanes + c % kLanes;
                lanes[0] = p.inv_scale;
                lanes[kLanes] = p.scale;
                lanes[2 * kLanes] = p.zero_point;
                lanes[3 * kLanes] = p.clip_min;
                lanes[4 * kLanes] = p.clip_max;
                uniform = p;
            }
            const ParamArrays params{packed.data()};
            parallel_for_tasks(
                layout.outer, values.size(),
                [&](std::size_t chunk, std::size_t begin, std::size_t end) {
                    MetricSums sums;
                    detail::KlCounts* const counts = KlCounter::local(kl, chunk);
                    alignas(64) float block[kBlock];
                    for (std::size_t o = begin; o < end; ++o) {
                        detail::throw_if_cancelled(options.cancel);
                        for (std::size_t c0 = 0; c0 < layout.dim; c0 += kBlock) {
                            const std::size_t offset = o * layout.dim + c0;
                            const std::size_t n = std::min(kBlock, layout.dim - c0);
                            const ParamArrays a = params.from(c0);  // c0: a multiple of kBlock
                            const float* x = values.data() + offset;
                            // Q(x) is made in `block`, then streamed out: its lines then
                            // neither cost a read nor crowd the counters out of L1
                            // (stream_store.h).
                            quantize_block_per_element(x, block, codes ? codes + offset : nullptr,
                                                       n, offset, uniform, a, sums, counts);
                            detail::stream_store(y + offset, block, n);
                        }
                    }
                    detail::stream_fence();
                    partial[chunk] = sums;
                });
        } else {
            parallel_for_tasks(layout.outer * layout.dim, values.size(),
                               [&](std::size_t chunk, std::size_t begin, std::size_t end) {
                                   MetricSums sums;
                                   detail::KlCounts* const counts = KlCounter::local(kl, chunk);
                                   for (std::size_t r = begin; r < end; ++r) {
                                       const std::size_t c = r % layout.dim;
                                       quantize_run(values, {r * layout.inner, layout.inner},
                                                    kernel_params(result.groups[c], config), y,
                                                    codes, sums, options.cancel, counts);
                                   }
                                   partial[chunk] = sums;
                               });
        }
    }

    MetricSums total;
    for (const MetricSums& s : partial) {
        total += s;
    }
    detail::make_sums_exact(values, y, total);
    result.metrics = finish_metrics(total);
    std::pair<double, double> extent{kInf, -kInf};
    if (extent_known && group_count > 0) {
        for (const std::pair<double, double>& e : task_extents) {
            extent = {std::min(extent.first, e.first), std::max(extent.second, e.second)};
        }
    } else {
        extent = clip_extent(result.groups);
    }
    result.clip_min = extent.first;
    result.clip_max = extent.second;
    result.storage = storage_for(static_cast<std::int64_t>(values.size()),
                                 static_cast<std::int64_t>(group_count), config);
    return result;
}

}  // namespace quantscope::detail
