#pragma once
// The session file on disk: a JSON object {"application": "QuantScope", "version": N, ...}
// (AnalysisSession::toJson has the fields). Written atomically with QSaveFile, so a crash while
// writing leaves the previous file whole; read back with a message naming the file, the byte
// offset and the problem for anything it cannot use (truncated, hand-edited, newer).

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace quantscope::app {

// The version this program writes. Version 1 (no "missing", "undo" or "saved_at") still reads;
// a file of a higher version is refused rather than half understood.
inline constexpr int kSessionVersion = 2;

// Throws UsageError when `json` is not a QuantScope session this version reads: no
// "application": "QuantScope", a version that is not a whole number, or one above
// kSessionVersion.
void checkSessionHeader(const QJsonObject& json);

struct SessionRead {
    QJsonObject json;  // empty when error is set
    QString error;     // "FILE: offset N: problem" or "FILE: problem"
};
SessionRead readSessionFile(const QString& path);

// Writes `json` to `path` atomically (QSaveFile). Returns "" on success, else
// "FILE: cannot write: reason".
QString writeSessionFile(const QString& path, const QJsonObject& json);

// What a session holds, for the restore prompt: its sources (missing ones included), the config
// in words, the number of compared configs and when it was saved.
struct SessionSummary {
    QStringList sources;
    QString config;
    int compared = 0;
    QDateTime savedAt;  // invalid when the file does not say
};
SessionSummary summarizeSession(const QJsonObject& json);

}  // namespace quantscope::app
