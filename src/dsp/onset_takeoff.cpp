#include <emg/dsp/onset_takeoff.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <sstream>
#include <vector>

namespace emg::dsp {

namespace {
struct PowerFit {
    double t0 = 0.0, a = 0.0, p = 0.0, sse = 1e300;
};

/// Least squares of y[i] (i = 0..m-1, at positions lo + i) against a * max(0, x - t0)^p: the best
/// a for a given (t0, p) is closed form; t0 by a grid, then golden refinement.
PowerFit fitPower(const std::vector<double>& y, double lo, double t0Min, double t0Max) {
    static constexpr std::array<double, 9> powers{1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0};
    double yy = 0.0;
    for (double v : y) yy += v * v;
    auto eval = [&](double t0, double p, double& aOut) {
        double yb = 0.0, bb = 0.0;
        for (std::size_t i = 0; i < y.size(); ++i) {
            const double x = lo + static_cast<double>(i) - t0;
            if (x <= 0.0) continue;
            const double b = std::pow(x, p);
            yb += y[i] * b;
            bb += b * b;
        }
        if (bb <= 0.0 || yb <= 0.0) {
            aOut = 0.0;
            return yy;
        }
        aOut = yb / bb;
        return yy - yb * yb / bb;
    };
    PowerFit best;
    const double step = std::max(0.05, (t0Max - t0Min) / 200.0);
    for (double p : powers)
        for (double t0 = t0Min; t0 <= t0Max; t0 += step) {
            double a = 0.0;
            const double sse = eval(t0, p, a);
            if (sse < best.sse && a > 0.0) best = {t0, a, p, sse};
        }
    if (best.a <= 0.0) return best;
    double l = std::max(t0Min, best.t0 - step), h = std::min(t0Max, best.t0 + step);
    for (int k = 0; k < 30; ++k) {
        const double m1 = l + 0.382 * (h - l), m2 = l + 0.618 * (h - l);
        double a1 = 0, a2 = 0;
        if (eval(m1, best.p, a1) < eval(m2, best.p, a2)) h = m2;
        else l = m1;
    }
    double a = 0.0;
    const double t0 = 0.5 * (l + h);
    const double sse = eval(t0, best.p, a);
    if (sse <= best.sse && a > 0.0) best = {t0, a, best.p, sse};
    return best;
}

/// Standard error (samples) of the level crossing t0 + (level / a)^(1/p) of the fit `f` to y (at
/// positions lo + i), white noise of rms sigma: the linearized least-squares covariance of (t0, a)
/// at the fitted p, propagated to the crossing. p is held (its grid choice adds spread: a floor).
double crossingSe(const std::vector<double>& y, double lo, const PowerFit& f, double level, double sigma) {
    double A = 0.0, B = 0.0, C = 0.0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        const double x = lo + static_cast<double>(i) - f.t0;
        if (x <= 0.0) continue;
        const double jt = -f.a * f.p * std::pow(x, f.p - 1.0), ja = std::pow(x, f.p);
        A += jt * jt;
        B += jt * ja;
        C += ja * ja;
    }
    const double det = A * C - B * B;
    if (!(det > 0.0) || f.a <= 0.0) return 1e9;
    const double u = std::pow(level / f.a, 1.0 / f.p);
    const double g0 = 1.0, g1 = -u / (f.p * f.a);
    const double var = sigma * sigma * (g0 * g0 * C - 2.0 * g0 * g1 * B + g1 * g1 * A) / det;
    return var > 0.0 ? std::sqrt(var) : 0.0;
}

/// The noise to propagate into the crossing's standard error: sigma, or, when the power law does
/// not describe the take-off (its residual variance beyond the 99th percentile of chance for its
/// degrees of freedom: chi^2 / dof > 1 + 2.33 sqrt(2 / dof)), the residual rms itself (the
/// covariance scaled by the reduced chi-square). A foot that rises in two stages (a dispersed CMAP's
/// slow early units, then the main rise) fitted as one power law read 0.43 ms late with an SE of
/// 0.033 ms (fresh dev 11006763 s4, chi 1.43 over 60 samples).
double misfitSigma(const PowerFit& f, std::size_t samples, double sigma) {
    const double dof = static_cast<double>(samples) - 3.0;
    if (!(dof >= 1.0) || !(sigma > 0.0)) return sigma;
    const double chi2 = f.sse / dof / (sigma * sigma);
    return chi2 > 1.0 + 2.33 * std::sqrt(2.0 / dof) ? sigma * std::sqrt(chi2) : sigma;
}

/// Where sg * v crosses `level` going up, searched back from `from` (v above it there): the last
/// sample at or below the level, linearly interpolated. Returns -1 when none down to `lo`.
double crossingBack(const std::vector<double>& v, std::size_t from, std::size_t lo, int sg, double level) {
    std::size_t i = from;
    while (i > lo && sg * v[i - 1] > level) --i;
    if (i == lo) return -1.0;
    const double a = sg * v[i - 1], b = sg * v[i];
    return static_cast<double>(i - 1) + (b != a ? (level - a) / (b - a) : 0.0);
}
}  // namespace

namespace {
std::optional<Takeoff> takeoffFrom(const Sweep& sweep, double baselineUv, double noiseRmsUv, std::size_t from, std::size_t to,
                                   const TakeoffSettings& st, bool atSearchStart);

/// The deviation from the baseline and what the steps below share.
struct Search {
    const Sweep& sweep;
    double baselineUv, noiseRmsUv;
    std::size_t from, to, n;
    double fs, sigma, level, confirm;
    std::vector<double> d;
    std::size_t persist;
    const TakeoffSettings& st;
};

/// The first stretch beyond the confirm level, of one sign, lasting `persist`: its first sample
/// and sign (n when none).
std::pair<std::size_t, int> firstConfirmed(const Search& s) {
    for (std::size_t i = s.from; i + s.persist <= s.to; ++i) {
        if (std::fabs(s.d[i]) <= s.confirm) continue;
        const int sg = s.d[i] < 0 ? -1 : 1;
        bool lasting = true;
        for (std::size_t k = 1; k < s.persist && lasting; ++k) lasting = sg * s.d[i + k] > s.confirm;
        if (lasting) return {i, sg};
    }
    return {s.n, 0};
}

bool risesFromSettled(const Search& s, std::size_t start);
std::vector<double> movingAverage(const std::vector<double>& d, std::size_t a, std::size_t b, std::size_t half, std::size_t last = SIZE_MAX);

/// A small isolated lobe (the tail of the stimulus artifact swinging through the baseline, or a
/// slow wobble of the baseline the model did not take out): under 10 % of the sweep's largest
/// deviation, starting within isolatedLobeWithinMs of the search start (0: anywhere), and back
/// within the onset level for 0.5 ms before anything else departs. The response is searched
/// after it (an initial dip that leads into the response is then found by oppositeDip). Such a
/// lobe that rose from a settled baseline, with the other sign than the response's first departure,
/// back within the level less than dipLookBackMs before that departure, may be the response's
/// initial phase (a CMAP's initial positivity back at the baseline 0.6 ms before its negative phase:
/// fresh motor site 7000508 s4, gamma, read 1.22 ms late, confident): the onset is the response's
/// departure after it, uncertain (`separateLobe`, as oppositeDip flags such a lobe it sees).
std::optional<Takeoff> afterIsolatedLobe(const Search& s, std::size_t c, double largest) {
    const std::size_t nearQuiet = s.st.isolatedLobeWithinMs > 0.0 ? static_cast<std::size_t>(s.st.isolatedLobeWithinMs * 1e-3 * s.fs) : s.n;
    const auto quiet = std::max<std::size_t>(3, static_cast<std::size_t>(0.5e-3 * s.fs));
    if (c >= s.from + nearQuiet) return std::nullopt;
    double lobe = 0.0;
    std::size_t run = 0, end = s.n;
    for (std::size_t i = c; i < s.to; ++i) {
        if (std::fabs(s.d[i]) <= s.level) {
            if (++run >= quiet) {
                end = i + 1 - run;
                break;
            }
        } else {
            run = 0;
            lobe = std::max(lobe, std::fabs(s.d[i]));
        }
    }
    if (!(end < s.to && lobe < 0.1 * largest)) return std::nullopt;
    auto later = takeoffFrom(s.sweep, s.baselineUv, s.noiseRmsUv, end, s.to, s.st, false);
    const int lobeSign = s.d[c] < 0.0 ? -1 : 1;
    if (later && later->sign == -lobeSign && later->sample - static_cast<double>(end) <= s.st.dipLookBackMs * 1e-3 * s.fs) {
        // The lobe's start: where its +-0.05 ms average (as risesFromSettled reads the baseline) passes half the level.
        const auto half = std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(0.05e-3 * s.fs)));
        const auto m = movingAverage(s.d, s.from, c, half);
        std::size_t start = c;
        while (start > s.from && lobeSign * m[start - 1] > 0.5 * s.level) --start;
        if (risesFromSettled(s, start)) later->separateLobe = later->uncertain = true;
    }
    return later;
}

/// A lobe already under way where the search starts (within 0.2 ms of it at least half its
/// extreme: the artifact's tail, not a departure rising from a quiet baseline). (a) A small one
/// (< 10 % of the largest deviation) that swings back through the baseline straight into a
/// departure of the other sign: the response is searched from where it is back within the onset
/// level, and taken when its main phase has the other sign. (b) At the search start after the
/// artifact, one that reaches its extreme within 0.5 ms and then decays is the artifact's tail,
/// whatever its size: a response rises from the baseline. (Not applied again after a skipped lobe:
/// a SNAP's phases, 0.3-0.5 ms each, follow one another like that.) The response is searched after
/// the tail is back within the onset level; when it departs within 0.5 ms of that, the baseline
/// under its take-off (the tail's end) is not settled and the onset is uncertain. A tail that rises
/// again before it is back (by more than twice the onset level over its lowest point since the
/// extreme) carries a response on it: not skipped (`tailCarriesResponse`), the onset uncertain.
std::optional<Takeoff> afterArtifactTail(const Search& s, std::size_t c, int sg, double largest, bool atSearchStart, bool& tailCarriesResponse) {
    if (c >= s.from + static_cast<std::size_t>(1e-3 * s.fs)) return std::nullopt;
    const auto& d = s.d;
    std::size_t start = c;   // the lobe: beyond the level around the confirmation
    while (start > s.from && sg * d[start - 1] > s.level) --start;
    std::size_t back = c;
    while (back < s.to && sg * d[back] > s.level) ++back;
    double own = 0.0;
    std::size_t ownAt = c;
    for (std::size_t i = c; i < back; ++i)
        if (sg * d[i] > own) {
            own = sg * d[i];
            ownAt = i;
        }
    const auto edge = std::max<std::size_t>(2, static_cast<std::size_t>(std::ceil(0.2e-3 * s.fs)));
    double early = 0.0;
    for (std::size_t i = s.from; i < std::min(s.to, s.from + edge + 1); ++i) early = std::max(early, sg * d[i]);
    // A biphasic artifact swinging through the baseline into its tail: the artifact of the other
    // sign beyond the onset level within 0.2 ms before the lobe, the lobe under half the sweep's
    // largest deviation. Its tail then grows from zero after the search start (fresh development
    // sites 7000071/554/606 s1 at 48 kHz read 1.46-2.1 ms early: the tail, 100-280 uV, taken for
    // the CMAP's take-off) and is no departure from a settled baseline either.
    bool swingsThrough = false;
    std::size_t swingEnd = 0;   // the swing's last sample beyond the level
    for (std::size_t i = s.from > edge ? s.from - edge : 0; i < start; ++i)
        if (-sg * d[i] > s.level) {
            swingsThrough = true;
            swingEnd = i;
        }
    const bool underWay = start <= s.from + edge && early >= 0.5 * own;
    // The lobe follows the swing within 0.2 ms of the search start, or within 0.4 ms of the swing's
    // last sample beyond the level (no settled stretch between them: the artifact end was read where
    // the swing crossed the baseline; development seed 11004458 s4, a -170 uV tail 0.29 ms after the
    // search start taken for a 0.98 mV CMAP's take-off, 8.4 ms early, confident, in either layout).
    const auto swingGap = std::max<std::size_t>(2, static_cast<std::size_t>(std::ceil(0.4e-3 * s.fs)));
    const bool swingTail = (start <= s.from + edge || (swingsThrough && start <= swingEnd + swingGap)) && swingsThrough &&
                           own < 0.5 * largest;   // (b) only: a tail's shape is checked there
    // A tail decays: one that rises again before it is back carries a response (its initial phase
    // of the tail's sign) and is skipped by neither (a) nor (b). On the samples by twice the level
    // over their lowest point since the extreme, up to the first sample back within the level; or on
    // the +-0.1 ms moving average by more than two such averages' noise allows (4 sqrt(2) SE, at most
    // the level) over its lowest point, up to where the average is back within the level. (One noisy
    // sample of a tail still at the level ended the tail there, and the CMAP's initial positivity
    // rising from it was skipped as a second tail: fresh motor-unit-sum site 7000329 s1, 0.57 ms
    // late; 7000324 s1, a 170 uV positivity on a 16 uV tail, 0.96 ms late.)
    const bool skipA = underWay && own < 0.1 * largest;
    const bool skipB = atSearchStart && (underWay || swingTail) && ownAt <= s.from + static_cast<std::size_t>(0.5e-3 * s.fs);
    if ((skipA || skipB) && back + 2 < s.to) {
        double low = own;
        for (std::size_t i = ownAt; i < back && !tailCarriesResponse; ++i) {
            low = std::min(low, sg * d[i]);
            tailCarriesResponse = sg * d[i] > low + 2.0 * s.level;
        }
        const auto half = std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(0.1e-3 * s.fs)));
        std::size_t backAvg = back;
        const auto m = movingAverage(d, c, s.to - 1, half);
        while (backAvg + 1 < s.to && sg * m[backAvg] > s.level) ++backAvg;
        // From the average's first extreme (the lobe's largest sample may be the response's own
        // phase riding on the tail: 7001525 s1, a 400 uV positivity on a 240 uV tail, 1.32 ms late).
        std::size_t top = c;
        while (top + 1 < backAvg && sg * m[top + 1] >= sg * m[top]) ++top;
        // A rise beyond what the noise of two such averages allows (4 SE each: 4 sqrt(2) SE), at most the level.
        const double rise = std::min(s.level, 4.0 * std::numbers::sqrt2 * s.sigma / std::sqrt(static_cast<double>(2 * half + 1)));
        double lowAvg = sg * m[top];
        for (std::size_t i = top; i < backAvg && !tailCarriesResponse; ++i) {
            lowAvg = std::min(lowAvg, sg * m[i]);
            tailCarriesResponse = sg * m[i] > lowAvg + rise;
        }
        if (tailCarriesResponse) return std::nullopt;
    }
    if (skipA && back + 2 < s.to) {
        auto later = takeoffFrom(s.sweep, s.baselineUv, s.noiseRmsUv, back, s.to, s.st, false);
        if (later && later->mainSign == -sg) return later;
    }
    if (!(skipB && back + 2 < s.to)) return std::nullopt;
    auto later = takeoffFrom(s.sweep, s.baselineUv, s.noiseRmsUv, back, s.to, s.st, false);
    if (later && later->sample < static_cast<double>(back) + 0.5e-3 * s.fs) later->uncertain = true;
    return later;
}

/// Where a phase of sign sg (beyond the onset level at sample `c`, extreme `peak` at `peakAt`)
/// leaves the baseline by the onset level: a power-law fit a (t - t0)^p of its take-off from `lo`
/// up to a fraction of its peak or fitUpSd x the noise, whichever is lower (at least the confirm
/// level, at least 4 samples above the onset level, below 0.8 x the peak): a local model of the
/// take-off near the onset level (a power law describes any smooth take-off there, but not up to a
/// third of a large peak: there it pulls a raised cosine early and a Gaussian tail late). Without a
/// usable fit, the level crossing of the samples. `power`: p of the fit (0: the crossing). `offset`:
/// the level the phase rises from at `lo` (0: the baseline; a notch after a lead-in lobe).
double phaseOnset(const Search& s, std::size_t lo, std::size_t c, int sg, double peak, std::size_t peakAt, double& power,
                  double offset = 0.0, double* seSamples = nullptr) {
    const auto& d = s.d;
    const double upLevel = std::max(std::min(s.st.fitUpFraction * peak, s.st.fitUpSd * s.sigma), s.confirm);
    std::size_t hi = c;
    while (hi + 1 < s.n && hi < peakAt && sg * d[hi] < upLevel) ++hi;
    std::size_t above = 0;   // samples above the onset level within the fit
    for (std::size_t i = lo; i <= hi; ++i) above += sg * d[i] > s.level ? 1 : 0;
    while (above < 4 && hi < peakAt && sg * d[hi + 1] < 0.8 * peak) {
        ++hi;
        ++above;
    }
    // A fast take-off sampled slowly (a 1 ms lobe at 4 kHz) has only a sample or two above the
    // level before its extreme: the fit then runs up to the extreme. Two points above the level
    // and the baseline before still fix the take-off far better than a straight line between the
    // samples around the level, which reads a curved take-off up to a sample early.
    if (above < 2 && hi < peakAt) {
        above += hi + 1 <= peakAt ? 1 : 0;
        hi = peakAt;
    }
    const double crossing = crossingBack(d, c, lo, sg, s.level);
    double onset = crossing >= 0.0 ? crossing : static_cast<double>(lo);
    power = 0.0;
    if (seSamples) {   // without a fit: noise / slope of the samples at the crossing
        const auto k = static_cast<std::size_t>(std::max(0.0, std::floor(onset)));
        const double slope = k + 1 < s.n ? sg * (d[k + 1] - d[k]) : 0.0;
        // A straight line between the samples around the level: a convex take-off (zero initial
        // slope) crosses later, anywhere up to the next sample; the spread of that (uniform) adds.
        const double toNext = static_cast<double>(k + 1) - onset;
        *seSamples = slope > 0.0 ? std::hypot(s.sigma / slope, toNext / std::sqrt(12.0)) : 1e9;
    }
    if (above >= 2 && hi > lo + 4) {
        std::vector<double> y;
        for (std::size_t i = lo; i <= hi; ++i) y.push_back(sg * d[i] - offset);
        const auto f = fitPower(y, static_cast<double>(lo), static_cast<double>(lo) - 1.0, static_cast<double>(c));
        if (f.a > 0.0 && s.level > offset) {
            const double fitted = f.t0 + std::pow((s.level - offset) / f.a, 1.0 / f.p);
            // Kept where the data allow it: not after `c`, not before the fit start.
            if (fitted >= static_cast<double>(lo) && fitted <= static_cast<double>(c)) {
                onset = fitted;
                power = f.p;
                const double seSigma = s.st.seFromMisfit ? misfitSigma(f, y.size(), s.sigma) : s.sigma;
                if (seSamples) *seSamples = crossingSe(y, static_cast<double>(lo), f, s.level - offset, seSigma);
            }
        }
    }
    return onset;
}

/// Moving average of d over +-half samples at [a, b] (zero elsewhere), of the samples up to `last`
/// only (a lobe before a phase's onset averaged without that phase's samples).
std::vector<double> movingAverage(const std::vector<double>& d, std::size_t a, std::size_t b, std::size_t half, std::size_t last) {
    const std::size_t n = d.size();
    std::vector<double> m(n, 0.0);
    for (std::size_t i = a; i <= b && i < n; ++i) {
        double sum = 0.0;
        std::size_t cnt = 0;
        for (std::size_t k = i > half ? i - half : 0; k <= std::min({n - 1, i + half, std::max(last, i)}); ++k, ++cnt) sum += d[k];
        m[i] = sum / static_cast<double>(cnt);
    }
    return m;
}

/// An opposite-sign lobe leading into the main phase (it ends at most dipMaxGapMs before the main
/// phase leaves the baseline) whose extreme lies near the onset level (within the uncertainty of the level,
/// from the noise estimate, and of the lobe's extreme, from the noise of its smoothed samples):
/// whether the response "leaves the baseline" there or only at the main phase, up to a millisecond
/// later, is not decided by the data. Only where it matters: the lobe's own take-off (where it
/// passes half the level) lies more than 0.1 ms before the main phase's onset. The lobe is the
/// last stretch of the +-0.1 ms moving average beyond half the level before the main phase's onset
/// (not the largest of the look-back: the artifact's tail at the search start hid a lead-in at the
/// level, fresh site 7000652 s1, 0.43 ms late), and the average takes no sample after that onset
/// (at 4-5 kHz +-0.1 ms reaches into the main phase, whose steep first sample cancelled the lead-in:
/// 7000263 s1, 0.31 ms late).
/// Returns where that lobe passes half the level (its take-off, a fractional sample), or -1.
double dipNearLevel(const Search& s, std::size_t a, std::size_t on, int sg, double onset) {
    const auto half2 = std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(0.1e-3 * s.fs)));
    if (on >= s.n) return -1.0;
    std::vector<double> m2(s.n, 0.0);
    std::vector<std::size_t> cnt(s.n, 1);
    for (std::size_t i = a; i <= on; ++i) {
        double sum = 0.0;
        std::size_t k0 = i > half2 ? i - half2 : 0, k1 = std::min(on, i + half2), nk = 0;
        for (std::size_t k = k0; k <= k1; ++k, ++nk) sum += s.d[k];
        m2[i] = sum / static_cast<double>(nk);
        cnt[i] = nk;
    }
    // The last stretch beyond half the level before the main phase leaves the baseline, within dipMaxGapMs of that.
    const auto maxGap = static_cast<std::size_t>(std::ceil(s.st.dipMaxGapMs * 1e-3 * s.fs));
    // The gap is counted to where the main phase leaves the baseline (the average's zero crossing before
    // it), not to its onset: a slow main phase takes up to a millisecond from there to the level, and
    // a lobe leading straight into it was taken for a separate one (fresh dev 11007455 s4: a positivity
    // of 1.2 x the level, the onset read at the negative phase, 1.09 ms late, confident).
    std::size_t mainFrom = on;
    while (mainFrom > a && sg * m2[mainFrom - 1] > 0.0) --mainFrom;
    std::size_t back = mainFrom;   // then: the stretch's last sample (the average beyond half the level)
    while (back > a && -sg * m2[back] <= 0.5 * s.level && mainFrom - back <= maxGap) --back;
    if (-sg * m2[back] <= 0.5 * s.level) return -1.0;
    double lobe = 0.0;
    std::size_t lobeAt = back;
    for (std::size_t i = back + 1; i-- > a && -sg * m2[i] > 0.5 * s.level;)
        if (-sg * m2[i] > lobe) {
            lobe = -sg * m2[i];
            lobeAt = i;
        }
    const double se = s.sigma / std::sqrt(static_cast<double>(cnt[lobeAt]));
    const double u = s.st.snrEstimateMargin + 2.0 * se / s.level;
    const double lobeStart = crossingBack(m2, lobeAt, a, -sg, 0.5 * s.level);
    const bool apart = lobeStart >= 0.0 && onset - lobeStart > 0.1e-3 * s.fs;
    return apart && lobe >= (1.0 - u) * s.level && lobe <= (1.0 + u) * s.level ? lobeStart : -1.0;
}

/// A lobe starting at `start` rises from a settled baseline: the +-0.05 ms moving average is within
/// the onset level for 0.5 ms before it, and that stretch lies after the search start (the
/// stimulus artifact's tail is under way there).
bool risesFromSettled(const Search& s, std::size_t start) {
    const auto quiet = std::max<std::size_t>(3, static_cast<std::size_t>(0.5e-3 * s.fs));
    if (start < s.from + quiet) return false;
    const auto half = std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(0.05e-3 * s.fs)));
    const auto m = movingAverage(s.d, start - quiet, start - 1, half);
    for (std::size_t i = start - quiet; i < start; ++i)
        if (std::fabs(m[i]) > s.level) return false;
    return true;
}

/// An opposite-sign departure just before the main phase's onset (an initial positive dip): beyond
/// the level on the moving average (+-0.05 ms) for dipMinMs, the last such run before the onset,
/// leading into the main phase (back within the level at most dipMaxGapMs before the onset; an
/// earlier lobe that returns to the baseline and stays there, the artifact's tail, is no dip). The
/// onset is then its take-off, read on the samples as the main phase's is (phaseOnset): the
/// moving average would spread it early by up to its half width (0.25 ms at 4 kHz).
void oppositeDip(const Search& s, int sg, double& onset, Takeoff& r) {
    const auto look = static_cast<std::size_t>(s.st.dipLookBackMs * 1e-3 * s.fs);
    const auto on = static_cast<std::size_t>(std::max(0.0, std::floor(onset)));
    const std::size_t a = on > s.from + look ? on - look : s.from;
    const auto half = std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(0.05e-3 * s.fs)));
    // Of the samples up to the main phase's onset only: at 4-5 kHz +-0.05 ms is +-1 sample, and the
    // main phase's first steep sample cancelled a positivity 2 x the level (fresh finite-slope site
    // 7000379 s1, 5 kHz, read 0.43 ms late at the negative phase). Nor the sample at the onset when
    // it is already beyond the level in the main phase's sign: a take-off fitted on a rise out of
    // the positivity can place the onset a fraction of a sample before such a sample, which then
    // cancelled the positivity the same way (dev 11000466 s1, 5 kHz: a 7 x noise positivity
    // missed, the onset read 0.62 ms late at the negative phase, confident).
    std::size_t lastOwn = on;
    while (lastOwn > a && sg * s.d[lastOwn] > s.level) --lastOwn;
    const auto m = movingAverage(s.d, a, on, half, lastOwn);
    const auto need = std::max<std::size_t>(2, static_cast<std::size_t>(std::ceil(s.st.dipMinMs * 1e-3 * s.fs)));
    const auto maxGap = static_cast<std::size_t>(std::ceil(s.st.dipMaxGapMs * 1e-3 * s.fs));
    std::size_t run = 0, runStart = 0, runEnd = 0, dipStart = 0;
    bool found = false;
    for (std::size_t i = a; i <= on && i < s.n; ++i) {
        if (-sg * m[i] > s.level) {
            if (run == 0) runStart = i;
            if (++run >= need) {
                found = true;
                dipStart = runStart;
                runEnd = i;
            }
        } else run = 0;
    }
    if (const double lobeStart = dipNearLevel(s, a, on, sg, onset); lobeStart >= 0.0) {
        r.dipNearLevel = true;
        r.nearLevelLobeSample = r.nearLevelLobeSample >= 0.0 ? std::min(r.nearLevelLobeSample, lobeStart) : lobeStart;
    }
    if (found && on > runEnd + maxGap) {
        // Back at the baseline before the main phase: no dip leading into it. When it rose from a
        // settled baseline (not the artifact's tail), it may still be the response's first phase.
        r.separateLobe = r.separateLobe || risesFromSettled(s, dipStart);
        r.uncertain = r.uncertain || r.separateLobe;
        return;
    }
    if (!found) return;
    // Under way already where the search starts (the stimulus artifact's end: beyond half the
    // level from there on) and lasting into the main phase: no departure from a settled baseline but the artifact's tail (or a
    // take-off hidden under the artifact). The onset is the main phase's, and uncertain: the
    // baseline under it is not settled.
    bool underWay = a == s.from;   // beyond half the level from the search start to the run
    for (std::size_t i = a; i < dipStart && underWay; ++i) underWay = -sg * m[i] > 0.5 * s.level;
    if (underWay) {
        r.unsettledBaseline = true;
        r.uncertain = true;
        return;
    }
    const double x = crossingBack(m, dipStart, a, -sg, s.level);
    onset = x >= 0.0 ? x : static_cast<double>(dipStart);
    // On the samples: the first one beyond the level in the run, the lobe's extreme after it.
    std::size_t c = dipStart;
    while (c <= runEnd && -sg * s.d[c] <= s.level) ++c;
    if (c <= runEnd) {
        std::size_t peakAt = c;
        for (std::size_t i = c; i < s.n && i <= runEnd + half; ++i)
            if (-sg * s.d[i] > -sg * s.d[peakAt]) peakAt = i;
        const std::size_t back = static_cast<std::size_t>(s.st.fitBackMs * 1e-3 * s.fs);
        const std::size_t lo = std::max(a, c > back ? c - back : 0);
        double power = 0.0, seOn = 0.0;
        onset = phaseOnset(s, lo, c, -sg, -sg * s.d[peakAt], peakAt, power, 0.0, &seOn);
        r.onsetSeMs = seOn * 1e3 / s.fs;
    }
    r.initialOppositePhase = true;
    r.sign = -sg;
}

/// A lobe of the main phase's own sign leading into it (a dispersed SNAP: the fastest fibres' initial
/// positivity, then a notch, then the main positivity; or a motor response's small lead-in): the
/// take-off is then not one smooth power-law rise from the baseline, and a fit over both reads a
/// point between them (on the lobe's flank or in the notch, up to 0.2 ms off either way). On the
/// +-0.1 ms moving average within dipLookBackMs before the confirmation `c`: a peak P followed,
/// before `c`, by a notch deeper than the noise of two such averages allows (P - N >= 2 sqrt(2) SE;
/// P at least half the level). The onset is the first departure: P clearly beyond the level (above the band
/// dipNearLevel uses: 0.1 for the noise estimate, 2 SE for the averaged extreme) makes it the lobe's
/// take-off, read by the same power-law fit on the lobe's own samples; P within that band leaves it
/// undecided (the lobe may or may not leave the baseline by the level): uncertain, flagged as
/// dipNearLevel. A lobe already under way at the search start is the artifact's tail
/// (tailRunsIntoPhase), not looked at here.
/// The first extreme of sign sg after the confirmation `c` (the first phase's peak, as takeoffFrom reads it).
std::size_t peakAtMain(const Search& s, std::size_t c, int sg) {
    const std::size_t span20 = std::min(s.n, c + static_cast<std::size_t>(20e-3 * s.fs));
    std::size_t at = c;
    for (std::size_t i = c; i < span20; ++i) {
        if (sg * s.d[i] > sg * s.d[at]) at = i;
        if (sg * s.d[i] < 0.0 && i > at + s.persist) break;
    }
    return at;
}

/// The main phase's take-off fitted from a lead-in's notch, rising from the notch's level; taken
/// when it lies after the notch.
void mainPhaseFromNotch(const Search& s, int sg, std::size_t c, std::size_t notchAt, double notch, double& onset, Takeoff& r) {
    double power = 0.0, seOn = 0.0;
    const std::size_t mainPeakAt = peakAtMain(s, c, sg);
    const double mainOnset = phaseOnset(s, notchAt, c, sg, sg * s.d[mainPeakAt], mainPeakAt, power, notch, &seOn);
    if (mainOnset > static_cast<double>(notchAt)) {
        onset = mainOnset;
        r.fitPower = power;
        r.onsetSeMs = seOn * 1e3 / s.fs;
    }
}

void sameSignLeadIn(const Search& s, int sg, std::size_t c, double& onset, Takeoff& r) {
    const auto look = static_cast<std::size_t>(s.st.dipLookBackMs * 1e-3 * s.fs);
    const std::size_t a = c > s.from + look ? c - look : s.from;
    if (c <= a + 4) return;
    const auto half2 = std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(0.1e-3 * s.fs)));
    const double se = s.sigma / std::sqrt(static_cast<double>(2 * half2 + 1));
    const double u = s.st.snrEstimateMargin + 2.0 * se / s.level;
    const double depth = 2.0 * std::numbers::sqrt2 * se;
    const auto m2 = movingAverage(s.d, a, c, half2);
    if (a == s.from && sg * m2[a] > 0.5 * s.level) return;   // under way at the search start: the artifact's tail
    // A lobe rises from a settled baseline: before its peak the average was within half the level
    // and a notch's depth below the peak. A tail that only decays from the look-back's start (the
    // stimulus artifact's, under the onset level there) has its peak at that start: no lobe (a
    // clean 10 mV tibial CMAP after a decaying artifact was flagged uncertain without this).
    double peak = -1e300, notch = 1e300, runMin = 1e300, minBeforePeak = 1e300;
    std::size_t peakAt = a, notchAt = a;
    bool lobe = false;
    for (std::size_t i = a; i <= c && i < s.n; ++i) {
        const double v = sg * m2[i];
        if (!lobe) {
            if (v > peak) {
                peak = v;
                peakAt = i;
                minBeforePeak = runMin;
            }
            runMin = std::min(runMin, v);
            lobe = peak >= 0.5 * s.level && minBeforePeak <= std::min(0.5 * s.level, peak - depth) && v <= peak - depth;
        }
        if (lobe && v < notch) {
            notch = v;
            notchAt = i;
        }
    }
    if (!lobe || notchAt >= c) return;
    // A lead-in rises from a settled baseline (within the level for 0.5 ms before it, after the
    // search start). One that rises straight out of the stimulus artifact (a biphasic artifact's
    // second phase, its tail) is no departure of the response: the onset is the main phase's,
    // fitted from the notch (whatever the lobe's size), and uncertain when the main phase departs within 0.5 ms of the lobe's
    // return within the level (the baseline under its take-off has not settled).
    std::size_t lobeStart = peakAt;
    while (lobeStart > a && sg * m2[lobeStart - 1] > 0.5 * s.level) --lobeStart;
    if (!risesFromSettled(s, lobeStart)) {
        mainPhaseFromNotch(s, sg, c, notchAt, notch, onset, r);
        std::size_t backAt = peakAt;
        while (backAt < c && sg * m2[backAt] > s.level) ++backAt;
        if (onset < static_cast<double>(backAt) + 0.5e-3 * s.fs) r.unsettledBaseline = r.uncertain = true;
        return;
    }
    if (peak <= (1.0 + u) * s.level) {
        // The lobe stays below the level (or reaches it within its uncertainty): the onset is the
        // main phase's, its take-off fitted from the notch and rising from the notch's level (a fit
        // from before the lobe takes the lobe for part of the rise and reads early, seed 529 s3).
        mainPhaseFromNotch(s, sg, c, notchAt, notch, onset, r);
        if (peak >= (1.0 - u) * s.level) {
            r.dipNearLevel = true;
            r.uncertain = true;
        }
        return;
    }
    // The lobe's take-off on the samples: its first sample beyond the level, its extreme after it.
    std::size_t c1 = a;
    while (c1 < peakAt + half2 && c1 + 1 < s.n && sg * s.d[c1] <= s.level) ++c1;
    std::size_t top = c1;
    for (std::size_t i = c1; i <= peakAt + half2 && i < s.n; ++i)
        if (sg * s.d[i] > sg * s.d[top]) top = i;
    const std::size_t back = static_cast<std::size_t>(s.st.fitBackMs * 1e-3 * s.fs);
    const std::size_t lo = std::max(a, c1 > back ? c1 - back : 0);
    double power = 0.0, seOn = 0.0;
    const double lobeOnset = phaseOnset(s, lo, c1, sg, sg * s.d[top], top, power, 0.0, &seOn);
    if (lobeOnset < onset) {
        onset = lobeOnset;
        r.fitPower = power;
        r.onsetSeMs = seOn * 1e3 / s.fs;
    }
}

/// A lobe of sign sg already under way at the search start (its +-0.1 ms moving average beyond half
/// the onset level there) that stays beyond half the level up to the phase's onset: no settled
/// baseline lies under that take-off (the averaged moving value, not single samples, so one noisy
/// sample near half the level does not decide).
bool tailRunsIntoPhase(const Search& s, int sg, double onset) {
    const auto on = static_cast<std::size_t>(std::max(0.0, std::floor(onset)));
    if (on <= s.from) return false;
    const auto half = std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(0.1e-3 * s.fs)));
    const auto m = movingAverage(s.d, s.from, on, half);
    for (std::size_t i = s.from; i <= on && i < s.n; ++i)
        if (sg * m[i] <= 0.5 * s.level) return false;
    return true;
}

/// The take-off lingers at the onset level: after the onset the +-0.1 ms moving average takes more
/// than shoulderMs to pass the top of the band around the level (the level's uncertainty from the
/// noise estimate and 2 SE of the average, as dipNearLevel), a shoulder or a lead-in lobe without a
/// notch the noise lets through (a dispersed SNAP's fastest fibres at 0.9 x the level for 0.25 ms
/// before the main rise: fresh sensory sites 3001173 s3 and 3001414 s2, read 0.16 / 0.11 ms early,
/// confident). Whether the response leaves the baseline by the level at the shoulder or at the
/// main rise is then not decided by the data. A smooth power-law take-off passes that band in
/// well under 0.1 ms at 20 x the noise.
bool shoulderNearLevel(const Search& s, int sg, double onset) {
    const double shoulderMs = s.st.shoulderMs;
    if (shoulderMs <= 0.0) return false;
    const auto on = static_cast<std::size_t>(std::max(0.0, std::floor(onset)));
    if (on < s.from || on + 2 >= s.to) return false;
    const auto half2 = std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(0.1e-3 * s.fs)));
    const double se = s.sigma / std::sqrt(static_cast<double>(2 * half2 + 1));
    const double top = (1.0 + s.st.snrEstimateMargin + 2.0 * se / s.level) * s.level;
    const std::size_t end = std::min(s.to - 1, on + static_cast<std::size_t>(std::ceil(2e-3 * s.fs)));
    const auto m = movingAverage(s.d, on, end, half2);
    std::size_t i = on;
    while (i < end && sg * m[i + 1] <= top) ++i;
    if (i >= end) return false;
    const double a = sg * m[i], b = sg * m[i + 1];
    const double up = static_cast<double>(i) + (b != a ? std::clamp((top - a) / (b - a), 0.0, 1.0) : 0.0);
    return up - onset > shoulderMs * 1e-3 * s.fs;
}

/// atSearchStart: `from` is where the caller's search starts (the stimulus artifact's end), not a
/// point after a lobe skipped here (where a decaying lobe is the response's own phase).
std::optional<Takeoff> takeoffFrom(const Sweep& sweep, double baselineUv, double noiseRmsUv, std::size_t from, std::size_t to,
                                   const TakeoffSettings& st, bool atSearchStart) {
    const std::size_t n = sweep.uv.size();
    to = std::min(to, n);
    if (from + 2 >= to) return std::nullopt;
    const double fs = sweep.sampleRateHz;
    const double sigma = std::max(noiseRmsUv, st.minNoiseUv);
    Search s{sweep, baselineUv, noiseRmsUv, from, to, n, fs, sigma, st.levelSd * sigma, st.confirmSd * sigma, std::vector<double>(n),
             std::max<std::size_t>(2, static_cast<std::size_t>(std::ceil(st.persistenceMs * 1e-3 * fs))), st};
    for (std::size_t i = 0; i < n; ++i) s.d[i] = sweep.uv[i] - baselineUv;
    const auto& d = s.d;

    // 1. Confirmation, and lobes before the response (the artifact's tail, a baseline wobble).
    const auto [c, sg] = firstConfirmed(s);
    if (c == n) return std::nullopt;
    double largest = 0.0;
    for (std::size_t i = from; i < to; ++i) largest = std::max(largest, std::fabs(d[i]));
    if (auto later = afterIsolatedLobe(s, c, largest)) return later;
    bool tailCarriesResponse = false;   // the stimulus artifact's tail runs into the response
    if (auto later = afterArtifactTail(s, c, sg, largest, atSearchStart, tailCarriesResponse)) return later;

    Takeoff r;
    r.confirmed = c;
    r.mainSign = sg;
    r.sign = sg;
    r.levelUv = s.level;
    const std::size_t span20 = std::min(n, c + static_cast<std::size_t>(20e-3 * fs));
    double firstPeak = 0.0;
    std::size_t firstPeakAt = c;
    for (std::size_t i = c; i < span20; ++i) {
        r.peakUv = std::max(r.peakUv, std::fabs(d[i]));
        if (sg * d[i] > firstPeak) {
            firstPeak = sg * d[i];
            firstPeakAt = i;
        }
        if (sg * d[i] < 0.0 && i > firstPeakAt + s.persist) break;   // the first phase is over
    }
    for (std::size_t i = c; i < span20; ++i) r.peakUv = std::max(r.peakUv, std::fabs(d[i]));
    r.signalToNoise = r.peakUv / sigma;
    r.uncertain = r.signalToNoise < st.certainSnr * (1.0 + st.snrEstimateMargin) || tailCarriesResponse;

    // 2. The take-off of the main phase, from fitBackMs before the confirmation.
    const std::size_t back = static_cast<std::size_t>(st.fitBackMs * 1e-3 * fs);
    const std::size_t lo = c > from + back ? c - back : from;
    double seMain = 0.0;
    double onset = phaseOnset(s, lo, c, sg, firstPeak, firstPeakAt, r.fitPower, 0.0, &seMain);
    r.onsetSeMs = seMain * 1e3 / fs;

    // The main phase rises straight out of a lobe of its own sign that was already under way at
    // the search start (the stimulus artifact's tail, with the sign of the response's first
    // phase): beyond half the onset level on the +-0.1 ms moving average from the search start up
    // to the take-off. The baseline under the take-off has not settled: the onset is uncertain.
    if (atSearchStart && tailRunsIntoPhase(s, sg, onset)) r.unsettledBaseline = r.uncertain = true;
    // A lobe of the same sign leading into the main phase: the onset is its take-off (or uncertain).
    if (!r.unsettledBaseline) sameSignLeadIn(s, sg, c, onset, r);

    // 3. An opposite-sign departure just before (an initial positive dip): the onset is its take-off.
    oppositeDip(s, sg, onset, r);
    // A dispersed response may lead in with more than one lobe (positive, then a small negative,
    // then the main phase): the onset is the first departure of either polarity, so a lobe of the
    // other sign leading into the dip is looked for in turn, and before that one.
    for (int k = 0; k < 2 && r.initialOppositePhase && !r.uncertain; ++k) {
        Takeoff q = r;
        q.initialOppositePhase = false;
        double earlier = onset;
        oppositeDip(s, r.sign, earlier, q);
        r.dipNearLevel = r.dipNearLevel || q.dipNearLevel;
        if (q.nearLevelLobeSample >= 0.0)
            r.nearLevelLobeSample = r.nearLevelLobeSample >= 0.0 ? std::min(r.nearLevelLobeSample, q.nearLevelLobeSample) : q.nearLevelLobeSample;
        if (q.separateLobe) r.separateLobe = r.uncertain = true;
        if (q.unsettledBaseline) {
            r.unsettledBaseline = r.uncertain = true;
            break;
        }
        if (!q.initialOppositePhase || !(earlier < onset)) break;
        onset = earlier;
        r.sign = q.sign;
        r.onsetSeMs = q.onsetSeMs;
    }
    // The take-off begins within 0.2 ms of the search start, right after the artifact of the other
    // sign beyond the confirmation level there: the artifact swinging through the baseline (its tail,
    // or a response on it), not a departure from a settled baseline. Uncertain. (The onset level
    // instead flagged 6 more right motor-unit-sum s1 sites on fresh development seeds.)
    if (atSearchStart && !r.uncertain) {
        const auto edge = std::max<std::size_t>(2, static_cast<std::size_t>(std::ceil(0.2e-3 * fs)));
        const auto on = static_cast<std::size_t>(std::max(0.0, std::floor(onset)));
        if (on < from + edge)
            for (std::size_t i = from > edge ? from - edge : 0; i < on && i < n; ++i)
                if (-r.sign * d[i] > s.confirm) {
                    r.unsettledBaseline = r.uncertain = true;
                    break;
                }
    }
    // The baseline under the take-off: the onset level is counted from the fitted baseline, so where
    // the sweep from 1.5 to 0.5 ms before the onset sits off it by more than 3/4 of the level on
    // average (residual hum or drift the baseline model missed), the take-off is read against the
    // wrong baseline, early or late by the time the response takes to cross that offset: uncertain
    // (`unsettledBaseline`). Fresh motor-unit-sum site 7000405 s3: one of two sweeps fitted no hum,
    // the average 40 uV (0.9 x the level) below the baseline for 3 ms, read 0.43 ms early, confident.
    // (At half the level the rule flagged ~4 times as many right sites for the same gross ones.)
    if (!r.uncertain) {
        const double w0 = onset - 1.5e-3 * fs, w1 = onset - 0.5e-3 * fs;
        if (w0 >= static_cast<double>(from)) {
            double sum = 0.0;
            std::size_t k = 0;
            for (auto i = static_cast<std::size_t>(std::ceil(w0)); static_cast<double>(i) <= w1; ++i, ++k) sum += d[i];
            if (k > 0 && std::fabs(sum / static_cast<double>(k)) > 0.75 * s.level) r.unsettledBaseline = r.uncertain = true;
        }
    }
    if (!r.uncertain && shoulderNearLevel(s, r.sign, onset)) r.dipNearLevel = r.uncertain = true;
    // The onset's own standard error does not place it within maxOnsetSeMs: flagged, not stated.
    // (with onsetSeSampleFraction, a sampling term in quadrature: at 4-8 kHz the noise-only SE
    // misses most of the take-off fit's error; sensory sites 0.105-0.118 ms early at 5-8 kHz were
    // confident without it, docs/measurements.md section 7).
    if (st.maxOnsetSeMs > 0.0 && st.onsetSeZ * std::hypot(r.onsetSeMs, st.onsetSeSampleFraction * 1e3 / fs) > st.maxOnsetSeMs)
        r.imprecise = r.uncertain = true;
    r.sample = std::max(onset, static_cast<double>(sweep.preSamples));
    return r;
}
}  // namespace

std::optional<Takeoff> findTakeoff(const Sweep& sweep, double baselineUv, double noiseRmsUv, std::size_t from, std::size_t to,
                                   const TakeoffSettings& st) {
    return takeoffFrom(sweep, baselineUv, noiseRmsUv, from, to, st, true);
}

std::string describeTakeoff(const TakeoffSettings& st, double noiseRmsUv) {
    std::ostringstream m;
    m.precision(3);
    m << "take-off: where the response first leaves the baseline by " << st.levelSd << " x noise rms (noise " << noiseRmsUv
      << " uV, level " << st.levelSd * noiseRmsUv << " uV), from a power-law fit a (t - t0)^p of the take-off up to " << st.fitUpFraction
      << " of the first peak; response confirmed beyond " << st.confirmSd << " x noise for " << st.persistenceMs
      << " ms; an opposite-sign departure beyond the level for " << st.dipMinMs << " ms just before is the onset";
    return m.str();
}

}  // namespace emg::dsp
