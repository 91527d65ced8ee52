// libFuzzer entry for the engine: a random small tensor (special values likely: 0, -0,
// subnormals, +-FLT_MAX, NaN, +-Inf; zero-length axes) under a random config (every format
// family, scheme, granularity, calibration, rounding and outlier threshold) into quantize(),
// cold and with the value summary given, and into the histogram plot. A UsageError (a config
// whose parts do not fit) is an expected outcome; a crash, a sanitizer report, a metric outside
// docs/design.md "Metrics for degenerate inputs", an infinite Q(x) of a finite x, an unusable
// scale or an infinite level is a bug.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "quantscope/common/error.h"
#include "quantscope/quant/quantizer.h"

namespace {

using namespace quantscope;

// Reads the input a byte or a float at a time; past its end, zeros.
class Bytes {
public:
    Bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
    float raw_float() {
        std::uint32_t bits = 0;
        for (int i = 0; i < 4; ++i) {
            bits |= static_cast<std::uint32_t>(byte()) << (8 * i);
        }
        float f = 0;
        std::memcpy(&f, &bits, sizeof f);
        return f;
    }
    bool done() const { return pos_ >= size_; }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

constexpr float kMax = std::numeric_limits<float>::max();
constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kSpecial[] = {
    0.0f,    -0.0f,           1e-45f, -1e-45f,  1e-40f,
    -3e-39f, 1.17549435e-38f, kMax,   -kMax,    3.3e38f,
    1.0f,    -1.0f,           3.0f,   0.5f,     std::numeric_limits<float>::quiet_NaN(),
    kInf,    -kInf,           1e-30f, 65504.0f, 448.0f};
constexpr std::size_t kSpecials = sizeof kSpecial / sizeof kSpecial[0];

const char* const kFormats[] = {
    "int8",       "int2",         "int4",       "int16",      "uint2",      "uint8",
    "uint16",     "fp32",         "tf32",       "fp16",       "bf16",       "fp8_e4m3",
    "fp8_e5m2",   "fp8_e4m3fnuz", "fp6_e2m3",   "fp6_e3m2",   "fp4_e2m1",   "fp4_e2m1_ieee",
    "fp4_e3m0",   "e8m0",         "nf4",        "e1m0",       "e8m23_ieee", "e5m0_fn_b3",
    "mxfp8_e4m3", "mxfp8_e5m2",   "mxfp6_e2m3", "mxfp6_e3m2", "mxfp4",      "mxint8",
    "nvfp4"};

float value_from(Bytes& in) {
    const std::uint8_t b = in.byte();
    if (b < 128) {
        return kSpecial[b % kSpecials];
    }
    if (b < 192) {
        return in.raw_float();
    }
    return static_cast<float>(static_cast<int>(b) - 224) * 0.25f;
}

std::string calibration_from(Bytes& in) {
    auto number = [&] {
        const float v = value_from(in);
        return std::isfinite(v) ? std::to_string(static_cast<double>(v)) : std::string("0");
    };
    switch (in.byte() % 8) {
        case 0:
            return "minmax";
        case 1:
            return "percentile:" + std::to_string(50 + in.byte() % 51);
        case 2:
            return "kl";
        case 3:
            return "mse";
        case 4:
            return "sigma:" + std::to_string(in.byte() % 7);
        case 5:
            return "manual:0,0";
        default: {
            std::string a = number();
            std::string b = number();
            if (std::stod(a) > std::stod(b)) {
                std::swap(a, b);
            }
            return "manual:" + a + "," + b;
        }
    }
}

[[noreturn]] void bug() {
    __builtin_trap();
}

void check(std::span<const float> x, const QuantResult& r, const QuantConfig& config) {
    if (!undefined_metric(r.metrics).empty()) {
        bug();
    }
    if (!std::isfinite(r.clip_min) || !std::isfinite(r.clip_max) ||
        r.dequantized.size() != x.size()) {
        bug();
    }
    for (const GroupParameters& g : r.groups) {
        // A usable scale has a finite float inverse; 0 only for NVFP4 blocks sent to zero.
        const bool usable =
            g.scale == 0 || (g.scale > 0 && std::isfinite(1.0f / static_cast<float>(g.scale)));
        if (!usable) {
            bug();
        }
        if (!std::isfinite(g.clip_min) || !std::isfinite(g.clip_max)) {
            bug();
        }
    }
    if (r.groups.size() == 1) {
        for (const double level : quantization_levels(r.groups.front(), config)) {
            if (!std::isfinite(level)) {
                bug();
            }
        }
    }
    for (std::size_t i = 0; i < x.size(); ++i) {
        const float y = r.dequantized[i];
        if (std::isfinite(x[i]) ? !std::isfinite(y)
                                : (std::isnan(x[i]) ? !std::isnan(y) : y != x[i])) {
            bug();
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Bytes in(data, size);
    QuantConfig config;
    try {
        apply_format(config, kFormats[in.byte() % (sizeof kFormats / sizeof kFormats[0])]);
        const std::uint8_t scheme = in.byte();
        if (scheme % 2 == 1) {  // else the format's own scheme
            const Scheme schemes[] = {Scheme::Symmetric, Scheme::Affine, Scheme::Scaled,
                                      Scheme::Direct};
            config.scheme = schemes[(scheme / 2) % 4];
        }
        // Shape: rank 1-3, each axis 0-16; some granularities do not fit (UsageError).
        std::vector<std::int64_t> shape(1 + in.byte() % 3);
        std::size_t count = 1;
        for (std::int64_t& d : shape) {
            d = in.byte() % 17;
            count *= static_cast<std::size_t>(d);
        }
        const std::uint8_t granularity = in.byte();
        if (config.block_scaling == BlockScaling::None && granularity % 4 != 0) {
            config.granularity =
                granularity % 4 == 1 ? parse_granularity("tensor")
                : granularity % 4 == 2
                    ? parse_granularity("channel:" +
                                        std::to_string(static_cast<int>(granularity / 4 % 7) - 3))
                    : parse_granularity("block:" + std::to_string(1 + granularity / 4 % 40));
        }
        config.calibration = parse_calibration(calibration_from(in));
        const Rounding roundings[] = {Rounding::NearestEven, Rounding::NearestAway,
                                      Rounding::TowardZero, Rounding::Stochastic};
        config.rounding = roundings[in.byte() % 4];
        config.seed = in.byte();
        const double thresholds[] = {0, 0, 0, 1e-41, 0.5, 3.0, 1e30, 3.4e38};
        config.outlier_threshold = thresholds[in.byte() % 8];
        std::vector<float> values(count);
        for (float& v : values) {
            v = value_from(in);
        }
        const QuantResult cold = quantize(values, shape, config);
        check(values, cold, config);
        const QuantResult warm = quantize(values, shape, config, {}, summarize_values(values));
        check(values, warm, config);
        (void)make_histogram_plot(values, cold, config);
    } catch (const UsageError&) {
        // A config whose parts do not fit together, or a granularity the shape does not take.
    }
    return 0;
}
