#pragma once
// The Bits dock: the bit inspector following the session. Its first row is the session's format
// at the scale of its first group; integer rows take the session's clipping threshold. A value
// clicked in the Histogram, Error or Signal view lands here.

#include <QWidget>

namespace quantscope::widgets {
class BitInspector;
}

namespace quantscope::app {

class AnalysisSession;

class BitsPanel : public QWidget {
    Q_OBJECT

public:
    explicit BitsPanel(AnalysisSession* session, QWidget* parent = nullptr);

    widgets::BitInspector* inspector() const { return inspector_; }

private:
    void followSession();

    AnalysisSession* session_;
    widgets::BitInspector* inspector_;
    QString shownKey_;
};

}  // namespace quantscope::app
