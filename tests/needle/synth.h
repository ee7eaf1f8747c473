#pragma once
// Synthetic needle signals with exactly known content for the unit tests (no simulator):
// potentials as sums of Gaussian bumps, placed at chosen times, plus seeded white noise.

#include <cmath>
#include <random>
#include <vector>

namespace needle_test {

struct Bump {
    double tMs;       ///< centre relative to the potential's reference time
    double widthMs;   ///< Gaussian SD
    double uv;        ///< signed height
};

inline double bumpsAt(const std::vector<Bump>& b, double tMs) {
    double v = 0.0;
    for (const auto& x : b) v += x.uv * std::exp(-0.5 * (tMs - x.tMs) * (tMs - x.tMs) / (x.widthMs * x.widthMs));
    return v;
}

/// Adds `scale` x the potential at time `atSec` to x.
inline void place(std::vector<double>& x, double fs, const std::vector<Bump>& b, double atSec, double scale = 1.0) {
    const auto c = static_cast<long>(std::lround(atSec * fs));
    const long half = static_cast<long>(0.040 * fs);
    for (long i = std::max(0L, c - half); i < std::min(static_cast<long>(x.size()), c + half); ++i)
        x[static_cast<std::size_t>(i)] += scale * bumpsAt(b, (static_cast<double>(i) - static_cast<double>(c)) / fs * 1000.0);
}

inline void addNoise(std::vector<double>& x, double rmsUv, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> n(0.0, rmsUv);
    for (auto& v : x) v += n(rng);
}

/// A triphasic fibrillation potential: small positive, sharp negative spike, positive (about 3 ms).
inline std::vector<Bump> fibrillation(double ppUv) {
    return {{-0.7, 0.25, 0.3 * ppUv}, {0.0, 0.18, -0.75 * ppUv}, {0.6, 0.3, 0.25 * ppUv}};
}
/// Positive sharp wave: sharp positive, then a long low negative phase (about 15 ms).
inline std::vector<Bump> positiveSharpWave(double ppUv) {
    return {{0.0, 0.5, 0.85 * ppUv}, {7.0, 4.0, -0.15 * ppUv}};
}
/// A triphasic MUAP of about 10 ms.
inline std::vector<Bump> muap(double ppUv, double widthScale = 1.0) {
    return {{-1.6 * widthScale, 0.7 * widthScale, 0.15 * ppUv}, {0.0, 0.35 * widthScale, -0.7 * ppUv},
            {1.3 * widthScale, 0.7 * widthScale, 0.3 * ppUv}};
}
/// A complex (several spikes, about 12 ms): the repeating unit of a CRD.
inline std::vector<Bump> complexDischarge(double ppUv) {
    return {{-3.0, 0.3, -0.5 * ppUv}, {-2.2, 0.3, 0.3 * ppUv}, {0.0, 0.3, -0.6 * ppUv}, {0.9, 0.3, 0.4 * ppUv},
            {3.0, 0.3, -0.45 * ppUv}, {3.9, 0.3, 0.3 * ppUv}, {6.0, 0.4, -0.3 * ppUv}};
}

}  // namespace needle_test
