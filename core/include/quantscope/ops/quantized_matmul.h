#pragma once
// Quantized matrix products (docs/design.md "Quantized operators"): Y = X W, X m x k
// activations, W k x n weights, computed the ways inference engines do and compared with the
// float result Y = X W in float64:
//   weight-only  W quantized, X float: Y = X Q(W)
//   dynamic      X quantized at run time from its own range (min-max, per row or per tensor)
//   static       X quantized with a range calibrated beforehand on a separate calibration set
//   mixed        LLM.int8(): the columns of X holding a value beyond a threshold, and the
//                matching rows of W, stay in FP16; the rest is int8
// Operands are quantized by the engine (quantize(), any config). Where both operands are
// integers with scales that factor out of the sum (X per tensor or per row, W per tensor or
// per output column), the product runs in integers with int32 accumulation and one rescale:
//   Y[i][j] = acc[i][j] * (sx[i] * sw[j]),  acc[i][j] = sum_p (qx[i][p] - zx) (qw[p][j] - zw)
// Otherwise the dequantized operands are multiplied in float64, and the mode says why.

#include <Eigen/Core>
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "quantscope/common/tensor.h"
#include "quantscope/quant/histogram.h"
#include "quantscope/quant/metric_descriptors.h"
#include "quantscope/quant/metrics.h"
#include "quantscope/quant/quant_config.h"

namespace quantscope {

template <typename T>
using RowMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixF = RowMatrix<float>;
using MatrixD = RowMatrix<double>;
using MatrixI8 = RowMatrix<std::int8_t>;
using MatrixI32 = RowMatrix<std::int32_t>;

// A B with int32 accumulation, each sum wrapping modulo 2^32 as int32 hardware does. The int8
// product runs a blocked SIMD kernel on both cores (plain loops on CPUs without AVX2); the
// int32 one (operands wider than int8) plain loops. Throws UsageError when the inner
// dimensions differ, Cancelled once `cancel` is set.
MatrixI32 integer_matmul(const MatrixI8& a, const MatrixI8& b,
                         const std::atomic<bool>* cancel = nullptr);
MatrixI32 integer_matmul(const MatrixI32& a, const MatrixI32& b,
                         const std::atomic<bool>* cancel = nullptr);

enum class MatmulMode { WeightOnly, Dynamic, Static, Mixed };
// Every mode, in the order faces list them.
std::span<const MatmulMode> matmul_modes();
// "weight-only", "dynamic", "static", "mixed".
std::string_view to_string(MatmulMode mode);
std::optional<MatmulMode> parse_matmul_mode(std::string_view name);
// One line on what the mode quantizes, for help texts and tooltips.
std::string_view mode_description(MatmulMode mode);

// Which values of X share a dynamic scale: each row (a token) or the whole tensor.
enum class ActivationScope { Row, Tensor };
std::string_view to_string(ActivationScope scope);
std::optional<ActivationScope> parse_activation_scope(std::string_view name);

struct MatmulSettings {
    // W's config: any the engine takes. Per tensor or per channel along axis 1 (one scale per
    // output column) keeps the integer product; other granularities and non-integer formats
    // multiply dequantized values.
    QuantConfig weight;
    // X's format, scheme and rounding (every mode that quantizes X), and the calibration the
    // static mode runs on the calibration set (dynamic always uses the observed min-max).
    QuantConfig activation;
    ActivationScope dynamic_scope = ActivationScope::Row;
    // mixed: a column of X goes to FP16 when any |x| in it exceeds this (LLM.int8()'s 6).
    double outlier_threshold = 6.0;
};

// The problem: X, W and, for the static mode, calibration rows with X's column count (may be
// empty when no static mode runs).
struct MatmulProblem {
    MatrixF x;
    MatrixF w;
    MatrixF calibration;
};

// How the product was accumulated, and how close it came to the int32 limit.
struct AccumulatorReport {
    bool integer = false;      // the product ran in integers with int32 accumulation
    std::string arithmetic;    // "int8 x int8 -> int32 (avx512bw)", "float64: W is fp8_e4m3"
    std::int64_t k = 0;        // terms per sum
    std::int64_t largest = 0;  // the largest |sum| over the outputs, exact (64-bit)
    // The formats' worst case, k * max|qx - zx| * max|qw - zw| over the codes the formats
    // allow: what the accumulator must hold whatever the data.
    std::int64_t worst_case = 0;
    // Outputs whose exact sum lies outside int32 and came out wrapped.
    std::int64_t overflowed = 0;
    static constexpr std::int64_t kLimit = 2147483647;
    // The data fit (largest <= limit) but the formats do not guarantee it: other inputs of the
    // same size can overflow.
    bool at_risk() const { return integer && worst_case > kLimit; }
};

// One quantized operand as the engine left it.
struct OperandReport {
    std::string name;    // "X" or "W"
    std::string config;  // describe(config), with the scope of its scales
    Metrics metrics;     // its own quantization error (E = x - Q(x))
    double scale_min = 0;
    double scale_max = 0;
    std::vector<std::string> notes;
};

struct MatmulModeResult {
    MatmulMode mode = MatmulMode::WeightOnly;
    MatrixF y;
    Metrics metrics;  // y against the float result (E = Y - Y_mode)
    AccumulatorReport accumulator;
    // The integer sums before the rescale (integer products only; for mixed, of its int8 part).
    MatrixI32 sums;
    std::vector<OperandReport> operands;
    std::vector<std::string> notes;
};

struct MatmulOutput {
    MatrixF reference;  // X W in float64, stored as float32
    // Columns of X with a value beyond the outlier threshold, ascending (what mixed keeps).
    std::vector<std::int64_t> outlier_columns;
    std::vector<MatmulModeResult> modes;  // in the order asked
};

struct OpsProgress {
    const std::atomic<bool>* cancel = nullptr;  // Cancelled is thrown once set
    std::function<void(double)> progress;       // fraction done, 0..1 (may be empty)
};

// Runs the modes. Throws UsageError when the shapes disagree (X's columns, W's rows and the
// calibration's columns must be k), an operand is empty or holds NaN or Inf, or static has no
// calibration rows.
MatmulOutput run_quantized_matmul(const MatmulProblem& problem, const MatmulSettings& settings,
                                  std::span<const MatmulMode> modes,
                                  const OpsProgress& progress = {});

// The error against the inner dimension: the modes on X's first k columns and W's first k rows.
struct KSweepPoint {
    std::int64_t k = 0;
    std::vector<Metrics> metrics;  // per mode, in the order asked
    std::vector<AccumulatorReport> accumulators;
};
// 16, 32, 64, ... up to k (powers of two), then k itself.
std::vector<std::int64_t> k_sweep_values(std::int64_t k);
std::vector<KSweepPoint> run_k_sweep(const MatmulProblem& problem, const MatmulSettings& settings,
                                     std::span<const MatmulMode> modes,
                                     std::span<const std::int64_t> ks,
                                     const OpsProgress& progress = {});

// Histograms of each mode's output error E = Y - Y_mode on one set of `bins` bins, symmetric
// about 0 and spanning the largest |E| of all modes (so that the modes compare bin for bin).
std::vector<Histogram> error_histograms(const MatmulOutput& output, std::size_t bins);

// The metrics that compare an output with the float result: metric_descriptors() without those
// of a quantizer's own range (clipped, zeroed, KL, outliers kept), which a product has not.
std::vector<const MetricDescriptor*> matmul_metric_descriptors();

// A 2-D tensor as a matrix; `transpose` reads a [n, k] weight (PyTorch's Linear layout) as
// k x n. Throws UsageError naming `role` and the tensor when it is not 2-D or is empty.
MatrixF matrix_from_tensor(const Tensor& tensor, bool transpose, std::string_view role);

}  // namespace quantscope
