#include "lesson_panel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "lessons.h"

namespace quantscope::app {

LessonPanel::LessonPanel(QWidget* parent) : QWidget(parent) {
    text_ = new QTextBrowser(this);
    text_->setOpenExternalLinks(false);
    // A lesson is read beside the views: a comfortable line length, not the screen's width.
    text_->setMinimumWidth(text_->fontMetrics().averageCharWidth() * 40);
    previous_ = new QPushButton(tr("Previous"), this);
    next_ = new QPushButton(tr("Next"), this);
    position_ = new QLabel(this);
    position_->setAlignment(Qt::AlignCenter);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(previous_);
    buttons->addWidget(position_, 1);
    buttons->addWidget(next_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(text_, 1);
    layout->addLayout(buttons);
    connect(previous_, &QPushButton::clicked, this, [this] { emit lessonRequested(current_ - 1); });
    connect(next_, &QPushButton::clicked, this, [this] { emit lessonRequested(current_ + 1); });
    showLesson(-1);
}

void LessonPanel::showLesson(int index) {
    const int count = static_cast<int>(lessons().size());
    current_ = index >= 0 && index < count ? index : -1;
    if (current_ < 0) {
        text_->setHtml(
            tr("<p>Choose a lesson in <b>Help &gt; Lessons</b>. Each one opens a "
               "tensor, sets the configs to compare and says what to look at.</p>"));
        position_->clear();
    } else {
        text_->setHtml(lessonHtml(lessons()[static_cast<std::size_t>(current_)]));
        position_->setText(tr("Lesson %1 of %2").arg(current_ + 1).arg(count));
    }
    previous_->setEnabled(current_ > 0);
    next_->setEnabled(current_ >= 0 && current_ + 1 < count);
}

}  // namespace quantscope::app
