#include <emg/dsp/onset_takeoff.h>

#include <algorithm>
#include <array>
#include <cmath>
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
/// atSearchStart: `from` is where the caller's search starts (the stimulus artifact's end), not a
/// point after a lobe skipped here (where a decaying lobe is the response's own phase).
std::optional<Takeoff> takeoffFrom(const Sweep& sweep, double baselineUv, double noiseRmsUv, std::size_t from, std::size_t to,
                                   const TakeoffSettings& st, bool atSearchStart) {
    const std::size_t n = sweep.uv.size();
    to = std::min(to, n);
    if (from + 2 >= to) return std::nullopt;
    const double fs = sweep.sampleRateHz;
    const double sigma = std::max(noiseRmsUv, st.minNoiseUv);
    const double level = st.levelSd * sigma, confirm = st.confirmSd * sigma;
    std::vector<double> d(n);
    for (std::size_t i = 0; i < n; ++i) d[i] = sweep.uv[i] - baselineUv;
    const auto persist = std::max<std::size_t>(2, static_cast<std::size_t>(std::ceil(st.persistenceMs * 1e-3 * fs)));

    // 1. Confirmation: the first stretch beyond the confirm level, same sign, lasting `persist`.
    std::size_t c = n;
    int sg = 0;
    for (std::size_t i = from; i + persist <= to; ++i) {
        if (std::fabs(d[i]) <= confirm) continue;
        const int s = d[i] < 0 ? -1 : 1;
        bool lasting = true;
        for (std::size_t k = 1; k < persist && lasting; ++k) lasting = s * d[i + k] > confirm;
        if (lasting) {
            c = i;
            sg = s;
            break;
        }
    }
    if (c == n) return std::nullopt;
    bool tailCarriesResponse = false;   // the stimulus artifact's tail runs into the response (step 1b)
    // A small isolated lobe (the tail of the stimulus artifact swinging through the baseline, or a
    // slow wobble of the baseline the model did not take out): under 10 % of the sweep's largest
    // deviation, starting within isolatedLobeWithinMs of the search start (0: anywhere), and back
    // within the onset level for 0.5 ms before anything else departs. The response is searched
    // after it (an initial dip that leads into the response is then found by step 3).
    {
        const auto near = static_cast<std::size_t>(1e-3 * fs);
        const std::size_t nearQuiet = st.isolatedLobeWithinMs > 0.0 ? static_cast<std::size_t>(st.isolatedLobeWithinMs * 1e-3 * fs) : n;
        const auto quiet = std::max<std::size_t>(3, static_cast<std::size_t>(0.5e-3 * fs));
        double largest = 0.0;
        for (std::size_t i = from; i < to; ++i) largest = std::max(largest, std::fabs(d[i]));
        if (c < from + nearQuiet) {
            double lobe = 0.0;
            std::size_t run = 0, end = n;
            for (std::size_t i = c; i < to; ++i) {
                if (std::fabs(d[i]) <= level) {
                    if (++run >= quiet) {
                        end = i + 1 - run;
                        break;
                    }
                } else {
                    run = 0;
                    lobe = std::max(lobe, std::fabs(d[i]));
                }
            }
            if (end < to && lobe < 0.1 * largest) {
                auto later = takeoffFrom(sweep, baselineUv, noiseRmsUv, end, to, st, false);
                if (later) return later;
            }
        }
        if (c < from + near) {
            // A small lobe already under way at the search start (within 0.2 ms of it at least
            // half its extreme: the artifact's tail, not a departure rising from a quiet baseline)
            // that swings back through the baseline straight into a departure of the other sign
            // (no quiet stretch between): the response is searched from where the lobe is back
            // within the onset level, and taken when its main phase has the other sign.
            {
                std::size_t start = c;   // the lobe: beyond the level around the confirmation
                while (start > from && sg * d[start - 1] > level) --start;
                std::size_t back = c;
                while (back < to && sg * d[back] > level) ++back;
                double own = 0.0;
                std::size_t ownAt = c;
                for (std::size_t i = c; i < back; ++i)
                    if (sg * d[i] > own) {
                        own = sg * d[i];
                        ownAt = i;
                    }
                const auto edge = std::max<std::size_t>(2, static_cast<std::size_t>(std::ceil(0.2e-3 * fs)));
                double early = 0.0;
                for (std::size_t i = from; i < std::min(to, from + edge + 1); ++i) early = std::max(early, sg * d[i]);
                if (start <= from + edge && early >= 0.5 * own && back + 2 < to && own < 0.1 * largest) {
                    auto later = takeoffFrom(sweep, baselineUv, noiseRmsUv, back, to, st, false);
                    if (later && later->mainSign == -sg) return later;
                }
                // A lobe already under way where the search starts after the artifact (half its
                // extreme within 0.2 ms of it) that reaches its extreme within 0.5 ms and then
                // decays is the stimulus artifact's tail, whatever its size: a response rises from
                // the baseline. (Not applied again after a skipped lobe: a SNAP's phases, 0.3-0.5
                // ms each, follow one another like that.) The response is searched after the tail is
                // back within the onset level; when it departs within 0.5 ms of that, the baseline
                // under its take-off (the tail's end) is not settled and the onset is uncertain.
                // A tail that rises again before it is back (by more than twice the onset level
                // over its lowest point since the extreme) carries a response on it: not skipped,
                // but the onset read on the tail is uncertain.
                if (atSearchStart && start <= from + edge && early >= 0.5 * own && ownAt <= from + static_cast<std::size_t>(0.5e-3 * fs) &&
                    back + 2 < to) {
                    double low = own;
                    for (std::size_t i = ownAt; i < back && !tailCarriesResponse; ++i) {
                        low = std::min(low, sg * d[i]);
                        tailCarriesResponse = sg * d[i] > low + 2.0 * level;
                    }
                    if (!tailCarriesResponse) {
                        auto later = takeoffFrom(sweep, baselineUv, noiseRmsUv, back, to, st, false);
                        if (later) {
                            if (later->sample < static_cast<double>(back) + 0.5e-3 * fs) later->uncertain = true;
                            return later;
                        }
                    }
                }
            }
        }
    }
    Takeoff r;
    r.confirmed = c;
    r.mainSign = sg;
    r.sign = sg;
    r.levelUv = level;
    const std::size_t span20 = std::min(n, c + static_cast<std::size_t>(20e-3 * fs));
    double firstPeak = 0.0;
    std::size_t firstPeakAt = c;
    for (std::size_t i = c; i < span20; ++i) {
        r.peakUv = std::max(r.peakUv, std::fabs(d[i]));
        if (sg * d[i] > firstPeak) {
            firstPeak = sg * d[i];
            firstPeakAt = i;
        }
        if (sg * d[i] < 0.0 && i > firstPeakAt + persist) break;   // the first phase is over
    }
    for (std::size_t i = c; i < span20; ++i) r.peakUv = std::max(r.peakUv, std::fabs(d[i]));
    r.signalToNoise = r.peakUv / sigma;
    r.uncertain = r.signalToNoise < st.certainSnr * (1.0 + st.snrEstimateMargin) || tailCarriesResponse;

    // 2. The take-off of the main phase: power-law fit from before the departure up to a fraction
    // of the first peak or fitUpSd x noise, whichever is lower: the fit describes the take-off near
    // the onset level (a power law is a good local model of any smooth take-off there, but not up
    // to a third of a large peak: there it pulls a raised cosine early and a Gaussian tail late).
    const std::size_t back = static_cast<std::size_t>(st.fitBackMs * 1e-3 * fs);
    const std::size_t lo = c > from + back ? c - back : from;
    const double upLevel = std::max(std::min(st.fitUpFraction * firstPeak, st.fitUpSd * sigma), confirm);
    std::size_t hi = c;
    while (hi + 1 < n && hi < firstPeakAt && sg * d[hi] < upLevel) ++hi;
    std::size_t above = 0;   // samples above the onset level within the fit
    for (std::size_t i = lo; i <= hi; ++i) above += sg * d[i] > level ? 1 : 0;
    while (above < 4 && hi < firstPeakAt && sg * d[hi + 1] < 0.8 * firstPeak) {
        ++hi;
        ++above;
    }
    const double crossing = crossingBack(d, c, lo, sg, level);
    double onset = crossing >= 0.0 ? crossing : static_cast<double>(lo);
    if (above >= 4 && hi > lo + 4) {
        std::vector<double> y;
        for (std::size_t i = lo; i <= hi; ++i) y.push_back(sg * d[i]);
        const double t0Min = static_cast<double>(lo) - 1.0, t0Max = static_cast<double>(c);
        const auto f = fitPower(y, static_cast<double>(lo), t0Min, t0Max);
        if (f.a > 0.0) {
            const double fitted = f.t0 + std::pow(level / f.a, 1.0 / f.p);
            // Keep it where the data allow it: not after the confirmation, not before the fit start.
            if (fitted >= static_cast<double>(lo) && fitted <= static_cast<double>(c)) {
                onset = fitted;
                r.fitPower = f.p;
            }
        }
    }

    // 3. An opposite-sign departure just before (an initial positive dip): the onset is its take-off.
    {
        const auto look = static_cast<std::size_t>(st.dipLookBackMs * 1e-3 * fs);
        const auto on = static_cast<std::size_t>(std::max(0.0, std::floor(onset)));
        const std::size_t a = on > from + look ? on - look : from;
        const auto half = std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(0.05e-3 * fs)));
        std::vector<double> m(n, 0.0);   // moving average over +-half
        for (std::size_t i = a; i <= on && i < n; ++i) {
            double s = 0.0;
            std::size_t cnt = 0;
            for (std::size_t k = i > half ? i - half : 0; k <= std::min(n - 1, i + half); ++k, ++cnt) s += d[k];
            m[i] = s / static_cast<double>(cnt);
        }
        const auto need = std::max<std::size_t>(2, static_cast<std::size_t>(std::ceil(st.dipMinMs * 1e-3 * fs)));
        // The dip is the last such run before the onset, and it must lead into the main phase:
        // back within the level for at most dipMaxGapMs before the onset. An earlier lobe that
        // returns to the baseline and stays there (the stimulus artifact's tail) is not a dip.
        const auto maxGap = static_cast<std::size_t>(std::ceil(st.dipMaxGapMs * 1e-3 * fs));
        std::size_t run = 0, runStart = 0, runEnd = 0;
        bool found = false;
        std::size_t dipStart = 0;
        for (std::size_t i = a; i <= on && i < n; ++i) {
            if (-sg * m[i] > level) {
                if (run == 0) runStart = i;
                if (++run >= need) {
                    found = true;
                    dipStart = runStart;
                    runEnd = i;
                }
            } else run = 0;
        }
        if (found && on > runEnd + maxGap) found = false;
        // An opposite-sign lobe leading into the main phase whose extreme lies near the onset level
        // (within the uncertainty of the level, from the noise estimate, and of the lobe's extreme,
        // from the noise of its smoothed samples): whether the response "leaves the baseline" there
        // or only at the main phase, up to a millisecond later, is not decided by the data. The
        // onset is given as found and flagged uncertain.
        {
            const auto half2 = std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(0.1e-3 * fs)));
            const double se = sigma / std::sqrt(static_cast<double>(2 * half2 + 1));
            const double u = st.snrEstimateMargin + 2.0 * se / level;
            double lobe = 0.0;
            std::size_t lobeAt = on;
            for (std::size_t i = a; i <= on && i < n; ++i) {
                double sum = 0.0;
                std::size_t cnt = 0;
                for (std::size_t k = i > half2 ? i - half2 : 0; k <= std::min(n - 1, i + half2); ++k, ++cnt) sum += d[k];
                const double v = -sg * sum / static_cast<double>(cnt);
                if (v > lobe) {
                    lobe = v;
                    lobeAt = i;
                }
            }
            // It leads into the main phase: back under half the level at most dipMaxGapMs before the onset.
            std::size_t back = lobeAt;
            while (back < on && -sg * m[back] > 0.5 * level) ++back;
            const bool leads = lobeAt < on && on <= back + maxGap;
            // ... and only where it matters: the lobe's own take-off (where it passes half the
            // level) lies more than 0.1 ms before the main phase's onset.
            const double lobeStart = crossingBack(m, lobeAt, a, -sg, 0.5 * level);
            const bool apart = lobeStart >= 0.0 && onset - lobeStart > 0.1e-3 * fs;
            if (leads && apart && lobe >= (1.0 - u) * level && lobe <= (1.0 + u) * level) r.dipNearLevel = true;
        }
        if (found) {
            const double x = crossingBack(m, dipStart, a, -sg, level);
            onset = x >= 0.0 ? x : static_cast<double>(dipStart);
            r.initialOppositePhase = true;
            r.sign = -sg;
        }
    }
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
