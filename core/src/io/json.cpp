// JSON: RFC 8259.
#include "json.h"

#include <charconv>
#include <functional>
#include <set>

#include "quantscope/common/text.h"
#include "quantscope/io/load_error.h"

namespace quantscope {
namespace {

class Parser {
public:
    Parser(std::string_view text, const std::string& file, std::uint64_t base,
           const JsonLimits& limits, const JsonMemberVisitor& on_root_member)
        : text_(text), file_(file), base_(base), limits_(limits), on_root_member_(on_root_member) {}

    JsonValue document() {
        if (on_root_member_) {
            skip_space();
            if (peek() != '{') {
                fail("expected an object");
            }
        }
        JsonValue value = parse_value(0);
        skip_space();
        if (pos_ != text_.size()) {
            fail("unexpected text after the value");
        }
        return value;
    }

private:
    [[noreturn]] void fail(const std::string& problem) const { fail_at(pos_, problem); }
    [[noreturn]] void fail_at(std::size_t pos, const std::string& problem) const {
        throw LoadError(file_, base_ + pos, "invalid JSON: " + problem);
    }
    [[noreturn]] void too_many(std::size_t pos, const char* what, std::size_t limit) const {
        throw LoadError(file_, base_ + pos,
                        std::string(what) + " of more than " + std::to_string(limit) +
                            " items, more than this header can hold");
    }
    bool at_end() const { return pos_ >= text_.size(); }
    char peek() const { return at_end() ? '\0' : text_[pos_]; }
    void skip_space() {
        while (!at_end() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
                             text_[pos_] == '\r')) {
            ++pos_;
        }
    }
    void literal(std::string_view word) {
        if (text_.substr(pos_, word.size()) != word) {
            fail("unexpected character");
        }
        pos_ += word.size();
    }

    JsonValue parse_value(int depth) {
        skip_space();
        if (at_end()) {
            fail("unexpected end of text");
        }
        JsonValue value;
        value.offset = base_ + pos_;
        switch (peek()) {
            case '{':
                value.kind = JsonValue::Kind::Object;
                parse_object(value, depth + 1);
                break;
            case '[':
                value.kind = JsonValue::Kind::Array;
                parse_array(value, depth + 1);
                break;
            case '"':
                value.kind = JsonValue::Kind::String;
                value.text = parse_string();
                break;
            case 't':
                literal("true");
                value.kind = JsonValue::Kind::Bool;
                value.boolean = true;
                break;
            case 'f':
                literal("false");
                value.kind = JsonValue::Kind::Bool;
                break;
            case 'n':
                literal("null");
                break;
            default:
                value.kind = JsonValue::Kind::Number;
                value.text = parse_number();
                break;
        }
        return value;
    }

    void enter(int depth) const {
        if (depth > limits_.max_depth) {
            fail("nested deeper than " + std::to_string(limits_.max_depth) + " levels");
        }
    }

    void parse_object(JsonValue& object, int depth) {
        enter(depth);
        ++pos_;
        std::set<std::string, std::less<>> keys;
        skip_space();
        if (peek() == '}') {
            ++pos_;
            return;
        }
        while (true) {
            skip_space();
            if (peek() != '"') {
                fail("expected a string key");
            }
            const std::size_t key_pos = pos_;
            std::string key = parse_string();
            if (!keys.insert(key).second) {
                fail_at(key_pos, "duplicate key \"" + key + "\"");
            }
            skip_space();
            if (peek() != ':') {
                fail("expected ':'");
            }
            ++pos_;
            JsonValue value = parse_value(depth);
            if (depth == 1 && on_root_member_) {
                on_root_member_(std::move(key), std::move(value));
            } else {
                if (object.members.size() == limits_.max_object_members) {
                    too_many(key_pos, "an object", limits_.max_object_members);
                }
                object.members.push_back({std::move(key), std::move(value)});
            }
            skip_space();
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            if (peek() == '}') {
                ++pos_;
                return;
            }
            fail("expected ',' or '}'");
        }
    }

    void parse_array(JsonValue& array, int depth) {
        enter(depth);
        ++pos_;
        skip_space();
        if (peek() == ']') {
            ++pos_;
            return;
        }
        while (true) {
            if (array.items.size() == limits_.max_array_items) {
                skip_space();
                too_many(pos_, "an array", limits_.max_array_items);
            }
            array.items.push_back(parse_value(depth));
            skip_space();
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            if (peek() == ']') {
                ++pos_;
                return;
            }
            fail("expected ',' or ']'");
        }
    }

    unsigned hex4() {
        if (text_.size() - pos_ < 4) {
            fail("truncated \\u escape");
        }
        unsigned value = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = text_[pos_++];
            value <<= 4;
            if (c >= '0' && c <= '9') {
                value |= static_cast<unsigned>(c - '0');
            } else if (c >= 'a' && c <= 'f') {
                value |= static_cast<unsigned>(c - 'a' + 10);
            } else if (c >= 'A' && c <= 'F') {
                value |= static_cast<unsigned>(c - 'A' + 10);
            } else {
                fail("bad hex digit in a \\u escape");
            }
        }
        return value;
    }

    static void append_utf8(std::string& out, unsigned code) {
        if (code < 0x80) {
            out += static_cast<char>(code);
        } else if (code < 0x800) {
            out += static_cast<char>(0xC0 | (code >> 6));
            out += static_cast<char>(0x80 | (code & 0x3F));
        } else if (code < 0x10000) {
            out += static_cast<char>(0xE0 | (code >> 12));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (code >> 18));
            out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
        }
    }

    std::string parse_string() {
        const std::size_t start = pos_;
        ++pos_;
        std::string out;
        while (true) {
            if (at_end()) {
                fail_at(start, "unterminated string");
            }
            const auto c = static_cast<unsigned char>(text_[pos_]);
            if (c == '"') {
                ++pos_;
                return out;
            }
            if (c < 0x20) {
                fail("control character in a string");
            }
            if (c == '\\') {
                ++pos_;
                const char escape = peek();
                ++pos_;
                switch (escape) {
                    case '"':
                        out += '"';
                        break;
                    case '\\':
                        out += '\\';
                        break;
                    case '/':
                        out += '/';
                        break;
                    case 'b':
                        out += '\b';
                        break;
                    case 'f':
                        out += '\f';
                        break;
                    case 'n':
                        out += '\n';
                        break;
                    case 'r':
                        out += '\r';
                        break;
                    case 't':
                        out += '\t';
                        break;
                    case 'u': {
                        unsigned code = hex4();
                        if (code >= 0xD800 && code <= 0xDBFF) {
                            if (text_.substr(pos_, 2) != "\\u") {
                                fail("unpaired surrogate in a \\u escape");
                            }
                            pos_ += 2;
                            const unsigned low = hex4();
                            if (low < 0xDC00 || low > 0xDFFF) {
                                fail("unpaired surrogate in a \\u escape");
                            }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                        } else if (code >= 0xDC00 && code <= 0xDFFF) {
                            fail("unpaired surrogate in a \\u escape");
                        }
                        append_utf8(out, code);
                        break;
                    }
                    default:
                        fail_at(pos_ - 1, "unknown escape");
                }
                continue;
            }
            if (c < 0x80) {
                out += static_cast<char>(c);
                ++pos_;
                continue;
            }
            const std::size_t length = utf8_sequence_length(text_.substr(pos_));
            if (length == 0) {
                fail("invalid UTF-8 in a string");
            }
            out.append(text_.substr(pos_, length));
            pos_ += length;
        }
    }

    std::string parse_number() {
        const std::size_t start = pos_;
        const auto digit = [&] { return peek() >= '0' && peek() <= '9'; };
        if (peek() == '-') {
            ++pos_;
        }
        if (peek() == '0') {
            ++pos_;
        } else if (digit()) {
            while (digit()) {
                ++pos_;
            }
        } else {
            fail_at(start, "unexpected character");
        }
        if (peek() == '.') {
            ++pos_;
            if (!digit()) {
                fail("expected a digit after '.'");
            }
            while (digit()) {
                ++pos_;
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            ++pos_;
            if (peek() == '+' || peek() == '-') {
                ++pos_;
            }
            if (!digit()) {
                fail("expected a digit in the exponent");
            }
            while (digit()) {
                ++pos_;
            }
        }
        return std::string(text_.substr(start, pos_ - start));
    }

    std::string_view text_;
    const std::string& file_;
    std::uint64_t base_;
    const JsonLimits& limits_;
    const JsonMemberVisitor& on_root_member_;
    std::size_t pos_ = 0;
};

}  // namespace

const JsonValue* JsonValue::find(std::string_view key) const {
    for (const auto& [name, value] : members) {
        if (name == key) {
            return &value;
        }
    }
    return nullptr;
}

std::optional<std::int64_t> JsonValue::integer() const {
    if (kind != Kind::Number) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

JsonValue parse_json(std::string_view text, const std::string& file, std::uint64_t base,
                     const JsonLimits& limits, const JsonMemberVisitor& on_root_member) {
    return Parser(text, file, base, limits, on_root_member).document();
}

}  // namespace quantscope
