#include "formats_panel.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <exception>

#include "analysis_session.h"
#include "config_panel.h"
#include "format_designer.h"
#include "format_table_model.h"
#include "number_line_view.h"

namespace quantscope::app {

namespace {

// The number line lists every value: formats up to this width (fp16's 63,490 values).
constexpr int kMaxLineBits = 16;

// The preset a format equals (fp8_e4m3 for e4m3_fn), else its own name.
std::string presetName(const Format& format) {
    for (const Format& named : named_formats()) {
        if (named == format) {
            return named.name();
        }
    }
    return format.name();
}

}  // namespace

FormatsPanel::~FormatsPanel() {
    // Children signal while they are destroyed (a combo box's model going away changes its
    // current index) after this panel's part of the object is gone.
    for (QObject* child : findChildren<QObject*>()) {
        child->disconnect(this);
    }
}

FormatsPanel::FormatsPanel(AnalysisSession* session, QWidget* parent)
    : QWidget(parent), session_(session), format_(parse_format("fp8_e4m3")) {
    format_box_ = new QComboBox(this);
    format_box_->setEditable(true);
    format_box_->setInsertPolicy(QComboBox::NoInsert);
    second_ = new QComboBox(this);
    second_->addItem(tr("none"));
    for (const Format& f : named_formats()) {
        format_box_->addItem(QString::fromStdString(f.name()));
        second_->addItem(QString::fromStdString(f.name()));
    }
    format_box_->setToolTip(tr(
        "Any format name: a preset, intK / uintK, nf4, dynamic8, or eEmM[_ieee|_fn|_fnuz|_finite]"
        "[_bBIAS]."));
    second_->setToolTip(tr("A second format on the number line, to compare the spacing."));
    problem_ = new QLabel(this);
    problem_->setStyleSheet(QStringLiteral("color: #c0392b"));
    problem_->setVisible(false);
    auto* chooser = new QHBoxLayout;
    chooser->addWidget(new QLabel(tr("Format:"), this));
    chooser->addWidget(format_box_, 1);
    chooser->addWidget(new QLabel(tr("beside:"), this));
    chooser->addWidget(second_, 1);
    chooser->addWidget(problem_, 2);

    // The table with its summary and copy button.
    model_ = new widgets::FormatTableModel(this);
    proxy_ = new QSortFilterProxyModel(this);
    proxy_->setSourceModel(model_);
    proxy_->setSortRole(widgets::FormatTableModel::kSortRole);
    table_ = new QTableView(this);
    table_->setModel(proxy_);
    table_->setSortingEnabled(true);
    table_->sortByColumn(-1, Qt::AscendingOrder);  // code order until a header is clicked
    table_->verticalHeader()->setVisible(false);
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setAlternatingRowColors(true);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    summary_ = new QLabel(this);
    summary_->setWordWrap(true);
    copy_ = new QPushButton(tr("Copy as CSV"), this);
    copy_->setToolTip(tr("Copy the table, sorted as shown, to the clipboard as CSV."));
    connect(copy_, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(tableCsv()); });
    auto* tableTop = new QHBoxLayout;
    tableTop->addWidget(summary_, 1);
    tableTop->addWidget(copy_, 0, Qt::AlignTop);
    auto* tableBox = new QWidget(this);
    auto* tableLayout = new QVBoxLayout(tableBox);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addLayout(tableTop);
    tableLayout->addWidget(table_, 1);

    // The designer.
    designer_ = new widgets::FormatDesigner(this);
    use_ = new QPushButton(tr("Use in Configuration"), this);
    use_->setToolTip(tr("Quantize the session's tensor with the format shown here."));
    auto* designBox = new QGroupBox(tr("Design a float"), this);
    auto* designLayout = new QVBoxLayout(designBox);
    designLayout->addWidget(designer_);
    designLayout->addStretch(1);
    designLayout->addWidget(use_);

    // The number line and its options.
    line_ = new widgets::NumberLineView(this);
    log_ = new QCheckBox(tr("Log axis"), this);
    log_->setToolTip(
        tr("Positive values on a log2 axis: a float's values are spread evenly "
           "over each binade, an integer's crowd at the top."));
    sameMax_ = new QCheckBox(tr("Same maximum"), this);
    sameMax_->setChecked(true);
    sameMax_->setToolTip(
        tr("Divide each format's values by its largest (an integer's by "
           "2^(K−1) − 1, as symmetric quantization does), so both span ±1."));
    histogram_ = new QCheckBox(tr("Over the tensor's histogram"), this);
    histogram_->setToolTip(
        tr("Scale each format as symmetric quantization would, to the session's clipping "
           "threshold T (values × T / max), and draw the tensor's histogram behind them."));
    auto* lineOptions = new QHBoxLayout;
    lineOptions->addWidget(log_);
    lineOptions->addWidget(sameMax_);
    lineOptions->addWidget(histogram_);
    lineOptions->addStretch(1);
    auto* lineBox = new QWidget(this);
    auto* lineLayout = new QVBoxLayout(lineBox);
    lineLayout->setContentsMargins(0, 0, 0, 0);
    lineLayout->addLayout(lineOptions);
    lineLayout->addWidget(line_, 1);

    // The designer in a narrow column; the number line above the table beside it.
    designBox->setMaximumWidth(designBox->fontMetrics().averageCharWidth() * 42);
    auto* views = new QSplitter(Qt::Vertical, this);
    views->addWidget(lineBox);
    views->addWidget(tableBox);
    views->setStretchFactor(0, 2);
    views->setStretchFactor(1, 2);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(designBox);
    split->addWidget(views);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(chooser);
    layout->addWidget(split, 1);

    connect(format_box_, &QComboBox::textActivated, this, &FormatsPanel::showFormat);
    connect(second_, &QComboBox::currentIndexChanged, this, &FormatsPanel::updateNumberLine);
    connect(designer_, &widgets::FormatDesigner::formatDesigned, this,
            [this](const Format& f) { setFormat(f, true); });
    connect(use_, &QPushButton::clicked, this, &FormatsPanel::useInConfiguration);
    for (QCheckBox* box : {log_, sameMax_, histogram_}) {
        connect(box, &QCheckBox::toggled, this, &FormatsPanel::updateNumberLine);
    }
    for (auto signal : {&AnalysisSession::analysisFinished, &AnalysisSession::tensorChanged}) {
        connect(session_, signal, this, [this] {
            if (histogram_->isChecked()) {
                updateNumberLine();  // over the new tensor's histogram, or none
            }
        });
    }
    setFormat(format_, false);
}

QWidget* FormatsPanel::chartArea() const {
    return line_;
}

bool FormatsPanel::showFormat(const QString& name) {
    try {
        setFormat(parse_format(name.trimmed().toStdString()), false);
    } catch (const std::exception& e) {
        problem_->setText(QString::fromStdString(e.what()));
        problem_->setToolTip(problem_->text());
        problem_->setVisible(true);
        return false;
    }
    return true;
}

QString FormatsPanel::tableCsv() const {
    return widgets::tableCsv(*proxy_);
}

void FormatsPanel::setFormat(const Format& format, bool fromDesigner) {
    format_ = format;
    problem_->setVisible(false);
    {
        const QSignalBlocker block(format_box_);
        format_box_->setEditText(QString::fromStdString(format.name()));
    }
    if (!fromDesigner) {
        designer_->setFormat(format);
    }
    model_->setFormat(format);
    table_->resizeColumnsToContents();
    const FormatProperties p = format.properties();
    summary_->setText(
        model_->listsCodes()
            ? tr("<b>%1</b>: %2 codes, %3 finite values from %4 to %5. Click a header to sort.")
                  .arg(QString::fromStdString(p.name))
                  .arg(1u << p.bits)
                  .arg(p.value_count)
                  .arg(widgets::formatNumber(p.min_finite), widgets::formatNumber(p.max_finite))
            : tr("<b>%1</b>: %2 bits, too many codes to list; its range and special values:")
                  .arg(QString::fromStdString(p.name))
                  .arg(p.bits));
    use_->setEnabled(true);
    updateNumberLine();
}

void FormatsPanel::updateNumberLine() {
    std::vector<Format> formats{format_};
    if (second_->currentIndex() > 0) {
        formats.push_back(parse_format(second_->currentText().toStdString()));
    }
    const auto outcome = session_->outcome();
    const bool overHistogram = histogram_->isChecked() && outcome != nullptr;
    double threshold = 1;
    if (overHistogram) {
        threshold =
            std::max(std::abs(outcome->result.clip_min), std::abs(outcome->result.clip_max));
    }
    sameMax_->setEnabled(!histogram_->isChecked());
    QList<widgets::NumberLine> lines;
    QStringList notes;
    for (const Format& f : formats) {
        const QString name = QString::fromStdString(f.name());
        if (f.bits() > kMaxLineBits) {
            notes << tr("%1 has 2^%2 codes: the number line lists formats of at most %3 bits.")
                         .arg(name)
                         .arg(f.bits())
                         .arg(kMaxLineBits);
            continue;
        }
        const double max = f.properties().max_finite;
        double factor = 1;
        QString label = name;
        if (overHistogram && max > 0) {
            factor = threshold / max;
            label = tr("%1 × T / %2 (T = %3)")
                        .arg(name, widgets::formatNumber(max))
                        .arg(threshold, 0, 'g', 4);
        } else if (sameMax_->isChecked() && max > 0) {
            factor = 1 / max;
            label = tr("%1 ÷ %2").arg(name, widgets::formatNumber(max));
        }
        std::vector<double> values = f.all_values();
        for (double& v : values) {
            v *= factor;
        }
        lines.append({label, std::move(values)});
    }
    line_->setLines(lines);
    line_->setLogAxis(log_->isChecked());
    line_->setHistogram(overHistogram ? std::optional<Histogram>(outcome->plot.original)
                                      : std::nullopt);
    line_->setToolTip(notes.join(QLatin1Char('\n')));
    if (!notes.isEmpty()) {
        summary_->setText(summary_->text() + QStringLiteral("<br>") +
                          notes.join(QLatin1String("<br>")));
    }
}

void FormatsPanel::useInConfiguration() {
    const std::string name = presetName(format_);
    const QuantConfig config = withFormat(session_->config(), name);
    const QString problem = configProblem(config);
    if (!problem.isEmpty()) {
        problem_->setText(problem);
        problem_->setVisible(true);
        return;
    }
    session_->changeConfig(config, tr("Format %1").arg(QString::fromStdString(name)));
}

}  // namespace quantscope::app
