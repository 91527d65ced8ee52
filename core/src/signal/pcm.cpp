#include "quantscope/signal/pcm.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace quantscope {

namespace {

double finite_peak(std::span<const float> x) {
    double peak = 0;
    for (const float v : x) {
        if (std::isfinite(v)) {
            peak = std::max(peak, std::fabs(static_cast<double>(v)));
        }
    }
    return peak;
}

}  // namespace

Pcm16 to_pcm16(std::span<const float> x, double gain_db, double full_scale) {
    Pcm16 pcm;
    pcm.samples.resize(x.size());
    const double gain = std::pow(10.0, gain_db / 20) / full_scale;
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (std::isnan(x[i])) {
            pcm.samples[i] = 0;
            continue;
        }
        const double v = static_cast<double>(x[i]) * gain;
        if (v > 1 || v < -1) {
            ++pcm.clipped;
        }
        pcm.samples[i] = static_cast<std::int16_t>(std::round(std::clamp(v, -1.0, 1.0) * 32767));
    }
    return pcm;
}

double pcm_full_scale(std::span<const float> original) {
    return std::max(1.0, finite_peak(original));
}

double headroom_db(std::span<const float> x, double full_scale) {
    const double peak = finite_peak(x);
    return peak > 0 ? 20 * std::log10(full_scale / peak) : std::numeric_limits<double>::infinity();
}

}  // namespace quantscope
