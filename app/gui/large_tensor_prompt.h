#pragma once
// The question a tensor larger than the memory limit (Preferences) asks before it is read: all
// of it, a strided sample for the views, or nothing.

#include <cstdint>

#include "analysis_session.h"

class QWidget;

namespace quantscope::app {

AnalysisSession::LargeTensorChoice askLargeTensor(QWidget* parent, const TensorInfo& info,
                                                  std::int64_t stride, std::int64_t limitBytes);

}  // namespace quantscope::app
