#include "error_panel.h"

#include <QChart>
#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QVBoxLayout>
#include <QValueAxis>
#include <cmath>

#include "analysis_session.h"
#include "count_axis.h"
#include "density_image_view.h"
#include "plot_chart_view.h"
#include "step_series.h"

namespace quantscope::app {

ErrorPanel::ErrorPanel(AnalysisSession* session, QWidget* parent)
    : QWidget(parent), session_(session) {
    histogram_ = new widgets::PlotChartView(this);
    histogram_->chart()->setTitle(tr("Error histogram, E = x − Q(x)"));
    histogram_->setAxisTitles(tr("error"), tr("count"));
    histogram_->setYFloor(0);
    density_ = new widgets::DensityImageView(this);
    density_->setTitles(tr("Error against value (density, log colour)"), tr("value x"),
                        tr("error E"));
    density_->setToolTip(
        tr("Each pixel counts the values with that x and that error. Inside "
           "the clipping range the error is a sawtooth within ± half a step;\n"
           "outside it the clipped values fall on straight lines E = x − "
           "clip."));
    readout_ = new QLabel(this);
    logScale_ = new QCheckBox(tr("&Log counts"), this);
    logScale_->setToolTip(
        tr("Count axis as log10(1 + count): rare errors (the tails of stochastic rounding, a "
           "few values near the clip) become visible."));
    auto* splitter = new QSplitter(Qt::Vertical, this);
    charts_ = splitter;
    splitter->addWidget(histogram_);
    splitter->addWidget(density_);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter, 1);
    auto* bar = new QHBoxLayout;
    bar->addWidget(logScale_);
    bar->addWidget(readout_, 1);
    layout->addLayout(bar);
    connect(logScale_, &QCheckBox::toggled, this, &ErrorPanel::showOutcome);
    connect(density_, &widgets::DensityImageView::hovered, this, [this](QPointF v) {
        readout_->setText(tr("x = %1   E = %2").arg(v.x(), 0, 'g', 5).arg(v.y(), 0, 'g', 4));
    });
    connect(histogram_, &widgets::PlotChartView::hovered, this,
            [this](QPointF v) { readout_->setText(tr("E = %1").arg(v.x(), 0, 'g', 5)); });
    connect(session_, &AnalysisSession::analysisFinished, this, &ErrorPanel::showOutcome);
    connect(session_, &AnalysisSession::tensorChanged, this, [this] {
        histogram_->resetZoom();
        histogram_->clear();
        density_->clear();
    });
}

void ErrorPanel::showOutcome() {
    const auto outcome = session_->outcome();
    if (!outcome) {
        return;
    }
    const Histogram& error = outcome->plot.error;
    auto points = widgets::histogramStepPoints(error);
    const bool log = logScale_->isChecked();
    widgets::countsToAxis(points, log);
    histogram_->axisX()->setTitleText(tr("error"));
    widgets::setCountAxis(histogram_, log);
    // The bins span the rounding error of the values inside the clipping range; the clipped
    // values' larger errors are counted beside them (and drawn in the density view).
    QString name = tr("Error (%1 bins)").arg(error.bins());
    if (error.below + error.above > 0) {
        name +=
            tr("; %1 larger errors of clipped values off the axis").arg(error.below + error.above);
    }
    histogram_->setCurves({{name, points, QColor(200, 30, 45), 1.2, Qt::SolidLine, true}});
    density_->setDensity(outcome->errorDensity);
}

}  // namespace quantscope::app
