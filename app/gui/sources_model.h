#pragma once
// The open sources as a tree for a QTreeView: each source (file or generator) with its tensors
// underneath, columns name, dtype, shape and size. Reset whenever the session's sources change;
// the tensor under study is shown in bold.

#include <QAbstractItemModel>
#include <QHash>

namespace quantscope {
class Source;
}

namespace quantscope::app {

class AnalysisSession;

class SourcesModel : public QAbstractItemModel {
    Q_OBJECT

public:
    enum Column { Name, DType, Shape, Size, ColumnCount };
    // Data role holding {source, tensor} indices (tensor -1 for a source row).
    static constexpr int kLocationRole = Qt::UserRole + 1;
    // On a tensor's name: how many leading characters (up to a '.', '/' or ':') it shares with
    // most tensor names of its source. A narrow column drops them first ("model.decoder." of
    // "model.decoder.layers.12.mlp.down_proj.weight"), then elides in the middle.
    static constexpr int kSharedPrefixRole = Qt::UserRole + 2;
    // On a tensor's name: how many trailing characters (from a separator on: ".weight") it
    // shares with most tensor names of its source, which a narrow column drops next.
    static constexpr int kSharedSuffixRole = Qt::UserRole + 3;

    explicit SourcesModel(AnalysisSession* session, QObject* parent = nullptr);

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // (source, tensor) of an index; tensor is -1 on a source row.
    static std::pair<int, int> location(const QModelIndex& index);
    QModelIndex tensorIndex(int source, int tensor) const;

private:
    // The head (up to and with a separator) and the tail (from a separator on) that at least
    // three names in four of the source share, the longest of each.
    struct SharedAffixes {
        QString prefix;
        QString suffix;
    };
    const SharedAffixes& sharedAffixes(const Source& source) const;
    mutable QHash<const Source*, SharedAffixes> sharedAffixes_;

    void reset();
    void selectionMoved();

    AnalysisSession* session_;
    int boldSource_ = -1;
    int boldTensor_ = -1;
};

}  // namespace quantscope::app
