#pragma once
// Bytes of small WFDB records written by the io tests: 16-bit little-endian samples, format 212
// (two 12-bit samples in three bytes) and MIT annotation files of normal beats.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace emg::test {

inline void put16le(std::vector<std::uint8_t>& out, int v) {
    out.push_back(static_cast<std::uint8_t>(v & 0xFF));
    out.push_back(static_cast<std::uint8_t>((v >> 8) & 0xFF));
}

inline std::vector<std::uint8_t> pack212(const std::vector<int>& stream) {
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i < stream.size(); i += 2) {
        const int a = stream[i];
        const int b = i + 1 < stream.size() ? stream[i + 1] : 0;
        out.push_back(static_cast<std::uint8_t>(a & 0xFF));
        out.push_back(static_cast<std::uint8_t>(((a >> 8) & 0x0F) | (((b >> 8) & 0x0F) << 4)));
        if (i + 1 < stream.size()) out.push_back(static_cast<std::uint8_t>(b & 0xFF));
    }
    return out;
}

/// An MIT annotation file: normal beats ("N", code 1) at the given sample numbers.
inline std::vector<std::uint8_t> mitBeats(const std::vector<int>& at) {
    std::vector<std::uint8_t> out;
    int last = 0;
    for (int t : at) {
        put16le(out, (1 << 10) | (t - last));
        last = t;
    }
    put16le(out, 0);
    return out;
}

}  // namespace emg::test
