#include "nice_axis.h"

#include <QCategoryAxis>
#include <algorithm>
#include <cmath>

namespace quantscope::widgets {

namespace {

// The step's mantissa: 1, 2, 2.5 or 5.
double mantissa(double step) {
    return step / std::pow(10.0, std::floor(std::log10(step)));
}

}  // namespace

double niceStep(double span, int targetTicks, bool integers) {
    if (!(span > 0) || !std::isfinite(span)) {
        return 1;
    }
    const double raw = span / std::max(1, targetTicks);
    if (integers && raw <= 1) {
        return 1;
    }
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 2.5, 5.0}) {
        if (integers && m == 2.5 && magnitude < 10) {
            continue;  // 2.5 is whole only from 25 on
        }
        if (m * magnitude >= raw * (1 - 1e-9)) {
            return m * magnitude;
        }
    }
    return 10 * magnitude;
}

QString tickLabel(double value, double step) {
    if (std::abs(value) < step * 1e-6) {
        return QStringLiteral("0");
    }
    const int stepExponent = static_cast<int>(std::floor(std::log10(step) + 1e-9));
    const bool half = std::abs(mantissa(step) - 2.5) < 1e-6;
    if (std::abs(value) >= 1e6 || step < 1e-4) {
        // Scientific: as many significant digits as tell neighbouring ticks apart.
        const int valueExponent = static_cast<int>(std::floor(std::log10(std::abs(value))));
        const int digits = std::max(1, valueExponent - stepExponent + 1 + (half ? 1 : 0));
        return QString::number(value, 'g', digits);
    }
    const int decimals = std::max(0, -stepExponent + (half ? 1 : 0));
    return QString::number(value, 'f', decimals);
}

QList<AxisTick> linearTicks(double lo, double hi, int targetTicks, bool integers) {
    QList<AxisTick> ticks;
    if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) {
        return ticks;
    }
    const double step = niceStep(hi - lo, targetTicks, integers);
    const auto first = static_cast<long long>(std::ceil(lo / step - 1e-9));
    const auto last = static_cast<long long>(std::floor(hi / step + 1e-9));
    for (long long k = first; k <= last && ticks.size() < 100; ++k) {
        // k * step, not a running sum: no drift, and zero is exactly zero.
        const double value = static_cast<double>(k) * step;
        ticks.append({value, tickLabel(value, step)});
    }
    return ticks;
}

QList<AxisTick> logCountTicks(double hi) {
    QList<AxisTick> ticks{{0.0, QStringLiteral("0")}};
    const int powers = static_cast<int>(std::floor(hi + 1e-9));
    // More than eight decades would crowd the axis: every other power then.
    const int every = powers > 8 ? 2 : 1;
    for (int k = 0; k <= powers; k += every) {
        const double count = std::pow(10.0, k);
        const double y = std::log10(1.0 + count);
        if (y > hi) {
            break;
        }
        ticks.append({y, k < 6 ? QString::number(count, 'f', 0) : QStringLiteral("1e%1").arg(k)});
    }
    return ticks;
}

std::pair<double, double> displayRange(double lo, double hi, double pad) {
    if (!std::isfinite(lo) || !std::isfinite(hi)) {
        return {0, 1};
    }
    if (!(hi > lo)) {
        const double half = lo != 0 ? std::abs(lo) * 0.5 : 0.5;
        return {lo - half, hi + half};
    }
    if (lo < 0 && hi > 0 && std::min(-lo, hi) >= 0.8 * std::max(-lo, hi)) {
        const double extent = std::max(-lo, hi) * (1 + 2 * pad);
        return {-extent, extent};
    }
    const double margin = (hi - lo) * pad;
    return {lo - margin, hi + margin};
}

double roundToResolution(double value, double resolution) {
    if (!(resolution > 0) || !std::isfinite(resolution) || !std::isfinite(value)) {
        return value;
    }
    const int exponent = static_cast<int>(std::floor(std::log10(resolution)));
    // Dividing by an exact power of ten rounds once: 37 / 100 is the double nearest 0.37.
    if (exponent < 0) {
        const double inverse = std::pow(10.0, -exponent);
        return std::round(value * inverse) / inverse;
    }
    const double quantum = std::pow(10.0, exponent);
    return std::round(value / quantum) * quantum;
}

void setAxisTicks(QCategoryAxis* axis, double lo, double hi, TickStyle style, int targetTicks) {
    if (!(hi > lo)) {
        hi = lo + 1;
    }
    const QList<AxisTick> ticks =
        style == TickStyle::LogCount
            ? logCountTicks(hi)
            : linearTicks(lo, hi, targetTicks, style == TickStyle::Integer);
    for (const QString& label : axis->categoriesLabels()) {
        axis->remove(label);
    }
    axis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    // A category ends at each tick: the start lies below the first one so that each is kept.
    const double first = ticks.isEmpty() ? lo : std::min(lo, ticks.front().value);
    axis->setStartValue(first - std::max(1.0, hi - lo));
    axis->setRange(lo, hi);
    for (const AxisTick& tick : ticks) {
        if (tick.value >= lo && tick.value <= hi) {
            axis->append(tick.label, tick.value);
        }
    }
}

}  // namespace quantscope::widgets
