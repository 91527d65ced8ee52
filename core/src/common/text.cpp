#include "quantscope/common/text.h"

#include <algorithm>
#include <cstdio>

namespace quantscope {

std::size_t utf8_sequence_length(std::string_view text) {
    if (text.empty()) {
        return 0;
    }
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(0);
    std::size_t length = 0;
    unsigned code = 0;
    if (lead < 0x80) {
        return 1;
    }
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        code = lead & 0x1Fu;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        code = lead & 0x0Fu;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        code = lead & 0x07u;
    } else {
        return 0;
    }
    if (text.size() < length) {
        return 0;
    }
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(i) & 0xC0u) != 0x80u) {
            return 0;
        }
        code = (code << 6) | (byte(i) & 0x3Fu);
    }
    const bool overlong = (length == 3 && code < 0x800) || (length == 4 && code < 0x10000);
    const bool surrogate = code >= 0xD800 && code <= 0xDFFF;
    return overlong || surrogate || code > 0x10FFFF ? 0 : length;
}

std::string_view short_escape(char c) {
    switch (c) {
        case '\n':
            return "\\n";
        case '\r':
            return "\\r";
        case '\t':
            return "\\t";
        default:
            return {};
    }
}

namespace {

std::string hex_byte(unsigned value) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "\\x%02x", value & 0xFFu);
    return buffer;
}

}  // namespace

std::string valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for_each_utf8_sequence(
        text, [&](std::string_view sequence) { out += sequence; },
        [&](unsigned char) { out += "\xEF\xBF\xBD"; });
    return out;
}

std::string visible_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for_each_utf8_sequence(
        text,
        [&](std::string_view sequence) {
            const auto c = static_cast<unsigned char>(sequence[0]);
            if (sequence.size() == 1 && (c < 0x20 || c == 0x7F)) {
                const std::string_view escape = short_escape(sequence[0]);
                out += !escape.empty() ? std::string(escape) : c == 0x1B ? "\\e" : hex_byte(c);
            } else if (sequence.size() == 2 && c == 0xC2 &&
                       static_cast<unsigned char>(sequence[1]) < 0xA0) {
                // C1 controls (U+0080..U+009F): some terminals act on them too.
                out += "\\u00" + hex_byte(static_cast<unsigned char>(sequence[1])).substr(2);
            } else {
                out += sequence;
            }
        },
        [&](unsigned char byte) { out += hex_byte(byte); });
    return out;
}

std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) {
    if (text.size() <= max_bytes) {
        return text;
    }
    std::size_t end = 0;
    while (end < max_bytes) {
        const std::size_t length = std::max<std::size_t>(1, utf8_sequence_length(text.substr(end)));
        if (end + length > max_bytes) {
            break;
        }
        end += length;
    }
    return text.substr(0, end);
}

std::string csv_field(std::string_view text) {
    if (text.find_first_of(",\"\n\r") == std::string_view::npos) {
        return std::string(text);
    }
    std::string quoted = "\"";
    for (const char c : text) {
        quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return quoted + "\"";
}

std::string_view ordinal_suffix(std::int64_t n) {
    const std::int64_t tens = n % 100;
    const std::int64_t last = n % 10;
    if (tens >= 11 && tens <= 13) {
        return "th";
    }
    return last == 1 ? "st" : last == 2 ? "nd" : last == 3 ? "rd" : "th";
}

}  // namespace quantscope
