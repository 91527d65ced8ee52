#include "operators_panel.h"

#include <QChart>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "accumulator_bar.h"
#include "analysis_session.h"
#include "job_bar.h"
#include "plot_chart_view.h"
#include "quantscope/common/buffer.h"
#include "quantscope/common/cancel.h"
#include "quantscope/common/error.h"
#include "quantscope/common/generators.h"
#include "series_palette.h"

namespace quantscope::app {

namespace {

constexpr std::size_t kErrorBins = 81;

QString modeName(MatmulMode mode) {
    switch (mode) {
        case MatmulMode::WeightOnly:
            return QObject::tr("weight-only");
        case MatmulMode::Dynamic:
            return QObject::tr("dynamic");
        case MatmulMode::Static:
            return QObject::tr("static");
        case MatmulMode::Mixed:
            return QObject::tr("mixed");
    }
    return {};
}

// A colour per mode, whichever modes run (Okabe-Ito order of series_palette).
int modeColour(MatmulMode mode) {
    switch (mode) {
        case MatmulMode::WeightOnly:
            return 4;  // reddish purple
        case MatmulMode::Dynamic:
            return 1;  // blue
        case MatmulMode::Static:
            return 2;  // bluish green
        case MatmulMode::Mixed:
            return 0;  // orange
    }
    return 7;
}

QString activationSpec(int kind, int rows, int cols, int outliers, double scale, int seed) {
    return QStringLiteral("matrix:rows=%1,cols=%2,outlier-columns=%3,outlier-scale=%4,seed=%5")
        .arg(rows)
        .arg(cols)
        .arg(kind == OperatorsPanel::OutlierActivations ? outliers : 0)
        .arg(scale)
        .arg(seed);
}

}  // namespace

QLabel* OperatorsPanel::noteLabel() const {
    return bar_->note();
}

QWidget* OperatorsPanel::chartArea() const {
    return charts_;
}

OperatorsPanel::OperatorsPanel(AnalysisSession* session, QWidget* parent)
    : QWidget(parent), session_(session) {
    // W: generated or the selected tensor; quantized with the Configuration dock's config.
    auto* wBox = new QGroupBox(tr("Weights W (k × n)"), this);
    wSource_ = new QComboBox(wBox);
    wSource_->addItem(tr("Generated Gaussian"), GeneratedWeights);
    wSource_->addItem(tr("Selected tensor"), SelectedWeights);
    k_ = new QSpinBox(wBox);
    k_->setRange(16, 8192);
    k_->setValue(1024);
    k_->setToolTip(tr("The inner dimension: terms per sum"));
    n_ = new QSpinBox(wBox);
    n_->setRange(1, 8192);
    n_->setValue(256);
    transpose_ = new QCheckBox(tr("Stored [n, k] (PyTorch Linear)"), wBox);
    wConfig_ = new QLabel(wBox);
    wConfig_->setWordWrap(true);
    auto* wForm = new QFormLayout(wBox);
    auto* wLabel = new QLabel(tr("&W:"), wBox);
    wLabel->setBuddy(wSource_);
    wForm->addRow(wLabel, wSource_);
    wForm->addRow(tr("k (inner):"), k_);
    wForm->addRow(tr("n (outputs):"), n_);
    wForm->addRow(transpose_);
    wForm->addRow(wConfig_);

    // X: generated activations or the selected tensor.
    auto* xBox = new QGroupBox(tr("Activations X (m × k)"), this);
    xKind_ = new QComboBox(xBox);
    xKind_->addItem(tr("Gaussian"), GaussianActivations);
    xKind_->addItem(tr("Gaussian, outlier columns"), OutlierActivations);
    xKind_->addItem(tr("Selected tensor"), SelectedActivations);
    xKind_->setCurrentIndex(1);
    m_ = new QSpinBox(xBox);
    m_->setRange(1, 8192);
    m_->setValue(128);
    outliers_ = new QSpinBox(xBox);
    outliers_->setRange(0, 256);
    outliers_->setValue(4);
    outlierScale_ = new QDoubleSpinBox(xBox);
    outlierScale_->setRange(1, 1000);
    outlierScale_->setValue(20);
    outlierScale_->setSuffix(tr(" × std"));
    auto* xForm = new QFormLayout(xBox);
    auto* xLabel = new QLabel(tr("&X:"), xBox);
    xLabel->setBuddy(xKind_);
    xForm->addRow(xLabel, xKind_);
    xForm->addRow(tr("m (rows):"), m_);
    xForm->addRow(tr("Outlier columns:"), outliers_);
    xForm->addRow(tr("Outlier size:"), outlierScale_);

    // The modes and how X is quantized.
    auto* modeBox = new QGroupBox(tr("Modes"), this);
    auto* modeForm = new QFormLayout(modeBox);
    auto* checks = new QGridLayout;
    for (MatmulMode mode : matmul_modes()) {
        auto* box = new QCheckBox(modeName(mode), modeBox);
        box->setChecked(true);
        box->setToolTip(QString::fromLatin1(mode_description(mode)));
        const int i = static_cast<int>(modeBoxes_.size());
        modeBoxes_.push_back(box);
        checks->addWidget(box, i / 2, i % 2);
        connect(box, &QCheckBox::toggled, this, &OperatorsPanel::markStale);
    }
    modeForm->addRow(checks);
    xFormat_ = new QComboBox(modeBox);
    for (const char* f : {"int8", "int4", "int16", "uint8"}) {
        xFormat_->addItem(QString::fromLatin1(f));
    }
    scope_ = new QComboBox(modeBox);
    scope_->addItem(tr("per row (token)"), static_cast<int>(ActivationScope::Row));
    scope_->addItem(tr("per tensor"), static_cast<int>(ActivationScope::Tensor));
    calibration_ = new QComboBox(modeBox);
    for (const char* c : {"minmax", "percentile:99.99", "percentile:99.9", "mse", "kl"}) {
        calibration_->addItem(QString::fromLatin1(c));
    }
    calibration_->setToolTip(tr("How static chooses X's range on a separate calibration set"));
    threshold_ = new QDoubleSpinBox(modeBox);
    threshold_->setRange(0, 1e6);
    threshold_->setValue(6);
    threshold_->setToolTip(tr("Mixed: a column of X with a |value| above this stays in FP16"));
    modeForm->addRow(tr("X format:"), xFormat_);
    modeForm->addRow(tr("Dynamic scales:"), scope_);
    modeForm->addRow(tr("Static calibration:"), calibration_);
    modeForm->addRow(tr("Mixed threshold:"), threshold_);

    bar_ = new JobBar(tr("Multiply in every chosen mode and sweep k (runs by itself when this "
                         "tab is shown)"),
                      this);
    auto* controls = new QHBoxLayout;
    controls->addWidget(wBox, 1);
    controls->addWidget(xBox, 1);
    controls->addWidget(modeBox, 1);

    table_ = new QTableWidget(this);
    table_->verticalHeader()->setVisible(true);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    accumulator_ = new AccumulatorBar(this);

    kChart_ = new widgets::PlotChartView(this);
    kChart_->chart()->setTitle(tr("Error against the inner dimension k"));
    kChart_->setAxisTitles(tr("log₂ k"), tr("SQNR of Y (dB)"));
    kChart_->setXTickStyle(widgets::TickStyle::Integer);
    errorChart_ = new widgets::PlotChartView(this);
    errorChart_->chart()->setTitle(tr("Histogram of Y's error E = Y − Y_mode"));
    errorChart_->setAxisTitles(tr("E"), tr("outputs"));
    errorChart_->setYFloor(0);
    for (widgets::PlotChartView* chart : {kChart_, errorChart_}) {
        QFont small = chart->chart()->legend()->font();
        small.setPointSizeF(small.pointSizeF() * 0.9);
        chart->chart()->legend()->setFont(small);
    }
    kChart_->setToolTip(tr("SQNR of each mode on X's first k columns and W's first k rows"));

    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(table_);
    leftLayout->addWidget(accumulator_);
    leftLayout->addStretch(1);
    charts_ = new QSplitter(Qt::Vertical, this);
    charts_->addWidget(kChart_);
    charts_->addWidget(errorChart_);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(charts_);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(controls);
    layout->addWidget(bar_);
    layout->addWidget(split, 1);

    connect(bar_->runButton(), &QPushButton::clicked, this, &OperatorsPanel::run);
    connect(bar_->cancelButton(), &QPushButton::clicked, this, &OperatorsPanel::cancel);
    for (QSpinBox* box : {k_, n_, m_, outliers_}) {
        connect(box, &QSpinBox::valueChanged, this, &OperatorsPanel::markStale);
    }
    for (QDoubleSpinBox* box : {outlierScale_, threshold_}) {
        connect(box, &QDoubleSpinBox::valueChanged, this, &OperatorsPanel::markStale);
    }
    for (QComboBox* box : {wSource_, xKind_, xFormat_, scope_, calibration_}) {
        connect(box, &QComboBox::currentIndexChanged, this, [this] {
            updateChoices();
            markStale();
        });
    }
    connect(transpose_, &QCheckBox::toggled, this, [this] {
        updateChoices();
        markStale();
    });
    connect(session_, &AnalysisSession::tensorChanged, this, [this] {
        updateChoices();
        markStale();
    });
    connect(session_, &AnalysisSession::configChanged, this, [this] {
        updateChoices();
        markStale();
    });
    job_.setProgressHandler([this] { showProgress(); });
    job_.setFinishedHandler([this](std::optional<std::shared_ptr<const OperatorsOutcome>> r) {
        showOutcome(std::move(r));
        // The run's operands and products were freed on the job's thread, into a heap that glibc
        // keeps (its trim threshold rose when a tensor's buffers were freed): give them back, as
        // closing a source does. The tab runs by itself, so this happens after a close too.
        release_unused_buffers();
    });
    updateChoices();
    bar_->note()->setText(tr("The products run when this tab is shown."));
}

void OperatorsPanel::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (stale_ && !job_.isBusy()) {
        run();
    }
}

void OperatorsPanel::markStale() {
    stale_ = true;
    if (outcome_) {
        bar_->note()->setText(tr("The choices changed: the results are out of date until Run."));
    }
}

// Which choices the selected tensor allows, and the sizes it fixes.
void OperatorsPanel::updateChoices() {
    const auto tensor = session_->tensor();
    const bool twoD = tensor && tensor->info.shape.size() == 2 && tensor->info.count > 0;
    const QString why = twoD ? QString() : tr("The selected tensor is not 2-D");
    for (QComboBox* box : {wSource_, xKind_}) {
        const int index = box == wSource_ ? 1 : 2;
        auto* model = qobject_cast<QStandardItemModel*>(box->model());
        if (model != nullptr) {
            model->item(index)->setEnabled(twoD);
            model->item(index)->setToolTip(why);
        }
        if (!twoD && box->currentIndex() == index) {
            box->setCurrentIndex(0);
        }
    }
    const bool wSelected = wSource_->currentData().toInt() == SelectedWeights;
    const bool xSelected = xKind_->currentData().toInt() == SelectedActivations;
    if (twoD && wSelected) {
        const auto& s = tensor->info.shape;
        const bool t = transpose_->isChecked();
        const QSignalBlocker kb(k_), nb(n_);
        k_->setValue(static_cast<int>(std::min<std::int64_t>(t ? s[1] : s[0], k_->maximum())));
        n_->setValue(static_cast<int>(std::min<std::int64_t>(t ? s[0] : s[1], n_->maximum())));
    }
    if (twoD && xSelected && !wSelected) {
        const QSignalBlocker kb(k_);
        k_->setValue(
            static_cast<int>(std::min<std::int64_t>(tensor->info.shape[1], k_->maximum())));
    }
    k_->setEnabled(!wSelected && !xSelected);
    n_->setEnabled(!wSelected);
    transpose_->setEnabled(wSelected);
    m_->setEnabled(!xSelected);
    outliers_->setEnabled(xKind_->currentData().toInt() == OutlierActivations);
    outlierScale_->setEnabled(outliers_->isEnabled());
    wConfig_->setText(tr("Quantized as in the Configuration dock: %1")
                          .arg(QString::fromStdString(describe(session_->config()))));
}

std::vector<MatmulMode> OperatorsPanel::chosenModes() const {
    std::vector<MatmulMode> modes;
    for (std::size_t i = 0; i < modeBoxes_.size(); ++i) {
        if (modeBoxes_[i]->isChecked()) {
            modes.push_back(matmul_modes()[i]);
        }
    }
    return modes;
}

MatmulSettings OperatorsPanel::chosenSettings() const {
    MatmulSettings s;
    s.weight = session_->config();
    apply_format(s.activation, xFormat_->currentText().toStdString());
    if (xFormat_->currentText().startsWith(QLatin1Char('u'))) {
        s.activation.scheme = Scheme::Affine;
    }
    s.activation.calibration = parse_calibration(calibration_->currentText().toStdString());
    s.dynamic_scope = static_cast<ActivationScope>(scope_->currentData().toInt());
    s.outlier_threshold = threshold_->value();
    return s;
}

void OperatorsPanel::run() {
    stale_ = false;
    const std::vector<MatmulMode> modes = chosenModes();
    if (modes.empty()) {
        bar_->note()->setText(tr("Choose at least one mode."));
        return;
    }
    job_.request([this, modes]() -> BackgroundJob<std::shared_ptr<const OperatorsOutcome>>::Task {
        const int wSource = wSource_->currentData().toInt();
        const int xKind = xKind_->currentData().toInt();
        const bool transpose = transpose_->isChecked();
        const auto tensor = session_->tensor();
        const int k = k_->value(), n = n_->value(), m = m_->value();
        const int outliers = outliers_->value();
        const double scale = outlierScale_->value();
        const MatmulSettings settings = chosenSettings();
        return [=](JobControl& control) {
            return guarded_job<OperatorsOutcome>("the product", [&](OperatorsOutcome& outcome) {
                outcome.modes = modes;
                const CancelScope scope(control.cancelFlag());
                MatmulProblem p;
                if (wSource == SelectedWeights && tensor) {
                    p.w = matrix_from_tensor(*tensor, transpose, "W");
                    outcome.wName = QString::fromStdString(tensor->info.name);
                } else {
                    const std::string spec =
                        QStringLiteral("matrix:rows=%1,cols=%2,std=0.05,seed=2")
                            .arg(k)
                            .arg(n)
                            .toStdString();
                    p.w = matrix_from_tensor(generate(spec), false, "W");
                    outcome.wName = QString::fromStdString(spec);
                }
                const auto inner = static_cast<int>(p.w.rows());
                if (xKind == SelectedActivations && tensor) {
                    // A loaded X has no separate calibration set: its first half of rows
                    // calibrates, the second half is multiplied.
                    const MatrixF all = matrix_from_tensor(*tensor, false, "X");
                    const Eigen::Index half = all.rows() / 2;
                    p.calibration = all.topRows(half);
                    p.x = all.bottomRows(all.rows() - half);
                    outcome.xName = QString::fromStdString(tensor->info.name) +
                                    QObject::tr(
                                        " (second half of its rows; the first half "
                                        "calibrates static)");
                } else {
                    const QString spec = activationSpec(xKind, m, inner, outliers, scale, 1);
                    p.x = matrix_from_tensor(generate(spec.toStdString()), false, "X");
                    p.calibration = matrix_from_tensor(
                        generate(reseeded_spec(spec.toStdString(), 1)), false, "calibration");
                    outcome.xName = spec;
                }
                control.setProgressRange(0, JobBar::kSteps);
                const auto report = [&control](double lo, double hi) {
                    return [&control, lo, hi](double f) {
                        control.setProgressValue(
                            static_cast<int>(JobBar::kSteps * (lo + (hi - lo) * f)));
                    };
                };
                outcome.output = run_quantized_matmul(
                    p, settings, modes,
                    {.cancel = control.cancelFlag(), .progress = report(0, 0.5)});
                outcome.sweep =
                    run_k_sweep(p, settings, modes, k_sweep_values(p.x.cols()),
                                {.cancel = control.cancelFlag(), .progress = report(0.5, 1.0)});
                outcome.errorHistograms = error_histograms(outcome.output, kErrorBins);
                return true;
            });
        };
    });
    showProgress();
}

void OperatorsPanel::showProgress() {
    bar_->showBusy(job_.isBusy(), job_.progressValue(), tr("Multiplying…"));
}

void OperatorsPanel::showOutcome(std::optional<std::shared_ptr<const OperatorsOutcome>> result) {
    showProgress();
    const bool has = result && *result;
    if (!bar_->accept(has, has ? (*result)->error : QString())) {
        emit finished();
        return;
    }
    const OperatorsOutcome& o = **result;
    outcome_ = *result;
    const MatmulOutput& out = o.output;
    const qint64 k = o.sweep.empty() ? 0 : o.sweep.back().k;
    QString note = tr("Y = X W: X %1 [%2 × %3], W %4 [%3 × %5], against X W in float64.")
                       .arg(o.xName)
                       .arg(out.reference.rows())
                       .arg(k)
                       .arg(o.wName)
                       .arg(out.reference.cols());
    if (!out.outlier_columns.empty()) {
        note += tr(" %1 columns of X hold a |value| above the mixed threshold.")
                    .arg(out.outlier_columns.size());
    }
    bar_->note()->setText(note);

    // The table: a column per mode, a row per metric, then how each product was computed.
    const auto metrics = matmul_metric_descriptors();
    QStringList rows;
    for (const MetricDescriptor* d : metrics) {
        rows << QString::fromLatin1(d->label.data(), static_cast<qsizetype>(d->label.size()));
    }
    rows << tr("X's SQNR") << tr("W's SQNR") << tr("Arithmetic") << tr("Largest |sum|")
         << tr("Worst case") << tr("Wrapped sums");
    table_->clear();
    table_->setRowCount(static_cast<int>(rows.size()));
    table_->setColumnCount(static_cast<int>(out.modes.size()));
    table_->setVerticalHeaderLabels(rows);
    QStringList columns;
    QList<AccumulatorBar::Entry> bars;
    const MetricDescriptor& sqnr = metric_descriptors()[0];
    for (std::size_t c = 0; c < out.modes.size(); ++c) {
        const MatmulModeResult& r = out.modes[c];
        columns << modeName(r.mode);
        int row = 0;
        const auto put = [&](const QString& text, const QString& tip = {}) {
            auto* item = new QTableWidgetItem(text);
            item->setToolTip(tip.isEmpty() ? text : tip);
            table_->setItem(row++, static_cast<int>(c), item);
        };
        for (const MetricDescriptor* d : metrics) {
            put(QString::fromStdString(metric_text(*d, r.metrics, 4, NumberSymbols::Unicode)),
                QString::fromLatin1(d->description.data(),
                                    static_cast<qsizetype>(d->description.size())));
        }
        QString xSqnr = tr("float"), wSqnr = tr("float");
        for (const OperandReport& op : r.operands) {
            const QString text =
                QString::fromStdString(metric_text(sqnr, op.metrics, 4, NumberSymbols::Unicode));
            (op.name == "X" ? xSqnr : wSqnr) = text;
        }
        put(xSqnr);
        put(wSqnr);
        QString notes = QString::fromStdString(r.accumulator.arithmetic);
        for (const std::string& n : r.notes) {
            notes += QLatin1Char('\n') + QString::fromStdString(n);
        }
        // The kind of arithmetic in the cell; the path and the reason in its tooltip.
        put(r.accumulator.integer ? tr("integer → int32") : tr("float64"), notes);
        const AccumulatorReport& a = r.accumulator;
        put(a.integer ? QString::number(a.largest) : QStringLiteral("–"));
        put(a.integer
                ? QString::number(a.worst_case) + (a.at_risk() ? tr(" (over int32)") : QString())
                : QStringLiteral("–"));
        put(a.integer ? QString::number(a.overflowed) : QStringLiteral("–"));
        if (a.integer) {
            bars.append({modeName(r.mode), a.largest, a.worst_case, a.overflowed});
        }
    }
    table_->setHorizontalHeaderLabels(columns);
    table_->resizeRowsToContents();
    int height = table_->horizontalHeader()->height() + 2 * table_->frameWidth();
    for (int r = 0; r < table_->rowCount(); ++r) {
        height += table_->rowHeight(r);
    }
    table_->setFixedHeight(height);
    accumulator_->setEntries(bars);

    // Error against k: SQNR per mode over log2 k.
    QList<widgets::Curve> kCurves;
    for (std::size_t c = 0; c < o.modes.size(); ++c) {
        QList<QPointF> points;
        for (const KSweepPoint& p : o.sweep) {
            const double s = p.metrics[c].sqnr_db;
            if (std::isfinite(s)) {
                points.append({std::log2(static_cast<double>(p.k)), s});
            }
        }
        kCurves.append({modeName(o.modes[c]), points,
                        widgets::seriesColor(modeColour(o.modes[c]), palette()), 2.0});
    }
    kChart_->setCurves(kCurves);
    for (qsizetype i = 0; i < kChart_->curveCount(); ++i) {
        kChart_->curveSeries(i)->setPointsVisible(true);
    }

    // Y's error: one step curve per mode on shared bins.
    QList<widgets::Curve> eCurves;
    for (std::size_t c = 0; c < o.errorHistograms.size(); ++c) {
        const Histogram& h = o.errorHistograms[c];
        const double width = (h.hi - h.lo) / static_cast<double>(h.counts.size());
        QList<QPointF> points;
        for (std::size_t b = 0; b < h.counts.size(); ++b) {
            const double x0 = h.lo + width * static_cast<double>(b);
            points.append({x0, static_cast<double>(h.counts[b])});
            points.append({x0 + width, static_cast<double>(h.counts[b])});
        }
        eCurves.append({modeName(o.modes[c]), points,
                        widgets::seriesColor(modeColour(o.modes[c]), palette()), 1.5});
    }
    errorChart_->setCurves(eCurves);
    emit finished();
}

}  // namespace quantscope::app
