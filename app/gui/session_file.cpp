#include "session_file.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <algorithm>
#include <exception>

#include "config_json.h"
#include "quantscope/common/error.h"

namespace quantscope::app {

void checkSessionHeader(const QJsonObject& json) {
    if (json.value("application").toString() != QLatin1String("QuantScope")) {
        throw UsageError("not a QuantScope session (no \"application\": \"QuantScope\")");
    }
    const QJsonValue version = json.value("version");
    const double v = version.toDouble(-1);
    if (!version.isDouble() || v < 1 || v != static_cast<double>(static_cast<int>(v))) {
        throw UsageError("the session's \"version\" is not a whole number from 1");
    }
    if (v > kSessionVersion) {
        throw UsageError("session version " + std::to_string(static_cast<int>(v)) +
                         " comes from a newer QuantScope; this one reads up to version " +
                         std::to_string(kSessionVersion));
    }
}

SessionRead readSessionFile(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {{}, QObject::tr("%1: cannot read: %2").arg(path, file.errorString())};
    }
    const QByteArray bytes = file.readAll();
    if (bytes.isEmpty()) {
        return {{}, QObject::tr("%1: offset 0: the file is empty").arg(path)};
    }
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError) {
        // A file cut short fails at its end: say so, it is the usual case (a full disk).
        // Qt may point one past the last byte of a cut file.
        const qsizetype offset = std::min<qsizetype>(error.offset, bytes.size());
        const QString problem =
            offset >= bytes.size()
                ? QObject::tr("the file ends early (truncated?): %1").arg(error.errorString())
                : error.errorString();
        return {{},
                QObject::tr("%1: offset %2: not a session file: %3")
                    .arg(path)
                    .arg(offset)
                    .arg(problem)};
    }
    if (!document.isObject()) {
        return {{}, QObject::tr("%1: offset 0: not a session file: not a JSON object").arg(path)};
    }
    try {
        checkSessionHeader(document.object());
    } catch (const std::exception& e) {
        return {{}, QObject::tr("%1: %2").arg(path, QString::fromStdString(e.what()))};
    }
    return {document.object(), {}};
}

QString writeSessionFile(const QString& path, const QJsonObject& json) {
    QSaveFile file(path);
    const QByteArray bytes = QJsonDocument(json).toJson();
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        return QObject::tr("%1: cannot write: %2").arg(path, file.errorString());
    }
    return {};
}

SessionSummary summarizeSession(const QJsonObject& json) {
    SessionSummary summary;
    for (const QJsonValue& s : json.value("sources").toArray()) {
        summary.sources << s.toString();
    }
    for (const QJsonValue& m : json.value("missing").toArray()) {
        summary.sources << m.toObject().value("spec").toString();
    }
    try {
        summary.config =
            QString::fromStdString(describe(configFromJson(json.value("config").toObject())));
    } catch (const std::exception& e) {
        summary.config = QObject::tr("unreadable (%1)").arg(QString::fromStdString(e.what()));
    }
    summary.compared = static_cast<int>(json.value("compared").toArray().size());
    summary.savedAt = QDateTime::fromString(json.value("saved_at").toString(), Qt::ISODate);
    return summary;
}

}  // namespace quantscope::app
