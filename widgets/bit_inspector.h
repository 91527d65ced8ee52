#pragma once
// The bit inspector: one value shown in several formats at once, one row each. A row draws the
// code as clickable cells coloured by field (sign, exponent, mantissa; sign and magnitude for
// integers) and says everything about it: the fields, the decoded value and its exact decimal
// expansion, the formula with its numbers, the class, the rounding error, the neighbours and the
// ULP, saturation, what a plain IEEE cast gives, and the four rounding modes side by side.
// Clicking a bit flips it and every row follows the new value; the arrow keys step a row to its
// format's next or previous value. Integer rows also write the value as unsigned,
// sign-magnitude and two's complement in a width of the user's choice.

#include <QList>
#include <QString>
#include <QWidget>
#include <optional>

#include "quantscope/formats/format.h"
#include "quantscope/formats/value_report.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QVBoxLayout;

namespace quantscope::widgets {

// A format a row shows the value in; integers and scaled formats store value / scale.
struct InspectedFormat {
    Format format;
    double scale = 1;
    double zeroPoint = 0;  // affine integers
    QString label;         // "int8 (s = 0.157)"; the format's name when empty
};

// The clickable cells of one code.
class BitCells : public QWidget {
    Q_OBJECT

public:
    explicit BitCells(QWidget* parent = nullptr);
    void setCode(const CodeFields& fields, FormatKind kind, int exponentBits, int mantissaBits);
    std::uint32_t code() const { return code_; }
    int bitCount() const { return bits_; }
    // The rectangle of bit b (0 = least significant), for tests that click it.
    QRect cellRect(int bit) const;
    // Which field bit b belongs to: 's', 'e', 'm' (floats) or 's', 'v' (integers), 'i' (index).
    char fieldOf(int bit) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void bitClicked(int bit);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    int gapCount() const;
    int cellWidth() const;

    std::uint32_t code_ = 0;
    int bits_ = 0;
    int exponentBits_ = 0;
    int mantissaBits_ = 0;
    FormatKind kind_ = FormatKind::Float;
};

class BitRow : public QWidget {
    Q_OBJECT

public:
    BitRow(InspectedFormat format, QWidget* parent = nullptr);

    // Shows `value` rounded into this row's format.
    void showValue(double value, Rounding rounding);
    // Shows exactly this code (a clicked pattern: a NaN payload or -0 stays as clicked).
    void showCode(std::uint32_t code);
    const ValueReport& report() const { return report_; }
    const InspectedFormat& format() const { return format_; }
    BitCells* cells() const { return cells_; }
    // The text of the details, for tests.
    QString detailsText() const;

signals:
    // The user clicked a bit: the code this row now holds.
    void codeEdited(std::uint32_t code);
    // An arrow key: the neighbouring value in this row's format.
    void stepped(double value);

protected:
    void keyPressEvent(QKeyEvent* event) override;
    void focusInEvent(QFocusEvent* event) override;
    void focusOutEvent(QFocusEvent* event) override;

private:
    void showReport();

    InspectedFormat format_;
    ValueReport report_;
    Rounding rounding_ = Rounding::NearestEven;
    BitCells* cells_;
    QLabel* title_;
    QLabel* details_;
    QSpinBox* integerWidth_ = nullptr;
};

class BitInspector : public QWidget {
    Q_OBJECT

public:
    explicit BitInspector(QWidget* parent = nullptr);
    ~BitInspector() override;

    // Parses decimals, 0x codes (of the first row's format), inf, nan, 1e-9. False on text
    // that is none of these.
    bool setValueText(const QString& text);
    void setValue(double value);
    double value() const { return value_; }
    void setRounding(Rounding rounding);
    // The first row: the session's format at its scale (none: no such row). Integer rows below
    // it get the scale their width gives the session's clipping threshold: T / (2^(K-1) - 1).
    void setSessionFormat(std::optional<InspectedFormat> session, double threshold);
    // The rows below the session's, by format name; integers are scaled as above.
    void setRowFormats(const QStringList& names);
    qsizetype rowCount() const { return rows_.size(); }
    BitRow* row(qsizetype i) const { return rows_.at(i); }
    QLineEdit* valueEdit() const { return valueEdit_; }
    QLineEdit* formatsEdit() const { return formatsEdit_; }
    QComboBox* roundingBox() const { return rounding_; }

    // The rows below the session's by default.
    static QStringList defaultRowFormats();

signals:
    void valueChanged(double value);

private:
    void rebuild();
    void refresh(const BitRow* pinned = nullptr);
    void applyFormatsText();

    double value_ = 0.1;
    QLineEdit* valueEdit_;
    QLineEdit* formatsEdit_;
    QComboBox* rounding_;
    QLabel* problem_;
    QVBoxLayout* rowsLayout_;
    QList<BitRow*> rows_;
    std::optional<InspectedFormat> session_;
    double threshold_ = 1;
    QList<Format> rowFormats_;
};

}  // namespace quantscope::widgets
