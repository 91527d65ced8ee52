#include "ggml_route.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "../common/finite_float.h"
#include "../common/prefetch.h"
#include "../common/stream_store.h"
#include "../formats/ggml_quantize.h"
#include "../formats/ggml_unpack.h"
#include "../simd/kernel_table.h"
#include "error_sums.h"
#include "ggml_quantizer.h"
#include "quantscope/common/cancel.h"
#include "quantscope/common/parallel.h"

namespace quantscope::detail {

namespace {

// Windows of whole blocks: ggml's quantizer runs over a window at once (the K-quants search
// several blocks' scales side by side), then the window is decoded, measured and counted while
// it is in L1.
constexpr std::size_t kWindow = KlCounts::kRun;

// A window's element values and sub-block maps, unpacked from ggml's bytes (sub-blocks hold 16
// or 32 values), and the element values as floats: int8 operands kept GCC's vector loop to
// 128-bit registers.
struct WindowCodes {
    alignas(64) std::int8_t e[kWindow];
    alignas(64) float level[kWindow];
    GgmlSubBlock maps[kWindow / kSumLanes];
};

// What a window writes: Q(x) and the blocks' parameters into buffers that stay in L1, streamed
// out to the result after (stream_store.h), and the values' KL slots.
struct WindowOut {
    alignas(64) float y[kWindow];
    alignas(64) std::uint32_t slots[kWindow];
    alignas(64) GroupParameters groups[kWindow / 32];  // blocks hold 32 or 256 values
};

// ggml's quantizer and unpacker of a type, compiled at this instruction-set level: their files
// are compiled once per level (core/src/simd/sources.cmake), and GgmlType's quantizers call the
// active level's through per_level::ggml_quantizer below (the baseline's copies are SSE only in
// the x86-64-v2 build). The K-quants' scale searches, a lane per sub-block, are most of these
// types' time.
struct LevelCodec {
    std::string_view name;
    GgmlQuantize quantize;
    GgmlUnpack unpack;
};

constexpr LevelCodec kLevelCodecs[] = {
    {"q4_0", &ggml::quantize_q4_0, &ggml::unpack_q4_0},
    {"q4_1", &ggml::quantize_q4_1, &ggml::unpack_q4_1},
    {"q5_0", &ggml::quantize_q5_0, &ggml::unpack_q5_0},
    {"q5_1", &ggml::quantize_q5_1, &ggml::unpack_q5_1},
    {"q8_0", &ggml::quantize_q8_0, &ggml::unpack_q8<2>},
    {"q2_K", &ggml::quantize_q2_k, &ggml::unpack_q2_k},
    {"q3_K", &ggml::quantize_q3_k, &ggml::unpack_q3_k},
    {"q4_K", &ggml::quantize_q4_k, &ggml::unpack_q45_k<false>},
    {"q5_K", &ggml::quantize_q5_k, &ggml::unpack_q45_k<true>},
    {"q6_K", &ggml::quantize_q6_k, &ggml::unpack_q6_k},
    {"iq4_nl", &ggml::quantize_iq4_nl, &ggml::unpack_iq4_nl},
};

// The type's entry (its own pointers for a type the table lacks).
LevelCodec level_codec(const GgmlType& type) {
    for (const LevelCodec& c : kLevelCodecs) {
        if (c.name == type.name) {
            return c;
        }
    }
    return {type.name, type.quantize, type.unpack};
}

// Whether x[0..n) is all finite: then ggml's quantizer reads it in place, without a copy.
bool all_finite(const float* x, std::size_t n) {
    int bad = 0;
#pragma omp simd reduction(| : bad)
    for (std::size_t i = 0; i < n; ++i) {
        bad |= is_finite_float(x[i]) ? 0 : 1;
    }
    return bad == 0;
}

// x[0..n) into `clean` with NaN and Inf replaced by 0, so that they take no part in the scales.
const float* finite_copy(const float* x, std::size_t n, float* clean) {
#pragma omp simd
    for (std::size_t i = 0; i < n; ++i) {
        clean[i] = is_finite_float(x[i]) ? x[i] : 0.0f;
    }
    return clean;
}

// One pass over a window of n values, sub-block by sub-block (Sub values each, a multiple of the
// lanes): Q(x) = scale * e (+ offset, where the type has one: +0 added to ggml's -0 would give
// +0), x itself where x is not finite; u = (x - offset) / scale, e where the scale is 0; its KL
// slot, whether it is clipped, and every metric sum in error_sums.h's lanes, so that the sums
// are those accumulate_error_sums takes over the window, to the bit. Never inlined, so that the
// lane sums stay in registers.
template <std::size_t Sub, bool Offset, bool Slots>
[[gnu::noinline]] void decode_window(const float* __restrict x, const WindowCodes& codes,
                                     std::size_t n, const CodeRange& cells, const KlGrid& grid,
                                     WindowOut& out, MetricSums& sums) {
    static_assert(Sub % kSumLanes == 0);
    const float* __restrict e = codes.level;
    float* __restrict y = out.y;
    std::uint32_t* __restrict slots = out.slots;
    const KlGrid g = grid;
    const auto cell_lo = static_cast<float>(cells.lo);
    const auto cell_hi = static_cast<float>(cells.hi);
    LaneSums lanes;
    for (std::size_t first = 0; first < n; first += Sub) {
        const GgmlSubBlock m = codes.maps[first / Sub];
        const bool scaled = m.scale != 0;
        const float inv = scaled ? 1.0f / m.scale : 0.0f;
        for (std::size_t i = first; i < first + Sub; i += kSumLanes) {
            prefetch_ahead(x + i);  // the next window, for ggml's quantizer and all_finite
#pragma omp simd
            for (std::size_t j = 0; j < kSumLanes; ++j) {
                const float xi = x[i + j];
                const float ei = e[i + j];
                const bool finite = is_finite_float(xi);
                const float level = Offset ? m.scale * ei + m.offset : m.scale * ei;
                const float yi = finite ? level : xi;
                const float position = (Offset ? xi - m.offset : xi) * inv;
                y[i + j] = yi;
                if constexpr (Slots) {
                    slots[i + j] = kl_slot(xi, scaled ? position : ei, g);
                }
                lanes.add(j, xi, yi);
                lanes.add_clipped(j,
                                  finite & scaled & ((position < cell_lo) | (position > cell_hi)));
            }
        }
    }
    if (!lanes.fold_into(sums, n)) {
        // NaN or Inf inside: the sums exactly, skipping them, as accumulate_error_sums does.
        accumulate_error_sums_scalar(x, y, n, sums);
        sums.clipped += lanes.clipped_count();
    }
}

using DecodeWindow = void (*)(const float*, const WindowCodes&, std::size_t, const CodeRange&,
                              const KlGrid&, WindowOut&, MetricSums&);

template <std::size_t Sub, bool Offset>
DecodeWindow decode_with(bool slots) {
    return slots ? &decode_window<Sub, Offset, true> : &decode_window<Sub, Offset, false>;
}

// The instance for the type: every ggml type with a reference quantizer has sub-blocks of 16
// or 32 values.
DecodeWindow decode_for(const GgmlDecoding& d, bool slots) {
    if (d.sub_block == 16) {
        return d.offset ? decode_with<16, true>(slots) : decode_with<16, false>(slots);
    }
    return d.offset ? decode_with<32, true>(slots) : decode_with<32, false>(slots);
}

// The codes of a window: the element's code (GgmlDecoding::code), 0 where x is not finite.
void window_codes(const GgmlDecoding& d, const float* x, const std::int8_t* e, std::size_t n,
                  std::int32_t* codes) {
    for (std::size_t i = 0; i < n; ++i) {
        codes[i] = is_finite_float(x[i]) ? d.code(e[i]) : 0;
    }
}

}  // namespace

MetricSums quantize_ggml(std::span<const float> values, std::span<const std::int64_t> shape,
                         const QuantConfig& config, const QuantizeOptions& options,
                         QuantResult& result, KlCounter* kl) {
    check_ggml_rows(values.size(), shape, config);
    const GgmlDecoding d(config);
    if (d.sub_block % kSumLanes != 0 || d.sub_block > 32 || d.block < 32 || d.block > kWindow) {
        throw std::logic_error("quantize_ggml: a block type the fused route does not cover");
    }
    result.groups.resize(values.size() / d.block);
    std::vector<MetricSums> partial(max_chunks());
    constexpr double kInf = std::numeric_limits<double>::infinity();
    std::vector<std::pair<double, double>> extent(max_chunks(), {kInf, -kInf});
    float* const y = result.dequantized.data();
    std::int32_t* const codes = options.keep_codes ? result.codes.data() : nullptr;
    const auto block_bytes = static_cast<std::size_t>(d.type.block_bytes);
    const LevelCodec codec = level_codec(d.type);
    const std::size_t subs = d.block / d.sub_block;
    parallel_for(
        values.size(), kWindow, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
            KlCounts* const counts = KlCounter::local(kl, chunk);
            const KlGrid grid = counts != nullptr ? counts->grid() : KlGrid{};
            const DecodeWindow decode = decode_for(d, counts != nullptr);
            std::vector<float> clean(kWindow);
            std::vector<std::byte> bytes(kWindow / d.block * block_bytes);
            const auto window = std::make_unique<WindowCodes>();
            const auto out = std::make_unique<WindowOut>();
            MetricSums sums;
            auto& [lo, hi] = extent[chunk];
            for (std::size_t w = begin; w < end; w += kWindow) {
                throw_if_cancelled(options.cancel);
                const std::size_t n = std::min(kWindow, end - w);
                const float* const x = values.data() + w;
                const std::size_t blocks = n / d.block;
                codec.quantize(all_finite(x, n) ? x : finite_copy(x, n, clean.data()), bytes.data(),
                               blocks);
                for (std::size_t b = 0; b < blocks; ++b) {
                    GgmlSubBlock* const maps = window->maps + b * subs;
                    codec.unpack(bytes.data() + b * block_bytes, window->e + b * d.block, maps);
                    const GroupParameters g = d.parameters(maps);
                    out->groups[b] = g;
                    lo = std::min(lo, g.clip_min);
                    hi = std::max(hi, g.clip_max);
                }
                float* const level = window->level;
                const std::int8_t* const e = window->e;
#pragma omp simd
                for (std::size_t i = 0; i < n; ++i) {
                    level[i] = static_cast<float>(e[i]);
                }
                decode(x, *window, n, d.cells, grid, *out, sums);
                stream_store(y + w, out->y, n);
                stream_store_bytes(result.groups.data() + w / d.block, out->groups,
                                   blocks * sizeof(GroupParameters));
                if (codes != nullptr) {
                    window_codes(d, x, window->e, n, codes + w);
                }
                if (counts != nullptr) {
                    counts->add_slots(out->slots, n);
                }
            }
            stream_fence();
            partial[chunk] = sums;
        });
    result.clip_min = kInf;
    result.clip_max = -kInf;
    for (const auto& [lo, hi] : extent) {
        result.clip_min = std::min(result.clip_min, lo);
        result.clip_max = std::max(result.clip_max, hi);
    }
    MetricSums total;
    for (const MetricSums& s : partial) {
        total += s;
    }
    return total;
}

}  // namespace quantscope::detail

namespace quantscope::per_level {

GgmlQuantize ggml_quantizer(std::uint32_t id) {
    const GgmlType* type = find_ggml_type(id);
    if (type == nullptr) {
        return nullptr;
    }
    for (const auto& c : detail::kLevelCodecs) {
        if (c.name == type->name) {
            return c.quantize;
        }
    }
    return nullptr;
}

}  // namespace quantscope::per_level
