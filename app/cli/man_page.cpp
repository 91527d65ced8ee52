#include "man_page.h"

#include <cstdint>
#include <cstdio>

#include "cli_support.h"

namespace quantscope::cli {
namespace {

// Text as roff reads it literally: a backslash is \e, a hyphen-minus \- (a plain '-' may be
// typeset as a hyphen, which breaks copied options), a leading '.' or '\'' is not a request,
// and any other character outside ASCII is a \[uXXXX] escape, whatever the reader's locale.
std::string roff(std::string_view text) {
    std::string out;
    bool line_start = true;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (line_start && (byte == '.' || byte == '\'')) {
            out += "\\&";
        }
        line_start = byte == '\n';
        if (byte == '\\') {
            out += "\\e";
        } else if (byte == '-') {
            out += "\\-";
        } else if (byte < 0x80) {
            out += static_cast<char>(byte);
        } else {
            // One UTF-8 sequence; a stray byte stands for U+FFFD.
            const int length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1;
            std::uint32_t code = byte & (0x7Fu >> length);
            bool valid = length > 1 && i + static_cast<std::size_t>(length) <= text.size();
            for (int k = 1; valid && k < length; ++k) {
                const auto next = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
                valid = (next & 0xC0) == 0x80;
                code = (code << 6) | (next & 0x3Fu);
            }
            if (valid) {
                i += static_cast<std::size_t>(length - 1);
            } else {
                code = 0xFFFD;
            }
            char escape[16];
            std::snprintf(escape, sizeof escape, "\\[u%04X]", static_cast<unsigned>(code));
            out += escape;
        }
    }
    return out;
}

}  // namespace

std::string man_page(const std::vector<ManCommand>& commands, std::string_view version) {
    std::string t = ".TH QUANTSCOPE\\-CLI 1 \"\" \"quantscope\\-cli " + roff(version) +
                    "\" \"User Commands\"\n";
    t += ".SH NAME\nquantscope\\-cli \\- quantization error analysis from the command line\n";
    t += ".SH SYNOPSIS\n.nf\n";
    for (const ManCommand& c : commands) {
        t += "\\fBquantscope\\-cli " + roff(c.name) + "\\fR " + roff(c.synopsis) + "\n";
    }
    t += "\\fBquantscope\\-cli\\fR \\fICOMMAND\\fR \\-\\-help\n";
    t += "\\fBquantscope\\-cli \\-\\-version\\fR\n.fi\n";
    t += ".SH DESCRIPTION\n"
         "\\fBquantscope\\-cli\\fR runs QuantScope's quantization analyses for scripts: it "
         "quantizes a tensor or a signal read from a file or made by a generator, in a number "
         "format with a scheme, a granularity, a calibration and a rounding mode, and prints the "
         "error metrics, the quantization parameters and the storage cost, as text, JSON or "
         "CSV.\n"
         ".PP\nEach command's options follow, as its \\fB\\-\\-help\\fR prints them.\n";
    t += ".SH COMMANDS\n";
    for (const ManCommand& c : commands) {
        t += ".SS \"" + roff(c.name) + "\"\n" + roff(c.summary) + ".\n.PP\n.nf\n" + roff(c.usage);
        if (!c.usage.empty() && c.usage.back() != '\n') {
            t += '\n';
        }
        t += ".fi\n";
    }
    t += ".SH \"EXIT STATUS\"\n";
    const auto status = [&t](int code, std::string_view meaning) {
        t += ".TP\n.B " + std::to_string(code) + "\n" + roff(meaning) + "\n";
    };
    status(kExitOk, "Success.");
    status(kExitDataError,
           "A file or data error: one line naming the file, the byte offset and the problem.");
    status(kExitUsage, "Bad usage: the message and the command's usage on standard error.");
    t += ".SH \"SEE ALSO\"\n.BR quantscope (1)\n";
    return t;
}

}  // namespace quantscope::cli
