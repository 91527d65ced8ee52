// The hostile corpus: every file in tests/data/hostile/ must be rejected with a LoadError whose
// message names the file, the byte offset and the problem listed in expected.txt, whether the
// file is mapped, read with pread, or handed over as bytes in memory.
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "io_test_support.h"
#include "quantscope/io/load_error.h"
#include "quantscope/io/source.h"

namespace quantscope {
namespace {

struct HostileCase {
    std::string file;
    std::string message;
};

std::vector<HostileCase> load_manifest() {
    std::vector<HostileCase> cases;
    std::ifstream in(test::hostile("expected.txt"));
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') {
            continue;
        }
        const auto tab = line.find('\t');
        if (tab != std::string::npos) {
            cases.push_back({line.substr(0, tab), line.substr(tab + 1)});
        }
    }
    return cases;
}

// Opens and reads everything; returns the LoadError's message, or "" when nothing failed.
std::string first_error(const std::function<std::unique_ptr<Source>()>& open, std::string* file) {
    try {
        const auto source = open();
        for (std::size_t i = 0; i < source->tensors().size(); ++i) {
            if (source->readable(i)) {
                (void)source->read(i);
            }
        }
    } catch (const LoadError& error) {
        *file = error.file();
        return error.what();
    }
    return "";
}

class Hostile : public ::testing::TestWithParam<HostileCase> {};

TEST_P(Hostile, RejectedWithOffsetAndProblem) {
    const HostileCase& c = GetParam();
    const std::string path = test::hostile(c.file);
    std::string file;
    const std::string mapped = first_error([&] { return open_source(path); }, &file);
    EXPECT_NE(mapped.find(c.message), std::string::npos)
        << "expected: " << c.message << "\n     got: " << mapped;
    EXPECT_EQ(file, path);
    EXPECT_EQ(mapped.rfind(path + ": offset ", 0), 0U) << mapped;

    const std::string pread =
        first_error([&] { return open_source(path, SourceOptions{.memory_map = false}); }, &file);
    EXPECT_EQ(pread, mapped);

    const std::string memory =
        first_error([&] { return open_source_bytes(path, test::file_bytes(path)); }, &file);
    EXPECT_EQ(memory, mapped);
}

INSTANTIATE_TEST_SUITE_P(Corpus, Hostile, ::testing::ValuesIn(load_manifest()),
                         [](const ::testing::TestParamInfo<HostileCase>& param) {
                             std::string name;
                             for (const char c : param.param.file) {
                                 name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                             }
                             return name;
                         });

TEST(HostileManifest, ListsEveryFileOnce) {
    const auto cases = load_manifest();
    EXPECT_GE(cases.size(), 50U);
    std::set<std::string> listed;
    for (const auto& c : cases) {
        EXPECT_TRUE(listed.insert(c.file).second) << "listed twice: " << c.file;
    }
    for (const auto& entry : std::filesystem::directory_iterator(test::hostile(""))) {
        const std::string name = entry.path().filename().string();
        if (name != "expected.txt") {
            EXPECT_TRUE(listed.count(name) == 1) << "not in expected.txt: " << name;
        }
    }
}

}  // namespace
}  // namespace quantscope
