#include "compare_panel.h"

#include <QAction>
#include <QChart>
#include <QCheckBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QMessageBox>
#include <QSaveFile>
#include <QSplitter>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>
#include <QValueAxis>
#include <cmath>
#include <exception>

#include "analysis_session.h"
#include "compare_model.h"
#include "count_axis.h"
#include "plot_chart_view.h"
#include "step_series.h"

namespace quantscope::app {

namespace {

bool fits(const QuantConfig& config) {
    try {
        check_config(config);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

QString writeAtomically(const QString& path, const QByteArray& bytes) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        return QObject::tr("%1: cannot write: %2").arg(path, file.errorString());
    }
    return {};
}

}  // namespace

std::vector<QuantConfig> calibrationPreset(const QuantConfig& current) {
    std::vector<QuantConfig> configs;
    for (const char* name : {"minmax", "percentile:99.9", "kl", "mse"}) {
        QuantConfig config = current;
        config.calibration = parse_calibration(name);
        if (fits(config)) {
            configs.push_back(config);
        }
    }
    return configs;
}

std::vector<QuantConfig> formatPreset(const QuantConfig& current) {
    std::vector<QuantConfig> configs;
    for (const char* name : {"int8", "fp8_e4m3", "fp8_e5m2", "int4", "fp4_e2m1", "nf4", "mxfp4"}) {
        QuantConfig config = current;
        const bool wasBlock = config.granularity.kind == Granularity::Kind::Block &&
                              (config.block_scaling != BlockScaling::None ||
                               config.format.kind() == FormatKind::Lookup);
        apply_format(config, name);
        if (wasBlock && config.block_scaling == BlockScaling::None &&
            config.format.kind() != FormatKind::Lookup) {
            config.granularity = {};
        }
        if (!fits(config)) {
            config.calibration = {};  // e.g. KL on NF4's blocks: fall back to min-max
        }
        if (fits(config)) {
            configs.push_back(config);
        }
    }
    return configs;
}

ComparePanel::ComparePanel(AnalysisSession* session, QWidget* parent)
    : QWidget(parent), session_(session) {
    model_ = new CompareModel(session_, this);
    table_ = new QTableView(this);
    table_->setModel(model_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setAlternatingRowColors(true);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);

    auto* toolbar = new QToolBar(this);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    addCurrent_ = toolbar->addAction(tr("Add current"), this, &ComparePanel::addCurrent);
    addCurrent_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    addCurrent_->setShortcutContext(Qt::WindowShortcut);
    addCurrent_->setToolTip(tr("Add the current config as a row (Ctrl+D)"));
    toolbar->addAction(tr("Remove"), this, &ComparePanel::removeSelected)
        ->setToolTip(tr("Remove the selected row"));
    toolbar->addAction(tr("Up"), this, [this] { moveSelected(-1); })
        ->setToolTip(tr("Move the selected row up"));
    toolbar->addAction(tr("Down"), this, [this] { moveSelected(1); })
        ->setToolTip(tr("Move the selected row down"));
    toolbar->addSeparator();
    toolbar->addAction(tr("Compare calibrations"), this, &ComparePanel::compareCalibrations)
        ->setToolTip(tr("Replace the rows with min-max, percentile 99.9, KL and MSE at the "
                        "current format"));
    toolbar->addAction(tr("Compare formats"), this, &ComparePanel::compareFormats)
        ->setToolTip(tr("Replace the rows with int8, fp8_e4m3, fp8_e5m2, int4, fp4_e2m1, nf4 "
                        "and mxfp4"));
    toolbar->addSeparator();
    toolbar->addAction(tr("Export CSV…"), this, [this] {
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Export comparison"), {}, tr("CSV (*.csv)"));
        if (!path.isEmpty()) {
            if (const QString problem = exportCsv(path); !problem.isEmpty()) {
                QMessageBox::warning(this, tr("Export"), problem);
            }
        }
    });
    toolbar->addAction(tr("Export JSON…"), this, [this] {
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Export comparison"), {}, tr("JSON (*.json)"));
        if (!path.isEmpty()) {
            if (const QString problem = exportJson(path); !problem.isEmpty()) {
                QMessageBox::warning(this, tr("Export"), problem);
            }
        }
    });

    overlay_ = new widgets::PlotChartView(this);
    overlay_->chart()->setTitle(tr("Dequantized histograms of the compared configs"));
    overlay_->setAxisTitles(tr("value"), tr("count"));
    overlay_->setYFloor(0);
    overlay_->axisY()->setLabelFormat("%.0f");
    wholeRange_ = new QCheckBox(tr("&Whole range"), this);
    wholeRange_->setToolTip(
        tr("Bins over every value. Off: bins over the central 99.9 % (0.05th to 99.95th "
           "percentile), where the levels of the compared configs can be told apart even when "
           "a few outliers stretch the range"));
    logScale_ = new QCheckBox(tr("Lo&g counts"), this);
    logScale_->setToolTip(
        tr("Count axis as log10(1 + count): sparse tails and rarely used "
           "levels become visible"));
    overlayNote_ = new QLabel(this);
    overlayNote_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* overlayBar = new QHBoxLayout;
    overlayBar->setContentsMargins(6, 0, 6, 0);
    overlayBar->addWidget(wholeRange_);
    overlayBar->addWidget(logScale_);
    overlayBar->addWidget(overlayNote_, 1);
    auto* overlayPane = new QWidget(this);
    auto* overlayLayout = new QVBoxLayout(overlayPane);
    overlayLayout->setContentsMargins(0, 0, 0, 0);
    overlayLayout->addLayout(overlayBar);
    overlayLayout->addWidget(overlay_, 1);
    connect(wholeRange_, &QCheckBox::toggled, this, &ComparePanel::showOverlay);
    connect(logScale_, &QCheckBox::toggled, this, &ComparePanel::showOverlay);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(table_);
    splitter->addWidget(overlayPane);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(toolbar);
    layout->addWidget(splitter, 1);

    connect(session_, &AnalysisSession::comparisonFinished, this, &ComparePanel::showOverlay);
}

int ComparePanel::selectedRow() const {
    const QModelIndexList rows = table_->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : rows.front().row();
}

void ComparePanel::addCurrent() {
    session_->addComparedConfig(session_->config());
}

void ComparePanel::removeSelected() {
    const int row = selectedRow();
    session_->removeComparedConfig(row);
    if (model_->rowCount() > 0 && row >= 0) {
        table_->selectRow(std::min(row, model_->rowCount() - 1));
    }
}

void ComparePanel::moveSelected(int by) {
    const int row = selectedRow();
    if (row < 0) {
        return;
    }
    session_->moveComparedConfig(row, row + by);
    table_->selectRow(std::clamp(row + by, 0, model_->rowCount() - 1));
}

void ComparePanel::compareCalibrations() {
    session_->setComparedConfigs(calibrationPreset(session_->config()));
}

void ComparePanel::compareFormats() {
    session_->setComparedConfigs(formatPreset(session_->config()));
}

QString ComparePanel::exportCsv(const QString& path) const {
    return writeAtomically(path, model_->toCsv().toUtf8());
}

QString ComparePanel::exportJson(const QString& path) const {
    return writeAtomically(path, QJsonDocument(model_->toJson()).toJson());
}

void ComparePanel::showOverlay() {
    const auto comparison = session_->comparison();
    if (!comparison) {
        overlay_->clear();
        return;
    }
    static const QList<QColor> colours{{230, 126, 34}, {39, 174, 96},  {142, 68, 173},
                                       {192, 57, 43},  {22, 160, 133}, {211, 84, 0},
                                       {41, 128, 185}, {127, 140, 141}};
    const bool whole = wholeRange_->isChecked();
    const bool log = logScale_->isChecked();
    auto points = [log](const Histogram& h) {
        QList<QPointF> p = widgets::histogramStepPoints(h);
        widgets::countsToAxis(p, log);
        return p;
    };
    const Histogram& original = whole ? comparison->original : comparison->central;
    QList<widgets::Curve> curves{
        {tr("Original"), points(original), QColor(52, 120, 198), 1.0, Qt::SolidLine, true}};
    for (std::size_t i = 0; i < comparison->rows.size(); ++i) {
        const ComparisonRow& row = comparison->rows[i];
        if (!row.error.isEmpty()) {
            continue;
        }
        curves.append({QString::fromStdString(format_name(row.config) + " " +
                                              to_string(row.config.calibration)),
                       points(whole ? row.dequantized : row.centralDequantized),
                       colours[static_cast<qsizetype>(i) % colours.size()], 1.4});
    }
    widgets::setCountAxis(overlay_->axisY(), log);
    overlay_->setCurves(curves);
    const std::int64_t outside = original.below + original.above;
    overlayNote_->setText(whole ? tr("all values")
                                : tr("central 99.9 %: [%1, %2]; %3 values outside")
                                      .arg(original.lo, 0, 'g', 4)
                                      .arg(original.hi, 0, 'g', 4)
                                      .arg(outside));
}

}  // namespace quantscope::app
