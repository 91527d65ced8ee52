// Hostile inputs too large or too special for files in tests/data (issue 16): FIFOs and devices
// where a file is expected, tens of thousands of tensors sharing one name, a long name shared
// by every tensor's note, a header with a ten-million-item array. Each is made here, at test
// time; each must fail fast with a LoadError naming the file, or load in time linear in it.
#include <sys/stat.h>
#include <sys/types.h>

#include <gtest/gtest.h>

#include <malloc.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "io_test_support.h"
#include "quantscope/io/load_error.h"
#include "quantscope/io/source.h"

namespace quantscope {
namespace {

namespace fs = std::filesystem;
using test::bytes_of;
using test::kSanitized;
using test::reset_peak_resident;
using test::status_kb;
using Clock = std::chrono::steady_clock;

// Generous enough for a sanitizer build on a busy 2-core machine; the quadratic and blocking
// behaviours these tests catch take minutes or forever.
constexpr auto kBound = std::chrono::seconds(20);

// Runs `work` on its own thread and fails instead of hanging when it does not finish in time
// (a thread blocked in open() cannot be stopped; it is left behind, and the test fails).
void finishes_in_time(std::function<void()> work) {
    auto task = std::make_shared<std::packaged_task<void()>>(std::move(work));
    std::future<void> done = task->get_future();
    std::thread([task] { (*task)(); }).detach();
    ASSERT_EQ(done.wait_for(kBound), std::future_status::ready) << "blocked or too slow";
    done.get();
}

// The LoadError `open_and_read` throws (opening and reading every tensor), within kBound.
LoadError load_error(std::function<void()> open_and_read) {
    std::optional<LoadError> error;
    finishes_in_time([&] {
        try {
            open_and_read();
        } catch (const LoadError& e) {
            error = e;
        }
    });
    if (!error) {
        ADD_FAILURE() << "no LoadError";
        return LoadError("", 0, "");
    }
    return *error;
}

void read_all(const std::string& path) {
    const auto source = open_source(path);
    for (std::size_t i = 0; i < source->tensors().size(); ++i) {
        if (source->readable(i)) {
            (void)source->read(i);
        }
    }
}

class TempFolder {
public:
    explicit TempFolder(const std::string& name)
        : path_(fs::temp_directory_path() /
                ("quantscope_" + name + "_" + std::to_string(::getpid()))) {
        fs::remove_all(path_);
        fs::create_directories(path_);
    }
    ~TempFolder() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    fs::path operator/(const std::string& name) const { return path_ / name; }

private:
    fs::path path_;
};

TEST(HostileSpecialFiles, FifoAsTheFileOrRawPathIsRefusedAtOnce) {
    const TempFolder folder("fifo");
    const std::string fifo = (folder / "pipe.npy").string();
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    const LoadError main = load_error([&] { read_all(fifo); });
    EXPECT_EQ(main.file(), fifo);
    EXPECT_EQ(main.problem(), "not a regular file: a FIFO (named pipe)");
    const LoadError raw = load_error([&] { read_all("raw:" + fifo + "?dtype=float32"); });
    EXPECT_EQ(raw.file(), fifo);
    EXPECT_EQ(raw.problem(), "not a regular file: a FIFO (named pipe)");
}

TEST(HostileSpecialFiles, DeviceIsRefusedBeforeAnyRead) {
    for (const std::string device : {"/dev/zero", "/dev/null", "/dev/urandom"}) {
        if (!fs::exists(device)) {
            continue;
        }
        const LoadError error = load_error([&] { read_all(device); });
        EXPECT_EQ(error.file(), device);
        EXPECT_EQ(error.problem(), "not a regular file: a device");
    }
}

// model.onnx's tensor w_ext reads onnx_external.bin from the model's folder: put something
// that is not a regular file there.
LoadError external_error(const TempFolder& folder) {
    const std::string model = (folder / "model.onnx").string();
    return load_error([&] { (void)open_source(model)->read("w_ext"); });
}

TEST(HostileSpecialFiles, ExternalDataThatIsAFifoOrAFolderNamesTheModelAndTheEntry) {
    const TempFolder folder("external");
    fs::copy_file(test::fixture("model.onnx"), folder / "model.onnx");
    ASSERT_EQ(::mkfifo((folder / "onnx_external.bin").c_str(), 0600), 0);
    LoadError error = external_error(folder);
    EXPECT_EQ(error.file(), (folder / "model.onnx").string());
    EXPECT_NE(error.offset(), 0U);
    EXPECT_EQ(error.problem(),
              "tensor 'w_ext': external data 'onnx_external.bin': not a regular file: a FIFO "
              "(named pipe)");
    fs::remove(folder / "onnx_external.bin");
    fs::create_directory(folder / "onnx_external.bin");
    error = external_error(folder);
    EXPECT_EQ(error.file(), (folder / "model.onnx").string());
    EXPECT_EQ(error.problem(),
              "tensor 'w_ext': external data 'onnx_external.bin': not a regular file: a folder");
}

using test::field;
// An empty float32 TensorProto: dims [0].
std::string empty_tensor(const std::string& name) {
    return field(1, 0) + field(2, 1) + (name.empty() ? "" : field(8, name));
}
std::string model(const std::string& graph) {
    return test::onnx_model(graph);
}

// A file that spends 6 bytes on each of a million empty tensors must not cost hundreds of bytes
// per tensor to list (it cost about 300 at its peak).
TEST(HostileScale, ManyEmptyInitializersCostUnder240BytesEachToList) {
    if (kSanitized) {
        GTEST_SKIP() << "sanitizers change what an allocation costs";
    }
    constexpr std::size_t kCount = 200'000;
    std::string graph;
    for (std::size_t i = 0; i < kCount; ++i) {
        graph += field(5, empty_tensor(""));
    }
    std::vector<std::byte> bytes = bytes_of(model(graph));
    graph = {};
    ::malloc_trim(0);  // what earlier tests freed must not hide what listing takes
    if (!reset_peak_resident()) {
        GTEST_SKIP() << "cannot reset VmHWM through /proc/self/clear_refs";
    }
    const long before_kb = status_kb("VmRSS");
    const auto source = open_source_bytes("many.onnx", std::move(bytes));
    const long peak_kb = status_kb("VmHWM");
    ASSERT_EQ(source->tensors().size(), kCount);
    EXPECT_EQ(source->tensors().back().name, "tensor_199999");
    const double per_tensor = static_cast<double>(peak_kb - before_kb) * 1024.0 / kCount;
    // A TensorInfo (104 bytes), its one-dimension shape (a 32-byte heap block), the loader's
    // 32-byte record and a few bytes of name index and note id.
    EXPECT_LT(per_tensor, 240.0) << "peak growth " << (peak_kb - before_kb) << " kB for " << kCount
                                 << " tensors";
}

TEST(HostileScale, FortyThousandInitializersSharingOneNameLoadInLinearTime) {
    constexpr int kCount = 40'000;
    std::string graph;
    for (int i = 0; i < kCount; ++i) {
        graph += field(5, empty_tensor("w"));
    }
    std::unique_ptr<Source> source;
    finishes_in_time([&] { source = open_source_bytes("same.onnx", bytes_of(model(graph))); });
    ASSERT_EQ(source->tensors().size(), static_cast<std::size_t>(kCount));
    EXPECT_EQ(source->tensors()[0].name, "w");
    EXPECT_EQ(source->tensors()[1].name, "w #2");
    EXPECT_EQ(source->tensors()[kCount - 1].name, "w #" + std::to_string(kCount));
}

TEST(HostileScale, ConstantNodesWithDuplicateOutputsLoadInLinearTime) {
    constexpr int kCount = 40'000;
    std::string graph;
    for (int i = 0; i < kCount; ++i) {
        const std::string attribute = field(1, std::string("value")) + field(5, empty_tensor(""));
        graph += field(1, field(2, std::string("c")) + field(4, std::string("Constant")) +
                              field(5, attribute));
    }
    std::unique_ptr<Source> source;
    finishes_in_time([&] { source = open_source_bytes("const.onnx", bytes_of(model(graph))); });
    ASSERT_EQ(source->tensors().size(), static_cast<std::size_t>(kCount));
    EXPECT_EQ(source->tensors()[kCount - 1].name, "c #" + std::to_string(kCount));
}

TEST(HostileScale, RepeatedNamesNeverCollideWithNamesTheFileGives) {
    std::string graph;
    for (const char* name : {"w", "w #2", "w", "w", "w #3"}) {
        graph += field(5, empty_tensor(name));
    }
    const auto source = open_source_bytes("mixed.onnx", bytes_of(model(graph)));
    std::vector<std::string> names;
    for (const auto& info : source->tensors()) {
        names.push_back(info.name);
    }
    EXPECT_EQ(names, (std::vector<std::string>{"w", "w #2", "w #3", "w #4", "w #3 #2"}));
}

TEST(HostileScale, ALongNodeNameIsNotCopiedIntoEveryNote) {
    // 2,000 tensors in the subgraph of a node named with 1 MB: each note names the node in at
    // most a few hundred bytes (copied whole, the notes would take 2 GB).
    constexpr int kCount = 2'000;
    std::string body;
    for (int i = 0; i < kCount; ++i) {
        body += field(5, empty_tensor("t" + std::to_string(i)));
    }
    const std::string attribute = field(1, std::string("then_branch")) + field(6, body);
    const std::string long_name(1 << 20, 'n');
    const std::string node =
        field(3, long_name) + field(4, std::string("If")) + field(5, attribute);
    const auto source = open_source_bytes("long.onnx", bytes_of(model(field(1, node))));
    ASSERT_EQ(source->tensors().size(), static_cast<std::size_t>(kCount));
    for (std::size_t i = 0; i < source->tensors().size(); ++i) {
        ASSERT_LT(source->note(i).size(), 400U);
    }
    EXPECT_NE(source->note(0).find("subgraph 'then_branch' of node nnnn"), std::string::npos);
    EXPECT_NE(source->note(0).find("n... (If)"), std::string::npos) << source->note(0);
}

TEST(HostileScale, DeeplyNestedLongNamesGiveBoundedNotesHeldOnce) {
    // 30 nested subgraphs, each of a node with a 4 KB name, around 1,000 tensors: each note
    // names where the tensor sits in at most about a kilobyte, and tensors of one subgraph
    // share their note.
    constexpr int kCount = 1'000;
    std::string graph;
    for (int i = 0; i < kCount; ++i) {
        graph += field(5, empty_tensor("t" + std::to_string(i)));
    }
    for (int depth = 0; depth < 30; ++depth) {
        const std::string attribute = field(1, std::string("body")) + field(6, graph);
        graph = field(1, field(3, std::string(4096, static_cast<char>('a' + depth % 26))) +
                             field(4, std::string("Loop")) + field(5, attribute));
    }
    const auto source = open_source_bytes("deep.onnx", bytes_of(model(graph)));
    ASSERT_EQ(source->tensors().size(), static_cast<std::size_t>(kCount));
    EXPECT_LT(source->note(0).size(), 1200U);
    EXPECT_EQ(source->note(0).rfind("initializer of subgraph 'body' of node ", 0), 0U);
    EXPECT_EQ(&source->note(0), &source->note(kCount - 1));
}

TEST(HostileScale, AConstantWithASecondTensorValueIsRefused) {
    const std::string attribute =
        field(1, std::string("value")) + field(5, empty_tensor("")) + field(5, empty_tensor(""));
    const std::string graph = field(
        1, field(2, std::string("c")) + field(4, std::string("Constant")) + field(5, attribute));
    try {
        (void)open_source_bytes("two.onnx", bytes_of(model(graph)));
        FAIL() << "accepted a Constant with two values";
    } catch (const LoadError& error) {
        EXPECT_EQ(error.problem(),
                  "Constant node c (Constant) has a second tensor value (a "
                  "Constant holds one)");
    }
}

TEST(HostileScale, HugeJsonArrayInASafetensorsHeaderIsRefusedWhileParsing) {
    // 2 MB of "0," would be 1,000,000 JsonValues (about 100 MB) if parsed before checking.
    std::string shape;
    for (int i = 0; i < 1'000'000; ++i) {
        shape += i == 0 ? "0" : ",0";
    }
    const std::string header =
        R"({"a":{"dtype":"F32","shape":[)" + shape + R"(],"data_offsets":[0,0]}})";
    std::string file(8, '\0');
    for (int b = 0; b < 8; ++b) {
        file[static_cast<std::size_t>(b)] = static_cast<char>((header.size() >> (8 * b)) & 0xFF);
    }
    file += header;
    try {
        (void)open_source_bytes("big.safetensors", bytes_of(file));
        FAIL() << "accepted a shape of a million dimensions";
    } catch (const LoadError& error) {
        // The 65th item of the shape array: 8 + 29 + 64 * 2.
        EXPECT_EQ(error.offset(), 8U + 29U + 128U);
        EXPECT_EQ(error.problem(),
                  "an array of more than 64 items, more than this header can hold");
    }
}

}  // namespace
}  // namespace quantscope
