#include <emg/dsp/sweep_baseline.h>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace emg::dsp {

namespace {
struct Fit {
    Eigen::VectorXd coef;
    Eigen::MatrixXd inverseNormal;   ///< (A^T A)^-1: the coefficients' covariance per unit noise variance
    bool slope = true;
    int terms = 0;
    double rms = 0.0;
    std::size_t used = 0;
};

int humTerms(const Sweep& s, const SweepBaselineSettings& st) {
    if (!(st.mainsHz > 0.0)) return 0;
    int h = 0;
    while (h < st.harmonics && (h + 1) * st.mainsHz < 0.45 * s.sampleRateHz) ++h;
    return h;
}

/// The model's terms at t seconds after the stimulus.
void basisAtSec(double t, int harmonics, double mainsHz, double* out) {
    out[0] = 1.0;
    out[1] = t * 10.0;   // scaled so the normal equations stay well conditioned
    const double w = 2.0 * std::numbers::pi * mainsHz * t;
    for (int k = 1; k <= harmonics; ++k) {
        out[2 * k] = std::cos(k * w);
        out[2 * k + 1] = std::sin(k * w);
    }
}

void basis(const Sweep& s, std::size_t i, int harmonics, double mainsHz, double* out) {
    basisAtSec(s.timeMs(static_cast<double>(i)) * 1e-3, harmonics, mainsHz, out);
}

/// Least-squares fit on the samples where use(i) holds; `slope` false leaves the drift term out
/// (its coefficient 0).
template <typename Use>
Fit fitWhere(const Sweep& s, Use use, int harmonics, double mainsHz, bool slope = true) {
    Fit f;
    f.terms = 2 + 2 * harmonics;
    Eigen::MatrixXd ata = Eigen::MatrixXd::Zero(f.terms, f.terms);
    Eigen::VectorXd atb = Eigen::VectorXd::Zero(f.terms);
    double b[32];
    for (std::size_t i = 0; i < s.uv.size(); ++i) {
        if (!use(i)) continue;
        basis(s, i, harmonics, mainsHz, b);
        if (!slope) b[1] = 0.0;
        for (int r = 0; r < f.terms; ++r) {
            atb(r) += b[r] * s.uv[i];
            for (int c = r; c < f.terms; ++c) ata(r, c) += b[r] * b[c];
        }
        ++f.used;
    }
    if (!slope) ata(1, 1) = 1.0;   // the drift term's column is empty: its coefficient solves to 0
    for (int r = 0; r < f.terms; ++r)
        for (int c = 0; c < r; ++c) ata(r, c) = ata(c, r);
    const auto ldlt = ata.ldlt();
    f.coef = ldlt.solve(atb);
    f.inverseNormal = ldlt.solve(Eigen::MatrixXd::Identity(f.terms, f.terms));
    f.slope = slope;
    double ss = 0.0;
    for (std::size_t i = 0; i < s.uv.size(); ++i) {
        if (!use(i)) continue;
        basis(s, i, harmonics, mainsHz, b);
        if (!slope) b[1] = 0.0;
        double m = 0.0;
        for (int r = 0; r < f.terms; ++r) m += f.coef(r) * b[r];
        ss += (s.uv[i] - m) * (s.uv[i] - m);
    }
    const auto params = static_cast<std::size_t>(f.terms - (slope ? 0 : 1));
    f.rms = f.used > params ? std::sqrt(ss / static_cast<double>(f.used - params)) : 0.0;
    return f;
}

Fit fitOutside(const Sweep& s, std::size_t gapLo, std::size_t gapHi, int harmonics, double mainsHz) {
    return fitWhere(s, [&](std::size_t i) { return i < gapLo || i >= gapHi; }, harmonics, mainsHz);
}

double modelAt(const Sweep& s, const Fit& f, std::size_t i, int harmonics, double mainsHz) {
    double b[32];
    basis(s, i, harmonics, mainsHz, b);
    double m = 0.0;
    for (int r = 0; r < f.terms; ++r) m += f.coef(r) * b[r];
    return m;
}

/// Subtracts the fitted model (hum terms 1..harmonics at mainsHz) from every sample and describes
/// it: `wanted` hum terms the settings allowed, the samples from the stimulus to `endSample` left out.
SweepBaseline subtractModel(Sweep& s, const Fit& f, int harmonics, double mainsHz, int wanted, std::size_t endSample) {
    for (std::size_t i = 0; i < s.uv.size(); ++i) s.uv[i] -= modelAt(s, f, i, harmonics, mainsHz);
    SweepBaseline out;
    out.noiseRmsUv = f.rms;
    out.humFitted = harmonics > 0;
    out.humHarmonics = harmonics;
    out.humHarmonicsWanted = wanted;
    out.humAmplitudeUv = harmonics > 0 ? std::hypot(f.coef(2), f.coef(3)) : 0.0;
    out.responseEndMs = s.timeMs(static_cast<double>(endSample));
    out.mainsHz = harmonics > 0 ? mainsHz : 0.0;
    out.fitSamples = f.used;
    BaselineModelPrecision p;
    p.terms = f.terms;
    p.harmonics = harmonics;
    p.mainsHz = mainsHz;
    p.drift = f.slope;
    if (f.inverseNormal.rows() == f.terms && f.inverseNormal.cols() == f.terms) {
        p.inverseNormal.resize(static_cast<std::size_t>(f.terms * f.terms));
        for (int r = 0; r < f.terms; ++r)
            for (int c = 0; c < f.terms; ++c) p.inverseNormal[static_cast<std::size_t>(r * f.terms + c)] = f.inverseNormal(r, c);
        out.models.push_back(std::move(p));
    }
    return out;
}

/// The sweep less the model (the residual), where the stimulus artifact has settled on it (its end
/// searched up to 5 ms), and the band beyond which the residual is the response: max(5 x sdUv, 5 %
/// of its largest deviation after the artifact).
struct ResidualBand {
    Sweep res;
    std::size_t art = 0;
    double band = 0.0;
};
ResidualBand residualBand(const Sweep& s, const Fit& f, int harmonics, double mainsHz, double sdUv) {
    ResidualBand out;
    out.res = s;
    const std::size_t n = s.uv.size();
    for (std::size_t i = 0; i < n; ++i) out.res.uv[i] = s.uv[i] - modelAt(s, f, i, harmonics, mainsHz);
    BaselineStats rb;
    rb.sdUv = sdUv;
    ArtifactSettings as;
    as.extendedBlankMs = 5.0;
    out.art = artifactEndSample(out.res, rb, as);
    double largest = 0.0;
    for (std::size_t i = out.art; i < n; ++i) largest = std::max(largest, std::fabs(out.res.uv[i]));
    out.band = std::max(5.0 * sdUv, 0.05 * largest);
    return out;
}

/// Enough usable samples for the hum terms: the usable samples lie on both sides of the gap (or
/// there is no gap), span at least one mains period from the first to the last, cover at least
/// 60 % of a period between them, and number at least 8 per term.
bool humFits(const Sweep& s, std::size_t gapLo, std::size_t gapHi, int harmonics, double mainsHz) {
    const std::size_t n = s.uv.size();
    gapLo = std::min(gapLo, n);
    gapHi = std::min(gapHi, n);
    const std::size_t used = n - (gapHi - gapLo);
    const double period = s.sampleRateHz / mainsHz;
    const bool bothSides = gapHi >= n ? gapLo >= n : gapLo > 0;
    const std::size_t first = gapLo > 0 ? 0 : gapHi, last = gapHi < n ? n : gapLo;
    return harmonics > 0 && bothSides && static_cast<double>(last - first) >= period && static_cast<double>(used) >= 0.6 * period &&
           used >= static_cast<std::size_t>(8 * (2 + 2 * harmonics));
}
/// The largest standard deviation, in units of the noise rms (sqrt(x' (A'A)^-1 x)), of the
/// prediction of a model fitted where use(i) holds, over the samples from `from` to `to` it leaves
/// out; `slope` false: without the drift term.
template <typename Use>
double spreadWhere(const Sweep& s, Use use, std::size_t from, std::size_t to, int harmonics, double mainsHz, bool slope) {
    const int terms = 2 + 2 * harmonics;
    Eigen::MatrixXd ata = Eigen::MatrixXd::Zero(terms, terms);
    double b[32];
    const std::size_t n = s.uv.size();
    for (std::size_t i = 0; i < n; ++i) {
        if (!use(i)) continue;
        basis(s, i, harmonics, mainsHz, b);
        if (!slope) b[1] = 0.0;
        for (int r = 0; r < terms; ++r)
            for (int c = 0; c < terms; ++c) ata(r, c) += b[r] * b[c];
    }
    if (!slope) ata(1, 1) = 1.0;   // the drift term's column is empty
    const Eigen::MatrixXd inv = ata.ldlt().solve(Eigen::MatrixXd::Identity(terms, terms));
    double worst = 0.0;
    Eigen::VectorXd x(terms);
    for (std::size_t i = from; i < std::min(to, n); ++i) {
        if (use(i)) continue;
        basis(s, i, harmonics, mainsHz, b);
        if (!slope) b[1] = 0.0;
        for (int r = 0; r < terms; ++r) x(r) = b[r];
        worst = std::max(worst, x.dot(inv * x));
    }
    return std::sqrt(worst);
}

/// How far the model, fitted outside the gap, can wander inside it: the largest standard deviation
/// of the model's prediction over the gap, in units of the noise rms (sqrt(x' (A'A)^-1 x)). Hum
/// harmonics whose period is near the gap's length are nearly free inside it (a 100 Hz term over
/// an 8 ms gap in a 25 ms sweep: about 3 x the noise), so they are kept only when this stays small.
double gapSpread(const Sweep& s, std::size_t gapLo, std::size_t gapHi, int harmonics, double mainsHz) {
    return spreadWhere(s, [&](std::size_t i) { return i < gapLo || i >= gapHi; }, gapLo, gapHi, harmonics, mainsHz, true);
}

/// The hum terms to fit: the most harmonics (up to `most`) that fit (humFits) and leave the model
/// steady inside the gap (gapSpread <= 0.5 x noise).
int usableHarmonics(const Sweep& s, std::size_t gapLo, std::size_t gapHi, int most, double mainsHz) {
    for (int h = most; h > 0; --h)
        if (humFits(s, gapLo, gapHi, h, mainsHz) && gapSpread(s, gapLo, gapHi, h, mainsHz) <= 0.5) return h;
    return 0;
}

/// Enough samples where use(i) holds for `harmonics` hum terms: at least 8 per term, spanning a
/// mains period from the first to the last and covering 60 % of one, and the model steady (spread
/// <= 0.5 x noise, as gapSpread) over the samples from `from` to `to` it leaves out.
template <typename Use>
bool humFitsWhere(const Sweep& s, Use use, std::size_t from, std::size_t to, int harmonics, double mainsHz, bool slope) {
    if (harmonics <= 0) return false;
    std::size_t used = 0, first = s.uv.size(), last = 0;
    for (std::size_t i = 0; i < s.uv.size(); ++i) {
        if (!use(i)) continue;
        ++used;
        first = std::min(first, i);
        last = i + 1;
    }
    const double period = s.sampleRateHz / mainsHz;
    if (used < static_cast<std::size_t>(8 * (2 + 2 * harmonics)) || static_cast<double>(last - first) < period ||
        static_cast<double>(used) < 0.6 * period)
        return false;
    return spreadWhere(s, use, from, to, harmonics, mainsHz, slope) <= 0.5;
}

/// The noise of x[from, to) from its first differences (1.4826 x their median absolute deviation
/// / sqrt 2): a response's slow phases and a level offset do not enter it, hum and the response's
/// few steep samples hardly.
double differenceNoise(const std::vector<double>& x, std::size_t from, std::size_t to) {
    std::vector<double> d;
    for (std::size_t i = from + 1; i < std::min(to, x.size()); ++i) d.push_back(x[i] - x[i - 1]);
    if (d.size() < 8) return 0.0;
    const auto mid = d.begin() + static_cast<std::ptrdiff_t>(d.size() / 2);
    std::nth_element(d.begin(), mid, d.end());
    const double med = *mid;
    for (auto& v : d) v = std::fabs(v - med);
    std::nth_element(d.begin(), mid, d.end());
    return 1.4826 * *mid / std::sqrt(2.0);
}

/// Where a response found at `first` (the residual `res` beyond a band of 5 x noise or 5 % of its
/// largest deviation) leaves the noise: walking back from `first` while the +-0.1 ms moving
/// average of the residual lies beyond 2 of its standard errors (of either sign: an initial
/// positivity under the band leads into the main phase), up to the start of a stretch of 0.25 ms
/// within them. A large response (5 % of 10 mV: 0.5 mV) with a slow foot, or a lead-in under the
/// band, passes the band 1-2 ms after it leaves the noise, and the latent period, ending 1 ms before
/// `first`, held it (fresh dev 11006128 s4: a 10.5 mV CMAP, its noise read as 18.7 uV for 8.7 and
/// its onset 0.39 ms late, confident). A walk that finds no such stretch within 3 ms (the residual
/// of a first pass off the baseline by a misfit, not a take-off) leaves `first` where it was.
std::size_t responseStartNearNoise(const std::vector<double>& res, std::size_t first, std::size_t art, double fs, double noiseUv) {
    const std::size_t n = res.size();
    if (first >= n || !(noiseUv > 0.0)) return first;
    const auto half = std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(0.1e-3 * fs)));
    const double limit = 2.0 * noiseUv / std::sqrt(static_cast<double>(2 * half + 1));
    const auto average = [&](std::size_t i) {
        double sum = 0.0;
        std::size_t count = 0;
        for (std::size_t k = i > half ? i - half : 0; k <= std::min(n - 1, i + half); ++k, ++count) sum += res[k];
        return sum / static_cast<double>(count);
    };
    const auto span = static_cast<std::size_t>(std::ceil(3e-3 * fs));
    const std::size_t bound = first > art + span ? first - span : art;
    const auto quietNeeded = std::max<std::size_t>(2, static_cast<std::size_t>(std::ceil(0.25e-3 * fs)));
    std::size_t quiet = 0;
    for (std::size_t k = first; k-- > bound;) {
        if (std::fabs(average(k)) > limit) {
            quiet = 0;
        } else if (++quiet >= quietNeeded) {
            return k + quiet;
        }
    }
    return first;
}

/// The baseline of a sweep with (almost) nothing before its stimulus (a file whose records start
/// at the stimulus, as the EDF+ specification's nerve conduction example does): fitted on the
/// latent period, between the stimulus artifact's end and 1 ms before the response's start (walking
/// back from its largest deviation, where the residual has stayed within max(5 x noise, 5 % of
/// that deviation) for 0.5 ms, then back to where it leaves the noise: responseStartNearNoise;
/// excursions before it, an artifact tail's lobe, are left out), and
/// on the sweep after the response (its last excursion beyond the band plus settleMs). Two first passes, each a level only (no hum
/// terms that would follow a response's slow phase): the window's last part (firstPassTailFraction
/// on), and the 1 ms after the stimulus artifact has settled (first differences within 5 x their
/// noise for 0.3 ms); two more passes refine both parts on the residual (a proximal CMAP, or a
/// sweep the file cut short, can fill the window's last part). Kept is the start whose passes found
/// the response, then the one with a tail, then the one on more samples unless its residual is
/// clearly larger (rms above 1.25 x); when the early start found only the latent period and the
/// late one only the tail, the two are fitted together as a third start. A latent period counts from
/// 4 samples and 0.5 ms (at 4 kHz a distal CMAP 3 ms after the stimulus leaves 5-6). In a sweep
/// the file cut short the early start's latent period begins after the artifact's last steep
/// samples within its first 1 ms (a blocked amplifier's flat top is as quiet as the baseline). The noise
/// setting the band is the fit's residual rms, at most 4 x the noise of the first differences. The
/// drift term is fitted when both parts are there (or from a steady tail alone: settings.driftFromTail,
/// or a refined tail of >= 20 ms when no latent period was found); the hum terms when they fit
/// (humFitsWhere). `fixedEnd` > 0: the response ends there (found elsewhere) and only the sweep
/// after it is used.
SweepBaseline removeBaselineAfterStimulus(Sweep& s, const SweepBaselineSettings& st, std::size_t fixedEnd = 0) {
    SweepBaseline out;
    const std::size_t n = s.uv.size(), p = s.preSamples;
    if (n < p + 16) return out;
    const double fs = s.sampleRateHz;
    const auto ms = [fs](double v) { return static_cast<std::size_t>(std::ceil(v * 1e-3 * fs)); };
    const std::size_t minTail = std::max<std::size_t>(8, ms(2.0)), minLatent = std::max<std::size_t>(4, ms(0.5));
    const int most = humTerms(s, st);
    const double diffNoise = differenceNoise(s.uv, p, n);
    struct State {
        std::size_t la = 0, lb = 0, te = 0;   // the latent period [la, lb) and the sweep from te on
        Fit f;
        int h = 0;
        bool refined = false;                 // a refining pass found a latent period or a tail on the residual
        std::vector<char> beyond;             // latent samples beyond the band (an artifact tail's lobe): left out
    };
    const auto fitNow = [&](State& x, bool hum) {
        const auto used = [&x](std::size_t i) { return (i >= x.la && i < x.lb && (x.beyond.empty() || !x.beyond[i])) || i >= x.te; };
        // The drift term needs samples on both sides of the response, or, when the response's end
        // was found elsewhere (on the average of many sweeps: settings.driftFromTail), a tail long
        // enough that the drift it pins stays steady back to the stimulus (spread <= 0.5 x noise, as
        // for the hum terms): a record per sweep holds 50-80 ms after the response, and each record
        // drifts on its own. Not on the first passes' tails of a single sweep, which may still hold
        // the response's slow phase (a proximal CMAP).
        // A single sweep whose refining pass found the response's end but no latent period (a distal
        // CMAP within ~1.5 ms of the artifact's end) has nothing else to pin its drift: its tail,
        // found on the residual (response and settleMs left out) and at least 20 ms long, does when it
        // is steady the same way. Without the drift term the record's drift, extrapolated as a level
        // 50-75 ms back, stood under the take-off (fresh dev 11005809 s1: 30-40 uV, onset 0.15 ms
        // early and amplitude +6.7 %, confident).
        const bool refinedTailOnly = x.refined && x.lb <= x.la && n - x.te >= ms(20.0);
        const bool steadyTail = ((st.driftFromTail && fixedEnd > 0) || refinedTailOnly) && x.te > p && x.te < n &&
                                spreadWhere(s, used, p, x.te, 0, st.mainsHz, true) <= 0.5;
        const bool slope = x.te < n && (x.lb > x.la || steadyTail);
        x.h = 0;
        for (int k = hum ? most : 0; k > 0 && x.h == 0; --k)
            if (humFitsWhere(s, used, p, x.te, k, st.mainsHz, slope)) x.h = k;
        x.f = fitWhere(s, used, x.h, st.mainsHz, slope);
    };
    const auto refine = [&](State x) {
        for (int pass = 0; pass < 2; ++pass) {
            const auto rb = residualBand(s, x.f, x.h, st.mainsHz, diffNoise > 0.0 ? std::min(x.f.rms, 4.0 * diffNoise) : x.f.rms);
            const Sweep& res = rb.res;
            const std::size_t art = rb.art;
            const double band = rb.band;
            std::size_t first = n, last = art, peakAt = art;
            for (std::size_t i = art; i < n; ++i) {
                if (std::fabs(res.uv[i]) > band) {
                    if (first == n) first = i;
                    last = i;
                }
                if (std::fabs(res.uv[i]) > std::fabs(res.uv[peakAt])) peakAt = i;
            }
            // The response starts where, walking back from its largest deviation, the residual has
            // stayed within the band for 0.5 ms: an earlier excursion separated from it by such a
            // quiet stretch (the stimulus artifact's tail swinging through the baseline) is no part
            // of it, and its samples are left out of the latent period instead.
            if (first < n) {
                const auto quietN = std::max<std::size_t>(4, ms(0.5));
                std::size_t run = 0;
                for (std::size_t i = peakAt; i-- > first;) {
                    if (std::fabs(res.uv[i]) <= band) {
                        if (++run >= quietN) {
                            first = i + run;
                            break;
                        }
                    } else run = 0;
                }
            }
            first = responseStartNearNoise(res.uv, first, art, fs, diffNoise > 0.0 ? std::min(x.f.rms, diffNoise) : x.f.rms);
            State next = x;
            next.beyond.assign(n, 0);
            for (std::size_t i = art; i < first && i < n; ++i) next.beyond[i] = std::fabs(res.uv[i]) > band;
            const std::size_t end = first == n ? n : std::min(n, last + 1 + ms(st.settleMs));
            const std::size_t latentEnd = first > art + ms(1.0) ? first - ms(1.0) : art;
            const bool latent = latentEnd >= art + minLatent, tail = n - end >= minTail;
            if (!latent && !tail) break;   // nothing beside the response: the fit so far stands
            next.la = latent ? art : 0;
            next.lb = latent ? latentEnd : 0;
            next.te = tail ? end : n;
            next.refined = true;
            fitNow(next, true);
            // A latent period whose every sample lay beyond the band (the first pass far off there)
            // and no tail leave nothing to fit: the fit so far stands (fresh dev 11010017 s4: such an
            // empty refined fit lost to an early start on the artifact's flat top, the noise read as
            // 1.5 mV and the 4 mV CMAP missed).
            if (next.f.used < std::max<std::size_t>(8, static_cast<std::size_t>(next.f.terms) + 2)) break;
            x = std::move(next);
        }
        return x;
    };
    State best;
    if (fixedEnd > 0) {
        best.te = std::min(n, fixedEnd);
        if (n - best.te < minTail) return removeBaselineAfterStimulus(s, st);
        fitNow(best, true);
    } else {
        State fromTail;
        fromTail.te = std::min(n - minTail, p + static_cast<std::size_t>(st.firstPassTailFraction * static_cast<double>(n - p)));
        fitNow(fromTail, false);
        best = refine(fromTail);
        // the 1 ms after the artifact's last steep samples
        const auto settle = std::max<std::size_t>(2, ms(0.3));
        std::size_t quiet = 0, from = n;
        const auto steep = [&](std::size_t i) { return std::fabs(s.uv[i] - s.uv[i - 1]) > 5.0 * diffNoise * std::sqrt(2.0); };
        for (std::size_t i = p + std::max<std::size_t>(1, ms(0.1)); i < n && from == n; ++i) {
            quiet = steep(i) ? 0 : quiet + 1;
            if (quiet >= settle) from = i + 1 - quiet;
        }
        // A sweep the end of the file cut short has no tail to pin the baseline: the latent period is
        // all there is, and it must not start on the artifact's flat top (an amplifier blocked at
        // its limit is as quiet as the baseline). While the 1 ms from the quiet stretch found holds
        // steep samples again, the stretch starts after the last of them (up to 2.5 ms after the
        // stimulus: artifacts last 0.1-2 ms). Whole sweeps keep the first quiet stretch: their late
        // start pins the baseline, and a later latent start traded right sites for wrong ones there
        // (docs/measurements.md section 7).
        if (s.truncated)
            for (int again = 0; again < 4 && from < n; ++again) {
                std::size_t lastSteep = 0;
                for (std::size_t i = from + 1; i < std::min(n, from + ms(1.0)); ++i)
                    if (steep(i)) lastSteep = i;
                if (lastSteep == 0 || lastSteep + 1 + ms(1.0) >= n || lastSteep > p + ms(2.5)) break;
                from = lastSteep + 1;
            }
        if (diffNoise > 0.0 && from + ms(1.0) < n) {
            State early;
            early.la = from;
            early.lb = from + std::max<std::size_t>(8, ms(1.0));
            early.te = n;
            fitNow(early, false);
            // Residuals on different samples do not compare: a model fitted on the latent period
            // alone leaves a small one there even when it misses the hum over the sweep. Kept is the
            // start whose passes found the response (a latent period or a tail beside it), then the
            // one with a tail (what pins hum and drift), then the one on more samples unless its
            // residual is clearly larger (rms above 1.25 x the other's).
            const State e = refine(early);
            const auto rank = [n](const State& x) { return (x.f.used >= 8 ? 4 : 0) + (x.refined ? 2 : 0) + (x.te < n ? 1 : 0); };
            const auto better = [&rank](const State& a, const State& b) {
                return rank(a) > rank(b) ||
                       (rank(a) == rank(b) && (a.f.used >= b.f.used ? a.f.rms <= 1.25 * b.f.rms : 1.25 * a.f.rms < b.f.rms));
            };
            // A sweep the end of the file cut short: its last part may still hold the response, so
            // a tail there pins nothing; the smaller residual decides.
            const bool take = s.truncated ? e.f.used >= 8 && (best.f.used < 8 || e.f.rms < best.f.rms) : better(e, best);
            // Each start may find only its own side: with a steep drift (a record's own, 2-3 uV/ms)
            // a level fitted on the tail lies far off in the latent period, and one fitted on the
            // latent period far off in the tail, so each reads the other side as response. The
            // latent period the early start found and the tail the late one found are then fitted
            // together, drift term included, and refined like the others.
            const std::size_t lateTail = best.te;
            const bool lateOnlyTail = best.lb <= best.la;
            if (take) best = e;
            if (!s.truncated && e.lb > e.la && lateTail < n && (lateOnlyTail || e.te >= n)) {
                State both;
                both.la = e.la;
                both.lb = e.lb;
                both.beyond = e.beyond;
                both.te = lateTail;
                fitNow(both, true);
                both = refine(both);
                if (better(both, best)) best = both;
            }
        }
    }
    // A fit that leaves well above the noise of the first differences (rms > 1.5 x) may hold part of
    // the response: a proximal CMAP's long, low positive phase lay under the band that same
    // residual set (5 x 32 uV for 12 uV of noise, over a 150 uV phase), so the refining passes kept
    // the end before it, a fixed point they cannot leave (the amplitude then off by the model's
    // bend under the peak: 7-18 % on a three-record file with hum and drift). The end is moved
    // later in 1 ms steps (up to 30 ms, keeping a tail of minTail) and the model fitted again; the first end
    // whose residual is within 5 % of the least found is taken when it leaves at most 2/3 of the
    // residual before, and refined again on its own, narrower band (not earlier than that end). A
    // record whose first differences understate its noise (a hardware low-pass) leaves a residual
    // no later end reduces, and keeps its fit.
    const auto endAt = [&](std::size_t te) {
        State t = best;
        t.te = te;
        fitNow(t, true);
        return t;
    };
    const std::size_t latestEnd = std::min(n > minTail ? n - minTail : 0, best.te + ms(30.0));
    // The latest end first: when even it leaves more than 2/3 of the residual, no end does (a later
    // end only leaves out more of the tail), and the scan is skipped.
    if (fixedEnd == 0 && best.refined && best.te < n && diffNoise > 0.0 && best.f.rms > 1.5 * diffNoise && latestEnd > best.te + ms(1.0) &&
        endAt(latestEnd).f.rms < best.f.rms / 1.5) {
        std::vector<State> later;
        double least = best.f.rms;
        for (std::size_t te = best.te + ms(1.0); te <= latestEnd; te += ms(1.0)) {
            State t = endAt(te);
            if (t.f.used < 8) break;
            least = std::min(least, t.f.rms);
            later.push_back(std::move(t));
        }
        const auto taken = std::find_if(later.begin(), later.end(), [least](const State& t) { return t.f.rms <= 1.05 * least; });
        if (taken != later.end() && taken->f.rms < best.f.rms / 1.5) {
            const State again = refine(*taken);
            best = again.te >= taken->te && again.f.used >= 8 ? again : *taken;
        }
    }
    return subtractModel(s, best.f, best.h, st.mainsHz, most, best.te);
}
}  // namespace

double baselineLevelSeFactor(const SweepBaseline& baseline, double ms) {
    double sum = 0.0;
    std::size_t n = 0;
    double b[32];
    for (const auto& m : baseline.models) {
        if (m.terms < 1 || m.terms > 32 || m.inverseNormal.size() != static_cast<std::size_t>(m.terms * m.terms)) continue;
        basisAtSec(ms * 1e-3, m.harmonics, m.mainsHz, b);
        if (!m.drift) b[1] = 0.0;
        double v = 0.0;
        for (int r = 0; r < m.terms; ++r)
            for (int c = 0; c < m.terms; ++c) v += b[r] * m.inverseNormal[static_cast<std::size_t>(r * m.terms + c)] * b[c];
        sum += std::max(0.0, v);
        ++n;
    }
    return n == 0 ? std::nan("") : std::sqrt(sum / static_cast<double>(n));
}

SweepBaseline removeSweepBaseline(Sweep& s, const SweepBaselineSettings& st) {
    if (st.mainsHz < 0.0) {   // unknown mains: the frequency that leaves the smaller residual
        SweepBaseline best;
        Sweep bestSweep;
        bool first = true;
        for (double f : {50.0, 60.0}) {
            Sweep trial = s;
            SweepBaselineSettings t = st;
            t.mainsHz = f;
            const auto r = removeSweepBaseline(trial, t);
            if (first || r.noiseRmsUv < best.noiseRmsUv) {
                best = r;
                bestSweep = std::move(trial);
                first = false;
            }
        }
        s = std::move(bestSweep);
        return best;
    }
    SweepBaseline out;
    const std::size_t n = s.uv.size();
    if (s.preSamples < 2) return removeBaselineAfterStimulus(s, st);
    if (n < 8) return out;
    const double fs = s.sampleRateHz;
    const auto guard = static_cast<std::size_t>(std::ceil(st.guardBeforeMs * 1e-3 * fs));
    const std::size_t gapLo = s.preSamples > guard + 2 ? s.preSamples - guard : s.preSamples;
    // Passes 2 and 3: the response ends at its last excursion beyond max(5 x noise, 5 % of the
    // largest deviation) on the current residual, plus settleMs; the model is fitted on the samples
    // before the stimulus and after that end (with the hum terms when they fit there).
    auto refine = [&](Fit f, int h, std::size_t& gapHi, int& hOut) {
        for (int pass = 0; pass < 2; ++pass) {
            const auto rb = residualBand(s, f, h, st.mainsHz, f.rms);
            const Sweep& res = rb.res;
            const double band = rb.band;
            std::size_t last = s.preSamples;
            for (std::size_t i = s.preSamples; i < n; ++i)
                if (std::fabs(res.uv[i]) > band) last = i;
            const std::size_t end = std::min(n, last + 1 + static_cast<std::size_t>(st.settleMs * 1e-3 * fs));
            const bool tail = n - end >= static_cast<std::size_t>(2e-3 * fs) && n - end >= 8;
            h = tail ? usableHarmonics(s, gapLo, end, humTerms(s, st), st.mainsHz) : 0;
            gapHi = tail ? end : n;
            f = fitOutside(s, gapLo, gapHi, h, st.mainsHz);
            if (!tail) f.coef(1) = 0.0;
        }
        hOut = h;
        return f;
    };
    // Pass 1: the level before the stimulus only (DC); the response is everything after it.
    int h = 0;
    std::size_t gapHi = n;
    Fit first = fitOutside(s, gapLo, gapHi, 0, st.mainsHz);
    first.coef(1) = 0.0;   // a slope from a few ms before the stimulus is not trusted over the sweep
    Fit f = refine(first, 0, gapHi, h);
    const bool humLeft = h < humTerms(s, st);
    if ((gapHi >= n || humLeft) && !s.truncated) {
        // Hum or drift that the pre-stimulus level cannot describe hides the response's end (no
        // tail left, or one too short to fit the hum: the unfitted hum itself was taken for the
        // response): start again from a model fitted before the stimulus and on the last part of
        // the window, and keep that when it leaves a tail and a smaller residual (a response that
        // really lasts longer leaves a larger one, its own slow phase then being in the fit). Not
        // on a sweep the end of the file cut short: its last part is not the end of the window
        // and may still hold the response (a hum fitted there would be the response's own shape).
        const auto from = s.preSamples + static_cast<std::size_t>(st.firstPassTailFraction * static_cast<double>(n - s.preSamples));
        if (n - from >= 8) {
            const int h1 = usableHarmonics(s, gapLo, from, humTerms(s, st), st.mainsHz);
            std::size_t gap2 = n;
            int hb = 0;
            const Fit g = refine(fitOutside(s, gapLo, from, h1, st.mainsHz), h1, gap2, hb);
            if (gap2 < n && (gapHi >= n || g.rms < f.rms)) {
                f = g;
                h = hb;
                gapHi = gap2;
            }
        }
    }
    return subtractModel(s, f, h, st.mainsHz, humTerms(s, st), gapHi);
}

SweepBaseline removeSweepTailTrend(Sweep& s, const SweepBaselineSettings& st) {
    const std::size_t n = s.uv.size(), p = s.preSamples;
    if (n == 0) return {};
    if (n < p + 16)   // too short for a tail of its own: its level only
        return subtractModel(s, fitWhere(s, [](std::size_t) { return true; }, 0, 0.0, false), 0, 0.0, 0, n);
    const std::size_t from = std::min(n - 8, p + static_cast<std::size_t>(st.firstPassTailFraction * static_cast<double>(n - p)));
    const auto used = [from](std::size_t i) { return i >= from; };
    const bool slope = spreadWhere(s, used, p, from, 0, st.mainsHz, true) <= 0.5;
    int h = 0;
    for (int k = st.mainsHz > 0.0 ? humTerms(s, st) : 0; k > 0 && h == 0; --k)
        if (humFitsWhere(s, used, p, from, k, st.mainsHz, slope)) h = k;
    const Fit f = fitWhere(s, used, h, st.mainsHz, slope);
    return subtractModel(s, f, h, st.mainsHz, humTerms(s, st), from);
}

SweepBaseline removeSweepBaselineOutside(Sweep& s, double responseEndMs, const SweepBaselineSettings& st) {
    SweepBaseline out;
    const std::size_t n = s.uv.size();
    if (s.preSamples < 2 && n >= 8) {   // nothing before the stimulus: the sweep after the response (and its own latent period when none is left)
        SweepBaselineSettings t = st;
        t.mainsHz = std::max(0.0, st.mainsHz);
        const auto end = static_cast<std::size_t>(std::clamp(std::ceil(s.sampleAt(responseEndMs)), static_cast<double>(s.preSamples), static_cast<double>(n)));
        return removeBaselineAfterStimulus(s, t, std::max<std::size_t>(end, 1));
    }
    if (n < 8 || s.preSamples < 2) return out;
    const double fs = s.sampleRateHz;
    const auto guard = static_cast<std::size_t>(std::ceil(st.guardBeforeMs * 1e-3 * fs));
    const std::size_t gapLo = s.preSamples > guard + 2 ? s.preSamples - guard : s.preSamples;
    const auto end = static_cast<std::size_t>(std::clamp(std::ceil(s.sampleAt(responseEndMs)), static_cast<double>(s.preSamples), static_cast<double>(n)));
    const bool tail = n - end >= static_cast<std::size_t>(2e-3 * fs) && n - end >= 8;
    const std::size_t gapHi = tail ? end : n;
    const double mains = st.mainsHz > 0.0 ? st.mainsHz : 0.0;
    const int h = mains > 0.0 && tail ? usableHarmonics(s, gapLo, gapHi, humTerms(s, st), mains) : 0;
    Fit f = fitOutside(s, gapLo, gapHi, h, mains);
    if (!tail) f.coef(1) = 0.0;
    return subtractModel(s, f, h, mains, mains > 0.0 ? humTerms(s, st) : 0, gapHi);
}

double mainsHzByResidual(const std::vector<Sweep>& sweeps, double preferredHz, double keepRatio) {
    double power50 = 0.0, power60 = 0.0;
    for (const auto& s : sweeps) {
        Sweep a = s, b = s;
        const double end = std::max(removeSweepBaseline(a, SweepBaselineSettings{50.0}).responseEndMs,
                                    removeSweepBaseline(b, SweepBaselineSettings{60.0}).responseEndMs);
        // The same window and the same number of hum terms at both frequencies (a 60 Hz term may
        // fit a short sweep where a 50 Hz one does not, and would then win by its extra terms); a
        // sweep that fits no hum term at either says nothing about the frequency. With nothing
        // before the stimulus the drift term is fitted on the sweep after the response where it
        // stays steady (driftFromTail), as the measurement's own fits do: left out, the hum terms
        // take up the record's drift, and which frequency does that better decided (a 2 uV/ms drift
        // under a 20 uV 50 Hz hum read as 60 Hz, test_dsp_ncs_amplitude_se).
        SweepBaselineSettings s50{50.0}, s60{60.0};
        s50.driftFromTail = s60.driftFromTail = true;
        a = s;
        b = s;
        const int h = std::min(removeSweepBaselineOutside(a, end, s50).humHarmonics, removeSweepBaselineOutside(b, end, s60).humHarmonics);
        if (h == 0) continue;
        s50.harmonics = h;
        s60.harmonics = h;
        a = s;
        b = s;
        const auto f50 = removeSweepBaselineOutside(a, end, s50), f60 = removeSweepBaselineOutside(b, end, s60);
        if (f50.humHarmonics != f60.humHarmonics) continue;
        power50 += f50.noiseRmsUv * f50.noiseRmsUv;
        power60 += f60.noiseRmsUv * f60.noiseRmsUv;
    }
    if (sweeps.empty()) return 0.0;
    if (power50 == 0.0 && power60 == 0.0) return preferredHz == 50.0 || preferredHz == 60.0 ? preferredHz : 0.0;
    const double keep = keepRatio * keepRatio;
    if (preferredHz == 50.0) return power60 < keep * power50 ? 60.0 : 50.0;
    if (preferredHz == 60.0) return power50 < keep * power60 ? 50.0 : 60.0;
    return power60 < power50 ? 60.0 : 50.0;
}

}  // namespace emg::dsp
