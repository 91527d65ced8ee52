#pragma once
// The Sources dock: the open files and generated signals as a tree of tensors (dtype, shape,
// size) with a filter box, a generator picker, and a banner for the last loading problem.
// Selecting a tensor reads it into the session (in the background).

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QToolButton;
class QTreeView;

namespace quantscope::app {

class AnalysisSession;
class SourcesModel;

class SourcesPanel : public QWidget {
    Q_OBJECT

public:
    explicit SourcesPanel(AnalysisSession* session, QWidget* parent = nullptr);

    void setOpenAction(QAction* action);
    QTreeView* tree() const { return tree_; }
    QLineEdit* filterBox() const { return filter_; }
    SourcesModel* model() const { return model_; }
    QSortFilterProxyModel* proxy() const { return proxy_; }
    QComboBox* generatorBox() const { return generator_; }
    QLineEdit* generatorParameters() const { return parameters_; }
    QString errorText() const;
    // Opens the generator spec the picker shows.
    void generate();

private:
    void showGeneratorDefaults();
    void onCurrentChanged(const QModelIndex& current);
    void showLoadError(const QString& message);
    void expandNewest();

    AnalysisSession* session_;
    SourcesModel* model_;
    QSortFilterProxyModel* proxy_;
    QTreeView* tree_;
    QLineEdit* filter_;
    qsizetype shownSources_ = 0;
    QToolButton* open_;
    QComboBox* generator_;
    QLineEdit* parameters_;
    QLabel* error_;
};

}  // namespace quantscope::app
