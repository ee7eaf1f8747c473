// libFuzzer target (clang -fsanitize=fuzzer): see fuzz_entries.h.
#include "fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (emg::fuzz::fuzzBrainVision(data, size) != 0) __builtin_trap();
    return 0;
}
