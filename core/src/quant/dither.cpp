#include "quantscope/quant/dither.h"

namespace quantscope {

std::string_view to_string(Dither dither) {
    return dither == Dither::Tpdf ? "tpdf" : "none";
}

std::optional<Dither> parse_dither(std::string_view name) {
    for (const Dither d : {Dither::None, Dither::Tpdf}) {
        if (name == to_string(d)) {
            return d;
        }
    }
    return std::nullopt;
}

}  // namespace quantscope
