#pragma once
// In the Sources dock, under the tree: the sources of a restored session that did not open
// (moved, deleted, unreadable), each with why, "Locate…" (pick the file where it is now; the
// session opens it in its place) and "Forget". Hidden while there are none.

#include <QWidget>

class QVBoxLayout;

namespace quantscope::app {

class AnalysisSession;

class MissingSourcesView : public QWidget {
    Q_OBJECT

public:
    explicit MissingSourcesView(AnalysisSession* session, QWidget* parent = nullptr);

    // Opens a file dialog for missing source `index`; tests call locate() directly.
    void chooseLocation(int index);
    void locate(int index, const QString& path);

private:
    void rebuild();

    AnalysisSession* session_;
    QVBoxLayout* rows_;
};

}  // namespace quantscope::app
