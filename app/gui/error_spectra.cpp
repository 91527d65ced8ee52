#include "error_spectra.h"

#include "quantscope/common/cancel.h"
#include "quantscope/common/error.h"

namespace quantscope::app {

std::optional<ErrorSpectra> errorSpectra(const Tensor& tensor, const QuantResult& result,
                                         const QuantConfig& config, double sampleRate,
                                         const std::atomic<bool>* cancel) {
    const auto layout = signal_layout(tensor.info.shape, tensor.values.size());
    if (!layout || result.dequantized.size() != tensor.values.size()) {
        return std::nullopt;
    }
    const SpectrumOptions options{.segment = kSpectrumSegment,
                                  .sample_rate = sampleRate,
                                  .max_segments = kSpectrumMaxSegments};
    ErrorSpectra spectra;
    spectra.currentDither = config.dither;
    spectra.current =
        power_spectrum(signal_error(tensor.values, result.dequantized, *layout), options);
    throw_if_cancelled(cancel);
    QuantConfig toggled = config;
    toggled.dither = config.dither == Dither::None ? Dither::Tpdf : Dither::None;
    try {
        check_config(toggled);
    } catch (const UsageError&) {
        return spectra;  // a format without a uniform step: no dither to compare with
    }
    QuantizeOptions quantizeOptions;
    quantizeOptions.cancel = cancel;
    const QuantResult other = quantize(tensor.values, tensor.info.shape, toggled, quantizeOptions);
    throw_if_cancelled(cancel);
    spectra.toggled =
        power_spectrum(signal_error(tensor.values, other.dequantized, *layout), options);
    return spectra;
}

}  // namespace quantscope::app
