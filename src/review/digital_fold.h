#pragma once
// Folding digital samples into a column's min and max straight from EDF (16-bit) or BDF (24-bit)
// bytes: the envelope of a page at screen resolution without decoding the page into a buffer.
#include "sample_decode.h"

#include <cstddef>
#include <cstdint>

namespace emg::review::detail {

template <bool Bdf>
inline void foldDigital(const std::uint8_t* src, std::size_t count, std::int32_t& min, std::int32_t& max) noexcept {
    std::int32_t lo = min, hi = max;
    for (std::size_t i = 0; i < count; ++i) {
        const std::int32_t v = Bdf ? decodeBdfSample(src + 3 * i) : decodeEdfSample(src + 2 * i);
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    min = lo;
    max = hi;
}

inline void foldDigital(const std::uint8_t* src, std::size_t count, bool bdf, std::int32_t& min, std::int32_t& max) noexcept {
    if (bdf)
        foldDigital<true>(src, count, min, max);
    else
        foldDigital<false>(src, count, min, max);
}

}  // namespace emg::review::detail
