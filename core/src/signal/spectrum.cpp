#include "quantscope/signal/spectrum.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <utility>

#include "quantscope/common/error.h"

namespace quantscope {

namespace {

bool is_power_of_two(std::size_t n) {
    return n != 0 && (n & (n - 1)) == 0;
}

}  // namespace

namespace {

// exp(-2 pi i k / n) for k < n / 2: a stage of span len uses every (n / len)-th. From cos and
// sin of each k, not a running product, whose error grows with n.
std::vector<std::complex<double>> twiddles(std::size_t n) {
    std::vector<std::complex<double>> table(n / 2);
    for (std::size_t k = 0; k < table.size(); ++k) {
        table[k] = std::polar(
            1.0, -2 * std::numbers::pi * static_cast<double>(k) / static_cast<double>(n));
    }
    return table;
}

void fft_with(std::span<std::complex<double>> data,
              const std::vector<std::complex<double>>& table) {
    const std::size_t n = data.size();
    // Bit-reversed order first, then log2 n passes of butterflies over doubling spans.
    for (std::size_t i = 1, j = 0; i < n; ++i) {
        std::size_t bit = n >> 1;
        for (; (j & bit) != 0; bit >>= 1) {
            j ^= bit;
        }
        j ^= bit;
        if (i < j) {
            std::swap(data[i], data[j]);
        }
    }
    for (std::size_t len = 2; len <= n; len <<= 1) {
        const std::size_t half = len / 2;
        const std::size_t stride = n / len;
        for (std::size_t start = 0; start < n; start += len) {
            for (std::size_t k = 0; k < half; ++k) {
                const std::complex<double> even = data[start + k];
                const std::complex<double> odd = data[start + k + half] * table[k * stride];
                data[start + k] = even + odd;
                data[start + k + half] = even - odd;
            }
        }
    }
}

}  // namespace

void fft(std::span<std::complex<double>> data) {
    if (!is_power_of_two(data.size())) {
        throw UsageError("the FFT takes a power-of-two length, got " + std::to_string(data.size()));
    }
    fft_with(data, twiddles(data.size()));
}

std::vector<double> hann_window(std::size_t n) {
    std::vector<double> w(n);
    for (std::size_t i = 0; i < n; ++i) {
        w[i] = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * static_cast<double>(i) /
                                    static_cast<double>(n));
    }
    return w;
}

Spectrum power_spectrum(std::span<const float> signal, const SpectrumOptions& options) {
    const std::size_t n = options.segment;
    if (n < 2 || !is_power_of_two(n)) {
        throw UsageError("the spectrum's segment must be a power of two >= 2, got " +
                         std::to_string(n));
    }
    Spectrum spectrum;
    if (signal.empty()) {
        return spectrum;
    }
    spectrum.segment = n;
    // A signal shorter than a segment is windowed over its own length, then zero-padded.
    const std::vector<double> window = hann_window(std::min(n, signal.size()));
    double window_sum = 0;
    for (double w : window) {
        window_sum += w;
    }
    const std::size_t bins = n / 2 + 1;
    std::vector<double> power(bins, 0.0);
    std::vector<std::complex<double>> buffer(n);
    // Segment starts: every n / 2 samples, the last one moved back to end at the signal's end.
    std::vector<std::size_t> starts;
    if (signal.size() <= n) {
        starts.push_back(0);
    } else {
        const std::size_t last = signal.size() - n;
        const std::size_t count = last / (n / 2) + (last % (n / 2) == 0 ? 1 : 2);
        const std::size_t taken =
            options.max_segments > 0 ? std::min(count, options.max_segments) : count;
        if (taken == count) {
            for (std::size_t s = 0; s < last; s += n / 2) {
                starts.push_back(s);
            }
            starts.push_back(last);
        } else {
            // Evenly spread over the whole signal, the first at 0 and the last at its end.
            for (std::size_t i = 0; i < taken; ++i) {
                starts.push_back(taken == 1 ? 0 : last * i / (taken - 1));
            }
        }
    }
    const std::vector<std::complex<double>> table = twiddles(n);
    for (const std::size_t start : starts) {
        for (std::size_t i = 0; i < n; ++i) {
            const float x = i < window.size() ? signal[start + i] : 0.0f;
            buffer[i] = i < window.size() && std::isfinite(x) ? x * window[i] : 0.0;
        }
        fft_with(buffer, table);
        for (std::size_t k = 0; k < bins; ++k) {
            power[k] += std::norm(buffer[k]);
        }
    }
    spectrum.segments = starts.size();
    // |X[k]| of a sine A cos(2 pi k0 i / n) is A/2 sum(w) at k0 (and at n - k0, folded here).
    const double scale = 1.0 / (static_cast<double>(starts.size()) * window_sum * window_sum);
    const double bin_width = options.sample_rate > 0 ? options.sample_rate / static_cast<double>(n)
                                                     : 1.0 / static_cast<double>(n);
    spectrum.frequency.resize(bins);
    spectrum.power_db.resize(bins);
    for (std::size_t k = 0; k < bins; ++k) {
        const double one_sided = k == 0 || k == n / 2 ? 1.0 : 2.0;
        const double p = power[k] * scale * one_sided;
        spectrum.frequency[k] = static_cast<double>(k) * bin_width;
        spectrum.power_db[k] =
            p > 0 ? std::max(10 * std::log10(p), kSpectrumFloorDb) : kSpectrumFloorDb;
    }
    return spectrum;
}

std::optional<SignalLayout> signal_layout(std::span<const std::int64_t> shape, std::size_t count) {
    if (shape.size() <= 1) {
        return SignalLayout{count, 1};
    }
    if (shape.size() == 2 && shape[1] >= 1 && shape[1] <= kMaxSignalChannels) {
        return SignalLayout{static_cast<std::size_t>(shape[0]), static_cast<std::size_t>(shape[1])};
    }
    return std::nullopt;
}

std::vector<float> signal_error(std::span<const float> original, std::span<const float> quantized,
                                const SignalLayout& layout) {
    const std::size_t samples =
        std::min(layout.samples, std::min(original.size(), quantized.size()) /
                                     std::max<std::size_t>(layout.stride, 1));
    std::vector<float> error(samples);
    for (std::size_t i = 0; i < samples; ++i) {
        const std::size_t at = i * layout.stride;
        const float e = original[at] - quantized[at];
        error[i] = std::isfinite(e) ? e : 0.0f;
    }
    return error;
}

}  // namespace quantscope
