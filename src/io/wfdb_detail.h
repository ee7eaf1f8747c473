#pragma once
// What the WFDB record reader (wfdb_reader.cpp) and the streaming WFDB -> EDF+/BDF+ conversion
// (wfdb_stream_convert.cpp) share: sizes of a format's sample stream, the unit words and limits.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace emg::io::detail {

inline constexpr std::uintmax_t kMaxWfdbHeaderBytes = 16u << 20;   ///< a .hea is text of a few lines per signal
inline constexpr double kMaxWfdbSampleRateHz = 1e7;
/// Samples of null signals (stored in no file, filled with the baseline) the reader fills in at
/// most per record: their memory is not bounded by the input's size.
inline constexpr long long kMaxWfdbSynthesizedSamples = 1LL << 22;
/// An .atr holds 2 bytes per mark; above this it is not read (a warning says so).
inline constexpr std::uintmax_t kMaxWfdbAnnotationFileBytes = 2u << 20;

/// Number of whole samples a stream of `bytes` bytes holds in `format` (0 for unknown formats).
std::size_t wfdbStreamSamples(int format, std::size_t bytes);

/// Bytes holding `samples` consecutive samples of `format` (packed formats rounded up to whole samples).
double wfdbBytesForSamples(int format, double samples);

/// µV per unit for WFDB unit strings (symbols in any case and words such as "millivolts"); 0 when not a voltage.
double microvoltsPerWfdbUnit(std::string_view units);

}  // namespace emg::io::detail
