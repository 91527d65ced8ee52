#include "lessons.h"

#include <QObject>

#include <cmath>
#include <string>

#include "main_window.h"
#include "quantscope/formats/format.h"

namespace quantscope::app {

namespace {

// A config from the CLI's words: format, then granularity, calibration, scheme and rounding.
QuantConfig config(const char* format, const char* granularity = "tensor",
                   const char* calibration = "minmax", const char* scheme = nullptr,
                   Rounding rounding = Rounding::NearestEven) {
    ConfigFieldValues fields{{"format", format},
                             {"granularity", granularity},
                             {"calibration", calibration},
                             {"rounding", std::string(to_string(rounding))}};
    if (scheme != nullptr) {
        fields.emplace_back("scheme", scheme);
    }
    return config_from_fields(fields);
}

QuantConfig withOutliers(QuantConfig c, double threshold) {
    c.outlier_threshold = threshold;
    return c;
}

// Figures: the number, and how many significant digits the text gives it.
LessonFigure result(int config, double (*of)(const QuantResult&), int digits, const char* shown) {
    return {LessonFigure::Kind::Result, config, 0, of, 0, {}, digits, QString::fromUtf8(shown)};
}

LessonFigure dbPerBit(int from, int to, int digits, const char* shown) {
    return {LessonFigure::Kind::DbPerBit, from, to, nullptr, 0, {}, digits,
            QString::fromUtf8(shown)};
}

LessonFigure relativeError(double value, const char* format, int digits, const char* shown) {
    return {
        LessonFigure::Kind::RelativeError, 0, 0, nullptr, value, QString::fromUtf8(format), digits,
        QString::fromUtf8(shown)};
}

double sqnr(const QuantResult& r) {
    return r.metrics.sqnr_db;
}
double zeroPercent(const QuantResult& r) {
    return 100 * r.metrics.zero_fraction;
}
double clippedPercent(const QuantResult& r) {
    return 100 * r.metrics.clipped_fraction;
}
double clippedCount(const QuantResult& r) {
    return std::round(r.metrics.clipped_fraction * static_cast<double>(r.metrics.count));
}
double meanError(const QuantResult& r) {
    return r.metrics.mean_error;
}
double mse(const QuantResult& r) {
    return r.metrics.mse;
}
double kl(const QuantResult& r) {
    return r.metrics.kl_divergence;
}
double clipMax(const QuantResult& r) {
    return r.clip_max;
}
double firstScale(const QuantResult& r) {
    return r.groups.empty() ? 0.0 : r.groups[0].scale;
}

std::vector<Lesson> makeLessons() {
    std::vector<Lesson> all;

    all.push_back(
        {QObject::tr("One outlier ruins per-tensor INT8"),
         QStringLiteral("gen:sample"),
         {config("int8"), config("int8", "tensor", "percentile:99.99"), config("int8", "block:64"),
          withOutliers(config("int8"), 6)},
         MainWindow::CompareTab,
         0,
         false,
         {result(0, firstScale, 3, "0.157"), result(0, zeroPercent, 3, "6.24"),
          result(0, sqnr, 3, "26.9"), result(1, sqnr, 3, "25.8"), result(2, sqnr, 3, "43.7"),
          result(2, zeroPercent, 2, "0.76"), result(3, sqnr, 3, "40.3")},
         QObject::tr(
             "<p>The sample is 65,536 Gaussian values (&sigma; = 1) with 8 outliers near "
             "&plusmn;20. Per-tensor min-max INT8 must cover &plusmn;20 with 255 levels: the step "
             "is %1, a sixth of &sigma;. %2 % of the values become exactly zero and the SQNR is "
             "%3 dB.</p>"
             "<p>The <b>Compare</b> tab holds three ways out. A <i>percentile</i> range (99.99) "
             "clips the outliers: the bulk gets a finer step, but each clipped outlier now errs "
             "by about 8, and those few errors cost more than the bulk gains: %4 dB. "
             "<i>Blocks of 64</i> give each block its own scale, and only the blocks that hold "
             "an outlier keep the coarse step: %5 dB, with %6 % zeros. Keeping |x| &gt; 6 in "
             "FP16 (<i>LLM.int8</i>) takes the outliers out of the range altogether: %7 dB for "
             "a few bytes more.</p>"
             "<p>Pick a row and look at the <b>Histogram</b> tab: the grid of levels under the "
             "bulk, and the clipping lines.</p>")});

    all.push_back(
        {QObject::tr("FP4 E2M1: IEEE rules vs OCP (where did 4 and 6 go?)"),
         QStringLiteral("gen:uniform:n=100000,low=-6,high=6"),
         {config("fp4_e2m1", "tensor", "minmax", "direct"),
          config("fp4_e2m1_ieee", "tensor", "minmax", "direct")},
         MainWindow::CompareTab,
         0,
         false,
         {result(1, clipMax, 2, "3"), result(0, clipMax, 2, "6"),
          result(1, clippedPercent, 3, "41.6"), result(0, sqnr, 3, "19.1"),
          result(1, sqnr, 3, "8.98")},
         QObject::tr(
             "<p>E2M1 has four bits: a sign, two exponent bits and one mantissa bit. IEEE 754's "
             "rule reserves the top exponent field for Inf and NaN, so an IEEE-style E2M1 "
             "(<tt>fp4_e2m1_ieee</tt>) stops at %1: its magnitudes are 0, 0.5, 1, 1.5, 2 and 3. "
             "The OCP Microscaling spec (<tt>fp4_e2m1</tt>) makes every code a number: the top "
             "binade adds 4 and 6, and the largest value is %2.</p>"
             "<p>On values spread evenly over &plusmn;6, cast directly (no scale), the IEEE "
             "variant saturates everything above 3: %3 % of the values are clipped and the SQNR "
             "falls from %4 dB to %5 dB. With only 16 codes, spending four of them on specials "
             "costs a quarter of the format.</p>"
             "<p>The <b>Formats</b> tab lists both formats' codes; draw them on one number "
             "line to see the missing binade.</p>")});

    all.push_back(
        {QObject::tr("Range vs precision: FP16 vs BF16"),
         QStringLiteral("gen:student-t:n=1000000,dof=1"),
         {config("fp16", "tensor", "minmax", "direct"),
          config("bf16", "tensor", "minmax", "direct")},
         MainWindow::CompareTab,
         1e-7,
         true,
         {result(0, clippedCount, 2, "9"), result(0, sqnr, 3, "1.66"), result(1, sqnr, 3, "56.8"),
          relativeError(1e-7, "fp16", 2, "19"), relativeError(1e-7, "bf16", 2, "0.12")},
         QObject::tr(
             "<p>FP16 and BF16 both take 16 bits. FP16 gives 5 to the exponent and 10 to the "
             "mantissa; BF16 gives 8 and 7: FP32's range with a quarter of FP16's precision. "
             "This tensor (Student's t with one degree of freedom, a Cauchy distribution) has "
             "values far above and far below 1.</p>"
             "<p>FP16's largest value is 65504. %1 of the million values lie beyond it and "
             "saturate, and those few errors set the SQNR: %2 dB. BF16 saturates nothing; its "
             "SQNR is %3 dB, the 8-bit significand's relative precision.</p>"
             "<p>At the small end, FP16's normals stop at 6.1e-5; below that, subnormals keep "
             "fewer and fewer bits. The <b>Bits</b> dock shows 1e-7: FP16 stores it with a "
             "relative error of %4 %, BF16 with %5 %.</p>")});

    all.push_back(
        {QObject::tr("Stochastic vs nearest rounding: small updates"),
         QStringLiteral("gen:uniform:n=100000,low=1,high=1.00390625"),
         {config("bf16", "tensor", "minmax", "direct"),
          config("bf16", "tensor", "minmax", "direct", Rounding::Stochastic)},
         MainWindow::CompareTab,
         0,
         false,
         {result(0, meanError, 3, "0.00196"), result(0, mse, 3, "5.1e-06"),
          result(1, mse, 3, "1.02e-05"), result(1, meanError, 2, "-8.3e-06")},
         QObject::tr(
             "<p>A weight kept in BF16 and nudged by small updates is a classic trap. Every "
             "value here is 1 plus an update smaller than half a BF16 step (the step at 1 is "
             "2<sup>-7</sup> = 0.0078). Nearest rounding returns 1 for all of them: the mean "
             "error is %1, the whole update, lost every time in the same direction.</p>"
             "<p>Stochastic rounding rounds up with a probability equal to the distance to the "
             "lower value. Each value's error is larger (MSE %3 against %2), but the errors "
             "cancel: the mean error is %4. Over many training steps that is the difference "
             "between weights that move and weights that stall.</p>")});

    all.push_back(
        {QObject::tr("KL vs min-max calibration on a long tail"),
         QStringLiteral("gen:student-t:n=1000000,dof=3"),
         {config("int8"), config("int8", "tensor", "kl"), config("int8", "tensor", "mse")},
         MainWindow::CompareTab,
         0,
         false,
         {result(0, clipMax, 3, "115"), result(0, kl, 2, "0.022"), result(1, clipMax, 3, "21.6"),
          result(1, clippedPercent, 2, "0.02"), result(1, kl, 2, "0.0015"),
          result(0, sqnr, 3, "16.3"), result(1, sqnr, 3, "16.6"), result(2, sqnr, 3, "20.6")},
         QObject::tr(
             "<p>Student's t with 3 degrees of freedom has a long tail: min-max must reach %1 "
             "while most values lie within &plusmn;3, so the bulk falls into a handful of codes "
             "and the histogram of Q(x) looks nothing like the data's: KL divergence %2.</p>"
             "<p>The <i>kl</i> calibration (TensorRT's entropy method) picks the range whose "
             "quantized histogram stays closest to the data's: it clips at %3 (%4 % of the "
             "values) and the KL divergence falls to %5.</p>"
             "<p>But KL measures the shape, not the error: the SQNR only moves from %6 to %7 "
             "dB, while the <i>mse</i> calibration, which minimises the error itself, reaches "
             "%8 dB. Choose the calibration for what your model is sensitive to.</p>")});

    all.push_back(
        {QObject::tr("6.02 dB per bit on a sine"),
         QStringLiteral("gen:sine:duration=1,frequency=997"),
         {config("int8"), config("int4"), config("int12"), config("int16")},
         MainWindow::SweepTab,
         0,
         false,
         {result(0, sqnr, 4, "49.95"), dbPerBit(0, 3, 3, "6.02"), result(1, sqnr, 3, "25.1")},
         QObject::tr(
             "<p>A full-scale sine quantized to N bits has an SQNR of about 6.02 N + 1.76 dB. "
             "Each extra bit halves the step, which divides the noise power by 4: 10 log<sub>10"
             "</sub> 4 = 6.02 dB. The 1.76 dB is the ratio of a sine's power to that of noise "
             "spread evenly over one step.</p>"
             "<p>INT8 gives %1 dB here (6.02 &times; 8 + 1.76 = 49.92), and from 8 to 16 bits "
             "the SQNR grows by %2 dB per bit. At 4 bits the rule is looser (%3 dB against 25.84): "
             "a "
             "symmetric grid leaves the code -8 unused, and with 15 levels that one code is a "
             "larger share. The <b>Bit-width sweep</b> tab draws the line; "
             "the <b>Signal</b> tab shows the noise against time.</p>")});
    return all;
}

}  // namespace

const std::vector<Lesson>& lessons() {
    static const std::vector<Lesson> all = makeLessons();
    return all;
}

QString formatFigure(const LessonFigure& figure, double value) {
    return QString::number(value, 'g', figure.digits);
}

QString lessonHtml(const Lesson& lesson) {
    QString text = lesson.text;
    for (const LessonFigure& figure : lesson.figures) {
        text = text.arg(figure.shown);
    }
    return QStringLiteral("<h3>%1</h3>").arg(lesson.title.toHtmlEscaped()) + text;
}

}  // namespace quantscope::app
