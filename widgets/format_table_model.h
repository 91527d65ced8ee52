#pragma once
// The format table: every code of a format of at most 8 bits (code, bits grouped by field, the
// field values, the value, the class), or for a wider format its range and special values, one
// property per row. Sorting goes through sortRole(), which holds numbers (NaN codes last).

#include <QAbstractTableModel>
#include <QString>
#include <optional>
#include <vector>

#include "quantscope/formats/format.h"

namespace quantscope::widgets {

class FormatTableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    // Formats of at most this many bits list every code; wider ones list their properties.
    static constexpr int kMaxCodeBits = 8;
    static constexpr int kSortRole = Qt::UserRole;

    // The value and class come before the fields: they are what a narrow table must show.
    enum CodeColumn { CodeCol, BitsCol, ValueCol, ClassCol, SignCol, ExponentCol, MantissaCol };

    explicit FormatTableModel(QObject* parent = nullptr);

    void setFormat(const Format& format);
    const Format& format() const { return format_; }
    // True when the rows are codes, false when they are properties.
    bool listsCodes() const { return listsCodes_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // The decoded value of a code row (for tests and the number line).
    double valueAt(int row) const;

private:
    struct Property {
        QString name;
        QString text;
        double value = 0;
    };
    Format format_;
    bool listsCodes_ = true;
    std::vector<CodeFields> codes_;
    std::vector<Property> properties_;
};

// A number as the table writes it: shortest round-trip digits, ∞, NaN, -0 (ASCII minus, so that
// the CSV reads back).
QString formatNumber(double value);
// The rows of `model` as CSV: the header line, then one line per row in the model's order (a
// sorting proxy gives the sorted order). Fields holding a comma or a quote are quoted.
QString tableCsv(const QAbstractItemModel& model);

}  // namespace quantscope::widgets
