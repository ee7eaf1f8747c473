#pragma once
// Helpers for the io tests: a private temp folder, file bytes, synthetic recordings.

#include <emg/core/recording.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

namespace emg::test {

inline std::filesystem::path ioTempDir(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() / ("emgws-io-" + std::to_string(::getpid()) + "-" + name);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

inline std::vector<std::uint8_t> fileBytes(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::vector<std::uint8_t> toBytesOf(const std::string& s) { return {s.begin(), s.end()}; }

inline void writeBytes(const std::filesystem::path& p, const std::vector<std::uint8_t>& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

inline void writeText(const std::filesystem::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
}

/// A synthetic EMG-like channel: a 1 ms biphasic CMAP-like shape every 200 ms on a 50 Hz hum
/// plus Gaussian noise (µV), deterministic.
inline RecordedChannel syntheticChannel(const std::string& label, double rateHz, double seconds, double amplitudeUv,
                                        unsigned seed) {
    RecordedChannel c;
    c.label = label;
    c.sampleRateHz = rateHz;
    c.physicalUnit = "uV";
    c.transducer = "surface electrode";
    c.prefilter = "HP:2Hz LP:10000Hz";
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(0.0, 10.0);
    const auto n = static_cast<std::size_t>(std::llround(rateHz * seconds));
    c.samples.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) / rateHz;
        const double tr = std::fmod(t, 0.2) - 0.005;
        const double cmap = tr > 0 && tr < 0.008 ? amplitudeUv * std::sin(2 * M_PI * tr / 0.008) * std::exp(-tr / 0.004) : 0.0;
        c.samples[i] = cmap + 20.0 * std::sin(2 * M_PI * 50.0 * t) + noise(rng);
    }
    return c;
}

}  // namespace emg::test
