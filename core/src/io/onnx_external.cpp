#include "onnx_external.h"

#include <algorithm>
#include <charconv>
#include <filesystem>

#include "quantscope/io/load_error.h"

namespace quantscope::onnx {

ExternalData parse_external_data(const FileData& model, const ParsedTensor& parsed,
                                 const TensorInfo& info, bool sized, std::uint64_t at) {
    const auto location = parsed.external_data.find("location");
    if (location == parsed.external_data.end() || location->second.first.empty()) {
        throw LoadError(model.name(), at,
                        "tensor '" + parsed.name + "': external data without a location");
    }
    const std::string& path = location->second.first;
    const std::filesystem::path relative(path);
    bool escapes = relative.is_absolute() || path.find('\0') != std::string::npos;
    for (const auto& part : relative) {
        escapes = escapes || part == "..";
    }
    if (escapes) {
        throw LoadError(model.name(), location->second.second,
                        "tensor '" + parsed.name + "': external data path '" + path +
                            "' leaves the model folder");
    }
    const auto number = [&](const char* key, std::uint64_t fallback) -> std::uint64_t {
        const auto found = parsed.external_data.find(key);
        if (found == parsed.external_data.end()) {
            return fallback;
        }
        std::uint64_t value = 0;
        const std::string& text = found->second.first;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
            throw LoadError(model.name(), found->second.second,
                            "tensor '" + parsed.name + "': external data " + key + " '" + text +
                                "' is not a number");
        }
        return value;
    };
    ExternalData data{path, number("offset", 0),
                      number("length", static_cast<std::uint64_t>(info.bytes))};
    if (sized && data.length != static_cast<std::uint64_t>(info.bytes)) {
        throw LoadError(model.name(), at,
                        "tensor '" + parsed.name + "': external data length " +
                            std::to_string(data.length) + " but shape " +
                            shape_to_string(info.shape) + " of " + info.dtype + " needs " +
                            std::to_string(info.bytes));
    }
    return data;
}

std::shared_ptr<const FileData> open_external_data(const FileData& model, const ExternalData& data,
                                                   const std::string& tensor_name,
                                                   std::uint64_t message_begin, bool memory_map) {
    namespace fs = std::filesystem;
    const fs::path model_path(model.name());
    const fs::path folder = model_path.has_parent_path() ? model_path.parent_path() : fs::path(".");
    std::error_code error;
    const fs::path root = fs::weakly_canonical(folder, error);
    const fs::path target = fs::weakly_canonical(folder / data.location, error);
    // A symlink may still point outside: compare the resolved paths.
    const auto [root_end, unused] =
        std::mismatch(root.begin(), root.end(), target.begin(), target.end());
    (void)unused;
    if (error || root_end != root.end()) {
        throw LoadError(model.name(), message_begin,
                        "tensor '" + tensor_name + "': external data '" + data.location +
                            "' resolves outside the model folder");
    }
    // Problems with the external file are the model's: name it, the tensor and the entry.
    try {
        auto external = FileData::open(target.string(), memory_map);
        external->check_range(data.offset, data.length, "external tensor data");
        return external;
    } catch (const LoadError& failure) {
        throw LoadError(model.name(), message_begin,
                        "tensor '" + tensor_name + "': external data '" + data.location +
                            "': " + failure.problem());
    }
}

}  // namespace quantscope::onnx
