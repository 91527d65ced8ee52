#include "quantscope/quant/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace quantscope {

MetricSums& MetricSums::operator+=(const MetricSums& other) {
    count += other.count;
    nan_count += other.nan_count;
    inf_count += other.inf_count;
    clipped += other.clipped;
    zeroed += other.zeroed;
    sum_x2 += other.sum_x2;
    sum_y2 += other.sum_y2;
    sum_xy += other.sum_xy;
    sum_e += other.sum_e;
    sum_e2 += other.sum_e2;
    max_abs_e = std::max(max_abs_e, other.max_abs_e);
    return *this;
}

Metrics finish_metrics(const MetricSums& sums) {
    Metrics m;
    m.count = sums.count;
    m.nan_count = sums.nan_count;
    m.inf_count = sums.inf_count;
    if (sums.count == 0) {
        m.sqnr_db = std::numeric_limits<double>::infinity();
        return m;
    }
    const double n = static_cast<double>(sums.count);
    m.mse = sums.sum_e2 / n;
    m.rmse = std::sqrt(m.mse);
    m.max_abs_error = sums.max_abs_e;
    m.mean_error = sums.sum_e / n;
    if (sums.sum_e2 == 0) {
        m.sqnr_db = std::numeric_limits<double>::infinity();
    } else if (sums.sum_x2 == 0) {
        m.sqnr_db = -std::numeric_limits<double>::infinity();
    } else {
        m.sqnr_db = 10 * std::log10(sums.sum_x2 / sums.sum_e2);
    }
    const double norms = std::sqrt(sums.sum_x2) * std::sqrt(sums.sum_y2);
    // Two all-zero vectors are identical; one all-zero vector has no direction to compare.
    if (norms > 0) {
        m.cosine_similarity = std::clamp(sums.sum_xy / norms, -1.0, 1.0);
    } else {
        m.cosine_similarity = (sums.sum_x2 == 0 && sums.sum_y2 == 0) ? 1.0 : 0.0;
    }
    m.clipped_fraction = static_cast<double>(sums.clipped) / n;
    m.zero_fraction = static_cast<double>(sums.zeroed) / n;
    return m;
}

std::string undefined_metric(const Metrics& m) {
    auto finite = [](double v) { return std::isfinite(v); };
    auto fraction = [](double v) { return v >= 0 && v <= 1; };
    if (m.count < 0 || m.nan_count < 0 || m.inf_count < 0) {
        return "count";
    }
    if (!finite(m.mse) || m.mse < 0) {
        return "mse";
    }
    if (!finite(m.rmse) || m.rmse < 0) {
        return "rmse";
    }
    if (std::isnan(m.sqnr_db)) {  // +-Inf are defined values
        return "sqnr_db";
    }
    if (!finite(m.max_abs_error) || m.max_abs_error < 0) {
        return "max_abs_error";
    }
    if (!finite(m.mean_error)) {
        return "mean_error";
    }
    if (!(m.cosine_similarity >= -1 && m.cosine_similarity <= 1)) {
        return "cosine_similarity";
    }
    if (!fraction(m.clipped_fraction)) {
        return "clipped_fraction";
    }
    if (!fraction(m.zero_fraction)) {
        return "zero_fraction";
    }
    if (!finite(m.kl_divergence) || m.kl_divergence < 0) {
        return "kl_divergence";
    }
    if (!fraction(m.outlier_fraction)) {
        return "outlier_fraction";
    }
    if (m.count == 0 && (m.mse != 0 || m.sqnr_db != std::numeric_limits<double>::infinity() ||
                         m.cosine_similarity != 1 || m.max_abs_error != 0 || m.mean_error != 0)) {
        return "no-data values";
    }
    return {};
}

MetricSums reference_metric_sums(std::span<const float> x, std::span<const float> y,
                                 double clip_min, double clip_max) {
    MetricSums sums;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double xi = x[i];
        if (std::isnan(xi)) {
            ++sums.nan_count;
            continue;
        }
        if (std::isinf(xi)) {
            ++sums.inf_count;
            continue;
        }
        const double yi = y[i];
        const double e = xi - yi;
        ++sums.count;
        sums.sum_x2 += xi * xi;
        sums.sum_y2 += yi * yi;
        sums.sum_xy += xi * yi;
        sums.sum_e += e;
        sums.sum_e2 += e * e;
        sums.max_abs_e = std::max(sums.max_abs_e, std::fabs(e));
        sums.clipped += (xi < clip_min || xi > clip_max) ? 1 : 0;
        sums.zeroed += (yi == 0 && xi != 0) ? 1 : 0;
    }
    return sums;
}

}  // namespace quantscope
