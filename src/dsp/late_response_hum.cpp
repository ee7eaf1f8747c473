#include "late_response_hum.h"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace emg::dsp::detail {

namespace {
constexpr int kPolyTerms = 4;   // cubic

struct Model {
    Eigen::VectorXd coef;
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

// Basis at sample i: 1, u, u^2, u^3 (u in [-1, 1] over the fit stretch), then cos/sin per harmonic.
void basis(std::size_t i, std::size_t from, std::size_t end, double fs, double mainsHz, int harmonics, double* out) {
    const double u = 2.0 * (static_cast<double>(i - from) / static_cast<double>(std::max<std::size_t>(1, end - 1 - from))) - 1.0;
    out[0] = 1.0;
    out[1] = u;
    out[2] = u * u;
    out[3] = u * u * u;
    const double w = 2.0 * std::numbers::pi * mainsHz * static_cast<double>(i) / fs;
    for (int k = 1; k <= harmonics; ++k) {
        out[kPolyTerms + 2 * (k - 1)] = std::cos(k * w);
        out[kPolyTerms + 2 * (k - 1) + 1] = std::sin(k * w);
    }
}

Model fit(const Sweep& s, std::size_t from, double mainsHz, const std::vector<char>& skip) {
    Model m;
    const std::size_t end = s.uv.size();
    m.harmonics = harmonicsBelow(mainsHz, s.sampleRateHz);
    const int terms = kPolyTerms + 2 * m.harmonics;
    Eigen::MatrixXd ata = Eigen::MatrixXd::Zero(terms, terms);
    Eigen::VectorXd atb = Eigen::VectorXd::Zero(terms);
    double b[kPolyTerms + 6];
    std::size_t used = 0;
    for (std::size_t i = from; i < end; ++i) {
        if (skip[i - from]) continue;
        basis(i, from, end, s.sampleRateHz, mainsHz, m.harmonics, b);
        for (int r = 0; r < terms; ++r) {
            atb(r) += b[r] * s.uv[i];
            for (int c = r; c < terms; ++c) ata(r, c) += b[r] * b[c];
        }
        ++used;
    }
    if (used < static_cast<std::size_t>(4 * terms)) return m;
    for (int r = 0; r < terms; ++r)
        for (int c = 0; c < r; ++c) ata(r, c) = ata(c, r);
    m.coef = ata.ldlt().solve(atb);
    if (!m.coef.allFinite()) return m;
    double ss = 0.0;
    for (std::size_t i = from; i < end; ++i) {
        if (skip[i - from]) continue;
        basis(i, from, end, s.sampleRateHz, mainsHz, m.harmonics, b);
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
    const int terms = kPolyTerms + 2 * m.harmonics;
    double b[kPolyTerms + 6];
    std::vector<double> r(s.uv.size() - from);
    for (std::size_t i = from; i < s.uv.size(); ++i) {
        basis(i, from, s.uv.size(), s.sampleRateHz, mainsHz, m.harmonics, b);
        double v = 0.0;
        for (int k = 0; k < terms; ++k) v += m.coef(k) * b[k];
        r[i - from] = s.uv[i] - v;
    }
    return r;
}

// Refits without the samples (+-2 ms) whose residual exceeds 4 x the noise, the noise taken as
// the median absolute residual / 0.6745 (robust while the late responses are a minority of the
// samples, as F waves of a few ms in a 60-90 ms stretch are); three rounds at most.
Model robustFit(const Sweep& s, std::size_t from, double mainsHz) {
    const std::size_t n = s.uv.size() - from;
    std::vector<char> skip(n, 0);
    Model m = fit(s, from, mainsHz, skip);
    const auto guard = static_cast<std::size_t>(std::ceil(2e-3 * s.sampleRateHz));
    for (int round = 0; round < 3 && m.ok; ++round) {
        const auto r = residuals(s, from, mainsHz, m);
        std::vector<double> a(r.size());
        for (std::size_t k = 0; k < r.size(); ++k) a[k] = std::fabs(r[k]);
        const auto mid = a.begin() + static_cast<std::ptrdiff_t>(a.size() / 2);
        std::nth_element(a.begin(), mid, a.end());
        const double sigma = *mid / 0.6745;
        std::vector<char> next(n, 0);
        for (std::size_t k = 0; k < n; ++k) {
            if (std::fabs(r[k]) <= 4.0 * sigma) continue;
            for (std::size_t j = k > guard ? k - guard : 0; j < std::min(n, k + guard + 1); ++j) next[j] = 1;
        }
        if (next == skip) break;
        Model again = fit(s, from, mainsHz, next);
        if (!again.ok) break;
        skip.swap(next);
        m = again;
    }
    return m;
}
}  // namespace

LateHumFit subtractLateHum(Sweep& s, std::size_t from, double mainsHz) {
    LateHumFit out;
    if (s.sampleRateHz <= 0.0 || from + 2 >= s.uv.size()) return out;
    const double stretchSec = static_cast<double>(s.uv.size() - from) / s.sampleRateHz;
    std::vector<double> candidates;
    if (mainsHz > 0.0) candidates = {mainsHz};
    else if (mainsHz < 0.0) candidates = {50.0, 60.0};
    Model best;
    double bestHz = 0.0;
    for (double hz : candidates) {
        if (stretchSec < 1.0 / hz || harmonicsBelow(hz, s.sampleRateHz) == 0) continue;
        Model m = robustFit(s, from, hz);
        if (m.ok && (!best.ok || m.rms < best.rms)) best = m, bestHz = hz;
    }
    if (!best.ok) {
        best = robustFit(s, from, 0.0);   // no hum: the slow part alone
        bestHz = 0.0;
        if (!best.ok) return out;
    }
    const std::size_t end = s.uv.size();
    for (std::size_t i = 0; i < end; ++i) {
        const double w = 2.0 * std::numbers::pi * bestHz * static_cast<double>(i) / s.sampleRateHz;
        double v = 0.0;
        for (int k = 1; k <= best.harmonics; ++k)
            v += best.coef(kPolyTerms + 2 * (k - 1)) * std::cos(k * w) + best.coef(kPolyTerms + 2 * (k - 1) + 1) * std::sin(k * w);
        if (i >= from) {   // the slow part, where it was fitted (its level at `from` kept)
            double b[kPolyTerms + 6], b0[kPolyTerms + 6];
            basis(i, from, end, s.sampleRateHz, bestHz, 0, b);
            basis(from, from, end, s.sampleRateHz, bestHz, 0, b0);
            for (int k = 1; k < kPolyTerms; ++k) v += best.coef(k) * (b[k] - b0[k]);
        }
        s.uv[i] -= v;
    }
    out.mainsHz = bestHz;
    if (best.harmonics > 0) out.fundamentalUv = std::hypot(best.coef(kPolyTerms), best.coef(kPolyTerms + 1));
    out.residualRmsUv = best.rms;
    return out;
}

}  // namespace emg::dsp::detail
