#pragma once
// Axis ticks chosen from the range alone, never from what the axis showed before: multiples of
// 1, 2, 2.5 or 5 times a power of ten counted from zero, labelled with as many digits as the
// step needs (zero reads "0", never "-0.00"). A count axis on a log scale shows log10(1 + count)
// and ticks at the counts 0, 1, 10, 100, ... labelled as counts.

#include <QList>
#include <QString>
#include <utility>

class QCategoryAxis;

namespace quantscope::widgets {

struct AxisTick {
    double value = 0;
    QString label;
};

// Integer: linear, on whole numbers only (1, 2, 5, 10... apart), for counts such as bit widths.
enum class TickStyle { Linear, Integer, LogCount };

// The step for about `targetTicks` ticks over `span`; with `integers`, a whole number (no 2.5).
double niceStep(double span, int targetTicks, bool integers = false);
// A tick value printed with the digits its step needs.
QString tickLabel(double value, double step);
// Ticks inside [lo, hi].
QList<AxisTick> linearTicks(double lo, double hi, int targetTicks, bool integers = false);
// Ticks of an axis holding log10(1 + count), from 0 to `hi`.
QList<AxisTick> logCountTicks(double hi);
// [lo, hi] widened by `pad` times its span at each end. Data that are nearly symmetric about
// zero (neither end's magnitude below 80 % of the other's) get a symmetric range, so that zero
// sits in the middle.
std::pair<double, double> displayRange(double lo, double hi, double pad = 0.02);
// `value` rounded to the coarsest power of ten not above `resolution` (say, the value of a
// pixel), so that it prints with no more digits than it is known to: 0.37, not 0.3712904318.
double roundToResolution(double value, double resolution);
// Sets the axis to [lo, hi] and replaces its ticks and labels.
void setAxisTicks(QCategoryAxis* axis, double lo, double hi, TickStyle style, int targetTicks);

}  // namespace quantscope::widgets
