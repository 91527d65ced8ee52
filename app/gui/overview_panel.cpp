#include "overview_panel.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include "analysis_session.h"
#include "chart_export.h"
#include "overview_chart.h"
#include "overview_model.h"
#include "quantscope/common/error.h"
#include "quantscope/quant/config_list.h"

namespace quantscope::app {

OverviewPanel::OverviewPanel(AnalysisSession* session, QWidget* parent)
    : QWidget(parent),
      session_(session),
      model_(new OverviewModel(this)),
      proxy_(new QSortFilterProxyModel(this)),
      table_(new QTableView(this)),
      chart_(new OverviewChart(this)),
      configsEdit_(new QLineEdit(this)),
      filterEdit_(new QLineEdit(this)),
      groupingBox_(new QComboBox(this)),
      chartConfigBox_(new QComboBox(this)),
      runButton_(new QPushButton(tr("Recompute"), this)),
      cancelButton_(new QPushButton(tr("Cancel"), this)),
      progress_(new QProgressBar(this)),
      status_(new QLabel(this)),
      chartTimer_(new QTimer(this)) {
    auto* configsLabel = new QLabel(tr("Also under:"), this);
    configsLabel->setBuddy(configsEdit_);
    configsEdit_->setPlaceholderText(tr("more configs, e.g. fp8_e4m3; int4 block:32; nf4; mxfp4"));
    configsEdit_->setToolTip(
        tr("The first column group is the session's config (Configuration dock). Configs "
           "listed here add a group each, with the SQNR difference to the first. Separate them "
           "with ';'; each is a format and words: per-channel, block:32, affine, "
           "percentile:99.9, ..."));
    connect(configsEdit_, &QLineEdit::editingFinished, this, &OverviewPanel::refreshIfStale);
    connect(runButton_, &QPushButton::clicked, this, &OverviewPanel::run);
    runButton_->setToolTip(tr("Quantize every tensor again"));
    connect(cancelButton_, &QPushButton::clicked, this, &OverviewPanel::cancel);
    cancelButton_->setToolTip(tr("Stop; the tensors done so far stay in the table"));
    cancelButton_->setEnabled(false);
    progress_->setTextVisible(true);
    progress_->setMinimumWidth(150);
    progress_->setMaximumWidth(220);
    progress_->setFormat(tr("%v / %m tensors"));
    progress_->setValue(0);

    auto* top = new QHBoxLayout;
    top->addWidget(configsLabel);
    top->addWidget(configsEdit_, 1);
    top->addWidget(runButton_);
    top->addWidget(progress_);
    top->addWidget(cancelButton_);

    groupingBox_->addItem(tr("Per tensor, in file order"));
    groupingBox_->addItem(tr("Per layer"));
    auto* groupingLabel = new QLabel(tr("Group bars:"), this);
    groupingLabel->setBuddy(groupingBox_);
    connect(groupingBox_, &QComboBox::currentIndexChanged, this, [this](int index) {
        chart_->setGrouping(index == 1 ? OverviewChart::Grouping::ByLayer
                                       : OverviewChart::Grouping::FileOrder);
    });
    auto* chartConfigLabel = new QLabel(tr("Bars of:"), this);
    chartConfigLabel->setBuddy(chartConfigBox_);
    connect(chartConfigBox_, &QComboBox::currentIndexChanged, this, &OverviewPanel::updateChart);
    auto* exportChart = new QPushButton(tr("Export chart…"), this);
    exportChart->setToolTip(tr("Save the chart as PNG or SVG"));
    connect(exportChart, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export chart"), {},
                                                          tr("PNG (*.png);;SVG (*.svg)"));
        if (path.isEmpty()) {
            return;
        }
        const QString problem = path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive)
                                    ? widgets::saveWidgetSvg(chart_, path, chart_->title())
                                    : widgets::saveWidgetPng(chart_, path);
        if (!problem.isEmpty()) {
            QMessageBox::warning(this, tr("Export chart"), problem);
        }
    });
    auto* chartBar = new QHBoxLayout;
    chartBar->addWidget(groupingLabel);
    chartBar->addWidget(groupingBox_);
    chartBar->addWidget(chartConfigLabel);
    chartBar->addWidget(chartConfigBox_);
    chartBar->addStretch(1);
    chartBar->addWidget(exportChart);

    proxy_->setSourceModel(model_);
    proxy_->setSortRole(Qt::UserRole);
    proxy_->setFilterKeyColumn(OverviewModel::Name);
    proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy_->setDynamicSortFilter(true);
    table_->setModel(proxy_);
    table_->setSortingEnabled(true);
    table_->sortByColumn(OverviewModel::column(0, OverviewModel::Sqnr), Qt::AscendingOrder);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setWordWrap(false);
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    table_->setToolTip(tr("Double-click a tensor to study it in the analysis tabs"));
    connect(table_, &QTableView::doubleClicked, this,
            [this](const QModelIndex& index) { openRow(index.row()); });

    auto* filterLabel = new QLabel(tr("Fi&lter:"), this);
    filterLabel->setBuddy(filterEdit_);
    filterEdit_->setPlaceholderText(tr("part of a tensor name, e.g. down_proj or layers.3."));
    filterEdit_->setClearButtonEnabled(true);
    connect(filterEdit_, &QLineEdit::textChanged, proxy_,
            &QSortFilterProxyModel::setFilterFixedString);
    auto* exportCsvButton = new QPushButton(tr("E&xport CSV…"), this);
    exportCsvButton->setToolTip(tr("Write the table as shown (order and filter) as CSV"));
    auto* exportJsonButton = new QPushButton(tr("Export &JSON…"), this);
    exportJsonButton->setToolTip(
        tr("Write the table as shown, with each config's totals, as JSON"));
    const auto exporter = [this](const QString& filter,
                                 QString (OverviewPanel::*write)(const QString&) const) {
        return [this, filter, write] {
            const QString path =
                QFileDialog::getSaveFileName(this, tr("Export overview"), {}, filter);
            if (!path.isEmpty()) {
                if (const QString problem = (this->*write)(path); !problem.isEmpty()) {
                    QMessageBox::warning(this, tr("Export overview"), problem);
                }
            }
        };
    };
    connect(exportCsvButton, &QPushButton::clicked, this,
            exporter(tr("CSV (*.csv)"), &OverviewPanel::exportCsv));
    connect(exportJsonButton, &QPushButton::clicked, this,
            exporter(tr("JSON (*.json)"), &OverviewPanel::exportJson));
    auto* tableBar = new QHBoxLayout;
    tableBar->addWidget(filterLabel);
    tableBar->addWidget(filterEdit_, 1);
    tableBar->addWidget(exportCsvButton);
    tableBar->addWidget(exportJsonButton);

    auto* chartBox = new QWidget(this);
    auto* chartLayout = new QVBoxLayout(chartBox);
    chartLayout->setContentsMargins(0, 0, 0, 0);
    chartLayout->addLayout(chartBar);
    chartLayout->addWidget(chart_, 1);
    auto* tableBox = new QWidget(this);
    auto* tableLayout = new QVBoxLayout(tableBox);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addLayout(tableBar);
    tableLayout->addWidget(table_, 1);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(chartBox);
    splitter->addWidget(tableBox);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);

    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(status_);
    layout->addWidget(splitter, 1);

    connect(chart_, &OverviewChart::tensorActivated, this, [this](std::size_t tensor) {
        if (sourceIndex_ >= 0) {
            session_->selectTensor(sourceIndex_, static_cast<int>(tensor));
            emit tensorOpened();
        }
    });
    chartTimer_->setSingleShot(true);
    chartTimer_->setInterval(100);  // rows stream in faster than a chart needs redrawing
    connect(chartTimer_, &QTimer::timeout, this, &OverviewPanel::updateChart);

    job_.setFinishedHandler(
        [this](std::optional<OverviewRunOutcome> outcome) { onFinished(std::move(outcome)); });
    job_.setProgressHandler([this] {
        progress_->setMaximum(std::max(1, job_.progressMaximum()));
        progress_->setValue(job_.progressValue());
        cancelButton_->setEnabled(job_.isActive());
    });
    for (const auto signal : {&AnalysisSession::configChanged, &AnalysisSession::sourcesChanged,
                              &AnalysisSession::tensorChanged}) {
        connect(session_, signal, this, [this] {
            if (isVisible()) {
                refreshIfStale();
            }
        });
    }
    updateStatus();
}

OverviewPanel::~OverviewPanel() = default;

QWidget* OverviewPanel::chartArea() const {
    return chart_;
}

void OverviewPanel::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    refreshIfStale();
}

std::vector<QuantConfig> OverviewPanel::configs(QString& problem) const {
    std::vector<QuantConfig> list{session_->config()};
    const QString more = configsEdit_->text().trimmed();
    if (!more.isEmpty()) {
        try {
            for (QuantConfig& c : parse_config_list(more.toStdString(), session_->config())) {
                list.push_back(std::move(c));
            }
        } catch (const UsageError& e) {
            problem = QString::fromStdString(e.what());
            return {};
        }
    }
    return list;
}

QString OverviewPanel::runKey() const {
    const int source = session_->selectedSource();
    if (source < 0 || source >= session_->sources().size()) {
        return {};
    }
    QString problem;
    return session_->sources()[source].spec + QLatin1Char('\n') +
           QString::fromStdString(config_list_text(configs(problem))) + QLatin1Char('\n') + problem;
}

void OverviewPanel::refreshIfStale() {
    if (runKey() != ranKey_) {
        run();
    }
}

void OverviewPanel::run() {
    ranKey_ = runKey();
    ++generation_;
    skipped_ = 0;
    cancelled_ = false;
    failure_.clear();
    const int sourceIndex = session_->selectedSource();
    QString problem;
    std::vector<QuantConfig> list = configs(problem);
    if (sourceIndex < 0 || sourceIndex >= session_->sources().size() || list.empty()) {
        job_.cancel();
        sourceIndex_ = -1;
        model_->reset({});
        failure_ = problem;
        updateChart();
        updateStatus();
        return;
    }
    sourceIndex_ = sourceIndex;
    chartConfigBox_->blockSignals(true);
    chartConfigBox_->clear();
    for (const QuantConfig& c : list) {
        chartConfigBox_->addItem(QString::fromStdString(config_label(c)));
    }
    chartConfigBox_->blockSignals(false);
    model_->reset(list);
    table_->sortByColumn(table_->horizontalHeader()->sortIndicatorSection(),
                         table_->horizontalHeader()->sortIndicatorOrder());
    std::shared_ptr<const Source> source = session_->sources()[sourceIndex].source;
    const quint64 generation = generation_;
    job_.request([this, source, list, generation]() -> BackgroundJob<OverviewRunOutcome>::Task {
        QPointer<OverviewPanel> self(this);
        return [self, source, list, generation](JobControl& control) {
            OverviewRunOutcome outcome;
            OverviewOptions options;
            options.configs = list;
            options.cancel = control.cancelFlag();
            options.on_row = [self, generation](const OverviewRow& row) {
                QMetaObject::invokeMethod(
                    self.data(),
                    [self, generation, row] {
                        if (self) {
                            self->addRow(generation, row);
                        }
                    },
                    Qt::QueuedConnection);
            };
            options.on_progress = [&control](const OverviewProgress& p) {
                control.setProgressRange(0, static_cast<int>(p.tensors_total));
                control.setProgressValue(static_cast<int>(p.tensors_done));
            };
            try {
                const OverviewResult result = run_overview(*source, options);
                outcome.skipped = result.skipped.size();
                outcome.cancelled = result.cancelled;
            } catch (const std::exception& e) {
                outcome.failure = QString::fromStdString(describe_failure(e, source->path()));
            }
            return outcome;
        };
    });
    cancelButton_->setEnabled(true);
    updateChart();
    updateStatus();
}

void OverviewPanel::cancel() {
    job_.cancel();
}

void OverviewPanel::addRow(quint64 generation, OverviewRow row) {
    if (generation != generation_) {
        return;  // a row of a superseded run
    }
    model_->appendRow(std::move(row));
    if (!chartTimer_->isActive()) {
        chartTimer_->start();
    }
    updateStatus();
}

void OverviewPanel::onFinished(std::optional<OverviewRunOutcome> outcome) {
    cancelButton_->setEnabled(false);
    if (outcome) {
        skipped_ = outcome->skipped;
        cancelled_ = outcome->cancelled;
        failure_ = outcome->failure;
    } else {
        cancelled_ = true;
    }
    // The job posted each row before it returned, so every row is in by now.
    table_->resizeColumnsToContents();
    table_->setColumnWidth(OverviewModel::Name,
                           std::min(table_->columnWidth(OverviewModel::Name),
                                    fontMetrics().horizontalAdvance(QLatin1Char('m')) * 36));
    updateChart();
    updateStatus();
}

void OverviewPanel::updateChart() {
    const int config = std::max(0, chartConfigBox_->currentIndex());
    chart_->setRows(model_->rows(), static_cast<std::size_t>(config),
                    chartConfigBox_->currentText());
}

void OverviewPanel::updateStatus() {
    if (sourceIndex_ < 0) {
        status_->setText(failure_.isEmpty()
                             ? tr("Open a model file (safetensors, ONNX, GGUF, npz, or a folder "
                                  "of sharded safetensors) to see every tensor under the config.")
                             : failure_);
        progress_->setValue(0);
        return;
    }
    const std::size_t done = model_->rows().size();
    QString text;
    if (job_.isActive()) {
        text = tr("Quantizing: %1 tensors done…").arg(done);
    } else if (!failure_.isEmpty()) {
        text = failure_;
    } else {
        text = done == 1 ? tr("1 tensor quantized") : tr("%1 tensors quantized").arg(done);
        if (skipped_ > 0) {
            text += tr("; %1 integer or unreadable tensors left out").arg(skipped_);
        }
        if (cancelled_) {
            text += tr(" — cancelled: the table holds the tensors done so far");
        }
    }
    text += tr(". Worst SQNR first; double-click a tensor to study it.");
    status_->setText(text);
}

std::vector<OverviewRow> OverviewPanel::rowsInViewOrder() const {
    std::vector<OverviewRow> rows;
    for (int r = 0; r < proxy_->rowCount(); ++r) {
        rows.push_back(
            model_
                ->rows()[static_cast<std::size_t>(proxy_->mapToSource(proxy_->index(r, 0)).row())]);
    }
    return rows;
}

QString OverviewPanel::exportCsv(const QString& path) const {
    return widgets::saveBytes(
        path, QByteArray::fromStdString(overview_csv(rowsInViewOrder(), model_->configs())));
}

QString OverviewPanel::exportJson(const QString& path) const {
    return widgets::saveBytes(
        path, QByteArray::fromStdString(overview_json(rowsInViewOrder(), model_->configs())));
}

void OverviewPanel::openRow(int row) {
    if (sourceIndex_ < 0 || row < 0 || row >= proxy_->rowCount()) {
        return;
    }
    const int source = proxy_->mapToSource(proxy_->index(row, 0)).row();
    session_->selectTensor(
        sourceIndex_, static_cast<int>(model_->rows()[static_cast<std::size_t>(source)].tensor));
    emit tensorOpened();
}

}  // namespace quantscope::app
