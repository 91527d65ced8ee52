// WAV: PCM 8/16/24/32-bit from Python's wave module, IEEE float and EXTENSIBLE built by hand.
#include <gtest/gtest.h>

#include "io_test_support.h"
#include "quantscope/io/source.h"

namespace quantscope {
namespace {

using test::expect_values;
using test::fixture;

TEST(Wav, Pcm8IsUnsignedAroundTheMiddle) {
    const auto source = open_source(fixture("pcm8.wav"));
    EXPECT_EQ(source->format_name(), "wav");
    EXPECT_EQ(source->sample_rate(), 8000.0);
    EXPECT_EQ(source->tensors()[0].dtype, "uint8");
    expect_values(source->read(0), {-1.0f, -0.5f, 0.0f, 0.5f, 127.0f / 128});
}

TEST(Wav, Pcm16StereoIsFramesByChannels) {
    const auto source = open_source(fixture("pcm16.wav"));
    EXPECT_EQ(source->tensors()[0].shape, (Shape{3, 2}));
    EXPECT_EQ(source->tensors()[0].dtype, "int16");
    expect_values(source->read(0), {-1.0f, -0.5f, 0.0f, 0.5f, 32767.0f / 32768, 1.0f / 32768});
}

TEST(Wav, Pcm24And32) {
    const auto pcm24 = open_source(fixture("pcm24.wav"));
    EXPECT_EQ(pcm24->tensors()[0].dtype, "int24");
    expect_values(pcm24->read(0), {-1.0f, -0.5f, 0.0f, 0.5f, 8388607.0f / 8388608});
    const auto pcm32 = open_source(fixture("pcm32.wav"));
    EXPECT_EQ(pcm32->tensors()[0].dtype, "int32");
    expect_values(pcm32->read(0), {-1.0f, -0.5f, 0.0f, 0.5f, 1.0f});  // 1 - 2^-31 rounds to 1
}

TEST(Wav, FloatSkipsUnknownChunks) {
    const auto source = open_source(fixture("float32.wav"));
    EXPECT_EQ(source->sample_rate(), 44100.0);
    EXPECT_EQ(source->tensors()[0].dtype, "float32");
    expect_values(source->read(0), {0.5f, -0.25f, 1.0f, -1.0f});
}

TEST(Wav, ExtensiblePcmThreeChannels) {
    const auto source = open_source(fixture("extensible.wav"));
    EXPECT_EQ(source->sample_rate(), 48000.0);
    EXPECT_EQ(source->tensors()[0].shape, (Shape{2, 3}));
    expect_values(source->read(0), {0.0f, 0.5f, -0.5f, 32767.0f / 32768, -1.0f, 0.25f});
}

TEST(Wav, EmptyDataChunkIsAnEmptyTensor) {
    // Found by fuzz_wav: a float WAV with a zero-length data chunk.
    const unsigned char header[] = {'R', 'I', 'F',  'F',  36,  0,   0,    0,    'W', 'A', 'V',
                                    'E', 'f', 'm',  't',  ' ', 16,  0,    0,    0,   3,   0,
                                    1,   0,   0x44, 0xAC, 0,   0,   0x10, 0xB1, 2,   0,   4,
                                    0,   32,  0,    'd',  'a', 't', 'a',  0,    0,   0,   0};
    std::vector<std::byte> bytes;
    for (const unsigned char c : header) {
        bytes.push_back(static_cast<std::byte>(c));
    }
    const auto source = open_source_bytes("empty.wav", bytes);
    EXPECT_EQ(source->tensors()[0].shape, (Shape{0}));
    EXPECT_TRUE(source->read(0).values.empty());
}

}  // namespace
}  // namespace quantscope
