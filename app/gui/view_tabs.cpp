#include "view_tabs.h"

#include <QAction>
#include <QEvent>
#include <QMenu>
#include <QScrollArea>
#include <QStackedWidget>
#include <QTabBar>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>

#include "chart_export.h"

namespace quantscope::app {

namespace {

// Ctrl+1 ... Ctrl+9, then Ctrl+0: the entries as a keyboard counts them.
constexpr int kShortcutEntries = 10;

// Holds a view inside its scroll area with the view's minimum as the only constraint. A scroll
// area sizes a widget whose layout has height-for-width (any word-wrapped label) to its
// preferred height, and would scroll views that fit.
class ViewHolder : public QWidget {
public:
    explicit ViewHolder(QWidget* view) : view_(view) {
        view->setParent(this);
        view->installEventFilter(this);
    }
    QSize sizeHint() const override { return view_->sizeHint(); }
    QSize minimumSizeHint() const override {
        return view_->minimumSizeHint().expandedTo(view_->minimumSize());
    }

protected:
    void resizeEvent(QResizeEvent* event) override {
        QWidget::resizeEvent(event);
        view_->setGeometry(rect());
    }
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (watched == view_ && event->type() == QEvent::LayoutRequest) {
            updateGeometry();  // the view's minimum may have changed
        }
        return QWidget::eventFilter(watched, event);
    }

private:
    QWidget* view_;
};

}  // namespace

ViewTabs::ViewTabs(QWidget* parent)
    : QWidget(parent), stack_(new QStackedWidget(this)), toolBar_(new QToolBar(tr("Views"), this)) {
    bar_ = new QTabBar(toolBar_);
    bar_->setDocumentMode(true);
    bar_->setExpanding(false);
    bar_->setDrawBase(false);
    // The bar spans the window: a toolbar above the docks, fixed there, not a thing to hide.
    toolBar_->setObjectName(QStringLiteral("viewsToolBar"));
    toolBar_->setMovable(false);
    toolBar_->setFloatable(false);
    toolBar_->toggleViewAction()->setVisible(false);
    toolBar_->addWidget(bar_);
    // The window's room goes to the views, not to the docks beside them (as QTabWidget's does).
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(stack_);
    connect(bar_, &QTabBar::currentChanged, stack_, &QStackedWidget::setCurrentIndex);
    connect(bar_, &QTabBar::currentChanged, this, &ViewTabs::announce);
}

int ViewTabs::addView(QWidget* view, const QString& title, const QString& group) {
    // A view wider or taller than the room beside the docks scrolls, rather than making the
    // window wider than a 1280-pixel screen (and pushing the Metrics dock off it).
    auto* frame = new QScrollArea;
    frame->setFrameShape(QFrame::NoFrame);
    frame->setWidgetResizable(true);
    frame->setWidget(new ViewHolder(view));
    QTabWidget* page = nullptr;
    if (!group.isEmpty()) {
        QStringList members;
        for (const View& v : views_) {
            if (v.group == group) {
                page = v.page;
                members << widgets::withoutMnemonic(v.title);
            }
        }
        if (page == nullptr) {
            page = new QTabWidget(stack_);
            page->setDocumentMode(true);
            stack_->addWidget(page);
            bar_->addTab(group);
            connect(page, &QTabWidget::currentChanged, this, &ViewTabs::announce);
        }
        page->addTab(frame, title);
        members << widgets::withoutMnemonic(title);
        bar_->setTabToolTip(stack_->indexOf(page), members.join(QStringLiteral(", ")));
    } else {
        stack_->addWidget(frame);
        bar_->addTab(title);
    }
    views_.append({view, frame, title, group, page});
    announce();
    return count() - 1;
}

QTabBar* ViewTabs::groupBar(const QString& group) const {
    for (const View& v : views_) {
        if (v.group == group) {
            return v.page->tabBar();
        }
    }
    return nullptr;
}

QWidget* ViewTabs::widget(int view) const {
    return view >= 0 && view < count() ? views_[view].widget : nullptr;
}

QString ViewTabs::tabText(int view) const {
    return view >= 0 && view < count() ? views_[view].title : QString();
}

int ViewTabs::entryOf(int view) const {
    if (view < 0 || view >= count()) {
        return -1;
    }
    const View& v = views_[view];
    return stack_->indexOf(v.page != nullptr ? static_cast<QWidget*>(v.page) : v.frame);
}

int ViewTabs::currentIndex() const {
    const int entry = stack_->currentIndex();
    for (int i = 0; i < count(); ++i) {
        const View& v = views_[i];
        if (entryOf(i) == entry && (v.page == nullptr || v.page->currentWidget() == v.frame)) {
            return i;
        }
    }
    return -1;
}

QWidget* ViewTabs::currentWidget() const {
    return widget(currentIndex());
}

void ViewTabs::setCurrentIndex(int view) {
    if (view < 0 || view >= count()) {
        return;
    }
    const View& v = views_[view];
    if (v.page != nullptr) {
        v.page->setCurrentWidget(v.frame);
    }
    bar_->setCurrentIndex(entryOf(view));
}

void ViewTabs::addViewActions(QMenu* menu) {
    for (int entry = 0; entry < bar_->count(); ++entry) {
        bool first = true;
        QString group;
        for (int i = 0; i < count(); ++i) {
            if (entryOf(i) != entry) {
                continue;
            }
            group = views_[i].group;
            if (first && !group.isEmpty()) {
                menu->addSection(widgets::withoutMnemonic(group));
            }
            QAction* action = menu->addAction(widgets::withoutMnemonic(views_[i].title), this,
                                              [this, i] { setCurrentIndex(i); });
            if (first && entry < kShortcutEntries) {
                const int digit = (entry + 1) % kShortcutEntries;
                action->setShortcut(
                    QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_0 + digit)));
            }
            first = false;
        }
        if (!group.isEmpty()) {
            menu->addSeparator();
        }
    }
}

QSize ViewTabs::sizeHint() const {
    QSize hint = QWidget::sizeHint();
    for (const View& v : views_) {
        hint = hint.expandedTo(v.widget->sizeHint());
    }
    return hint;
}

QSize ViewTabs::minimumSizeHint() const {
    return views_.isEmpty() ? QWidget::minimumSizeHint() : views_.front().widget->minimumSizeHint();
}

void ViewTabs::announce() {
    const int view = currentIndex();
    if (view != announced_) {
        announced_ = view;
        emit currentChanged(view);
    }
}

}  // namespace quantscope::app
