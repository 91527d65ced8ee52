#pragma once
// Entry points of the individual loaders, for open_source's dispatch (source.cpp). Each takes
// the whole file; each validates everything it lists before returning.

#include <memory>
#include <string>
#include <string_view>

#include "file_data.h"
#include "quantscope/io/source.h"

namespace quantscope {

using FilePtr = std::shared_ptr<const FileData>;

std::unique_ptr<Source> open_npy(FilePtr file);
std::unique_ptr<Source> open_npz(FilePtr file);
std::unique_ptr<Source> open_safetensors(FilePtr file);
// External data is looked for next to the model (the folder of file->name()), and only there.
std::unique_ptr<Source> open_onnx(FilePtr file, bool memory_map);
std::unique_ptr<Source> open_gguf(FilePtr file);
std::unique_ptr<Source> open_wav(FilePtr file);
std::unique_ptr<Source> open_text(FilePtr file);
std::unique_ptr<Source> open_generator(std::string_view spec);

// The part of a path after its last '/', and that without its extension.
std::string file_stem(std::string_view path);

}  // namespace quantscope
