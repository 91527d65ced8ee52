#include "steps_panel.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSplitter>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <algorithm>
#include <bit>

#include "analysis_session.h"
#include "quantscope/common/error.h"
#include "quantscope/formats/format.h"
#include "quantscope/quant/metric_descriptors.h"

namespace quantscope::app {

namespace {

enum Column { Index, Group, X, Scaled, Rounded, Rule, PlusZ, Code, Bits, Q, Error, Columns };

QString floatText(float v) {
    return QString::fromStdString(float_text(v));
}

QString number(double v) {
    return QString::fromStdString(significant_text(v, 7, NumberSymbols::Unicode));
}

QComboBox* editableBox(const QStringList& items, QWidget* parent) {
    auto* box = new QComboBox(parent);
    box->setEditable(true);
    box->addItems(items);
    box->setInsertPolicy(QComboBox::NoInsert);
    return box;
}

}  // namespace

StepsPanel::StepsPanel(AnalysisSession* session, QWidget* parent)
    : QWidget(parent), session_(session) {
    preset_ = new QComboBox(this);
    preset_->addItem(tr("Your own values"));
    for (const WorkedPreset& p : worked_presets()) {
        preset_->addItem(QString::fromStdString(p.title), QString::fromStdString(p.name));
    }
    preset_->setToolTip(tr("The worked examples of the design page"));
    values_ = new QLineEdit(this);
    values_->setPlaceholderText(
        tr("up to %1 numbers, separated by spaces or commas").arg(kMaxWorkedValues));
    shape_ = new QLineEdit(this);
    shape_->setPlaceholderText(tr("shape: 2,4"));
    shape_->setToolTip(tr("Rows and columns: per channel needs two axes (empty: one axis)"));
    shape_->setMaximumWidth(shape_->fontMetrics().averageCharWidth() * 14);

    QStringList formats;
    for (const Format& f : named_formats()) {
        formats << QString::fromStdString(f.name());
    }
    for (const std::string& name : block_format_names()) {
        formats << QString::fromStdString(name);
    }
    format_ = editableBox(formats, this);
    format_->setToolTip(tr("Any format name, e.g. int8, uint8, fp8_e4m3, e3m4_fn, nf4, mxfp4"));
    scheme_ = new QComboBox(this);
    for (const Scheme s : {Scheme::Symmetric, Scheme::Affine, Scheme::Scaled, Scheme::Direct}) {
        scheme_->addItem(QString::fromUtf8(to_string(s)));
    }
    granularity_ = editableBox(
        {QStringLiteral("tensor"), QStringLiteral("channel"), QStringLiteral("channel:-1"),
         QStringLiteral("block:4"), QStringLiteral("block:32")},
        this);
    calibration_ = editableBox(
        {QStringLiteral("minmax"), QStringLiteral("percentile:99.9"), QStringLiteral("mse"),
         QStringLiteral("sigma:3"), QStringLiteral("manual:-10,10")},
        this);
    rounding_ = new QComboBox(this);
    for (const Rounding r : {Rounding::NearestEven, Rounding::NearestAway, Rounding::TowardZero,
                             Rounding::Stochastic}) {
        rounding_->addItem(QString::fromUtf8(to_string(r)));
    }
    fromSession_ = new QPushButton(tr("Session's config"), this);
    fromSession_->setToolTip(tr("Take the Configuration dock's config"));

    // Three short rows: the tab sits between docks and must not widen the window.
    for (QComboBox* box : {preset_, format_, scheme_, granularity_, calibration_, rounding_}) {
        box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        box->setMinimumContentsLength(box == preset_ ? 24 : 8);
    }
    auto* form = new QGridLayout;
    int column = 0;
    const auto labelled = [&](int row, const QString& text, QWidget* w, int span = 1) {
        auto* l = new QLabel(text, this);
        l->setBuddy(w);
        form->addWidget(l, row, column);
        form->addWidget(w, row, column + 1, 1, span);
        column += 1 + span;
    };
    labelled(0, tr("Example:"), preset_, 3);
    form->addWidget(fromSession_, 0, column);
    column = 0;
    labelled(1, tr("Values:"), values_, 3);
    form->addWidget(shape_, 1, column);
    column = 0;
    labelled(2, tr("Format:"), format_);
    labelled(2, tr("Scheme:"), scheme_);
    labelled(2, tr("Groups:"), granularity_);
    column = 0;
    labelled(3, tr("Range:"), calibration_);
    labelled(3, tr("Rounding:"), rounding_);
    for (int c : {1, 3, 5}) {
        form->setColumnStretch(c, 1);
    }

    groups_ = new QTextBrowser(this);
    groups_->setToolTip(tr("Each group's clipping range, scale and zero point"));
    table_ = new QTableWidget(0, Columns, this);
    table_->setHorizontalHeaderLabels({tr("i"), tr("group"), tr("x"), tr("x / s"), tr("rounded"),
                                       tr("rule"), tr("+ z"), tr("code"), tr("bits"), tr("Q(x)"),
                                       tr("error")});
    table_->verticalHeader()->setVisible(false);
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    totals_ = new QLabel(this);
    totals_->setWordWrap(true);
    totals_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(groups_);
    split->addWidget(table_);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 4);
    split->setSizes({groups_->fontMetrics().height() * 5, 400});
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(form);
    layout->addWidget(split, 1);
    layout->addWidget(totals_);

    job_.setFinishedHandler(
        [this](std::optional<StepsOutcome> outcome) { showOutcome(std::move(outcome)); });
    connect(preset_, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (!updating_ && index > 0) {
            showPreset(preset_->itemData(index).toString());
        }
    });
    const auto userEdited = [this] {
        if (!updating_) {
            updating_ = true;
            preset_->setCurrentIndex(0);
            updating_ = false;
            recompute();
        }
    };
    connect(values_, &QLineEdit::editingFinished, this, userEdited);
    connect(shape_, &QLineEdit::editingFinished, this, userEdited);
    connect(format_, &QComboBox::currentTextChanged, this, [this] {
        if (!updating_) {
            // A new format brings its natural scheme and granularity (as the CLI's --format).
            ConfigFieldValues fields{{"format", format_->currentText().trimmed().toStdString()},
                                     {"calibration", calibration_->currentText().toStdString()},
                                     {"rounding", rounding_->currentText().toStdString()}};
            try {
                setConfig(config_from_fields(fields));
            } catch (const UsageError& e) {
                error_ = QString::fromUtf8(e.what());
                showOutcome(StepsOutcome{nullptr, error_});
            }
        }
    });
    for (QComboBox* box : {scheme_, granularity_, calibration_, rounding_}) {
        connect(box, &QComboBox::currentTextChanged, this, [this] {
            if (!updating_) {
                configFromControls();
            }
        });
    }
    connect(fromSession_, &QPushButton::clicked, this, [this] { setConfig(session_->config()); });
    showPreset(QStringLiteral("affine-uint8-even"));
}

bool StepsPanel::showPreset(const QString& name) {
    for (const WorkedPreset& p : worked_presets()) {
        if (QString::fromStdString(p.name) != name) {
            continue;
        }
        updating_ = true;
        preset_->setCurrentIndex(preset_->findData(name));
        QStringList values;
        for (const float v : p.values) {
            values << number(v);
        }
        QStringList shape;
        for (const std::int64_t d : p.shape) {
            shape << QString::number(d);
        }
        values_->setText(values.join(QStringLiteral(", ")));
        shape_->setText(shape.join(QLatin1Char(',')));
        updating_ = false;
        setConfig(p.config);
        return true;
    }
    return false;
}

void StepsPanel::setValuesText(const QString& values, const QString& shape) {
    updating_ = true;
    values_->setText(values);
    shape_->setText(shape);
    preset_->setCurrentIndex(0);
    updating_ = false;
    recompute();
}

void StepsPanel::setConfig(const QuantConfig& config) {
    config_ = config;
    controlsFromConfig();
    recompute();
}

void StepsPanel::controlsFromConfig() {
    updating_ = true;
    format_->setCurrentText(QString::fromStdString(format_name(config_)));
    scheme_->setCurrentText(QString::fromUtf8(to_string(config_.scheme)));
    granularity_->setCurrentText(QString::fromStdString(to_string(config_.granularity)));
    calibration_->setCurrentText(QString::fromStdString(to_string(config_.calibration)));
    rounding_->setCurrentText(QString::fromUtf8(to_string(config_.rounding)));
    updating_ = false;
}

void StepsPanel::configFromControls() {
    ConfigFieldValues fields{{"format", format_->currentText().trimmed().toStdString()},
                             {"scheme", scheme_->currentText().toStdString()},
                             {"granularity", granularity_->currentText().trimmed().toStdString()},
                             {"calibration", calibration_->currentText().trimmed().toStdString()},
                             {"rounding", rounding_->currentText().toStdString()}};
    try {
        QuantConfig config = config_from_fields(fields);
        check_config(config);
        config_ = config;
        recompute();
    } catch (const UsageError& e) {
        showOutcome(StepsOutcome{nullptr, QString::fromUtf8(e.what())});
    }
}

void StepsPanel::recompute() {
    std::vector<float> values;
    std::vector<std::int64_t> shape;
    const QRegularExpression separators(QStringLiteral("[\\s,;]+"));
    for (const QString& text : values_->text().split(separators, Qt::SkipEmptyParts)) {
        bool ok = false;
        const double v = text.toDouble(&ok);
        if (!ok) {
            showOutcome(StepsOutcome{nullptr, tr("'%1' is not a number").arg(text)});
            return;
        }
        values.push_back(static_cast<float>(v));
    }
    for (const QString& text : shape_->text().split(separators, Qt::SkipEmptyParts)) {
        bool ok = false;
        const qlonglong d = text.toLongLong(&ok);
        if (!ok || d < 0) {
            showOutcome(
                StepsOutcome{nullptr, tr("the shape needs whole numbers, not '%1'").arg(text)});
            return;
        }
        shape.push_back(d);
    }
    if (values.empty()) {
        showOutcome(StepsOutcome{nullptr, tr("Type a few values, or choose an example.")});
        return;
    }
    // Sixty-four values take microseconds, but the GUI thread never computes.
    job_.request([values = std::move(values), shape = std::move(shape), config = config_] {
        return [values, shape, config](JobControl&) {
            try {
                return StepsOutcome{
                    std::make_shared<const WorkedExample>(work_example(values, shape, config)), {}};
            } catch (const std::exception& e) {
                return StepsOutcome{nullptr, QString::fromUtf8(e.what())};
            }
        };
    });
}

void StepsPanel::showOutcome(std::optional<StepsOutcome> outcome) {
    if (!outcome) {
        return;  // cancelled: a newer request follows
    }
    if (!outcome->example) {
        example_.reset();
        changed_.clear();
        table_->setRowCount(0);
        groups_->clear();
        totals_->setText(
            QStringLiteral("<span style='color:%1'>%2</span>")
                .arg(palette().color(QPalette::Link).name(), outcome->error.toHtmlEscaped()));
        emit exampleShown();
        return;
    }
    const std::shared_ptr<const WorkedExample> previous = example_;
    example_ = outcome->example;
    const WorkedExample& w = *example_;
    const bool integer = w.config.format.kind() == FormatKind::Integer &&
                         w.config.block_scaling == BlockScaling::None;

    QString html;
    for (std::size_t g = 0; g < w.groups.size(); ++g) {
        const WorkedGroup& group = w.groups[g];
        html +=
            tr("<p><b>Group %1</b> (%2 values): range [%3, %4]<br><tt>%5</tt><br><tt>%6</tt></p>")
                .arg(g)
                .arg(group.members.size())
                .arg(number(group.range_lo), number(group.range_hi),
                     QString::fromStdString(group.scale_formula).toHtmlEscaped(),
                     QString::fromStdString(group.zero_point_formula).toHtmlEscaped());
    }
    if (w.config.block_scaling == BlockScaling::NVFP4) {
        html += tr("<p>Tensor scale S = %1</p>").arg(number(w.tensor_scale));
    }
    groups_->setHtml(html);

    // Cells whose text differs from the previous example of the same length are highlighted:
    // what a change of format or rounding did.
    std::vector<QStringList> old;
    // Only for the same values: new values change every cell, which says nothing.
    const auto sameValues = [&] {
        return std::equal(previous->rows.begin(), previous->rows.end(), w.rows.begin(),
                          [](const WorkedRow& a, const WorkedRow& b) {
                              return std::bit_cast<std::uint32_t>(a.x) ==
                                     std::bit_cast<std::uint32_t>(b.x);
                          });
    };
    if (previous && previous->rows.size() == w.rows.size() && previous->shape == w.shape &&
        sameValues()) {
        for (int r = 0; r < table_->rowCount(); ++r) {
            QStringList texts;
            for (int c = 0; c < Columns; ++c) {
                texts << (table_->item(r, c) ? table_->item(r, c)->text() : QString());
            }
            old.push_back(texts);
        }
    }
    changed_.clear();
    table_->setColumnHidden(PlusZ, !integer);
    table_->setColumnHidden(Group, w.groups.size() < 2);
    table_->setRowCount(static_cast<int>(w.rows.size()));
    QColor changedColor = palette().color(QPalette::Highlight);
    changedColor.setAlpha(70);
    for (std::size_t i = 0; i < w.rows.size(); ++i) {
        const WorkedRow& r = w.rows[i];
        const QString rule = QString::fromStdString(r.rule) +
                             (r.clamped ? tr(", clamped") : QString()) +
                             (r.clipped && !r.clamped ? tr(", clipped") : QString());
        const QStringList texts{
            QString::number(r.index), QString::number(r.group), floatText(r.x),
            floatText(r.scaled),      floatText(r.rounded),     rule,
            number(r.shifted),        QString::number(r.code),  QString::fromStdString(r.bits),
            floatText(r.dequantized), number(r.error)};
        for (int c = 0; c < Columns; ++c) {
            auto* item = new QTableWidgetItem(texts[c]);
            if (c != Rule && c != Bits) {
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            }
            if (c == Bits) {
                item->setFont(QFont(QStringLiteral("monospace")));
            }
            if (!old.empty() && old[i][c] != texts[c] && c != Index && c != Group) {
                item->setBackground(changedColor);
                item->setToolTip(tr("was %1").arg(old[i][c]));
                changed_.emplace_back(static_cast<int>(i), c);
            }
            table_->setItem(static_cast<int>(i), c, item);
        }
    }

    const auto metric = [&](const char* key) {
        return QString::fromStdString(
            metric_text(*find_metric(key), w.metrics, 5, NumberSymbols::Unicode));
    };
    const std::int64_t valueBytes =
        w.storage.bytes - w.storage.scale_bytes - w.storage.outlier_bytes;
    totals_->setText(
        tr("MSE %1 · SQNR %2 · max |error| %3 against the rounding bound %4 · storage %5 × %6 "
           "bits = %7 bytes + %8 bytes of scales and zero points = %9 bytes")
            .arg(metric("mse"), metric("sqnr_db"), metric("max_abs_error"),
                 QString::fromStdString(significant_text(w.max_bound, 5)))
            .arg(w.rows.size())
            .arg(w.config.format.bits())
            .arg(valueBytes)
            .arg(w.storage.scale_bytes)
            .arg(w.storage.bytes) +
        (w.notes.empty()
             ? QString()
             : QStringLiteral("<br>") + QString::fromStdString(w.notes.front()).toHtmlEscaped()));
    emit exampleShown();
}

}  // namespace quantscope::app
