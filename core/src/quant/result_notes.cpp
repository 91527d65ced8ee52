#include "result_notes.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "scale_limits.h"

namespace quantscope::detail {

namespace {

std::string number(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", v);
    return text;
}

// Beyond this many groups the notes judge the tensor's range instead of reading every group's
// parameters (a pass of its own over half a million blocks).
constexpr std::size_t kMaxGroupsRead = std::size_t{1} << 16;

}  // namespace

std::vector<std::string> result_notes(std::size_t count, const ValueRange& range,
                                      const QuantConfig& config, const QuantResult& result) {
    std::vector<std::string> notes;
    if (count == 0) {
        notes.push_back(
            "the tensor holds no values: nothing was quantized, no group was formed, and every "
            "metric takes its value for no data");
        return notes;
    }
    if (!range.any_finite) {
        notes.push_back("no value is finite: the " + std::to_string(count) +
                        " NaN and Inf values pass through unchanged, and every metric takes its "
                        "value for no data");
    }
    const Calibration& c = config.calibration;
    const std::string calibration = to_string(c);
    if (config.ggml != nullptr) {
        // The blocks' scales are ggml's own choice: none of the notes below applies.
        if (c.method != CalibrationMethod::MinMax || config.rounding != Rounding::NearestEven) {
            notes.push_back(format_name(config) +
                            " sets its scales and rounds its codes as ggml's reference quantizer "
                            "does: the calibration " +
                            calibration + " and the rounding " +
                            std::string(to_string(config.rounding)) + " are not used");
        }
        return notes;
    }
    if (c.method != CalibrationMethod::MinMax) {
        if (config.block_scaling == BlockScaling::MX) {
            notes.push_back(format_name(config) +
                            " sets each block's scale from the block's largest magnitude (OCP MX): "
                            "the calibration " +
                            calibration + " is not used");
        } else if (config.block_scaling == BlockScaling::NVFP4) {
            notes.push_back(
                "nvfp4 sets its tensor and block scales from the largest magnitudes: the "
                "calibration " +
                calibration + " is not used");
        } else if (config.scheme == Scheme::Direct) {
            notes.push_back(
                "the direct scheme rounds the values as they are (scale 1): the "
                "calibration " +
                calibration + " is not used");
        }
    }
    if (config.scheme == Scheme::Direct) {
        return notes;
    }
    // Groups whose scale is the smallest (scale_limits.h: a zero or subnormal clipping range),
    // and NVFP4 blocks whose scale underflowed E4M3 to zero.
    std::size_t smallest = 0;
    std::size_t zero = 0;
    const std::size_t groups = result.groups.size();
    if (groups <= kMaxGroupsRead) {
        for (const GroupParameters& g : result.groups) {
            smallest += g.scale > 0 && g.scale <= kMinScale ? 1 : 0;
            zero += g.scale == 0 ? 1 : 0;
        }
    } else if (config.block_scaling == BlockScaling::None &&
               parameters_for_range(minmax_range(range, config), config).scale <= kMinScale) {
        smallest = groups;  // the whole tensor's range is that small, so is every group's
    }
    if (smallest > 0) {
        const bool manual_zero =
            c.method == CalibrationMethod::Manual &&
            (config.scheme == Scheme::Affine
                 ? std::min(c.manual_min, 0.0) == std::max(c.manual_max, 0.0)
                 : std::max(std::fabs(c.manual_min), std::fabs(c.manual_max)) == 0);
        const std::string which = groups == 1
                                      ? "the clipping range"
                                      : std::to_string(smallest) + " of " + std::to_string(groups) +
                                            " groups' clipping ranges";
        const std::string why = manual_zero ? " (the manual range " + calibration + " is empty)"
                                : !range.any_finite              ? " (no finite value)"
                                : range.lo == 0 && range.hi == 0 ? " (every finite value is 0)"
                                                                 : "";
        const char* scale = config.block_scaling == BlockScaling::MX
                                ? "E8M0's smallest scale, 2^-127"
                                : "the smallest normal float32 scale, 2^-126 = 1.17549e-38";
        notes.push_back(which + (groups == 1 ? " is" : " are") + " zero or too narrow for a " +
                        "normal float32 scale" + why + ": the scale became " + scale +
                        ", instead of dividing by zero; values within half a level of 0 round to "
                        "0 and values beyond the top level clip to it" +
                        (groups == 1 ? " (the range is now [" + number(result.clip_min) + ", " +
                                           number(result.clip_max) + "])"
                                     : ""));
    }
    if (zero > 0) {
        notes.push_back(std::to_string(zero) + " of " + std::to_string(groups) +
                        " blocks' scales underflow E4M3 (their largest magnitude is under "
                        "2^-10 of the tensor scale's unit): those blocks become zero");
    }
    if (range.any_finite && std::max(std::fabs(range.lo), std::fabs(range.hi)) >= 0x1.0p127) {
        notes.push_back("values reach " +
                        number(std::max(std::fabs(range.lo), std::fabs(range.hi))) +
                        ", within a factor 2 of the float32 maximum: scales are capped so that "
                        "every level stays finite (values beyond the top level clip), and the "
                        "metrics are summed in double");
    }
    return notes;
}

}  // namespace quantscope::detail
