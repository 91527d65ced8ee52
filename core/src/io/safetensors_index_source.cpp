// Sharded safetensors: model.safetensors.index.json (Hugging Face transformers' format) and the
// shards it names, opened as one model. The index is JSON:
//   {"metadata": {"total_size": N, ...}, "weight_map": {"TENSOR": "SHARD FILE", ...}}
// with shard files named relative to the index's folder. Tensors are listed shard by shard, the
// shards in name order (model-00001-of-00003 first), each shard's tensors in its own order.
// Every tensor the weight map names must be in its shard; a shard that is missing is an error
// at the weight map entry that names it.
#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "json.h"
#include "loaders.h"
#include "quantscope/io/load_error.h"

namespace quantscope {

extern const Loader safetensors_loader;

namespace {

// An index lists one line per tensor: a few MB for the largest models.
constexpr std::uint64_t kMaxIndex = 100'000'000;

std::string folder_of(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

// A shard is a plain file name, or a path below the index's folder.
bool safe_shard_name(const std::string& name) {
    if (name.empty() || name.front() == '/') {
        return false;
    }
    std::size_t start = 0;
    while (start <= name.size()) {
        const std::size_t slash = name.find('/', start);
        const std::size_t end = slash == std::string::npos ? name.size() : slash;
        if (name.compare(start, end - start, "..") == 0 || end == start) {
            return false;
        }
        if (slash == std::string::npos) {
            break;
        }
        start = slash + 1;
    }
    return true;
}

class SafetensorsIndexSource final : public Source {
public:
    SafetensorsIndexSource(const FilePtr& index, const SourceOptions& options)
        : Source(index->name(), "safetensors-index") {
        const std::string& name = index->name();
        if (index->size() > kMaxIndex) {
            throw LoadError(
                name, 0,
                "index of " + std::to_string(index->size()) + " bytes exceeds the 100 MB limit");
        }
        std::string text(static_cast<std::size_t>(index->size()), '\0');
        index->read(0, std::as_writable_bytes(std::span<char>(text)));
        const JsonValue root = parse_json(text, name, 0);
        if (root.kind != JsonValue::Kind::Object) {
            throw LoadError(name, root.offset, "the index is not a JSON object");
        }
        if (const JsonValue* metadata = root.find("metadata");
            metadata != nullptr && metadata->kind == JsonValue::Kind::Object) {
            for (const JsonMember& member : metadata->members) {
                if (member.value.kind == JsonValue::Kind::String ||
                    member.value.kind == JsonValue::Kind::Number) {
                    add_metadata(member.key, member.value.text);
                }
            }
        }
        const JsonValue* map = root.find("weight_map");
        if (map == nullptr || map->kind != JsonValue::Kind::Object) {
            throw LoadError(
                name, root.offset,
                map == nullptr ? "the index has no weight_map" : "weight_map is not an object");
        }
        if (map->members.empty()) {
            throw LoadError(name, map->offset, "weight_map names no tensor");
        }
        // Each shard once, in name order, with the entry that first names it (for messages).
        std::map<std::string, const JsonMember*> shard_names;
        for (const JsonMember& member : map->members) {
            if (member.value.kind != JsonValue::Kind::String) {
                throw LoadError(name, member.value.offset,
                                "weight_map entry \"" + member.key + "\" is not a file name");
            }
            if (!safe_shard_name(member.value.text)) {
                throw LoadError(name, member.value.offset,
                                "weight_map entry \"" + member.key + "\": shard \"" +
                                    member.value.text +
                                    "\" is not a file below the index's folder");
            }
            shard_names.emplace(member.value.text, &member);
        }
        const std::string folder = folder_of(name);
        std::map<std::string, std::size_t> shard_of;  // shard file -> index into shards_
        for (const auto& [shard, first] : shard_names) {
            const std::string path = folder + shard;
            struct stat status {};
            if (::stat(path.c_str(), &status) != 0) {
                throw LoadError(name, first->value.offset,
                                "missing shard \"" + shard + "\" (named for tensor \"" +
                                    first->key + "\"): " + path + " does not exist");
            }
            FilePtr file = FileData::open(path, options.memory_map);
            shard_of[shard] = shards_.size();
            shards_.push_back(safetensors_loader.open(std::move(file), options));
        }
        for (const JsonMember& member : map->members) {
            const Source& shard = *shards_[shard_of[member.value.text]];
            if (!shard.find(member.key)) {
                throw LoadError(name, member.value.offset,
                                "weight_map puts tensor \"" + member.key + "\" in shard \"" +
                                    member.value.text + "\", which has no such tensor");
            }
        }
        for (std::size_t s = 0; s < shards_.size(); ++s) {
            const Source& shard = *shards_[s];
            reserve_tensors(shard.tensors().size());
            for (std::size_t t = 0; t < shard.tensors().size(); ++t) {
                add_tensor(shard.tensors()[t], shard.note(t), shard.readable(t));
                parts_.push_back({s, t});
            }
        }
    }

protected:
    FloatBuffer read_values(std::size_t index) const override {
        const Part& part = parts_[index];
        return shards_[part.shard]->read(part.tensor).values;
    }

    FloatBuffer read_sample(std::size_t index, std::int64_t stride,
                            const std::function<void(double)>& progress) const override {
        const Part& part = parts_[index];
        return shards_[part.shard]->read(part.tensor, ReadOptions{stride, progress}).values;
    }

private:
    struct Part {
        std::size_t shard;
        std::size_t tensor;
    };
    std::vector<std::unique_ptr<Source>> shards_;
    std::vector<Part> parts_;
};

std::unique_ptr<Source> open_index(FilePtr file, const SourceOptions& options) {
    return std::make_unique<SafetensorsIndexSource>(file, options);
}

constexpr std::string_view kIndexExtensions[] = {"safetensors.index.json"};

}  // namespace

extern constinit const Loader safetensors_index_loader{
    {"safetensors-index", kIndexExtensions,
     "sharded safetensors: the index and its shards, or their folder"},
    nullptr,
    open_index};

}  // namespace quantscope
