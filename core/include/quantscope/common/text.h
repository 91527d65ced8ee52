#pragma once
// Text that files bring (tensor names, metadata, member names, paths) shown to people and
// written as JSON. Files may hold any bytes, so every output path goes through one of these:
// JSON needs valid UTF-8, a terminal must not receive raw escape or bell characters, and a
// shortened string must not end inside a character.
//
// The rules, one for each output:
//   valid_utf8    JSON, CSV and the window: each byte that does not start a valid UTF-8
//                 sequence (RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF)
//                 becomes U+FFFD; valid text passes unchanged.
//   visible_text  the CLI's text output: like valid_utf8, but invalid bytes become "\xNN" (so
//                 that which byte it was stays visible) and control characters become
//                 "\n", "\r", "\t", "\e", "\xNN" (C0, DEL) or "\u00NN" (C1).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace quantscope {

// Length of the valid UTF-8 sequence at the start of `text`, or 0 when it does not start one.
std::size_t utf8_sequence_length(std::string_view text);

// Calls valid(sequence) for each valid UTF-8 sequence of `text` and invalid(byte) for each
// other byte, in order.
template <typename Valid, typename Invalid>
void for_each_utf8_sequence(std::string_view text, Valid valid, Invalid invalid) {
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t length = utf8_sequence_length(text.substr(i));
        if (length == 0) {
            invalid(static_cast<unsigned char>(text[i]));
            ++i;
        } else {
            valid(text.substr(i, length));
            i += length;
        }
    }
}

// "\n", "\r" or "\t" for those characters, else empty: the escapes JSON and text share.
std::string_view short_escape(char c);

std::string valid_utf8(std::string_view text);
std::string visible_text(std::string_view text);

// The longest prefix of `text` of at most `max_bytes` bytes that does not end inside a valid
// UTF-8 sequence.
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes);

// A CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma, quote or newline.
// Give it valid_utf8 text.
std::string csv_field(std::string_view text);

// The English ordinal suffix of n: "st" for 1, 21; "nd" for 2; "rd" for 3; "th" for 11 to 13
// and the rest (what "every 21st value" needs).
std::string_view ordinal_suffix(std::int64_t n);

}  // namespace quantscope
