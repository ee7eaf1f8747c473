#pragma once
// Fuzz entry points, one per reader. Each returns 0; bad input must end in emg::io::FormatError
// (caught here). Any other exception or a crash is a bug. Used by the libFuzzer executables
// (fuzz_*.cpp) and by the deterministic mutation test in Catch2 (test_fuzz_mutations.cpp).

#include <cstddef>
#include <cstdint>

namespace emg::fuzz {
int fuzzEdf(const std::uint8_t* data, std::size_t size);
int fuzzWfdbHeader(const std::uint8_t* data, std::size_t size);
/// First byte chooses the format, second the signal layout; the rest is the signal file.
int fuzzWfdbSignal(const std::uint8_t* data, std::size_t size);
int fuzzWfdbAnnotations(const std::uint8_t* data, std::size_t size);
/// Headerless signal file (emg/io/raw_signal.h) read through a scratch file: the first byte chooses
/// the sample format (ASCII or one of the binary ones) and the interleaved channel count.
int fuzzRawSignal(const std::uint8_t* data, std::size_t size);
/// A BrainVision recording through scratch files: the input up to its first NUL byte is the
/// header (.vhdr), the rest the data file, which the header should name "f.eeg" (binary or ASCII);
/// a small marker file "f.vmrk" is there too. A recording read is then converted to EDF+ (streamed
/// where binary) and the output read back.
int fuzzBrainVision(const std::uint8_t* data, std::size_t size);
}  // namespace emg::fuzz
