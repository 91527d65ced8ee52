#include "format_table_model.h"

#include <QLocale>
#include <cmath>
#include <limits>

namespace quantscope::widgets {

QString formatNumber(double value) {
    if (std::isnan(value)) {
        return QStringLiteral("NaN");
    }
    if (std::isinf(value)) {
        return value > 0 ? QStringLiteral("∞") : QStringLiteral("-∞");
    }
    if (value == 0 && std::signbit(value)) {
        return QStringLiteral("-0");
    }
    // Shortest digits that read back to the same double.
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

FormatTableModel::FormatTableModel(QObject* parent)
    : QAbstractTableModel(parent), format_(parse_format("fp8_e4m3")) {
    setFormat(format_);
}

void FormatTableModel::setFormat(const Format& format) {
    beginResetModel();
    format_ = format;
    listsCodes_ = format.bits() <= kMaxCodeBits;
    codes_.clear();
    properties_.clear();
    if (listsCodes_) {
        for (std::uint32_t code = 0; code < (1u << format.bits()); ++code) {
            codes_.push_back(format.fields(code));
        }
    } else {
        const FormatProperties p = format.properties();
        const auto add = [this](const QString& name, double value, const QString& text = {}) {
            properties_.push_back({name, text.isEmpty() ? formatNumber(value) : text, value});
        };
        const auto yesNo = [](bool b) { return b ? tr("yes") : tr("no"); };
        add(tr("bits"), p.bits,
            QStringLiteral("%1 (%2)").arg(p.bits).arg(QString::fromStdString(p.layout)));
        add(tr("largest finite"), p.max_finite);
        add(tr("most negative finite"), p.min_finite);
        if (p.kind == FormatKind::Float) {
            add(tr("smallest positive normal"), p.min_normal);
            add(tr("smallest positive subnormal"), p.min_subnormal);
            add(tr("epsilon (gap above 1)"), p.epsilon);
            add(tr("exponent bias"), p.bias);
        } else {
            add(tr("step"), p.min_normal);
        }
        add(tr("distinct finite values"), static_cast<double>(p.value_count),
            QString::number(p.value_count));
        add(tr("Inf"), p.has_inf ? 1 : 0, yesNo(p.has_inf));
        add(tr("NaN"), p.has_nan ? 1 : 0, yesNo(p.has_nan));
        add(tr("−0"), p.has_negative_zero ? 1 : 0, yesNo(p.has_negative_zero));
    }
    endResetModel();
}

int FormatTableModel::rowCount(const QModelIndex& parent) const {
    if (parent.isValid()) {
        return 0;
    }
    return static_cast<int>(listsCodes_ ? codes_.size() : properties_.size());
}

int FormatTableModel::columnCount(const QModelIndex& parent) const {
    if (parent.isValid()) {
        return 0;
    }
    return listsCodes_ ? MantissaCol + 1 : 2;
}

double FormatTableModel::valueAt(int row) const {
    return listsCodes_ ? codes_.at(static_cast<std::size_t>(row)).value
                       : properties_.at(static_cast<std::size_t>(row)).value;
}

QVariant FormatTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || (role != Qt::DisplayRole && role != kSortRole &&
                             role != Qt::TextAlignmentRole && role != Qt::ToolTipRole)) {
        return {};
    }
    const auto row = static_cast<std::size_t>(index.row());
    if (!listsCodes_) {
        const Property& p = properties_.at(row);
        if (role == Qt::TextAlignmentRole || role == Qt::ToolTipRole) {
            return {};
        }
        if (index.column() == 0) {
            return p.name;
        }
        return role == kSortRole ? QVariant(p.value) : QVariant(p.text);
    }
    const CodeFields& c = codes_.at(row);
    const bool isFloat = format_.kind() == FormatKind::Float;
    if (role == Qt::TextAlignmentRole) {
        return index.column() == ValueCol || index.column() == CodeCol
                   ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter))
                   : QVariant();
    }
    if (role == Qt::ToolTipRole) {
        return QString::fromStdString(c.formula);
    }
    const bool sort = role == kSortRole;
    switch (index.column()) {
        case CodeCol:
            return sort ? QVariant(c.code)
                        : QVariant(QStringLiteral("0x%1").arg(c.code, (c.bits + 3) / 4, 16,
                                                              QLatin1Char('0')));
        case BitsCol:
            return sort ? QVariant(c.code) : QVariant(QString::fromStdString(c.bit_string));
        case SignCol:
            if (!isFloat && format_.kind() != FormatKind::Integer) {
                return {};
            }
            return sort ? QVariant(c.sign) : QVariant(QString::number(c.sign));
        case ExponentCol:
            if (!isFloat) {
                return {};
            }
            return sort ? QVariant(c.exponent_field)
                        : QVariant(QStringLiteral("%1 (2^%2)")
                                       .arg(c.exponent_field)
                                       .arg(c.unbiased_exponent));
        case MantissaCol:
            if (!isFloat) {
                return {};
            }
            return sort ? QVariant(c.mantissa_field) : QVariant(QString::number(c.mantissa_field));
        case ValueCol:
            // NaN sorts after every number, in either direction's end.
            if (sort) {
                return std::isnan(c.value) ? std::numeric_limits<double>::max() : c.value;
            }
            return formatNumber(c.value);
        case ClassCol:
            return QString::fromLatin1(to_string(c.value_class).data());
        default:
            return {};
    }
}

QVariant FormatTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    if (!listsCodes_) {
        return section == 0 ? tr("property") : tr("value");
    }
    switch (section) {
        case CodeCol:
            return tr("code");
        case BitsCol:
            return format_.kind() == FormatKind::Float ? tr("bits (s e m)") : tr("bits");
        case SignCol:
            return tr("sign");
        case ExponentCol:
            return tr("exponent");
        case MantissaCol:
            return tr("mantissa");
        case ValueCol:
            return tr("value");
        case ClassCol:
            return tr("class");
        default:
            return {};
    }
}

QString tableCsv(const QAbstractItemModel& model) {
    const auto field = [](QString text) {
        if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"'))) {
            text.replace(QLatin1String("\""), QLatin1String("\"\""));
            return QStringLiteral("\"%1\"").arg(text);
        }
        return text;
    };
    QStringList lines;
    QStringList header;
    for (int c = 0; c < model.columnCount(); ++c) {
        header << field(model.headerData(c, Qt::Horizontal, Qt::DisplayRole).toString());
    }
    lines << header.join(QLatin1Char(','));
    for (int r = 0; r < model.rowCount(); ++r) {
        QStringList cells;
        for (int c = 0; c < model.columnCount(); ++c) {
            cells << field(model.data(model.index(r, c), Qt::DisplayRole).toString());
        }
        lines << cells.join(QLatin1Char(','));
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

}  // namespace quantscope::widgets
