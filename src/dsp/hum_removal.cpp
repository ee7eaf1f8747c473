#include <emg/dsp/hum_removal.h>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace emg::dsp {

namespace {
/// The block fit over `n` samples. `access` gives the originals (beginBlock(start, end, lo, hi),
/// then original(i) for i in [lo, hi) in order, endBlock() after the block whether fitted or
/// skipped) and takes the hum off (subtract(start, end, humAt)); the vector and the streamed
/// version share this, so their numbers are the same bit for bit.
template <class Access>
HumFitResult fitHumBlocks(std::size_t n, double fs, double mainsHz, int harmonics, const std::vector<std::pair<std::size_t, std::size_t>>& excluded,
                          double blockSec, Access& access) {
    if (!(fs > 0.0)) throw std::invalid_argument("hum removal: sample rate must be positive");
    if (!(mainsHz > 0.0) || mainsHz >= 0.45 * fs) throw std::invalid_argument("hum removal: mains frequency out of range");
    if (harmonics < 1 || harmonics > 10) throw std::invalid_argument("hum removal: harmonics must be 1..10");
    if (!(blockSec >= 0.1)) throw std::invalid_argument("hum removal: block must be at least 0.1 s");
    HumFitResult r;
    r.mainsHz = mainsHz;
    int h = 0;
    while (h < harmonics && (h + 1) * mainsHz < 0.45 * fs) ++h;
    r.harmonics = h;
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
    double ampSum = 0.0;
    for (std::size_t start = 0; start < n; start += block) {
        const std::size_t end = std::min(n, start + block);
        const std::size_t lo = start > block / 2 ? start - block / 2 : 0;
        const std::size_t hi = std::min(n, end + block / 2);
        access.beginBlock(start, end, lo, hi);
        struct Done {   // after this block, whether fitted or skipped
            Access& a;
            ~Done() { a.endBlock(); }
        } done{access};
        Eigen::MatrixXd ata = Eigen::MatrixXd::Zero(p, p);
        Eigen::VectorXd atb = Eigen::VectorXd::Zero(p);
        std::size_t used = 0;
        for (std::size_t i = lo; i < hi; ++i) {
            if (!mask[i]) continue;
            fillBasis(i);
            const double v = access.original(i);
            for (int a = 0; a < p; ++a) {
                atb(a) += basis[static_cast<std::size_t>(a)] * v;
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
        access.subtract(start, end, [&](std::size_t i) {
            fillBasis(i);
            double hum = 0.0;
            for (int a = 2; a < p; ++a) hum += c(a) * basis[static_cast<std::size_t>(a)];
            return hum;
        });
    }
    if (r.blocks > r.blocksSkipped) r.meanFundamentalUv = ampSum / static_cast<double>(r.blocks - r.blocksSkipped);
    return r;
}

/// In place on a vector: fit on the original, subtract from x. A block's fit reaches half a
/// block back into samples already corrected, so the originals of the last half block are kept
/// aside (not a copy of x).
struct InPlace {
    std::vector<double>& x;
    std::size_t block;
    std::vector<double> kept, keptNext;
    std::size_t keptFrom = 0, nextFrom = 0, start = 0;
    void beginBlock(std::size_t s, std::size_t end, std::size_t, std::size_t) {
        start = s;
        // the next block's lo (end - block / 2) lies in this block unless this is the last, shorter one
        nextFrom = std::max(start, end > block / 2 ? end - block / 2 : 0);
        keptNext.assign(x.begin() + static_cast<std::ptrdiff_t>(nextFrom), x.begin() + static_cast<std::ptrdiff_t>(end));
    }
    double original(std::size_t i) const { return i < start ? kept[i - keptFrom] : x[i]; }
    template <class HumAt>
    void subtract(std::size_t s, std::size_t end, HumAt&& humAt) {
        for (std::size_t i = s; i < end; ++i) x[i] -= humAt(i);
    }
    void endBlock() {
        kept.swap(keptNext);
        keptFrom = nextFrom;
    }
};

/// Streamed: each block's originals read (lo to hi) through `read`, the hum handed to `take`.
struct Streamed {
    const std::function<void(std::size_t, std::span<double>)>& read;
    const HumSubtractor& take;
    std::vector<double> buf;
    std::size_t lo = 0;
    void beginBlock(std::size_t, std::size_t, std::size_t l, std::size_t hi) {
        lo = l;
        buf.resize(hi - l);
        read(l, std::span<double>(buf));
    }
    double original(std::size_t i) const { return buf[i - lo]; }
    template <class HumAt>
    void subtract(std::size_t s, std::size_t end, HumAt&& humAt) {
        take(s, end, std::function<double(std::size_t)>(humAt));
    }
    void endBlock() {}
};
}  // namespace

HumFitResult subtractHum(std::vector<double>& x, double fs, double mainsHz, int harmonics,
                         const std::vector<std::pair<std::size_t, std::size_t>>& excluded, double blockSec) {
    InPlace access{x, fs > 0.0 && blockSec >= 0.1 ? static_cast<std::size_t>(blockSec * fs) : 1, {}, {}};
    return fitHumBlocks(x.size(), fs, mainsHz, harmonics, excluded, blockSec, access);
}

HumFitResult subtractHum(std::size_t samples, double fs, double mainsHz, int harmonics,
                         const std::vector<std::pair<std::size_t, std::size_t>>& excluded,
                         const std::function<void(std::size_t, std::span<double>)>& read, const HumSubtractor& take, double blockSec) {
    Streamed access{read, take, {}};
    return fitHumBlocks(samples, fs, mainsHz, harmonics, excluded, blockSec, access);
}

}  // namespace emg::dsp
