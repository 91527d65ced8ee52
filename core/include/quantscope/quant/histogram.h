#pragma once
// Histograms on explicit, shared bins, so the original, the dequantized values and the error can
// be compared bin by bin and drawn over each other.

#include <cstdint>
#include <span>
#include <vector>

namespace quantscope {

struct Histogram {
    double lo = 0;  // left edge of the first bin
    double hi = 1;  // right edge of the last bin (values equal to hi land in the last bin)
    std::vector<std::int64_t> counts;
    std::int64_t below = 0;  // finite values < lo
    std::int64_t above = 0;  // finite values > hi

    std::size_t bins() const { return counts.size(); }
    double bin_width() const { return (hi - lo) / static_cast<double>(counts.size()); }
    double bin_left(std::size_t i) const { return lo + bin_width() * static_cast<double>(i); }
    std::int64_t total() const;
};

// Range of the finite values (lo == hi for a constant tensor; 0, 0 when none is finite).
struct ValueRange {
    double lo = 0;
    double hi = 0;
    bool any_finite = false;
};
ValueRange finite_range(std::span<const float> values);

// Counts finite values into `bins` equal bins over [lo, hi]; NaN and Inf are skipped. Uses both
// cores for large inputs. A degenerate range (lo == hi) is widened by 0.5 on each side.
Histogram make_histogram(std::span<const float> values, double lo, double hi, std::size_t bins);
// The same bins for values that occur weights[i] times each (the levels of a quantizer and how
// often each code was used): equal to make_histogram of the values repeated.
Histogram make_weighted_histogram(std::span<const double> values,
                                  std::span<const std::int64_t> weights, double lo, double hi,
                                  std::size_t bins);

// A bin count that suits the data: Freedman-Diaconis-like, clamped to [16, 512].
std::size_t automatic_bin_count(std::size_t value_count);

// KL(P || Q) in nats between two histograms on the same bins, with a small floor for empty bins
// of Q so that the divergence stays finite. 0 when either histogram is empty.
double kl_divergence(const Histogram& p, const Histogram& q);

}  // namespace quantscope
