#include "quantscope/io/source.h"

#include <sys/stat.h>

#include <limits>

#include "file_data.h"
#include "loaders.h"
#include "quantscope/common/error.h"
#include "quantscope/io/load_error.h"
#include "quantscope/io/raw_source.h"
#include "strided_read.h"

namespace quantscope {
namespace {

std::unique_ptr<Source> open_file(FilePtr file, std::string_view format,
                                  const SourceOptions& options) {
    const Loader& loader = loader_for(*file, format);
    return loader.open(std::move(file), options);
}

}  // namespace

Source::Source(std::string path, std::string format_name)
    : path_(std::move(path)), format_name_(std::move(format_name)) {}

Source::~Source() = default;

const std::string& Source::note(std::size_t index) const {
    if (index >= note_ids_.size()) {
        throw UsageError("tensor index " + std::to_string(index) + " out of range (" + path_ +
                         " has " + std::to_string(tensors_.size()) + " tensors)");
    }
    static const std::string kNone;
    const std::uint32_t id = note_ids_[index];
    return id == 0 ? kNone : notes_[id - 1];
}

bool Source::readable(std::size_t index) const {
    (void)note(index);  // range check
    return readable_[index];
}

std::optional<std::size_t> Source::find(std::string_view name) const {
    for (std::size_t i = 0; i < tensors_.size(); ++i) {
        if (tensors_[i].name == name) {
            return i;
        }
    }
    return std::nullopt;
}

Tensor Source::read(std::size_t index) const {
    (void)note(index);  // range check
    Tensor tensor{tensors_[index], read_values(index)};
    if (tensor.values.size() != static_cast<std::size_t>(tensor.info.count)) {
        throw Error("internal: " + path_ + ": tensor '" + tensor.info.name + "' read " +
                    std::to_string(tensor.values.size()) + " values, expected " +
                    std::to_string(tensor.info.count));
    }
    return tensor;
}

Tensor Source::read(std::size_t index, const ReadOptions& options) const {
    if (options.stride < 1) {
        throw UsageError("sample stride " + std::to_string(options.stride) +
                         " is not a positive integer");
    }
    if (options.stride == 1) {
        Tensor tensor = read(index);
        if (options.progress) {
            options.progress(1.0);
        }
        return tensor;
    }
    (void)note(index);  // range check
    const TensorInfo& info = tensors_[index];
    const auto samples = static_cast<std::int64_t>(sample_count(info.count, options.stride));
    Tensor tensor{info, read_sample(index, options.stride, options.progress)};
    if (tensor.values.size() != static_cast<std::size_t>(samples)) {
        throw Error("internal: " + path_ + ": tensor '" + info.name + "' sampled " +
                    std::to_string(tensor.values.size()) + " values, expected " +
                    std::to_string(samples));
    }
    tensor.info.shape = {samples};
    tensor.info.count = samples;
    tensor.info.bytes = info.count == 0
                            ? 0
                            : static_cast<std::int64_t>(static_cast<double>(info.bytes) *
                                                        static_cast<double>(samples) /
                                                        static_cast<double>(info.count));
    if (options.progress) {
        options.progress(1.0);
    }
    return tensor;
}

Tensor Source::read(std::string_view name) const {
    const auto index = find(name);
    if (!index) {
        throw UsageError("no tensor named '" + std::string(name) + "' in " + path_);
    }
    return read(*index);
}

void Source::add_tensor(TensorInfo info, std::string note, bool readable) {
    std::uint32_t id = 0;
    if (!note.empty()) {
        if (notes_.empty() || notes_.back() != note) {
            if (notes_.size() >= std::numeric_limits<std::uint32_t>::max() - 1) {
                throw Error("internal: " + path_ + ": more distinct notes than 32 bits count");
            }
            notes_.push_back(std::move(note));
        }
        id = static_cast<std::uint32_t>(notes_.size());
    }
    tensors_.push_back(std::move(info));
    note_ids_.push_back(id);
    readable_.push_back(readable);
}

void Source::reserve_tensors(std::size_t more) {
    tensors_.reserve(tensors_.size() + more);
    note_ids_.reserve(note_ids_.size() + more);
    readable_.reserve(readable_.size() + more);
}

void Source::add_metadata(std::string key, std::string value) {
    metadata_.emplace_back(std::move(key), std::move(value));
}

std::string file_stem(std::string_view path) {
    const auto slash = path.find_last_of('/');
    std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
    const auto dot = base.find_last_of('.');
    if (dot != std::string_view::npos && dot > 0) {
        base = base.substr(0, dot);
    }
    return std::string(base);
}

std::unique_ptr<Source> open_source(const std::string& path_or_spec, const SourceOptions& options) {
    const std::string_view spec = path_or_spec;
    if (spec.starts_with("gen:")) {
        return open_generator(spec.substr(4));
    }
    if (spec.starts_with("raw:")) {
        return open_raw(parse_raw_spec(spec.substr(4)), options);
    }
    if (struct stat status{};
        ::stat(path_or_spec.c_str(), &status) == 0 && S_ISDIR(status.st_mode)) {
        // A folder is a sharded safetensors model when its index is there.
        const std::string index =
            path_or_spec + (spec.ends_with('/') ? "" : "/") + "model.safetensors.index.json";
        if (::stat(index.c_str(), &status) != 0) {
            throw LoadError(path_or_spec, 0,
                            "a folder, and no model.safetensors.index.json in it (a folder opens "
                            "as a sharded safetensors model through its index)");
        }
        return open_file(FileData::open(index, options.memory_map), "safetensors-index", options);
    }
    // By name first: its JSON could look like a safetensors header to the magic-byte check.
    const std::string_view format =
        spec.ends_with(".safetensors.index.json") ? "safetensors-index" : "";
    return open_file(FileData::open(path_or_spec, options.memory_map), format, options);
}

std::unique_ptr<Source> open_source_bytes(std::string name, std::vector<std::byte> bytes,
                                          std::string_view format) {
    return open_file(FileData::from_bytes(std::move(name), std::move(bytes)), format, {});
}

}  // namespace quantscope
