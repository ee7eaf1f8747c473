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
}  // namespace emg::fuzz
