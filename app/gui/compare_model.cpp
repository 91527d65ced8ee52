#include "compare_model.h"

#include <QJsonObject>
#include <QLocale>
#include <cmath>

#include "analysis_session.h"
#include "config_json.h"

namespace quantscope::app {

namespace {

QString number(double v, int precision) {
    if (std::isinf(v)) {
        return v > 0 ? QStringLiteral("∞") : QStringLiteral("-∞");
    }
    return QString::number(v, 'g', precision);
}

const char* columnKey(int column) {
    static const char* keys[] = {"config",
                                 "sqnr_db",
                                 "mse",
                                 "rmse",
                                 "max_abs_error",
                                 "mean_error",
                                 "cosine_similarity",
                                 "clipped_fraction",
                                 "zero_fraction",
                                 "kl_divergence",
                                 "outlier_fraction",
                                 "bits_per_value",
                                 "bytes",
                                 "clip_range"};
    return keys[column];
}

double columnValue(const ComparisonRow& row, int column) {
    const Metrics& m = row.metrics;
    switch (column) {
        case CompareModel::Sqnr:
            return m.sqnr_db;
        case CompareModel::Mse:
            return m.mse;
        case CompareModel::Rmse:
            return m.rmse;
        case CompareModel::MaxError:
            return m.max_abs_error;
        case CompareModel::MeanError:
            return m.mean_error;
        case CompareModel::Cosine:
            return m.cosine_similarity;
        case CompareModel::Clipped:
            return m.clipped_fraction;
        case CompareModel::Zeroed:
            return m.zero_fraction;
        case CompareModel::Kl:
            return m.kl_divergence;
        case CompareModel::Outliers:
            return m.outlier_fraction;
        case CompareModel::BitsPerValue:
            return row.storage.bits_per_value;
        case CompareModel::Bytes:
            return static_cast<double>(row.storage.bytes);
        default:
            return 0;
    }
}

}  // namespace

CompareModel::CompareModel(AnalysisSession* session, QObject* parent)
    : QAbstractTableModel(parent), session_(session) {
    connect(session_, &AnalysisSession::comparedConfigsChanged, this, &CompareModel::reset);
    connect(session_, &AnalysisSession::comparisonFinished, this, [this] {
        if (rowCount() > 0) {
            emit dataChanged(index(0, Sqnr), index(rowCount() - 1, ColumnCount - 1));
        }
    });
    connect(session_, &AnalysisSession::tensorChanged, this, [this] {
        if (rowCount() > 0) {
            emit dataChanged(index(0, Sqnr), index(rowCount() - 1, ColumnCount - 1));
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
    return parent.isValid() ? 0 : ColumnCount;
}

const ComparisonRow* CompareModel::resultRow(int row) const {
    const auto comparison = session_->comparison();
    const auto& configs = session_->comparedConfigs();
    if (!comparison || row < 0 || static_cast<std::size_t>(row) >= configs.size() ||
        static_cast<std::size_t>(row) >= comparison->rows.size()) {
        return nullptr;
    }
    const ComparisonRow& result = comparison->rows[static_cast<std::size_t>(row)];
    return sameConfig(result.config, configs[static_cast<std::size_t>(row)]) ? &result : nullptr;
}

QVariant CompareModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation == Qt::Vertical) {
        return role == Qt::DisplayRole ? QVariant(section + 1) : QVariant();
    }
    static const char* titles[] = {"Config",   "SQNR (dB)",  "MSE",     "RMSE",      "Max |E|",
                                   "Mean E",   "Cosine",     "Clipped", "Zeroed",    "KL",
                                   "Outliers", "Bits/value", "Bytes",   "Clip range"};
    static const char* tips[] = {"format scheme granularity calibration rounding",
                                 "10 log10(Σx² / ΣE²): higher is better, about 6.02 dB per bit",
                                 "mean of E², E = x − Q(x)",
                                 "square root of the MSE",
                                 "largest |E|: half a step unless values are clipped",
                                 "mean of E: the bias",
                                 "x·Q(x) / (|x||Q(x)|)",
                                 "share of values outside the clipping range",
                                 "share of non-zero values that became 0",
                                 "KL divergence between the histograms of x and Q(x), in nats",
                                 "share of values kept in FP16 by the outlier threshold",
                                 "storage per value including scales, zero points and outliers",
                                 "total storage in bytes",
                                 "the clipping range the calibration chose (first group)"};
    if (section < 0 || section >= ColumnCount) {
        return {};
    }
    if (role == Qt::DisplayRole) {
        return tr(titles[section]);
    }
    if (role == Qt::ToolTipRole) {
        return tr(tips[section]);
    }
    return {};
}

QVariant CompareModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid()) {
        return {};
    }
    const auto& config = session_->comparedConfigs()[static_cast<std::size_t>(index.row())];
    const ComparisonRow* row = resultRow(index.row());
    const int column = index.column();
    if (role == Qt::TextAlignmentRole) {
        return column == Config ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    if (role == Qt::ToolTipRole && row && !row->error.isEmpty()) {
        return row->error;
    }
    if (role != Qt::DisplayRole) {
        return {};
    }
    if (column == Config) {
        return QString::fromStdString(describe(config));
    }
    if (!row) {
        return QStringLiteral("…");
    }
    if (!row->error.isEmpty()) {
        return column == Sqnr ? tr("error") : QString();
    }
    switch (column) {
        case Sqnr:
            return number(row->metrics.sqnr_db, 4);
        case Clipped:
        case Zeroed:
        case Outliers:
            return number(100 * columnValue(*row, column), 4) + QStringLiteral(" %");
        case Cosine:
            return number(row->metrics.cosine_similarity, 7);
        case Bytes:
            return QLocale().toString(static_cast<qlonglong>(row->storage.bytes));
        case ClipRange:
            return QStringLiteral("[%1, %2]").arg(number(row->clipMin, 4), number(row->clipMax, 4));
        default:
            return number(columnValue(*row, column), 5);
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
    QStringList header{QStringLiteral("source"), QStringLiteral("tensor")};
    for (int c = 0; c < ColumnCount; ++c) {
        header << QString::fromLatin1(columnKey(c));
    }
    header.insert(2 + ClipRange, QStringLiteral("clip_min"));
    header[2 + ClipRange + 1] = QStringLiteral("clip_max");
    lines << header.join(QLatin1Char(','));
    for (int r = 0; r < rowCount(); ++r) {
        const auto& config = session_->comparedConfigs()[static_cast<std::size_t>(r)];
        QStringList fields{csvField(sourceSpec()), csvField(tensorName()),
                           csvField(QString::fromStdString(describe(config)))};
        const ComparisonRow* row = resultRow(r);
        for (int c = Sqnr; c < ClipRange; ++c) {
            fields << (row && row->error.isEmpty() ? QString::number(columnValue(*row, c), 'g', 17)
                                                   : QString());
        }
        fields << (row ? QString::number(row->clipMin, 'g', 17) : QString())
               << (row ? QString::number(row->clipMax, 'g', 17) : QString());
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
            for (int c = Sqnr; c < ClipRange; ++c) {
                const double v = columnValue(*row, c);
                // JSON has no Inf: an exact quantization's SQNR is written as null.
                object.insert(QString::fromLatin1(columnKey(c)),
                              std::isfinite(v) ? QJsonValue(v) : QJsonValue());
            }
            object.insert("clip_min", row->clipMin);
            object.insert("clip_max", row->clipMax);
        } else if (row) {
            object.insert("error", row->error);
        }
        rows.append(object);
    }
    return rows;
}

}  // namespace quantscope::app
