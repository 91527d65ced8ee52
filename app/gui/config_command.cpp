#include "config_command.h"

#include "analysis_session.h"

namespace quantscope::app {

ConfigCommand::ConfigCommand(AnalysisSession* session, QuantConfig before, QuantConfig after,
                             const QString& text)
    : QUndoCommand(text), session_(session), before_(std::move(before)), after_(std::move(after)) {}

void ConfigCommand::undo() {
    session_->setConfig(before_);
}

void ConfigCommand::redo() {
    session_->setConfig(after_);
}

}  // namespace quantscope::app
