#pragma once
// A planner budget as people write it: bytes ("3GB" = 3e9, "3GiB" = 3 * 2^30, "500MB", "1.5TB",
// "123456" or "123456B") or an average bits per parameter ("4.5bpp"), which becomes bytes
// once the model's parameter count is known.

#include <cstdint>
#include <string>
#include <string_view>

namespace quantscope {

struct Budget {
    enum class Kind { Bytes, BitsPerParameter };
    Kind kind = Kind::Bytes;
    double amount = 0;  // bytes, or bits per parameter

    // Rounded down, so that a plan within the bytes is within the budget as written.
    std::int64_t bytes(std::int64_t parameters) const;
};

// Throws UsageError on anything else (a negative or non-finite amount, an unknown unit).
Budget parse_budget(std::string_view text);
std::string to_string(const Budget& budget);

}  // namespace quantscope
