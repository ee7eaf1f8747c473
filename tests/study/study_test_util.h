#pragma once
// Shared helpers for the study tests: the source tree's resources and unique temp folders.
#include <filesystem>
#include <random>
#include <string>
#include <unistd.h>

namespace emg::study::test {

inline std::filesystem::path resources() { return std::filesystem::path(EMGWS_SOURCE_DIR) / "resources"; }

/// A fresh folder unique to this process and call (safe under ctest -j).
inline std::filesystem::path tempDir(const std::string& tag) {
    static std::mt19937_64 rng{std::random_device{}()};
    auto dir = std::filesystem::temp_directory_path() /
               ("emgws-study-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(rng() % 1000000000));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

}  // namespace emg::study::test
