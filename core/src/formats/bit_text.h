#pragma once
// The low `count` bits of a code as '0' and '1', most significant first: how every table and
// inspector writes a bit pattern.

#include <cstdint>
#include <string>

namespace quantscope::detail {

inline std::string bit_text(std::uint64_t value, int count) {
    std::string text;
    text.reserve(static_cast<std::size_t>(count > 0 ? count : 0));
    for (int i = count - 1; i >= 0; --i) {
        text += ((value >> i) & 1u) != 0 ? '1' : '0';
    }
    return text;
}

}  // namespace quantscope::detail
