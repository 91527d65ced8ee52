#pragma once
// The format designer: exponent bits E, mantissa bits M, bias and special-value policy (ieee,
// fn, fnuz, finite) of a custom float, with its range and precision. Each change builds the
// format with make_float_format and announces it; a combination the engine refuses (a bias
// that leaves float32's range) is named and the last valid format stays.

#include <QWidget>
#include <optional>

#include "quantscope/formats/format.h"

class QComboBox;
class QLabel;
class QSpinBox;

namespace quantscope::widgets {

class FormatDesigner : public QWidget {
    Q_OBJECT

public:
    explicit FormatDesigner(QWidget* parent = nullptr);

    // Shows a float's parameters (E8M0 and non-floats are not designable: false).
    bool setFormat(const Format& format);
    const Format& format() const { return format_; }
    // Why the current parameters make no format, or empty.
    QString problemText() const;

    QSpinBox* exponentBox() const { return exponent_; }
    QSpinBox* mantissaBox() const { return mantissa_; }
    QSpinBox* biasBox() const { return bias_; }
    QComboBox* policyBox() const { return policy_; }
    QLabel* summaryLabel() const { return summary_; }

signals:
    void formatDesigned(const quantscope::Format& format);

private:
    void rebuild();
    void showSummary();

    Format format_;
    QSpinBox* exponent_;
    QSpinBox* mantissa_;
    QSpinBox* bias_;
    QComboBox* policy_;
    QLabel* summary_;
    QLabel* problem_;
};

}  // namespace quantscope::widgets
