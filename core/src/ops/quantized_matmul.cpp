// GCC 12 reports _mm256_undefined_pd() inside Eigen's AVX-512 GEMM packing (ptranspose) as
// maybe uninitialized: a false positive (the value is a don't-care operand), in inlined system
// headers no flag of ours can reach. Off for this file, which multiplies with Eigen.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "quantscope/ops/quantized_matmul.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "integer_gemm.h"
#include "quantscope/common/cancel.h"
#include "quantscope/common/error.h"
#include "quantscope/common/parallel.h"
#include "quantscope/formats/format.h"
#include "quantscope/quant/calibration.h"
#include "quantscope/quant/quantizer.h"

namespace quantscope {
namespace {

constexpr std::array kModes{MatmulMode::WeightOnly, MatmulMode::Dynamic, MatmulMode::Static,
                            MatmulMode::Mixed};

// Rows of the float64 products handled between looks at the cancel flag.
constexpr Eigen::Index kProductRows = 32;

// a b in float64 on the cores: Eigen multiplies on one thread, so each thread takes a band of
// a's rows.
MatrixD product(const MatrixD& a, const MatrixD& b, const std::atomic<bool>* cancel) {
    MatrixD out(a.rows(), b.cols());
    const auto rows = static_cast<std::size_t>(a.rows());
    parallel_for_tasks(rows, rows * static_cast<std::size_t>(a.cols() * b.cols()),
                       [&](std::size_t, std::size_t begin, std::size_t end) {
                           for (auto i = static_cast<Eigen::Index>(begin);
                                i < static_cast<Eigen::Index>(end); i += kProductRows) {
                               throw_if_cancelled(cancel);
                               const Eigen::Index n =
                                   std::min(kProductRows, static_cast<Eigen::Index>(end) - i);
                               out.middleRows(i, n).noalias() = a.middleRows(i, n) * b;
                           }
                       });
    return out;
}

MatrixD to_double(const MatrixF& m) {
    return m.cast<double>();
}

// Which side of the product an operand is on: X's scales may vary by row, W's by column.
enum class Side { Left, Right };

// An operand quantized by the engine, with what the integer product needs: the levels q - z
// and one scale per row (X) or per column (W), when its scales factor out of the sum.
struct Operand {
    MatrixF dequantized;
    bool integer = false;
    std::string why_not;  // why the product cannot use integers, when it cannot
    MatrixI32 levels;
    std::vector<double> scales;    // per row (Left) / column (Right), or one
    std::int64_t level_bound = 0;  // max |q - z| the format's codes allow
    int bits = 0;
    OperandReport report;
};

std::string granularity_scope(const QuantConfig& config, Side side) {
    if (config.granularity.kind == Granularity::Kind::Tensor) {
        return "per tensor";
    }
    if (config.granularity.kind == Granularity::Kind::Channel) {
        const int axis =
            config.granularity.axis < 0 ? config.granularity.axis + 2 : config.granularity.axis;
        if (axis == 0) {
            return side == Side::Left ? "per row" : "per input row";
        }
        return side == Side::Left ? "per input column" : "per output column";
    }
    return "per " + to_string(config.granularity);
}

// The reason scales do not factor out of sum_p x[i][p] w[p][j], or an empty string.
std::string factor_problem(const QuantConfig& config, Side side) {
    const IntegerFormat* format = config.format.as_integer();
    if (format == nullptr || config.block_scaling != BlockScaling::None) {
        return format_name(config) + " is not an integer format";
    }
    if (config.outlier_threshold > 0) {
        return "its outliers stay in FP16";
    }
    if (config.granularity.kind == Granularity::Kind::Tensor) {
        return "";
    }
    if (config.granularity.kind == Granularity::Kind::Channel) {
        const int axis =
            config.granularity.axis < 0 ? config.granularity.axis + 2 : config.granularity.axis;
        if ((side == Side::Left && axis == 0) || (side == Side::Right && axis == 1)) {
            return "";
        }
    }
    return "its scales vary along the inner dimension (" + granularity_scope(config, side) + ")";
}

Operand quantize_operand(const MatrixF& m, const QuantConfig& config, Side side, std::string name,
                         const std::atomic<bool>* cancel) {
    const Shape shape{m.rows(), m.cols()};
    const QuantResult r =
        quantize(std::span<const float>(m.data(), static_cast<std::size_t>(m.size())), shape,
                 config, {.keep_codes = true, .cancel = cancel});
    Operand op;
    op.dequantized = Eigen::Map<const MatrixF>(r.dequantized.data(), m.rows(), m.cols());
    op.report.name = std::move(name);
    op.report.config = describe(config) + ", " + granularity_scope(config, side);
    op.report.metrics = r.metrics;
    op.report.notes = r.notes;
    op.report.scale_min = std::numeric_limits<double>::infinity();
    op.report.scale_max = 0;
    for (const GroupParameters& g : r.groups) {
        op.report.scale_min = std::min(op.report.scale_min, g.scale);
        op.report.scale_max = std::max(op.report.scale_max, g.scale);
    }
    op.why_not = factor_problem(config, side);
    if (!op.why_not.empty()) {
        return op;
    }
    const IntegerFormat& format = config.format.integer_format();
    op.integer = true;
    op.bits = format.bits;
    const bool per_tensor = config.granularity.kind == Granularity::Kind::Tensor;
    op.levels.resize(m.rows(), m.cols());
    op.scales.resize(r.groups.size());
    for (std::size_t g = 0; g < r.groups.size(); ++g) {
        const GroupParameters& p = r.groups[g];
        op.scales[g] = p.scale;
        op.level_bound = std::max<std::int64_t>(
            op.level_bound, std::max(std::abs(std::int64_t{format.min_code()} - p.zero_point),
                                     std::abs(std::int64_t{format.max_code()} - p.zero_point)));
    }
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        for (Eigen::Index j = 0; j < m.cols(); ++j) {
            const std::size_t g =
                per_tensor ? 0 : static_cast<std::size_t>(side == Side::Left ? i : j);
            const auto at = static_cast<std::size_t>(i * m.cols() + j);
            op.levels(i, j) = r.codes[at] - r.groups[g].zero_point;
        }
    }
    return op;
}

double scale_at(const Operand& op, Eigen::Index index) {
    return op.scales.size() == 1 ? op.scales[0] : op.scales[static_cast<std::size_t>(index)];
}

bool fits_int8(const MatrixI32& m) {
    return m.size() == 0 || (m.minCoeff() >= -128 && m.maxCoeff() <= 127);
}

std::int64_t checked_product(std::int64_t a, std::int64_t b) {
    std::int64_t out = 0;
    return __builtin_mul_overflow(a, b, &out) ? std::numeric_limits<std::int64_t>::max() : out;
}

// The product of two operands: in integers when both allow it (then one rescale per output),
// else in float64 of the dequantized values.
struct Product {
    MatrixD y;
    MatrixI32 sums;
    AccumulatorReport accumulator;
};

Product multiply(const Operand& x, const Operand& w, const std::atomic<bool>* cancel) {
    Product p;
    p.accumulator.k = x.dequantized.cols();
    if (!x.integer || !w.integer) {
        p.accumulator.arithmetic = "float64 of the dequantized operands: " +
                                   (x.integer ? "W: " + w.why_not : "X: " + x.why_not);
        p.y = product(to_double(x.dequantized), to_double(w.dequantized), cancel);
        return p;
    }
    AccumulatorReport& acc = p.accumulator;
    acc.integer = true;
    if (fits_int8(x.levels) && fits_int8(w.levels)) {
        p.sums = integer_matmul(MatrixI8(x.levels.cast<std::int8_t>()),
                                MatrixI8(w.levels.cast<std::int8_t>()), cancel);
        acc.arithmetic = std::string("int8 x int8 -> int32 (") + ops_detail::int8_gemm_path() + ")";
    } else {
        p.sums = integer_matmul(x.levels, w.levels, cancel);
        acc.arithmetic = "int" + std::to_string(std::max(x.bits, w.bits) + 1) +
                         " levels (q - z) -> int32 (plain loops)";
    }
    acc.worst_case = checked_product(checked_product(acc.k, x.level_bound), w.level_bound);
    // The sums are exact unless some |sum| can exceed the limit: a bound from the data says
    // when; past it, the exact sums in 64 bits tell which outputs wrapped.
    const std::int64_t w_max = w.levels.size() == 0 ? 0 : w.levels.cwiseAbs().maxCoeff();
    const std::int64_t row_max =
        x.levels.size() == 0 ? 0
                             : x.levels.cast<std::int64_t>().cwiseAbs().rowwise().sum().maxCoeff();
    if (checked_product(row_max, w_max) <= AccumulatorReport::kLimit) {
        acc.largest = p.sums.size() == 0 ? 0 : p.sums.cast<std::int64_t>().cwiseAbs().maxCoeff();
    } else {
        const RowMatrix<std::int64_t> a = x.levels.cast<std::int64_t>();
        const RowMatrix<std::int64_t> b = w.levels.cast<std::int64_t>();
        for (Eigen::Index i = 0; i < a.rows(); ++i) {
            throw_if_cancelled(cancel);
            const RowMatrix<std::int64_t> row = a.row(i) * b;
            for (Eigen::Index j = 0; j < row.cols(); ++j) {
                const std::int64_t v = row(0, j);
                acc.largest = std::max(acc.largest, v < 0 ? -v : v);
                acc.overflowed +=
                    v > AccumulatorReport::kLimit || v < -AccumulatorReport::kLimit - 1 ? 1 : 0;
            }
        }
    }
    p.y.resize(p.sums.rows(), p.sums.cols());
    for (Eigen::Index i = 0; i < p.sums.rows(); ++i) {
        for (Eigen::Index j = 0; j < p.sums.cols(); ++j) {
            p.y(i, j) = static_cast<double>(p.sums(i, j)) * (scale_at(x, i) * scale_at(w, j));
        }
    }
    return p;
}

void check_finite(const MatrixF& m, std::string_view name) {
    if (!m.allFinite()) {
        throw UsageError(std::string(name) + " holds NaN or Inf values; a product needs finite " +
                         "operands");
    }
}

void check_problem(const MatrixF& x, const MatrixF& w) {
    if (x.size() == 0 || w.size() == 0) {
        throw UsageError("X and W must not be empty");
    }
    if (x.cols() != w.rows()) {
        throw UsageError("X has " + std::to_string(x.cols()) + " columns but W has " +
                         std::to_string(w.rows()) + " rows: the inner dimensions must agree");
    }
    check_finite(x, "X");
    check_finite(w, "W");
}

QuantConfig dynamic_config(const MatmulSettings& settings) {
    QuantConfig c = settings.activation;
    c.calibration = Calibration{};
    c.outlier_threshold = 0;
    c.granularity = settings.dynamic_scope == ActivationScope::Row
                        ? Granularity{Granularity::Kind::Channel, 0, 32}
                        : Granularity{};
    return c;
}

// Values of X's columns in `columns` (or all but those), and W's matching rows.
MatrixF select_columns(const MatrixF& m, const std::vector<Eigen::Index>& columns) {
    MatrixF out(m.rows(), static_cast<Eigen::Index>(columns.size()));
    for (std::size_t c = 0; c < columns.size(); ++c) {
        out.col(static_cast<Eigen::Index>(c)) = m.col(columns[c]);
    }
    return out;
}
MatrixF select_rows(const MatrixF& m, const std::vector<Eigen::Index>& rows) {
    MatrixF out(static_cast<Eigen::Index>(rows.size()), m.cols());
    for (std::size_t r = 0; r < rows.size(); ++r) {
        out.row(static_cast<Eigen::Index>(r)) = m.row(rows[r]);
    }
    return out;
}

MatrixD fp16(const MatrixF& m) {
    MatrixF out(m.rows(), m.cols());
    static const FloatFormat half = parse_format("fp16").float_format();
    round_to_format(std::span<const float>(m.data(), static_cast<std::size_t>(m.size())),
                    std::span<float>(out.data(), static_cast<std::size_t>(out.size())), half,
                    Rounding::NearestEven, Saturation::Saturate);
    return out.cast<double>();
}

Metrics compare(const MatrixF& reference, const MatrixF& y) {
    const auto n = static_cast<std::size_t>(reference.size());
    constexpr double kInf = std::numeric_limits<double>::infinity();
    return finish_metrics(reference_metric_sums(std::span<const float>(reference.data(), n),
                                                std::span<const float>(y.data(), n), -kInf, kInf));
}

class Runner {
public:
    Runner(const MatmulProblem& problem, const MatmulSettings& settings,
           const OpsProgress& progress)
        : problem_(problem), settings_(settings), cancel_(progress.cancel) {}

    const Operand& weight() {
        if (!weight_) {
            weight_ = quantize_operand(problem_.w, settings_.weight, Side::Right, "W", cancel_);
        }
        return *weight_;
    }

    std::vector<Eigen::Index> outlier_columns() const {
        std::vector<Eigen::Index> columns;
        for (Eigen::Index c = 0; c < problem_.x.cols(); ++c) {
            if (problem_.x.col(c).cwiseAbs().maxCoeff() > settings_.outlier_threshold) {
                columns.push_back(c);
            }
        }
        return columns;
    }

    MatmulModeResult run(MatmulMode mode) {
        MatmulModeResult r;
        r.mode = mode;
        MatrixD y;
        switch (mode) {
            case MatmulMode::WeightOnly: {
                const Operand& w = weight();
                y = product(to_double(problem_.x), to_double(w.dequantized), cancel_);
                r.accumulator.k = problem_.x.cols();
                r.accumulator.arithmetic = "float64: X stays float";
                r.operands.push_back(w.report);
                break;
            }
            case MatmulMode::Dynamic:
            case MatmulMode::Static: {
                QuantConfig config = dynamic_config(settings_);
                if (mode == MatmulMode::Static) {
                    config = static_config(r.notes);
                }
                const Operand x = quantize_operand(problem_.x, config, Side::Left, "X", cancel_);
                Product p = multiply(x, weight(), cancel_);
                y = std::move(p.y);
                r.sums = std::move(p.sums);
                r.accumulator = std::move(p.accumulator);
                r.operands = {x.report, weight().report};
                break;
            }
            case MatmulMode::Mixed:
                y = mixed(r);
                break;
        }
        r.y = y.cast<float>();
        return r;
    }

private:
    // X's config for static: X's format with the range the calibration method chose on the
    // calibration set, fixed for every row.
    QuantConfig static_config(std::vector<std::string>& notes) const {
        if (problem_.calibration.size() == 0) {
            throw UsageError("static quantization needs calibration rows (a separate set)");
        }
        if (problem_.calibration.cols() != problem_.x.cols()) {
            throw UsageError("the calibration set has " +
                             std::to_string(problem_.calibration.cols()) + " columns, X has " +
                             std::to_string(problem_.x.cols()));
        }
        check_finite(problem_.calibration, "the calibration set");
        QuantConfig c = settings_.activation;
        c.granularity = Granularity{};
        c.outlier_threshold = 0;
        const ClipRange range =
            calibrate(std::span<const float>(problem_.calibration.data(),
                                             static_cast<std::size_t>(problem_.calibration.size())),
                      c);
        notes.push_back("X's range [" + significant_text(range.lo, 6) + ", " +
                        significant_text(range.hi, 6) + "] calibrated (" +
                        to_string(c.calibration) + ") on " +
                        std::to_string(problem_.calibration.rows()) + " calibration rows");
        c.calibration = Calibration{CalibrationMethod::Manual, 0, range.lo, range.hi};
        return c;
    }

    MatrixD mixed(MatmulModeResult& r) {
        const std::vector<Eigen::Index> outliers = outlier_columns();
        std::vector<Eigen::Index> regular;
        for (Eigen::Index c = 0, o = 0; c < problem_.x.cols(); ++c) {
            if (o < static_cast<Eigen::Index>(outliers.size()) &&
                outliers[static_cast<std::size_t>(o)] == c) {
                ++o;
            } else {
                regular.push_back(c);
            }
        }
        r.notes.push_back(std::to_string(outliers.size()) + " of " +
                          std::to_string(problem_.x.cols()) + " columns of X hold a value beyond " +
                          significant_text(settings_.outlier_threshold, 6) +
                          " and stay in FP16 with W's matching rows");
        MatrixD y = MatrixD::Zero(problem_.x.rows(), problem_.w.cols());
        r.accumulator.k = static_cast<std::int64_t>(regular.size());
        if (!regular.empty()) {
            const Operand x = quantize_operand(select_columns(problem_.x, regular),
                                               dynamic_config(settings_), Side::Left, "X", cancel_);
            const Operand w = quantize_operand(select_rows(problem_.w, regular), settings_.weight,
                                               Side::Right, "W", cancel_);
            Product p = multiply(x, w, cancel_);
            y = std::move(p.y);
            r.sums = std::move(p.sums);
            r.accumulator = std::move(p.accumulator);
            r.operands = {x.report, w.report};
        }
        if (!outliers.empty()) {
            y += product(fp16(select_columns(problem_.x, outliers)),
                         fp16(select_rows(problem_.w, outliers)), cancel_);
        }
        return y;
    }

    const MatmulProblem& problem_;
    const MatmulSettings& settings_;
    const std::atomic<bool>* cancel_;
    std::optional<Operand> weight_;
};

}  // namespace

MatrixI32 integer_matmul(const MatrixI8& a, const MatrixI8& b, const std::atomic<bool>* cancel) {
    if (a.cols() != b.rows()) {
        throw UsageError("integer_matmul: inner dimensions differ");
    }
    MatrixI32 c(a.rows(), b.cols());
    ops_detail::int8_gemm(a.data(), b.data(), c.data(), static_cast<std::size_t>(a.rows()),
                          static_cast<std::size_t>(a.cols()), static_cast<std::size_t>(b.cols()),
                          cancel);
    return c;
}

MatrixI32 integer_matmul(const MatrixI32& a, const MatrixI32& b, const std::atomic<bool>* cancel) {
    if (a.cols() != b.rows()) {
        throw UsageError("integer_matmul: inner dimensions differ");
    }
    MatrixI32 c(a.rows(), b.cols());
    ops_detail::int32_gemm(a.data(), b.data(), c.data(), static_cast<std::size_t>(a.rows()),
                           static_cast<std::size_t>(a.cols()), static_cast<std::size_t>(b.cols()),
                           cancel);
    return c;
}

std::span<const MatmulMode> matmul_modes() {
    return kModes;
}

std::string_view to_string(MatmulMode mode) {
    switch (mode) {
        case MatmulMode::WeightOnly:
            return "weight-only";
        case MatmulMode::Dynamic:
            return "dynamic";
        case MatmulMode::Static:
            return "static";
        case MatmulMode::Mixed:
            return "mixed";
    }
    return "";
}

std::optional<MatmulMode> parse_matmul_mode(std::string_view name) {
    for (MatmulMode mode : kModes) {
        if (to_string(mode) == name) {
            return mode;
        }
    }
    return std::nullopt;
}

std::string_view mode_description(MatmulMode mode) {
    switch (mode) {
        case MatmulMode::WeightOnly:
            return "W quantized, X float";
        case MatmulMode::Dynamic:
            return "X quantized at run time from its observed range";
        case MatmulMode::Static:
            return "X quantized with a range calibrated on a separate set";
        case MatmulMode::Mixed:
            return "LLM.int8(): X's outlier columns and W's rows in FP16, the rest int8";
    }
    return "";
}

std::string_view to_string(ActivationScope scope) {
    return scope == ActivationScope::Row ? "row" : "tensor";
}

std::optional<ActivationScope> parse_activation_scope(std::string_view name) {
    if (name == "row") {
        return ActivationScope::Row;
    }
    if (name == "tensor") {
        return ActivationScope::Tensor;
    }
    return std::nullopt;
}

MatmulOutput run_quantized_matmul(const MatmulProblem& problem, const MatmulSettings& settings,
                                  std::span<const MatmulMode> modes, const OpsProgress& progress) {
    check_problem(problem.x, problem.w);
    check_config(settings.weight);
    check_config(settings.activation);
    const auto report = [&](std::size_t done) {
        if (progress.progress) {
            progress.progress(static_cast<double>(done) / static_cast<double>(modes.size() + 1));
        }
    };
    MatmulOutput out;
    out.reference =
        product(to_double(problem.x), to_double(problem.w), progress.cancel).cast<float>();
    report(1);
    Runner runner(problem, settings, progress);
    for (Eigen::Index c : runner.outlier_columns()) {
        out.outlier_columns.push_back(c);
    }
    for (std::size_t m = 0; m < modes.size(); ++m) {
        out.modes.push_back(runner.run(modes[m]));
        out.modes.back().metrics = compare(out.reference, out.modes.back().y);
        report(m + 2);
    }
    return out;
}

std::vector<std::int64_t> k_sweep_values(std::int64_t k) {
    std::vector<std::int64_t> ks;
    for (std::int64_t v = 16; v < k; v *= 2) {
        ks.push_back(v);
    }
    if (k > 0) {
        ks.push_back(k);
    }
    return ks;
}

std::vector<KSweepPoint> run_k_sweep(const MatmulProblem& problem, const MatmulSettings& settings,
                                     std::span<const MatmulMode> modes,
                                     std::span<const std::int64_t> ks,
                                     const OpsProgress& progress) {
    check_problem(problem.x, problem.w);
    // Work grows with k: progress counts it so.
    double total = 0;
    for (std::int64_t k : ks) {
        if (k < 1 || k > problem.x.cols()) {
            throw UsageError("k = " + std::to_string(k) + " is outside 1.." +
                             std::to_string(problem.x.cols()) + " (X's columns)");
        }
        total += static_cast<double>(k);
    }
    std::vector<KSweepPoint> points;
    double done = 0;
    for (std::int64_t k : ks) {
        MatmulProblem sub;
        sub.x = problem.x.leftCols(k);
        sub.w = problem.w.topRows(k);
        if (problem.calibration.size() != 0) {
            sub.calibration = problem.calibration.leftCols(k);
        }
        const MatmulOutput out =
            run_quantized_matmul(sub, settings, modes, {.cancel = progress.cancel, .progress = {}});
        KSweepPoint point;
        point.k = k;
        for (const MatmulModeResult& r : out.modes) {
            point.metrics.push_back(r.metrics);
            point.accumulators.push_back(r.accumulator);
        }
        points.push_back(std::move(point));
        done += static_cast<double>(k);
        if (progress.progress) {
            progress.progress(done / total);
        }
    }
    return points;
}

std::vector<Histogram> error_histograms(const MatmulOutput& output, std::size_t bins) {
    double span = 0;
    std::vector<MatrixF> errors;
    for (const MatmulModeResult& r : output.modes) {
        errors.push_back(output.reference - r.y);
        if (errors.back().size() > 0) {
            span = std::max(span, static_cast<double>(errors.back().cwiseAbs().maxCoeff()));
        }
    }
    span = span > 0 ? span : 1;
    std::vector<Histogram> histograms;
    for (const MatrixF& e : errors) {
        histograms.push_back(
            make_histogram(std::span<const float>(e.data(), static_cast<std::size_t>(e.size())),
                           -span, span, bins));
    }
    return histograms;
}

std::vector<const MetricDescriptor*> matmul_metric_descriptors() {
    std::vector<const MetricDescriptor*> list;
    for (const MetricDescriptor& d : metric_descriptors()) {
        const std::string_view key = d.key;
        if (key != "clipped_fraction" && key != "zero_fraction" && key != "kl_divergence" &&
            key != "outlier_fraction") {
            list.push_back(&d);
        }
    }
    return list;
}

MatrixF matrix_from_tensor(const Tensor& tensor, bool transpose, std::string_view role) {
    const Shape& shape = tensor.info.shape;
    if (shape.size() != 2 || shape[0] == 0 || shape[1] == 0) {
        throw UsageError(std::string(role) + " must be a non-empty 2-D tensor; '" +
                         tensor.info.name + "' has shape " + shape_to_string(shape));
    }
    const Eigen::Map<const MatrixF> m(tensor.values.data(), shape[0], shape[1]);
    if (transpose) {
        return m.transpose();
    }
    return m;
}

}  // namespace quantscope
