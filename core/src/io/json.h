#pragma once
// A small strict JSON parser (RFC 8259) for headers that files carry (safetensors). Strict:
// no comments, no trailing commas, no duplicate keys, strings must be valid UTF-8 without raw
// control characters; nesting is capped so a hostile file cannot exhaust the stack. Numbers
// keep their text; integer() converts the ones that are integers.

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace quantscope {

struct JsonMember;

struct JsonValue {
    enum class Kind { Null, Bool, Number, String, Array, Object };
    Kind kind = Kind::Null;
    bool boolean = false;
    std::string text;  // string contents, or the number as written
    std::vector<JsonValue> items;
    std::vector<JsonMember> members;  // in file order
    std::uint64_t offset = 0;         // where the value starts, in the caller's offsets

    const JsonValue* find(std::string_view key) const;
    // The number as an integer in [min, max], or nullopt (fraction, exponent, out of range).
    std::optional<std::int64_t> integer() const;
};

struct JsonMember {
    std::string key;
    JsonValue value;
};

// Bounds on what a header may hold, checked while parsing so that a hostile header is refused
// before it costs memory: a 20 MB array of ten million numbers would take over a gigabyte as
// JsonValues.
struct JsonLimits {
    int max_depth = 64;
    std::size_t max_array_items = std::numeric_limits<std::size_t>::max();
    // Members of any object but a streamed root (see parse_json).
    std::size_t max_object_members = std::numeric_limits<std::size_t>::max();
};

// Called with each member of the root object as soon as it is parsed; the member is not kept.
using JsonMemberVisitor = std::function<void(std::string key, JsonValue value)>;

// Parses `text` as one JSON value followed only by whitespace. `base` is added to every offset;
// errors are LoadError(file, base + position, "invalid JSON: ..."), or "... more than N items"
// past a limit. With `on_root_member`, the root must be an object and its members go to the
// visitor instead of into the returned value (whose members stay empty).
JsonValue parse_json(std::string_view text, const std::string& file, std::uint64_t base,
                     const JsonLimits& limits = {}, const JsonMemberVisitor& on_root_member = {});

}  // namespace quantscope
