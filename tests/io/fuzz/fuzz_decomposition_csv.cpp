// libFuzzer target (clang -fsanitize=fuzzer): the expert decomposition CSV that
// `emgws-cli analyze --test needle --decomposition=FILE.csv` imports. Bad input must end in
// DecompositionFormatError; what parses must hold finite, non-negative, sorted firing times.
#include <emg/needle/decomposition_compare.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto units = emg::needle::parseDecomposition(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
        for (const auto& u : units) {
            if (u.id.empty() || u.firingTimesSec.empty()) __builtin_trap();
            for (double t : u.firingTimesSec)
                if (!std::isfinite(t) || t < 0.0) __builtin_trap();
            if (!std::is_sorted(u.firingTimesSec.begin(), u.firingTimesSec.end())) __builtin_trap();
        }
    } catch (const emg::needle::DecompositionFormatError&) {
    }
    return 0;
}
