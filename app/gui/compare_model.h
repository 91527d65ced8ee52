#pragma once
// The comparison table: one row per compared config, a column per metric and storage. Rows
// follow the session's list; the numbers come from its latest comparison job and show "…"
// while a row is being computed.

#include <QAbstractTableModel>
#include <QJsonArray>
#include <string_view>

namespace quantscope::app {

class AnalysisSession;
struct ComparisonRow;

class CompareModel : public QAbstractTableModel {
    Q_OBJECT

public:
    // Columns: the config, one per metric of core's metric_descriptors(), then the storage
    // (bits per value, bytes) and the clipping range.
    static constexpr int ConfigColumn = 0;
    static int columnOfMetric(std::string_view key);

    explicit CompareModel(AnalysisSession* session, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // The computed row for config `row`, or null while it is not computed.
    const ComparisonRow* resultRow(int row) const;

    // Every row with full-precision numbers: CSV with a header line, or JSON objects.
    QString toCsv() const;
    QJsonArray toJson() const;
    // What the rows measured: the selected source's spec and the tensor's name.
    QString sourceSpec() const;
    QString tensorName() const;

private:
    void reset();

    AnalysisSession* session_;
};

}  // namespace quantscope::app
