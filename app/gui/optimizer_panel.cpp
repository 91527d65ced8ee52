#include "optimizer_panel.h"

#include <QChart>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "job_bar.h"
#include "plot_chart_view.h"
#include "series_palette.h"

namespace quantscope::app {

namespace {

// FP32 in the text colour (the reference), int8 vermillion, the dynamic map blue.
int formatColour(StateFormat format) {
    switch (format) {
        case StateFormat::Fp32:
            return 7;
        case StateFormat::Int8:
            return 3;
        case StateFormat::Dynamic8:
            return 1;
    }
    return 7;
}

QString label(StateFormat format) {
    return QString::fromUtf8(state_format_label(format).data(),
                             static_cast<qsizetype>(state_format_label(format).size()));
}

// log10 of a per-step series, leaving out the steps where it is 0 (nothing lost: no point on a
// log scale).
QList<QPointF> log10Points(const std::vector<double>& series, double scale = 1) {
    QList<QPointF> points;
    for (std::size_t t = 0; t < series.size(); ++t) {
        if (series[t] > 0 && std::isfinite(series[t])) {
            points.append({static_cast<double>(t + 1), std::log10(series[t] * scale)});
        }
    }
    return points;
}

QString number(double v, int digits = 3) {
    return QString::number(v, 'g', digits);
}

}  // namespace

OptimizerPanel::OptimizerPanel(QWidget* parent) : QWidget(parent) {
    const TaskSpec task = adam_demo_task();
    const TrainSettings settings = adam_demo_settings();
    const AdamSettings adam = adam_demo_optimizer();

    task_ = new QComboBox(this);
    task_->addItem(tr("blobs (4 clusters)"), static_cast<int>(TaskKind::Blobs));
    task_->addItem(tr("spiral (4 arms)"), static_cast<int>(TaskKind::Spiral));
    task_->setCurrentIndex(task.kind == TaskKind::Blobs ? 0 : 1);
    task_->setToolTip(tr("The generated classification task the MLP learns"));
    epochs_ = new QSpinBox(this);
    epochs_->setRange(1, 100);
    epochs_->setValue(settings.epochs);
    epochs_->setToolTip(tr("Epochs of 57 batches of 32 points"));
    lr_ = new QDoubleSpinBox(this);
    lr_->setDecimals(4);
    lr_->setRange(0.0001, 1);
    lr_->setSingleStep(0.001);
    lr_->setValue(adam.learning_rate);
    lr_->setToolTip(tr("Adam's learning rate (β1 0.9, β2 0.999, ε 1e-8)"));
    seed_ = new QSpinBox(this);
    seed_->setRange(0, 1'000'000);
    seed_->setValue(static_cast<int>(task.seed));
    seed_->setToolTip(tr("The task's points, the initial weights and the batch order"));

    auto* form = new QHBoxLayout;
    const auto addField = [&](const QString& text, QWidget* field) {
        auto* l = new QLabel(text, this);
        form->addWidget(l);
        form->addWidget(field);
        form->addSpacing(12);
    };
    addField(tr("Task:"), task_);
    addField(tr("Epochs:"), epochs_);
    addField(tr("Learning rate:"), lr_);
    addField(tr("Seed:"), seed_);
    form->addStretch(1);

    bar_ =
        new JobBar(tr("Train the three runs (runs by itself when this tab is first shown)"), this);

    table_ = new QTableWidget(this);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->verticalHeader()->setVisible(false);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    table_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    lossChart_ = new widgets::PlotChartView(this);
    lossChart_->chart()->setTitle(tr("Training loss (each batch)"));
    lossChart_->setAxisTitles(tr("step"), tr("log₁₀ loss"));
    mChart_ = new widgets::PlotChartView(this);
    mChart_->chart()->setTitle(tr("Storing m: relative RMS error (FP32: 0)"));
    mChart_->setAxisTitles(tr("step"), tr("log₁₀ error"));
    vChart_ = new widgets::PlotChartView(this);
    vChart_->chart()->setTitle(tr("Storing v: relative RMS error (FP32: 0)"));
    vChart_->setAxisTitles(tr("step"), tr("log₁₀ error"));
    zeroedChart_ = new widgets::PlotChartView(this);
    zeroedChart_->chart()->setTitle(tr("Non-zero v stored as 0 (the update becomes m / ε)"));
    zeroedChart_->setAxisTitles(tr("step"), tr("% of v"));
    zeroedChart_->setYFloor(0);
    for (widgets::PlotChartView* chart : {lossChart_, mChart_, vChart_, zeroedChart_}) {
        chart->setXTickStyle(widgets::TickStyle::Integer);
        QFont small = chart->chart()->legend()->font();
        small.setPointSizeF(small.pointSizeF() * 0.9);
        chart->chart()->legend()->setFont(small);
    }
    charts_ = new QWidget(this);
    auto* grid = new QGridLayout(charts_);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(lossChart_, 0, 0);
    grid->addWidget(zeroedChart_, 0, 1);
    grid->addWidget(mChart_, 1, 0);
    grid->addWidget(vChart_, 1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(form);
    layout->addWidget(bar_);
    layout->addWidget(table_);
    layout->addWidget(charts_, 1);

    connect(bar_->runButton(), &QPushButton::clicked, this, &OptimizerPanel::run);
    connect(bar_->cancelButton(), &QPushButton::clicked, this, &OptimizerPanel::cancel);
    job_.setProgressHandler([this] { showProgress(); });
    job_.setFinishedHandler([this](std::optional<std::shared_ptr<const OptimizerOutcome>> r) {
        showProgress();
        const bool has = r && *r;
        if (bar_->accept(has, has ? (*r)->error : QString())) {
            outcome_ = *r;
            showOutcome();
        }
        emit finished();
    });
    bar_->note()->setText(tr("The three runs train when this tab is shown."));
}

void OptimizerPanel::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (!ranOnce_ && !job_.isBusy()) {
        run();
    }
}

void OptimizerPanel::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    // The curves' colours follow the palette (the FP32 curve is in the text colour).
    if (event->type() == QEvent::PaletteChange && outcome_) {
        showOutcome();
    }
}

QLabel* OptimizerPanel::noteLabel() const {
    return bar_->note();
}

void OptimizerPanel::cancel() {
    job_.cancel();
}

void OptimizerPanel::run() {
    ranOnce_ = true;
    job_.request([this]() -> BackgroundJob<std::shared_ptr<const OptimizerOutcome>>::Task {
        TaskSpec task = adam_demo_task();
        task.kind = static_cast<TaskKind>(task_->currentData().toInt());
        task.seed = static_cast<std::uint64_t>(seed_->value());
        TrainSettings settings = adam_demo_settings();
        settings.epochs = epochs_->value();
        settings.seed = task.seed;
        AdamSettings adam = adam_demo_optimizer();
        adam.learning_rate = lr_->value();
        settings.learning_rate = adam.learning_rate;
        return [=](JobControl& control) -> std::shared_ptr<const OptimizerOutcome> {
            return guarded_job<OptimizerOutcome>("the training", [&](OptimizerOutcome& outcome) {
                outcome.task = task;
                outcome.settings = settings;
                outcome.adam = adam;
                control.setProgressRange(0, JobBar::kSteps);
                outcome.comparison = run_adam_comparison(
                    task, settings, adam,
                    [&control](std::size_t done, std::size_t total) {
                        control.setProgressValue(
                            static_cast<int>(JobBar::kSteps * static_cast<double>(done) /
                                             static_cast<double>(total)));
                        return !control.isCancelled();
                    },
                    control.cancelFlag());
                return !outcome.comparison.cancelled;
            });
        };
    });
    showProgress();
}

void OptimizerPanel::showProgress() {
    bar_->showBusy(job_.isBusy(), job_.progressValue(),
                   tr("Training with FP32, int8 and dynamic-map states…"));
}

void OptimizerPanel::showOutcome() {
    const OptimizerOutcome& o = *outcome_;
    const std::vector<AdamRun>& runs = o.comparison.runs;
    if (runs.empty()) {
        return;
    }
    const std::size_t steps = runs[0].step_losses.size();
    bar_->note()->setText(
        tr("The %1 task, MLP with %2 parameters, %3 steps of Adam (lr %4) from the same "
           "weights on the same batches. Each step dequantizes m and v, updates them, moves the "
           "weights with the float result and stores them again: 8 bits with one FP32 absmax per "
           "block of 2048 values of each tensor.")
            .arg(QString::fromUtf8(to_string(o.task.kind).data()))
            .arg(runs[0].parameters)
            .arg(steps)
            .arg(number(o.adam.learning_rate)));

    const QStringList headers{tr("States"),     tr("Bytes / parameter"), tr("State bytes"),
                              tr("Final loss"), tr("Test accuracy"),     tr("m error"),
                              tr("v error"),    tr("v stored as 0"),     tr("Drift of m, v")};
    table_->setColumnCount(static_cast<int>(headers.size()));
    table_->setHorizontalHeaderLabels(headers);
    table_->setRowCount(static_cast<int>(runs.size()));
    for (int r = 0; r < static_cast<int>(runs.size()); ++r) {
        const AdamRun& run = runs[static_cast<std::size_t>(r)];
        const QStringList cells{
            label(run.format),
            number(run.bytes_per_parameter(), 5),
            QString::number(run.state_bytes),
            number(run.step_losses.empty() ? 0.0 : run.step_losses.back(), 4),
            QStringLiteral("%1 %").arg(number(100 * run.final.accuracy, 4)),
            number(AdamRun::mean(run.first_error)),
            number(AdamRun::mean(run.second_error)),
            QStringLiteral("%1 %").arg(number(100 * AdamRun::mean(run.second_zeroed))),
            QStringLiteral("%1, %2").arg(number(AdamRun::mean(run.first_drift)),
                                         number(AdamRun::mean(run.second_drift)))};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            item->setTextAlignment(c == 0 ? Qt::AlignLeft | Qt::AlignVCenter
                                          : Qt::AlignRight | Qt::AlignVCenter);
            table_->setItem(r, c, item);
        }
    }
    table_->horizontalHeaderItem(5)->setToolTip(
        tr("Mean over the steps of sqrt(Σ (m − stored)² / Σ m²)"));
    table_->horizontalHeaderItem(6)->setToolTip(
        tr("Mean over the steps of sqrt(Σ (v − stored)² / Σ v²)"));
    table_->horizontalHeaderItem(8)->setToolTip(
        tr("The stored state against a float copy fed the same gradients (relative RMS)"));
    table_->resizeRowsToContents();
    int height = table_->horizontalHeader()->height() + 2 * table_->frameWidth();
    for (int r = 0; r < table_->rowCount(); ++r) {
        height += table_->rowHeight(r);
    }
    table_->setFixedHeight(height);

    QList<widgets::Curve> loss, m, v, zeroed;
    for (const AdamRun& run : runs) {
        const QColor colour = widgets::seriesColor(formatColour(run.format), palette());
        const QString name = label(run.format);
        // FP32 wide, under the others: where the dynamic map's curve lies on it, it still shows.
        const bool reference = run.format == StateFormat::Fp32;
        loss.append({name, log10Points(run.step_losses), colour, reference ? 3.5 : 1.2});
        if (reference) {
            continue;  // stores exactly: no error, nothing on a log scale
        }
        m.append({name, log10Points(run.first_error), colour, 1.2});
        v.append({name, log10Points(run.second_error), colour, 1.2});
        QList<QPointF> z;
        for (std::size_t t = 0; t < run.second_zeroed.size(); ++t) {
            z.append({static_cast<double>(t + 1), 100 * run.second_zeroed[t]});
        }
        zeroed.append({name, z, colour, 1.2});
    }
    lossChart_->setCurves(loss);
    mChart_->setCurves(m);
    vChart_->setCurves(v);
    zeroedChart_->setCurves(zeroed);
}

}  // namespace quantscope::app
