#pragma once
// The session's undo history as JSON: every step (its name, the config before and after) and
// how many of them are done, so that Ctrl+Z works after a restore as it did before.
// {"index": 2, "steps": [{"text": "Format", "before": {...}, "after": {...}}, ...]}

#include <QJsonObject>
#include <QString>
#include <vector>

#include "quantscope/quant/quant_config.h"

class QUndoStack;

namespace quantscope::app {

class AnalysisSession;

// Only the newest steps are kept: a long afternoon's history would grow every autosave.
inline constexpr int kMaxSavedUndoSteps = 200;

struct UndoStep {
    QString text;
    QuantConfig before;
    QuantConfig after;
};
struct UndoHistory {
    std::vector<UndoStep> steps;
    int index = 0;  // steps done (0 .. steps.size())
};

// Steps that are not config changes are left out (there are none yet).
QJsonObject undoHistoryToJson(const QUndoStack& stack);
// Throws UsageError on a config it cannot read; an index out of range is clamped.
UndoHistory undoHistoryFromJson(const QJsonObject& json);
// Pushes history's steps onto an empty stack (each push redoes its step) and undoes back to
// history.index.
void restoreUndoHistory(QUndoStack& stack, const UndoHistory& history, AnalysisSession* session);

}  // namespace quantscope::app
