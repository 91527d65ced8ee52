#pragma once
// quantscope-cli's manual page (roff), written from the same command table as its --help, so
// the packaged man page lists exactly the commands and options the binary has.

#include <string>
#include <string_view>
#include <vector>

namespace quantscope::cli {

struct ManCommand {
    std::string_view name;
    std::string_view synopsis;  // its arguments, after the name
    std::string_view summary;
    std::string_view usage;  // the command's full --help text
};

std::string man_page(const std::vector<ManCommand>& commands, std::string_view version);

}  // namespace quantscope::cli
