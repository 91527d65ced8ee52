#pragma once
// One undoable change of the session's quantization config.

#include <QUndoCommand>

#include "quantscope/quant/quant_config.h"

namespace quantscope::app {

class AnalysisSession;

class ConfigCommand : public QUndoCommand {
public:
    ConfigCommand(AnalysisSession* session, QuantConfig before, QuantConfig after,
                  const QString& text);

    void undo() override;
    void redo() override;

    const QuantConfig& before() const { return before_; }
    const QuantConfig& after() const { return after_; }

private:
    AnalysisSession* session_;
    QuantConfig before_;
    QuantConfig after_;
};

}  // namespace quantscope::app
