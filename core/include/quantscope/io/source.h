#pragma once
// Data sources: a file or a generator that lists its tensors (name, dtype, shape, element
// count, bytes) without reading values, and reads one tensor at a time as float32 while
// remembering the dtype it was stored in. Model files are memory-mapped where the format allows,
// so listing a multi-GB file reads only its header.
//
// open_source understands:
//   gen:SPEC                      a generated tensor, SPEC as in generators.h
//                                 (e.g. gen:gaussian:n=1000,seed=1; sine reports a sample rate)
//   raw:PATH?dtype=D&shape=A,B&offset=N&endian=little|big
//                                 headerless binary; see raw_source.h
//   PATH                          a file, recognised by its magic bytes, else by its extension,
//                                 by one of the loaders file_loaders() lists
//                                 (loader_registry.h): .npy .npz .gguf .wav .safetensors
//                                 .onnx .csv/.tsv/.txt
//
// Values: integers and floats are converted to float32 as they are (an int8 weight of -3
// becomes -3.0), except WAV samples, which are scaled to [-1, 1) the usual way (int16 / 32768,
// uint8 (x - 128) / 128, ...). Shapes are row-major: GGUF's ne[0]-first dims are reversed and
// Fortran-order .npy arrays are transposed on read. A multi-channel WAV is [frames, channels].
//
// Every problem with a file's content is a LoadError (load_error.h) naming the file, the byte
// offset and the problem; a bad request (an unknown tensor name, a bad raw: spec) is a UsageError.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quantscope/common/tensor.h"

namespace quantscope {

struct SourceOptions {
    // false reads through pread instead of mmap (slower; for file systems that cannot map, and
    // for tests that compare both paths).
    bool memory_map = true;
};

// How Source::read(index, options) reads a tensor. Cancel: the caller's CancelScope (cancel.h).
struct ReadOptions {
    // 1: the whole tensor, in its shape. k > 1: a strided sample, elements 0, k, 2k, ... in
    // row-major order (ceil(count / k) values), as a 1-D tensor; read straight from the file
    // where the format allows, so that memory holds the sample and a bounded buffer, never the
    // whole tensor (docs/design.md, "Strided samples", says which formats do what).
    std::int64_t stride = 1;
    // Called on the reading thread with the fraction read so far (0 to 1); may be empty.
    std::function<void(double)> progress;
};

class Source {
public:
    virtual ~Source();
    Source(const Source&) = delete;
    Source& operator=(const Source&) = delete;

    // The path (or spec) the source was opened from.
    const std::string& path() const { return path_; }
    // A loader's name (file_loaders() in loader_registry.h), "raw" or "generator".
    const std::string& format_name() const { return format_name_; }
    const std::vector<TensorInfo>& tensors() const { return tensors_; }
    // Anything a table should say next to a tensor: where external data lives, why it cannot be
    // read ("unsupported dtype ..."). Empty when there is nothing to say.
    const std::string& note(std::size_t index) const;
    // False for tensors that are listed only (unsupported dtypes); read() throws for them.
    bool readable(std::size_t index) const;
    // Index of the first tensor with this name.
    std::optional<std::size_t> find(std::string_view name) const;

    // Reads one tensor's values as float32. LoadError on bad data or an unsupported dtype;
    // UsageError on an index out of range or an unknown name.
    Tensor read(std::size_t index) const;
    Tensor read(std::string_view name) const;
    // Reads one tensor, or a strided sample of it (ReadOptions). The sample keeps the tensor's
    // name and dtype; its shape is [ceil(count / k)], its bytes the stored bytes of those values.
    // The same LoadError as read() on bad data; UsageError for a stride below 1.
    Tensor read(std::size_t index, const ReadOptions& options) const;

    // Key-value pairs the file carries (safetensors __metadata__, GGUF keys, ONNX producer,
    // WAV format, ...), in file order.
    const std::vector<std::pair<std::string, std::string>>& metadata() const { return metadata_; }
    // Samples per second for audio and sine generators, 0 otherwise.
    double sample_rate() const { return sample_rate_; }

protected:
    Source(std::string path, std::string format_name);
    // The loader's part of read(): exactly info.count values, row-major.
    virtual FloatBuffer read_values(std::size_t index) const = 0;
    // The loader's part of a strided read (stride > 1): exactly ceil(count / stride) values,
    // reading no more of the tensor at once than a bounded window.
    virtual FloatBuffer read_sample(std::size_t index, std::int64_t stride,
                                    const std::function<void(double)>& progress) const = 0;

    void add_tensor(TensorInfo info, std::string note = {}, bool readable = true);
    // Room for `more` tensors beyond those listed, for a loader that knows how many follow:
    // growing a list of a million tensors one at a time holds it twice while it moves.
    void reserve_tensors(std::size_t more);
    void add_metadata(std::string key, std::string value);
    void set_sample_rate(double rate) { sample_rate_ = rate; }

private:
    std::string path_;
    std::string format_name_;
    std::vector<TensorInfo> tensors_;
    // Per tensor, 4 bytes and a bit: a file may list a million tensors. note_ids_[i] is 0 for
    // no note, else 1 + an index into notes_, where consecutive tensors with the same note (the
    // tensors of one subgraph) share one copy.
    std::vector<std::uint32_t> note_ids_;
    std::vector<std::string> notes_;
    std::vector<bool> readable_;
    std::vector<std::pair<std::string, std::string>> metadata_;
    double sample_rate_ = 0;
};

// Opens a file or spec as described at the top of this header. Throws LoadError for a file
// that cannot be opened, is not recognised, or is broken; UsageError for a bad gen:/raw: spec.
std::unique_ptr<Source> open_source(const std::string& path_or_spec,
                                    const SourceOptions& options = {});

// Opens bytes already in memory. `format` is a loader's name (file_loaders() in
// loader_registry.h), or empty to detect it from the magic bytes and then from `name`'s
// extension. `name` appears in messages; for ONNX its folder is where
// external data is looked for.
std::unique_ptr<Source> open_source_bytes(std::string name, std::vector<std::byte> bytes,
                                          std::string_view format = {});

}  // namespace quantscope
