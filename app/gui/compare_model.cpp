#include "compare_model.h"

#include <QJsonObject>
#include <QLocale>
#include <cmath>

#include "analysis_session.h"
#include "config_json.h"
#include "quantscope/quant/metric_descriptors.h"

namespace quantscope::app {

namespace {

QString number(double v, int precision) {
    return QString::fromStdString(significant_text(v, precision, NumberSymbols::Unicode));
}

QString fromView(std::string_view text) {
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

// The columns after the metrics.
enum Trailing { BitsPerValue, Bytes, ClipRange, TrailingCount };

int metricCount() {
    return static_cast<int>(metric_descriptors().size());
}

int allColumns() {
    return 1 + metricCount() + TrailingCount;
}

// The metric shown in `column`, or null.
const MetricDescriptor* metricAt(int column) {
    return column >= 1 && column <= metricCount()
               ? &metric_descriptors()[static_cast<std::size_t>(column - 1)]
               : nullptr;
}

// Which trailing column `column` is, or -1.
int trailingAt(int column) {
    const int t = column - 1 - metricCount();
    return t >= 0 && t < TrailingCount ? t : -1;
}

// What a machine-readable export writes for a number (core's exact_number_text, as the CLI).
QJsonValue jsonNumber(double v) {
    return std::isfinite(v) ? QJsonValue(v)
                            : QJsonValue(QString::fromStdString(exact_number_text(v)));
}

QString csvNumber(double v) {
    return QString::fromStdString(exact_number_text(v));
}

}  // namespace

int CompareModel::columnOfMetric(std::string_view key) {
    int column = 1;
    for (const MetricDescriptor& metric : metric_descriptors()) {
        if (metric.key == key) {
            return column;
        }
        ++column;
    }
    return -1;
}

CompareModel::CompareModel(AnalysisSession* session, QObject* parent)
    : QAbstractTableModel(parent), session_(session) {
    connect(session_, &AnalysisSession::comparedConfigsChanged, this, &CompareModel::reset);
    connect(session_, &AnalysisSession::comparisonFinished, this, [this] {
        if (rowCount() > 0) {
            emit dataChanged(index(0, 1), index(rowCount() - 1, allColumns() - 1));
        }
    });
    connect(session_, &AnalysisSession::tensorChanged, this, [this] {
        if (rowCount() > 0) {
            emit dataChanged(index(0, 1), index(rowCount() - 1, allColumns() - 1));
        }
    });
}

void CompareModel::reset() {
    beginResetModel();
    endResetModel();
}

int CompareModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(session_->comparedConfigs().size());
}

int CompareModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : allColumns();
}

const ComparisonRow* CompareModel::resultRow(int row) const {
    const auto comparison = session_->comparison();
    const auto& configs = session_->comparedConfigs();
    if (!comparison || row < 0 || static_cast<std::size_t>(row) >= configs.size() ||
        static_cast<std::size_t>(row) >= comparison->rows.size()) {
        return nullptr;
    }
    const ComparisonRow& result = comparison->rows[static_cast<std::size_t>(row)];
    return result.config == configs[static_cast<std::size_t>(row)] ? &result : nullptr;
}

QVariant CompareModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation == Qt::Vertical) {
        return role == Qt::DisplayRole ? QVariant(section + 1) : QVariant();
    }
    if (section < 0 || section >= allColumns() ||
        (role != Qt::DisplayRole && role != Qt::ToolTipRole)) {
        return {};
    }
    const bool title = role == Qt::DisplayRole;
    if (const MetricDescriptor* metric = metricAt(section)) {
        return fromView(title ? metric->label : metric->description);
    }
    switch (trailingAt(section)) {
        case BitsPerValue:
            return title ? tr("Bits/value")
                         : tr("storage per value including scales, zero points and outliers");
        case Bytes:
            return title ? tr("Bytes") : tr("total storage in bytes");
        case ClipRange:
            return title ? tr("Clip range")
                         : tr("the clipping range the calibration chose (first group)");
        default:
            return title ? tr("Config") : tr("format scheme granularity calibration rounding");
    }
}

QVariant CompareModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid()) {
        return {};
    }
    const auto& config = session_->comparedConfigs()[static_cast<std::size_t>(index.row())];
    const ComparisonRow* row = resultRow(index.row());
    const int column = index.column();
    if (role == Qt::TextAlignmentRole) {
        return column == ConfigColumn ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                      : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    if (role == Qt::ToolTipRole && row && !row->error.isEmpty()) {
        return row->error;
    }
    if (role != Qt::DisplayRole) {
        return {};
    }
    if (column == ConfigColumn) {
        return QString::fromStdString(describe(config));
    }
    if (!row) {
        return QStringLiteral("…");
    }
    if (!row->error.isEmpty()) {
        return column == 1 ? tr("error") : QString();
    }
    if (const MetricDescriptor* metric = metricAt(column)) {
        return QString::fromStdString(
            metric_text(*metric, row->metrics, metric->digits, NumberSymbols::Unicode));
    }
    switch (trailingAt(column)) {
        case BitsPerValue:
            return number(row->storage.bits_per_value, 5);
        case Bytes:
            return QLocale().toString(static_cast<qlonglong>(row->storage.bytes));
        case ClipRange:
            return QStringLiteral("[%1, %2]").arg(number(row->clipMin, 4), number(row->clipMax, 4));
        default:
            return {};
    }
}

namespace {

// A CSV field: quoted, with quotes doubled (RFC 4180), so names with commas survive.
QString csvField(const QString& text) {
    QString quoted = text;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

}  // namespace

QString CompareModel::sourceSpec() const {
    const int source = session_->selectedSource();
    return source >= 0 && source < session_->sources().size() ? session_->sources()[source].spec
                                                              : QString();
}

QString CompareModel::tensorName() const {
    const auto tensor = session_->tensor();
    return tensor ? QString::fromStdString(tensor->info.name) : QString();
}

QString CompareModel::toCsv() const {
    QStringList lines;
    // Every row names what it measured: a CSV read later, or beside another, stays attributable.
    // The config as one line (its fields are in the JSON export).
    QStringList header{QStringLiteral("source"), QStringLiteral("tensor"),
                       QStringLiteral("config")};
    for (const MetricDescriptor& metric : metric_descriptors()) {
        header << fromView(metric.key);
    }
    header << QStringLiteral("bits_per_value") << QStringLiteral("bytes")
           << QStringLiteral("clip_min") << QStringLiteral("clip_max");
    lines << header.join(QLatin1Char(','));
    for (int r = 0; r < rowCount(); ++r) {
        const auto& config = session_->comparedConfigs()[static_cast<std::size_t>(r)];
        QStringList fields{csvField(sourceSpec()), csvField(tensorName()),
                           csvField(QString::fromStdString(describe(config)))};
        const ComparisonRow* row = resultRow(r);
        const bool measured = row && row->error.isEmpty();
        for (const MetricDescriptor& metric : metric_descriptors()) {
            fields << (measured ? csvNumber(metric.value(row->metrics)) : QString());
        }
        fields << (measured ? csvNumber(row->storage.bits_per_value) : QString())
               << (measured ? QString::number(row->storage.bytes) : QString())
               << (row ? csvNumber(row->clipMin) : QString())
               << (row ? csvNumber(row->clipMax) : QString());
        lines << fields.join(QLatin1Char(','));
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

QJsonArray CompareModel::toJson() const {
    QJsonArray rows;
    for (int r = 0; r < rowCount(); ++r) {
        const auto& config = session_->comparedConfigs()[static_cast<std::size_t>(r)];
        QJsonObject object{{"source", sourceSpec()},
                           {"tensor", tensorName()},
                           {"config", configToJson(config)},
                           {"description", QString::fromStdString(describe(config))}};
        const ComparisonRow* row = resultRow(r);
        if (row && row->error.isEmpty()) {
            for (const MetricDescriptor& metric : metric_descriptors()) {
                object.insert(fromView(metric.key), jsonNumber(metric.value(row->metrics)));
                if (metric.has_sampling_floor) {
                    object.insert("kl_sampling_floor", jsonNumber(row->metrics.kl_sampling_floor));
                    object.insert("kl_below_sampling_floor", row->metrics.kl_below_sampling_floor);
                }
            }
            object.insert("bits_per_value", jsonNumber(row->storage.bits_per_value));
            object.insert("bytes", static_cast<double>(row->storage.bytes));
            object.insert("clip_min", jsonNumber(row->clipMin));
            object.insert("clip_max", jsonNumber(row->clipMax));
        } else if (row) {
            object.insert("error", row->error);
        }
        rows.append(object);
    }
    return rows;
}

}  // namespace quantscope::app
