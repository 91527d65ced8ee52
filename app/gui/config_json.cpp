#include "config_json.h"

#include "quantscope/common/error.h"

namespace quantscope::app {

QJsonObject configToJson(const QuantConfig& config) {
    QJsonObject json;
    for (const ConfigField& field : config_fields()) {
        const QString name = QString::fromLatin1(field.name.data(), field.name.size());
        const QString text = QString::fromStdString(field.get(config));
        json.insert(name, field.json_number ? QJsonValue(text.toDouble()) : QJsonValue(text));
    }
    return json;
}

QuantConfig configFromJson(const QJsonObject& json) {
    ConfigFieldValues values;
    for (const ConfigField& field : config_fields()) {
        const QString name = QString::fromLatin1(field.name.data(), field.name.size());
        if (!json.contains(name)) {
            continue;
        }
        const QJsonValue value = json.value(name);
        if (field.json_number ? !value.isDouble() : !value.isString()) {
            throw UsageError("config field '" + name.toStdString() + "' is not a " +
                             (field.json_number ? "number" : "string"));
        }
        // 17 digits read back to the same double.
        values.emplace_back(name.toStdString(),
                            field.json_number
                                ? QString::number(value.toDouble(), 'g', 17).toStdString()
                                : value.toString().toStdString());
    }
    return config_from_fields(values);
}

}  // namespace quantscope::app
