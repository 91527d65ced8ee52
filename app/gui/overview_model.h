#pragma once
// The Overview table: one row per tensor of a model (core's OverviewRow), the columns name,
// shape, layer, parameters and bytes as stored, then per config a group of SQNR, MSE, max
// |error|, clipped and bytes after, with the SQNR difference to the first config from the
// second group on. Rows are appended as the engine finishes them. Qt::UserRole holds each
// cell's number for sorting (an error row sorts below every SQNR).

#include <QAbstractTableModel>
#include <vector>

#include "quantscope/model/model_overview.h"

namespace quantscope::app {

class OverviewModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum FixedColumn { Name, Shape, Layer, Parameters, BytesBefore, FixedColumns };
    enum GroupColumn { Sqnr, Mse, MaxError, Clipped, BytesAfter, DeltaSqnr };

    explicit OverviewModel(QObject* parent = nullptr);

    // Empties the table for a new run under these configs.
    void reset(std::vector<QuantConfig> configs);
    void appendRow(OverviewRow row);

    const std::vector<QuantConfig>& configs() const { return configs_; }
    const std::vector<OverviewRow>& rows() const { return rows_; }
    // The column of `part` in config `config`'s group.
    static int column(std::size_t config, GroupColumn part);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::vector<QuantConfig> configs_;
    std::vector<OverviewRow> rows_;
};

}  // namespace quantscope::app
