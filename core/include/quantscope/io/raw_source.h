#pragma once
// Headerless binary files: the user says what the bytes are.
//   spec  raw:PATH?dtype=int16&shape=3,4&offset=128&endian=big
//   dtype    any name TensorInfo uses for a decodable type: bool int8 uint8 int16 uint16 int32
//            uint32 int64 uint64 float16 bfloat16 float32 float64 float8_e4m3 float8_e5m2
//            float8_e4m3fnuz float8_e5m2fnuz float8_e8m0 float6_e2m3 float6_e3m2 float4_e2m1
//            int4 uint4 q8_0 q4_0 (required)
//   shape    comma-separated dimensions; omitted: one dimension, as many elements as the bytes
//            after `offset` hold
//   offset   bytes to skip at the start (default 0)
//   endian   little (default) or big
// The bytes after `offset` must be exactly what dtype x shape needs: a mismatch usually means a
// wrong dtype or shape, so it is reported rather than guessed around. The last '?' in the spec
// starts the options, so a path may itself contain '?'.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "quantscope/common/tensor.h"
#include "quantscope/io/source.h"

namespace quantscope {

struct RawOptions {
    std::string path;
    std::string dtype;
    std::optional<Shape> shape;  // nullopt: 1-D, inferred from the file size
    std::uint64_t offset = 0;
    bool big_endian = false;
};

// Parses "PATH?key=value&..." (without the "raw:" prefix). UsageError on a bad spec.
RawOptions parse_raw_spec(std::string_view spec);

std::unique_ptr<Source> open_raw(const RawOptions& options, const SourceOptions& source = {});

}  // namespace quantscope
