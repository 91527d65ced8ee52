#include "format_designer.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>
#include <exception>

#include "format_table_model.h"

namespace quantscope::widgets {

namespace {

int defaultBias(int exponentBits, SpecialPolicy policy) {
    return (1 << (exponentBits - 1)) - 1 + (policy == SpecialPolicy::Fnuz ? 1 : 0);
}

}  // namespace

FormatDesigner::FormatDesigner(QWidget* parent)
    : QWidget(parent), format_(make_float_format(4, 3, SpecialPolicy::Fn)) {
    exponent_ = new QSpinBox(this);
    exponent_->setRange(1, 8);
    exponent_->setToolTip(tr("Exponent bits E: the range (how many binades)."));
    mantissa_ = new QSpinBox(this);
    mantissa_->setRange(0, 23);
    mantissa_->setToolTip(tr("Mantissa bits M: the precision (2^M values per binade)."));
    bias_ = new QSpinBox(this);
    bias_->setRange(-300, 300);
    bias_->setToolTip(
        tr("Exponent bias: shifts the whole range by a power of two. Changing E or the "
           "policy resets it to the default 2^(E−1) − 1 (plus one for fnuz)."));
    policy_ = new QComboBox(this);
    for (SpecialPolicy p :
         {SpecialPolicy::Ieee, SpecialPolicy::Fn, SpecialPolicy::Fnuz, SpecialPolicy::Finite}) {
        policy_->addItem(QString::fromLatin1(to_string(p).data()), static_cast<int>(p));
    }
    policy_->setToolTip(
        tr("ieee: the top exponent holds Inf and NaN.\nfn: no Inf, only the all-ones code is "
           "NaN (OCP FP8 E4M3).\nfnuz: no Inf, no −0, 1000…0 is the NaN, bias one larger.\n"
           "finite: every code is a number (OCP MX FP6 / FP4)."));
    summary_ = new QLabel(this);
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    problem_ = new QLabel(this);
    problem_->setWordWrap(true);
    problem_->setStyleSheet(QStringLiteral("color: #c0392b"));
    problem_->setVisible(false);

    auto* form = new QFormLayout;
    form->addRow(tr("Exponent bits:"), exponent_);
    form->addRow(tr("Mantissa bits:"), mantissa_);
    form->addRow(tr("Bias:"), bias_);
    form->addRow(tr("Specials:"), policy_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(form);
    layout->addWidget(problem_);
    layout->addWidget(summary_);

    setFormat(format_);
    const auto resetBias = [this] {
        const QSignalBlocker block(bias_);
        bias_->setValue(defaultBias(exponent_->value(),
                                    static_cast<SpecialPolicy>(policy_->currentData().toInt())));
        rebuild();
    };
    connect(exponent_, &QSpinBox::valueChanged, this, resetBias);
    connect(policy_, &QComboBox::currentIndexChanged, this, resetBias);
    connect(mantissa_, &QSpinBox::valueChanged, this, &FormatDesigner::rebuild);
    connect(bias_, &QSpinBox::valueChanged, this, &FormatDesigner::rebuild);
}

bool FormatDesigner::setFormat(const Format& format) {
    const FloatFormat* f = format.as_float();
    if (f == nullptr || !f->has_sign()) {
        return false;
    }
    {
        const QSignalBlocker b1(exponent_);
        const QSignalBlocker b2(mantissa_);
        const QSignalBlocker b3(bias_);
        const QSignalBlocker b4(policy_);
        exponent_->setValue(f->exponent_bits());
        mantissa_->setValue(f->mantissa_bits());
        bias_->setValue(f->bias());
        policy_->setCurrentIndex(policy_->findData(static_cast<int>(f->policy())));
    }
    format_ = format;
    problem_->setVisible(false);
    showSummary();
    return true;
}

QString FormatDesigner::problemText() const {
    return problem_->isHidden() ? QString() : problem_->text();
}

void FormatDesigner::rebuild() {
    try {
        format_ = Format(make_float_format(
            exponent_->value(), mantissa_->value(),
            static_cast<SpecialPolicy>(policy_->currentData().toInt()), bias_->value()));
    } catch (const std::exception& e) {
        problem_->setText(QString::fromStdString(e.what()));
        problem_->setVisible(true);
        return;
    }
    problem_->setVisible(false);
    showSummary();
    emit formatDesigned(format_);
}

void FormatDesigner::showSummary() {
    const FormatProperties p = format_.properties();
    QString same;
    for (const Format& named : named_formats()) {
        if (named == format_ && named.name() != format_.name()) {
            same = tr(" (= %1)").arg(QString::fromStdString(named.name()));
        }
    }
    QStringList specials;
    if (p.has_inf) {
        specials << tr("±Inf");
    }
    if (p.has_nan) {
        specials << tr("NaN");
    }
    if (p.has_negative_zero) {
        specials << tr("−0");
    }
    summary_->setText(
        tr("<b>%1</b>%2<br>%3 bits: %4<br>max %5<br>min normal %6<br>min subnormal %7<br>"
           "epsilon %8 (%9 decimal digits)<br>%10 finite values<br>specials: %11")
            .arg(QString::fromStdString(p.name), same)
            .arg(p.bits)
            .arg(QString::fromStdString(p.layout))
            .arg(formatNumber(p.max_finite), formatNumber(p.min_normal),
                 formatNumber(p.min_subnormal), formatNumber(p.epsilon))
            .arg(p.mantissa_bits * 0.30103 + 0.30103, 0, 'f', 1)
            .arg(p.value_count)
            .arg(specials.isEmpty() ? tr("none") : specials.join(QLatin1String(", "))));
}

}  // namespace quantscope::widgets
