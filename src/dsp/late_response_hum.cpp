#include "late_response_hum.h"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace emg::dsp::detail {

namespace {
constexpr int kPolyTerms = 4;   // cubic (the most terms a model has)

struct Model {
    Eigen::VectorXd coef;
    int poly = kPolyTerms;      ///< polynomial terms in use: 4 (cubic) or 2 (level and slope)
    int harmonics = 0;
    double rms = 0.0;
    bool ok = false;
};

int harmonicsBelow(double mainsHz, double fs) {
    if (!(mainsHz > 0.0)) return 0;
    int h = 0;
    while (h < 3 && (h + 1) * mainsHz < 0.45 * fs) ++h;
    return h;
}

// Basis at sample i: 1, u, u^2, u^3 (the first `poly` of them; u in [-1, 1] over the fit stretch,
// u < -1 before it), then cos/sin per harmonic.
void basis(std::size_t i, std::size_t from, std::size_t end, double fs, double mainsHz, int harmonics, int poly, double* out) {
    const double u = 2.0 * ((static_cast<double>(i) - static_cast<double>(from)) / static_cast<double>(std::max<std::size_t>(1, end - 1 - from))) - 1.0;
    double p = 1.0;
    for (int k = 0; k < poly; ++k, p *= u) out[k] = p;
    const double w = 2.0 * std::numbers::pi * mainsHz * static_cast<double>(i) / fs;
    for (int k = 1; k <= harmonics; ++k) {
        out[poly + 2 * (k - 1)] = std::cos(k * w);
        out[poly + 2 * (k - 1) + 1] = std::sin(k * w);
    }
}

Model fit(const Sweep& s, std::size_t from, double mainsHz, const std::vector<char>& skip, int poly) {
    Model m;
    m.poly = poly;
    const std::size_t end = s.uv.size();
    m.harmonics = harmonicsBelow(mainsHz, s.sampleRateHz);
    const int terms = poly + 2 * m.harmonics;
    Eigen::MatrixXd ata = Eigen::MatrixXd::Zero(terms, terms);
    Eigen::VectorXd atb = Eigen::VectorXd::Zero(terms);
    double b[kPolyTerms + 6];
    std::size_t used = 0;
    for (std::size_t i = from; i < end; ++i) {
        if (skip[i - from]) continue;
        basis(i, from, end, s.sampleRateHz, mainsHz, m.harmonics, m.poly, b);
        for (int r = 0; r < terms; ++r) {
            atb(r) += b[r] * s.uv[i];
            for (int c = r; c < terms; ++c) ata(r, c) += b[r] * b[c];
        }
        ++used;
    }
    // (sinusoids need a mains period's worth of samples: fewer, left where a response was set
    // aside, give them any amplitude, and the line alone is better)
    if (used < static_cast<std::size_t>(4 * terms) || (m.harmonics > 0 && static_cast<double>(used) < s.sampleRateHz / mainsHz)) return m;
    for (int r = 0; r < terms; ++r)
        for (int c = 0; c < r; ++c) ata(r, c) = ata(c, r);
    m.coef = ata.ldlt().solve(atb);
    if (!m.coef.allFinite()) return m;
    double ss = 0.0;
    for (std::size_t i = from; i < end; ++i) {
        if (skip[i - from]) continue;
        basis(i, from, end, s.sampleRateHz, mainsHz, m.harmonics, m.poly, b);
        double v = 0.0;
        for (int r = 0; r < terms; ++r) v += m.coef(r) * b[r];
        ss += (s.uv[i] - v) * (s.uv[i] - v);
    }
    m.rms = std::sqrt(ss / static_cast<double>(used));
    m.ok = true;
    return m;
}

// Residuals of model `m` on [from, end).
std::vector<double> residuals(const Sweep& s, std::size_t from, double mainsHz, const Model& m) {
    const int terms = m.poly + 2 * m.harmonics;
    double b[kPolyTerms + 6];
    std::vector<double> r(s.uv.size() - from);
    for (std::size_t i = from; i < s.uv.size(); ++i) {
        basis(i, from, s.uv.size(), s.sampleRateHz, mainsHz, m.harmonics, m.poly, b);
        double v = 0.0;
        for (int k = 0; k < terms; ++k) v += m.coef(k) * b[k];
        r[i - from] = s.uv[i] - v;
    }
    return r;
}

// The samples of `r` (+-`guard`) beyond 4 x its robust spread (median absolute value / 0.6745).
std::vector<char> beyondFourSigma(const std::vector<double>& r, std::size_t guard) {
    const std::size_t n = r.size();
    std::vector<double> a(n);
    for (std::size_t k = 0; k < n; ++k) a[k] = std::fabs(r[k]);
    const auto mid = a.begin() + static_cast<std::ptrdiff_t>(n / 2);
    std::nth_element(a.begin(), mid, a.end());
    const double sigma = *mid / 0.6745;
    std::vector<char> out(n, 0);
    for (std::size_t k = 0; k < n; ++k) {
        if (std::fabs(r[k]) <= 4.0 * sigma) continue;
        for (std::size_t j = k > guard ? k - guard : 0; j < std::min(n, k + guard + 1); ++j) out[j] = 1;
    }
    return out;
}

// Refits without the samples (+-2 ms) whose residual exceeds 4 x the noise, the noise taken as
// the median absolute residual / 0.6745 (robust while the late responses are a minority of the
// samples, as F waves of a few ms in a 60-90 ms stretch are); three rounds at most.
// `screenFirst`: the first fit already leaves out the samples beyond 4 x the robust spread about
// the stretch's median, so that a response of millivolts (an H wave, a long M tail) is not half
// absorbed by the first fit's sinusoids and line (its residual then inflates the noise, and the
// refits never single it out).
Model robustFit(const Sweep& s, std::size_t from, double mainsHz, int poly, bool screenFirst) {
    const std::size_t n = s.uv.size() - from;
    const auto guard = static_cast<std::size_t>(std::ceil(2e-3 * s.sampleRateHz));
    std::vector<char> skip(n, 0);
    Model m;
    if (screenFirst) {
        std::vector<double> centred(s.uv.begin() + static_cast<std::ptrdiff_t>(from), s.uv.end());
        std::vector<double> sorted = centred;
        const auto mid = sorted.begin() + static_cast<std::ptrdiff_t>(n / 2);
        std::nth_element(sorted.begin(), mid, sorted.end());
        for (auto& v : centred) v -= *mid;
        skip = beyondFourSigma(centred, guard);
        m = fit(s, from, mainsHz, skip, poly);   // not ok: too little left for this model (bestModel tries a smaller one)
    } else {
        m = fit(s, from, mainsHz, skip, poly);
    }
    for (int round = 0; round < 3 && m.ok; ++round) {
        std::vector<char> next = beyondFourSigma(residuals(s, from, mainsHz, m), guard);
        if (next == skip) break;
        Model again = fit(s, from, mainsHz, next, poly);
        if (!again.ok) break;
        skip.swap(next);
        m = again;
    }
    return m;
}
/// The better of the 50 and 60 Hz models (or the one frequency given; the polynomial alone when
/// no mains period fits in the stretch or mainsHz is 0), robustly fitted on [from, end).
Model bestModel(const Sweep& s, std::size_t from, double mainsHz, int poly, double& bestHz, bool screenFirst = false) {
    const double stretchSec = static_cast<double>(s.uv.size() - from) / s.sampleRateHz;
    std::vector<double> candidates;
    if (mainsHz > 0.0) candidates = {mainsHz};
    else if (mainsHz < 0.0) candidates = {50.0, 60.0};
    Model best;
    bestHz = 0.0;
    for (double hz : candidates) {
        if (stretchSec < 1.0 / hz || harmonicsBelow(hz, s.sampleRateHz) == 0) continue;
        Model m = robustFit(s, from, hz, poly, screenFirst);
        if (m.ok && (!best.ok || m.rms < best.rms)) best = m, bestHz = hz;
    }
    if (!best.ok) {
        best = robustFit(s, from, 0.0, poly, screenFirst);   // no hum: the slow part alone
        bestHz = 0.0;
    }
    return best;
}

/// The fitted sinusoids at sample i.
double humAt(const Model& m, double hz, std::size_t i, double fs) {
    const double w = 2.0 * std::numbers::pi * hz * static_cast<double>(i) / fs;
    double v = 0.0;
    for (int k = 1; k <= m.harmonics; ++k) v += m.coef(m.poly + 2 * (k - 1)) * std::cos(k * w) + m.coef(m.poly + 2 * (k - 1) + 1) * std::sin(k * w);
    return v;
}

LateHumFit describe(const Model& m, double hz) {
    LateHumFit out;
    out.mainsHz = hz;
    if (m.harmonics > 0) out.fundamentalUv = std::hypot(m.coef(m.poly), m.coef(m.poly + 1));
    out.residualRmsUv = m.rms;
    return out;
}
}  // namespace

LateHumFit subtractLateHum(Sweep& s, std::size_t from, double mainsHz, bool screenFirst) {
    if (s.sampleRateHz <= 0.0 || from + 2 >= s.uv.size()) return {};
    double hz = 0.0;
    const Model best = bestModel(s, from, mainsHz, kPolyTerms, hz, screenFirst);
    if (!best.ok) return {};
    const std::size_t end = s.uv.size();
    double b[kPolyTerms + 6], b0[kPolyTerms + 6];
    basis(from, from, end, s.sampleRateHz, hz, 0, kPolyTerms, b0);
    for (std::size_t i = 0; i < end; ++i) {
        double v = humAt(best, hz, i, s.sampleRateHz);
        if (i >= from) {   // the slow part, where it was fitted (its level at `from` kept)
            basis(i, from, end, s.sampleRateHz, hz, 0, kPolyTerms, b);
            for (int k = 1; k < kPolyTerms; ++k) v += best.coef(k) * (b[k] - b0[k]);
        }
        s.uv[i] -= v;
    }
    return describe(best, hz);
}

LateHumFit subtractTailLevel(Sweep& s, std::size_t from, double mainsHz) {
    if (s.sampleRateHz <= 0.0 || from + 2 >= s.uv.size()) return {};
    double hz = 0.0;
    Model best = bestModel(s, from, mainsHz, 2, hz, true);
    if (!best.ok) return {};
    // Hum asked for (or possible) but too little signal left after the responses to fit it on (a
    // 30 ms record after a hand CMAP): a line through a piece of hum extrapolates far off (its
    // slope up to 2 pi f x the hum), the level alone does not.
    if (hz == 0.0 && mainsHz != 0.0) {
        double none = 0.0;
        const Model flat = bestModel(s, from, 0.0, 1, none, true);
        if (flat.ok) best = flat;
    }
    const std::size_t end = s.uv.size();
    double b[2 + 6];
    for (std::size_t i = 0; i < end; ++i) {
        basis(i, from, end, s.sampleRateHz, hz, 0, 2, b);
        s.uv[i] -= humAt(best, hz, i, s.sampleRateHz) + best.coef(0) * b[0] + (best.poly > 1 ? best.coef(1) * b[1] : 0.0);
    }
    return describe(best, hz);
}

}  // namespace emg::dsp::detail
