#include "sources_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStyledItemDelegate>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

#include "analysis_session.h"
#include "missing_sources_view.h"
#include "quantscope/common/generators.h"
#include "sources_model.h"

namespace quantscope::app {

namespace {

// Tensor names that do not fit lose the head every name of their source shares first, then the
// view elides in the middle: "…layers.12.mlp.down_proj.weight" keeps the layer and the tail.
class TensorNameDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override {
        QStyledItemDelegate::initStyleOption(option, index);
        const int prefix = index.data(SourcesModel::kSharedPrefixRole).toInt();
        const int suffix = index.data(SourcesModel::kSharedSuffixRole).toInt();
        const int room = option->rect.width() - 2 * option->fontMetrics.averageCharWidth();
        auto fits = [&] { return option->fontMetrics.horizontalAdvance(option->text) <= room; };
        const QString name = option->text;
        if (prefix > 0 && !fits()) {
            option->text = QStringLiteral("…") + name.mid(prefix);
        }
        // Then the shared tail (".weight"): "…0.attn_norm…" reads where "…0.attn….weight" did not.
        if (suffix > 0 && prefix + suffix < name.size() && !fits()) {
            option->text = (prefix > 0 ? QStringLiteral("…") : QString()) +
                           name.mid(prefix, name.size() - prefix - suffix) + QStringLiteral("…");
        }
    }
};

}  // namespace

SourcesPanel::SourcesPanel(AnalysisSession* session, QWidget* parent)
    : QWidget(parent), session_(session) {
    model_ = new SourcesModel(session_, this);
    proxy_ = new QSortFilterProxyModel(this);
    proxy_->setSourceModel(model_);
    proxy_->setRecursiveFilteringEnabled(true);  // a matching tensor keeps its source visible
    proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy_->setFilterKeyColumn(SourcesModel::Name);

    filter_ = new QLineEdit(this);
    filter_->setPlaceholderText(tr("Filter tensors…"));
    filter_->setClearButtonEnabled(true);
    filter_->setToolTip(
        tr("Shows only tensors whose name contains this text, e.g. 'attn' or "
           "'bias'."));
    connect(filter_, &QLineEdit::textChanged, this, [this](const QString& text) {
        proxy_->setFilterFixedString(text);
        tree_->expandAll();
    });
    open_ = new QToolButton(this);
    auto* top = new QHBoxLayout;
    top->addWidget(filter_, 1);
    top->addWidget(open_);

    tree_ = new QTreeView(this);
    tree_->setModel(proxy_);
    tree_->setUniformRowHeights(true);
    // Names of one model share their head ("model.layers.12.self_attn..."): the tail tells them
    // apart, and the tooltip has the whole name.
    tree_->setTextElideMode(Qt::ElideMiddle);
    tree_->setItemDelegateForColumn(SourcesModel::Name, new TensorNameDelegate(tree_));
    tree_->setAlternatingRowColors(true);
    tree_->header()->setSectionResizeMode(SourcesModel::Name, QHeaderView::Stretch);
    tree_->header()->setStretchLastSection(false);
    for (int c = SourcesModel::DType; c < SourcesModel::ColumnCount; ++c) {
        tree_->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    }
    tree_->setContextMenuPolicy(Qt::CustomContextMenu);
    tree_->setToolTip(
        tr("Open files and generated signals. Select a tensor to study it; drop "
           "files on the window to open them."));
    connect(tree_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &SourcesPanel::onCurrentChanged);
    connect(tree_, &QTreeView::customContextMenuRequested, this, [this](const QPoint& at) {
        const auto [source, tensor] =
            SourcesModel::location(proxy_->mapToSource(tree_->indexAt(at)));
        if (source < 0) {
            return;
        }
        QMenu menu(this);
        menu.addAction(tr("Close %1").arg(session_->sources()[source].spec), this,
                       [this, s = source] { session_->closeSource(s); });
        menu.exec(tree_->viewport()->mapToGlobal(at));
    });
    connect(session_, &AnalysisSession::sourcesChanged, this, &SourcesPanel::expandNewest);

    generator_ = new QComboBox(this);
    for (const GeneratorInfo& g : generators()) {
        QString tip = QString::fromStdString(g.description);
        for (const GeneratorParameter& p : g.parameters) {
            tip += QStringLiteral("\n  %1 (default %2): %3")
                       .arg(QString::fromStdString(p.name))
                       .arg(p.default_value)
                       .arg(QString::fromStdString(p.description));
        }
        generator_->addItem(QString::fromStdString(g.name), QString::fromStdString(g.name));
        generator_->setItemData(generator_->count() - 1, tip, Qt::ToolTipRole);
    }
    generator_->setToolTip(
        tr("Seeded synthetic tensors and signals; hover over an entry for "
           "its parameters."));
    parameters_ = new QLineEdit(this);
    parameters_->setToolTip(
        tr("Parameters as name=value, separated by commas. The same spec "
           "always gives the same values."));
    auto* generate = new QPushButton(tr("&Generate"), this);
    generate->setToolTip(tr("Add the generated tensor to the sources and study it."));
    connect(generator_, &QComboBox::currentIndexChanged, this,
            &SourcesPanel::showGeneratorDefaults);
    connect(generate, &QPushButton::clicked, this, &SourcesPanel::generate);
    connect(parameters_, &QLineEdit::returnPressed, this, &SourcesPanel::generate);
    auto* generatorRow = new QHBoxLayout;
    generatorRow->addWidget(generator_);
    generatorRow->addWidget(parameters_, 1);
    generatorRow->addWidget(generate);

    error_ = new QLabel(this);
    error_->setWordWrap(true);
    error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    error_->setStyleSheet(QStringLiteral("color: #c0392b"));
    error_->setVisible(false);
    connect(session_, &AnalysisSession::loadFailed, this, &SourcesPanel::showLoadError);
    connect(session_, &AnalysisSession::tensorChanged, this, [this] { error_->hide(); });

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(tree_, 1);
    layout->addWidget(error_);
    layout->addWidget(new MissingSourcesView(session_, this));
    layout->addLayout(generatorRow);
    showGeneratorDefaults();
}

void SourcesPanel::setOpenAction(QAction* action) {
    open_->setDefaultAction(action);
}

QString SourcesPanel::errorText() const {
    return error_->isHidden() ? QString() : error_->text();
}

void SourcesPanel::showGeneratorDefaults() {
    const std::string name = generator_->currentData().toString().toStdString();
    QStringList parts;
    for (const GeneratorInfo& g : generators()) {
        if (g.name == name) {
            for (const GeneratorParameter& p : g.parameters) {
                parts << QStringLiteral("%1=%2")
                             .arg(QString::fromStdString(p.name))
                             .arg(p.default_value);
            }
        }
    }
    parameters_->setText(parts.join(QLatin1Char(',')));
}

void SourcesPanel::generate() {
    QString spec = QStringLiteral("gen:") + generator_->currentData().toString();
    const QString parameters = parameters_->text().trimmed();
    if (!parameters.isEmpty()) {
        spec += QLatin1Char(':') + parameters;
    }
    session_->openSource(spec, true);
}

void SourcesPanel::onCurrentChanged(const QModelIndex& current) {
    const auto [source, tensor] = SourcesModel::location(proxy_->mapToSource(current));
    if (source >= 0 && tensor >= 0 &&
        (source != session_->selectedSource() || tensor != session_->selectedTensor())) {
        session_->selectTensor(source, tensor);
    }
}

void SourcesPanel::showLoadError(const QString& message) {
    error_->setText(message);
    error_->setVisible(true);
}

void SourcesPanel::expandNewest() {
    // A file just opened must be seen: a filter typed for the earlier ones would hide it.
    if (session_->sources().size() > shownSources_) {
        filter_->clear();
    }
    shownSources_ = session_->sources().size();
    tree_->expandAll();
}

}  // namespace quantscope::app
