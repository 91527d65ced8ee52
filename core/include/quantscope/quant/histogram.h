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

// A bin count that suits the data: Freedman-Diaconis-like, clamped to [16, 512].
std::size_t automatic_bin_count(std::size_t value_count);

// What a quantizer's cells cost a histogram P (TensorRT's entropy objective; the KL metric and
// the kl calibration both use it, DESIGN.md "KL divergence"): KL(P || Q~) in nats, Q~ being P
// quantized, each cell's mass spread evenly over the cell's bins where P is non-zero. Cells are
// runs of consecutive bins: cell c ends before cell_ends[c], the last end being p.size().
// `cell_mass` (optional, p's size) gives the cells' masses instead of P (the calibration's
// candidates take them before the tail is folded into P, as TensorRT does); P and Q~ are each
// normalised, and a cell left without mass costs as if it had 1e-12 of it.
// `degrees`: over the cells with mass, their non-empty bins minus one; for n values distributed
// uniformly within each cell, 2 n KL is about chi-square with that many degrees of freedom (the
// sampling floor). All zero when P is empty.
struct CellDivergence {
    double kl = 0;
    std::int64_t degrees = 0;
};
CellDivergence cell_divergence(std::span<const double> p, std::span<const std::size_t> cell_ends,
                               std::span<const double> cell_mass = {});

}  // namespace quantscope
