#include <emg/dsp/ncs_measures.h>

#include <Eigen/Dense>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <sstream>
#include <stdexcept>

namespace emg::dsp {

const char* toString(MarkerOrigin origin) noexcept { return origin == MarkerOrigin::Auto ? "auto" : "clinician"; }

namespace {
double linearAt(const std::vector<double>& x, double pos) {
    if (pos <= 0.0) return x.front();
    const double last = static_cast<double>(x.size() - 1);
    if (pos >= last) return x.back();
    const auto i = static_cast<std::size_t>(pos);
    const double f = pos - static_cast<double>(i);
    return x[i] + f * (x[i + 1] - x[i]);
}

/// Least-squares y = a + b u + c u^2 over samples [lo, hi] with u = i - pos; returns {a, b, c}.
/// `var0`: a's variance per unit white-noise variance ([(A^T A)^-1]_00).
std::array<double, 3> quadFit(const std::vector<double>& x, std::size_t lo, std::size_t hi, double pos, double* var0 = nullptr) {
    double s[5] = {0, 0, 0, 0, 0}, t[3] = {0, 0, 0};
    for (std::size_t i = lo; i <= hi; ++i) {
        const double u = static_cast<double>(i) - pos;
        double p = 1.0;
        for (int k = 0; k < 5; ++k) {
            if (k < 3) t[k] += p * x[i];
            s[k] += p;
            p *= u;
        }
    }
    // Normal equations [[s0 s1 s2][s1 s2 s3][s2 s3 s4]] [a b c] = t, solved by Cramer's rule.
    const double m[3][3] = {{s[0], s[1], s[2]}, {s[1], s[2], s[3]}, {s[2], s[3], s[4]}};
    auto det3 = [](const double a[3][3]) {
        return a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
               a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    };
    const double d = det3(m);
    std::array<double, 3> r{linearAt(x, pos), 0.0, 0.0};
    if (std::fabs(d) < 1e-12) {
        if (var0) *var0 = 1.0;
        return r;
    }
    if (var0) *var0 = (s[2] * s[4] - s[3] * s[3]) / d;
    for (int k = 0; k < 3; ++k) {
        double mk[3][3];
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j) mk[i][j] = j == k ? t[i] : m[i][j];
        r[static_cast<std::size_t>(k)] = det3(mk) / d;
    }
    return r;
}

/// Least-squares polynomial of `degree` over samples [lo, hi] in u = (i - pos) / scale; its value at pos
/// (`var0`: that value's variance per unit white-noise variance).
double polyValueAt(const std::vector<double>& x, std::size_t lo, std::size_t hi, double pos, int degree, double* var0 = nullptr) {
    const int m = degree + 1;
    Eigen::MatrixXd ata = Eigen::MatrixXd::Zero(m, m);
    Eigen::VectorXd atb = Eigen::VectorXd::Zero(m);
    const double scale = std::max(1.0, 0.5 * static_cast<double>(hi - lo));
    for (std::size_t i = lo; i <= hi; ++i) {
        const double u = (static_cast<double>(i) - pos) / scale;
        double p[8];
        p[0] = 1.0;
        for (int k = 1; k < m; ++k) p[k] = p[k - 1] * u;
        for (int r = 0; r < m; ++r) {
            atb(r) += p[r] * x[i];
            for (int c = 0; c < m; ++c) ata(r, c) += p[r] * p[c];
        }
    }
    const auto ldlt = ata.ldlt();
    if (var0) *var0 = ldlt.solve(Eigen::VectorXd::Unit(m, 0))(0);
    return ldlt.solve(atb)(0);
}

/// The extreme (sign -1: minimum, +1: maximum) of the band-limited reconstruction of the samples
/// within one sample of `pos`: a Lanczos-windowed sinc over +-kLanczos samples, evaluated every
/// 0.02 sample. A recording is band-limited below half its sample rate (its anti-aliasing low-pass),
/// so the waveform between samples is the sinc interpolation of the samples (Shannon), whatever its
/// shape; a parabola through the three samples around a narrow peak (a SNAP's negative phase of
/// 0.5 ms sampled at 5 kHz: three samples) assumes a quadratic peak and reads a sharper one short
/// (-7 % on such a phase). NaN when the sweep holds too few samples around pos. `var`: the value's
/// variance per unit white-noise variance (the sum of the squared interpolation weights there).
constexpr int kLanczos = 8;
double bandlimitedExtreme(const std::vector<double>& x, double pos, int sign, double* var = nullptr) {
    const auto c = static_cast<std::int64_t>(std::llround(pos));
    if (c - kLanczos - 1 < 0 || c + kLanczos + 1 >= static_cast<std::int64_t>(x.size())) return std::nan("");
    auto at = [&](double t, double* weights2) {
        const auto i0 = static_cast<std::int64_t>(std::floor(t));
        double v = 0.0, w2 = 0.0;
        for (std::int64_t k = i0 - kLanczos + 1; k <= i0 + kLanczos; ++k) {
            const double u = t - static_cast<double>(k);
            if (std::fabs(u) < 1e-12) {
                if (weights2) *weights2 = 1.0;
                return x[static_cast<std::size_t>(k)];
            }
            const double pu = std::numbers::pi * u;
            const double w = std::sin(pu) / pu * std::sin(pu / kLanczos) / (pu / kLanczos);
            v += x[static_cast<std::size_t>(k)] * w;
            w2 += w * w;
        }
        if (weights2) *weights2 = w2;
        return v;
    };
    double bestT = static_cast<double>(c);
    double best = at(bestT, nullptr);
    for (double t = static_cast<double>(c) - 1.0; t <= static_cast<double>(c) + 1.0 + 1e-9; t += 0.02) {
        const double v = at(t, nullptr);
        if (sign * v > sign * best) {
            best = v;
            bestT = t;
        }
    }
    if (var) at(bestT, var);
    return best;
}

/// The extreme (sign -1: minimum) of a degree-4 least-squares polynomial over the samples around
/// sample `pos` whose depth from `baselineUv` is at least `fraction` of the depth at pos (the peak's
/// top; widened symmetrically to at least 7 samples). Unlike the deepest sample (and a parabola through
/// it and its two neighbours), the fit is not drawn to the most negative noise value among the many
/// samples of a broad peak's top: on a raised-cosine CMAP sampled at 12 kHz with noise at 1/35 of
/// the peak, the deepest sample lies on average 1.5 noise SD beyond the peak (+4 %), the fit within
/// 0.3 % on the noise-free peak (tests/dsp/test_dsp_ncs_motor_amplitude.cpp). NaN when the fit has
/// no interior extreme (not a peak shape) or the sweep is too short. `var`: the extreme's variance per
/// unit white-noise variance (p^T (A^T A)^-1 p at the extreme).
double levelSpanExtreme(const std::vector<double>& x, double baselineUv, double pos, double fraction, int sign, double* var = nullptr) {
    const auto n = static_cast<std::int64_t>(x.size());
    const auto c = static_cast<std::int64_t>(std::llround(pos));
    if (c < 3 || c + 3 >= n) return std::nan("");
    const double depth = sign * (x[static_cast<std::size_t>(c)] - baselineUv);
    if (!(depth > 0.0)) return std::nan("");
    auto deep = [&](std::int64_t i) { return sign * (x[static_cast<std::size_t>(i)] - baselineUv) >= fraction * depth; };
    std::int64_t lo = c, hi = c;
    while (lo > 0 && deep(lo - 1)) --lo;
    while (hi + 1 < n && deep(hi + 1)) ++hi;
    while (hi - lo + 1 < 7 && lo > 0 && hi + 1 < n) {
        --lo;
        ++hi;
    }
    if (hi - lo + 1 < 7) return std::nan("");
    constexpr int m = 5;
    const double scale = std::max(1.0, 0.5 * static_cast<double>(hi - lo));
    Eigen::MatrixXd ata = Eigen::MatrixXd::Zero(m, m);
    Eigen::VectorXd atb = Eigen::VectorXd::Zero(m);
    for (std::int64_t i = lo; i <= hi; ++i) {
        const double u = static_cast<double>(i - c) / scale;
        double p[m];
        p[0] = 1.0;
        for (int k = 1; k < m; ++k) p[k] = p[k - 1] * u;
        for (int r = 0; r < m; ++r) {
            atb(r) += p[r] * x[static_cast<std::size_t>(i)];
            for (int q = 0; q < m; ++q) ata(r, q) += p[r] * p[q];
        }
    }
    const auto ldlt = ata.ldlt();
    const Eigen::VectorXd coef = ldlt.solve(atb);
    auto value = [&](double u) {
        double v = 0.0;
        for (int k = m - 1; k >= 0; --k) v = v * u + coef(k);
        return v;
    };
    const double u0 = static_cast<double>(lo - c) / scale, u1 = static_cast<double>(hi - c) / scale;
    constexpr int steps = 400;
    double best = value(u0);
    int bestAt = 0;
    for (int s = 1; s <= steps; ++s) {
        const double v = value(u0 + (u1 - u0) * s / steps);
        if (sign * v > sign * best) {
            best = v;
            bestAt = s;
        }
    }
    if (bestAt == 0 || bestAt == steps) return std::nan("");
    if (var) {
        Eigen::VectorXd p(m);
        const double u = u0 + (u1 - u0) * bestAt / steps;
        p(0) = 1.0;
        for (int k = 1; k < m; ++k) p(k) = p(k - 1) * u;
        *var = p.dot(ldlt.solve(p));
    }
    return best;
}

/// The noise's standard error on the negative peak's reading (`peakVar`: its variance per unit noise
/// variance) and on the amplitude, which also carries the baseline level's: a mean of
/// `baselineSamples` samples (none: the level is taken as exact here; the caller adds a fitted
/// model's). NaN without a noise estimate.
void setAmplitudeSe(ResponseMeasures& r, double noiseSdUv, double peakVar, std::size_t baselineSamples) {
    if (!(noiseSdUv > 0.0) || !std::isfinite(noiseSdUv) || !(peakVar >= 0.0)) {
        r.peakSeUv = r.amplitudeSeUv = std::nan("");
        return;
    }
    r.peakSeUv = noiseSdUv * std::sqrt(peakVar);
    const double levelSe = baselineSamples > 0 ? noiseSdUv / std::sqrt(static_cast<double>(baselineSamples)) : 0.0;
    r.amplitudeSeUv = amplitudeStandardErrorUv(r.peakSeUv, levelSe, r.amplitudeUv);
}

/// Adds a note to a result's note, "; "-separated.
void appendNote(std::string& note, const std::string& more) { note += (note.empty() ? "" : "; ") + more; }

std::size_t halfWidthSamples(double halfWidthMs, double fs) {
    return std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(halfWidthMs * 1e-3 * fs)));
}

/// Extreme (sign -1: minimum, +1: maximum) in [lo, hi), refined by a quadratic fit; fractional sample.
double refinedExtreme(const Sweep& s, std::size_t lo, std::size_t hi, int sign, double fitMs) {
    std::size_t m = lo;
    for (std::size_t i = lo; i < hi; ++i)
        if (sign * s.uv[i] > sign * s.uv[m]) m = i;
    const std::size_t h = halfWidthSamples(fitMs, s.sampleRateHz);
    if (m < h || m + h >= s.uv.size()) return static_cast<double>(m);
    const auto c = quadFit(s.uv, m - h, m + h, static_cast<double>(m));
    if (sign * c[2] >= 0.0) return static_cast<double>(m);   // not a peak shape
    const double v = std::clamp(-c[1] / (2.0 * c[2]), -1.0, 1.0);
    return static_cast<double>(m) + v;
}
/// valueAtMs, and the value's variance per unit white-noise variance into `var`.
double valueAndVarianceAtMs(const Sweep& sweep, double ms, double halfWidthMs, int degree, double* var) {
    const double pos = sweep.sampleAt(ms);
    const std::size_t h = halfWidthSamples(halfWidthMs, sweep.sampleRateHz);
    const auto c = static_cast<std::int64_t>(std::llround(pos));
    if (c - static_cast<std::int64_t>(h) < 0 || c + static_cast<std::int64_t>(h) >= static_cast<std::int64_t>(sweep.uv.size())) {
        if (var) {
            const double f = pos - std::floor(pos);
            *var = (1.0 - f) * (1.0 - f) + f * f;
        }
        return linearAt(sweep.uv, pos);
    }
    const auto lo = static_cast<std::size_t>(c) - h, hi = static_cast<std::size_t>(c) + h;
    if (degree > 2 && hi - lo + 1 >= static_cast<std::size_t>(2 * degree + 3)) return polyValueAt(sweep.uv, lo, hi, pos, std::min(degree, 6), var);
    return quadFit(sweep.uv, lo, hi, pos, var)[0];
}
}  // namespace

double amplitudeStandardErrorUv(double peakSeUv, double levelSeUv, double amplitudeUv) noexcept {
    if (!std::isfinite(peakSeUv) || !std::isfinite(levelSeUv) || !std::isfinite(amplitudeUv)) return std::nan("");
    return std::sqrt(peakSeUv * peakSeUv + levelSeUv * levelSeUv + std::pow(kPeakShapeSeFraction * amplitudeUv, 2));
}

double valueAtMs(const Sweep& sweep, double ms, double halfWidthMs, int degree) { return valueAndVarianceAtMs(sweep, ms, halfWidthMs, degree, nullptr); }

ResponseMeasures measureFromMarkers(const Sweep& sweep, const Markers& mk, double peakFitMs, double negativePeakQuarticMs,
                                    double negativePeakLevelFraction, double noiseSdUv, std::size_t baselineSamples) {
    if (sweep.uv.size() < 4 || !(sweep.sampleRateHz > 0.0)) throw std::invalid_argument("measure: empty sweep");
    const double t0 = sweep.timeMs(0.0), t1 = sweep.timeMs(static_cast<double>(sweep.uv.size() - 1));
    for (double t : {mk.onsetMs, mk.negativePeakMs, mk.negativeEndMs, mk.positivePeakMs})
        if (!std::isfinite(t) || t < t0 || t > t1)
            throw std::invalid_argument("measure: a marker lies outside the sweep (" + std::to_string(t) + " ms)");
    if (!(mk.onsetMs <= mk.negativePeakMs && mk.negativePeakMs <= mk.negativeEndMs))
        throw std::invalid_argument("measure: markers out of order (need onset <= negative peak <= negative end)");
    ResponseMeasures r;
    r.onsetLatencyMs = mk.onsetMs;
    r.peakLatencyMs = mk.negativePeakMs;
    // The quartic needs 2 x 4 + 3 samples over its span; with fewer (a narrow SNAP at a low sample
    // rate) the local parabola over +-peakFitMs is used: a parabola over the quartic's wider span
    // would flatten the peak (-15 % on a 0.6 ms phase sampled at 5 kHz).
    const bool quartic = negativePeakQuarticMs > 0.0 && 2 * halfWidthSamples(negativePeakQuarticMs, sweep.sampleRateHz) + 1 >= 11;
    // Asked for the wider fit but too few samples over it, and the parabola over +-peakFitMs would
    // run through just the three samples around the peak (a narrow SNAP below 7.5 kHz with the
    // sensory 0.2 ms): the peak of the band-limited reconstruction near the marker
    // (bandlimitedExtreme). Both pass through the samples, so neither averages their noise; the
    // reconstruction does not flatten a sharp peak. With more samples the parabola's smoothing of
    // the noise is kept (a sinc through the samples at 10 kHz read one noisy sample +10.6 %).
    double negVar = 1.0;   // the negative peak's reading: its variance per unit noise variance
    double neg = quartic ? valueAndVarianceAtMs(sweep, mk.negativePeakMs, negativePeakQuarticMs, 4, &negVar)
                         : valueAndVarianceAtMs(sweep, mk.negativePeakMs, peakFitMs, 2, &negVar);
    if (!quartic && negativePeakQuarticMs > 0.0 && halfWidthSamples(peakFitMs, sweep.sampleRateHz) == 1) {
        double v = 1.0;
        const double b = bandlimitedExtreme(sweep.uv, sweep.sampleAt(mk.negativePeakMs), -1, &v);
        if (std::isfinite(b)) {
            neg = b;
            negVar = v;
        }
    }
    if (negativePeakLevelFraction > 0.0) {   // the extreme of a quartic over the peak's top (levelSpanExtreme)
        double var = 1.0;
        const double v = levelSpanExtreme(sweep.uv, mk.baselineUv, sweep.sampleAt(mk.negativePeakMs), negativePeakLevelFraction, -1, &var);
        if (std::isfinite(v)) {
            neg = v;
            negVar = var;
        }
    }
    const double pos = valueAtMs(sweep, mk.positivePeakMs, peakFitMs);
    r.amplitudeUv = mk.baselineUv - neg;
    setAmplitudeSe(r, noiseSdUv, negVar, baselineSamples);
    r.peakToPeakUv = pos - neg;
    r.negativeDurationMs = mk.negativeEndMs - mk.onsetMs;
    // Trapezoidal area of (baseline - signal) between onset and negative end (fractional limits).
    const double a = sweep.sampleAt(mk.onsetMs), b = sweep.sampleAt(mk.negativeEndMs);
    double area = 0.0;
    double prevPos = a, prevVal = mk.baselineUv - linearAt(sweep.uv, a);
    for (auto i = static_cast<std::size_t>(std::floor(a)) + 1; static_cast<double>(i) < b; ++i) {
        const double v = mk.baselineUv - sweep.uv[i];
        area += 0.5 * (v + prevVal) * (static_cast<double>(i) - prevPos);
        prevPos = static_cast<double>(i);
        prevVal = v;
    }
    area += 0.5 * (prevVal + (mk.baselineUv - linearAt(sweep.uv, b))) * (b - prevPos);
    r.negativeAreaUvMs = area * 1000.0 / sweep.sampleRateHz;
    return r;
}

double onsetThresholdUv(const DetectionSettings& st, const BaselineStats& b) noexcept {
    return st.method == OnsetMethod::BaselineSd ? std::max(st.onsetSd * b.sdUv, st.onsetFloorUv) : st.onsetFixedUv;
}

std::optional<OnsetFound> detectOnset(const Sweep& sweep, double baselineUv, double threshold, std::size_t start, std::size_t end,
                                      const DetectionSettings& st) {
    const std::size_t n = sweep.uv.size();
    end = std::min(end, n);
    const auto persist = std::max<std::size_t>(2, static_cast<std::size_t>(std::ceil(st.persistenceMs * 1e-3 * sweep.sampleRateHz)));
    auto dev = [&](std::size_t i) { return sweep.uv[i] - baselineUv; };
    std::size_t cross = n;
    int sign = 0;
    for (std::size_t i = start; i + persist <= n && i < end; ++i) {
        const double d = dev(i);
        if (std::fabs(d) <= threshold) continue;
        const int sg = d < 0 ? -1 : 1;
        bool lasting = true;
        for (std::size_t k = 1; k < persist && lasting; ++k)
            if (sg * dev(i + k) <= threshold) lasting = false;
        if (lasting) {
            cross = i;
            sign = sg;
            break;
        }
    }
    if (cross == n) return std::nullopt;
    // Refine back to the departure point, then extrapolate the first rising samples to the baseline.
    std::size_t j = cross;
    const double refineLevel = st.refineFraction * threshold;
    while (j > start && sign * dev(j - 1) > refineLevel) --j;
    // Extrapolate the leading edge back to the baseline along its steepest tangent: on the edge
    // between 10 % and 60 % of the first peak (never below the refine level), the point of the
    // largest local slope (least-squares line over +-0.1 ms, at least +-2 samples), and its line
    // to the baseline. A symmetric (zero-phase) low-pass rounds the corner at the departure but
    // leaves this tangent in place, so the onset is not pulled early by the filter. The result
    // stays within [departure - 1 sample, threshold crossing].
    double onset = static_cast<double>(j);
    {
        const auto span2ms = static_cast<std::size_t>(2e-3 * sweep.sampleRateHz);
        double ext = 0.0;
        for (std::size_t k = cross; k < std::min(n, cross + span2ms + 1); ++k) ext = std::max(ext, sign * dev(k));
        const double loLevel = std::max(refineLevel, 0.1 * ext);
        const double hiLevel = std::max(0.6 * ext, threshold);
        const auto h = std::max<std::size_t>(2, static_cast<std::size_t>(std::llround(1e-4 * sweep.sampleRateHz)));
        std::size_t k = j;
        while (k < n && sign * dev(k) < loLevel) ++k;
        double bestSlope = 0.0, bestOnset = onset;
        for (; k + h < n && k >= h; ++k) {
            double su = 0, sy = 0, suu = 0, suy = 0, cnt = 0;
            for (std::size_t q = k - h; q <= k + h; ++q) {
                const double u = static_cast<double>(q) - static_cast<double>(k), y = sign * dev(q);
                su += u;
                sy += y;
                suu += u * u;
                suy += u * y;
                cnt += 1.0;
            }
            const double slope = (cnt * suy - su * sy) / (cnt * suu - su * su);
            const double value = (sy - slope * su) / cnt;
            if (slope > bestSlope) {
                bestSlope = slope;
                bestOnset = static_cast<double>(k) - value / slope;
            }
            if (sign * dev(k) >= hiLevel) break;
        }
        if (bestSlope > 0.0) onset = std::clamp(bestOnset, static_cast<double>(j) - 1.0, static_cast<double>(cross));
    }
    onset = std::max(onset, static_cast<double>(sweep.preSamples));
    OnsetFound f;
    f.sample = onset;
    f.crossing = cross;
    f.refined = j;
    f.sign = sign;
    return f;
}

namespace {
/// Where the negative phase whose first sample beyond the threshold is k0 crosses the baseline
/// going negative (linear interpolation between the samples around it), searched back to `from`.
double negativeStartSample(const Sweep& sweep, double baselineUv, std::size_t k0, std::size_t from) {
    std::size_t k = k0;
    while (k > from && sweep.uv[k - 1] - baselineUv < 0.0) --k;
    if (k == 0 || k <= from) return static_cast<double>(k);
    const double d0 = sweep.uv[k - 1] - baselineUv, d1 = sweep.uv[k] - baselineUv;   // d0 >= 0 > d1
    return static_cast<double>(k - 1) + (d0 != d1 ? d0 / (d0 - d1) : 0.0);
}

/// The samples beyond half the negative peak's depth (from the baseline) on either side of the peak
/// at sample `peak`, up to the first that is not: the fewer of the two sides.
std::size_t samplesBeyondHalfDepth(const Sweep& sweep, double baselineUv, double peak) {
    const std::size_t n = sweep.uv.size();
    const auto at = std::min(n - 1, static_cast<std::size_t>(std::llround(std::max(0.0, peak))));
    const double half = 0.5 * (baselineUv - sweep.uv[at]);
    if (!(half > 0.0)) return 0;
    std::size_t lo = at, hi = at;
    while (lo > 0 && baselineUv - sweep.uv[lo - 1] > half) --lo;
    while (hi + 1 < n && baselineUv - sweep.uv[hi + 1] > half) ++hi;
    return std::min(at - lo, hi - at);
}

/// The half width at half height of the negative peak at sample `peak`: the shorter of the spans
/// from it to the first sample on either side no longer beyond half its depth (from the baseline).
double halfHeightHalfWidthMs(const Sweep& sweep, double baselineUv, double peak) {
    const std::size_t n = sweep.uv.size();
    const auto at = std::min(n - 1, static_cast<std::size_t>(std::llround(std::max(0.0, peak))));
    if (!(sweep.uv[at] < baselineUv)) return 0.0;
    return static_cast<double>(samplesBeyondHalfDepth(sweep, baselineUv, peak) + 1) * 1000.0 / sweep.sampleRateHz;
}

/// A sensory peak read by the parabola over +-peakFitMs (no quartic: too few samples over its span)
/// is read again when that span reaches beyond the peak's top half (its half width at half height):
/// a parabola through samples down the flanks flattens a narrow peak (a Gaussian: -2 % over +-1
/// half width, -10 % over +-1.5; fresh seed 3000216 s1, 8 kHz, a 0.4 ms phase: +-2 samples ran
/// into the samples beyond the phase, -11 %). Read instead by the parabola over the samples of the
/// top half, or, when it holds at most one sample each side, from the band-limited reconstruction.
void keepPeakFitWithinTop(const Sweep& sweep, const Markers& mk, double peakFitMs, double quarticMs, const BaselineStats& baseline,
                          ResponseMeasures& m) {
    const double fs = sweep.sampleRateHz;
    if (quarticMs > 0.0 && 2 * halfWidthSamples(quarticMs, fs) + 1 >= 11) return;   // the quartic was used
    const std::size_t h = halfWidthSamples(peakFitMs, fs);
    if (h <= 1) return;   // three samples: already the reconstruction's case (measureFromMarkers)
    const double peak = sweep.sampleAt(mk.negativePeakMs);
    // The top half's samples each side: a parabola over them, and not one sample further (the
    // half width at half height reaches to the first sample below half the depth: a parabola over
    // +-2 samples of a 0.4 ms phase at 8 kHz, one sample beyond half each side, ran through the
    // samples past the phase: fresh seed 3000213 s1 -9.4 %).
    const std::size_t top = samplesBeyondHalfDepth(sweep, mk.baselineUv, peak);
    if (top >= h) return;
    double var = 1.0;
    const double neg = top <= 1 ? bandlimitedExtreme(sweep.uv, peak, -1, &var)
                                : valueAndVarianceAtMs(sweep, mk.negativePeakMs, static_cast<double>(top) * 1000.0 / fs, 2, &var);
    if (!std::isfinite(neg)) return;
    const double amp = mk.baselineUv - neg;
    m.peakToPeakUv += amp - m.amplitudeUv;
    m.amplitudeUv = amp;
    setAmplitudeSe(m, baseline.sdUv, var, baseline.samples);
}

/// Negative lobes starting this long after the first one beyond the threshold are candidates for the main phase.
constexpr double mainPhaseWithinMs = 5.0;

/// The negative phase after the departure (sample j, onset at `onset`), its peak, its end and the
/// positive peak after it: markers and measures into `res`. The negative phase is the main one:
/// among the negative lobes (beyond -threshold) that start within mainPhaseWithinMs of the first,
/// the first whose extreme reaches half the largest one's. A lobe just beyond the threshold ahead of
/// the main phase (a dispersed SNAP's small first negativity after its initial positivity) is not
/// the phase whose peak is the amplitude. false when there is no negative phase.
bool markNegativePhase(const Sweep& sweep, double baselineUv, std::size_t j, double onset, double threshold, const DetectionSettings& st,
                       ResponseResult& res) {
    const std::size_t n = sweep.uv.size();
    const double fs = sweep.sampleRateHz;
    auto dev = [&](std::size_t i) { return sweep.uv[i] - baselineUv; };
    std::size_t k0 = j;
    while (k0 < n && dev(k0) > -threshold) ++k0;
    if (k0 >= n) return false;
    // The negative lobes starting within the span: first sample beyond -threshold, extreme.
    std::vector<std::pair<std::size_t, double>> lobes;
    const std::size_t within = k0 + static_cast<std::size_t>(mainPhaseWithinMs * 1e-3 * fs);
    for (std::size_t i = k0; i < n && i <= within;) {
        if (dev(i) > -threshold) {
            ++i;
            continue;
        }
        double ext = 0.0;
        std::size_t hi = i;
        while (hi < n && dev(hi) < 0.0) ext = std::min(ext, dev(hi++));
        lobes.emplace_back(i, ext);
        i = hi;
    }
    // The main phase is the deepest lobe: a dispersed SNAP's first negative lobe may reach half the
    // deepest one's and more (phase cancellation between fibre groups), and the amplitude is the
    // response's largest negativity (before, the first lobe reaching half the deepest was taken:
    // fresh seed 3000749 s3, 415 mm, -44 %; an error bounded by 50 % only).
    double largest = 0.0;
    for (const auto& l : lobes)
        if (l.second < largest) {
            largest = l.second;
            k0 = l.first;
        }
    std::size_t kEnd = k0;
    while (kEnd < n && dev(kEnd) < 0.0) ++kEnd;
    double negEnd = static_cast<double>(kEnd);
    if (kEnd < n) {   // linear interpolation of the baseline crossing
        const double d0 = dev(kEnd - 1), d1 = dev(kEnd);
        negEnd = static_cast<double>(kEnd - 1) + (d1 != d0 ? -d0 / (d1 - d0) : 0.0);
    } else {
        negEnd = static_cast<double>(n - 1);
        appendNote(res.note, "negative phase does not return to baseline within the sweep");
    }
    const double negPeak = refinedExtreme(sweep, k0, std::max(kEnd, k0 + 1), -1, st.peakFitMs);
    // Positive peak: the maximum after the negative phase, within twice its duration (>= 3 ms).
    const double span = std::max(2.0 * (negEnd - onset), 3e-3 * fs);
    const std::size_t pLo = std::min(n - 1, kEnd);
    const std::size_t pHi = std::min(n, pLo + static_cast<std::size_t>(span) + 1);
    const double posPeak = pHi > pLo + 1 ? refinedExtreme(sweep, pLo, pHi, +1, st.peakFitMs) : static_cast<double>(pLo);

    Markers mk;
    mk.onsetMs = sweep.timeMs(onset);
    mk.negativePeakMs = sweep.timeMs(std::max(negPeak, onset));
    mk.negativeEndMs = sweep.timeMs(std::max({negEnd, negPeak, onset}));   // ordered even when the onset lies past the phase
    mk.positivePeakMs = sweep.timeMs(posPeak);
    mk.baselineUv = baselineUv;
    mk.origin = MarkerOrigin::Auto;
    res.provenance.markers = mk;
    // A wider negative-peak fit (peakFitPhaseFraction), kept within the negative phase: the phase
    // from where it crosses the baseline going negative (not from the onset, which with an initial
    // positivity is that lobe's take-off, a phase earlier) to where it crosses back.
    const double negStartMs = std::max(mk.onsetMs, sweep.timeMs(negativeStartSample(sweep, baselineUv, k0, j)));
    const double phaseFitMs = std::min({st.peakFitPhaseFraction * (mk.negativeEndMs - negStartMs), mk.negativePeakMs - negStartMs,
                                        mk.negativeEndMs - mk.negativePeakMs});
    // ... and within 1.5 x the peak's half width at half height: a narrow peak on a broad phase (a
    // slow return after it) is flattened by a quartic over most of the phase (a Gaussian: -0.8 %
    // over +-1.5 half widths, -6.8 % over +-2.5).
    const double quarticMs = st.peakFitPhaseFraction > 0.0 && phaseFitMs > st.peakFitMs
                                 ? std::min(phaseFitMs, 1.5 * halfHeightHalfWidthMs(sweep, baselineUv, negPeak))
                                 : 0.0;
    res.measures = measureFromMarkers(sweep, mk, st.peakFitMs, quarticMs, st.peakFitLevelFraction, res.baseline.sdUv, res.baseline.samples);
    if (st.peakFitPhaseFraction > 0.0 && st.peakFitLevelFraction <= 0.0)
        keepPeakFitWithinTop(sweep, mk, st.peakFitMs, quarticMs, res.baseline, res.measures);
    return true;
}
}  // namespace

ResponseResult detectResponse(const Sweep& sweep, const DetectionSettings& st) { return detectResponse(sweep, st, baselineStats(sweep)); }

ResponseResult detectResponse(const Sweep& sweep, const DetectionSettings& st, const BaselineStats& baseline) {
    ResponseResult res;
    const std::size_t n = sweep.uv.size();
    res.baseline = baseline;
    res.sampleRateHz = sweep.sampleRateHz;
    const auto& b = res.baseline;
    const std::size_t art = artifactEndSample(sweep, b, st.artifact);
    res.provenance.artifactEndMs = sweep.timeMs(static_cast<double>(art));
    double threshold = onsetThresholdUv(st, b);
    if (st.takeoffFit) res.provenance.onsetMethod = describeTakeoff(st.takeoff, b.sdUv);
    else {
        std::ostringstream m;
        m.precision(3);
        if (st.method == OnsetMethod::BaselineSd)
            m << "first departure beyond " << st.onsetSd << " SD of the pre-stimulus baseline (SD " << b.sdUv << " uV, threshold "
              << threshold << " uV) lasting " << st.persistenceMs << " ms, refined back to " << st.refineFraction
              << " x threshold and extrapolated to the baseline";
        else
            m << "first departure beyond " << threshold << " uV lasting " << st.persistenceMs << " ms, refined back to "
              << st.refineFraction << " x threshold and extrapolated to the baseline";
        res.provenance.onsetMethod = m.str();
    }
    std::size_t start = art;
    if (st.searchFromMs > 0.0) start = std::max(start, static_cast<std::size_t>(std::ceil(sweep.sampleAt(st.searchFromMs))));
    std::size_t end = n;
    if (st.searchToMs > 0.0) end = std::min(n, static_cast<std::size_t>(std::ceil(sweep.sampleAt(st.searchToMs))));
    std::size_t j = 0;
    double onset = 0.0;
    if (st.takeoffFit) {
        auto tk = findTakeoff(sweep, b.meanUv, b.sdUv, start, end, st.takeoff);
        if (!tk && st.artifact.extendedBlankMs > st.artifact.maxBlankMs) {
            // Nothing after an artifact end found past maxBlankMs: the "long tail" that never
            // settled may have been an early response following the artifact (a SNAP at 2 ms).
            // Search again from the artifact end bounded by maxBlankMs; the artifact's tail and the
            // response are then not separated by a settled baseline, so the onset is uncertain.
            ArtifactSettings shortBlank = st.artifact;
            shortBlank.extendedBlankMs = 0.0;
            std::size_t s2 = artifactEndSample(sweep, b, shortBlank);
            if (st.searchFromMs > 0.0) s2 = std::max(s2, static_cast<std::size_t>(std::ceil(sweep.sampleAt(st.searchFromMs))));
            if (s2 < start) {
                tk = findTakeoff(sweep, b.meanUv, b.sdUv, s2, end, st.takeoff);
                if (tk) {
                    tk->uncertain = true;
                    res.note = "onset uncertain: the stimulus artifact's tail runs into the response without settling";
                    start = s2;
                    res.provenance.artifactEndMs = sweep.timeMs(static_cast<double>(s2));
                }
            }
        }
        if (!tk) {
            res.note = "no response above the onset threshold";
            return res;
        }
        onset = tk->sample;
        j = static_cast<std::size_t>(std::floor(onset));
        threshold = std::max(st.takeoff.confirmSd * std::max(b.sdUv, st.takeoff.minNoiseUv), 1e-9);
        res.onsetUncertain = tk->uncertain;
        res.signalToNoise = tk->signalToNoise;
        res.onsetSeMs = tk->onsetSeMs;
        res.initialPositive = tk->sign > 0 && tk->mainSign < 0;
        const bool lowSnr = tk->signalToNoise < st.takeoff.certainSnr * (1.0 + st.takeoff.snrEstimateMargin);
        if (tk->uncertain && !lowSnr && !tk->unsettledBaseline && !tk->separateLobe && !tk->imprecise && !tk->dipNearLevel && res.note.empty())
            res.note = "onset uncertain: the stimulus artifact's tail runs into the response";
        if (tk->uncertain && lowSnr && res.note.empty()) {
            std::ostringstream m;
            m.precision(3);
            m << "onset uncertain: peak " << tk->signalToNoise << " x the noise rms (< " << st.takeoff.certainSnr
              << " x, with a " << st.takeoff.snrEstimateMargin * 100.0 << " % margin for the noise estimate)";
            res.note = m.str();
        }
        // The response is already beyond the onset level where the search starts (the stimulus
        // artifact's end, or its tail running into a response of the same sign): the take-off is
        // hidden under the artifact, so no confident onset. Likewise a take-off within a sample of
        // the artifact's end: no settled baseline sample lies between them, so the deflection may be
        // the artifact's own tail (a biphasic artifact crossing the baseline there: fresh seed
        // 3000380 s1, its 22 uV tail read as the onset, 1.04 ms early, confident).
        if (start < n && tk->sample <= static_cast<double>(start) + 1.0) {
            res.onsetUncertain = true;
            appendNote(res.note, (std::fabs(sweep.uv[start] - b.meanUv) > tk->levelUv
                       ? "onset uncertain: the response is already beyond the onset level where the stimulus artifact ends"
                       : "onset uncertain: the take-off lies within a sample of the stimulus artifact's end (no settled baseline "
                       "between them: it may be the artifact's tail)"));
        }
        if (tk->unsettledBaseline) {
            res.onsetUncertain = true;
            appendNote(res.note, "onset uncertain: the baseline under the take-off has not settled (a deflection already under way where the "
                       "stimulus artifact ends, the artifact's tail, runs into the response; or the sweep before the take-off sits off the "
                       "fitted baseline by most of the onset level)");
        }
        if (tk->dipNearLevel) {
            res.onsetUncertain = true;
            appendNote(res.note, "onset uncertain: a small deflection just before the response (of the other sign, or of its own sign with a notch "
                       "or a shoulder before the main phase's rise) peaks near the onset level, so the take-off may be its start or the main phase's");
        }
        if (tk->separateLobe) {
            res.onsetUncertain = true;
            appendNote(res.note, "onset uncertain: a deflection of the other sign beyond the onset level returns to the baseline before the "
                       "main phase, so the response may begin there or at the main phase");
        }
        if (tk->imprecise) {
            res.onsetUncertain = true;
            if (!(tk->onsetSeMs < kUnmeasurableOnsetSeMs)) {   // no rising take-off to divide the noise by
                appendNote(res.note, "onset uncertain: its standard error cannot be given (no take-off slope rising from a settled baseline)");
            } else {
                std::ostringstream m;
                m.precision(3);
                m << "onset uncertain: its standard error " << tk->onsetSeMs << " ms (noise / take-off slope; the sample spacing where read between two samples";
                if (st.takeoff.onsetSeSampleFraction > 0.0)
                    m << "; with " << std::hypot(tk->onsetSeMs, st.takeoff.onsetSeSampleFraction * 1e3 / sweep.sampleRateHz)
                      << " ms for the take-off read at " << sweep.sampleRateHz / 1000.0 << " kHz";
                m << ") does not place it within " << st.takeoff.maxOnsetSeMs << " ms (" << st.takeoff.onsetSeZ << " SE)";
                appendNote(res.note, m.str());
            }
        }
        if (res.initialPositive) appendNote(res.note, "initial positive deflection before the negative phase: onset at its take-off");
    } else {
        const auto found = detectOnset(sweep, b.meanUv, threshold, start, end, st);
        if (!found) {
            res.note = "no response above the onset threshold";
            return res;
        }
        j = found->refined;
        onset = found->sample;
    }

    if (!markNegativePhase(sweep, b.meanUv, j, onset, threshold, st, res)) res.note = "response without a negative phase";
    else res.found = true;
    return res;
}

std::string onsetUncertaintyReason(const ResponseResult& result) {
    static const std::string prefix = "onset uncertain: ";
    std::string reason = result.note;
    for (auto at = reason.find(prefix); at != std::string::npos; at = reason.find(prefix, at)) reason.erase(at, prefix.size());
    return reason.empty() ? std::string("the onset was not read confidently") : reason;
}

ResponseResult remeasure(const Sweep& sweep, const ResponseResult& previous, const Markers& moved, double peakFitMs) {
    ResponseResult r = previous;
    r.provenance.markers = moved;
    r.provenance.markers.origin = MarkerOrigin::Clinician;
    r.measures = measureFromMarkers(sweep, moved, peakFitMs);
    // The negative peak and baseline markers left where they were: their reading stays the one
    // made with them (the detector's may come from a fit over the peak's top, which a parabola at
    // the marker does not repeat), so moving the onset alone never changes the amplitude.
    const Markers& before = previous.provenance.markers;
    // The onset marker moved: the onset is the clinician's reading now, no longer the detector's
    // (an "onset uncertain" flag and its standard error belonged to the detector's take-off).
    if (moved.onsetMs != before.onsetMs) {
        r.onsetUncertain = false;
        r.onsetSeMs = 0.0;
    }
    if (previous.found && moved.negativePeakMs == before.negativePeakMs && moved.baselineUv == before.baselineUv) {
        r.measures.peakToPeakUv += previous.measures.amplitudeUv - r.measures.amplitudeUv;
        r.measures.amplitudeUv = previous.measures.amplitudeUv;
        r.measures.peakSeUv = previous.measures.peakSeUv;
        r.measures.amplitudeSeUv = previous.measures.amplitudeSeUv;
    }   // else a peak or baseline the clinician placed: the amplitude is their reading, its SE not known (NaN)
    r.found = true;
    return r;
}

double motorConductionVelocityMPerS(double distanceMm, double distalOnsetMs, double proximalOnsetMs) {
    if (!(distanceMm > 0.0)) throw std::invalid_argument("conduction velocity: distance must be positive");
    const double dt = proximalOnsetMs - distalOnsetMs;
    if (!(dt > 0.0))
        throw std::invalid_argument("conduction velocity: the proximal latency must exceed the distal one (difference " + std::to_string(dt) + " ms)");
    return distanceMm / dt;   // mm/ms == m/s
}

double sensoryConductionVelocityMPerS(double distanceMm, double onsetLatencyMs) {
    if (!(distanceMm > 0.0)) throw std::invalid_argument("conduction velocity: distance must be positive");
    if (!(onsetLatencyMs > 0.0)) throw std::invalid_argument("conduction velocity: onset latency must be positive");
    return distanceMm / onsetLatencyMs;
}

SegmentComparison compareSites(const ResponseMeasures& distal, const ResponseMeasures& proximal, const BlockCriteria& c) {
    SegmentComparison s;
    auto drop = [](double d, double p) { return d != 0.0 ? (d - p) / d * 100.0 : 0.0; };
    s.amplitudeDropPercent = drop(distal.amplitudeUv, proximal.amplitudeUv);
    s.areaDropPercent = drop(distal.negativeAreaUvMs, proximal.negativeAreaUvMs);
    s.durationIncreasePercent = distal.negativeDurationMs > 0.0
                                    ? (proximal.negativeDurationMs - distal.negativeDurationMs) / distal.negativeDurationMs * 100.0
                                    : 0.0;
    const bool judged = distal.amplitudeUv >= c.minDistalAmplitudeUv;
    s.conductionBlock = judged && s.areaDropPercent >= c.areaDropPercent && s.durationIncreasePercent <= c.maxDurationIncreasePercent;
    s.temporalDispersion = judged && s.durationIncreasePercent > c.dispersionDurationIncreasePercent;
    std::ostringstream m;
    m << "probable conduction block: negative-phase area drop >= " << c.areaDropPercent << " % with duration increase <= "
      << c.maxDurationIncreasePercent << " %; temporal dispersion: duration increase > " << c.dispersionDurationIncreasePercent
      << " %; judged only when the distal amplitude >= " << c.minDistalAmplitudeUv << " uV";
    if (!judged) m << " (distal amplitude too low: not judged)";
    s.criteria = m.str();
    return s;
}

}  // namespace emg::dsp
