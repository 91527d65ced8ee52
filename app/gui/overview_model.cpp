#include "overview_model.h"

#include <QLocale>
#include <limits>

#include "quantscope/common/text.h"
#include "quantscope/quant/config_list.h"
#include "quantscope/quant/metric_descriptors.h"

namespace quantscope::app {

namespace {

// The first group has no difference column.
constexpr int kFirstGroup = 5;
constexpr int kGroup = 6;

QString number(double v, int digits) {
    return QString::fromStdString(significant_text(v, digits, NumberSymbols::Unicode));
}

QString bytesText(std::int64_t bytes) {
    return QLocale::system().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

// Config and part of a column past the fixed ones.
std::pair<std::size_t, int> groupOf(int column) {
    const int c = column - OverviewModel::FixedColumns;
    if (c < kFirstGroup) {
        return {0, c};
    }
    return {static_cast<std::size_t>(1 + (c - kFirstGroup) / kGroup), (c - kFirstGroup) % kGroup};
}

double sqnrDelta(const OverviewRow& row, std::size_t config) {
    const double a = row.cells[config].metrics.sqnr_db;
    const double b = row.cells[0].metrics.sqnr_db;
    return a == b ? 0.0 : a - b;
}

}  // namespace

OverviewModel::OverviewModel(QObject* parent) : QAbstractTableModel(parent) {}

int OverviewModel::column(std::size_t config, GroupColumn part) {
    if (config == 0) {
        return FixedColumns + static_cast<int>(part);
    }
    return FixedColumns + kFirstGroup + static_cast<int>(config - 1) * kGroup +
           static_cast<int>(part);
}

void OverviewModel::reset(std::vector<QuantConfig> configs) {
    beginResetModel();
    configs_ = std::move(configs);
    rows_.clear();
    endResetModel();
}

void OverviewModel::appendRow(OverviewRow row) {
    const int at = static_cast<int>(rows_.size());
    beginInsertRows({}, at, at);
    rows_.push_back(std::move(row));
    endInsertRows();
}

int OverviewModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int OverviewModel::columnCount(const QModelIndex& parent) const {
    if (parent.isValid() || configs_.empty()) {
        return parent.isValid() ? 0 : FixedColumns;
    }
    return FixedColumns + kFirstGroup + static_cast<int>(configs_.size() - 1) * kGroup;
}

QVariant OverviewModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= static_cast<int>(rows_.size())) {
        return {};
    }
    const OverviewRow& row = rows_[static_cast<std::size_t>(index.row())];
    const int column = index.column();
    const bool sort = role == Qt::UserRole;
    if (role == Qt::TextAlignmentRole) {
        return column == Name ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                              : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    if (column < FixedColumns) {
        if (role == Qt::ToolTipRole) {
            return QString::fromStdString(valid_utf8(row.error.empty() ? row.name : row.error));
        }
        if (role != Qt::DisplayRole && !sort) {
            return {};
        }
        switch (column) {
            case Name:
                return QString::fromStdString(valid_utf8(row.name));
            case Shape:
                return sort ? QVariant(static_cast<qlonglong>(row.parameters))
                            : QVariant(QString::fromStdString(shape_to_string(row.shape)));
            case Layer:
                if (sort) {
                    return row.layer ? static_cast<qlonglong>(*row.layer) : qlonglong{-1};
                }
                return row.layer ? QString::number(*row.layer) : QString();
            case Parameters:
                return sort ? QVariant(static_cast<qlonglong>(row.parameters))
                            : QVariant(QLocale::system().toString(
                                  static_cast<qlonglong>(row.parameters)));
            case BytesBefore:
                return sort ? QVariant(static_cast<qlonglong>(row.bytes_before))
                            : QVariant(bytesText(row.bytes_before));
            default:
                return {};
        }
    }
    const auto [config, part] = groupOf(column);
    if (config >= row.cells.size()) {
        if (sort) {
            return -std::numeric_limits<double>::infinity();
        }
        return role == Qt::DisplayRole && part == Sqnr ? tr("error") : QVariant();
    }
    const OverviewCell& cell = row.cells[config];
    if (role == Qt::ToolTipRole) {
        return QString::fromStdString(describe(cell.config) +
                                      (cell.note.empty() ? std::string() : "\n" + cell.note));
    }
    if (role != Qt::DisplayRole && !sort) {
        return {};
    }
    switch (part) {
        case Sqnr:
            return sort ? QVariant(cell.metrics.sqnr_db)
                        : QVariant(number(cell.metrics.sqnr_db, 4));
        case Mse:
            return sort ? QVariant(cell.metrics.mse) : QVariant(number(cell.metrics.mse, 3));
        case MaxError:
            return sort ? QVariant(cell.metrics.max_abs_error)
                        : QVariant(number(cell.metrics.max_abs_error, 3));
        case Clipped:
            return sort ? QVariant(cell.metrics.clipped_fraction)
                        : QVariant(number(cell.metrics.clipped_fraction * 100, 3) +
                                   QStringLiteral(" %"));
        case BytesAfter:
            return sort ? QVariant(static_cast<qlonglong>(cell.storage.bytes))
                        : QVariant(bytesText(cell.storage.bytes));
        case DeltaSqnr: {
            const double delta = sqnrDelta(row, config);
            return sort
                       ? QVariant(delta)
                       : QVariant((delta > 0 ? QStringLiteral("+") : QString()) + number(delta, 3));
        }
        default:
            return {};
    }
}

QVariant OverviewModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal) {
        return {};
    }
    if (section < FixedColumns) {
        if (role != Qt::DisplayRole) {
            return {};
        }
        static const char* const names[] = {"Tensor", "Shape", "Layer", "Parameters", "Bytes"};
        return tr(names[section]);
    }
    const auto [config, part] = groupOf(section);
    if (config >= configs_.size()) {
        return {};
    }
    const QString label = QString::fromStdString(config_label(configs_[config]));
    if (role == Qt::ToolTipRole) {
        return QString::fromStdString(describe(configs_[config]));
    }
    if (role != Qt::DisplayRole) {
        return {};
    }
    static const char* const parts[] = {"SQNR dB", "MSE",         "Max |error|",
                                        "Clipped", "Bytes after", "Δ SQNR"};
    return tr(parts[part]) + QLatin1Char('\n') + label;
}

}  // namespace quantscope::app
