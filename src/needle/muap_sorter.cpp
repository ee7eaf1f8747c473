#include <emg/needle/muap_sorter.h>
#include <emg/needle/main_spike.h>
#include <emg/needle/muap_measures.h>
#include <emg/needle/signal_tools.h>
#include "detect_peaks.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace emg::needle {

namespace {

struct Cluster {
    std::vector<double> sumLong;      // sum of long windows
    std::vector<double> core;         // current core template
    std::vector<std::size_t> members; // peak indices (aligned)
};

struct Geometry {
    std::size_t coreBefore, coreAfter, longBefore, longAfter;
    int maxLag;
};

void coreOf(const std::vector<double>& longT, const Geometry& g, std::vector<double>& out) {
    const std::size_t off = g.longBefore - g.coreBefore;
    out.assign(longT.begin() + static_cast<std::ptrdiff_t>(off),
               longT.begin() + static_cast<std::ptrdiff_t>(off + g.coreBefore + g.coreAfter));
}

double acceptLimit(const std::vector<double>& core, double sigma, const SortOptions& o) {
    const double n = static_cast<double>(core.size());
    return n * (o.noiseFactor * sigma) * (o.noiseFactor * sigma) + o.relTolerance * o.relTolerance * energy(core);
}

/// Index of the largest |value| within +-radius of i.
template <class Signal>
std::size_t localMax(const Signal& x, std::size_t i, std::size_t radius) {
    const std::size_t a = i > radius ? i - radius : 0, b = std::min(x.size() - 1, i + radius);
    std::size_t best = i;
    for (std::size_t k = a; k <= b; ++k)
        if (std::abs(x[k]) > std::abs(x[best])) best = k;
    return best;
}

template <class Signal>
void addPlaced(Signal& r, const std::vector<double>& longT, std::ptrdiff_t peak, std::size_t before, double sign) {
    using T = std::remove_reference_t<decltype(r[0])>;
    const auto n = static_cast<std::ptrdiff_t>(r.size());
    for (std::size_t k = 0; k < longT.size(); ++k) {
        const std::ptrdiff_t idx = peak - static_cast<std::ptrdiff_t>(before) + static_cast<std::ptrdiff_t>(k);
        if (idx >= 0 && idx < n) r[static_cast<std::size_t>(idx)] = static_cast<T>(r[static_cast<std::size_t>(idx)] + sign * longT[k]);
    }
}

/// The residual r seen through the peel-off tolerance: |r| less the tolerance there (never below
/// 0), with r's sign; computed on demand (no full-length copy).
template <class T>
struct GatedResidual {
    std::span<const T> r, tol;
    std::size_t size() const noexcept { return r.size(); }
    double operator[](std::size_t i) const noexcept {
        const double v = r[i];
        const double a = std::max(0.0, std::abs(v) - static_cast<double>(tol[i]));
        return v < 0 ? -a : a;
    }
};

/// The window [at - before, at + after) of the unit's own signal: the residual r plus the unit's
/// long template placed at each of its (sorted) firings, added in firing order.
template <class T>
void ownWindow(std::span<const T> r, const std::vector<std::size_t>& firings, const std::vector<double>& longT, std::size_t at,
               std::size_t before, std::size_t after, std::vector<double>& out) {
    extractWindow(r, static_cast<std::ptrdiff_t>(at), before, after, out);
    const auto n = static_cast<std::ptrdiff_t>(r.size());
    const auto w0 = static_cast<std::ptrdiff_t>(at) - static_cast<std::ptrdiff_t>(before);
    const auto wlen = static_cast<std::ptrdiff_t>(out.size());
    const std::size_t reach = longT.size() + out.size();
    for (auto it = std::lower_bound(firings.begin(), firings.end(), at > reach ? at - reach : 0);
         it != firings.end() && *it <= at + reach; ++it) {
        for (std::size_t k = 0; k < longT.size(); ++k) {
            const std::ptrdiff_t idx = static_cast<std::ptrdiff_t>(*it) - static_cast<std::ptrdiff_t>(before) + static_cast<std::ptrdiff_t>(k);
            if (idx < 0 || idx >= n) continue;
            const std::ptrdiff_t pos = idx - w0;
            if (pos >= 0 && pos < wlen) out[static_cast<std::size_t>(pos)] += 1.0 * longT[k];
        }
    }
}

/// 2-means of the rows `idx` of W (nearest mean), started from the sign of the first principal
/// component. label[j] is 0/1 for idx[j]; false when one side ends empty.
bool twoMeans(const std::vector<std::vector<double>>& W, const std::vector<std::size_t>& idx, std::vector<char>& label,
              std::vector<double>& m0, std::vector<double>& m1) {
    if (idx.size() < 2) return false;
    const std::size_t L = W[idx[0]].size();
    std::vector<double> mu(L, 0.0);
    for (auto i : idx)
        for (std::size_t k = 0; k < L; ++k) mu[k] += W[i][k];
    for (double& v : mu) v /= static_cast<double>(idx.size());
    // first principal direction by power iteration, started at the row farthest from the mean
    std::vector<double> v(L, 0.0), nv(L);
    double far = -1.0;
    for (auto i : idx) {
        double d = 0.0;
        for (std::size_t k = 0; k < L; ++k) d += (W[i][k] - mu[k]) * (W[i][k] - mu[k]);
        if (d > far) {
            far = d;
            for (std::size_t k = 0; k < L; ++k) v[k] = W[i][k] - mu[k];
        }
    }
    for (int it = 0; it < 30; ++it) {
        std::fill(nv.begin(), nv.end(), 0.0);
        for (auto i : idx) {
            double p = 0.0;
            for (std::size_t k = 0; k < L; ++k) p += (W[i][k] - mu[k]) * v[k];
            for (std::size_t k = 0; k < L; ++k) nv[k] += p * (W[i][k] - mu[k]);
        }
        const double nn = std::sqrt(energy(nv));
        if (!(nn > 0.0)) return false;
        for (std::size_t k = 0; k < L; ++k) v[k] = nv[k] / nn;
    }
    label.assign(idx.size(), 0);
    for (std::size_t j = 0; j < idx.size(); ++j) {
        double p = 0.0;
        for (std::size_t k = 0; k < L; ++k) p += (W[idx[j]][k] - mu[k]) * v[k];
        label[j] = p > 0.0 ? 1 : 0;
    }
    for (int it = 0; it < 30; ++it) {
        m0.assign(L, 0.0);
        m1.assign(L, 0.0);
        std::size_t n0 = 0, n1 = 0;
        for (std::size_t j = 0; j < idx.size(); ++j) {
            auto& m = label[j] ? m1 : m0;
            for (std::size_t k = 0; k < L; ++k) m[k] += W[idx[j]][k];
            (label[j] ? n1 : n0)++;
        }
        if (n0 == 0 || n1 == 0) return false;
        for (double& q : m0) q /= static_cast<double>(n0);
        for (double& q : m1) q /= static_cast<double>(n1);
        bool changed = false;
        for (std::size_t j = 0; j < idx.size(); ++j) {
            double d0 = 0.0, d1 = 0.0;
            for (std::size_t k = 0; k < L; ++k) {
                d0 += (W[idx[j]][k] - m0[k]) * (W[idx[j]][k] - m0[k]);
                d1 += (W[idx[j]][k] - m1[k]) * (W[idx[j]][k] - m1[k]);
            }
            const char l = d1 < d0 ? 1 : 0;
            if (l != label[j]) { label[j] = l; changed = true; }
        }
        if (!changed) break;
    }
    return true;
}

/// Separation of two means found on `fit`, measured on the held-out rows `test`: the held-out rows
/// are classified by the nearer mean and projected on the line through the means; returns the
/// distance between the two groups' mean projections, in µV (0 when a group is nearly empty) and
/// the pooled SD of the projections within the groups.
void heldOutSeparation(const std::vector<std::vector<double>>& W, const std::vector<std::size_t>& fit,
                       const std::vector<std::size_t>& test, double& sepUv, double& sdUv) {
    sepUv = 0.0;
    sdUv = 0.0;
    std::vector<char> label;
    std::vector<double> m0, m1;
    if (!twoMeans(W, fit, label, m0, m1)) return;
    const std::size_t L = m0.size();
    std::vector<double> dir(L), mid(L);
    for (std::size_t k = 0; k < L; ++k) { dir[k] = m1[k] - m0[k]; mid[k] = 0.5 * (m0[k] + m1[k]); }
    const double nd = std::sqrt(energy(dir));
    if (!(nd > 0.0)) return;
    std::vector<double> p0, p1;
    for (auto i : test) {
        double p = 0.0;
        for (std::size_t k = 0; k < L; ++k) p += (W[i][k] - mid[k]) * dir[k];
        p /= nd;
        (p > 0.0 ? p1 : p0).push_back(p);
    }
    if (p0.size() < 2 || p1.size() < 2) return;
    sepUv = mean(p1) - mean(p0);
    const double v0 = stddev(p0), v1 = stddev(p1);
    sdUv = std::sqrt(((static_cast<double>(p0.size()) - 1.0) * v0 * v0 + (static_cast<double>(p1.size()) - 1.0) * v1 * v1) /
                     (static_cast<double>(p0.size() + p1.size()) - 2.0));
}

/// Fraction of intervals between consecutive firings (sample indices) shorter than `shortSamples`.
double shortIntervalFraction(std::vector<std::size_t> t, std::size_t shortSamples) {
    if (t.size() < 2) return 0.0;
    std::sort(t.begin(), t.end());
    std::size_t nShort = 0;
    for (std::size_t i = 1; i < t.size(); ++i) nShort += t[i] - t[i - 1] < shortSamples ? 1 : 0;
    return static_cast<double>(nShort) / static_cast<double>(t.size() - 1);
}

}  // namespace

namespace {
constexpr double kMinDischargeSec = 0.020;   // 50 Hz: shorter intervals are doublets or false firings
constexpr double kMaxDischargeSec = 1.0;     // longer: pauses, or a unit that stopped firing

/// CV of the intervals up to 1.75 x `interval` (longer ones hold a missed firing); 0 below 2 of them.
double cvOfIntervalsUpTo(const std::vector<double>& isi, double interval) {
    std::vector<double> kept;
    for (double v : isi)
        if (v <= 1.75 * interval) kept.push_back(v);
    return kept.size() >= 2 ? stddev(kept) / mean(kept) : 0.0;
}

/// The discharge's own CV, robust to a decomposition's false and missed firings: 1.4826 x the median
/// of |x - T| / T over the intervals read as one discharge (round(x / T) = 1; a false firing splits
/// an interval into one shorter than T/2, left out, and a deviant one the median outweighs; a missed
/// one makes an interval of about 2 T, left out). With fewer than 3 such intervals, the plain CV of
/// the intervals up to 1.75 T.
double robustDischargeCv(const std::vector<double>& isi, double interval) {
    std::vector<double> absR;
    for (double v : isi)
        if (std::round(v / interval) == 1.0) absR.push_back(std::abs(v - interval) / interval);
    return absR.size() >= 3 ? 1.4826 * median(absR) : cvOfIntervalsUpTo(isi, interval);
}
}  // namespace

double dischargeIntervalSec(std::span<const double> times) {
    if (times.size() < 2) return 0.0;
    std::vector<double> t(times.begin(), times.end());
    std::sort(t.begin(), t.end());
    std::vector<double> isi;
    for (std::size_t i = 1; i < t.size(); ++i) isi.push_back(t[i] - t[i - 1]);
    std::vector<double> usable;
    for (double x : isi)
        if (x >= kMinDischargeSec && x <= kMaxDischargeSec) usable.push_back(x);
    if (usable.size() < 6) return median(isi);
    // Each interval read as k discharges of T (k = round(x / T), at most 8): found with probability
    // s each, so k is geometric, s (1 - s)^(k - 1), and the sum of k intervals of variation cv has
    // the SD sqrt(k) cv T. The T whose reading is the most likely (cv and s estimated for each T,
    // a uniform floor for false firings and pauses) on a 1 % grid, then refined to sum x / sum k
    // over the intervals read as one or two discharges.
    constexpr int kMaxK = 8;
    constexpr double kFloorShare = 0.1, kPi2 = 6.283185307179586;
    double bestLl = -std::numeric_limits<double>::infinity(), bestT = 0.0;
    std::vector<double> absR;
    for (double T = kMinDischargeSec; T <= kMaxDischargeSec; T *= 1.01) {
        // the spread from the intervals read as one discharge: a fraction of T would read every
        // interval as a multiple within +-T/2 and seem regular, but it reads none as one discharge
        absR.clear();
        double sumK = 0.0, inliers = 0.0;
        for (double x : usable) {
            // shorter than half an interval (a false firing splitting one) or longer than 8: the floor
            const double k = std::round(x / T);
            if (k < 1.0 || k > kMaxK) continue;
            if (k == 1.0) absR.push_back(std::abs(x - T) / T);
            sumK += k;
            inliers += 1.0;
        }
        if (absR.size() < 3) continue;
        const double cv = std::max(0.04, 1.4826 * median(absR));
        const double found = std::min(1.0, inliers / sumK);
        double ll = 0.0;
        for (double x : usable) {
            const double k = std::round(x / T);
            double density = 0.0;
            if (k >= 1.0 && k <= kMaxK) {
                const double z = (x - k * T) / (std::sqrt(k) * T * cv);
                density = found * std::pow(1.0 - found, k - 1.0) * std::exp(-0.5 * z * z) / (std::sqrt(kPi2 * k) * T * cv);
            }
            ll += std::log((1.0 - kFloorShare) * density + kFloorShare / (kMaxDischargeSec - kMinDischargeSec));
        }
        if (ll > bestLl) {
            bestLl = ll;
            bestT = T;
        }
    }
    if (bestT <= 0.0) return median(isi);
    // a train that fires at T reads a good part of its intervals as one discharge (a third or more
    // for the units of a real record against an expert's decomposition); an irregular train (an
    // overlap variant, a mixture of units) reads few: its median interval is all it has
    const auto one = std::count_if(usable.begin(), usable.end(), [&](double x) { return x >= 0.5 * bestT && x < 1.5 * bestT; });
    if (static_cast<double>(one) < 0.2 * static_cast<double>(usable.size())) return median(isi);
    // refined on every interval read as k discharges (the sum of k intervals: T = sum x / sum k)
    for (int iter = 0; iter < 3; ++iter) {
        double sumX = 0.0, sumK = 0.0;
        for (double x : usable) {
            const double k = std::max(1.0, std::round(x / bestT));
            if (k <= 2.0 && std::abs(x / k - bestT) <= 0.3 * bestT) {
                sumX += x;
                sumK += k;
            }
        }
        if (sumK < 3.0) break;
        bestT = sumX / sumK;
    }
    return bestT;
}

double perDischargeIntervalSec(double x, double interval) {
    if (!(interval > 0.0)) return x;
    return x / std::max(1.0, std::round(x / interval));
}

void firingStatistics(std::span<const double> t, double& meanRateHz, double& rateCv) {
    meanRateHz = 0.0;
    rateCv = 0.0;
    if (t.size() < 2) return;
    std::vector<double> isi;
    for (std::size_t i = 1; i < t.size(); ++i) isi.push_back(t[i] - t[i - 1]);
    const double interval = dischargeIntervalSec(t);
    if (interval <= 0) return;
    meanRateHz = 1.0 / interval;
    rateCv = cvOfIntervalsUpTo(isi, interval);
}

namespace {

/// Clean firings the stability of a unit is measured on (evenly spread over a longer train).
constexpr std::size_t kMaxStabilityFirings = 256;
/// Unit::superimposed of a firing found where the unit's train predicted it (fillTrainGaps): inside
/// a superimposition the peel-off did not resolve, so it counts for the train, not for the shape.
constexpr char kPredicted = 2;
/// The median of a chi-square variable of one degree of freedom (a Gaussian's squared deviation over its variance).
constexpr double kMedianChiSquare1 = 0.4549;

/// A unit of the peel-off: its templates, its acceptance limit and tolerance, its firings.
struct Unit {
    std::vector<double> longT, core;
    double coreLimit;
    double relTol;
    std::vector<std::size_t> firings;
    std::vector<char> superimposed;   ///< 0 clean, 1 superimposed (resolved), kPredicted: found where the train predicted it
    int parts = 1;   ///< templates merged into this one by their trains
    bool overlapVariant = false;   ///< seen almost only in superimpositions, firing irregularly: not a unit
};

/// The sort of one signal, step by step; the steps share the signal, the geometry, the noise and
/// the clusters/units found so far. x: the signal, used as the residual of the peel-off from step 2
/// on (overwritten).
template <class T>
class Sorter {
public:
    Sorter(std::span<T> signal, double sampleRateHz, const SortOptions& options)
        : x(signal), fs(sampleRateHz), o(options), r(signal) {}

    SortResult run() {
        if (!(fs > 0.0) || !std::isfinite(fs)) throw std::invalid_argument("sortMotorUnits: sample rate must be > 0");
        if (!detectCandidates()) return res;
        // ---- 1. templates from isolated potentials (leader clustering, largest first) ----
        findIsolated();
        clusterIsolated();
        std::erase_if(clusters, [&](const Cluster& c) { return c.members.size() < o.minFirings; });
        dropCompoundTemplates();
        makeUnits();
        widenUnstableTolerances();
        if (units.empty()) {
            res.unassigned = peaks.size();
            return res;
        }
        // ---- 2. template matching with peel-off ----
        peelOff();
        // what remains above threshold is unexplained
        res.unassigned = gatedPeaks().size();
        // ---- 3. units: order firings, mark overlaps, recompute templates on x minus the other units ----
        orderFirings();
        if (o.mergeComplementaryTrains) mergeComplementaryUnits();
        markOverlaps();
        // overlap variants are judged on the trains the peel-off found: a prediction would make a
        // mixture's train look regular
        for (auto& u : units) u.overlapVariant = isOverlapVariant(u);
        // an overlap variant is not a unit: what it explained goes back to the residual, where the
        // units' train predictions may find their own potentials in it, and its firings count as
        // unassigned
        for (auto& u : units)
            if (u.overlapVariant) {
                for (auto f : u.firings) addPlaced(r, u.longT, static_cast<std::ptrdiff_t>(f), g.longBefore, 1.0);
                res.unassigned += u.firings.size();
                u.firings.clear();
                u.superimposed.clear();
            }
        if (o.fillTrainGaps) {
            fillTrainGaps();
            markOverlaps();
        }
        collectUnits();
        std::sort(res.units.begin(), res.units.end(), [](const MotorUnit& a, const MotorUnit& b) { return a.firstFiringSec < b.firstFiringSec; });
        for (std::size_t i = 0; i < res.units.size(); ++i) res.units[i].id = static_cast<int>(i) + 1;
        spdlog::debug("needle sort: {} candidates, {} units, {} assigned ({} superimposed), {} unassigned, noise {:.1f} uV",
                      res.candidates, res.units.size(), res.assigned, res.superimposed, res.unassigned, sigma);
        return res;
    }

private:
    std::span<T> x;
    const double fs;
    const SortOptions& o;
    const std::span<T> r;   // the residual of step 2: x, in place
    Geometry g{};
    double sigma = 0.0, thr = 0.0;
    SortResult res;
    std::vector<Peak> peaks;
    std::vector<std::size_t> isolated;
    std::vector<Cluster> clusters;
    std::vector<Unit> units;
    std::vector<double> w;        // scratch window
    std::vector<T> tol;           // peel-off tolerance per sample (step 2)
    std::vector<double> before;   // scratch: the window a candidate is matched in
    std::vector<double> trial;    // scratch: the window of a pair trial

    std::size_t ms(double v) const { return static_cast<std::size_t>(std::lround(v * 1e-3 * fs)); }

    /// Window geometry, noise, threshold and the candidate peaks; false when there is nothing to sort.
    bool detectCandidates() {
        g = Geometry{std::max<std::size_t>(2, ms(o.coreBeforeMs)), std::max<std::size_t>(3, ms(o.coreAfterMs)),
                     ms(o.templateBeforeMs), ms(o.templateAfterMs), std::max(1, static_cast<int>(ms(o.maxLagMs)))};
        g.longBefore = std::max(g.longBefore, g.coreBefore);
        g.longAfter = std::max(g.longAfter, g.coreAfter);
        if (x.size() < g.longBefore + g.longAfter) return false;

        sigma = std::max(robustNoiseUv(x, fs), 1e-6);
        thr = std::max(o.thresholdSigma * sigma, o.minThresholdUv);
        res.noiseUv = sigma;
        res.thresholdUv = thr;
        // rise criterion: the potential must climb to threshold within ~1 ms (near, sharp potentials)
        peaks = detectPeaks(x, fs, thr, 1.5, thr / 1.0);
        res.candidates = peaks.size();
        return !peaks.empty();
    }

    /// The candidates with no other candidate within isolationMs, largest first.
    void findIsolated() {
        const std::size_t iso = ms(o.isolationMs);
        for (std::size_t i = 0; i < peaks.size(); ++i) {
            const bool prevFar = i == 0 || peaks[i].index - peaks[i - 1].index > iso;
            const bool nextFar = i + 1 == peaks.size() || peaks[i + 1].index - peaks[i].index > iso;
            if (prevFar && nextFar) isolated.push_back(peaks[i].index);
        }
        std::sort(isolated.begin(), isolated.end(), [&](std::size_t a, std::size_t b) { return std::abs(x[a]) > std::abs(x[b]); });
    }

    /// Sweep 0 builds clusters (leader clustering) and merges matching ones; later sweeps reassign
    /// every isolated potential to the templates and split merged clusters until nothing splits.
    void clusterIsolated() {
        for (int sweep = 0; sweep < 2 + o.maxSplitRounds; ++sweep) {
            if (sweep >= 1) {
                // second sweep: reassign every isolated potential to the frozen templates of the first
                for (auto& c : clusters) { c.members.clear(); std::fill(c.sumLong.begin(), c.sumLong.end(), 0.0); }
            }
            assignIsolated(sweep);
            if (sweep == 0) {
                mergeMatchingClusters();
                std::erase_if(clusters, [&](const Cluster& c) { return c.members.size() < 2; });
            } else if (!splitMerged()) {
                break;   // nothing split: the assignment of this sweep stands
            }
        }
    }

    /// Each isolated potential joins the best-matching cluster at its best lag; in sweep 0 an
    /// unmatched one starts a new cluster and each member updates its cluster's core template.
    void assignIsolated(int sweep) {
        for (std::size_t pk : isolated) {
            int bestC = -1, bestLag = 0;
            double bestE = 0.0;
            for (std::size_t c = 0; c < clusters.size(); ++c) {
                int lag = 0;
                const double limit = acceptLimit(clusters[c].core, sigma, o);
                const double e = bestLagErrorBelow(x, static_cast<std::ptrdiff_t>(pk), clusters[c].core, g.coreBefore, g.maxLag,
                                                   bestC < 0 ? limit : std::min(limit, bestE), lag);
                if (e <= limit && (bestC < 0 || e < bestE)) {
                    bestC = static_cast<int>(c); bestE = e; bestLag = lag;
                }
            }
            const auto at = static_cast<std::ptrdiff_t>(pk) + bestLag;
            extractWindow(x, at, g.longBefore, g.longAfter, w);
            if (bestC < 0) {
                if (sweep >= 1) continue;
                Cluster c;
                c.sumLong = w;
                c.members.push_back(static_cast<std::size_t>(at));
                coreOf(w, g, c.core);
                clusters.push_back(std::move(c));
            } else {
                auto& c = clusters[static_cast<std::size_t>(bestC)];
                for (std::size_t k = 0; k < w.size(); ++k) c.sumLong[k] += w[k];
                c.members.push_back(static_cast<std::size_t>(at));
                if (sweep == 0) {
                    std::vector<double> avg(c.sumLong);
                    for (double& v : avg) v /= static_cast<double>(c.members.size());
                    coreOf(avg, g, c.core);
                }
            }
        }
    }

    /// Merge clusters whose templates match each other.
    void mergeMatchingClusters() {
        for (std::size_t a = 0; a < clusters.size(); ++a) {
            for (std::size_t b = a + 1; b < clusters.size();) {
                std::vector<double> longA(clusters[a].sumLong);
                for (double& v : longA) v /= static_cast<double>(clusters[a].members.size());
                int lag = 0;
                std::vector<double> coreB = clusters[b].core;
                const double e = bestLagError(longA, static_cast<std::ptrdiff_t>(g.longBefore), coreB, g.coreBefore, g.maxLag, lag);
                // both are averages: they are the same unit when they differ by no more than the
                // noise of two averages (plus the relative tolerance); at high noise the limit for
                // one potential would merge distinct small units
                const double nAvg = std::min(1.0, 1.0 / static_cast<double>(clusters[a].members.size()) +
                                                      1.0 / static_cast<double>(clusters[b].members.size()));
                const double limit = nAvg * static_cast<double>(coreB.size()) * (o.noiseFactor * sigma) * (o.noiseFactor * sigma) +
                                     o.relTolerance * o.relTolerance * energy(clusters[a].core);
                if (e <= limit && lag == 0) {
                    for (std::size_t k = 0; k < clusters[a].sumLong.size(); ++k) clusters[a].sumLong[k] += clusters[b].sumLong[k];
                    clusters[a].members.insert(clusters[a].members.end(), clusters[b].members.begin(), clusters[b].members.end());
                    std::vector<double> avg(clusters[a].sumLong);
                    for (double& v : avg) v /= static_cast<double>(clusters[a].members.size());
                    coreOf(avg, g, clusters[a].core);
                    clusters.erase(clusters.begin() + static_cast<std::ptrdiff_t>(b));
                } else {
                    ++b;
                }
            }
        }
    }

    // A cluster may hold two or more similar units: at high noise the acceptance limit is wider
    // than the difference between small templates. Such a cluster fires irregularly with intervals
    // too short for one unit (a motor unit at weak effort fires at 5-20 Hz, interval CV 0.1-0.3, so
    // intervals < shortIsiMs are rare), and its members fall into two groups whose means differ by
    // more than noise explains. Split by 2-means on the aligned core windows when (a) the cluster's
    // train has >= minShortIsiFraction (and >= 2) short intervals and each part has fewer, (b) both
    // parts have >= minFirings members, and (c) the split found on one half of the members (alternate
    // members) separates the other half by >= splitSeparationSd x the pooled SD of the projections
    // and >= splitSeparationSigma x sigma, both ways round: held out, because 2-means overfits noise
    // in many dimensions (on pure noise the held-out separation is ~2.7 SD and ~1.6 sigma). The
    // parts are then reassigned like any template, and split again if need be.
    bool splitMerged() {
        bool any = false;
        const std::size_t shortIsi = ms(o.shortIsiMs);
        std::vector<Cluster> added;
        for (auto& c : clusters) {
            const std::size_t n = c.members.size();
            if (n < 2 * o.minFirings) continue;
            const double fParent = shortIntervalFraction(c.members, shortIsi);
            if (fParent < o.minShortIsiFraction || fParent * static_cast<double>(n - 1) < 1.5) continue;
            std::vector<std::vector<double>> W(n);
            for (std::size_t i = 0; i < n; ++i) extractWindow(x, static_cast<std::ptrdiff_t>(c.members[i]), g.coreBefore, g.coreAfter, W[i]);
            std::vector<std::size_t> all(n), even, odd;
            std::iota(all.begin(), all.end(), 0);
            for (std::size_t i = 0; i < n; ++i) (i % 2 ? odd : even).push_back(i);
            std::vector<char> label;
            std::vector<double> m0, m1;
            if (!twoMeans(W, all, label, m0, m1)) continue;
            std::vector<std::size_t> t0, t1;
            for (std::size_t i = 0; i < n; ++i) (label[i] ? t1 : t0).push_back(c.members[i]);
            if (t0.size() < o.minFirings || t1.size() < o.minFirings) continue;
            double sA = 0, dA = 0, sB = 0, dB = 0;
            heldOutSeparation(W, even, odd, sA, dA);
            heldOutSeparation(W, odd, even, sB, dB);
            const double f0 = shortIntervalFraction(t0, shortIsi), f1 = shortIntervalFraction(t1, shortIsi);
            const bool separated = std::min(sA, sB) >= o.splitSeparationSigma * sigma && sA >= o.splitSeparationSd * dA &&
                                   sB >= o.splitSeparationSd * dB;
            const bool regular = std::max(f0, f1) < fParent;
            spdlog::debug("needle sort: split test n={} ({}+{}) held-out sep {:.0f}/{:.0f} uV (sd {:.0f}/{:.0f}, sigma {:.1f}), "
                          "short ISI {:.2f} -> {:.2f}/{:.2f}: {}",
                          n, t0.size(), t1.size(), sA, sB, dA, dB, sigma, fParent, f0, f1, separated && regular ? "split" : "kept");
            if (!separated || !regular) continue;
            added.push_back(splitCluster(c, label, t0, t1));
            any = true;
        }
        for (auto& b : added) clusters.push_back(std::move(b));
        return any;
    }

    /// Split c by label: c keeps the members t0 (label 0), the returned cluster takes t1.
    Cluster splitCluster(Cluster& c, const std::vector<char>& label, const std::vector<std::size_t>& t0,
                         const std::vector<std::size_t>& t1) {
        const std::size_t n = c.members.size();
        Cluster b;
        b.sumLong.assign(c.sumLong.size(), 0.0);
        c.sumLong.assign(c.sumLong.size(), 0.0);
        for (std::size_t i = 0; i < n; ++i) {
            extractWindow(x, static_cast<std::ptrdiff_t>(c.members[i]), g.longBefore, g.longAfter, w);
            auto& dst = label[i] ? b.sumLong : c.sumLong;
            for (std::size_t k = 0; k < w.size(); ++k) dst[k] += w[k];
        }
        c.members = t0;
        b.members = t1;
        for (auto* q : {&c, &b}) {
            std::vector<double> avg(q->sumLong);
            for (double& v : avg) v /= static_cast<double>(q->members.size());
            coreOf(avg, g, q->core);
        }
        return b;
    }

    // a cluster of repeated superimpositions (two units firing with a fixed lag several times) is
    // not a unit: drop a template that two other templates explain together
    void dropCompoundTemplates() {
        std::vector<std::vector<double>> longs;
        for (const auto& c : clusters) {
            std::vector<double> l(c.sumLong);
            for (double& v : l) v /= static_cast<double>(c.members.size());
            longs.push_back(std::move(l));
        }
        const int wide = static_cast<int>(ms(4.0));
        std::vector<char> compound(clusters.size(), 0);
        for (std::size_t c = 0; c < clusters.size(); ++c) {
            std::vector<double> core;
            coreOf(longs[c], g, core);
            for (std::size_t a = 0; a < clusters.size() && !compound[c]; ++a) {
                if (a == c || compound[a]) continue;
                int la = 0;
                const double ea = bestLagError(longs[c], static_cast<std::ptrdiff_t>(g.longBefore), clusters[a].core, g.coreBefore, wide, la);
                if (ea >= energy(core)) continue;
                std::vector<double> rest(longs[c]);
                addPlaced(rest, longs[a], static_cast<std::ptrdiff_t>(g.longBefore) + la, g.longBefore, -1.0);
                // a alone explaining c is a similar unit (kept apart by the split), not a superimposition
                std::vector<double> restCore;
                coreOf(rest, g, restCore);
                if (energy(restCore) <= acceptLimit(core, sigma, o)) continue;
                for (std::size_t b = 0; b < clusters.size() && !compound[c]; ++b) {
                    if (b == c || b == a || compound[b]) continue;
                    if (explainsRest(longs, core, rest, c, a, b, wide)) compound[c] = 1;
                }
            }
        }
        std::size_t k = 0;
        std::erase_if(clusters, [&](const Cluster&) { return compound[k++] != 0; });
    }

    /// Whether b explains `rest` (template c less a placed a) within the noise of the three averages,
    /// and b alone does not explain c.
    bool explainsRest(const std::vector<std::vector<double>>& longs, const std::vector<double>& core,
                      const std::vector<double>& rest, std::size_t c, std::size_t a, std::size_t b, int wide) const {
        // templates are averages: what remains of c must be within the noise of the three
        // averages (plus the usual relative tolerance), not within one potential's noise
        // (at high noise that would let two small templates "explain" any third)
        const double nAvg = 1.0 / static_cast<double>(clusters[c].members.size()) +
                            1.0 / static_cast<double>(clusters[a].members.size()) +
                            1.0 / static_cast<double>(clusters[b].members.size());
        const double limit = std::min(1.0, nAvg) * static_cast<double>(core.size()) * (o.noiseFactor * sigma) * (o.noiseFactor * sigma) +
                             o.relTolerance * o.relTolerance * energy(core);
        int lb = 0;
        bestLagError(rest, static_cast<std::ptrdiff_t>(g.longBefore), clusters[b].core, g.coreBefore, wide, lb);
        std::vector<double> rest2(rest);
        addPlaced(rest2, longs[b], static_cast<std::ptrdiff_t>(g.longBefore) + lb, g.longBefore, -1.0);
        std::vector<double> rc;
        // b alone explaining c (a contributing nothing) is a similar unit too
        std::vector<double> onlyB(longs[c]);
        addPlaced(onlyB, longs[b], static_cast<std::ptrdiff_t>(g.longBefore) + lb, g.longBefore, -1.0);
        coreOf(onlyB, g, rc);
        if (energy(rc) <= acceptLimit(core, sigma, o)) return false;
        coreOf(rest2, g, rc);
        return energy(rc) <= limit;
    }

    /// One unit per cluster: its average long and core templates, the default tolerance.
    void makeUnits() {
        for (auto& c : clusters) {
            Unit u;
            u.longT = c.sumLong;
            for (double& v : u.longT) v /= static_cast<double>(c.members.size());
            coreOf(u.longT, g, u.core);
            u.coreLimit = acceptLimit(u.core, sigma, o);
            u.relTol = o.relTolerance;
            units.push_back(std::move(u));
        }
    }

    // unstable units (jiggle, blocking) vary more than the fixed tolerance allows: estimate each
    // unit's own firing-to-firing variability from the isolated potentials that are unambiguously
    // nearest to it (loosely matched, at least 2x better than any other unit) and widen its
    // tolerance to twice its median relative misfit (never below the default, at most 0.35)
    void widenUnstableTolerances() {
        if (units.size() < 1) return;
        std::vector<std::vector<double>> rel(units.size());
        for (std::size_t pk : isolated) {
            double e1 = 1e300, e2 = 1e300;
            std::size_t u1 = 0;
            for (std::size_t u = 0; u < units.size(); ++u) {
                int lag = 0;
                const double e = bestLagErrorBelow(x, static_cast<std::ptrdiff_t>(pk), units[u].core, g.coreBefore, g.maxLag, e2, lag);
                if (e < e1) { e2 = e1; e1 = e; u1 = u; } else if (e < e2) { e2 = e; }
            }
            const double tE = energy(units[u1].core);
            const double noiseE = static_cast<double>(units[u1].core.size()) * sigma * sigma;
            if (e1 <= noiseE * 2.25 + 0.35 * 0.35 * tE && e1 * 2.0 <= e2) rel[u1].push_back(std::max(0.0, e1 - noiseE) / tE);
        }
        for (std::size_t u = 0; u < units.size(); ++u) {
            if (rel[u].size() < 5) continue;
            const double tol = std::clamp(2.0 * std::sqrt(median(rel[u])), o.relTolerance, 0.35);
            units[u].relTol = tol;
            const double n = static_cast<double>(units[u].core.size());
            units[u].coreLimit = n * (o.noiseFactor * sigma) * (o.noiseFactor * sigma) + tol * tol * energy(units[u].core);
        }
    }

    /// Peaks of the residual above threshold plus the peel-off tolerance.
    std::vector<Peak> gatedPeaks() const {
        auto pk = detectPeaksIn(GatedResidual<T>{r, tol}, fs, thr, 1.5, thr / 1.0, 0.1);
        for (auto& p : pk) p.valueUv = r[p.index];
        return pk;
    }

    // where a template was subtracted, what remains of the unit's own variability (jiggle, jitter)
    // is not a new potential: residual peaks there must pass threshold + 20 % of that template's
    // local amplitude (its largest |value| within +-1 ms, so jitter on the flanks of the spike is
    // covered); 20 % of the template's peak all along its low phases hid small units overlapping them
    void markTolerance(const std::vector<double>& longT, std::ptrdiff_t peak) {
        double pkAbs = 0.0;
        for (double v : longT) pkAbs = std::max(pkAbs, std::abs(v));
        const auto n = static_cast<std::ptrdiff_t>(tol.size());
        const std::size_t h = std::max<std::size_t>(1, ms(1.0));
        for (std::size_t k = 0; k < longT.size(); ++k) {
            if (std::abs(longT[k]) < 0.05 * pkAbs) continue;
            double env = 0.0;
            for (std::size_t j = k > h ? k - h : 0; j < std::min(longT.size(), k + h + 1); ++j) env = std::max(env, std::abs(longT[j]));
            const std::ptrdiff_t idx = peak - static_cast<std::ptrdiff_t>(g.longBefore) + static_cast<std::ptrdiff_t>(k);
            if (idx >= 0 && idx < n)
                tol[static_cast<std::size_t>(idx)] = std::max(tol[static_cast<std::size_t>(idx)], static_cast<T>(0.2 * env));
        }
    }

    /// Subtract unit u's long template placed at `placed` from the residual and record the firing.
    void peelUnit(Unit& u, std::ptrdiff_t placed, char superimposed) {
        addPlaced(r, u.longT, placed, g.longBefore, -1.0);
        markTolerance(u.longT, placed);
        u.firings.push_back(static_cast<std::size_t>(placed));
        u.superimposed.push_back(superimposed);
    }

    /// Peel-off passes over the candidates (pass 0: the detected peaks, then the residual's),
    /// largest first, until a pass matches nothing.
    void peelOff() {
        tol.assign(x.size(), T{0});
        for (int pass = 0; pass < o.passes; ++pass) {
            auto cand = pass == 0 ? peaks : gatedPeaks();
            std::sort(cand.begin(), cand.end(), [](const Peak& a, const Peak& b) { return std::abs(a.valueUv) > std::abs(b.valueUv); });
            std::size_t matched = 0;
            for (const auto& pk : cand)
                if (matchCandidate(pk, pass)) ++matched;
            if (matched == 0) break;
        }
    }

    /// Match one candidate to the best unit (clean, or partial in a superimposition) or to a pair of
    /// units, and peel it off; false when nothing matched.
    bool matchCandidate(const Peak& pk, int pass) {
        const std::size_t at = localMax(r, pk.index, ms(0.5));
        if (std::abs(r[at]) < thr + tol[at]) return false;   // explained by a template already peeled
        int bestU = -1, bestLag = 0;
        double bestE = 0.0;
        for (std::size_t u = 0; u < units.size(); ++u) {
            int lag = 0;
            const double e = bestLagErrorBelow(r, static_cast<std::ptrdiff_t>(at), units[u].core, g.coreBefore, g.maxLag,
                                               bestU < 0 ? std::numeric_limits<double>::infinity() : bestE, lag);
            if (bestU < 0 || e < bestE) { bestU = static_cast<int>(u); bestE = e; bestLag = lag; }
        }
        auto& u = units[static_cast<std::size_t>(bestU)];
        extractWindow(r, static_cast<std::ptrdiff_t>(at) + bestLag, g.coreBefore, g.coreAfter, before);
        const double eBefore = energy(before);
        const bool clean = bestE <= u.coreLimit;
        // a superimposition: the best template explains most of the window, the rest is another unit
        bool partial = !clean && bestE <= 0.75 * eBefore && energy(u.core) >= 0.25 * eBefore;
        // ... and its main spike (+-0.4 ms) must match as closely as a clean match would
        if (partial) partial = mainSpikeMatches(u);
        if (!clean && !partial) {
            // two units overlapping with neither dominant: place each template at its best lag
            // within +-3 ms, subtract it, and accept the pair if the rest is a clean match
            if (tryPair(at)) return true;
            return o.levelForgivingMatch && tryOnSlowLevel(at);
        }
        peelUnit(u, static_cast<std::ptrdiff_t>(at) + bestLag, static_cast<char>(pass > 0 || partial));
        return true;
    }

    /// Whether the window `before` matches u's core within +-0.4 ms of the main spike as closely
    /// as a clean match would.
    bool mainSpikeMatches(const Unit& u) const {
        const auto sp = spikeRegion(u);
        double ec = 0.0;
        for (std::size_t k = sp.begin; k < sp.end; ++k) ec += (before[k] - u.core[k]) * (before[k] - u.core[k]);
        return ec <= sp.limit;
    }

    /// The main spike's samples in u's core (+-0.4 ms about its peak) and the error a clean match
    /// allows over them (noise plus the unit's relative tolerance of the spike's energy).
    struct SpikeRegion {
        std::size_t begin = 0, end = 0;
        double limit = 0.0;
    };
    SpikeRegion spikeRegion(const Unit& u) const {
        const std::size_t h = std::max<std::size_t>(1, ms(0.4));
        SpikeRegion sp{g.coreBefore - std::min(h, g.coreBefore), std::min(u.core.size(), g.coreBefore + h + 1), 0.0};
        double et = 0.0;
        for (std::size_t k = sp.begin; k < sp.end; ++k) et += u.core[k] * u.core[k];
        const auto n = static_cast<double>(sp.end - sp.begin);
        sp.limit = n * (o.noiseFactor * sigma) * (o.noiseFactor * sigma) + u.relTol * u.relTol * et;
        return sp;
    }

    /// A unit firing on another unit's slow potential: the level under the core window is not the
    /// baseline (a slow potential of 10-20 ms moves it by a straight line's worth across the 6.5 ms
    /// core) and may have made another phase the largest, so the candidate's peak is not the
    /// spike. Each unit is tried with its peak on each local extremum of its kind within
    /// +-levelLagMs of the candidate (+-2 samples), on the window less the straight line that best
    /// fits window minus template; a clean match there is peeled off (the level stays in the
    /// residual: it belongs to the other unit). False when no unit matches cleanly.
    bool tryOnSlowLevel(std::size_t at) {
        const auto wide = static_cast<std::ptrdiff_t>(std::max<std::size_t>(1, ms(o.levelLagMs)));
        const auto n = static_cast<std::ptrdiff_t>(r.size());
        const auto c = static_cast<std::ptrdiff_t>(at);
        if (c - wide < 1 || c + wide + 1 >= n) return false;
        // the spike is a local extremum of its own kind whatever the level: the lags tried are those
        // that put the template's peak on a local minimum (a negative peak) or maximum, +-2 samples
        int bestU = -1;
        std::ptrdiff_t bestAt = 0;
        double bestE = std::numeric_limits<double>::infinity();
        for (std::size_t ui = 0; ui < units.size(); ++ui) {
            const auto& core = units[ui].core;
            const bool negative = core[g.coreBefore] < 0.0;
            // the main spike less its own level must match first, as closely as a clean match would
            // (mainSpikeMatches): a cheap test that turns most lags away before the whole window
            const auto sp = spikeRegion(units[ui]);
            const auto ns = static_cast<double>(sp.end - sp.begin);
            const auto len = static_cast<double>(core.size());
            const double kMean = (len - 1.0) / 2.0;
            double kVar = 0.0;
            for (std::size_t k = 0; k < core.size(); ++k) kVar += (static_cast<double>(k) - kMean) * (static_cast<double>(k) - kMean);
            std::ptrdiff_t lastTried = std::numeric_limits<std::ptrdiff_t>::min();
            for (auto e = c - wide; e <= c + wide; ++e) {
                if (!isResidualExtremum(e, negative)) continue;
                for (auto p = std::max(e - 2, lastTried + 1); p <= e + 2; ++p) {
                    lastTried = p;
                    const auto start = p - static_cast<std::ptrdiff_t>(g.coreBefore);
                    if (start < 0 || start + static_cast<std::ptrdiff_t>(core.size()) > n) continue;
                    double ss = 0.0, sss = 0.0;
                    for (std::size_t k = sp.begin; k < sp.end; ++k) {
                        const double d = static_cast<double>(r[static_cast<std::size_t>(start) + k]) - core[k];
                        ss += d;
                        sss += d * d;
                    }
                    if (sss - ss * ss / ns > sp.limit) continue;
                    // least-squares line through d = window - template: sum d^2 less what the line explains
                    double sd = 0.0, sdd = 0.0, skd = 0.0;
                    for (std::size_t k = 0; k < core.size(); ++k) {
                        const double d = static_cast<double>(r[static_cast<std::size_t>(start) + k]) - core[k];
                        sd += d;
                        sdd += d * d;
                        skd += (static_cast<double>(k) - kMean) * d;
                    }
                    const double err = sdd - sd * sd / len - (kVar > 0.0 ? skd * skd / kVar : 0.0);
                    if (err <= units[ui].coreLimit && err < bestE) { bestE = err; bestU = static_cast<int>(ui); bestAt = p; }
                }
            }
        }
        if (bestU < 0) return false;
        peelUnit(units[static_cast<std::size_t>(bestU)], bestAt, 1);
        return true;
    }

    /// Whether the residual at i (0 < i < size - 1) is a local minimum (a negative peak) or maximum.
    bool isResidualExtremum(std::ptrdiff_t i, bool minimum) const {
        const double v = r[static_cast<std::size_t>(i)], p = r[static_cast<std::size_t>(i - 1)], q = r[static_cast<std::size_t>(i + 1)];
        return minimum ? (v <= p && v < q) : (v >= p && v > q);
    }

    /// Two units overlapping at `at`: a at its best lag within +-3 ms, subtracted, must leave a clean
    /// match of another unit b, and a must match cleanly once b is gone; both are then peeled off.
    bool tryPair(std::size_t at) {
        const int wide = static_cast<int>(ms(3.0));
        const auto lo = static_cast<std::ptrdiff_t>(at) - static_cast<std::ptrdiff_t>(g.coreBefore) - wide;
        const auto hi = static_cast<std::ptrdiff_t>(at) + static_cast<std::ptrdiff_t>(g.coreAfter) + wide;
        if (lo < 0 || hi >= static_cast<std::ptrdiff_t>(r.size())) return false;
        for (std::size_t a = 0; a < units.size(); ++a) {
            int la = 0;
            bestLagError(r, static_cast<std::ptrdiff_t>(at), units[a].core, g.coreBefore, wide, la);
            const auto pa = static_cast<std::ptrdiff_t>(at) + la;
            trial.assign(r.begin() + lo, r.begin() + hi + 1);
            // subtract a's core template from the trial window
            for (std::size_t k = 0; k < units[a].core.size(); ++k) {
                const auto idx = pa - static_cast<std::ptrdiff_t>(g.coreBefore) + static_cast<std::ptrdiff_t>(k) - lo;
                if (idx >= 0 && idx < static_cast<std::ptrdiff_t>(trial.size())) trial[static_cast<std::size_t>(idx)] -= units[a].core[k];
            }
            // the largest remaining peak must be a clean match of another unit
            std::size_t m = 0;
            for (std::size_t k = 1; k < trial.size(); ++k)
                if (std::abs(trial[k]) > std::abs(trial[m])) m = k;
            if (std::abs(trial[m]) < thr) continue;
            for (std::size_t b = 0; b < units.size(); ++b) {
                if (b == a) continue;
                int lb = 0;
                const double eb =
                    bestLagErrorBelow(trial, static_cast<std::ptrdiff_t>(m), units[b].core, g.coreBefore, g.maxLag, units[b].coreLimit, lb);
                if (eb > units[b].coreLimit) continue;
                // and a must then match cleanly once b is gone
                const auto pb = lo + static_cast<std::ptrdiff_t>(m) + lb;
                std::vector<double> rest(r.begin() + lo, r.begin() + hi + 1);
                for (std::size_t k = 0; k < units[b].core.size(); ++k) {
                    const auto idx = pb - static_cast<std::ptrdiff_t>(g.coreBefore) + static_cast<std::ptrdiff_t>(k) - lo;
                    if (idx >= 0 && idx < static_cast<std::ptrdiff_t>(rest.size())) rest[static_cast<std::size_t>(idx)] -= units[b].core[k];
                }
                int la2 = 0;
                const double ea = bestLagErrorBelow(rest, pa - lo, units[a].core, g.coreBefore, g.maxLag, units[a].coreLimit, la2);
                if (ea > units[a].coreLimit) continue;
                peelUnit(units[a], pa + la2, 1);
                peelUnit(units[b], pb, 1);
                return true;
            }
        }
        return false;
    }

    /// Each unit's firings in time order, a firing within the core window of the previous one
    /// (double assignment) left out.
    void orderFirings() {
        for (auto& u : units) timeOrder(u);
    }

    /// u's firings in time order, a firing within the core window of the previous one left out.
    void timeOrder(Unit& u) const {
        std::vector<std::size_t> order(u.firings.size());
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return u.firings[a] < u.firings[b]; });
        std::vector<std::size_t> f;
        std::vector<char> s;
        for (auto i : order) {
            if (!f.empty() && u.firings[i] - f.back() < g.coreAfter) continue;   // double assignment
            f.push_back(u.firings[i]);
            s.push_back(u.superimposed[i]);
        }
        u.firings = std::move(f);
        u.superimposed = std::move(s);
    }

    // One unit whose shape varies from firing to firing (jiggle, the sampling phase, a neighbour's
    // slow potential under some firings) can be sorted into two or more templates, each with part
    // of its train. The parts' firings never come closer together than the unit's own discharge
    // allows, while two units' trains interleave at random. Units a and b are merged when (1) their
    // templates are alike (the core's relative difference <= mergeMaxRelDifference, the variability
    // a unit may show and still be one: maxVariabilityPercent) and (2) the c firings of one that lie
    // within half the shorter discharge interval of a firing of the other are far fewer than the E
    // two independent trains would have put that close (over the span both fire in): under
    // independence c or fewer has the Poisson probability P(X <= c | E) <= e^-mergeMinExpectedCoincidences
    // (c = 0: E >= mergeMinExpectedCoincidences). Two regular independent trains come that close
    // about once per firing, fewer at random than Poisson (a conservative tail). Repeated
    // until no pair merges; each merge restores both units' templates in the residual and
    // subtracts the merged average at every firing.
    void mergeComplementaryUnits() {
        for (bool merged = true; merged;) {
            merged = false;
            for (std::size_t a = 0; a < units.size() && !merged; ++a)
                for (std::size_t b = a + 1; b < units.size() && !merged; ++b)
                    if (int lag = 0; complementary(units[a], units[b], lag)) {
                        mergeUnits(a, b, lag);
                        merged = true;
                    }
        }
    }

    bool complementary(const Unit& ua, const Unit& ub, int& lag) const {
        if (ua.firings.size() < 2 || ub.firings.size() < 2) return false;
        const double eb = energy(ub.core), ea = energy(ua.core);
        const double noise = static_cast<double>(ub.core.size()) * sigma * sigma *
                             (1.0 / static_cast<double>(ua.firings.size()) + 1.0 / static_cast<double>(ub.firings.size()));
        const auto relDiffAt = [&](int maxLag, int& l) {
            const double e = bestLagError(std::span<const double>(ua.longT), static_cast<std::ptrdiff_t>(g.longBefore), ub.core, g.coreBefore,
                                          maxLag, l);
            return std::sqrt(std::max(0.0, e - noise) / std::max(ea, eb));
        };
        double relDiff = relDiffAt(g.maxLag, lag);
        // a unit whose main spike has two peaks of about one size is aligned on either, firing by
        // firing: its parts' templates are alike a phase apart, beyond the alignment search; such
        // parts must also discharge at one rate (checked below)
        bool phaseApart = false;
        if (relDiff > o.mergeMaxRelDifference && o.mergeMaxLagMs > o.maxLagMs) {
            int wideLag = 0;
            const double wide = relDiffAt(std::max(g.maxLag, static_cast<int>(ms(o.mergeMaxLagMs))), wideLag);
            if (wide <= o.mergeMaxRelDifference) {
                relDiff = wide;
                lag = wideLag;
                phaseApart = true;
            }
        }
        const auto seconds = [&](const Unit& u) {
            std::vector<double> t;
            for (auto f : u.firings) t.push_back(static_cast<double>(f) / fs);
            return t;
        };
        const auto ta = seconds(ua), tb = seconds(ub);
        const double ia = dischargeIntervalSec(ta), ib = dischargeIntervalSec(tb);
        if (!(ia > 0.0) || !(ib > 0.0)) return false;
        if (phaseApart && std::max(ia, ib) > (1.0 + o.mergeMaxRateDifference) * std::min(ia, ib)) return false;
        const double window = 0.5 * std::min(ia, ib);
        const double from = std::max(ta.front(), tb.front()), to = std::min(ta.back(), tb.back());
        if (!(to > from)) return false;
        const auto within = [&](const std::vector<double>& t) {
            return static_cast<double>(std::count_if(t.begin(), t.end(), [&](double v) { return v >= from && v <= to; }));
        };
        const double expected = within(ta) * within(tb) * 2.0 * window / (to - from);
        std::size_t close = 0;
        for (double v : ta) {
            const auto it = std::lower_bound(tb.begin(), tb.end(), v - window);
            if (it != tb.end() && *it < v + window) ++close;
        }
        spdlog::debug("needle sort: units {} / {} firings: relative difference {:.2f}{}, discharge {:.0f} / {:.0f} ms, close {} of expected {:.1f}",
                      ua.firings.size(), ub.firings.size(), relDiff, phaseApart ? " (a phase apart)" : "", ia * 1e3, ib * 1e3, close, expected);
        if (relDiff > o.mergeMaxRelDifference) return false;
        if (close == 0) return expected >= o.mergeMinExpectedCoincidences;
        // a few coincidences (a doublet, another unit's firing sorted into a part) are one unit's
        // parts only when their templates are one shape by the sorter's own match (within its
        // relTolerance, not a unit's adapted one: parts that differ by their alignment, e.g. a phase
        // apart, not by their shape), they discharge at one rate (as parts a phase apart must), the merged train stays
        // one unit's by the sorter's own test (at most maxTrainShortIsiFraction of its firings in
        // the span too close) and so few are still far fewer than independence gives
        if (!o.mergeToleratesCoincidences || relDiff > o.relTolerance) return false;
        if (std::max(ia, ib) > (1.0 + o.mergeMaxRateDifference) * std::min(ia, ib)) return false;
        if (static_cast<double>(close) > o.maxTrainShortIsiFraction * (within(ta) + within(tb))) return false;
        return poissonAtMostLog(close, expected) <= -o.mergeMinExpectedCoincidences;
    }

    /// log P(X <= c) for X Poisson with mean e.
    static double poissonAtMostLog(std::size_t c, double e) {
        if (!(e > 0.0) || static_cast<double>(c) >= e) return 0.0;   // not fewer than expected
        // terms e^k / k! grow up to k = c (< e); summed relative to the largest, in logs (E may be
        // hundreds)
        const auto logTerm = [&](std::size_t k) { return static_cast<double>(k) * std::log(e) - std::lgamma(static_cast<double>(k) + 1.0); };
        const double top = logTerm(c);
        double sum = 0.0;
        for (std::size_t k = 0; k <= c; ++k) sum += std::exp(logTerm(k) - top);
        return -e + top + std::log(sum);
    }

    void mergeUnits(std::size_t a, std::size_t b, int lag) {
        auto& ua = units[a];
        auto& ub = units[b];
        // b's firings aligned to a's template (b's core matched a's long template `lag` samples on)
        for (auto f : ua.firings) addPlaced(r, ua.longT, static_cast<std::ptrdiff_t>(f), g.longBefore, 1.0);
        for (auto f : ub.firings) addPlaced(r, ub.longT, static_cast<std::ptrdiff_t>(f), g.longBefore, 1.0);
        const double na = static_cast<double>(ua.firings.size()), nb = static_cast<double>(ub.firings.size());
        std::vector<double> longT(ua.longT.size(), 0.0);
        for (std::size_t k = 0; k < longT.size(); ++k) {
            const auto kb = static_cast<std::ptrdiff_t>(k) - lag;   // a's sample k is b's sample k - lag
            const double vb = kb >= 0 && kb < static_cast<std::ptrdiff_t>(ub.longT.size()) ? ub.longT[static_cast<std::size_t>(kb)] : 0.0;
            longT[k] = (na * ua.longT[k] + nb * vb) / (na + nb);
        }
        std::vector<std::pair<std::size_t, char>> all;
        for (std::size_t i = 0; i < ua.firings.size(); ++i) all.emplace_back(ua.firings[i], ua.superimposed[i]);
        for (std::size_t i = 0; i < ub.firings.size(); ++i) {
            const auto f = static_cast<std::ptrdiff_t>(ub.firings[i]) - lag;
            if (f >= 0) all.emplace_back(static_cast<std::size_t>(f), ub.superimposed[i]);
        }
        std::sort(all.begin(), all.end());
        ua.firings.clear();
        ua.superimposed.clear();
        for (const auto& [f, sup] : all) {
            ua.firings.push_back(f);
            ua.superimposed.push_back(sup);
        }
        ua.longT = std::move(longT);
        coreOf(ua.longT, g, ua.core);
        ua.relTol = std::max(ua.relTol, ub.relTol);
        ua.parts += ub.parts;
        const double n = static_cast<double>(ua.core.size());
        ua.coreLimit = n * (o.noiseFactor * sigma) * (o.noiseFactor * sigma) + ua.relTol * ua.relTol * energy(ua.core);
        for (auto f : ua.firings) addPlaced(r, ua.longT, static_cast<std::ptrdiff_t>(f), g.longBefore, -1.0);
        units.erase(units.begin() + static_cast<std::ptrdiff_t>(b));
        ++res.mergedUnits;
    }

    // A unit's missed firings lie in its train's gaps: an interval about k discharge intervals long
    // holds k - 1 firings hidden in superimpositions (another unit's potential made the window's
    // largest peak, or cancelled this unit's below threshold, so no candidate tried it at its own
    // peak). A regular train (robustDischargeCv <= gapFillMaxCv; overlap variants excluded) predicts
    // each of them at an even step across the gap; about that time (+- gapFillWindowCvs x CV x step:
    // the discharge's own variability) the unit's main spike is sought where it matches as closely
    // as a clean match would (spikeRegion), and of those places the one whose core leaves the least
    // is peeled off if the core matches cleanly, or explains the window as a partial match does (the
    // template at least a quarter of the window's energy, the rest at most three quarters of it).
    // What stays open is tried in pairs (fillPairedGaps).
    void fillTrainGaps() {
        // alone first, pairs of what is left once nothing more is found alone; each peel clears
        // windows for the other units, so again while anything is added (at most 4 rounds)
        for (int round = 0; round < 4; ++round) {
            openGaps.clear();
            std::size_t added = 0;
            for (std::size_t ui = 0; ui < units.size(); ++ui)
                if (!units[ui].overlapVariant) added += fillGapsOf(ui);
            if (added == 0) added = fillPairedGaps();
            res.gapFilledFirings += added;
            if (added == 0) break;
        }
    }

    /// A predicted firing not found alone: its unit, the predicted peak and the half-width searched.
    struct OpenGap {
        std::size_t unit;
        std::ptrdiff_t predicted, half;
    };
    std::vector<OpenGap> openGaps;

    /// Whether another unit's core, placed within +-maxLag of `at`, leaves less of the window than
    /// unit ui's does there (eOwn): the potential is more likely that unit's.
    bool otherExplainsBetter(std::size_t ui, std::ptrdiff_t at, double eOwn) const {
        for (std::size_t vi = 0; vi < units.size(); ++vi) {
            const Unit& v = units[vi];
            if (vi == ui || v.overlapVariant || v.firings.empty()) continue;
            int lag = 0;
            if (bestLagErrorBelow(std::span<const T>(r), at, v.core, g.coreBefore, g.maxLag, eOwn, lag) < eOwn) return true;
        }
        return false;
    }

    /// Places where u's main spike peaks: a local extremum of the residual of the template's polarity.
    std::vector<std::ptrdiff_t> spikePlaces(const Unit& u, const OpenGap& gp) const {
        std::vector<std::ptrdiff_t> v;
        const bool negative = u.core[g.coreBefore] < 0.0;
        const auto n = static_cast<std::ptrdiff_t>(r.size());
        const auto span = static_cast<std::ptrdiff_t>(g.coreBefore + g.coreAfter);
        for (auto p = gp.predicted - gp.half; p <= gp.predicted + gp.half; ++p) {
            if (p - static_cast<std::ptrdiff_t>(g.coreBefore) < 1 || p + span >= n) continue;
            if (isResidualExtremum(p, negative)) v.push_back(p);
        }
        return v;
    }

    /// Whether u could fire at p: no firing of its own within its core window.
    bool clearOfOwn(const Unit& u, std::ptrdiff_t p) const {
        const auto it = std::lower_bound(u.firings.begin(), u.firings.end(), static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, p)));
        const auto gap = static_cast<std::ptrdiff_t>(g.coreAfter);
        if (it != u.firings.end() && static_cast<std::ptrdiff_t>(*it) - p < gap) return false;
        return it == u.firings.begin() || p - static_cast<std::ptrdiff_t>(*(it - 1)) >= gap;
    }

    // Two units whose predicted firings overlap and were both missed: neither matches alone, as
    // the other's potential lies in its window. Each is placed on a spike place of its own
    // polarity within its predicted window, so that their cores overlap; the pair is peeled off
    // where both templates subtracted leave no more than their two clean limits over the union of
    // their core windows and each main spike, the other template subtracted, matches as closely as
    // a clean match would. Both predictions are needed: without them (tryPair at any candidate)
    // such a joint acceptance took firings into wrong pairs.
    std::size_t fillPairedGaps() {
        std::size_t added = 0;
        const auto span = static_cast<std::ptrdiff_t>(g.coreBefore + g.coreAfter);
        std::vector<char> used(openGaps.size(), 0);
        for (std::size_t i = 0; i < openGaps.size(); ++i)
            for (std::size_t j = i + 1; j < openGaps.size() && !used[i]; ++j) {
                const auto& ga = openGaps[i];
                const auto& gb = openGaps[j];
                if (used[j] || ga.unit == gb.unit || std::abs(ga.predicted - gb.predicted) > ga.half + gb.half + span) continue;
                auto& ua = units[ga.unit];
                auto& ub = units[gb.unit];
                const auto pa = spikePlaces(ua, ga), pb = spikePlaces(ub, gb);
                const auto spA = spikeRegion(ua), spB = spikeRegion(ub);
                double bestE = ua.coreLimit + ub.coreLimit;
                std::ptrdiff_t bestA = -1, bestB = -1;
                for (auto a : pa) {
                    if (!clearOfOwn(ua, a)) continue;
                    for (auto b : pb) {
                        if (std::abs(a - b) >= span || !clearOfOwn(ub, b)) continue;
                        const auto lo = std::min(a, b) - static_cast<std::ptrdiff_t>(g.coreBefore);
                        const auto hi = std::max(a, b) + static_cast<std::ptrdiff_t>(g.coreAfter);
                        const auto both = [&](std::ptrdiff_t idx) {
                            double v = r[static_cast<std::size_t>(idx)];
                            const auto ka = idx - (a - static_cast<std::ptrdiff_t>(g.coreBefore));
                            const auto kb = idx - (b - static_cast<std::ptrdiff_t>(g.coreBefore));
                            if (ka >= 0 && ka < span) v -= ua.core[static_cast<std::size_t>(ka)];
                            if (kb >= 0 && kb < span) v -= ub.core[static_cast<std::size_t>(kb)];
                            return v;
                        };
                        const auto spikeOk = [&](std::ptrdiff_t at, const SpikeRegion& sp) {
                            double e = 0.0;
                            for (std::size_t k = sp.begin; k < sp.end; ++k) {
                                const double d = both(at - static_cast<std::ptrdiff_t>(g.coreBefore) + static_cast<std::ptrdiff_t>(k));
                                e += d * d;
                            }
                            return e <= sp.limit;
                        };
                        if (!spikeOk(a, spA) || !spikeOk(b, spB)) continue;
                        double e = 0.0;
                        for (auto idx = lo; idx < hi && e < bestE; ++idx) e += both(idx) * both(idx);
                        if (e < bestE) { bestE = e; bestA = a; bestB = b; }
                    }
                }
                if (bestA < 0) continue;
                peelUnit(ua, bestA, kPredicted);
                peelUnit(ub, bestB, kPredicted);
                timeOrder(ua);
                timeOrder(ub);
                used[i] = used[j] = 1;
                added += 2;
            }
        return added;
    }

    std::size_t fillGapsOf(std::size_t ui) {
        Unit& u = units[ui];
        if (u.firings.size() < 2 * o.minFirings) return 0;
        std::vector<double> t;
        for (auto f : u.firings) t.push_back(static_cast<double>(f) / fs);
        const double period = dischargeIntervalSec(t);
        if (!(period > 0.0)) return 0;
        std::vector<double> isi;
        for (std::size_t i = 1; i < t.size(); ++i) isi.push_back(t[i] - t[i - 1]);
        const double cv = robustDischargeCv(isi, period);
        // a train that holds several units' firings (intervals under shortIsiMs are rare for one
        // unit at weak effort) predicts nothing
        const double shortShare = shortIntervalFraction(u.firings, ms(o.shortIsiMs));
        const bool mixed = shortShare > o.maxTrainShortIsiFraction;
        spdlog::debug("needle sort: train gaps of a unit of {} firings: discharge {:.1f} ms, CV {:.2f}, {:.0f} % of intervals too short{}", u.firings.size(),
                      period * 1e3, cv, 100.0 * shortShare,
                      cv > o.gapFillMaxCv ? " (irregular: no prediction)" : mixed ? " (not one unit's steady discharge: no prediction)" : "");
        if (!(cv > 0.0) || cv > o.gapFillMaxCv || mixed) return 0;
        const auto sp = spikeRegion(u);
        const auto n = static_cast<std::ptrdiff_t>(r.size());
        const auto coreLen = static_cast<std::ptrdiff_t>(u.core.size());
        const double eCore = energy(u.core);
        std::vector<std::size_t> found;
        std::size_t open = 0;
        // the place about `predicted` (+- half) where u's main spike matches as a clean match would
        // and its core leaves the least, clear of the firings `lo` and `hi` about it; -1 if none
        const auto search = [&](std::ptrdiff_t predicted, std::ptrdiff_t half, std::ptrdiff_t lo, std::ptrdiff_t hi) {
            std::ptrdiff_t bestAt = -1;
            double bestE = std::numeric_limits<double>::infinity();
            for (auto p = predicted - half; p <= predicted + half; ++p) {
                const auto start = p - static_cast<std::ptrdiff_t>(g.coreBefore);
                if (start < 0 || start + coreLen > n) continue;
                // keep clear of this unit's own firings (the core window of each)
                if (p - lo < static_cast<std::ptrdiff_t>(g.coreAfter) || hi - p < static_cast<std::ptrdiff_t>(g.coreAfter)) continue;
                double es = 0.0;
                for (std::size_t kk = sp.begin; kk < sp.end && es <= sp.limit; ++kk) {
                    const double d = static_cast<double>(r[static_cast<std::size_t>(start) + kk]) - u.core[kk];
                    es += d * d;
                }
                if (es > sp.limit) continue;
                double e1 = 0.0, e0 = 0.0;
                for (std::size_t kk = 0; kk < u.core.size(); ++kk) {
                    const double v = static_cast<double>(r[static_cast<std::size_t>(start) + kk]);
                    e0 += v * v;
                    e1 += (v - u.core[kk]) * (v - u.core[kk]);
                }
                const bool clean = e1 <= u.coreLimit;
                const bool partial = e1 <= 0.75 * e0 && eCore >= 0.25 * e0;
                if ((clean || partial) && e1 < bestE) { bestE = e1; bestAt = p; }
            }
            // another unit's potential where this one's was predicted: not this unit's firing
            if (bestAt >= 0 && otherExplainsBetter(ui, bestAt, bestE)) return std::ptrdiff_t{-1};
            return bestAt;
        };
        const auto samples = [&](double sec) { return static_cast<std::ptrdiff_t>(std::lround(sec * fs)); };
        const auto halfOf = [&](double step) { return samples(std::clamp(o.gapFillWindowCvs * cv * step, 1e-3, 0.25 * step)); };
        for (std::size_t i = 0; i + 1 < u.firings.size(); ++i) {
            const double gap = t[i + 1] - t[i];
            const auto k = static_cast<int>(std::lround(gap / period));
            if (k < 2) continue;
            const auto lo = static_cast<std::ptrdiff_t>(u.firings[i]), hi = static_cast<std::ptrdiff_t>(u.firings[i + 1]);
            const double step = gap / k;
            if (k <= o.gapFillMaxMissing + 1 && std::abs(step - period) <= 2.0 * cv * period) {
                // k - 1 firings at even steps across the gap
                const auto half = halfOf(step);
                for (int j = 1; j < k; ++j) {
                    const auto predicted = samples(t[i] + j * step);
                    if (const auto at = search(predicted, half, lo, hi); at >= 0) {
                        found.push_back(static_cast<std::size_t>(at));
                    } else {
                        openGaps.push_back({ui, predicted, half});
                        ++open;
                    }
                }
                continue;
            }
            if (k <= o.gapFillMaxMissing + 1 || !o.gapFillWalkLongGaps) continue;
            // a longer gap (or one the even steps do not fit): walked one discharge interval at a
            // time from each end, each firing found the anchor of the next prediction, until a
            // prediction is not found or the walks meet (within half an interval of the other end)
            const auto half = halfOf(period);
            const auto per = samples(period);
            std::ptrdiff_t left = lo, right = hi;
            // a prediction not found (another unit's potential over it) is stepped over once: the
            // next is sought two intervals from the anchor, its window sqrt(2) as wide
            const auto halfTwo = samples(std::min(std::sqrt(2.0) * static_cast<double>(half) / fs, 0.25 * period));
            const auto walk = [&](bool forward) {   // forward: from the left end on; else back from the right end
                for (;;) {
                    const auto anchor = forward ? left : right;
                    const auto dir = forward ? std::ptrdiff_t{1} : std::ptrdiff_t{-1};
                    const auto within = [&](std::ptrdiff_t p) { return forward ? p + per / 2 <= right : p - per / 2 >= left; };
                    const auto pred = anchor + dir * per;
                    if (!within(pred)) return;
                    auto at = search(pred, half, left, right);
                    if (at < 0) {
                        openGaps.push_back({ui, pred, half});
                        ++open;
                        const auto pred2 = anchor + 2 * dir * per;
                        if (!o.gapFillWalkStepOver || !within(pred2) || (at = search(pred2, halfTwo, left, right)) < 0) return;
                    }
                    found.push_back(static_cast<std::size_t>(at));
                    (forward ? left : right) = at;
                }
            };
            walk(true);
            walk(false);
        }
        for (auto f : found) peelUnit(u, static_cast<std::ptrdiff_t>(f), kPredicted);
        if (!found.empty()) timeOrder(u);   // peelUnit appends
        spdlog::debug("needle sort: train gaps: {} predicted firings found alone, {} open", found.size(), open);
        return found.size();
    }

    /// Overlap with another unit's firing within the core window also counts as superimposed.
    void markOverlaps() {
        std::vector<std::pair<std::size_t, std::size_t>> all;
        for (std::size_t ui = 0; ui < units.size(); ++ui)
            for (auto f : units[ui].firings) all.emplace_back(f, ui);
        std::sort(all.begin(), all.end());
        for (std::size_t i = 0; i < all.size(); ++i) {
            const bool near = (i > 0 && all[i].first - all[i - 1].first < g.coreBefore + g.coreAfter && all[i - 1].second != all[i].second) ||
                              (i + 1 < all.size() && all[i + 1].first - all[i].first < g.coreBefore + g.coreAfter && all[i + 1].second != all[i].second);
            if (near) {
                auto& u = units[all[i].second];
                const auto it = std::lower_bound(u.firings.begin(), u.firings.end(), all[i].first);
                auto& flag = u.superimposed[static_cast<std::size_t>(it - u.firings.begin())];
                if (flag == 0) flag = 1;
            }
        }
    }

    /// Measure every unit with enough firings and keep those that are voluntary motor units. A unit
    /// that is not one unit (fragments that average out below threshold, firings that differ from their
    /// own average by most of its size) gives back what it explained to the residual, as an overlap
    /// variant does, and the others are measured again on that residual: each unit's template and
    /// stability are taken on the residual plus its own template, where a dropped unit's subtracted
    /// template would otherwise stay as a hole under every firing near one of its own.
    void collectUnits() {
        std::vector<std::size_t> live;
        for (std::size_t i = 0; i < units.size(); ++i) {
            const auto& u = units[i];
            if (u.overlapVariant) { res.unassigned += u.firings.size(); continue; }
            // too few firings to be a unit: counted unassigned (their subtraction stays: restoring it
            // changed no reading and few measures on N2001, and nothing on the clutter scene)
            if (u.firings.size() < o.minFirings) { res.unassigned += u.firings.size(); continue; }
            live.push_back(i);
        }
        constexpr int kMaxRounds = 4;
        for (int round = 0;; ++round) {
            std::vector<MotorUnit> measured;
            std::vector<Verdict> verdicts;
            bool dropped = false;
            for (std::size_t i : live) {
                measured.push_back(measureUnit(units[i], 0));
                verdicts.push_back(verdictOf(measured.back()));
                dropped = dropped || givesBack(verdicts.back());
            }
            if (!dropped || round + 1 == kMaxRounds || !o.restoreDroppedUnits) {
                int id = 1;
                for (std::size_t k = 0; k < live.size(); ++k) {
                    measured[k].id = id++;
                    acceptUnit(std::move(measured[k]), verdicts[k]);
                }
                return;
            }
            std::vector<std::size_t> kept;
            for (std::size_t k = 0; k < live.size(); ++k) {
                if (!givesBack(verdicts[k])) { kept.push_back(live[k]); continue; }
                auto& u = units[live[k]];
                for (auto f : u.firings) addPlaced(r, u.longT, static_cast<std::ptrdiff_t>(f), g.longBefore, 1.0);
                countRejected(measured[k], verdicts[k]);
                ++res.restoredUnits;
            }
            live = std::move(kept);
        }
    }

    // a "unit" seen almost only inside superimpositions, firing irregularly, is a variant of
    // overlapping potentials, not a unit of its own
    bool isOverlapVariant(const Unit& u) const {
        const auto supCount = static_cast<std::size_t>(std::count_if(u.superimposed.begin(), u.superimposed.end(), [](char f) { return f != 0; }));
        if (supCount * 5 >= u.firings.size() * 4) {
            // irregular: the CV of the intervals up to 1.75 x the median interval (the median, not
            // the discharge interval, which a train of random intervals would set short)
            std::vector<double> isi;
            for (std::size_t i = 1; i < u.firings.size(); ++i) isi.push_back((static_cast<double>(u.firings[i]) - static_cast<double>(u.firings[i - 1])) / fs);
            if (!isi.empty() && cvOfIntervalsUpTo(isi, median(isi)) > 0.5) return true;
        }
        return false;
    }

    /// The unit's template (recomputed on its own signal), MUAP parameters, firing times and rate,
    /// and stability.
    MotorUnit measureUnit(const Unit& u, int id) {
        // the unit's own signal: residual plus its own template at each firing
        // (firings found only by the train's prediction lie in unresolved superimpositions: the
        // train's, not the template's)
        std::vector<double> sum(u.longT.size(), 0.0);
        std::size_t cleanFirings = 0;   // not superimposed: their windows measure the stability below
        std::size_t averaged = 0;
        for (std::size_t i = 0; i < u.firings.size(); ++i) {
            if (u.superimposed[i] == kPredicted) continue;
            ownWindow<T>(r, u.firings, u.longT, u.firings[i], g.longBefore, g.longAfter, w);
            for (std::size_t k = 0; k < w.size(); ++k) sum[k] += w[k];
            cleanFirings += !u.superimposed[i];
            ++averaged;
        }
        MotorUnit mu;
        mu.id = id;
        mu.sampleRateHz = fs;
        mu.templateUv = sum;
        for (double& v : mu.templateUv) v /= static_cast<double>(std::max<std::size_t>(1, averaged));
        mu.templatePeakIndex = static_cast<int>(g.longBefore);
        // the main peak may have moved by a sample or two in the refined average
        mu.templatePeakIndex = static_cast<int>(localMax(mu.templateUv, g.longBefore, std::max<std::size_t>(1, ms(0.3))));
        const double tNoise = sigma / std::sqrt(static_cast<double>(std::max<std::size_t>(1, averaged)));
        mu.params = measureMuap(mu.templateUv, static_cast<std::size_t>(mu.templatePeakIndex), fs, tNoise);
        mu.riseTimeMs = mainSpike(std::span<const double>(mu.templateUv), static_cast<std::size_t>(mu.templatePeakIndex), fs).riseMs;
        for (std::size_t i = 0; i < u.firings.size(); ++i) {
            mu.firingTimesSec.push_back(static_cast<double>(u.firings[i]) / fs +
                                        static_cast<double>(mu.templatePeakIndex - static_cast<int>(g.longBefore)) / fs);
            if (u.superimposed[i]) ++mu.superimposedFirings;
            mu.firingPredicted.push_back(u.superimposed[i] == kPredicted ? 1 : 0);
        }
        mu.firstFiringSec = mu.firingTimesSec.front();
        mu.sortedParts = u.parts;
        firingStatistics(mu.firingTimesSec, mu.meanRateHz, mu.rateCv);
        measureStability(u, cleanFirings, mu);
        // a train with too many intervals under shortIsiMs holds several units' firings: its rate and
        // its template are not one unit's
        mu.shortIntervalPercent = 100.0 * shortIntervalFraction(u.firings, ms(o.shortIsiMs));
        mu.severalUnitsTrain = mu.shortIntervalPercent > 100.0 * o.maxTrainShortIsiFraction;
        if (mu.severalUnitsTrain) mu.shapeMeasured = false;
        return mu;
    }

    // Stability, two ways. (1) The main spike (options' stability region about the template's
    // peak), which decides whether the firings are one unit: in a crowded record (a real record's
    // units, against an expert's decomposition: most firings have another unit's potential somewhere
    // in a 15-30 ms window, few of them peeled off) the long window measures the other units, and
    // every unit of such a record read 60-180 % there; about the spike, where the unit dominates,
    // 20-60 %. Each sample's variance is the median of the firings' squared deviations over 0.4549
    // (the median of a chi-square of one degree of freedom: the variance for Gaussian deviations),
    // so an intruder under a few firings does not count. (2) The whole duration window, mean over
    // firings, which decides whether the unit's duration, phases and area are its own.
    void measureStability(const Unit& u, std::size_t cleanFirings, MotorUnit& mu) const {
        const auto peak = static_cast<std::ptrdiff_t>(mu.templatePeakIndex);
        const auto sOn = peak - static_cast<std::ptrdiff_t>(ms(o.stabilityBeforeMs));
        const auto sEn = peak + static_cast<std::ptrdiff_t>(std::max<std::size_t>(1, ms(o.stabilityAfterMs)));
        const auto dOn = peak + static_cast<std::ptrdiff_t>(std::lround(mu.params.onsetMs * 1e-3 * fs));
        const auto dEn = peak + static_cast<std::ptrdiff_t>(std::lround(mu.params.endMs * 1e-3 * fs));
        const auto on = std::min(sOn, dOn), en = std::max(sEn, dEn);
        if (!(cleanFirings >= 3 && en > on && on >= 0 && en < static_cast<std::ptrdiff_t>(mu.templateUv.size()))) return;
        const auto len = static_cast<std::size_t>(en - on + 1);
        // the clean firings' windows (at most kMaxStabilityFirings of them, evenly spread: a long
        // weak segment has thousands), squared deviations from the template and from the previous
        // clean firing, kept per sample as float
        const std::size_t stride = (cleanFirings + kMaxStabilityFirings - 1) / kMaxStabilityFirings;
        std::vector<std::vector<float>> dev(len), cons(len);
        std::vector<double> seg, prev;
        std::size_t s = 0;
        for (std::size_t i = 0; i < u.firings.size(); ++i) {
            if (u.superimposed[i]) continue;
            const bool take = s % stride == 0;
            const bool takePair = s > 0 && s % stride == 1 % stride;   // the clean firing after a taken one
            ++s;
            if (!take && !takePair) continue;
            ownWindow<T>(r, u.firings, u.longT, u.firings[i], g.longBefore, g.longAfter, seg);
            for (std::size_t k = 0; k < len; ++k) {
                const auto kk = static_cast<std::size_t>(on) + k;
                if (take) dev[k].push_back(static_cast<float>((seg[kk] - mu.templateUv[kk]) * (seg[kk] - mu.templateUv[kk])));
                if (takePair && !prev.empty()) cons[k].push_back(static_cast<float>((seg[kk] - prev[kk]) * (seg[kk] - prev[kk])));
            }
            std::swap(seg, prev);
        }
        const double n2 = sigma * sigma;
        // % of the template's rms over [a, b] of what the per-sample statistic leaves above the noise
        const auto percentOver = [&](std::ptrdiff_t a, std::ptrdiff_t b, std::vector<std::vector<float>>& perSample, bool robust,
                                     double scale) {
            double power = 0.0, sum = 0.0;
            std::size_t n = 0;
            for (auto k = a; k <= b; ++k) {
                auto& v = perSample[static_cast<std::size_t>(k - on)];
                const double t = mu.templateUv[static_cast<std::size_t>(k)];
                power += t * t;
                if (v.empty()) continue;
                if (robust) {
                    auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
                    std::nth_element(v.begin(), mid, v.end());
                    sum += static_cast<double>(*mid) / kMedianChiSquare1;
                } else {
                    double m = 0.0;
                    for (float q : v) m += static_cast<double>(q);
                    sum += m / static_cast<double>(v.size());
                }
                ++n;
            }
            if (n == 0 || !(power > 0.0)) return -1.0;
            const double var = scale * sum / static_cast<double>(n);
            return 100.0 * std::sqrt(std::max(0.0, var - n2) / (power / static_cast<double>(b - a + 1)));
        };
        // the long window first: the robust pass reorders the spike region's samples (harmless to a mean,
        // but kept apart all the same)
        if (dEn > dOn) {
            const double v = percentOver(dOn, dEn, dev, false, 1.0);
            const double j = percentOver(dOn, dEn, cons, false, 0.5);   // a difference of two firings: twice the variance
            mu.shapeVariabilityPercent = std::max(v, j);
        }
        const double v = percentOver(sOn, sEn, dev, true, 1.0);
        const double j = percentOver(sOn, sEn, cons, true, 0.5);
        if (v >= 0.0) mu.templateVariancePercent = v;
        if (j >= 0.0) mu.jigglePercent = j;
        mu.shapeMeasured = mu.shapeVariabilityPercent <= o.maxShapeVariabilityPercent;
    }

    /// What a measured unit is: a voluntary motor unit, or why not.
    enum class Verdict { Unit, Fragments, NotVoluntary, Inconsistent };

    Verdict verdictOf(const MotorUnit& mu) const {
        // a template that averages out below the detection threshold was a cluster of fragments
        // (phases or tails of other potentials), not a unit
        if (mu.params.amplitudeUv < thr) return Verdict::Fragments;
        // not a voluntary motor unit: a brief potential firing with clockwork regularity is a
        // fibrillation continuing during contraction (voluntary units: interval CV ~0.1-0.25);
        // sporadic discharges below 3 Hz are not a sustained voluntary unit either
        if ((mu.rateCv < o.minVoluntaryCv && mu.params.durationMs < 5.0) || mu.meanRateHz < o.minVoluntaryRateHz) return Verdict::NotVoluntary;
        // not one unit: firings that differ from their own average by most of its size (noise
        // removed) are several potentials collected under one template
        if (mu.templateVariancePercent > o.maxVariabilityPercent || mu.jigglePercent > o.maxVariabilityPercent) return Verdict::Inconsistent;
        return Verdict::Unit;
    }

    /// Whether a unit so judged explained nothing of its own: its template is no one potential's
    /// (a potential that is not a voluntary unit, e.g. a fibrillation, stays explained).
    static bool givesBack(Verdict v) { return v == Verdict::Fragments || v == Verdict::Inconsistent; }

    void countRejected(const MotorUnit& mu, Verdict v) {
        res.unassigned += mu.firingTimesSec.size();
        if (v == Verdict::Fragments) return;
        ++res.rejectedUnits;
        if (v == Verdict::Inconsistent) ++res.inconsistentUnits;
    }

    /// Keep mu as a unit, or count its firings unassigned when it is not a voluntary motor unit.
    void acceptUnit(MotorUnit mu, Verdict v) {
        if (v != Verdict::Unit) {
            countRejected(mu, v);
            return;
        }
        res.assigned += mu.firingTimesSec.size();
        res.superimposed += mu.superimposedFirings;
        res.units.push_back(std::move(mu));
    }
};

template <class T>
SortResult sortOf(std::span<T> x, double fs, const SortOptions& o) {
    return Sorter<T>(x, fs, o).run();
}

}  // namespace

SortResult sortMotorUnits(std::span<const double> x, double fs, const SortOptions& o) {
    std::vector<double> residual(x.begin(), x.end());
    return sortOf(std::span<double>(residual), fs, o);
}
SortResult sortMotorUnits(std::span<const float> x, double fs, const SortOptions& o) {
    std::vector<float> residual(x.begin(), x.end());
    return sortOf(std::span<float>(residual), fs, o);
}
SortResult sortMotorUnitsInPlace(std::span<float> x, double fs, const SortOptions& o) { return sortOf(x, fs, o); }
SortResult sortMotorUnitsInPlace(std::span<double> x, double fs, const SortOptions& o) { return sortOf(x, fs, o); }

}  // namespace emg::needle
