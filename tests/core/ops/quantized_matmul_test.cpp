// The quantized matmul modes: the integer product against a float64 product of the same
// quantized operands (exact), a golden case worked by hand, static against dynamic and mixed
// against plain int8 on activations with outlier columns, the accumulator's overflow report,
// the K sweep, and the generator of matrices.

#include <gtest/gtest.h>

#include <cmath>

#include "quantscope/common/error.h"
#include "quantscope/common/generators.h"
#include "quantscope/ops/quantized_matmul.h"
#include "quantscope/quant/quantizer.h"

namespace quantscope {
namespace {

MatrixF generated(const std::string& spec) {
    return matrix_from_tensor(generate(spec), false, "test");
}

MatmulProblem problem(const std::string& x, const std::string& w) {
    MatmulProblem p;
    p.x = generated(x);
    p.w = generated(w);
    return p;
}

MatmulSettings int8_settings() {
    MatmulSettings s;  // int8 symmetric min-max for both
    s.weight.granularity = parse_granularity("channel:1");
    return s;
}

const MatmulModeResult& only(const MatmulOutput& out) {
    return out.modes.at(0);
}

TEST(QuantizedMatmul, IntegerSumsEqualFloat64ProductOfTheSameQuantizedOperands) {
    MatmulProblem p = problem("matrix:rows=33,cols=300,outlier-columns=3,seed=4",
                              "matrix:rows=300,cols=70,std=0.05,seed=5");
    const MatmulSettings s = int8_settings();
    const MatmulMode mode = MatmulMode::Dynamic;
    const MatmulOutput out = run_quantized_matmul(p, s, std::span(&mode, 1));
    const MatmulModeResult& r = only(out);
    ASSERT_TRUE(r.accumulator.integer) << r.accumulator.arithmetic;

    // The same operands through the engine directly: X per row, W per output column.
    const Shape xs{p.x.rows(), p.x.cols()}, ws{p.w.rows(), p.w.cols()};
    QuantConfig xc;
    xc.granularity = parse_granularity("channel:0");
    const QuantResult qx =
        quantize({p.x.data(), std::size_t(p.x.size())}, xs, xc, {.keep_codes = true});
    const QuantResult qw =
        quantize({p.w.data(), std::size_t(p.w.size())}, ws, s.weight, {.keep_codes = true});
    for (Eigen::Index i = 0; i < p.x.rows(); ++i) {
        for (Eigen::Index j = 0; j < p.w.cols(); ++j) {
            double sum = 0;  // exact: every partial sum is an integer below 2^53
            for (Eigen::Index k = 0; k < p.x.cols(); ++k) {
                sum += double(qx.codes[std::size_t(i * p.x.cols() + k)]) *
                       double(qw.codes[std::size_t(k * p.w.cols() + j)]);
            }
            ASSERT_EQ(double(r.sums(i, j)), sum) << i << ", " << j;
            const double rescaled =
                sum * (qx.groups[std::size_t(i)].scale * qw.groups[std::size_t(j)].scale);
            ASSERT_EQ(r.y(i, j), float(rescaled));
        }
    }
}

TEST(QuantizedMatmul, GoldenInt8PerTensor) {
    // X's absmax 1.27 gives sx = 1.27 / 127 = 0.01; W's 2.54 gives sw = 0.02.
    //   X codes [127 -50 25; 30 100 -127]   W codes [50 0; 25 -50; -13 127] (-0.255 / 0.02 =
    //   -12.75 rounds to -13)
    //   sums: 127*50 - 50*25 + 25*-13 = 4775     127*0 - 50*-50 + 25*127 = 5675
    //         30*50 + 100*25 - 127*-13 = 5651    30*0 + 100*-50 - 127*127 = -21129
    //   Y = sums * 0.01 * 0.02 = [0.955 1.135; 1.1302 -4.2258]
    //   float: 1.27 - 0.25 + 0.25*-0.255 = 0.95625 and 0.3 + 0.5 - 1.27*-0.255 = 1.12385; the
    //   other two are exact (every value on its grid): the largest error is 1.1302 - 1.12385.
    MatmulProblem p;
    p.x.resize(2, 3);
    p.x << 1.27f, -0.5f, 0.25f, 0.3f, 1.0f, -1.27f;
    p.w.resize(3, 2);
    p.w << 1.0f, 0.0f, 0.5f, -1.0f, -0.255f, 2.54f;
    MatmulSettings s;
    s.dynamic_scope = ActivationScope::Tensor;
    const MatmulMode mode = MatmulMode::Dynamic;
    const MatmulOutput out = run_quantized_matmul(p, s, std::span(&mode, 1));
    const MatmulModeResult& r = only(out);
    MatrixI32 sums(2, 2);
    sums << 4775, 5675, 5651, -21129;
    EXPECT_EQ(r.sums, sums);
    EXPECT_NEAR(r.y(0, 0), 0.955, 1e-6);
    EXPECT_NEAR(r.y(0, 1), 1.135, 1e-6);
    EXPECT_NEAR(r.y(1, 0), 1.1302, 1e-6);
    EXPECT_NEAR(r.y(1, 1), -4.2258, 1e-6);
    EXPECT_NEAR(out.reference(0, 0), 0.95625, 1e-6);
    EXPECT_NEAR(out.reference(1, 0), 1.12385, 1e-6);
    EXPECT_NEAR(r.metrics.max_abs_error, 0.00635, 1e-6);
    EXPECT_EQ(r.accumulator.largest, 21129);
    EXPECT_EQ(r.accumulator.worst_case, 3 * 128 * 128);  // k * |-128| * |-128|
    EXPECT_FALSE(r.accumulator.at_risk());
}

TEST(QuantizedMatmul, WeightOnlyKeepsXFloat) {
    // W = [1; 0.5] at int2 symmetric: s = 1 / 1, codes [1; 0.5 -> 0 (tie to even)], Q(W) =
    // [1; 0]; X = [2 4] in float: Y = 2, against 2 + 2 = 4.
    MatmulProblem p;
    p.x.resize(1, 2);
    p.x << 2.0f, 4.0f;
    p.w.resize(2, 1);
    p.w << 1.0f, 0.5f;
    MatmulSettings s;
    apply_format(s.weight, "int2");
    const MatmulMode mode = MatmulMode::WeightOnly;
    const MatmulOutput out = run_quantized_matmul(p, s, std::span(&mode, 1));
    EXPECT_FLOAT_EQ(out.reference(0, 0), 4.0f);
    EXPECT_FLOAT_EQ(only(out).y(0, 0), 2.0f);
    EXPECT_FALSE(only(out).accumulator.integer);
}

TEST(QuantizedMatmul, StaticFollowsItsCalibrationSetDynamicFollowsTheData) {
    MatmulProblem p = problem("matrix:rows=64,cols=256,outlier-columns=4,seed=1",
                              "matrix:rows=256,cols=64,std=0.05,seed=3");
    MatmulSettings s = int8_settings();
    s.dynamic_scope = ActivationScope::Tensor;
    const MatmulMode modes[] = {MatmulMode::Dynamic, MatmulMode::Static};

    // A calibration set like X (another seed, the outlier columns in the same place): static's
    // range is close to the one dynamic observes, and so is its error.
    p.calibration = generated("matrix:rows=64,cols=256,outlier-columns=4,seed=2");
    MatmulOutput like = run_quantized_matmul(p, s, modes);
    EXPECT_NEAR(like.modes[1].metrics.sqnr_db, like.modes[0].metrics.sqnr_db, 2.0);

    // A calibration set without the outliers: static's range is the bulk's, X's outlier
    // columns clip, and its error is far worse than dynamic's, which saw them.
    p.calibration = generated("matrix:rows=64,cols=256,seed=2");
    MatmulOutput bulk = run_quantized_matmul(p, s, modes);
    const Metrics& x_static = bulk.modes[1].operands.at(0).metrics;
    EXPECT_GT(x_static.clipped_fraction, 0.005);
    EXPECT_EQ(bulk.modes[0].operands.at(0).metrics.clipped_fraction, 0.0);
    EXPECT_LT(bulk.modes[1].metrics.sqnr_db, bulk.modes[0].metrics.sqnr_db - 10);

    // Dynamic per row follows each row; with no calibration rows static is refused.
    p.calibration.resize(0, 0);
    EXPECT_THROW(run_quantized_matmul(p, s, modes), UsageError);
}

TEST(QuantizedMatmul, MixedBeatsPlainInt8OnOutlierColumns) {
    MatmulProblem p = problem("matrix:rows=64,cols=512,outlier-columns=6,outlier-scale=20,seed=7",
                              "matrix:rows=512,cols=96,std=0.05,seed=8");
    const MatmulSettings s = int8_settings();
    const MatmulMode modes[] = {MatmulMode::Dynamic, MatmulMode::Mixed};
    const MatmulOutput out = run_quantized_matmul(p, s, modes);
    EXPECT_EQ(out.outlier_columns.size(), 6u);
    // Per-row int8 spends its 127 steps on the outliers' range; the bulk of each row lands on
    // a few levels. Mixed takes the outliers out first.
    EXPECT_GT(out.modes[1].metrics.sqnr_db, out.modes[0].metrics.sqnr_db + 10);
    EXPECT_TRUE(out.modes[1].accumulator.integer);
    EXPECT_EQ(out.modes[1].accumulator.k, 512 - 6);

    // Without outlier columns mixed is plain int8.
    p.x = generated("matrix:rows=64,cols=512,seed=7");
    const MatmulOutput plain = run_quantized_matmul(p, s, modes);
    EXPECT_TRUE(plain.outlier_columns.empty());
    EXPECT_EQ(plain.modes[0].y, plain.modes[1].y);
}

TEST(QuantizedMatmul, Int16AccumulatorOverflowIsCountedAndFlagged) {
    MatmulProblem p = problem("matrix:rows=4,cols=4096,seed=1", "matrix:rows=4096,cols=8,seed=2");
    // W's columns made alike so that every sum is large: sum_p x_p^2-like terms do not cancel.
    p.w = p.x.transpose().leftCols(4).replicate(1, 2);
    MatmulSettings s;
    apply_format(s.weight, "int16");
    apply_format(s.activation, "int16");
    const MatmulMode mode = MatmulMode::Dynamic;
    const MatmulModeResult r = only(run_quantized_matmul(p, s, std::span(&mode, 1)));
    ASSERT_TRUE(r.accumulator.integer);
    EXPECT_TRUE(r.accumulator.at_risk());
    EXPECT_GT(r.accumulator.largest, AccumulatorReport::kLimit);
    EXPECT_GT(r.accumulator.overflowed, 0);
    EXPECT_LT(r.metrics.sqnr_db, 0);  // wrapped sums are garbage

    // int8 at k = 4096: the worst case 4096 * 128 * 128 = 2^26 fits; nothing wraps.
    const MatmulModeResult r8 =
        only(run_quantized_matmul(p, MatmulSettings{}, std::span(&mode, 1)));
    EXPECT_FALSE(r8.accumulator.at_risk());
    EXPECT_EQ(r8.accumulator.overflowed, 0);
    EXPECT_EQ(r8.accumulator.worst_case, std::int64_t{4096} * 128 * 128);
}

TEST(QuantizedMatmul, NonIntegerWeightsMultiplyDequantizedValuesAndSayWhy) {
    MatmulProblem p = problem("matrix:rows=8,cols=64,seed=1", "matrix:rows=64,cols=8,seed=2");
    MatmulSettings s;
    apply_format(s.weight, "fp8_e4m3");
    const MatmulMode mode = MatmulMode::Dynamic;
    const MatmulModeResult r = only(run_quantized_matmul(p, s, std::span(&mode, 1)));
    EXPECT_FALSE(r.accumulator.integer);
    EXPECT_NE(r.accumulator.arithmetic.find("fp8_e4m3"), std::string::npos)
        << r.accumulator.arithmetic;
    EXPECT_GT(r.metrics.sqnr_db, 20);
}

TEST(QuantizedMatmul, KSweepErrorGrowsWithK) {
    MatmulProblem p =
        problem("matrix:rows=32,cols=1024,seed=1", "matrix:rows=1024,cols=32,std=0.05,seed=2");
    const MatmulSettings s = int8_settings();
    const MatmulMode modes[] = {MatmulMode::WeightOnly, MatmulMode::Dynamic};
    const auto ks = k_sweep_values(1024);
    ASSERT_EQ(ks, (std::vector<std::int64_t>{16, 32, 64, 128, 256, 512, 1024}));
    const auto points = run_k_sweep(p, s, modes, ks);
    ASSERT_EQ(points.size(), ks.size());
    // Independent rounding errors add up: the absolute error grows like sqrt(k) (x32 from 16
    // to 1024 gives about 8x), the largest sum grows with k.
    EXPECT_GT(points.back().metrics[1].rmse, 4 * points.front().metrics[1].rmse);
    EXPECT_GT(points.back().accumulators[1].largest, points.front().accumulators[1].largest);
    EXPECT_THROW(run_k_sweep(p, s, modes, std::vector<std::int64_t>{2048}), UsageError);
}

TEST(QuantizedMatmul, RefusesBadShapesAndNonFiniteValues) {
    MatmulProblem p;
    p.x = MatrixF::Ones(2, 3);
    p.w = MatrixF::Ones(4, 2);
    const MatmulMode mode = MatmulMode::Dynamic;
    EXPECT_THROW(run_quantized_matmul(p, {}, std::span(&mode, 1)), UsageError);
    p.w = MatrixF::Ones(3, 2);
    p.w(1, 1) = std::nanf("");
    EXPECT_THROW(run_quantized_matmul(p, {}, std::span(&mode, 1)), UsageError);
    EXPECT_THROW(matrix_from_tensor(generate("gaussian:n=10"), false, "W"), UsageError);
}

TEST(QuantizedMatmul, CancelStopsAndProgressReachesOne) {
    MatmulProblem p = problem("matrix:rows=64,cols=128,seed=1", "matrix:rows=128,cols=64,seed=2");
    const MatmulMode modes[] = {MatmulMode::WeightOnly, MatmulMode::Mixed};
    double last = 0;
    run_quantized_matmul(p, {}, modes,
                         {.cancel = nullptr, .progress = [&](double f) { last = f; }});
    EXPECT_DOUBLE_EQ(last, 1.0);
    const std::atomic<bool> cancel{true};
    EXPECT_THROW(run_quantized_matmul(p, {}, modes, {.cancel = &cancel, .progress = {}}),
                 Cancelled);
}

TEST(QuantizedMatmul, MatrixGeneratorHasItsShapeAndOutlierColumns) {
    const Tensor t = generate("matrix:rows=500,cols=40,outlier-columns=3,outlier-scale=20,seed=9");
    ASSERT_EQ(t.info.shape, (Shape{500, 40}));
    const MatrixF m = matrix_from_tensor(t, false, "X");
    int loud = 0;
    for (Eigen::Index c = 0; c < m.cols(); ++c) {
        const double rms = std::sqrt(m.col(c).squaredNorm() / double(m.rows()));
        loud += rms > 10 ? 1 : 0;
        EXPECT_TRUE((rms > 15 && rms < 25) || (rms > 0.8 && rms < 1.2)) << c << ": " << rms;
    }
    EXPECT_EQ(loud, 3);
    // Outlier features sit in the same columns whatever the seed (a calibration set has them
    // where the activations do).
    const MatrixF other = generated("matrix:rows=500,cols=40,outlier-columns=3,seed=10");
    for (Eigen::Index c = 0; c < m.cols(); ++c) {
        EXPECT_EQ(m.col(c).cwiseAbs().maxCoeff() > 10, other.col(c).cwiseAbs().maxCoeff() > 10);
    }
    EXPECT_EQ(reseeded_spec("matrix:rows=2,cols=3,seed=4", 1),
              "matrix:rows=2,cols=3,std=1,outlier-columns=0,outlier-scale=20,seed=5");
    EXPECT_EQ(generate("matrix:rows=3,cols=2,seed=9").values,
              generate("matrix:rows=3,cols=2,seed=9").values);
    EXPECT_THROW(generate("matrix:rows=0"), UsageError);
    EXPECT_THROW(generate("matrix:cols=4,outlier-columns=5"), UsageError);
    EXPECT_EQ(matrix_from_tensor(t, true, "W").rows(), 40);
}

TEST(QuantizedMatmul, ErrorHistogramsShareSymmetricBins) {
    // Y = [1 2]; one mode off by [0.5, -1], another exact: bins span [-1, 1], 4 of width 0.5.
    MatmulOutput out;
    out.reference.resize(1, 2);
    out.reference << 1.0f, 2.0f;
    out.modes.resize(2);
    out.modes[0].y.resize(1, 2);
    out.modes[0].y << 0.5f, 3.0f;
    out.modes[1].y = out.reference;
    const auto h = error_histograms(out, 4);
    ASSERT_EQ(h.size(), 2u);
    EXPECT_EQ(h[0].lo, -1.0);
    EXPECT_EQ(h[0].hi, 1.0);
    EXPECT_EQ(h[0].counts, (std::vector<std::int64_t>{1, 0, 0, 1}));  // E = -1 and 0.5
    EXPECT_EQ(h[1].counts, (std::vector<std::int64_t>{0, 0, 2, 0}));  // E = 0 twice
}

TEST(QuantizedMatmul, MetricListLeavesOutTheQuantizersOwn) {
    std::vector<std::string> keys;
    for (const MetricDescriptor* d : matmul_metric_descriptors()) {
        keys.emplace_back(d->key);
    }
    EXPECT_EQ(keys.front(), "sqnr_db");
    EXPECT_EQ(std::count(keys.begin(), keys.end(), "clipped_fraction"), 0);
    EXPECT_EQ(std::count(keys.begin(), keys.end(), "cosine_similarity"), 1);
}

}  // namespace
}  // namespace quantscope
