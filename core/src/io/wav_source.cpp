// WAV loader (RIFF WAVE: Microsoft "Multimedia Programming Interface and Data Specifications
// 1.0", and WAVEFORMATEXTENSIBLE from mmreg.h / ksmedia.h). The file is "RIFF" size "WAVE"
// and then chunks (id, u32 size, data padded to an even length); the "fmt " chunk gives the
// format tag (PCM 1, IEEE float 3, EXTENSIBLE 0xFFFE with the real tag in its sub-format GUID),
// channels, sample rate, block align and bits per sample; "data" holds interleaved frames. The
// chunks are walked, never assumed at fixed offsets, and no size may pass the end of the file.
// Samples are scaled to [-1, 1): unsigned 8-bit (x - 128) / 128, signed N-bit x / 2^(N-1).
#include <cstring>
#include <string>
#include <vector>

#include "byte_reader.h"
#include "loaders.h"
#include "quantscope/common/parallel.h"
#include "quantscope/io/load_error.h"
#include "strided_read.h"

namespace quantscope {
namespace {

constexpr std::uint16_t kPcm = 1;
constexpr std::uint16_t kFloat = 3;
constexpr std::uint16_t kExtensible = 0xFFFE;
// KSDATAFORMAT_SUBTYPE_* GUIDs: the format tag, then this fixed tail.
constexpr unsigned char kGuidTail[14] = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80,
                                         0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};

class WavSource final : public Source {
public:
    explicit WavSource(FilePtr file) : Source(file->name(), "wav"), file_(std::move(file)) {
        ByteReader reader(*file_);
        reader.need(12, "RIFF header");
        if (reader.string(4) != "RIFF") {
            reader.fail_at(0, "wrong magic: not a RIFF file");
        }
        const std::uint64_t riff_size = reader.u32();
        if (reader.string(4) != "WAVE") {
            reader.fail_at(8, "RIFF form type is not WAVE");
        }
        if (riff_size < 4 || riff_size > file_->size() - 8) {
            reader.fail_at(4, "RIFF size " + std::to_string(riff_size) +
                                  " disagrees with the file size (" +
                                  std::to_string(file_->size()) + " bytes)");
        }
        const std::uint64_t riff_end = 8 + riff_size;
        bool have_format = false;
        bool have_data = false;
        while (reader.offset() + 8 <= riff_end) {
            const std::uint64_t chunk_at = reader.offset();
            const std::string id = reader.string(4);
            const std::uint64_t size = reader.u32();
            if (size > riff_end - reader.offset()) {
                reader.fail_at(chunk_at + 4, "chunk '" + printable(id) + "' size " +
                                                 std::to_string(size) +
                                                 " passes the end of the file");
            }
            const std::uint64_t body = reader.offset();
            if (id == "fmt ") {
                if (have_format) {
                    reader.fail_at(chunk_at, "second 'fmt ' chunk");
                }
                read_format(reader, body, size);
                have_format = true;
            } else if (id == "data" && !have_data) {
                data_offset_ = body;
                data_bytes_ = size;
                have_data = true;
            }
            // Chunks are padded to even length; the last pad byte may be missing.
            const std::uint64_t next = body + size + (size % 2);
            reader.seek(std::min(next, riff_end));
        }
        if (!have_format) {
            reader.fail_at(12, "no 'fmt ' chunk");
        }
        if (!have_data) {
            reader.fail_at(12, "no 'data' chunk");
        }
        if (data_bytes_ % block_align_ != 0) {
            reader.fail_at(data_offset_ - 4, "data size " + std::to_string(data_bytes_) +
                                                 " is not a whole number of " +
                                                 std::to_string(block_align_) + "-byte frames");
        }
        const std::uint64_t frames = data_bytes_ / block_align_;
        TensorInfo info;
        info.name = file_stem(file_->name());
        info.dtype = dtype_label();
        info.shape = channels_ == 1 ? Shape{static_cast<std::int64_t>(frames)}
                                    : Shape{static_cast<std::int64_t>(frames), channels_};
        info.count = static_cast<std::int64_t>(frames) * channels_;
        info.bytes = static_cast<std::int64_t>(data_bytes_);
        add_tensor(std::move(info));
        set_sample_rate(sample_rate_);
        add_metadata("encoding", float_ ? "IEEE float" : "PCM");
        add_metadata("channels", std::to_string(channels_));
        add_metadata("sample_rate", std::to_string(sample_rate_));
        add_metadata("bits_per_sample", std::to_string(bits_));
        add_metadata("frames", std::to_string(frames));
        add_metadata("duration_s", std::to_string(static_cast<double>(frames) / sample_rate_));
    }

protected:
    FloatBuffer read_values(std::size_t) const override {
        const ReleaseOnExit release(*file_, data_offset_, data_bytes_);
        std::vector<std::byte> scratch;
        const auto bytes = file_->view(data_offset_, data_bytes_, scratch);
        const std::size_t bytes_per_sample = bits_ / 8;
        FloatBuffer values(bytes.size() / bytes_per_sample);
        if (values.empty()) {
            return values;  // no data: nothing to convert (and no pointers to hand to memcpy)
        }
        const std::byte* in = bytes.data();
        float* out = values.data();
        const unsigned bits = bits_;
        const bool is_float = float_;
        parallel_for(values.size(), 32, [&](std::size_t, std::size_t begin, std::size_t end) {
            convert(in, out, begin, end, bits, is_float);
        });
        return values;
    }

    FloatBuffer read_sample(std::size_t, std::int64_t stride,
                            const SampleProgress& progress) const override {
        const unsigned bits = bits_;
        const bool is_float = float_;
        const std::uint64_t width = bits / 8;
        PackedType samples{
            1, bits,
            [bits, is_float, width](std::span<const std::byte> bytes, std::uint64_t first,
                                    std::uint64_t step, std::span<float> out) {
                for (std::size_t j = 0; j < out.size(); ++j) {
                    convert(bytes.data() + (first + j * step) * width, out.data() + j, 0, 1, bits,
                            is_float);
                }
            }};
        return read_packed_sample(*file_, data_offset_, samples,
                                  static_cast<std::int64_t>(data_bytes_ / width), stride, progress);
    }

private:
    static std::string printable(const std::string& id) {
        std::string text;
        for (const char c : id) {
            text += (c >= 0x20 && c < 0x7F) ? c : '?';
        }
        return text;
    }

    static void convert(const std::byte* in, float* out, std::size_t begin, std::size_t end,
                        unsigned bits, bool is_float) {
        if (is_float && bits == 32) {
            std::memcpy(out + begin, in + 4 * begin, 4 * (end - begin));
        } else if (is_float) {
            for (std::size_t i = begin; i < end; ++i) {
                double value;
                std::memcpy(&value, in + 8 * i, 8);
                out[i] = static_cast<float>(value);
            }
        } else if (bits == 8) {
            for (std::size_t i = begin; i < end; ++i) {
                out[i] = static_cast<float>(static_cast<int>(in[i]) - 128) * (1.0f / 128);
            }
        } else if (bits == 16) {
            for (std::size_t i = begin; i < end; ++i) {
                std::int16_t value;
                std::memcpy(&value, in + 2 * i, 2);
                out[i] = static_cast<float>(value) * (1.0f / 32768);
            }
        } else if (bits == 24) {
            for (std::size_t i = begin; i < end; ++i) {
                const std::byte* p = in + 3 * i;
                // Place the 3 bytes in the top of an int32, then shift back with sign.
                const auto word =
                    static_cast<std::uint32_t>((static_cast<std::uint32_t>(p[0]) << 8) |
                                               (static_cast<std::uint32_t>(p[1]) << 16) |
                                               (static_cast<std::uint32_t>(p[2]) << 24));
                out[i] =
                    static_cast<float>(static_cast<std::int32_t>(word) >> 8) * (1.0f / 8388608);
            }
        } else {
            for (std::size_t i = begin; i < end; ++i) {
                std::int32_t value;
                std::memcpy(&value, in + 4 * i, 4);
                out[i] = static_cast<float>(static_cast<double>(value) * (1.0 / 2147483648.0));
            }
        }
    }

    std::string dtype_label() const {
        if (float_) {
            return bits_ == 32 ? "float32" : "float64";
        }
        return bits_ == 8 ? "uint8" : "int" + std::to_string(bits_);
    }

    void read_format(ByteReader& reader, std::uint64_t body, std::uint64_t size) {
        if (size < 16) {
            reader.fail_at(body - 4,
                           "'fmt ' chunk of " + std::to_string(size) + " bytes is shorter than 16");
        }
        std::uint16_t tag = reader.u16();
        channels_ = reader.u16();
        sample_rate_ = reader.u32();
        reader.skip(4);  // byte rate
        block_align_ = reader.u16();
        bits_ = reader.u16();
        if (tag == kExtensible) {
            if (size < 40) {
                reader.fail_at(body, "EXTENSIBLE 'fmt ' chunk of " + std::to_string(size) +
                                         " bytes is shorter than 40");
            }
            reader.skip(2 + 2 + 4);  // cbSize, valid bits, channel mask
            const std::uint64_t guid_at = reader.offset();
            tag = reader.u16();
            const auto tail = reader.bytes(14);
            if (std::memcmp(tail.data(), kGuidTail, 14) != 0) {
                reader.fail_at(guid_at, "EXTENSIBLE sub-format GUID is not a PCM or float one");
            }
        }
        float_ = tag == kFloat;
        if (tag != kPcm && tag != kFloat) {
            reader.fail_at(body, "format tag " + std::to_string(tag) +
                                     " is not supported (PCM 1, IEEE float 3, EXTENSIBLE)");
        }
        if (channels_ == 0) {
            reader.fail_at(body + 2, "zero channels");
        }
        if (sample_rate_ == 0) {
            reader.fail_at(body + 4, "zero sample rate");
        }
        const bool bits_ok = float_ ? (bits_ == 32 || bits_ == 64)
                                    : (bits_ == 8 || bits_ == 16 || bits_ == 24 || bits_ == 32);
        if (!bits_ok) {
            reader.fail_at(body + 14, std::to_string(bits_) + "-bit " + (float_ ? "float" : "PCM") +
                                          " samples are not supported (PCM 8/16/24/32, float "
                                          "32/64)");
        }
        if (block_align_ != channels_ * (bits_ / 8)) {
            reader.fail_at(body + 12, "block align " + std::to_string(block_align_) + " is not " +
                                          std::to_string(channels_) + " channels x " +
                                          std::to_string(bits_ / 8) + " bytes");
        }
    }

    FilePtr file_;
    std::int64_t channels_ = 0;
    std::uint32_t sample_rate_ = 0;
    std::uint32_t block_align_ = 0;
    unsigned bits_ = 0;
    bool float_ = false;
    std::uint64_t data_offset_ = 0;
    std::uint64_t data_bytes_ = 0;
};

bool wav_magic(std::span<const std::byte> head) {
    return has_magic(head, "RIFF") && has_magic(head, "WAVE", 8);
}

constexpr std::string_view kWavExtensions[] = {"wav"};

}  // namespace

extern constinit const Loader wav_loader{
    {"wav", kWavExtensions, "WAV audio (PCM 8 to 32-bit, float32/64, EXTENSIBLE)"},
    wav_magic,
    open_as<WavSource>};

}  // namespace quantscope
