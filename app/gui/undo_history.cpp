#include "undo_history.h"

#include <QJsonArray>
#include <QUndoStack>
#include <algorithm>

#include "config_command.h"
#include "config_json.h"

namespace quantscope::app {

QJsonObject undoHistoryToJson(const QUndoStack& stack) {
    QJsonArray steps;
    const int first = std::max(0, stack.count() - kMaxSavedUndoSteps);
    int index = 0;
    for (int i = first; i < stack.count(); ++i) {
        const auto* command = dynamic_cast<const ConfigCommand*>(stack.command(i));
        if (command == nullptr) {
            continue;
        }
        steps.append(QJsonObject{{"text", command->text()},
                                 {"before", configToJson(command->before())},
                                 {"after", configToJson(command->after())}});
        if (i < stack.index()) {
            index = static_cast<int>(steps.size());
        }
    }
    return {{"index", index}, {"steps", steps}};
}

UndoHistory undoHistoryFromJson(const QJsonObject& json) {
    UndoHistory history;
    for (const QJsonValue& value : json.value("steps").toArray()) {
        const QJsonObject step = value.toObject();
        history.steps.push_back({step.value("text").toString(),
                                 configFromJson(step.value("before").toObject()),
                                 configFromJson(step.value("after").toObject())});
    }
    history.index =
        std::clamp(json.value("index").toInt(0), 0, static_cast<int>(history.steps.size()));
    return history;
}

void restoreUndoHistory(QUndoStack& stack, const UndoHistory& history, AnalysisSession* session) {
    for (const UndoStep& step : history.steps) {
        stack.push(new ConfigCommand(session, step.before, step.after, step.text));
    }
    stack.setIndex(history.index);
}

}  // namespace quantscope::app
