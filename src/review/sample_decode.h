#pragma once
// Little-endian two's-complement samples of EDF (16 bit) and BDF (24 bit).
#include <cstddef>
#include <cstdint>

namespace emg::review::detail {

inline std::int32_t decodeEdfSample(const std::uint8_t* p) noexcept {
    return static_cast<std::int16_t>(static_cast<std::uint16_t>(p[0] | (p[1] << 8)));
}
inline std::int32_t decodeBdfSample(const std::uint8_t* p) noexcept {
    std::int32_t v = static_cast<std::int32_t>(p[0] | (p[1] << 8) | (p[2] << 16));
    return (v & 0x800000) ? v - 0x1000000 : v;
}
inline void decodeSamples(const std::uint8_t* src, std::size_t count, bool bdf, std::int32_t* out) noexcept {
    if (bdf)
        for (std::size_t i = 0; i < count; ++i) out[i] = decodeBdfSample(src + 3 * i);
    else
        for (std::size_t i = 0; i < count; ++i) out[i] = decodeEdfSample(src + 2 * i);
}

}  // namespace emg::review::detail
