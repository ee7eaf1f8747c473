#pragma once
// A BrainVision recording's layout as its header gives it, and its binary samples read frame by
// frame: shared by the reader (brainvision_reader.cpp) and the streamed conversion
// (brainvision_convert.cpp), so both take the same values.
#include <emg/core/recording.h>
#include <emg/io/recording_io.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <fstream>
#include <vector>

namespace emg::io::detail {

enum class BrainVisionSample { Int16, UInt16, Int32, Float32 };

/// One stored integer of type T (int16_t, uint16_t, int32_t) at `p`, byte-swapped when `swap`.
template <typename T>
inline std::int32_t storedInteger(const unsigned char* p, bool swap) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    if (swap) {
        if constexpr (sizeof(T) == 2) v = static_cast<T>(__builtin_bswap16(static_cast<std::uint16_t>(v)));
        else v = static_cast<T>(__builtin_bswap32(static_cast<std::uint32_t>(v)));
    }
    return static_cast<std::int32_t>(v);
}

struct BrainVisionLayout {
    Recording meta;                    ///< channels described (label, unit, rate, ADC grid; no samples), markers, recordingId
    std::vector<double> scaleToUnit;   ///< a stored value times this is the channel's value (µV for voltages)
    BrainVisionSample sample = BrainVisionSample::Int16;
    bool bigEndian = false;
    bool multiplexed = true;
    bool ascii = false;                ///< DataFormat=ASCII (read whole by the reader)
    std::filesystem::path data;        ///< the data file (checked to exist)
    std::size_t frames = 0;            ///< binary: whole frames the data file holds
};

/// Each channel's prefilter in EDF's words ("HP:DC LP:250Hz", "HP:0.0159Hz LP:1e+03Hz N:50Hz"):
/// the band left by the amplifier's filters (the header comment's "Channels" table: low cut-off
/// as a time constant in s or in Hz, "DC"; high cut-off in Hz or s; notch) and the software
/// filters (their table, when not "Disabled"): the higher high-pass, the lower low-pass, a notch.
/// Empty for a channel neither table lists. `names`: each channel's name as the header writes it
/// (a name may hold spaces; the rows are read past it).
std::vector<std::string> brainVisionPrefilters(std::string_view headerText, const std::vector<std::string>& names);

/// The header, the data file's size in whole frames (a trailing part frame named in `info`) and
/// the markers (as annotations). Throws FormatError as readBrainVision does.
BrainVisionLayout readBrainVisionLayout(const std::filesystem::path& vhdr, ReadInfo& info);

/// A binary layout's frames, in order or not: frames [first, first + n) of every channel.
class BrainVisionFrames {
public:
    explicit BrainVisionFrames(const BrainVisionLayout& layout);
    /// out[c] gets channel c's n values (resized); throws FormatError on a non-finite value or a
    /// short read.
    void read(std::size_t first, std::size_t n, std::vector<std::vector<double>>& out);
    /// The stored integers themselves (INT_16, UINT_16, INT_32 layouts only), unscaled.
    void readIntegers(std::size_t first, std::size_t n, std::vector<std::vector<std::int32_t>>& out);

    /// The stored bytes of frames [first, first + n): the whole block when multiplexed (channel c's
    /// value of frame k at (k x channels + c) x width), else channel `channel`'s part. Valid until
    /// the next read.
    const unsigned char* load(std::size_t first, std::size_t n, std::size_t channel);

private:
    const BrainVisionLayout& layout_;
    std::ifstream in_;
    std::vector<unsigned char> buf_;
};

}  // namespace emg::io::detail
