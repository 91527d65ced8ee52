#pragma once
// Help > Lessons: guided presets. Each sets the session up (a generated source, the session's
// config, the compared configs, the tab to look at) and shows a short text beside the views
// saying what to look at and why. Every number a lesson's text quotes is one of its figures; the
// lessons test recomputes each figure with the engine and checks the text shows exactly it.

#include <QString>

#include <vector>

#include "quantscope/quant/quant_config.h"
#include "quantscope/quant/quantizer.h"

namespace quantscope::app {

// One number a lesson quotes, and how to get it again from the engine.
struct LessonFigure {
    enum class Kind {
        Result,         // of(result of configs[config]) on the lesson's source
        DbPerBit,       // SQNR of configs[other] minus configs[config], per bit of difference
        RelativeError,  // |relative error| of `value` cast to `format` (direct, nearest even), %
    };
    Kind kind = Kind::Result;
    int config = 0;
    int other = 0;
    double (*of)(const QuantResult&) = nullptr;
    double value = 0;
    QString format;
    int digits = 3;  // significant digits
    QString shown;   // the figure as the text prints it
};

struct Lesson {
    QString title;
    QString source;                    // a gen: spec, opened and studied
    std::vector<QuantConfig> configs;  // [0] becomes the session's config, the rest compared
    int tab = 0;                       // MainWindow::Tab to show
    double inspectValue = 0;           // shown in the Bits dock when inspect is set
    bool inspect = false;
    std::vector<LessonFigure> figures;
    QString text;  // rich text; %1, %2... are the figures' `shown`, in order
};

const std::vector<Lesson>& lessons();

// The lesson's text with its figures filled in.
QString lessonHtml(const Lesson& lesson);

// The figure's value computed again, formatted as the text prints it (`digits` significant digits).
QString formatFigure(const LessonFigure& figure, double value);

}  // namespace quantscope::app
