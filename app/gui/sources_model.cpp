#include "sources_model.h"

#include <QFileInfo>
#include <QFont>
#include <QLocale>
#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "analysis_session.h"
#include "tensor_sample.h"

namespace quantscope::app {

// internalId: 0 for a source row, source index + 1 for a tensor row.
SourcesModel::SourcesModel(AnalysisSession* session, QObject* parent)
    : QAbstractItemModel(parent), session_(session) {
    connect(session_, &AnalysisSession::sourcesChanged, this, &SourcesModel::reset);
    connect(session_, &AnalysisSession::tensorChanged, this, &SourcesModel::selectionMoved);
}

void SourcesModel::reset() {
    beginResetModel();
    sharedAffixes_.clear();  // a closed source's address may come back for a new one
    boldSource_ = session_->selectedSource();
    boldTensor_ = session_->selectedTensor();
    endResetModel();
}

void SourcesModel::selectionMoved() {
    const QModelIndex before = tensorIndex(boldSource_, boldTensor_);
    boldSource_ = session_->selectedSource();
    boldTensor_ = session_->selectedTensor();
    const QModelIndex after = tensorIndex(boldSource_, boldTensor_);
    for (const QModelIndex& i : {before, after}) {
        if (i.isValid()) {
            emit dataChanged(i, i.siblingAtColumn(ColumnCount - 1),
                             {Qt::FontRole, Qt::DisplayRole});
        }
    }
}

QModelIndex SourcesModel::tensorIndex(int source, int tensor) const {
    if (source < 0 || source >= session_->sources().size() || tensor < 0) {
        return {};
    }
    return index(tensor, 0, index(source, 0));
}

std::pair<int, int> SourcesModel::location(const QModelIndex& index) {
    if (!index.isValid()) {
        return {-1, -1};
    }
    if (index.internalId() == 0) {
        return {index.row(), -1};
    }
    return {static_cast<int>(index.internalId() - 1), index.row()};
}

QModelIndex SourcesModel::index(int row, int column, const QModelIndex& parent) const {
    if (!hasIndex(row, column, parent)) {
        return {};
    }
    if (!parent.isValid()) {
        return createIndex(row, column, quintptr{0});
    }
    return createIndex(row, column, static_cast<quintptr>(parent.row() + 1));
}

QModelIndex SourcesModel::parent(const QModelIndex& child) const {
    if (!child.isValid() || child.internalId() == 0) {
        return {};
    }
    return createIndex(static_cast<int>(child.internalId() - 1), 0, quintptr{0});
}

int SourcesModel::rowCount(const QModelIndex& parent) const {
    if (!parent.isValid()) {
        return static_cast<int>(session_->sources().size());
    }
    if (parent.internalId() != 0 || parent.column() != 0) {
        return 0;
    }
    return static_cast<int>(session_->sources()[parent.row()].source->tensors().size());
}

int SourcesModel::columnCount(const QModelIndex&) const {
    return ColumnCount;
}

QVariant SourcesModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
        case Name:
            return tr("Name");
        case DType:
            return tr("dtype");
        case Shape:
            return tr("Shape");
        case Size:
            return tr("Size");
        default:
            return {};
    }
}

const SourcesModel::SharedAffixes& SourcesModel::sharedAffixes(const Source& source) const {
    if (const auto found = sharedAffixes_.constFind(&source); found != sharedAffixes_.cend()) {
        return *found;
    }
    // The longest head ending at a separator that at least three names in four start with:
    // "model.decoder." even when an "onnx::Reshape" constant stands among the weights; and the
    // longest tail starting at one that as many end with (".weight").
    const auto& tensors = source.tensors();
    std::unordered_map<std::string_view, std::size_t> heads;
    std::unordered_map<std::string_view, std::size_t> tails;
    for (const TensorInfo& info : tensors) {
        const std::string_view name = info.name;
        for (std::size_t i = 0; i + 1 < name.size(); ++i) {
            if (name[i] == '.' || name[i] == '/' || name[i] == ':') {
                ++heads[name.substr(0, i + 1)];
                if (i > 0) {
                    ++tails[name.substr(i)];
                }
            }
        }
    }
    auto longest = [&](const std::unordered_map<std::string_view, std::size_t>& counts) {
        std::string_view best;
        for (const auto& [part, count] : counts) {
            if (tensors.size() >= 2 && 4 * count >= 3 * tensors.size() &&
                part.size() > best.size()) {
                best = part;
            }
        }
        return QString::fromUtf8(best.data(), static_cast<qsizetype>(best.size()));
    };
    return *sharedAffixes_.insert(&source, {longest(heads), longest(tails)});
}

QVariant SourcesModel::data(const QModelIndex& index, int role) const {
    const auto [s, t] = location(index);
    if (s < 0 || s >= session_->sources().size()) {
        return {};
    }
    const OpenedSource& entry = session_->sources()[s];
    if (role == kLocationRole) {
        return QVariant::fromValue(QPoint(s, t));
    }
    if (t < 0) {
        if (role == Qt::DisplayRole && index.column() == Name) {
            const QFileInfo file(entry.spec);
            return entry.spec.startsWith(QLatin1String("gen:")) ? entry.spec : file.fileName();
        }
        if (role == Qt::DisplayRole && index.column() == DType) {
            return QString::fromStdString(entry.source->format_name());
        }
        if (role == Qt::DisplayRole && index.column() == Size) {
            return tr("%n tensor(s)", nullptr, static_cast<int>(entry.source->tensors().size()));
        }
        if (role == Qt::ToolTipRole) {
            QString tip = entry.spec;
            for (const auto& [key, value] : entry.source->metadata()) {
                tip +=
                    QStringLiteral("\n%1: %2")
                        .arg(QString::fromStdString(key), QString::fromStdString(value).left(120));
            }
            return tip;
        }
        return {};
    }
    const auto tensor = static_cast<std::size_t>(t);
    const TensorInfo& info = entry.source->tensors()[tensor];
    if (role == kSharedPrefixRole) {
        // Characters, not bytes: the view counts QString characters.
        const QString& prefix = sharedAffixes(*entry.source).prefix;
        return QString::fromStdString(info.name).startsWith(prefix) ? prefix.size() : 0;
    }
    if (role == kSharedSuffixRole) {
        const QString& suffix = sharedAffixes(*entry.source).suffix;
        const QString name = QString::fromStdString(info.name);
        return name.endsWith(suffix) && name.size() > suffix.size() ? suffix.size() : 0;
    }
    switch (role) {
        case Qt::DisplayRole:
            switch (index.column()) {
                case Name:
                    // A sample is never shown as if it were the whole tensor.
                    if (s == boldSource_ && t == boldTensor_ && session_->sampleStride() > 1) {
                        return tr("%1 (sample: %2)")
                            .arg(QString::fromStdString(info.name),
                                 sampleDescription(session_->sampleStride(),
                                                   session_->sampledCount()));
                    }
                    return QString::fromStdString(info.name);
                case DType:
                    return QString::fromStdString(info.dtype);
                case Shape:
                    return QString::fromStdString(shape_to_string(info.shape));
                case Size:
                    return QLocale().formattedDataSize(info.bytes);
                default:
                    return {};
            }
        case Qt::ToolTipRole: {
            QString tip =
                tr("%1\n%2 %3, %4 values, %5")
                    .arg(QString::fromStdString(info.name), QString::fromStdString(info.dtype),
                         QString::fromStdString(shape_to_string(info.shape)),
                         QLocale().toString(static_cast<qlonglong>(info.count)),
                         QLocale().formattedDataSize(info.bytes));
            if (!entry.source->note(tensor).empty()) {
                tip += QLatin1Char('\n') + QString::fromStdString(entry.source->note(tensor));
            }
            return tip;
        }
        case Qt::FontRole:
            if (s == boldSource_ && t == boldTensor_) {
                QFont font;
                font.setBold(true);
                return font;
            }
            return {};
        case Qt::ForegroundRole:
            if (!entry.source->readable(tensor)) {
                return QPalette().brush(QPalette::Disabled, QPalette::Text);
            }
            return {};
        default:
            return {};
    }
}

}  // namespace quantscope::app
