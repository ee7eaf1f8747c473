#include <emg/dsp/late_responses.h>

#include "late_response_hum.h"

#include <emg/dsp/onset_takeoff.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace emg::dsp {

namespace {
/// Max - min of the signal in [lo, hi) read with quadratic fits at the extremes.
double peakToPeak(const Sweep& s, std::size_t lo, std::size_t hi, double fitMs) {
    hi = std::min(hi, s.uv.size());
    if (hi <= lo + 2) return 0.0;
    const auto [mn, mx] = std::minmax_element(s.uv.begin() + static_cast<std::ptrdiff_t>(lo), s.uv.begin() + static_cast<std::ptrdiff_t>(hi));
    const double tMin = s.timeMs(static_cast<double>(mn - s.uv.begin()));
    const double tMax = s.timeMs(static_cast<double>(mx - s.uv.begin()));
    return std::max(0.0, valueAtMs(s, tMax, fitMs) - valueAtMs(s, tMin, fitMs));   // the fits of a flat stretch can cross
}
std::size_t sampleAtMs(const Sweep& s, double ms) {
    return static_cast<std::size_t>(std::clamp(std::ceil(s.sampleAt(ms)), 0.0, static_cast<double>(s.uv.size())));
}

/// End of a response on `s`: after its positive peak, the first sample of a stretch of `settleMs`
/// within max(onset threshold, endFraction x its amplitude) of the baseline, searched up to sample
/// `last`; nullopt when it does not settle there. M and the later responses (F, H) are told apart
/// by it; the amplitude fraction lets a large M's residual tail (removed later by
/// withoutSlowTrend) count as settled.
std::optional<std::size_t> responseEnd(const Sweep& s, const ResponseResult& m, const DetectionSettings& detection, double settleMs,
                                       double endFraction, std::size_t last, std::size_t notBefore = 0, double sizeUv = 0.0) {
    const double thr = std::max(onsetThresholdUv(detection, m.baseline), endFraction * std::max(sizeUv, std::fabs(m.measures.amplitudeUv)));
    const auto settle = static_cast<std::size_t>(std::ceil(settleMs * 1e-3 * s.sampleRateHz));
    std::size_t run = 0;
    for (std::size_t i = std::max(notBefore, sampleAtMs(s, m.provenance.markers.positivePeakMs)); i < std::min(last, s.uv.size()); ++i) {
        if (std::fabs(s.uv[i] - m.baseline.meanUv) <= thr) {
            if (++run >= settle) return i + 1 - run;
        } else run = 0;
    }
    return std::nullopt;
}

/// The sweep with the slow trend after M removed from `from` on, so that F is judged against its
/// local baseline: a large M leaves a slow tail through the recording's high-pass filter (a 2 Hz
/// high-pass after a 5 mV x 5 ms M: of the order of 100 uV, decaying over ~80 ms) that a fixed
/// baseline would take for late F-waves. The trend is the running median over a centred window of
/// up to +-halfWidthMs (clipped symmetrically at the ends, so a monotone tail is followed exactly),
/// evaluated every stepMs and
/// interpolated; an F-wave (a few ms, above and below the baseline) hardly moves a median over a
/// window several times its length.
Sweep withoutSlowTrend(const Sweep& s, std::size_t from, double baselineUv, double halfWidthMs, double stepMs) {
    Sweep out = s;
    const std::size_t n = s.uv.size();
    if (from + 2 >= n || s.sampleRateHz <= 0.0) return out;
    const auto half = static_cast<std::size_t>(std::llround(halfWidthMs * 1e-3 * s.sampleRateHz));
    const auto step = std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(stepMs * 1e-3 * s.sampleRateHz)));
    std::vector<std::size_t> at;
    for (std::size_t i = from; i < n; i += step) at.push_back(i);
    if (at.back() != n - 1) at.push_back(n - 1);
    std::vector<double> trend(at.size());
    std::vector<float> window;
    for (std::size_t k = 0; k < at.size(); ++k) {
        const std::size_t i = at[k];
        const std::size_t h = std::min({half, i - from, n - 1 - i});
        window.assign(s.uv.begin() + static_cast<std::ptrdiff_t>(i - h), s.uv.begin() + static_cast<std::ptrdiff_t>(i + h + 1));
        const auto mid = window.begin() + static_cast<std::ptrdiff_t>(window.size() / 2);
        std::nth_element(window.begin(), mid, window.end());
        trend[k] = *mid;
    }
    for (std::size_t k = 0; k + 1 < at.size(); ++k) {
        const std::size_t a = at[k], b = at[k + 1];
        for (std::size_t i = a; i < b; ++i) {
            const double t = static_cast<double>(i - a) / static_cast<double>(b - a);
            out.uv[i] = static_cast<float>(s.uv[i] - ((1.0 - t) * trend[k] + t * trend[k + 1]) + baselineUv);
        }
    }
    out.uv[n - 1] = static_cast<float>(s.uv[n - 1] - trend.back() + baselineUv);
    return out;
}

/// Why the minimal latency may not be the train's earliest F (empty: nothing known); stimuli
/// counted from 1, as the raster and the report label the sweeps.
std::string minLatencyDoubt(const std::vector<FWaveTrace>& traces, double minLatencyMs, double marginMs) {
    std::ostringstream n;
    n.precision(2);
    n << std::fixed;
    // A sweep whose F leads in with a lobe of the other sign near the onset level (the take-off
    // cannot tell whether F leaves the baseline by the level there or at its main phase) and
    // whose lobe lies before the minimal latency: the train's earliest F may be that lobe.
    // (F harness dev 311, 24 kHz: one sweep's lead-in lobe at about the level, 1.06 ms before its
    // main phase and 0.77 ms before the minimal latency read on another sweep, confident.)
    const FWaveTrace* lobe = nullptr;
    for (const auto& t : traces)
        if (t.present && t.nearLevelLobeMs > 0.0 && t.nearLevelLobeMs < minLatencyMs - marginMs &&
            (!lobe || t.nearLevelLobeMs < lobe->nearLevelLobeMs))
            lobe = &t;
    if (lobe) {
        n << "stimulus " << lobe->sweepIndex + 1 << ": a lobe of the other sign reaching about the onset level at " << lobe->nearLevelLobeMs
          << " ms leads into its F (read at " << lobe->latencyMs << " ms): the earliest F may begin there, "
          << minLatencyMs - lobe->nearLevelLobeMs << " ms before the minimal latency (check that sweep)";
        return n.str();
    }
    // The earliest F is one whose take-off the fit does not vouch for (under 20 x the noise, an
    // unsettled baseline, an imprecise or separate lobe) and every F it does vouch for comes more
    // than marginMs later: the minimum rests on that one sweep's reading alone.
    // (F harness dev 175, 16 kHz, 17 uV of noise: an F at 18 x the noise read 0.62 ms before its
    // truth set the minimal latency 0.38 ms early, confident.)
    const FWaveTrace* first = nullptr;
    const FWaveTrace* clear = nullptr;
    for (const auto& t : traces) {
        if (!t.present) continue;
        if (!first || t.latencyMs < first->latencyMs) first = &t;
        if (!t.onsetUncertain && (!clear || t.latencyMs < clear->latencyMs)) clear = &t;
    }
    if (first && first->onsetUncertain && clear && clear->latencyMs - first->latencyMs > marginMs) {
        n << "stimulus " << first->sweepIndex + 1 << ": the earliest F (" << first->latencyMs
          << " ms) is under 20 x the noise or its take-off is uncertain; the earliest clear F (stimulus " << clear->sweepIndex + 1
          << ") is at " << clear->latencyMs << " ms, " << clear->latencyMs - first->latencyMs << " ms later (check that sweep)";
        return n.str();
    }
    return {};
}

/// Sweeps with nothing before the stimulus (records that start at it, each with its own DC, drift
/// and hum phase): `leveled` gets them each less a level, slope and hum fitted robustly on its last
/// 60 % (subtractTailLevel) and `sweeps` then views them. False (nothing done) for other sweeps.
bool leveledWithoutPre(std::span<const Sweep>& sweeps, std::vector<Sweep>& leveled, double mainsHz) {
    if (!lacksPreStimulus(sweeps.front())) return false;
    leveled.assign(sweeps.begin(), sweeps.end());
    for (auto& w : leveled) detail::subtractTailLevel(w, w.uv.size() * 2 / 5, mainsHz);
    sweeps = std::span<const Sweep>(leveled);
    return true;
}

}  // namespace

FWaveResult analyzeFWaves(std::span<const Sweep> sweeps, const FWaveSettings& st) {
    if (sweeps.empty()) throw std::invalid_argument("F-waves: no sweeps");
    FWaveResult r;
    r.stimuli = sweeps.size();
    // Nothing before the stimulus (records that start at it, each with its own DC, drift and hum
    // phase): each sweep less a level, a slope and the hum fitted on its last 60 % (F waves left out
    // by the robust refits), and M read against the level and noise of the average's last 40 %.
    std::vector<Sweep> leveled;
    const bool noPre = leveledWithoutPre(sweeps, leveled, st.mainsHz);
    const auto mOf = [&](const Sweep& average, std::size_t quietFrom) {
        return noPre ? detectResponse(average, st.mDetection, stretchStats(average, quietFrom, average.uv.size()))
                     : detectResponse(average, st.mDetection);
    };
    // M on the average: F-waves vary from sweep to sweep and largely cancel; M does not.
    AveragedSweep avg;
    RejectionSettings lenient;
    lenient.baselineLimitUv = 1e12;
    lenient.peakLimitUv = 1e12;
    avg = averageSweeps(sweeps, lenient);
    r.m = mOf(avg.average, avg.average.uv.size() * 3 / 5);
    std::size_t from = 0;
    if (st.searchFromMs > 0.0) from = sampleAtMs(avg.average, st.searchFromMs);
    else if (r.m.found) {
        // End of M on the average (which also holds the F-waves: they never settle to an average's
        // noise, hence the amplitude fraction)
        // M is by far the largest deflection on the average: the settling is searched from that
        // excursion on at the earliest, and "near" is a fraction of its size at least, so a
        // stimulus artifact tail taken for M (whose "positive peak" then lies early, and whose
        // size is small) can neither end M before M is over nor keep it from ending.
        const auto& a = avg.average;
        // (nothing before the stimulus: the artifact was not blanked, so from M's onset on)
        std::size_t largest = std::min(noPre ? sampleAtMs(a, r.m.measures.onsetLatencyMs) : a.preSamples, a.uv.size() - 1);
        for (std::size_t i = largest; i < a.uv.size(); ++i)
            if (std::fabs(a.uv[i] - r.m.baseline.meanUv) > std::fabs(a.uv[largest] - r.m.baseline.meanUv)) largest = i;
        const auto end = responseEnd(a, r.m, st.mDetection, st.mSettleMs, st.mEndFraction, a.uv.size(), largest,
                                     std::fabs(a.uv[largest] - r.m.baseline.meanUv));
        from = end ? *end
                   : sampleAtMs(a, std::max(r.m.provenance.markers.positivePeakMs, a.timeMs(static_cast<double>(largest))) + 5.0);
    } else {
        from = sampleAtMs(avg.average, 10.0);
    }
    r.searchFromMs = avg.average.timeMs(static_cast<double>(from));

    // Hum and the slow tail after M removed from each sweep (sinusoids + a cubic fitted from the
    // end of M on, F left out); M is then measured again on the average of the cleaned sweeps, so
    // hum locked to the stimulus rate (which averaging keeps) does not move M's onset.
    std::vector<Sweep> clean(sweeps.begin(), sweeps.end());
    for (auto& c : clean) detail::subtractLateHum(c, from, st.mainsHz);   // mainsHz 0: the slow part only
    r.m = mOf(averageSweeps(clean, lenient).average, from);

    DetectionSettings fd;
    fd.persistenceMs = st.persistenceMs;
    std::vector<double> lat;
    for (const auto& dehummed : clean) {
        FWaveTrace t;
        t.sweepIndex = dehummed.index;
        // the baseline and its SD before the stimulus, then what is left of the slow tail removed
        // by the running median (nothing before the stimulus: the level and SD after M, F waves
        // set aside)
        auto b = baselineStats(dehummed);
        const Sweep local = st.trendHalfWidthMs > 0.0 ? withoutSlowTrend(dehummed, from, noPre ? 0.0 : b.meanUv, st.trendHalfWidthMs, 0.1) : dehummed;
        if (noPre) b = stretchStats(local, from, local.uv.size());
        const double thr = std::max(st.onsetSd * b.sdUv, st.minOnsetUv);
        const auto on = detectOnset(local, b.meanUv, thr, from, local.uv.size(), fd);
        if (on) {
            t.present = true;
            // Latency: the first visible departure (takeoffLevelSd x the baseline SD), read from a
            // fit of the take-off as for motor onsets (onset_takeoff.h), searched from a few ms
            // before the detection; the refined threshold crossing when the fit finds nothing.
            double onsetSample = on->sample;
            if (st.takeoffLevelSd > 0.0) {
                TakeoffSettings ts;
                ts.levelSd = st.takeoffLevelSd;
                ts.confirmSd = std::max(st.takeoffLevelSd, thr / std::max(b.sdUv, 1e-9));
                ts.persistenceMs = st.persistenceMs;
                const auto back = static_cast<std::size_t>(std::ceil(3e-3 * local.sampleRateHz));
                const std::size_t lo = std::max(from, on->refined > back ? on->refined - back : 0);
                const std::size_t hi = std::min(local.uv.size(), on->crossing + 1 + back);
                const auto tk = findTakeoff(local, b.meanUv, b.sdUv, lo, hi, ts);
                if (tk && tk->confirmed <= on->crossing) {
                    onsetSample = std::max(tk->sample, static_cast<double>(lo));
                    t.onsetUncertain = tk->uncertain;
                    if (tk->dipNearLevel && tk->nearLevelLobeSample >= 0.0 && tk->nearLevelLobeSample < onsetSample)
                        t.nearLevelLobeMs = local.timeMs(std::max(tk->nearLevelLobeSample, static_cast<double>(lo)));
                }
            }
            t.latencyMs = local.timeMs(onsetSample);
            t.peakToPeakUv = peakToPeak(local, on->refined, sampleAtMs(local, t.latencyMs + 10.0), 0.1);
            lat.push_back(t.latencyMs);
        }
        r.traces.push_back(t);
    }
    // One departure far before every other F (seed 347 of the F-wave harness: M's tail in one sweep
    // read as an F 11.3 ms before the train's true earliest F): not an F of this train.
    if (st.isolatedEarlyGapMs > 0.0 && lat.size() >= 3) {
        std::vector<double> sorted = lat;
        std::sort(sorted.begin(), sorted.end());
        if (sorted[1] - sorted[0] > st.isolatedEarlyGapMs) {
            for (auto& t : r.traces)
                if (t.present && t.latencyMs == sorted[0]) {
                    t.present = false;
                    t.isolatedEarly = true;
                    std::ostringstream n;
                    n.precision(4);
                    n << "stimulus " << t.sweepIndex + 1 << ": a departure at " << t.latencyMs << " ms, " << sorted[1] - sorted[0]
                      << " ms before every other F of the train (more than " << st.isolatedEarlyGapMs
                      << " ms), is not counted as an F (M's tail or an artifact?): check that sweep";
                    r.note = n.str();
                    break;
                }
            lat.erase(std::find(lat.begin(), lat.end(), sorted[0]));
        }
    }
    r.present = lat.size();
    r.persistencePercent = 100.0 * static_cast<double>(r.present) / static_cast<double>(r.stimuli);
    if (!lat.empty()) {
        r.minLatencyMs = *std::min_element(lat.begin(), lat.end());
        r.maxLatencyMs = *std::max_element(lat.begin(), lat.end());
        r.meanLatencyMs = std::accumulate(lat.begin(), lat.end(), 0.0) / static_cast<double>(lat.size());
        r.chronodispersionMs = r.maxLatencyMs - r.minLatencyMs;
        r.minLatencyNote = minLatencyDoubt(r.traces, r.minLatencyMs, st.minLatencyUncertainMs);
    }
    std::ostringstream m;
    m << "F present when, after the end of M (" << r.searchFromMs << " ms), the sweep departs from its baseline by more than max("
      << st.onsetSd << " SD, " << st.minOnsetUv << " uV) for " << st.persistenceMs << " ms";
    if (st.mainsHz != 0.0 || st.trendHalfWidthMs > 0.0) m << " (first removed:";
    if (st.mainsHz != 0.0)
        m << " mains hum (" << (st.mainsHz > 0.0 ? std::to_string(static_cast<int>(st.mainsHz)) + " Hz" : std::string("50 or 60 Hz"))
          << " and harmonics) fitted on each sweep after M with the F waves left out";
    if (st.trendHalfWidthMs > 0.0)
        m << (st.mainsHz != 0.0 ? ";" : "") << " the slow trend after M, a running median over +-" << st.trendHalfWidthMs << " ms";
    if (st.mainsHz != 0.0 || st.trendHalfWidthMs > 0.0) m << ")";
    if (noPre)
        m << "; no signal before the stimulus (records that start at it): each sweep less a level, slope and hum fitted on its last 60 %, M "
             "read against the average's last 40 %, each sweep's baseline and SD taken after M with the F waves set aside";
    m << "; latency = onset (refined back to the departure); persistence = present / stimuli; chronodispersion = max - min latency";
    r.method = m.str();
    return r;
}

HReflexResult analyzeHReflex(std::span<const Sweep> sweeps, std::span<const std::optional<double>> intensitiesMa, const HReflexSettings& st) {
    if (sweeps.empty()) throw std::invalid_argument("H-reflex: no sweeps");
    HReflexResult r;
    // Nothing before the stimulus (records that start at it, each with its own DC, drift and hum
    // phase): each sweep less a level, slope and hum fitted on its last 60 % (H and M's tail left
    // out by the robust refits); its baseline is then its last 40 %, responses set aside.
    std::vector<Sweep> leveled;
    const bool noPre = leveledWithoutPre(sweeps, leveled, st.mainsHz);
    // Where M ends: at least mWindowToMs, later when the largest M's tail (a soleus M with its long
    // positive phase) is still off the baseline there, so that tail is never read as H on the
    // sweeps at high intensity. Found on the sweep with the largest M in [artifact end,
    // mWindowToMs): responseEnd (mSettleMs within the threshold or mEndFraction of M); never later
    // than mWindowMaxMs.
    double mToMs = st.mWindowToMs;
    if (st.hWindowFromMs <= 0.0 && st.mWindowMaxMs > st.mWindowToMs) {
        std::size_t largest = 0;
        double largestPp = -1.0;
        for (std::size_t k = 0; k < sweeps.size(); ++k) {
            const auto b = sweepLevel(sweeps[k]);
            const double pp = peakToPeak(sweeps[k], artifactEndSample(sweeps[k], b), sampleAtMs(sweeps[k], st.mWindowToMs), st.peakFitMs);
            if (pp > largestPp) largestPp = pp, largest = k;
        }
        const auto& s = sweeps[largest];
        const auto m = detectResponse(s, st.hOnset, sweepLevel(s));
        if (m.found) {
            const std::size_t last = sampleAtMs(s, st.mWindowMaxMs);
            const auto end = responseEnd(s, m, st.hOnset, st.mSettleMs, st.mEndFraction, last);
            mToMs = std::clamp(s.timeMs(static_cast<double>(end.value_or(last))), st.mWindowToMs, st.mWindowMaxMs);
        }
    }
    r.mWindowToMs = mToMs;
    for (std::size_t k = 0; k < sweeps.size(); ++k) {
        const auto& s = sweeps[k];
        const auto b = sweepLevel(s);
        const std::size_t art = artifactEndSample(s, b);
        const std::size_t mEnd = sampleAtMs(s, mToMs);
        const std::size_t hFrom = sampleAtMs(s, st.hWindowFromMs > 0.0 ? st.hWindowFromMs : mToMs);
        const std::size_t hTo = st.hWindowToMs > 0.0 ? sampleAtMs(s, st.hWindowToMs) : s.uv.size();
        HReflexSweep h;
        h.sweepIndex = s.index;
        if (k < intensitiesMa.size()) h.intensityMa = intensitiesMa[k];
        h.mPeakToPeakUv = peakToPeak(s, art, mEnd, st.peakFitMs);
        // H against its local baseline: what is left of M's tail and its high-pass drift removed
        h.hPeakToPeakUv = peakToPeak(st.trendHalfWidthMs > 0.0 ? withoutSlowTrend(s, hFrom, b.meanUv, st.trendHalfWidthMs, 0.1) : s,
                                     hFrom, hTo, st.peakFitMs);
        r.sweeps.push_back(h);
        if (h.hPeakToPeakUv > r.hMaxUv) {
            r.hMaxUv = h.hPeakToPeakUv;
            r.hMaxSweep = k;
        }
        if (h.mPeakToPeakUv > r.mMaxUv) {
            r.mMaxUv = h.mPeakToPeakUv;
            r.mMaxSweep = k;
        }
    }
    r.hmRatio = r.mMaxUv > 0.0 ? r.hMaxUv / r.mMaxUv : 0.0;
    // H onset on the Hmax sweep: from the H peak back to the latest quiet stretch (>= 1 ms within
    // the onset threshold), so a long M tail entering the H window is not taken for the H onset.
    // Against H's local baseline, as H's size is: the slow trend after M removed (a drift, or the
    // high-pass's bend of a record glued to another with its own DC, moves the level under H by more
    // than the threshold from the pre-stimulus mean: no stretch was quiet, and the latency read was
    // M's end, 16-18 ms, on 60 of 84 such series of the H-reflex harness).
    const auto b = sweepLevel(sweeps[r.hMaxSweep]);
    const double hFromMs = st.hWindowFromMs > 0.0 ? st.hWindowFromMs : mToMs;
    const std::size_t hFrom = sampleAtMs(sweeps[r.hMaxSweep], hFromMs);
    // Mains hum fitted on the sweep after M (H left out) and removed first: records of separate
    // acquisitions each carry their own hum phase, which no file-wide fit removes, and a hum peak
    // before H was read as its onset (7 ms early, harness seed 100).
    Sweep s = sweeps[r.hMaxSweep];
    if (st.mainsHz != 0.0) detail::subtractLateHum(s, sampleAtMs(s, mToMs), st.mainsHz, true);
    if (st.trendHalfWidthMs > 0.0) s = withoutSlowTrend(s, hFrom, b.meanUv, st.trendHalfWidthMs, 0.1);
    const std::size_t hTo = st.hWindowToMs > 0.0 ? sampleAtMs(s, st.hWindowToMs) : s.uv.size();
    const double thr = onsetThresholdUv(st.hOnset, b);
    std::optional<OnsetFound> on;
    if (hTo > hFrom + 2) {
        std::size_t peak = hFrom;
        for (std::size_t i = hFrom; i < hTo; ++i)
            if (std::fabs(s.uv[i] - b.meanUv) > std::fabs(s.uv[peak] - b.meanUv)) peak = i;
        const auto quietN = static_cast<std::size_t>(std::ceil(1e-3 * s.sampleRateHz));
        std::size_t from = hFrom, run = 0;
        for (std::size_t i = peak; i > hFrom; --i) {
            if (std::fabs(s.uv[i - 1] - b.meanUv) <= thr) {
                if (++run >= quietN) {
                    from = i - 1;
                    break;
                }
            } else run = 0;
        }
        // H's first lobe may be a small one of its own (an initial positive phase) that returns to the
        // baseline for ~1 ms before the main deflection: an isolated bump (quiet for 1 ms before it
        // too, which M's tail never is) ending within 1.5 ms before that quiet stretch starts the
        // search (it had read such H waves 1.6-1.8 ms late in the harness).
        const auto quiet = [&](std::size_t i) { return std::fabs(s.uv[i] - b.meanUv) <= thr; };
        const auto gapN = static_cast<std::size_t>(std::ceil(1.5e-3 * s.sampleRateHz));
        const auto bumpN = static_cast<std::size_t>(std::ceil(3e-3 * s.sampleRateHz));
        std::size_t k = from;
        while (k > hFrom && quiet(k - 1) && from - k < gapN) --k;
        if (from > hFrom && k > hFrom && !quiet(k - 1)) {
            std::size_t q = 0;
            for (std::size_t i = k - 1; i > hFrom && k - 1 - i < bumpN + quietN; --i) {
                if (quiet(i - 1)) {
                    if (++q >= quietN) {
                        from = i - 1;
                        break;
                    }
                } else q = 0;
            }
        }
        on = detectOnset(s, b.meanUv, thr, from, peak + 1, st.hOnset);
        // Latency: the first visible departure (takeoffLevelSd x the baseline SD) from a fit of the
        // take-off, as for F-waves and motor onsets (onset_takeoff.h), searched from up to 3 ms before
        // the detection (a small first lobe below the detection threshold lies in the quiet stretch
        // the detection started from), or from that quiet stretch when something before it (M's
        // tail) would be confirmed first.
        if (on && st.takeoffLevelSd > 0.0) {
            TakeoffSettings ts;
            ts.levelSd = st.takeoffLevelSd;
            ts.confirmSd = std::max(st.takeoffLevelSd, thr / std::max(b.sdUv, 1e-9));
            ts.persistenceMs = st.hOnset.persistenceMs;
            const auto back = static_cast<std::size_t>(std::ceil(3e-3 * s.sampleRateHz));
            const std::size_t hi = std::min(s.uv.size(), on->crossing + 1 + back);
            for (const std::size_t lo : {std::max(hFrom, on->refined > back ? on->refined - back : 0), from}) {
                const auto tk = findTakeoff(s, b.meanUv, b.sdUv, lo, hi, ts);
                if (!tk || tk->confirmed < from) continue;
                if (tk->confirmed <= on->crossing) {
                    on->sample = std::max(tk->sample, static_cast<double>(lo));
                    // what the take-off says of its own reading: a lobe of the other sign just before
                    // the main phase near the onset level (H waves with a small initial positive lobe
                    // at 4-5 x the noise read 0.85-1.7 ms late on their main phase), a baseline not
                    // settled, a separate lobe, or H under 20 x the noise
                    if (tk->dipNearLevel)
                        r.hLatencyNote = "a lobe of the other sign just before H's main phase reaches about the onset level: H may begin at "
                                         "that lobe, before this estimate (check the marker)";
                    else if (tk->separateLobe)
                        r.hLatencyNote = "a lobe of the other sign returns to the baseline before H's main phase: H may begin at that lobe "
                                         "(check the marker)";
                    else if (tk->unsettledBaseline)
                        r.hLatencyNote = "the baseline before H is not settled (M's tail or an artifact): the onset may be off (check the marker)";
                    else if (tk->uncertain)
                        r.hLatencyNote = "H is under 20 x the noise or its take-off is imprecise: the onset is uncertain (check the marker)";
                }
                break;
            }
        }
    }
    if (on) r.hLatencyMs = s.timeMs(on->sample);
    std::ostringstream m;
    m << "M = peak-to-peak in [artifact end, " << mToMs << " ms) (where the largest M has settled, " << st.mWindowToMs << "-"
      << st.mWindowMaxMs << " ms), H = peak-to-peak from " << hFromMs
      << " ms; H/M = Hmax / Mmax over all sweeps; H latency = onset on the sweep with Hmax";
    if (st.takeoffLevelSd > 0.0) m << " (where H first leaves its baseline by " << st.takeoffLevelSd << " SD, from a fit of its take-off)";
    if (noPre)
        m << "; no signal before the stimulus (records that start at it): each sweep less a level, slope and hum fitted on its last 60 % "
             "(responses left out), its baseline level and SD those of its last 40 % with the responses set aside";
    r.method = m.str();
    return r;
}

namespace {
/// Low-rate trains are of 5-10 stimuli (AANEM); a file of glued records holding more may hold several.
constexpr std::size_t kLongestLowRateTrain = 10;

/// The note on a train of glued records longer than one low-rate train: nothing in the file tells
/// two trains apart (annotations would have: rnsTrains), so it is read as one; where a response
/// after the 5th is back to 97 % of the first after a decrement of 10 % or more, the note names it.
template <class Dec>
void noteGluedTrains(RnsResult& r, const Dec& dec) {
    std::ostringstream n;
    n << (r.note.empty() ? "" : "; ") << r.responses.size()
      << " stimuli read as one train: in records glued back to back nothing tells trains recorded apart (before and after "
         "exercise) from one (an annotation naming each train, 'train 2' or 'post exercise', or a counter that starts again "
         "would split them)";
    double deepest = 0.0;
    std::size_t deepestAt = 0;
    for (std::size_t k = 2; k <= r.responses.size(); ++k) {
        const auto d = dec(k, false);
        if (!d) continue;
        if (k >= 6 && deepest >= 10.0 && *d <= 3.0) {
            n.precision(0);
            n << std::fixed << "; response " << k << " is back to " << 100.0 - *d << " % of the first after a " << deepest
              << " % decrement at response " << deepestAt << ": a second train may start there";
            break;
        }
        if (*d > deepest) {
            deepest = *d;
            deepestAt = k;
        }
    }
    r.note += n.str();
}
}  // namespace

RnsResult analyzeRns(std::span<const Sweep> train, const DetectionSettings& settings, double mainsHz) {
    if (train.empty()) throw std::invalid_argument("RNS: no sweeps");
    RnsResult r;
    r.method = "decrement_n = (1 - R_n / R_1) x 100, R = baseline-to-negative-peak amplitude or negative-phase area";
    if (std::any_of(train.begin(), train.end(), [](const Sweep& s) { return lacksPreStimulus(s); }))
        r.method += "; no signal before the stimulus (records that start at it): each sweep less a level, slope and hum fitted on its last "
                    "60 % (the response left out), its baseline level and SD those of its last 40 %";
    std::size_t humless = 0;
    for (const auto& s : train) {
        if (lacksPreStimulus(s)) {   // a record that starts at its stimulus: its own DC, drift and hum phase
            Sweep leveled = s;
            if (detail::subtractTailLevel(leveled, leveled.uv.size() * 2 / 5, mainsHz).mainsHz == 0.0 && mainsHz != 0.0) ++humless;
            r.responses.push_back(detectResponse(leveled, settings, sweepLevel(leveled)));
        } else {
            r.responses.push_back(detectResponse(s, settings));
        }
        r.sweepIndices.push_back(s.index);
    }
    if (humless > 0) {
        std::ostringstream n;
        n << humless << " of " << train.size()
          << " sweeps hold less than a mains period after the response (records that start at the stimulus): their hum was not "
             "fitted and their level is that of their end, so each amplitude may be off by the hum and drift under it (a decrement "
             "by ~2 points on a hand CMAP with 30 uV hum)";
        r.note = n.str();
    }
    const bool glued = std::any_of(train.begin(), train.end(), [](const Sweep& s) { return s.gluedRecord; });
    if (glued) {
        // the records lie back to back in the file, whatever time passed between the acquisitions
        std::ostringstream n;
        n.precision(3);
        n << (r.note.empty() ? "" : "; ") << "the train's rate is not known: records of separate acquisitions glued back to back keep no time "
          << "between them";
        if (train.size() >= 2)
            n << " (in the file the stimuli lie "
              << static_cast<double>(train[1].stimulusSample - train[0].stimulusSample) * 1000.0 / train[0].sampleRateHz
              << " ms apart, one record each)";
        r.note += n.str();
    }
    if (train.size() >= 2 && !glued) {
        // from the stimuli's times where known: in a file of separate records (EDF+D) the sample
        // index skips the holes between them (one 50 ms record per stimulus of a 3 Hz train read 20 Hz)
        const bool timed = train.front().stimulusTimeSec && train.back().stimulusTimeSec;
        const double spanSec = timed ? *train.back().stimulusTimeSec - *train.front().stimulusTimeSec
                                     : static_cast<double>(train.back().stimulusSample - train.front().stimulusSample) / train.front().sampleRateHz;
        const double dt = spanSec / static_cast<double>(train.size() - 1);
        if (dt > 0.0) r.rateHz = 1.0 / dt;
    }
    const auto& first = r.responses.front();
    if (!first.found) return r;
    auto dec = [&](std::size_t n, bool area) -> std::optional<double> {
        if (r.responses.size() < n || !r.responses[n - 1].found) return std::nullopt;
        const double a1 = area ? first.measures.negativeAreaUvMs : first.measures.amplitudeUv;
        const double an = area ? r.responses[n - 1].measures.negativeAreaUvMs : r.responses[n - 1].measures.amplitudeUv;
        if (a1 <= 0.0) return std::nullopt;
        return (1.0 - an / a1) * 100.0;
    };
    r.decrement4AmplitudePercent = dec(4, false);
    r.decrement4AreaPercent = dec(4, true);
    r.decrement5AmplitudePercent = dec(5, false);
    r.decrement5AreaPercent = dec(5, true);
    for (std::size_t n = 2; n <= r.responses.size(); ++n)
        if (auto d = dec(n, false)) r.maxDecrementAmplitudePercent = std::max(r.maxDecrementAmplitudePercent, *d);
    if (glued && train.size() > kLongestLowRateTrain) noteGluedTrains(r, dec);
    return r;
}

std::optional<double> firstResponseChangePercent(const RnsResult& earlier, const RnsResult& later) {
    if (earlier.responses.empty() || later.responses.empty() || !earlier.responses.front().found || !later.responses.front().found)
        return std::nullopt;
    const double a = earlier.responses.front().measures.amplitudeUv, b = later.responses.front().measures.amplitudeUv;
    if (!(a > 0.0)) return std::nullopt;
    return (b / a - 1.0) * 100.0;
}

SupramaxResult findSupramaximal(std::vector<SupramaxPoint> points, double changePercent) {
    SupramaxResult r;
    std::stable_sort(points.begin(), points.end(), [](const auto& a, const auto& b) { return a.intensityMa < b.intensityMa; });
    r.points = points;
    std::ostringstream c;
    c << "plateau: the lowest intensity whose response no higher intensity changes by " << changePercent
      << " % or more (amplitude baseline to negative peak); supramaximal = 1.2 x plateau intensity";
    r.criterion = c.str();
    for (std::size_t k = 0; k + 1 < points.size(); ++k) {
        const double a = points[k].amplitudeUv;
        if (a <= 0.0) continue;
        bool flat = true;
        for (std::size_t j = k + 1; j < points.size() && flat; ++j)
            if (std::fabs(points[j].amplitudeUv - a) / a * 100.0 >= changePercent) flat = false;
        if (flat) {
            r.plateauReached = true;
            r.plateauIntensityMa = points[k].intensityMa;
            r.plateauAmplitudeUv = a;
            r.recommendedMa = 1.2 * points[k].intensityMa;
            break;
        }
    }
    return r;
}

}  // namespace emg::dsp
