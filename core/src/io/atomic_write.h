#pragma once
// Writing a file so that readers see the old file or the whole new one, never a part: the
// bytes go to a temporary file in the destination folder, which is flushed and then renamed
// over the path. Shared by the writers (.npy, GGUF).

#include <cstddef>
#include <initializer_list>
#include <span>
#include <string>

namespace quantscope {

// Writes the parts one after the other as the file `path` (mode 0644). Error naming the path
// when it cannot be written; the temporary file is removed then.
void write_atomically(const std::string& path,
                      std::initializer_list<std::span<const std::byte>> parts);

}  // namespace quantscope
