#pragma once
// The Signal tab's error spectra, computed on the analysis job's worker thread: the power
// spectrum of E = x - Q(x) under the config, and under the same config with dither toggled, so
// that the tab shows what TPDF dither does to it (docs/design.md "Dither", "Spectrum").

#include <atomic>
#include <optional>

#include "quantscope/common/tensor.h"
#include "quantscope/quant/quantizer.h"
#include "quantscope/signal/spectrum.h"

namespace quantscope::app {

struct ErrorSpectra {
    Spectrum current;  // E under the config
    // E under the config with dither toggled; none for formats that take no dither.
    std::optional<Spectrum> toggled;
    Dither currentDither = Dither::None;
};

// FFT length and the cap on averaged segments of the tab's spectra.
inline constexpr std::size_t kSpectrumSegment = 4096;
inline constexpr std::size_t kSpectrumMaxSegments = 256;

// For a tensor that is a signal (signal_layout) with its result under `config`; nullopt for
// other shapes. `cancel` is checked between the steps (throws Cancelled).
std::optional<ErrorSpectra> errorSpectra(const Tensor& tensor, const QuantResult& result,
                                         const QuantConfig& config, double sampleRate,
                                         const std::atomic<bool>* cancel);

}  // namespace quantscope::app
