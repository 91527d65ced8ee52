// The formats explorer's widgets: the bit inspector walked code by code against the formats
// engine, bit flips of an fp32 value, arrow keys, the value box, and values picked in a view.

#include <QApplication>
#include <QDockWidget>
#include <QLineEdit>
#include <QStandardPaths>
#include <QTest>
#include <bit>
#include <cmath>
#include <cstring>

#include "bit_inspector.h"
#include "bits_panel.h"
#include "gui_test_support.h"
#include "histogram_chart_view.h"
#include "main_window.h"
#include "quantscope/formats/format.h"

using namespace quantscope;
using quantscope::app::MainWindow;
using widgets::BitInspector;
using widgets::BitRow;

namespace {

void clickBit(BitRow* row, int bit) {
    QTest::mouseClick(row->cells(), Qt::LeftButton, {}, row->cells()->cellRect(bit).center());
}

// Clicks the cells that differ until the row holds `code`.
void setCode(BitRow* row, std::uint32_t code) {
    const std::uint32_t differ = row->report().encoded.code ^ code;
    for (int bit = 0; bit < row->cells()->bitCount(); ++bit) {
        if (((differ >> bit) & 1u) != 0) {
            clickBit(row, bit);
        }
    }
}

bool sameValue(double a, double b) {
    return (std::isnan(a) && std::isnan(b)) || (a == b && std::signbit(a) == std::signbit(b));
}

}  // namespace

class FormatsExplorerTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void everyCodeOfSmallFormatsReadsAsTheEngineDecodesIt() {
        BitInspector inspector;
        inspector.resize(700, 900);
        inspector.show();
        QVERIFY(QTest::qWaitForWindowExposed(&inspector));
        const QStringList names{"fp8_e4m3", "fp8_e5m2", "fp6_e2m3", "fp4_e2m1", "e8m0"};
        for (qsizetype r = 0; r < names.size(); ++r) {
            // One row at a time: every click re-renders each row's details.
            inspector.setRowFormats({names[r], QStringLiteral("fp16")});
            inspector.setValue(1.0);  // a value every format holds, whatever the last one was
            const Format format = parse_format(names[r].toStdString());
            for (std::uint32_t code = 0; code < (1u << format.bits()); ++code) {
                BitRow* row = inspector.row(0);
                setCode(row, code);
                QCOMPARE(row->report().encoded.code, code);
                const Decoded expected = format.decode(code);
                QVERIFY2(sameValue(row->report().value, expected.value),
                         qPrintable(QStringLiteral("%1 code %2").arg(names[r]).arg(code)));
                QVERIFY(row->report().fields.value_class == expected.value_class);
                // The other rows show the clicked value rounded into their formats.
                if (std::isfinite(expected.value)) {
                    QVERIFY2(inspector.value() == expected.value,
                             qPrintable(QStringLiteral("%1 code %2: %3")
                                            .arg(names[r])
                                            .arg(code)
                                            .arg(inspector.value())));
                }
            }
        }
    }

    void flippingEachBitOfAnFp32Value() {
        BitInspector inspector;
        inspector.resize(700, 600);
        inspector.show();
        QVERIFY(QTest::qWaitForWindowExposed(&inspector));
        inspector.setRowFormats({QStringLiteral("fp32")});
        for (int bit = 0; bit < 32; ++bit) {
            inspector.setValue(static_cast<double>(0.1f));
            BitRow* row = inspector.row(0);
            const auto before = std::bit_cast<std::uint32_t>(0.1f);
            QCOMPARE(row->report().encoded.code, before);
            clickBit(row, bit);
            const float flipped = std::bit_cast<float>(before ^ (1u << bit));
            QVERIFY2(sameValue(row->report().value, static_cast<double>(flipped)),
                     qPrintable(QString::number(bit)));
            QCOMPARE(row->cells()->fieldOf(bit), bit < 23 ? 'm' : bit < 31 ? 'e' : 's');
        }
        // 0.1f, exactly, in the details.
        inspector.setValue(static_cast<double>(0.1f));
        QVERIFY(inspector.row(0)->detailsText().contains(
            QLatin1String("0.100000001490116119384765625")));
    }

    void arrowKeysStepThroughTheRepresentableValues() {
        BitInspector inspector;
        inspector.show();
        QVERIFY(QTest::qWaitForWindowExposed(&inspector));
        inspector.setRowFormats({QStringLiteral("fp8_e4m3"), QStringLiteral("fp16")});
        inspector.setValue(1.0);
        BitRow* e4m3 = inspector.row(0);
        e4m3->setFocus();
        QTest::keyClick(e4m3, Qt::Key_Up);
        QCOMPARE(inspector.value(), 1.125);
        QTest::keyClick(e4m3, Qt::Key_Down);
        QTest::keyClick(e4m3, Qt::Key_Down);
        QCOMPARE(inspector.value(), 0.9375);
        // fp16 at 0.9375 is exact; its own step is 2^-11 there.
        QCOMPARE(inspector.row(1)->report().value, 0.9375);
        QCOMPARE(inspector.row(1)->report().ulp, std::ldexp(1.0, -11));
    }

    void theValueBoxTakesDecimalsSpecialsAndCodes() {
        BitInspector inspector;
        inspector.setRowFormats({QStringLiteral("fp16"), QStringLiteral("int8")});
        QVERIFY(inspector.setValueText(QStringLiteral("1e-9")));
        QCOMPARE(inspector.value(), 1e-9);
        QVERIFY(inspector.setValueText(QStringLiteral("-inf")));
        QVERIFY(std::isinf(inspector.value()) && inspector.value() < 0);
        QVERIFY(inspector.setValueText(QStringLiteral("nan")));
        QVERIFY(std::isnan(inspector.value()));
        QVERIFY(inspector.setValueText(QStringLiteral("0x3C00")));  // fp16's 1.0
        QCOMPARE(inspector.value(), 1.0);
        QVERIFY(!inspector.setValueText(QStringLiteral("one")));
        // The smallest fp16 subnormal, exactly.
        QVERIFY(inspector.setValueText(QStringLiteral("0x0001")));
        QVERIFY(
            inspector.row(0)->detailsText().contains(QLatin1String("0.000000059604644775390625")));
        QVERIFY(inspector.row(0)->report().fields.value_class == ValueClass::Subnormal);
        // The integer row writes its code three ways.
        QVERIFY(inspector.setValueText(QStringLiteral("-0.5")));
        const QString integer = inspector.row(1)->detailsText();
        QVERIFY2(integer.contains(QLatin1String("two's complement")), qPrintable(integer));
    }

    void aValueClickedInTheHistogramIsInspected() {
        MainWindow window;
        QVERIFY(gui_test::showAtTestSize(window));
        window.loadSample();
        QVERIFY(gui_test::settle(window.session()));
        BitInspector* inspector = window.bitsPanel()->inspector();
        // The first row is the session's int8 at its scale.
        const BitRow* session = inspector->row(0);
        QVERIFY(session != nullptr);
        QCOMPARE(session->format().scale, window.session()->outcome()->result.groups.front().scale);
        emit window.histogramView()->clicked(QPointF(2.5, 100));
        QCOMPARE(inspector->value(), 2.5);
        QVERIFY(window.bitsDock()->isVisible());
        QTest::qWait(50);  // the dock lays its rows out once raised
        QVERIFY(window.saveScreenshot(
            gui_test::screenshotPath(QStringLiteral("bits-inspector-light.png"))));
        QApplication::setPalette(gui_test::darkPalette());
        QTest::qWait(20);
        QVERIFY(window.saveScreenshot(
            gui_test::screenshotPath(QStringLiteral("bits-inspector-dark.png"))));
        QApplication::setPalette(QPalette());
    }
};

QTEST_MAIN(FormatsExplorerTest)
#include "formats_explorer_test.moc"
