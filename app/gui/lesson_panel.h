#pragma once
// The Lesson dock: the text of the lesson being followed, with Previous and Next.

#include <QWidget>

class QLabel;
class QPushButton;
class QTextBrowser;

namespace quantscope::app {

class LessonPanel : public QWidget {
    Q_OBJECT

public:
    explicit LessonPanel(QWidget* parent = nullptr);

    // Shows lesson `index` of lessons() (its text only: the window sets the session up).
    void showLesson(int index);
    int currentLesson() const { return current_; }
    QTextBrowser* textView() const { return text_; }

signals:
    // Previous or Next was pressed: the window starts that lesson.
    void lessonRequested(int index);

private:
    QTextBrowser* text_;
    QLabel* position_;
    QPushButton* previous_;
    QPushButton* next_;
    int current_ = -1;
};

}  // namespace quantscope::app
