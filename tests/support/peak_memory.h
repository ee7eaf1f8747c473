#pragma once
// Whether a child's peak RSS (ru_maxrss) says anything about the program's memory.

namespace emg::test {

/// Not under AddressSanitizer: its shadow memory and its 256 MB quarantine of freed blocks count in
/// ru_maxrss (~320 MB for a program that only prints an error, 400 MB for the review's paging test),
/// and it reserves terabytes of address space at start. The memory bounds are checked by the
/// uninstrumented build's ctest; the sanitizer run checks the same code for memory errors.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kPeakMemoryMeasurable = false;
#else
inline constexpr bool kPeakMemoryMeasurable = true;
#endif

}  // namespace emg::test
