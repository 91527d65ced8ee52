#pragma once
// A small streaming JSON writer for machine-readable output (the CLI, exports). Non-finite numbers
// are written as the strings "inf", "-inf" and "nan", and each byte of text that is not valid UTF-8
// is written as \ufffd, so that the output is always valid JSON.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace quantscope {

class JsonWriter {
public:
    explicit JsonWriter(int indent = 2) : indent_(indent) {}

    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(std::string_view name);
    JsonWriter& value(std::string_view text);
    JsonWriter& value(const char* text) { return value(std::string_view(text)); }
    JsonWriter& value(double number);
    JsonWriter& value(std::int64_t number);
    JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
    JsonWriter& value(bool flag);
    JsonWriter& null();

    const std::string& text() const { return out_; }
    // Hands over the text written so far and forgets it, so that a long document can be
    // streamed out piece by piece instead of held whole.
    std::string take() { return std::exchange(out_, {}); }

private:
    void before_value();
    void newline();
    void close(char bracket);

    std::string out_;
    int indent_;
    // One entry per open container: whether it already holds an element.
    std::vector<bool> has_elements_;
    bool after_key_ = false;
};

std::string json_escape(std::string_view text);

}  // namespace quantscope
