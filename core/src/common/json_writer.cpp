#include "quantscope/common/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "quantscope/common/text.h"
#include "quantscope/quant/metric_descriptors.h"

namespace quantscope {

std::string json_escape(std::string_view text) {
    std::string out = "\"";
    for_each_utf8_sequence(
        text,
        [&](std::string_view sequence) {
            const char c = sequence[0];
            const std::string_view escape = short_escape(c);
            if (sequence.size() > 1) {
                out += sequence;
            } else if (c == '"' || c == '\\') {
                out += '\\';
                out += c;
            } else if (!escape.empty()) {
                out += escape;
            } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
                char buffer[8];
                std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
                out += buffer;
            } else {
                out += c;
            }
        },
        // Files may hold any bytes: each one that is not UTF-8 becomes U+FFFD, written as the
        // escape \ufffd so that the replacement is plain to see.
        [&](unsigned char) { out += "\\ufffd"; });
    return out + "\"";
}

void JsonWriter::newline() {
    if (indent_ > 0) {
        out_ += '\n';
        out_.append(has_elements_.size() * static_cast<std::size_t>(indent_), ' ');
    }
}

void JsonWriter::before_value() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (!has_elements_.empty()) {
        if (has_elements_.back()) {
            out_ += ',';
        }
        has_elements_.back() = true;
        newline();
    }
}

JsonWriter& JsonWriter::begin_object() {
    before_value();
    out_ += '{';
    has_elements_.push_back(false);
    return *this;
}

void JsonWriter::close(char bracket) {
    const bool had = has_elements_.back();
    has_elements_.pop_back();
    if (had) {
        newline();
    }
    out_ += bracket;
}

JsonWriter& JsonWriter::end_object() {
    close('}');
    return *this;
}

JsonWriter& JsonWriter::begin_array() {
    before_value();
    out_ += '[';
    has_elements_.push_back(false);
    return *this;
}

JsonWriter& JsonWriter::end_array() {
    close(']');
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
    before_value();
    out_ += json_escape(name);
    out_ += indent_ > 0 ? ": " : ":";
    after_key_ = true;
    return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
    before_value();
    out_ += json_escape(text);
    return *this;
}

JsonWriter& JsonWriter::value(double number) {
    const std::string text = exact_number_text(number);
    if (!std::isfinite(number)) {
        return value(std::string_view(text));  // "inf", "-inf", "nan": JSON has no such number
    }
    before_value();
    out_ += text;
    return *this;
}

JsonWriter& JsonWriter::value(std::int64_t number) {
    before_value();
    out_ += std::to_string(number);
    return *this;
}

JsonWriter& JsonWriter::null() {
    before_value();
    out_ += "null";
    return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
    before_value();
    out_ += flag ? "true" : "false";
    return *this;
}

}  // namespace quantscope
