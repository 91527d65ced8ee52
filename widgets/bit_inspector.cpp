#include "bit_inspector.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMouseEvent>
#include <QPainter>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <exception>

namespace quantscope::widgets {

namespace {

constexpr int kCellWidth = 17;     // preferred; cells shrink to kMinCellWidth in a narrow dock
constexpr int kMinCellWidth = 6;   // fp32's 32 cells fit a dock of about 220 pixels
constexpr int kMinDigitWidth = 9;  // narrower cells show their bit by colour alone
constexpr int kCellHeight = 24;
constexpr int kFieldGap = 5;

// A long exact decimal (1e-7 in fp32 has 51 digits) as rich text that may wrap every 10 digits,
// so that it never widens a narrow dock past its edge.
QString breakable(const std::string& digits) {
    QString text;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && i % 10 == 0) {
            text += QStringLiteral("<wbr>");
        }
        text += QChar::fromLatin1(digits[i]);
    }
    return text;
}

QString number(double v, int precision = 10) {
    if (std::isnan(v)) {
        return QStringLiteral("NaN");
    }
    if (std::isinf(v)) {
        return v > 0 ? QStringLiteral("∞") : QStringLiteral("−∞");
    }
    if (v == 0 && std::signbit(v)) {
        return QStringLiteral("−0");
    }
    return QString::number(v, 'g', precision);
}

QColor fieldColour(char field) {
    switch (field) {
        case 's':
            return {214, 69, 65};  // sign
        case 'e':
            return {39, 174, 96};  // exponent
        case 'm':
            return {41, 128, 185};  // mantissa
        case 'v':
            return {41, 128, 185};  // integer magnitude bits
        default:
            return {127, 140, 141};  // a lookup index
    }
}

}  // namespace

// --- BitCells --------------------------------------------------------------------------------

BitCells::BitCells(QWidget* parent) : QWidget(parent) {
    setCursor(Qt::PointingHandCursor);
    setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Fixed);
}

void BitCells::setCode(const CodeFields& fields, FormatKind kind, int exponentBits,
                       int mantissaBits) {
    code_ = fields.code;
    bits_ = fields.bits;
    kind_ = kind;
    exponentBits_ = exponentBits;
    mantissaBits_ = mantissaBits;
    updateGeometry();
    update();
}

char BitCells::fieldOf(int bit) const {
    if (kind_ == FormatKind::Lookup) {
        return 'i';
    }
    if (kind_ == FormatKind::Integer) {
        return bit == bits_ - 1 ? 's' : 'v';
    }
    if (bit < mantissaBits_) {
        return 'm';
    }
    if (bit < mantissaBits_ + exponentBits_) {
        return 'e';
    }
    return 's';
}

int BitCells::gapCount() const {
    int gaps = 0;
    for (int b = bits_ - 1; b > 0; --b) {
        gaps += fieldOf(b) != fieldOf(b - 1) ? 1 : 0;
    }
    return gaps;
}

int BitCells::cellWidth() const {
    if (bits_ == 0) {
        return kCellWidth;
    }
    const int fit = (width() - gapCount() * kFieldGap) / bits_;
    return std::clamp(fit, kMinCellWidth, kCellWidth);
}

QRect BitCells::cellRect(int bit) const {
    // Most significant bit on the left; a gap between fields.
    const int cell = cellWidth();
    int x = 0;
    for (int b = bits_ - 1; b > bit; --b) {
        x += cell;
        if (fieldOf(b) != fieldOf(b - 1)) {
            x += kFieldGap;
        }
    }
    return {x, 0, cell - 1, kCellHeight};
}

QSize BitCells::sizeHint() const {
    return {bits_ * kCellWidth + gapCount() * kFieldGap + 1, kCellHeight + 1};
}

QSize BitCells::minimumSizeHint() const {
    return {bits_ * kMinCellWidth + gapCount() * kFieldGap + 1, kCellHeight + 1};
}

void BitCells::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    QFont font = painter.font();
    font.setBold(true);
    if (cellWidth() < 13) {
        font.setPointSizeF(font.pointSizeF() * 0.8);
    }
    painter.setFont(font);
    for (int bit = 0; bit < bits_; ++bit) {
        const QRect cell = cellRect(bit);
        const bool set = ((code_ >> bit) & 1u) != 0;
        QColor fill = fieldColour(fieldOf(bit));
        if (!set) {
            fill.setAlpha(70);  // a clear bit: the field's colour, faint
        }
        painter.setPen(Qt::NoPen);
        painter.setBrush(fill);
        painter.drawRoundedRect(cell, cell.width() < kMinDigitWidth ? 1 : 3, 3);
        if (cell.width() + 1 >= kMinDigitWidth) {
            painter.setPen(set ? QColor(Qt::white) : palette().color(QPalette::Text));
            painter.drawText(cell, Qt::AlignCenter,
                             set ? QStringLiteral("1") : QStringLiteral("0"));
        }
    }
}

void BitCells::mousePressEvent(QMouseEvent* event) {
    for (int bit = 0; bit < bits_; ++bit) {
        if (cellRect(bit).contains(event->position().toPoint())) {
            emit bitClicked(bit);
            event->accept();
            return;
        }
    }
    QWidget::mousePressEvent(event);
}

// --- BitRow ----------------------------------------------------------------------------------

BitRow::BitRow(InspectedFormat format, QWidget* parent)
    : QWidget(parent), format_(std::move(format)) {
    setFocusPolicy(Qt::StrongFocus);
    cells_ = new BitCells(this);
    title_ = new QLabel(this);
    title_->setTextFormat(Qt::RichText);
    title_->setWordWrap(true);
    details_ = new QLabel(this);
    details_->setTextFormat(Qt::RichText);
    details_->setWordWrap(true);
    details_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(3);
    layout->addWidget(title_);
    layout->addWidget(cells_);
    layout->addWidget(details_);
    if (format_.format.kind() == FormatKind::Integer) {
        integerWidth_ = new QSpinBox(this);
        integerWidth_->setRange(2, 32);
        integerWidth_->setValue(format_.format.bits());
        integerWidth_->setPrefix(tr("encodings in "));
        integerWidth_->setSuffix(tr(" bits"));
        integerWidth_->setToolTip(
            tr("The width in which the integer is written as unsigned, sign-magnitude and "
               "two's complement."));
        connect(integerWidth_, &QSpinBox::valueChanged, this, &BitRow::showReport);
        layout->addWidget(integerWidth_, 0, Qt::AlignLeft);
    }
    connect(cells_, &BitCells::bitClicked, this, [this](int bit) {
        const std::uint32_t code = report_.encoded.code ^ (std::uint32_t{1} << bit);
        showCode(code);
        emit codeEdited(code);
    });
    setToolTip(
        tr("Click a bit to flip it. Up / Right: the next value of this format; "
           "Down / Left: the previous one."));
}

void BitRow::showValue(double value, Rounding rounding) {
    rounding_ = rounding;
    report_ = report_value(format_.format, value, rounding, format_.scale, format_.zeroPoint);
    showReport();
}

void BitRow::showCode(std::uint32_t code) {
    report_ = report_code(format_.format, code, format_.scale, format_.zeroPoint);
    showReport();
}

QString BitRow::detailsText() const {
    // As read: without the places a long number may wrap.
    return QString(details_->text()).remove(QStringLiteral("<wbr>"));
}

void BitRow::showReport() {
    const ValueReport& r = report_;
    const CodeFields& c = r.fields;
    const Format& f = format_.format;
    const FormatProperties p = f.properties();
    cells_->setCode(c, f.kind(), p.exponent_bits, p.mantissa_bits);
    const QString name = format_.label.isEmpty() ? QString::fromStdString(f.name()) : format_.label;
    title_->setText(tr("<b>%1</b> &nbsp;%2 &nbsp;<i>%3</i>")
                        .arg(name.toHtmlEscaped(), QString::fromStdString(p.layout),
                             QString::fromLatin1(to_string(c.value_class).data())));
    QStringList lines;
    const QString hex = QStringLiteral("0x%1").arg(c.code, (c.bits + 3) / 4, 16, QLatin1Char('0'));
    if (f.kind() == FormatKind::Float) {
        lines << tr("code %1 = %2 · sign %3 · exponent field %4 (2^%5) · mantissa field %6")
                     .arg(hex.toUpper().replace(QLatin1String("0X"), QLatin1String("0x")),
                          QString::fromStdString(c.bit_string))
                     .arg(c.sign)
                     .arg(c.exponent_field)
                     .arg(c.unbiased_exponent)
                     .arg(c.mantissa_field);
    } else {
        lines << tr("code %1 = %2").arg(hex, QString::fromStdString(c.bit_string));
    }
    lines << tr("formula: %1").arg(QString::fromStdString(c.formula).toHtmlEscaped());
    QString value = tr("value <b>%1</b>, exact %2").arg(number(r.value, 12), breakable(r.exact));
    if (format_.zeroPoint != 0) {
        value += tr(", (code − z) × s with z = %1, s = %2")
                     .arg(number(format_.zeroPoint, 8), number(format_.scale, 8));
    } else if (format_.scale != 1) {
        value += tr(" × s = %1").arg(number(format_.scale, 8));
    }
    lines << value;
    if (!std::isnan(r.input)) {
        lines << tr("error x − value = %1 (%2 %)%3; IEEE cast: %4")
                     .arg(number(r.error, 6), number(100 * r.relative_error, 4),
                          r.encoded.saturated ? tr(", <b>saturated</b>") : QString(),
                          number(r.ieee_cast, 8));
    }
    lines << tr("neighbours %1 &lt; %2 &lt; %3; ULP %4")
                 .arg(number(r.next_down, 8), number(r.value, 8), number(r.next_up, 8),
                      number(r.ulp, 6));
    // The four rounding modes for the input; stochastic goes down or up with a probability.
    if (std::isfinite(r.input)) {
        QStringList modes;
        for (const Rounding mode :
             {Rounding::NearestEven, Rounding::NearestAway, Rounding::TowardZero}) {
            const ValueReport m = report_value(f, r.input, mode, format_.scale, format_.zeroPoint);
            modes << tr("%1 %2").arg(QString::fromLatin1(to_string(mode).data()),
                                     number(m.value, 8));
        }
        const ValueReport tz =
            report_value(f, r.input, Rounding::TowardZero, format_.scale, format_.zeroPoint);
        if (tz.value == r.input || tz.encoded.saturated) {
            modes << tr("stochastic %1").arg(number(tz.value, 8));
        } else {
            const double other = r.input > 0 ? tz.next_up : tz.next_down;
            const double pOther = (r.input - tz.value) / (other - tz.value);
            modes << tr("stochastic %1 (p %2) or %3 (p %4)")
                         .arg(number(tz.value, 8), number(1 - pOther, 3), number(other, 8),
                              number(pOther, 3));
        }
        lines << tr("rounding: %1").arg(modes.join(QStringLiteral(" · ")));
    }
    if (integerWidth_ != nullptr && std::isfinite(c.value)) {
        const auto q = static_cast<std::int64_t>(c.value);
        const int width = integerWidth_->value();
        const auto show = [](const std::string& bits) {
            return bits.empty() ? QObject::tr("does not fit") : QString::fromStdString(bits);
        };
        lines << tr("%1 in %2 bits: unsigned %3 · sign-magnitude %4 · two's complement %5")
                     .arg(q)
                     .arg(width)
                     .arg(show(unsigned_bits(q, width)), show(sign_magnitude_bits(q, width)),
                          show(twos_complement_bits(q, width)));
    }
    details_->setText(lines.join(QStringLiteral("<br>")));
}

void BitRow::keyPressEvent(QKeyEvent* event) {
    const bool up = event->key() == Qt::Key_Up || event->key() == Qt::Key_Right;
    const bool down = event->key() == Qt::Key_Down || event->key() == Qt::Key_Left;
    if ((up || down) && std::isfinite(report_.value)) {
        emit stepped(up ? report_.next_up : report_.next_down);
        event->accept();
        return;
    }
    QWidget::keyPressEvent(event);
}

void BitRow::focusInEvent(QFocusEvent* event) {
    setBackgroundRole(QPalette::AlternateBase);
    setAutoFillBackground(true);
    QWidget::focusInEvent(event);
}

void BitRow::focusOutEvent(QFocusEvent* event) {
    setAutoFillBackground(false);
    QWidget::focusOutEvent(event);
}

// --- BitInspector ----------------------------------------------------------------------------

BitInspector::BitInspector(QWidget* parent) : QWidget(parent) {
    valueEdit_ = new QLineEdit(QStringLiteral("0.1"), this);
    valueEdit_->setToolTip(
        tr("A decimal (0.1, -2.5e-7), inf, -inf, nan, or 0x followed by a code of the first "
           "row's format."));
    rounding_ = new QComboBox(this);
    for (const Rounding mode : {Rounding::NearestEven, Rounding::NearestAway, Rounding::TowardZero,
                                Rounding::Stochastic}) {
        rounding_->addItem(QString::fromLatin1(to_string(mode).data()), static_cast<int>(mode));
    }
    rounding_->setToolTip(tr("How the value is rounded into each row's format."));
    formatsEdit_ = new QLineEdit(this);
    formatsEdit_->setToolTip(
        tr("The rows, as format names separated by commas (fp32, bf16, e5m2_fnuz, int4, nf4, "
           "any eEmM[_policy][_bBIAS])."));
    problem_ = new QLabel(this);
    problem_->setStyleSheet(QStringLiteral("color: #c0392b"));
    problem_->setVisible(false);
    auto* form = new QFormLayout;
    auto* valueRow = new QHBoxLayout;
    valueRow->addWidget(valueEdit_, 1);
    valueRow->addWidget(rounding_);
    form->addRow(tr("Value:"), valueRow);
    form->addRow(tr("Rows:"), formatsEdit_);
    auto* rowsWidget = new QWidget(this);
    rowsLayout_ = new QVBoxLayout(rowsWidget);
    rowsLayout_->setContentsMargins(0, 0, 0, 0);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(problem_);
    layout->addWidget(rowsWidget);
    layout->addStretch(1);
    connect(valueEdit_, &QLineEdit::editingFinished, this, [this] {
        // Only what the user typed: losing focus as the window closes edits nothing.
        if (valueEdit_->isModified()) {
            valueEdit_->setModified(false);
            setValueText(valueEdit_->text());
        }
    });
    connect(rounding_, &QComboBox::currentIndexChanged, this, [this] { refresh(); });
    connect(formatsEdit_, &QLineEdit::editingFinished, this, [this] {
        if (formatsEdit_->isModified()) {
            formatsEdit_->setModified(false);
            applyFormatsText();
        }
    });
    setRowFormats(defaultRowFormats());
}

BitInspector::~BitInspector() {
    // The line edits report losing focus while the rows are already gone.
    valueEdit_->disconnect(this);
    formatsEdit_->disconnect(this);
}

QStringList BitInspector::defaultRowFormats() {
    return {QStringLiteral("fp32"),     QStringLiteral("bf16"),     QStringLiteral("fp16"),
            QStringLiteral("fp8_e4m3"), QStringLiteral("fp4_e2m1"), QStringLiteral("int8")};
}

void BitInspector::setSessionFormat(std::optional<InspectedFormat> session, double threshold) {
    session_ = std::move(session);
    threshold_ = threshold > 0 && std::isfinite(threshold) ? threshold : 1;
    rebuild();
}

void BitInspector::setRowFormats(const QStringList& names) {
    QList<Format> formats;
    for (const QString& name : names) {
        try {
            formats.append(parse_format(name.trimmed().toStdString()));
        } catch (const std::exception& e) {
            problem_->setText(QString::fromStdString(e.what()));
            problem_->setVisible(true);
            return;
        }
    }
    problem_->setVisible(false);
    rowFormats_ = formats;
    rebuild();
}

void BitInspector::applyFormatsText() {
    setRowFormats(formatsEdit_->text().split(QLatin1Char(','), Qt::SkipEmptyParts));
}

void BitInspector::rebuild() {
    for (BitRow* row : rows_) {
        delete row;
    }
    rows_.clear();
    QList<InspectedFormat> formats;
    if (session_) {
        formats.append(*session_);
    }
    QStringList names;
    for (const Format& format : rowFormats_) {
        names << QString::fromStdString(format.name());
        if (format.kind() == FormatKind::Integer) {
            // The session's threshold onto this width's largest positive code.
            const double top = static_cast<double>(format.integer_format().max_code());
            const double scale = threshold_ / top;
            formats.append({format, scale, 0,
                            tr("%1 (s = T / %2 = %3)")
                                .arg(QString::fromStdString(format.name()))
                                .arg(top)
                                .arg(scale, 0, 'g', 6)});
        } else {
            formats.append({format, 1, 0, {}});
        }
    }
    if (!formatsEdit_->hasFocus()) {
        formatsEdit_->setText(names.join(QStringLiteral(", ")));
    }
    for (const InspectedFormat& f : formats) {
        auto* row = new BitRow(f, this);
        rowsLayout_->addWidget(row);
        rows_.append(row);
        connect(row, &BitRow::codeEdited, this, [this, row] {
            value_ = row->report().value;
            valueEdit_->setText(number(value_, 17));
            refresh(row);
            emit valueChanged(value_);
        });
        connect(row, &BitRow::stepped, this, [this, row](double v) {
            setValue(v);
            row->setFocus();
        });
    }
    refresh();
}

bool BitInspector::setValueText(const QString& text) {
    const QString t = text.trimmed();
    bool ok = false;
    double v = 0;
    if (t.startsWith(QLatin1String("0x"), Qt::CaseInsensitive) && !rows_.isEmpty()) {
        const qulonglong code = t.mid(2).toULongLong(&ok, 16);
        BitRow* first = rows_.front();
        if (ok && code < (qulonglong{1} << first->format().format.bits())) {
            first->showCode(static_cast<std::uint32_t>(code));
            value_ = first->report().value;
            refresh(first);
            problem_->setVisible(false);
            emit valueChanged(value_);
            return true;
        }
        ok = false;
    } else if (t.compare(QLatin1String("inf"), Qt::CaseInsensitive) == 0 ||
               t.compare(QLatin1String("+inf"), Qt::CaseInsensitive) == 0) {
        v = INFINITY;
        ok = true;
    } else if (t.compare(QLatin1String("-inf"), Qt::CaseInsensitive) == 0) {
        v = -INFINITY;
        ok = true;
    } else if (t.compare(QLatin1String("nan"), Qt::CaseInsensitive) == 0) {
        v = NAN;
        ok = true;
    } else {
        v = t.toDouble(&ok);
    }
    if (!ok) {
        problem_->setText(
            tr("'%1' is not a number: type a decimal, inf, nan or a 0x code.").arg(t));
        problem_->setVisible(true);
        return false;
    }
    problem_->setVisible(false);
    setValue(v);
    return true;
}

void BitInspector::setValue(double value) {
    value_ = value;
    if (!valueEdit_->hasFocus()) {
        valueEdit_->setText(number(value, QLocale::FloatingPointShortest));
    }
    refresh();
    emit valueChanged(value);
}

void BitInspector::setRounding(Rounding rounding) {
    rounding_->setCurrentIndex(rounding_->findData(static_cast<int>(rounding)));
}

void BitInspector::refresh(const BitRow* pinned) {
    const auto rounding = static_cast<Rounding>(rounding_->currentData().toInt());
    for (BitRow* row : rows_) {
        if (row != pinned) {
            row->showValue(value_, rounding);
        }
    }
}

}  // namespace quantscope::widgets
