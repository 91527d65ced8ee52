#include "planner_panel.h"

#include <cmath>

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include "plot_chart_view.h"
#include "quantscope/common/error.h"
#include "quantscope/common/text.h"
#include "quantscope/plan/budget.h"
#include "quantscope/plan/plan_evaluation.h"
#include "quantscope/plan/plan_io.h"
#include "quantscope/quant/config_list.h"
#include "series_palette.h"

namespace quantscope::app {

namespace {

constexpr int kCurvePoints = 24;

QString bytesText(std::int64_t bytes) {
    return QLocale().formattedDataSize(bytes, 2, QLocale::DataSizeSIFormat);
}

QString writeFile(const QString& path, const std::string& text) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        file.write(text.data(), static_cast<qint64>(text.size())) !=
            static_cast<qint64>(text.size())) {
        return QStringLiteral("%1: %2").arg(path, file.errorString());
    }
    return {};
}

}  // namespace

PlannerPanel::PlannerPanel(QWidget* parent)
    : QWidget(parent),
      budget_(new QLineEdit(QStringLiteral("4.5bpp"), this)),
      configs_(new QLineEdit(QStringLiteral("int4 block:32; int8 per-channel; fp8_e4m3"), this)),
      keep_(new QLineEdit(QStringLiteral("*norm*=none"), this)),
      objective_(new QComboBox(this)),
      run_(new QPushButton(tr("Plan"), this)),
      totals_(new QLabel(this)),
      table_(new QTableWidget(0, 5, this)),
      curve_(new widgets::PlotChartView(this)) {
    budget_->setToolTip(tr("Bytes (3GB, 3GiB, 500MB) or bits per parameter (4.5bpp)"));
    configs_->setToolTip(tr("The configs tensors may choose, separated by ';'"));
    keep_->setToolTip(
        tr("PATTERN=CONFIG rules separated by ';' (globs on the whole name; "
           "none = float32 as it is); the first match wins"));
    objective_->addItem(tr("Model SQNR (parameter-weighted)"), QStringLiteral("weighted"));
    objective_->addItem(tr("Worst tensor SQNR"), QStringLiteral("worst"));
    auto* form = new QFormLayout;
    form->addRow(tr("Budget:"), budget_);
    form->addRow(tr("Allowed configs:"), configs_);
    form->addRow(tr("Keep rules:"), keep_);
    form->addRow(tr("Objective:"), objective_);
    auto* buttons = new QHBoxLayout;
    auto* exportJsonButton = new QPushButton(tr("Export &JSON..."), this);
    auto* exportCsvButton = new QPushButton(tr("Export CSV..."), this);
    auto* loadButton = new QPushButton(tr("Load plan..."), this);
    buttons->addWidget(run_);
    buttons->addStretch();
    buttons->addWidget(exportJsonButton);
    buttons->addWidget(exportCsvButton);
    buttons->addWidget(loadButton);
    table_->setHorizontalHeaderLabels(
        {tr("Tensor"), tr("Parameters"), tr("Config"), tr("Bytes"), tr("SQNR (dB)")});
    table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    table_->verticalHeader()->hide();
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSortingEnabled(true);
    totals_->setWordWrap(true);
    totals_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    curve_->setAxisTitles(tr("budget (MB)"), tr("model SQNR (dB)"));
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(table_);
    split->addWidget(curve_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(totals_);
    layout->addWidget(split, 1);

    connect(run_, &QPushButton::clicked, this, &PlannerPanel::plan);
    connect(exportJsonButton, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Export plan"), {}, tr("JSON (*.json)"));
        if (!path.isEmpty()) {
            totals_->setText(exportJson(path));
        }
    });
    connect(exportCsvButton, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Export plan"), {}, tr("CSV (*.csv)"));
        if (!path.isEmpty()) {
            totals_->setText(exportCsv(path));
        }
    });
    connect(loadButton, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Load plan"), {}, tr("JSON (*.json)"));
        if (!path.isEmpty()) {
            const QString error = loadJson(path);
            if (!error.isEmpty()) {
                totals_->setText(error);
            }
        }
    });
    job_.setFinishedHandler([this](std::optional<PlannerOutcome> o) { onFinished(std::move(o)); });
    job_.setProgressHandler([this] { run_->setEnabled(!job_.isBusy()); });
    totals_->setText(tr("Open a model, then Plan."));
}

void PlannerPanel::setSource(std::shared_ptr<const Source> source) {
    source_ = std::move(source);
}

void PlannerPanel::plan() {
    if (!source_) {
        totals_->setText(tr("Open a model first."));
        return;
    }
    const std::string budget = budget_->text().trimmed().toStdString();
    const std::string configs = configs_->text().toStdString();
    const std::string keepText = keep_->text().toStdString();
    const auto objective = objective_->currentData().toString() == QStringLiteral("worst")
                               ? PlanObjective::Worst
                               : PlanObjective::Weighted;
    const std::shared_ptr<const Source> source = source_;
    totals_->setText(tr("Evaluating every tensor under every config..."));
    job_.request([=] {
        return [=](JobControl& control) {
            PlannerOutcome outcome;
            try {
                const Budget parsed = parse_budget(budget);
                std::vector<KeepRule> keep;
                for (const QString& rule :
                     QString::fromStdString(keepText).split(';', Qt::SkipEmptyParts)) {
                    if (!rule.trimmed().isEmpty()) {
                        keep.push_back(parse_keep_rule(rule.trimmed().toStdString()));
                    }
                }
                OverviewOptions options;
                options.cancel = control.cancelFlag();
                const PlanEvaluation evaluation =
                    evaluate_for_plan(*source, parse_config_list(configs), keep, options);
                if (evaluation.overview.cancelled) {
                    return outcome;
                }
                std::int64_t parameters = 0;
                for (const PlanTensor& t : evaluation.table.tensors) {
                    parameters += t.parameters;
                }
                const PlanSettings settings{parsed.bytes(parameters), objective, evaluation.keep};
                outcome.plan = make_plan(evaluation.table, settings);
                outcome.curve = plan_curve(evaluation.table, settings, kCurvePoints);
            } catch (const std::exception& e) {
                outcome.error = QString::fromStdString(describe_failure(e, source->path()));
            }
            return outcome;
        };
    });
}

void PlannerPanel::onFinished(std::optional<PlannerOutcome> outcome) {
    run_->setEnabled(true);
    if (!outcome) {
        totals_->setText(tr("Cancelled."));
        return;
    }
    if (!outcome->error.isEmpty()) {
        totals_->setText(outcome->error);
        return;
    }
    if (outcome->plan) {
        curvePoints_ = outcome->curve;
        showPlan(*outcome->plan);
    }
}

void PlannerPanel::showPlan(const Plan& plan) {
    plan_ = plan;
    table_->setSortingEnabled(false);
    table_->setRowCount(static_cast<int>(plan.entries.size()));
    for (int r = 0; r < table_->rowCount(); ++r) {
        const PlanEntry& e = plan.entries[static_cast<std::size_t>(r)];
        const auto number = [](double v) {
            auto* item = new QTableWidgetItem;
            item->setData(Qt::DisplayRole, v);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            return item;
        };
        table_->setItem(r, 0, new QTableWidgetItem(QString::fromStdString(valid_utf8(e.tensor))));
        table_->setItem(r, 1, number(static_cast<double>(e.parameters)));
        table_->setItem(r, 2,
                        new QTableWidgetItem(QString::fromStdString(e.config) +
                                             (e.kept ? tr(" (kept)") : QString())));
        table_->setItem(r, 3, number(static_cast<double>(e.bytes)));
        // A number, so that the column sorts; an exact tensor reads inf.
        table_->setItem(r, 4, number(e.sqnr_db));
    }
    table_->setSortingEnabled(true);
    table_->sortByColumn(4, Qt::AscendingOrder);  // worst first
    const double bpp = plan.total_parameters > 0 ? 8.0 * static_cast<double>(plan.total_bytes) /
                                                       static_cast<double>(plan.total_parameters)
                                                 : 0.0;
    QString text = tr("Plan %1 of %2 budget (%3 bits per parameter; minimum %4). Model SQNR "
                      "%5 dB, worst tensor %6 dB. %7")
                       .arg(bytesText(plan.total_bytes), bytesText(plan.budget_bytes))
                       .arg(bpp, 0, 'f', 3)
                       .arg(bytesText(plan.min_bytes))
                       .arg(plan.model_sqnr_db, 0, 'f', 2)
                       .arg(plan.worst_sqnr_db, 0, 'f', 2)
                       .arg(QString::fromStdString(plan.method));
    if (!plan.exact) {
        text += tr(" The best plan is at most %1 dB better.").arg(plan.gap_db, 0, 'g', 3);
    }
    totals_->setText(text);
    showCurve(curvePoints_);
    emit planShown();
}

void PlannerPanel::showCurve(const std::vector<PlanCurvePoint>& points) {
    widgets::Curve model{tr("model"), {}, widgets::seriesColor(0, palette())};
    widgets::Curve worst{
        tr("worst tensor"), {}, widgets::seriesColor(1, palette()), 1.5, Qt::DashLine};
    for (const PlanCurvePoint& p : points) {
        model.points.append({static_cast<double>(p.budget_bytes) / 1e6, p.model_sqnr_db});
        worst.points.append({static_cast<double>(p.budget_bytes) / 1e6, p.worst_sqnr_db});
    }
    QList<widgets::Curve> curves{model, worst};
    if (plan_) {
        const double x = static_cast<double>(plan_->budget_bytes) / 1e6;
        curves.append(
            {tr("this budget"),
             {{x, model.points.isEmpty() ? 0.0 : plan_->worst_sqnr_db}, {x, plan_->model_sqnr_db}},
             widgets::seriesColor(2, palette()),
             1.0,
             Qt::DotLine});
    }
    curve_->setCurves(points.empty() ? QList<widgets::Curve>{} : curves);
}

QString PlannerPanel::exportJson(const QString& path) const {
    if (!plan_) {
        return tr("No plan to export.");
    }
    return writeFile(path, plan_to_json(*plan_, curvePoints_));
}

QString PlannerPanel::exportCsv(const QString& path) const {
    if (!plan_) {
        return tr("No plan to export.");
    }
    return writeFile(path, plan_to_csv(*plan_));
}

QString PlannerPanel::loadJson(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return QStringLiteral("%1: %2").arg(path, file.errorString());
    }
    const QByteArray bytes = file.readAll();
    try {
        const Plan plan = plan_from_json(
            std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())),
            path.toStdString());
        curvePoints_.clear();
        objective_->setCurrentIndex(plan.objective == PlanObjective::Worst ? 1 : 0);
        budget_->setText(QString::number(plan.budget_bytes) + QStringLiteral("B"));
        QStringList configs;
        for (const std::string& c : plan.configs) {
            configs << QString::fromStdString(c);
        }
        configs_->setText(configs.join(QStringLiteral("; ")));
        QStringList keep;
        for (const KeepRule& k : plan.keep) {
            keep << QString::fromStdString(k.pattern + "=" + k.config);
        }
        keep_->setText(keep.join(QStringLiteral("; ")));
        showPlan(plan);
    } catch (const std::exception& e) {
        return QString::fromStdString(describe_failure(e, path.toStdString()));
    }
    return {};
}

}  // namespace quantscope::app
