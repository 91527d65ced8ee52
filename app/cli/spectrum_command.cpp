// quantscope-cli spectrum: the power spectrum of a signal's quantization error E = x - Q(x)
// (docs/design.md "Spectrum"), the numbers behind the Signal tab's error spectrum.

#include <algorithm>
#include <cmath>
#include <iostream>
#include <optional>
#include <string>

#include "cli_support.h"
#include "quant_flags.h"
#include "quantscope/common/json_writer.h"
#include "quantscope/common/text.h"
#include "quantscope/io/source.h"
#include "quantscope/signal/spectrum.h"
#include "result_json.h"

namespace quantscope::cli {

const std::string kSpectrumUsage =
    std::string(R"(Usage: quantscope-cli spectrum FILE [--tensor NAME] [QUANT] [--segment N]
                              [--csv|--json]

The power spectrum of the quantization error E = x - Q(x) of a signal (a 1-D tensor, or channel
0 of [frames, channels] audio): Welch's average of Hann-windowed segments of N samples
overlapping by half, one-sided, in dB, scaled so that a sine of amplitude A on a bin reads
10 log10(A^2 / 2). Frequencies are in Hz when the source has a sample rate (WAV, gen:sine),
else in cycles per sample. Compare --dither none and --dither tpdf on a quiet signal.

  --segment N       the FFT length, a power of two >= 2 (default 4096)
  --csv             one row per bin: frequency,power_db
  --json            {tensor, config {...}, sample_rate, segment, segments, error_power_db,
                    frequency [...], power_db [...]}
Text output: the error's power, the spectrum's median and the ten strongest bins.

)") +
    file_help() + "\n" + std::string(kQuantHelp);

int run_spectrum(const std::vector<std::string_view>& args) {
    std::optional<std::string> file;
    std::optional<std::string> tensor_name;
    QuantFlags flags;
    bool json = false;
    bool csv = false;
    std::size_t segment = 4096;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string_view a = args[i];
        if (a == "--help" || a == "-h") {
            std::cout << kSpectrumUsage;
            return kExitOk;
        } else if (a == "--json") {
            json = true;
        } else if (a == "--csv") {
            csv = true;
        } else if (a == "--tensor") {
            tensor_name = next_value(args, i, kSpectrumUsage);
        } else if (a == "--segment") {
            const double n =
                parse_double(next_value(args, i, kSpectrumUsage), "--segment", kSpectrumUsage);
            if (!(n >= 2 && n <= 1 << 24)) {
                throw Usage{"--segment needs a power of two from 2 to 2^24", kSpectrumUsage};
            }
            segment = static_cast<std::size_t>(n);
        } else if (flags.take(args, i, kSpectrumUsage)) {
            continue;
        } else if (a.starts_with("--")) {
            throw Usage{"unknown option " + std::string(a), kSpectrumUsage};
        } else if (file) {
            throw Usage{"spectrum takes one FILE, got a second: " + std::string(a), kSpectrumUsage};
        } else {
            file = std::string(a);
        }
    }
    if (!file) {
        throw Usage{"spectrum needs a FILE", kSpectrumUsage};
    }
    if (json && csv) {
        throw Usage{"choose one of --csv and --json", kSpectrumUsage};
    }
    current_file() = *file;
    const QuantConfig config = flags.finish(kSpectrumUsage);
    const auto source = parse_or_usage([&] { return open_source(*file); }, kSpectrumUsage);
    const Tensor tensor = read_tensor(*source, tensor_name, kSpectrumUsage);
    const auto layout = signal_layout(tensor.info.shape, tensor.values.size());
    if (!layout) {
        throw Usage{"tensor '" + tensor.info.name + "' of shape " +
                        shape_to_string(tensor.info.shape) +
                        " is not a signal: spectrum takes a 1-D tensor or [frames, channels] "
                        "audio of at most " +
                        std::to_string(kMaxSignalChannels) + " channels",
                    kSpectrumUsage};
    }
    const QuantResult r = parse_or_usage(
        [&] { return quantize(tensor.values, tensor.info.shape, config); }, kSpectrumUsage);
    const std::vector<float> error = signal_error(tensor.values, r.dequantized, *layout);
    const double rate = source->sample_rate();
    const Spectrum s = parse_or_usage(
        [&] { return power_spectrum(error, {.segment = segment, .sample_rate = rate}); },
        kSpectrumUsage);
    double power = 0;
    for (const float e : error) {
        power += static_cast<double>(e) * e;
    }
    power = error.empty() ? 0.0 : power / static_cast<double>(error.size());
    const double power_db = power > 0 ? 10 * std::log10(power) : kSpectrumFloorDb;
    if (csv) {
        std::cout << "frequency,power_db\n";
        for (std::size_t k = 0; k < s.power_db.size(); ++k) {
            std::cout << format_number(s.frequency[k], 10) << ',' << format_number(s.power_db[k])
                      << '\n';
        }
        return kExitOk;
    }
    if (json) {
        JsonWriter w;
        w.begin_object();
        w.key("tensor").value(tensor.info.name);
        w.key("config");
        write_config(w, config);
        w.key("sample_rate").value(rate);
        w.key("segment").value(static_cast<std::int64_t>(s.segment));
        w.key("segments").value(static_cast<std::int64_t>(s.segments));
        w.key("error_power_db").value(power_db);
        w.key("frequency").begin_array();
        for (const double f : s.frequency) {
            w.value(f);
        }
        w.end_array();
        w.key("power_db").begin_array();
        for (const double p : s.power_db) {
            w.value(p);
        }
        w.end_array();
        w.end_object();
        std::cout << w.text() << '\n';
        return kExitOk;
    }
    const std::string unit = rate > 0 ? " Hz" : " cycles/sample";
    std::cout << "tensor            " << visible_text(tensor.info.name) << " (" << layout->samples
              << " samples"
              << (layout->stride > 1 ? ", channel 0 of " + std::to_string(layout->stride) : "")
              << (rate > 0 ? ", " + format_number(rate) + " Hz" : "") << ")\n"
              << "config            " << describe(config) << '\n'
              << "error power       " << format_number(power_db) << " dB\n";
    if (s.power_db.empty()) {
        std::cout << "spectrum          none (no samples)\n";
        return kExitOk;
    }
    std::vector<double> sorted = s.power_db;
    std::nth_element(sorted.begin(),
                     sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2), sorted.end());
    std::cout << "spectrum          " << s.segment << "-point Hann segments, " << s.segments
              << " averaged, " << s.power_db.size() << " bins\n"
              << "median bin        " << format_number(sorted[sorted.size() / 2]) << " dB\n"
              << "strongest bins    frequency" << unit << ", dB\n";
    std::vector<std::size_t> order(s.power_db.size());
    for (std::size_t k = 0; k < order.size(); ++k) {
        order[k] = k;
    }
    const std::size_t shown = std::min<std::size_t>(10, order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(shown),
                      order.end(),
                      [&](std::size_t a, std::size_t b) { return s.power_db[a] > s.power_db[b]; });
    for (std::size_t i = 0; i < shown; ++i) {
        std::cout << "                  " << format_number(s.frequency[order[i]]) << "  "
                  << format_number(s.power_db[order[i]]) << '\n';
    }
    return kExitOk;
}

}  // namespace quantscope::cli
