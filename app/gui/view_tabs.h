#pragma once
// The window's analysis views and how a user picks one. Thirteen views do not fit one row of tabs
// beside the docks, so the entries sit in a bar across the whole window (bar(), for a toolbar),
// and related views share an entry: picking "Training" shows its views (Weights, Optimizer
// states) under a row of sub-tabs of its own. A view keeps its number (the order of addView(),
// MainWindow::Tab) whatever entry holds it, so that sessions, lessons and shortcuts name views,
// not positions on the bar. The interface is QTabWidget's, counted in views.

#include <QList>
#include <QString>
#include <QWidget>

class QMenu;
class QStackedWidget;
class QTabBar;
class QTabWidget;
class QToolBar;

namespace quantscope::app {

class ViewTabs : public QWidget {
    Q_OBJECT

public:
    explicit ViewTabs(QWidget* parent = nullptr);

    // Adds view count(): on an entry of its own, or (group not empty) as a sub-tab of the
    // entry `group`, created by its first view. Returns the view's number.
    int addView(QWidget* view, const QString& title, const QString& group = {});
    // The entries, one per stand-alone view or group, in the order they were first added, on a
    // toolbar for the window's top edge (QMainWindow::addToolBar).
    QTabBar* bar() const { return bar_; }
    QToolBar* toolBar() const { return toolBar_; }
    // The row of sub-tabs of `group`, or null.
    QTabBar* groupBar(const QString& group) const;

    int count() const { return static_cast<int>(views_.size()); }
    QWidget* widget(int view) const;
    QString tabText(int view) const;
    // The entry (position on bar()) that holds a view.
    int entryOf(int view) const;
    int currentIndex() const;
    QWidget* currentWidget() const;
    void setCurrentIndex(int view);

    // One action per view, entry by entry with each group under a heading; Ctrl+1 ... Ctrl+9,
    // Ctrl+0 show the entries (a group's first view).
    void addViewActions(QMenu* menu);

    // As large as the largest view wants, so that the window gives the views the room before
    // the docks. At least what the first view (Histogram) needs, which never scrolls; a view
    // that needs more scrolls rather than widen the window past a 1280-pixel screen.
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void currentChanged(int view);

private:
    struct View {
        QWidget* widget;
        QWidget* frame;  // the scroll area around it
        QString title;
        QString group;
        QTabWidget* page;  // the group's page, or null
    };
    void announce();

    QStackedWidget* stack_;
    QToolBar* toolBar_;  // a child until a window takes it
    QTabBar* bar_;
    QList<View> views_;
    int announced_ = -1;
};

}  // namespace quantscope::app
