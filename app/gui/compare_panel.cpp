#include "compare_panel.h"

#include <QAction>
#include <QChart>
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLegend>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <exception>

#include "analysis_session.h"
#include "chart_export.h"
#include "compare_model.h"
#include "count_axis.h"
#include "elided_label.h"
#include "plot_chart_view.h"
#include "quantscope/quant/ggml_config.h"
#include "series_palette.h"
#include "small_multiples_view.h"
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

// The words of each name that tell it apart from the others: "int8 symmetric minmax
// nearest-even" and "int4 symmetric minmax nearest-even" become "int8" and "int4".
QStringList distinguishingNames(const QStringList& names) {
    QList<QStringList> words;
    for (const QString& name : names) {
        words.append(name.split(QLatin1Char(' '), Qt::SkipEmptyParts));
    }
    QStringList shortNames;
    for (const QStringList& own : words) {
        QStringList kept;
        for (const QString& word : own) {
            const bool everywhere = std::all_of(words.begin(), words.end(), [&](const auto& other) {
                return other.contains(word);
            });
            if (!everywhere || names.size() == 1) {
                kept << word;
            }
        }
        shortNames << (kept.isEmpty() ? own.join(QLatin1Char(' ')) : kept.join(QLatin1Char(' ')));
    }
    return shortNames;
}

// Rich text that wraps between legend entries, never inside a name.
QString unbreakable(const QString& text) {
    QString html = text.toHtmlEscaped();
    html.replace(QLatin1Char(' '), QStringLiteral("&nbsp;"));
    html.replace(QLatin1Char('-'), QChar(0x2011));  // non-breaking hyphen
    // A word joiner after each colon: "block:64" is no place for a line break.
    html.replace(QLatin1Char(':'), QStringLiteral(":") + QChar(0x2060));
    return html;
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

std::vector<QuantConfig> llamaCppPreset() {
    std::vector<QuantConfig> configs;
    for (const std::string& name : ggml_format_names()) {
        QuantConfig config;
        apply_format(config, name);
        configs.push_back(config);
    }
    for (const char* name : {"nf4", "mxfp4", "nvfp4"}) {
        QuantConfig config;
        apply_format(config, name);
        configs.push_back(config);
    }
    QuantConfig int4;
    apply_format(int4, "int4");
    int4.granularity = parse_granularity("block:32");
    configs.push_back(int4);
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
    toolbar->addAction(tr("Compare llama.cpp types"), this, &ComparePanel::compareLlamaCpp)
        ->setToolTip(tr("Replace the rows with llama.cpp's block types (q2_K .. q8_0, iq4_nl, "
                        "as ggml's reference quantizer stores them) beside nf4, mxfp4, nvfp4 "
                        "and int4 in blocks of 32"));
    // Exports are buttons of their own, always in sight (a narrow window hid them in the
    // toolbar's overflow menu).
    auto* exportCsvButton = new QPushButton(tr("Export CSV…"), this);
    exportCsvButton->setToolTip(
        tr("Write the table as CSV: one row per config, with the tensor and its source"));
    connect(exportCsvButton, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Export comparison"), {}, tr("CSV (*.csv)"));
        if (!path.isEmpty()) {
            if (const QString problem = exportCsv(path); !problem.isEmpty()) {
                QMessageBox::warning(this, tr("Export"), problem);
            }
        }
    });
    auto* exportJsonButton = new QPushButton(tr("Export JSON…"), this);
    exportJsonButton->setToolTip(tr("Write the table as JSON, with each config in full"));
    connect(exportJsonButton, &QPushButton::clicked, this, [this] {
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
    // The legend below names every config in full; the chart's own would cut the names.
    overlay_->chart()->legend()->setVisible(false);
    multiples_ = new widgets::SmallMultiplesView(this);
    multiples_->setAxisTitles(tr("value"), tr("count"));
    chartStack_ = new QStackedWidget(this);
    chartStack_->addWidget(overlay_);
    chartStack_->addWidget(multiples_);
    legend_ = new QLabel(this);
    legend_->setWordWrap(true);
    legend_->setTextFormat(Qt::RichText);
    legend_->setContentsMargins(6, 2, 6, 2);
    legend_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    charts_ = new QWidget(this);
    auto* chartsLayout = new QVBoxLayout(charts_);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
    chartsLayout->setSpacing(0);
    chartsLayout->addWidget(chartStack_, 1);
    chartsLayout->addWidget(legend_);

    layoutBox_ = new QComboBox(this);
    layoutBox_->addItem(tr("Automatic"), static_cast<int>(ChartLayout::Automatic));
    layoutBox_->addItem(tr("Overlay"), static_cast<int>(ChartLayout::Overlay));
    layoutBox_->addItem(tr("Small multiples"), static_cast<int>(ChartLayout::SmallMultiples));
    layoutBox_->setToolTip(
        tr("Overlay: every config's histogram in one chart. Small multiples: one chart per "
           "config on shared axes. Automatic: an overlay for up to %1 configs, small "
           "multiples beyond.")
            .arg(kMaxOverlaid));
    wholeRange_ = new QCheckBox(tr("&Whole range"), this);
    wholeRange_->setToolTip(
        tr("Bins over every value. Off: bins over the central 99.9 % (0.05th to 99.95th "
           "percentile), where the levels of the compared configs can be told apart even when "
           "a few outliers stretch the range"));
    logScale_ = new QCheckBox(tr("&Log counts"), this);
    logScale_->setToolTip(
        tr("Count axis as log10(1 + count): sparse tails and rarely used "
           "levels become visible"));
    overlayNote_ = new widgets::ElidedLabel(this);
    auto* overlayBar = new QHBoxLayout;
    overlayBar->setContentsMargins(6, 0, 6, 0);
    overlayBar->addWidget(layoutBox_);
    overlayBar->addWidget(wholeRange_);
    overlayBar->addWidget(logScale_);
    overlayBar->addWidget(overlayNote_, 1);
    overlayBar->addWidget(exportCsvButton);
    overlayBar->addWidget(exportJsonButton);
    auto* overlayPane = new QWidget(this);
    auto* overlayLayout = new QVBoxLayout(overlayPane);
    overlayLayout->setContentsMargins(0, 0, 0, 0);
    overlayLayout->addLayout(overlayBar);
    overlayLayout->addWidget(charts_, 1);
    connect(layoutBox_, &QComboBox::currentIndexChanged, this, &ComparePanel::showOverlay);
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

void ComparePanel::compareLlamaCpp() {
    session_->setComparedConfigs(llamaCppPreset());
}

QString ComparePanel::exportCsv(const QString& path) const {
    return widgets::saveBytes(path, model_->toCsv().toUtf8());
}

QString ComparePanel::exportJson(const QString& path) const {
    return widgets::saveBytes(path, QJsonDocument(model_->toJson()).toJson());
}

ComparePanel::ChartLayout ComparePanel::effectiveLayout() const {
    const auto chosen = static_cast<ChartLayout>(layoutBox_->currentData().toInt());
    if (chosen != ChartLayout::Automatic) {
        return chosen;
    }
    const auto comparison = session_->comparison();
    const std::size_t configs = comparison ? comparison->rows.size() : 0;
    return configs > kMaxOverlaid ? ChartLayout::SmallMultiples : ChartLayout::Overlay;
}

void ComparePanel::showOverlay() {
    const auto comparison = session_->comparison();
    if (!comparison) {
        overlay_->clear();
        multiples_->setMultiples({});
        legend_->clear();
        return;
    }
    const bool whole = wholeRange_->isChecked();
    const bool log = logScale_->isChecked();
    auto points = [log](const Histogram& h) {
        QList<QPointF> p = widgets::histogramStepPoints(h);
        widgets::countsToAxis(p, log);
        return p;
    };
    const Histogram& original = whole ? comparison->original : comparison->central;
    const QColor originalColour(52, 120, 198);
    const widgets::Curve originalCurve{
        tr("Original"), points(original), originalColour, 1.0, Qt::SolidLine, true};
    QList<widgets::Curve> curves{originalCurve};
    QList<widgets::SmallMultiple> multiples;
    QStringList legend{QStringLiteral("<span style=\"color:%1\">■</span>&nbsp;%2")
                           .arg(originalColour.name(), tr("Original"))};
    QStringList fullNames;
    for (const ComparisonRow& row : comparison->rows) {
        fullNames << QString::fromStdString(describe(row.config));
    }
    const QStringList shortNames = distinguishingNames(fullNames);
    for (std::size_t i = 0; i < comparison->rows.size(); ++i) {
        const ComparisonRow& row = comparison->rows[i];
        const QString& name = fullNames[static_cast<qsizetype>(i)];
        if (!row.error.isEmpty()) {
            legend << tr("%1. %2: %3").arg(i + 1).arg(unbreakable(name), row.error.toHtmlEscaped());
            continue;
        }
        const int index = static_cast<int>(i);
        const Histogram& dequantized = whole ? row.dequantized : row.centralDequantized;
        const widgets::Curve curve{name, points(dequantized),
                                   widgets::seriesColor(index, palette()), 1.4,
                                   widgets::seriesPenStyle(index)};
        curves.append(curve);
        multiples.append({tr("%1. %2").arg(i + 1).arg(shortNames[static_cast<qsizetype>(i)]),
                          {originalCurve, curve}});
        // Identical results draw over one another in an overlay: the legend says so.
        QString same;
        for (std::size_t j = 0; j < i; ++j) {
            const ComparisonRow& earlier = comparison->rows[j];
            if (earlier.error.isEmpty() &&
                (whole ? earlier.dequantized : earlier.centralDequantized).counts ==
                    dequantized.counts) {
                same = tr(" (same as %1)").arg(j + 1);
                break;
            }
        }
        legend << QStringLiteral("<span style=\"color:%1\">%2</span>&nbsp;%3.&nbsp;%4%5")
                      .arg(curve.color.name(), curve.style == Qt::SolidLine ? QStringLiteral("■")
                                                                            : QStringLiteral("▬ ▬"))
                      .arg(i + 1)
                      .arg(unbreakable(name), same);
    }
    const bool small = effectiveLayout() == ChartLayout::SmallMultiples;
    chartStack_->setCurrentWidget(small ? static_cast<QWidget*>(multiples_) : overlay_);
    if (small) {
        multiples_->setLogCounts(log);
        multiples_->setMultiples(multiples);
    } else {
        widgets::setCountAxis(overlay_, log);
        overlay_->setCurves(curves);
    }
    legend_->setText(legend.join(QStringLiteral(" &nbsp;&nbsp; ")));
    const std::int64_t outside = original.below + original.above;
    overlayNote_->setText(whole ? tr("all values")
                                : tr("central 99.9 %: [%1, %2]; %3 values outside")
                                      .arg(original.lo, 0, 'g', 4)
                                      .arg(original.hi, 0, 'g', 4)
                                      .arg(outside));
}

}  // namespace quantscope::app
