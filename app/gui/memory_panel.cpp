#include "memory_panel.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "analysis_session.h"
#include "quantscope/io/source.h"
#include "stacked_bar_view.h"

namespace quantscope::app {

namespace {

using widgets::BarSegment;

constexpr double kBillion = 1e9;
enum ModelChoice { PresetModel, CustomModel, SourceModel };

QuantConfig named(const char* format, const char* granularity = nullptr, bool direct = false) {
    QuantConfig c;
    apply_format(c, format);
    if (granularity != nullptr) {
        c.granularity = parse_granularity(granularity);
    }
    if (direct) {
        c.scheme = Scheme::Direct;
    }
    return c;
}

// The formats a deployment usually weighs, widest first.
const std::vector<QuantConfig>& commonConfigs() {
    static const std::vector<QuantConfig> configs{
        named("fp32", nullptr, true),
        named("bf16", nullptr, true),
        named("fp8_e4m3", "channel"),
        named("int8", "channel"),
        named("int4", "block:128"),
        named("int4", "block:32"),
        named("nf4"),
        named("mxfp4"),
        named("nvfp4"),
    };
    return configs;
}

QString label(const QuantConfig& c) {
    QString text = QString::fromStdString(format_name(c));
    if (c.block_scaling == BlockScaling::None && c.granularity.kind == Granularity::Kind::Channel &&
        c.granularity.axis == 0) {
        text += QObject::tr(" per channel");
    } else if (c.block_scaling == BlockScaling::None &&
               c.granularity.kind != Granularity::Kind::Tensor) {
        text += QLatin1Char(' ') + QString::fromStdString(to_string(c.granularity));
    }
    if (c.scheme == Scheme::Affine) {
        text += QStringLiteral(" affine");
    }
    return text;
}

QString bytes(std::int64_t n) {
    return QLocale().formattedDataSize(n, 2, QLocale::DataSizeSIFormat);
}

QTableWidgetItem* cell(const QString& text, bool number = true) {
    auto* item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    if (number) {
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    }
    return item;
}

QTableWidget* table(const QStringList& headers, QWidget* parent) {
    auto* t = new QTableWidget(0, static_cast<int>(headers.size()), parent);
    t->setHorizontalHeaderLabels(headers);
    t->verticalHeader()->setVisible(false);
    t->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    t->horizontalHeader()->setStretchLastSection(true);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->verticalHeader()->setDefaultSectionSize(t->fontMetrics().height() + 6);
    return t;
}

QString csvOf(const QTableWidget* t) {
    QStringList lines;
    QStringList header;
    for (int c = 0; c < t->columnCount(); ++c) {
        header << t->horizontalHeaderItem(c)->text();
    }
    lines << header.join(QLatin1Char(','));
    for (int r = 0; r < t->rowCount(); ++r) {
        QStringList row;
        for (int c = 0; c < t->columnCount(); ++c) {
            QString text = t->item(r, c)->text();
            if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"'))) {
                text = QLatin1Char('"') + text.replace(QLatin1Char('"'), QStringLiteral("\"\"")) +
                       QLatin1Char('"');
            }
            row << text;
        }
        lines << row.join(QLatin1Char(','));
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

}  // namespace

MemoryPanel::MemoryPanel(AnalysisSession* session, QWidget* parent)
    : QWidget(parent), session_(session) {
    model_ = new QComboBox(this);
    model_->setToolTip(
        tr("A model size to start from, your own count, or the selected source's "
           "floating-point tensors, counted shape by shape"));
    parameters_ = new QDoubleSpinBox(this);
    parameters_->setRange(0.000001, 100000);
    parameters_->setDecimals(3);
    parameters_->setSuffix(tr(" billion"));
    parameters_->setToolTip(tr("Parameter count, in billions"));
    hidden_ = new QSpinBox(this);
    hidden_->setRange(1, 1 << 20);
    hidden_->setToolTip(
        tr("Row length of the weight matrices (the hidden size): it sets how many "
           "per-channel and per-block scales there are"));
    optimizer_ = new QComboBox(this);
    optimizer_->addItem(tr("FP32 Adam"), static_cast<int>(OptimizerStates::Fp32Adam));
    optimizer_->addItem(tr("8-bit Adam"), static_cast<int>(OptimizerStates::EightBitAdam));
    optimizer_->setToolTip(
        tr("How training keeps Adam's two moments: FP32 (8 bytes a "
           "parameter) or 8-bit blockwise as bitsandbytes (2 bytes and a "
           "scale per 2048)"));
    auto* copy = new QPushButton(tr("Copy tables"), this);
    copy->setToolTip(tr("Both tables as CSV on the clipboard"));
    connect(copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(tablesAsCsv()); });

    auto* controls = new QHBoxLayout;
    const auto labelled = [this](QHBoxLayout* row, const QString& text, QWidget* w) {
        auto* l = new QLabel(text, this);
        l->setBuddy(w);
        row->addWidget(l);
        row->addWidget(w);
    };
    labelled(controls, tr("Mo&del:"), model_);
    labelled(controls, tr("Parameters:"), parameters_);
    labelled(controls, tr("Hidden si&ze:"), hidden_);
    controls->addStretch(1);

    inference_ = table({tr("Inference"), tr("Bits/param"), tr("Weights"), tr("Scales"), tr("Total"),
                        tr("Scale share")},
                       this);
    training_ = table({tr("Training part"), tr("Bytes/param"), tr("Total")}, this);
    chart_ = new widgets::StackedBarView(this);
    chart_->chart()->setTitle(tr("Memory by format"));
    caption_ = new QLabel(this);
    caption_->setWordWrap(true);

    // One column: the tab is narrow between the docks, and each table reads best at full
    // width; the chart takes the height that is left.
    auto* trainingBox = new QWidget(this);
    auto* trainingRow = new QHBoxLayout;
    labelled(trainingRow, tr("Training &with:"), optimizer_);
    trainingRow->addStretch(1);
    trainingRow->addWidget(copy);
    auto* trainingLayout = new QVBoxLayout(trainingBox);
    trainingLayout->setContentsMargins(0, 0, 0, 0);
    trainingLayout->addLayout(trainingRow);
    trainingLayout->addWidget(training_, 1);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(inference_);
    split->addWidget(trainingBox);
    split->addWidget(chart_);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 0);
    split->setStretchFactor(2, 1);
    const int row = inference_->verticalHeader()->defaultSectionSize();
    const int header = inference_->horizontalHeader()->sizeHint().height();
    split->setSizes({header + row * 10 + 4, header + row * 5 + 36, 600});

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(controls);
    layout->addWidget(split, 1);
    layout->addWidget(caption_);

    connect(model_, &QComboBox::currentIndexChanged, this, &MemoryPanel::modelChosen);
    connect(parameters_, &QDoubleSpinBox::valueChanged, this, [this] {
        if (!updating_ && model_->currentData(Qt::UserRole).toInt() != CustomModel) {
            updating_ = true;
            model_->setCurrentIndex(model_->findData(CustomModel));
            updating_ = false;
        }
        recompute();
    });
    connect(hidden_, &QSpinBox::valueChanged, this, &MemoryPanel::recompute);
    connect(optimizer_, &QComboBox::currentIndexChanged, this, &MemoryPanel::recompute);
    connect(session_, &AnalysisSession::configChanged, this, &MemoryPanel::recompute);
    connect(session_, &AnalysisSession::sourcesChanged, this, &MemoryPanel::listModels);
    connect(session_, &AnalysisSession::tensorChanged, this, &MemoryPanel::listModels);
    listModels();
    model_->setCurrentIndex(1);  // 8B
}

QWidget* MemoryPanel::chartArea() const {
    return chart_;
}

void MemoryPanel::listModels() {
    const QVariant chosen = model_->currentData(Qt::UserRole + 1);
    updating_ = true;
    model_->clear();
    for (std::size_t i = 0; i < model_size_presets().size(); ++i) {
        const ModelSizePreset& p = model_size_presets()[i];
        model_->addItem(tr("%1 (hidden %2)").arg(QString::fromUtf8(p.name)).arg(p.hidden),
                        PresetModel);
        model_->setItemData(model_->count() - 1, static_cast<int>(i), Qt::UserRole + 1);
    }
    model_->addItem(tr("Custom"), CustomModel);
    model_->setItemData(model_->count() - 1, -1, Qt::UserRole + 1);
    const int source = session_->selectedSource();
    if (source >= 0 && source < session_->sources().size()) {
        const QString name = QFileInfo(session_->sources()[source].spec).fileName();
        model_->addItem(tr("Selected source: %1").arg(name), SourceModel);
        model_->setItemData(model_->count() - 1, -2, Qt::UserRole + 1);
    }
    const int again = chosen.isValid() ? model_->findData(chosen, Qt::UserRole + 1) : -1;
    model_->setCurrentIndex(again >= 0 ? again : 1);
    updating_ = false;
    modelChosen();
}

void MemoryPanel::modelChosen() {
    if (updating_) {
        return;
    }
    const int choice = model_->currentData(Qt::UserRole).toInt();
    updating_ = true;
    sourceShapes_.clear();
    if (choice == PresetModel) {
        const ModelSizePreset& p = model_size_presets()[static_cast<std::size_t>(
            model_->currentData(Qt::UserRole + 1).toInt())];
        parameters_->setValue(static_cast<double>(p.parameters) / kBillion);
        hidden_->setValue(static_cast<int>(p.hidden));
    } else if (choice == SourceModel) {
        const Source& source = *session_->sources()[session_->selectedSource()].source;
        std::int64_t count = 0;
        for (const TensorInfo& info : source.tensors()) {
            if (!is_integer_dtype(info.dtype)) {
                sourceShapes_.push_back(info.shape);
                count += info.count;
            }
        }
        parameters_->setValue(static_cast<double>(count) / kBillion);
    }
    parameters_->setEnabled(choice != SourceModel);
    hidden_->setEnabled(choice != SourceModel);
    updating_ = false;
    recompute();
}

void MemoryPanel::recompute() {
    if (updating_) {
        return;
    }
    const bool fromSource = model_->currentData(Qt::UserRole).toInt() == SourceModel;
    std::int64_t count = 0;
    if (fromSource) {
        for (const Shape& shape : sourceShapes_) {
            std::int64_t n = 1;
            for (const std::int64_t d : shape) {
                n *= d;
            }
            count += n;
        }
    } else {
        count = static_cast<std::int64_t>(std::llround(parameters_->value() * kBillion));
    }
    const std::int64_t row = hidden_->value();

    std::vector<QuantConfig> configs = commonConfigs();
    configs.push_back(session_->config());
    QStringList categories;
    BarSegment values{tr("Quantized"), {}};
    BarSegment scales{tr("Scales"), {}};
    inference_->setRowCount(static_cast<int>(configs.size()));
    for (std::size_t i = 0; i < configs.size(); ++i) {
        const QuantConfig& c = configs[i];
        const WeightMemory m =
            fromSource ? weight_memory(sourceShapes_, c) : weight_memory(count, row, c);
        const QString name =
            i + 1 == configs.size() ? tr("%1 (this session)").arg(label(c)) : label(c);
        const auto r = static_cast<int>(i);
        inference_->setItem(r, 0, cell(name, false));
        inference_->setItem(
            r, 1,
            cell(count > 0 ? QLocale().toString(
                                 8.0 * static_cast<double>(m.total()) / static_cast<double>(count),
                                 'f', 3)
                           : QStringLiteral("—")));
        inference_->setItem(r, 2, cell(bytes(m.value_bytes)));
        inference_->setItem(r, 3, cell(bytes(m.scale_bytes)));
        inference_->setItem(r, 4, cell(bytes(m.total())));
        inference_->setItem(
            r, 5, cell(QLocale().toString(100 * m.scale_share(), 'f', 2) + QStringLiteral(" %")));
        categories << name;
        values.values << static_cast<double>(m.value_bytes) / kBillion;
        scales.values << static_cast<double>(m.scale_bytes) / kBillion;
    }

    const auto states = static_cast<OptimizerStates>(optimizer_->currentData().toInt());
    const TrainingMemory t = training_memory(count, states);
    struct Part {
        QString name;
        QString legend;  // shorter: the chart's legend shares one line
        std::int64_t bytes;
    };
    const QList<Part> parts{{tr("FP32 master weights"), tr("Master"), t.master_weights},
                            {tr("BF16 weights"), tr("Weights"), t.weights},
                            {tr("BF16 gradients"), tr("Gradients"), t.gradients},
                            {states == OptimizerStates::Fp32Adam ? tr("Adam moments (FP32)")
                                                                 : tr("Adam moments (8-bit)"),
                             tr("Adam"), t.optimizer},
                            {tr("Total"), {}, t.total()}};
    training_->setRowCount(static_cast<int>(parts.size()));
    QList<BarSegment> segments{values, scales};
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const auto r = static_cast<int>(i);
        training_->setItem(r, 0, cell(parts[i].name, false));
        training_->setItem(r, 1,
                           cell(count > 0 ? QLocale().toString(static_cast<double>(parts[i].bytes) /
                                                                   static_cast<double>(count),
                                                               'f', 3)
                                          : QStringLiteral("—")));
        training_->setItem(r, 2, cell(bytes(parts[i].bytes)));
        if (i + 1 < parts.size()) {  // the training bar stacks its parts, not the total
            BarSegment s{parts[i].legend, QList<double>(categories.size(), 0.0)};
            s.values << static_cast<double>(parts[i].bytes) / kBillion;
            segments << s;
        }
    }
    values.values << 0.0;
    scales.values << 0.0;
    segments[0] = values;
    segments[1] = scales;
    categories << (states == OptimizerStates::Fp32Adam ? tr("training, FP32 Adam")
                                                       : tr("training, 8-bit Adam"));
    chart_->setBars(categories, segments, tr("GB (10⁹ bytes)"));

    caption_->setText(
        fromSource
            ? tr("%1 parameters in %2 floating-point tensors of the selected source, each "
                 "tensor's scales counted on its own shape. Activations and the KV cache are "
                 "not counted; 1 GB = 10⁹ bytes.")
                  .arg(QLocale().toString(count))
                  .arg(sourceShapes_.size())
            : tr("%1 parameters in rows of %2 values (the hidden size sets how many per-channel "
                 "and block scales there are). Activations and the KV cache are not counted; 1 "
                 "GB = 10⁹ bytes.")
                  .arg(QLocale().toString(count))
                  .arg(row));
}

QString MemoryPanel::tablesAsCsv() const {
    return csvOf(inference_) + QLatin1Char('\n') + csvOf(training_);
}

}  // namespace quantscope::app
