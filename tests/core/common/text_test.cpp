// Text from files on its way to people and JSON (issue 16): invalid UTF-8, control characters
// and cuts inside a character.
#include <gtest/gtest.h>

#include <new>
#include <stdexcept>
#include <string>

#include "quantscope/common/error.h"
#include "quantscope/common/text.h"

namespace quantscope {
namespace {

TEST(Text, ValidUtf8PassesUnchanged) {
    const std::string text = "w\xC3\xA9ight \xE2\x82\xAC \xF0\x9F\x98\x80";
    EXPECT_EQ(valid_utf8(text), text);
    EXPECT_EQ(visible_text(text), text);
}

TEST(Text, EveryInvalidByteBecomesOneReplacementCharacter) {
    const std::string fffd = "\xEF\xBF\xBD";
    EXPECT_EQ(valid_utf8("a\xFF"
                         "b"),
              "a" + fffd + "b");
    EXPECT_EQ(valid_utf8("\xC3"), fffd);                                   // truncated sequence
    EXPECT_EQ(valid_utf8("\xC0\xAF"), fffd + fffd);                        // overlong '/'
    EXPECT_EQ(valid_utf8("\xED\xA0\x80"), fffd + fffd + fffd);             // a surrogate
    EXPECT_EQ(valid_utf8("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // past U+10FFFF
}

TEST(Text, VisibleTextEscapesControlsAndShowsInvalidBytes) {
    EXPECT_EQ(visible_text("a\x1b[31mb\x07"), "a\\e[31mb\\x07");
    EXPECT_EQ(visible_text("x\ny\rz\t\x7f"), "x\\ny\\rz\\t\\x7f");
    EXPECT_EQ(visible_text("\xC2\x9B"
                           "2J"),
              "\\u009b2J");  // C1 CSI
    EXPECT_EQ(visible_text("n\xFF\xFE"), "n\\xff\\xfe");
}

TEST(Text, PrefixNeverEndsInsideACharacter) {
    const std::string e_acute = "\xC3\xA9";
    std::string text(4095, 'a');
    text += e_acute + "bc";
    EXPECT_EQ(utf8_prefix(text, 4096).size(), 4095U);
    EXPECT_EQ(utf8_prefix(text, 4097).size(), 4097U);
    EXPECT_EQ(utf8_prefix("\xF0\x9F\x98\x80", 3), "");
    EXPECT_EQ(utf8_prefix("ab\xFF\xFF", 3), "ab\xFF");  // invalid bytes are one byte each
    EXPECT_EQ(utf8_prefix("short", 100), "short");
}

TEST(DescribeFailure, StandardLibraryTextNeverReachesAPerson) {
    EXPECT_EQ(describe_failure(Error("f.npy: offset 8: truncated"), "f.npy"),
              "f.npy: offset 8: truncated");
    const std::string bad_alloc = describe_failure(std::bad_alloc(), "m.onnx");
    EXPECT_EQ(bad_alloc,
              "m.onnx: not enough memory: the data is larger than this machine can hold");
    const std::string length = describe_failure(std::length_error("vector::reserve"), "x.npy");
    EXPECT_EQ(length.find("vector"), std::string::npos);
    EXPECT_EQ(length.rfind("x.npy: ", 0), 0U);
    const std::string other = describe_failure(std::runtime_error("basic_string::_M_create"), "");
    EXPECT_EQ(other, "unexpected internal failure");
}

}  // namespace
}  // namespace quantscope

namespace quantscope {
namespace {

TEST(Text, OrdinalSuffixes) {
    EXPECT_EQ(ordinal_suffix(1), "st");
    EXPECT_EQ(ordinal_suffix(2), "nd");
    EXPECT_EQ(ordinal_suffix(3), "rd");
    EXPECT_EQ(ordinal_suffix(4), "th");
    EXPECT_EQ(ordinal_suffix(11), "th");
    EXPECT_EQ(ordinal_suffix(12), "th");
    EXPECT_EQ(ordinal_suffix(13), "th");
    EXPECT_EQ(ordinal_suffix(21), "st");
    EXPECT_EQ(ordinal_suffix(100), "th");
    EXPECT_EQ(ordinal_suffix(111), "th");
    EXPECT_EQ(ordinal_suffix(122), "nd");
}

}  // namespace
}  // namespace quantscope
