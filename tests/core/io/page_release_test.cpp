// A model read tensor by tensor (the overview's way) keeps resident the tensor in flight, not
// every page of the file it has read: each loader's whole read gives the mapped pages it copied
// from back (FileData::release). Measured as the resident pages of file mappings (RssFile),
// which only those pages move: no allocation counts there, so the bound holds under sanitizers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "io_test_support.h"
#include "quantscope/io/gguf_writer.h"
#include "quantscope/io/source.h"

namespace quantscope {
// Not anonymous: the suite compiles in unity batches with other files' helpers.
namespace page_release_test {

using test::append;
using test::append_le;
using test::npy_bytes;
using test::status_kb;
using test::TempFolder;
using test::write_file;

constexpr std::size_t kTensors = 4;
constexpr std::size_t kValues = std::size_t{2} << 20;  // 8 MiB of float32 per tensor
// Half a tensor's pages. The kernel maps a file's page cache in folios of up to 2 MiB, so the
// pages a read maps can reach past its tensor into the next, which the read does not release:
// a bounded overhang, where pages left in place grow by a tensor at each read.
constexpr long kSlackKb = 4096;

std::vector<float> values_of(std::size_t tensor) {
    std::vector<float> values(kValues);
    for (std::size_t i = 0; i < kValues; ++i) {
        values[i] = static_cast<float>((i * 7 + tensor) % 1001) * 0.001f - 0.5f;
    }
    return values;
}

std::vector<std::byte> bytes_of_values(const std::vector<float>& values) {
    std::vector<std::byte> bytes(values.size() * sizeof(float));
    std::memcpy(bytes.data(), values.data(), bytes.size());
    return bytes;
}

// How far the resident pages of file mappings grow while every tensor of `spec` is read, one
// after the other, in kB. A first source reads them all beforehand, so that the code and
// buffers the reads need for the first time are already there.
long mapped_growth_kb(const std::string& spec) {
    const auto warm = open_source(spec);
    for (std::size_t i = 0; i < warm->tensors().size(); ++i) {
        (void)warm->read(i);
    }
    const auto source = open_source(spec);
    const long before = status_kb("RssFile");
    long peak = before;
    for (std::size_t i = 0; i < source->tensors().size(); ++i) {
        const Tensor tensor = source->read(i);
        EXPECT_EQ(tensor.values.size(), static_cast<std::size_t>(tensor.info.count));
        peak = std::max(peak, status_kb("RssFile"));
    }
    return peak - before;
}

TEST(PageRelease, EveryLoadersWholeReadGivesItsMappedPagesBack) {
    if (status_kb("RssFile") < 0) {
        GTEST_SKIP() << "the kernel does not report RssFile";
    }
    const TempFolder folder;
    std::vector<GgufTensor> gguf;
    std::vector<std::pair<std::string, std::vector<std::byte>>> members;
    std::vector<std::pair<std::string, std::vector<float>>> initializers;
    for (std::size_t t = 0; t < kTensors; ++t) {
        const std::vector<float> values = values_of(t);
        initializers.emplace_back("w" + std::to_string(t), values);
        gguf.push_back(gguf_f32_tensor("blk." + std::to_string(t) + ".weight",
                                       {static_cast<std::int64_t>(kValues)}, values));
        members.emplace_back(
            "w" + std::to_string(t) + ".npy",
            npy_bytes("<f4", false, "(" + std::to_string(kValues) + ",)", bytes_of_values(values)));
    }
    write_gguf(folder.file("model.gguf"), gguf);
    write_file(folder.file("stored.npz"), test::zip_bytes(members, false));
    write_file(folder.file("deflated.npz"), test::zip_bytes(members, true));
    write_file(folder.file("raw.onnx"), test::onnx_float_model(initializers, false));
    write_file(folder.file("typed.onnx"), test::onnx_float_model(initializers, true));
    // The single-tensor formats: one tensor's pages.
    const auto one = bytes_of_values(values_of(0));
    write_file(folder.file("one.npy"),
               npy_bytes("<f4", false, "(" + std::to_string(kValues) + ",)", one));
    write_file(folder.file("one.bin"), one);
    std::vector<std::byte> wav;
    append(wav, "RIFF");
    append_le<std::uint32_t>(wav, static_cast<std::uint32_t>(36 + one.size()));
    append(wav, "WAVEfmt ");
    append_le<std::uint32_t>(wav, 16);
    append_le<std::uint16_t>(wav, 3);  // IEEE float
    append_le<std::uint16_t>(wav, 1);  // mono
    append_le<std::uint32_t>(wav, 48000);
    append_le<std::uint32_t>(wav, 48000 * 4);
    append_le<std::uint16_t>(wav, 4);
    append_le<std::uint16_t>(wav, 32);
    append(wav, "data");
    append_le<std::uint32_t>(wav, static_cast<std::uint32_t>(one.size()));
    wav.insert(wav.end(), one.begin(), one.end());
    write_file(folder.file("one.wav"), wav);

    for (const std::string& spec :
         {folder.file("model.gguf"), folder.file("stored.npz"), folder.file("deflated.npz"),
          folder.file("raw.onnx"), folder.file("typed.onnx"), folder.file("one.npy"),
          folder.file("one.wav"),
          "raw:" + folder.file("one.bin") + "?dtype=float32&shape=" + std::to_string(kValues)}) {
        const long growth = mapped_growth_kb(spec);
        EXPECT_LT(growth, kSlackKb) << spec << ": each tensor maps " << kValues * 4 / 1024 << " kB";
    }
}

}  // namespace page_release_test
}  // namespace quantscope
