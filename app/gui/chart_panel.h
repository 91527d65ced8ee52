#pragma once
// A tab that shows charts: what File > Export View draws is its chart area alone, without the
// check boxes, buttons and readouts around it.

class QWidget;

namespace quantscope::app {

class ChartPanel {
public:
    virtual ~ChartPanel() = default;
    // The widget holding the tab's charts (a chart view, or a splitter of several).
    virtual QWidget* chartArea() const = 0;

protected:
    ChartPanel() = default;
    ChartPanel(const ChartPanel&) = default;
    ChartPanel& operator=(const ChartPanel&) = default;
};

}  // namespace quantscope::app
