// The desktop integration the package installs, read as a desktop reads it: the shared-mime-info
// types find the tensor files by name and by magic bytes (through Qt's own MIME database, the
// one file dialogs use), and the .desktop entry, the AppStream metainfo and the loaders agree on
// which types the app opens.

#include <QDir>
#include <QFile>
#include <QMimeDatabase>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <cstddef>
#include <span>

#include "quantscope/io/loader_registry.h"

namespace {

QString readText(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        qFatal("cannot read %s", qPrintable(path));
    }
    return QString::fromUtf8(file.readAll());
}

QString resource(const QString& name) {
    return QStringLiteral(QUANTSCOPE_RESOURCES_DIR "/") + name;
}

// Every capture of `pattern` in `text`.
QSet<QString> captures(const QString& text, const QString& pattern) {
    QSet<QString> found;
    auto it = QRegularExpression(pattern).globalMatch(text);
    while (it.hasNext()) {
        found.insert(it.next().captured(1));
    }
    return found;
}

QSet<QString> mimeXmlTypes() {
    return captures(readText(resource(QStringLiteral("quantscope-mime.xml"))),
                    QStringLiteral("<mime-type type=\"([^\"]+)\""));
}

// The loader (core's registry) that claims `extension`, or empty.
QString loaderForExtension(const QString& extension) {
    for (const quantscope::LoaderInfo& loader : quantscope::file_loaders()) {
        for (std::string_view e : loader.extensions) {
            if (QString::fromUtf8(e.data(), static_cast<qsizetype>(e.size())) == extension) {
                return QString::fromUtf8(loader.name.data(),
                                         static_cast<qsizetype>(loader.name.size()));
            }
        }
    }
    return {};
}

QString detectLoader(const QByteArray& head, const QString& fileName) {
    const std::span bytes(reinterpret_cast<const std::byte*>(head.constData()),
                          static_cast<std::size_t>(head.size()));
    const std::string_view name = quantscope::detect_file_loader(bytes, fileName.toStdString());
    return QString::fromUtf8(name.data(), static_cast<qsizetype>(name.size()));
}

}  // namespace

class DesktopIntegrationTest : public QObject {
    Q_OBJECT

    QTemporaryDir data_;

private slots:
    // Qt reads the MIME database from XDG_DATA_DIRS when it is first used: the package's XML
    // in a data folder of its own, before the system's (whose application/zip npz derives from).
    void initTestCase() {
        QVERIFY(data_.isValid());
        QVERIFY(QDir(data_.path()).mkpath(QStringLiteral("mime/packages")));
        QVERIFY(QFile::copy(resource(QStringLiteral("quantscope-mime.xml")),
                            data_.filePath(QStringLiteral("mime/packages/quantscope.xml"))));
        qputenv("XDG_DATA_HOME", data_.filePath(QStringLiteral("home")).toLocal8Bit());
        qputenv("XDG_DATA_DIRS", (data_.path() + QStringLiteral(":/usr/share")).toLocal8Bit());
    }

    void typesByName_data() {
        QTest::addColumn<QString>("fileName");
        QTest::addColumn<QString>("type");
        QTest::newRow("npy") << "weights.npy"
                             << "application/x-npy";
        QTest::newRow("npz") << "arrays.npz"
                             << "application/x-npz";
        QTest::newRow("safetensors") << "model.safetensors"
                                     << "application/x-safetensors";
        QTest::newRow("gguf") << "llama.gguf"
                              << "application/x-gguf";
        QTest::newRow("onnx") << "resnet.onnx"
                              << "application/x-onnx";
    }
    void typesByName() {
        QFETCH(QString, fileName);
        QFETCH(QString, type);
        const QMimeType mime =
            QMimeDatabase().mimeTypeForFile(fileName, QMimeDatabase::MatchExtension);
        QCOMPARE(mime.name(), type);
        // The extension is one the app's loaders open.
        QVERIFY2(!loaderForExtension(QFileInfo(fileName).suffix()).isEmpty(), qPrintable(fileName));
    }

    // npz is a zip: file managers offer zip tools for it too.
    void npzIsAZip() {
        QVERIFY(QMimeDatabase()
                    .mimeTypeForName(QStringLiteral("application/x-npz"))
                    .inherits(QStringLiteral("application/zip")));
    }

    // Magic bytes find a renamed file, and they are the ones core's loaders detect.
    void typesByContent_data() {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("loader");
        QTest::newRow("npy") << QByteArray("\x93NUMPY\x01\x00\x76\x00{'descr': '<f4'", 25)
                             << "application/x-npy"
                             << "npy";
        QTest::newRow("gguf") << QByteArray("GGUF\x03\x00\x00\x00\x00\x00\x00\x00", 12)
                              << "application/x-gguf"
                              << "gguf";
    }
    void typesByContent() {
        QFETCH(QByteArray, head);
        QFETCH(QString, type);
        QFETCH(QString, loader);
        const QString path = data_.filePath(QStringLiteral("renamed-") + loader);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(head + QByteArray(64, '\0'));
        file.close();
        QCOMPARE(QMimeDatabase().mimeTypeForFile(path, QMimeDatabase::MatchContent).name(), type);
        QCOMPARE(detectLoader(head, QStringLiteral("renamed")), loader);
    }

    // The .desktop entry's MimeType=, the metainfo's mediatypes and the MIME XML name the same
    // types.
    void oneListOfTypes() {
        const QSet<QString> xml = mimeXmlTypes();
        QCOMPARE(xml.size(), 5);
        const QString desktop = readText(resource(QStringLiteral(QUANTSCOPE_APP_ID ".desktop")));
        const QRegularExpressionMatch line = QRegularExpression(QStringLiteral("^MimeType=(.*)$"),
                                                                QRegularExpression::MultilineOption)
                                                 .match(desktop);
        QVERIFY2(line.hasMatch(), "the .desktop entry has no MimeType=");
        QSet<QString> listed;
        for (const QString& t : line.captured(1).split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
            listed.insert(t);
        }
        QCOMPARE(listed, xml);
        const QSet<QString> mediatypes =
            captures(readText(resource(QStringLiteral(QUANTSCOPE_APP_ID ".metainfo.xml"))),
                     QStringLiteral("<mediatype>([^<]+)</mediatype>"));
        QCOMPARE(mediatypes, xml);
    }
};

QTEST_GUILESS_MAIN(DesktopIntegrationTest)
#include "desktop_integration_test.moc"
