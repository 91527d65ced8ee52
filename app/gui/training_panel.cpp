#include "training_panel.h"

#include <QChart>
#include <QComboBox>
#include <QEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>

#include "job_bar.h"
#include "plot_chart_view.h"
#include "quantscope/quant/config_list.h"
#include "series_palette.h"

namespace quantscope::app {

namespace {

struct Family {
    const char* label;
    const char* configs;  // parse_config_list's items, on the demo's per-tensor base
};
// Each family spans bit widths so that the chart's x axis is the width.
constexpr Family kFamilies[] = {
    {"int2 … int8, per tensor", "int2; int3; int4; int5; int6; int7; int8"},
    {"int2 … int8, per channel",
     "int2 per-channel; int3 per-channel; int4 per-channel; int5 per-channel; int6 per-channel; "
     "int7 per-channel; int8 per-channel"},
    {"floats fp4 … fp8", "fp4_e2m1; e2m2_finite; fp6_e2m3; e3m3_finite; fp8_e4m3"},
    {"MX blocks of 32", "mxfp4; mxfp6_e2m3; mxfp8_e4m3"},
};
constexpr const char* kUpdateFormats[] = {"bf16", "fp16", "fp8_e4m3", "fp8_e5m2"};

// The series' colours: PTQ, QAT, float; fp32, nearest, stochastic (Okabe-Ito order).
constexpr int kPtqColour = 0;         // orange
constexpr int kQatColour = 1;         // blue
constexpr int kFloatColour = 7;       // the text colour
constexpr int kNearestColour = 4;     // reddish purple
constexpr int kStochasticColour = 2;  // bluish green

QString percent(double fraction) {
    return QString::number(100 * fraction, 'f', 1) + QStringLiteral(" %");
}

// The mean of each epoch's steps: one point per epoch.
QList<QPointF> perEpoch(const std::vector<double>& perStep, std::size_t epochs, double scale) {
    QList<QPointF> points;
    if (epochs == 0 || perStep.empty()) {
        return points;
    }
    const std::size_t steps = perStep.size() / epochs;
    for (std::size_t e = 0; e < epochs; ++e) {
        double sum = 0;
        for (std::size_t i = e * steps; i < (e + 1) * steps; ++i) {
            sum += perStep[i];
        }
        points.append({static_cast<double>(e + 1), scale * sum / static_cast<double>(steps)});
    }
    return points;
}

}  // namespace

std::vector<QuantConfig> TrainingPanel::familyConfigs(int family) {
    const int f = std::clamp(family, 0, static_cast<int>(std::size(kFamilies)) - 1);
    return parse_config_list(kFamilies[f].configs, default_training_base());
}

QLabel* TrainingPanel::noteLabel() const {
    return bar_->note();
}

QWidget* TrainingPanel::chartArea() const {
    return charts_;
}

TrainingPanel::TrainingPanel(QWidget* parent) : QWidget(parent) {
    // The model and its task: shared by both experiments.
    auto* modelBox = new QGroupBox(tr("Model: MLP 2-64-4 (tanh), SGD"), this);
    task_ = new QComboBox(modelBox);
    task_->addItem(tr("Spiral, 4 arms"), static_cast<int>(TaskKind::Spiral));
    task_->addItem(tr("Gaussian blobs, 4"), static_cast<int>(TaskKind::Blobs));
    task_->setToolTip(tr("A generated classification task: 2400 points, a quarter held out"));
    seed_ = new QSpinBox(modelBox);
    seed_->setRange(0, 1000000);
    seed_->setValue(1);
    seed_->setToolTip(
        tr("The points, the initial weights and the batch order: same seed, same "
           "result"));
    epochs_ = new QSpinBox(modelBox);
    epochs_->setRange(1, 400);
    epochs_->setValue(TrainSettings{}.epochs);
    epochs_->setToolTip(tr("Float training epochs (SGD, momentum 0.9, batches of 32)"));
    auto* modelForm = new QFormLayout(modelBox);
    modelForm->addRow(tr("Task:"), task_);
    auto* seedLabel = new QLabel(tr("See&d:"), modelBox);
    seedLabel->setBuddy(seed_);
    modelForm->addRow(seedLabel, seed_);
    modelForm->addRow(tr("Epochs:"), epochs_);

    auto* ptqBox = new QGroupBox(tr("PTQ against QAT"), this);
    family_ = new QComboBox(ptqBox);
    for (const Family& f : kFamilies) {
        family_->addItem(QString::fromUtf8(f.label));
    }
    family_->setToolTip(
        tr("The weight formats: every weight matrix quantized as the "
           "Configuration dock would (biases stay float)"));
    auto* ptqForm = new QFormLayout(ptqBox);
    auto* familyLabel = new QLabel(tr("&Weights:"), ptqBox);
    familyLabel->setBuddy(family_);
    ptqForm->addRow(familyLabel, family_);
    auto* ptqText = new QLabel(tr("PTQ quantizes the trained float model. QAT fine-tunes it %1 "
                                  "epochs with fake-quantized weights in the forward pass (the "
                                  "straight-through estimator), then quantizes.")
                                   .arg(TrainSettings{}.qat_epochs),
                               ptqBox);
    ptqText->setWordWrap(true);
    ptqForm->addRow(ptqText);

    auto* updateBox = new QGroupBox(tr("Low-precision updates"), this);
    updateFormat_ = new QComboBox(updateBox);
    for (const char* f : kUpdateFormats) {
        updateFormat_->addItem(QString::fromLatin1(f));
    }
    updateFormat_->setToolTip(tr("The format the weights are stored in between steps"));
    auto* updateForm = new QFormLayout(updateBox);
    auto* updateLabel = new QLabel(tr("&Low-precision weights:"), updateBox);
    updateLabel->setBuddy(updateFormat_);
    updateForm->addRow(updateLabel, updateFormat_);
    auto* updateText = new QLabel(tr("After each step w ← R(w + Δ), rounded to nearest or "
                                     "stochastically. An update smaller than half an ULP of w "
                                     "vanishes under nearest rounding."),
                                  updateBox);
    updateText->setWordWrap(true);
    updateForm->addRow(updateText);

    auto* controls = new QHBoxLayout;
    controls->addWidget(modelBox, 1);
    controls->addWidget(ptqBox, 1);
    controls->addWidget(updateBox, 1);

    bar_ = new JobBar(tr("Train and evaluate (runs by itself when this tab is shown)"), this);

    accuracyChart_ = new widgets::PlotChartView(this);
    accuracyChart_->chart()->setTitle(tr("Test accuracy against bit width"));
    accuracyChart_->setAxisTitles(tr("bits per weight"), tr("test accuracy (%)"));
    accuracyChart_->setXTickStyle(widgets::TickStyle::Integer);
    lossChart_ = new widgets::PlotChartView(this);
    lossChart_->chart()->setTitle(tr("Training loss, weights stored in low precision"));
    lossChart_->setAxisTitles(tr("epoch"), tr("mean cross-entropy"));
    lossChart_->setXTickStyle(widgets::TickStyle::Integer);
    vanishingChart_ = new widgets::PlotChartView(this);
    vanishingChart_->chart()->setTitle(tr("Updates below half an ULP (lost to nearest)"));
    vanishingChart_->setAxisTitles(tr("epoch"), tr("% of non-zero updates"));
    vanishingChart_->setXTickStyle(widgets::TickStyle::Integer);
    vanishingChart_->setYFloor(0);
    for (widgets::PlotChartView* chart : {accuracyChart_, lossChart_, vanishingChart_}) {
        QFont small = chart->chart()->legend()->font();
        small.setPointSizeF(small.pointSizeF() * 0.9);
        chart->chart()->legend()->setFont(small);
    }

    table_ = new QTableWidget(this);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->verticalHeader()->setVisible(false);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table_->setColumnCount(5);
    table_->setHorizontalHeaderLabels(
        {tr("Weights"), tr("Bits"), tr("PTQ"), tr("QAT"), tr("QAT − PTQ")});

    auto* left = new QSplitter(Qt::Vertical, this);
    left->addWidget(accuracyChart_);
    left->addWidget(table_);
    left->setStretchFactor(0, 3);
    left->setStretchFactor(1, 1);
    auto* right = new QSplitter(Qt::Vertical, this);
    right->addWidget(lossChart_);
    right->addWidget(vanishingChart_);
    charts_ = new QSplitter(Qt::Horizontal, this);
    charts_->addWidget(left);
    charts_->addWidget(right);
    charts_->setStretchFactor(0, 1);
    charts_->setStretchFactor(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(controls);
    layout->addWidget(bar_);
    layout->addWidget(charts_, 1);

    connect(bar_->runButton(), &QPushButton::clicked, this, &TrainingPanel::run);
    connect(bar_->cancelButton(), &QPushButton::clicked, this, &TrainingPanel::cancel);
    for (QComboBox* box : {family_, task_, updateFormat_}) {
        connect(box, &QComboBox::currentIndexChanged, this, &TrainingPanel::markStale);
    }
    for (QSpinBox* box : {seed_, epochs_}) {
        connect(box, &QSpinBox::valueChanged, this, &TrainingPanel::markStale);
    }
    job_.setProgressHandler([this] { showProgress(); });
    job_.setFinishedHandler([this](std::optional<std::shared_ptr<const TrainingOutcome>> r) {
        showOutcome(std::move(r));
    });
    bar_->note()->setText(tr("The model trains when this tab is shown."));
}

void TrainingPanel::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (stale_ && !job_.isBusy()) {
        run();
    }
}

void TrainingPanel::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    // The series' colours come from the palette: redraw them when it changes.
    if (event->type() == QEvent::PaletteChange && outcome_) {
        showSweep(*outcome_);
        showUpdates(outcome_->updates);
    }
}

void TrainingPanel::markStale() {
    stale_ = true;
    if (outcome_) {
        bar_->note()->setText(tr("The choices changed: the results are out of date until Run."));
    }
}

void TrainingPanel::cancel() {
    job_.cancel();
}

void TrainingPanel::run() {
    stale_ = false;
    job_.request([this]() -> BackgroundJob<std::shared_ptr<const TrainingOutcome>>::Task {
        TaskSpec task;
        task.kind = static_cast<TaskKind>(task_->currentData().toInt());
        task.seed = static_cast<std::uint64_t>(seed_->value());
        TrainSettings settings;
        settings.seed = task.seed;
        settings.epochs = epochs_->value();
        const int family = family_->currentIndex();
        const QString familyName = family_->currentText();
        const std::string updateFormat = updateFormat_->currentText().toStdString();
        return [=](JobControl& control) {
            return guarded_job<TrainingOutcome>("training", [&](TrainingOutcome& outcome) {
                outcome.family = familyName;
                const std::vector<QuantConfig> configs = familyConfigs(family);
                // Progress in runs: the float model and a QAT run per config, then three
                // update runs.
                const std::size_t runs = configs.size() + 1 + 3;
                control.setProgressRange(0, JobBar::kSteps);
                const auto report = [&control, runs](std::size_t before) {
                    return [&control, runs, before](std::size_t done, std::size_t) {
                        control.setProgressValue(
                            static_cast<int>(JobBar::kSteps * static_cast<double>(before + done) /
                                             static_cast<double>(runs)));
                        return !control.isCancelled();
                    };
                };
                outcome.sweep =
                    run_ptq_qat(task, settings, configs, report(0), control.cancelFlag());
                if (outcome.sweep.cancelled) {
                    return false;
                }
                outcome.updates =
                    run_update_comparison(task, settings, parse_format(updateFormat),
                                          report(configs.size() + 1), control.cancelFlag());
                return !outcome.updates.cancelled;
            });
        };
    });
    showProgress();
}

void TrainingPanel::showProgress() {
    bar_->showBusy(job_.isBusy(), job_.progressValue(), tr("Training…"));
}

void TrainingPanel::showOutcome(std::optional<std::shared_ptr<const TrainingOutcome>> result) {
    showProgress();
    const bool has = result && *result;
    if (!bar_->accept(has, has ? (*result)->error : QString())) {
        emit finished();
        return;
    }
    const TrainingOutcome& o = **result;
    outcome_ = *result;
    showSweep(o);
    showUpdates(o.updates);
    emit finished();
}

void TrainingPanel::showSweep(const TrainingOutcome& o) {
    const PtqQatResult& r = o.sweep;
    bar_->note()->setText(
        tr("Float model: test accuracy %1, loss %2. %3: PTQ against QAT on the test "
           "set (600 points).")
            .arg(percent(r.fp32.accuracy))
            .arg(r.fp32.loss, 0, 'g', 3)
            .arg(o.family));
    QList<QPointF> ptq;
    QList<QPointF> qat;
    table_->setRowCount(static_cast<int>(r.points.size()));
    for (std::size_t i = 0; i < r.points.size(); ++i) {
        const PtqQatPoint& p = r.points[i];
        ptq.append({static_cast<double>(p.bits), 100 * p.ptq.accuracy});
        qat.append({static_cast<double>(p.bits), 100 * p.qat.accuracy});
        const int row = static_cast<int>(i);
        const QStringList cells{
            QString::fromStdString(config_label(p.config)), QString::number(p.bits),
            percent(p.ptq.accuracy), percent(p.qat.accuracy),
            QString::asprintf("%+.1f", 100 * (p.qat.accuracy - p.ptq.accuracy))};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            item->setTextAlignment(c == 0 ? Qt::AlignLeft | Qt::AlignVCenter
                                          : Qt::AlignRight | Qt::AlignVCenter);
            item->setToolTip(tr("PTQ loss %1, QAT loss %2")
                                 .arg(p.ptq.loss, 0, 'g', 4)
                                 .arg(p.qat.loss, 0, 'g', 4));
            table_->setItem(row, c, item);
        }
    }
    QList<QPointF> fp32;
    if (!r.points.empty()) {
        fp32 = {{static_cast<double>(r.points.front().bits), 100 * r.fp32.accuracy},
                {static_cast<double>(r.points.back().bits), 100 * r.fp32.accuracy}};
    }
    accuracyChart_->setCurves({
        {tr("float32"), fp32, widgets::seriesColor(kFloatColour, palette()), 1.5, Qt::DashLine},
        {tr("PTQ"), ptq, widgets::seriesColor(kPtqColour, palette()), 2.0},
        {tr("QAT"), qat, widgets::seriesColor(kQatColour, palette()), 2.0},
    });
    for (qsizetype i = 1; i < accuracyChart_->curveCount(); ++i) {
        accuracyChart_->curveSeries(i)->setPointsVisible(true);
    }
}

void TrainingPanel::showUpdates(const UpdateComparison& u) {
    const std::size_t epochs = u.fp32.epochs.size();
    const auto losses = [](const UpdateRun& run) {
        QList<QPointF> points;
        for (const EpochRecord& e : run.epochs) {
            points.append({static_cast<double>(e.epoch), e.train_loss});
        }
        return points;
    };
    const QString format = QString::fromStdString(u.format);
    // Float last, so that its dashes show where the stochastic run follows it.
    lossChart_->setCurves({
        {tr("%1, nearest").arg(format), losses(u.nearest),
         widgets::seriesColor(kNearestColour, palette()), 2.0},
        {tr("%1, stochastic").arg(format), losses(u.stochastic),
         widgets::seriesColor(kStochasticColour, palette()), 2.0},
        {tr("float32"), losses(u.fp32), widgets::seriesColor(kFloatColour, palette()), 1.5,
         Qt::DashLine},
    });
    vanishingChart_->setCurves({
        {tr("%1, nearest").arg(format), perEpoch(u.nearest.vanishing_fraction, epochs, 100),
         widgets::seriesColor(kNearestColour, palette()), 2.0},
        {tr("%1, stochastic").arg(format), perEpoch(u.stochastic.vanishing_fraction, epochs, 100),
         widgets::seriesColor(kStochasticColour, palette()), 2.0},
    });
}

}  // namespace quantscope::app
