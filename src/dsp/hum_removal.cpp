#include <emg/dsp/hum_removal.h>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace emg::dsp {

HumFitResult subtractHum(std::vector<double>& x, double fs, double mainsHz, int harmonics,
                         const std::vector<std::pair<std::size_t, std::size_t>>& excluded, double blockSec) {
    if (!(fs > 0.0)) throw std::invalid_argument("hum removal: sample rate must be positive");
    if (!(mainsHz > 0.0) || mainsHz >= 0.45 * fs) throw std::invalid_argument("hum removal: mains frequency out of range");
    if (harmonics < 1 || harmonics > 10) throw std::invalid_argument("hum removal: harmonics must be 1..10");
    if (!(blockSec >= 0.1)) throw std::invalid_argument("hum removal: block must be at least 0.1 s");
    HumFitResult r;
    r.mainsHz = mainsHz;
    int h = 0;
    while (h < harmonics && (h + 1) * mainsHz < 0.45 * fs) ++h;
    r.harmonics = h;
    const std::size_t n = x.size();
    std::vector<bool> mask(n, true);   // true = usable for the fit (a bit a sample)
    for (const auto& [a, b] : excluded)
        for (std::size_t i = a; i < std::min(b, n); ++i) mask[i] = false;
    const auto block = static_cast<std::size_t>(blockSec * fs);
    const int p = 2 + 2 * h;
    const double w = 2.0 * std::numbers::pi * mainsHz / fs;
    std::vector<double> basis(static_cast<std::size_t>(p));
    auto fillBasis = [&](std::size_t i) {
        const double t = static_cast<double>(i);
        basis[0] = 1.0;
        basis[1] = (t - 0.5 * static_cast<double>(n)) / fs;
        for (int k = 1; k <= h; ++k) {
            basis[static_cast<std::size_t>(2 * k)] = std::cos(k * w * t);
            basis[static_cast<std::size_t>(2 * k + 1)] = std::sin(k * w * t);
        }
    };
    // Fit on the original, subtract from x: a block's fit reaches half a block back into samples
    // already corrected, so the originals of the last half block are kept aside (not a copy of x).
    std::vector<double> kept, keptNext;
    std::size_t keptFrom = 0;
    double ampSum = 0.0;
    for (std::size_t start = 0; start < n; start += block) {
        const std::size_t end = std::min(n, start + block);
        const std::size_t lo = start > block / 2 ? start - block / 2 : 0;
        const std::size_t hi = std::min(n, end + block / 2);
        const auto source = [&](std::size_t i) { return i < start ? kept[i - keptFrom] : x[i]; };
        // the next block's lo (end - block / 2) lies in this block unless this is the last, shorter one
        const std::size_t nextFrom = std::max(start, end > block / 2 ? end - block / 2 : 0);
        keptNext.assign(x.begin() + static_cast<std::ptrdiff_t>(nextFrom), x.begin() + static_cast<std::ptrdiff_t>(end));
        struct Rotate {   // after this block, whether fitted or skipped
            std::vector<double>& kept; std::vector<double>& next; std::size_t& from; std::size_t to;
            ~Rotate() { kept.swap(next); from = to; }
        } rotate{kept, keptNext, keptFrom, nextFrom};
        Eigen::MatrixXd ata = Eigen::MatrixXd::Zero(p, p);
        Eigen::VectorXd atb = Eigen::VectorXd::Zero(p);
        std::size_t used = 0;
        for (std::size_t i = lo; i < hi; ++i) {
            if (!mask[i]) continue;
            fillBasis(i);
            for (int a = 0; a < p; ++a) {
                atb(a) += basis[static_cast<std::size_t>(a)] * source(i);
                for (int b = a; b < p; ++b) ata(a, b) += basis[static_cast<std::size_t>(a)] * basis[static_cast<std::size_t>(b)];
            }
            ++used;
        }
        ++r.blocks;
        // Need at least two mains periods of usable data.
        if (static_cast<double>(used) < 2.0 * fs / mainsHz) {
            ++r.blocksSkipped;
            continue;
        }
        for (int a = 0; a < p; ++a)
            for (int b = 0; b < a; ++b) ata(a, b) = ata(b, a);
        const Eigen::VectorXd c = ata.ldlt().solve(atb);
        ampSum += std::hypot(c(2), c(3));
        for (std::size_t i = start; i < end; ++i) {
            fillBasis(i);
            double hum = 0.0;
            for (int a = 2; a < p; ++a) hum += c(a) * basis[static_cast<std::size_t>(a)];
            x[i] -= hum;
        }
    }
    if (r.blocks > r.blocksSkipped) r.meanFundamentalUv = ampSum / static_cast<double>(r.blocks - r.blocksSkipped);
    return r;
}

}  // namespace emg::dsp
