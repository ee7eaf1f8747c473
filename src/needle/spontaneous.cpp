#include <emg/needle/spontaneous.h>
#include <emg/needle/muap_measures.h>
#include <emg/needle/muap_sorter.h>
#include <emg/needle/signal_tools.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace emg::needle {

namespace {

enum class Morph { Fib, Psw, Muap, Complex, Other };

struct Event {
    std::size_t index = 0;
    Morph morph = Morph::Other;
    SpontaneousPotential p;
    std::vector<double> core;
};

struct Group {
    std::vector<std::size_t> events;
    std::vector<double> tmpl;   // tracking template (follows slow waxing and waning)
};

Morph classify(const std::vector<double>& w, std::size_t peak, double fs, double noise, const SpontaneousOptions& o,
               SpontaneousPotential& p) {
    const auto prm = measureMuap(w, peak, fs, noise);
    p.amplitudeUv = prm.amplitudeUv;
    p.durationMs = prm.durationMs;
    p.phases = prm.phases;
    const double dtMs = 1000.0 / fs;
    const auto on = static_cast<std::size_t>(std::max<double>(0.0, static_cast<double>(peak) + prm.onsetMs / dtMs));
    const auto en = std::min(w.size() - 1, static_cast<std::size_t>(static_cast<double>(peak) + prm.endMs / dtMs));
    double mx = 0.0, mn = 0.0;
    for (std::size_t i = on; i <= en; ++i) {
        mx = std::max(mx, w[i]);
        mn = std::min(mn, w[i]);
    }
    // initial deflection: the first excursion reaching a quarter of the largest one
    const double big = std::max(mx, -mn);
    p.initialPositive = false;
    for (std::size_t i = on; i <= en; ++i)
        if (std::abs(w[i]) >= 0.25 * big) { p.initialPositive = w[i] > 0; break; }
    const int turns = countTurns(std::span<const double>(w).subspan(on, en - on + 1), std::max(20.0, 4.0 * noise));
    // positive sharp wave: a dominant sharp positive peak first, then a long low negative phase
    // (often below the amplitude criterion, so judged by the mean 4-12 ms after the peak)
    {
        // local: within +-3 ms of the detected peak (other potentials may share the window)
        double wmx = 0.0, wmn = 0.0;
        const auto l3 = static_cast<std::size_t>(3.0 / dtMs);
        std::size_t iwmx = peak;
        for (std::size_t i = peak > l3 ? peak - l3 : 0; i < std::min(w.size(), peak + l3); ++i) {
            if (w[i] > wmx) { wmx = w[i]; iwmx = i; }
            wmn = std::min(wmn, w[i]);
        }
        const std::size_t a = iwmx + static_cast<std::size_t>(4.0 / dtMs), b = std::min(w.size(), iwmx + static_cast<std::size_t>(12.0 / dtMs));
        double tail = 0.0;
        for (std::size_t i = a; i < b; ++i) tail += w[i];
        tail = b > a ? tail / static_cast<double>(b - a) : 0.0;
        double before = 0.0;
        for (std::size_t i = std::max(on, iwmx > l3 ? iwmx - l3 : 0); i < iwmx; ++i) before = std::min(before, w[i]);
        if (wmx >= 2.0 * -wmn && -before < 0.25 * wmx && tail < -std::max(0.5 * noise, 0.03 * wmx)) {
            p.initialPositive = true;
            return Morph::Psw;
        }
    }
    if (turns >= 6 || p.phases >= 5) return p.durationMs > o.fibMaxDurationMs ? Morph::Complex : Morph::Other;
    if (p.durationMs <= o.fibMaxDurationMs && p.amplitudeUv < o.muapMinAmplitudeUv) return Morph::Fib;
    if (p.amplitudeUv >= o.muapMinAmplitudeUv) return Morph::Muap;
    return Morph::Other;
}

double smoothedRatio(const std::vector<double>& v) {
    if (v.size() < 3) return 1.0;
    std::vector<double> s;
    for (std::size_t i = 1; i + 1 < v.size(); ++i) s.push_back((v[i - 1] + v[i] + v[i + 1]) / 3.0);
    const auto [lo, hi] = std::minmax_element(s.begin(), s.end());
    return *lo > 0 ? *hi / *lo : 1.0;
}

}  // namespace

int proposeGrade(std::size_t trains, double perSec, std::string& reason) {
    constexpr double kMinUngroupedPerSec = 1.0;
    if (trains == 0 && perSec <= 0.0) { reason = "no fibrillation potentials or positive sharp waves"; return 0; }
    if (perSec >= 60.0) { reason = "potentials nearly fill the baseline (>= 60/s at this site)"; return 4; }
    if (trains >= 4 || perSec >= 20.0) { reason = "many potentials (>= 4 trains or >= 20/s at this site)"; return 3; }
    if (trains >= 2) { reason = "moderate number of potentials (2-3 trains at this site)"; return 2; }
    if (trains == 1) { reason = "a single persistent train at this site"; return 1; }
    // no train: 1+ needs a persistent train; potentials that recur without forming one (dense
    // activity splits trains) still make 1+, a rare isolated one does not (noise can pass the
    // threshold once or twice in a few seconds of rest)
    if (perSec >= kMinUngroupedPerSec) { reason = "potentials recur (>= 1/s) without a recognised train"; return 1; }
    reason = "isolated potential(s) without a train (< 1/s): not graded; the clinician listens longer and confirms";
    return 0;
}

namespace {
/// Potentials on the grid of a regular fibrillation/PSW train join it.
void joinOverlappedPotentials(SpontaneousResult& res, std::vector<Event>& events) {
    // a regular train continues through potentials that overlap others: a potential falling on the
    // grid of a larger regular fibrillation/PSW train (within 2 ms + 1 % of the gap) belongs to it
    for (std::size_t t = 0; t < res.trains.size(); ++t) {
        auto& tr = res.trains[t];
        if ((tr.kind != SpontaneousKind::Fibrillation && tr.kind != SpontaneousKind::PositiveSharpWave) || tr.rateHz <= 0) continue;
        // a train whose every potential a train before it took over is empty: nothing to extend
        // (reading its last time then was a read before the vector, found by AddressSanitizer)
        if (tr.timesSec.empty()) continue;
        const double period = 1.0 / tr.rateHz;
        for (auto& e : events) {
            if (e.p.train == static_cast<int>(t)) continue;
            if (e.p.train >= 0 && res.trains[static_cast<std::size_t>(e.p.train)].timesSec.size() > tr.timesSec.size()) continue;
            if (e.morph != Morph::Fib && e.morph != Morph::Psw && e.morph != Morph::Other) continue;
            const double te = e.p.timeSec;
            auto it = std::lower_bound(tr.timesSec.begin(), tr.timesSec.end(), te);
            double tm = it == tr.timesSec.end() ? tr.timesSec.back()
                      : (it != tr.timesSec.begin() && te - *(it - 1) < *it - te) ? *(it - 1) : *it;
            const double k = std::round((te - tm) / period);
            if (k == 0.0) continue;
            if (std::abs(te - (tm + k * period)) > 0.002 + 0.01 * std::abs(k) * period) continue;
            if (e.p.train >= 0) {
                auto& old = res.trains[static_cast<std::size_t>(e.p.train)].timesSec;
                std::erase(old, te);
            }
            e.p.train = static_cast<int>(t);
            e.p.kind = tr.kind;
            tr.timesSec.insert(std::upper_bound(tr.timesSec.begin(), tr.timesSec.end(), te), te);
        }
        tr.startSec = tr.timesSec.front();
        tr.endSec = tr.timesSec.back();
    }
}

/// Trains too short after that, complex discharges split into sub-spike trains, emptied trains
/// renumbered; the potentials listed and the fibrillation/PSW grade proposed.
void finishTrains(SpontaneousResult& res, std::vector<Event>& events, const SpontaneousOptions& o) {
    // trains left with too few potentials after that go back to their potentials' morphology
    for (std::size_t t = 0; t < res.trains.size(); ++t) {
        auto& tr = res.trains[t];
        if (tr.kind == SpontaneousKind::Fasciculation || tr.timesSec.size() >= o.minTrain || tr.timesSec.empty()) continue;
        for (auto& e : events)
            if (e.p.train == static_cast<int>(t)) e.p.train = -1;
        tr.timesSec.clear();
    }

    // sub-spikes of one complex discharge form trains locked to each other: keep one train per discharge
    for (std::size_t a = 0; a < res.trains.size(); ++a) {
        if (res.trains[a].kind != SpontaneousKind::ComplexRepetitive) continue;
        for (std::size_t b = a + 1; b < res.trains.size(); ++b) {
            auto& A = res.trains[a];
            auto& B = res.trains[b];
            if (B.kind != SpontaneousKind::ComplexRepetitive || B.timesSec.empty()) continue;
            if (std::abs(A.rateHz - B.rateHz) > 0.05 * A.rateHz) continue;
            const double lagSec = B.timesSec.front() - A.timesSec.front();
            if (std::abs(lagSec) > 0.5 / A.rateHz) continue;
            for (auto& p : events)
                if (p.p.train == static_cast<int>(b)) { p.p.kind = SpontaneousKind::Unclassified; p.p.train = static_cast<int>(a); }
            B.timesSec.clear();
        }
    }
    // drop emptied trains, renumber
    std::vector<int> remap(res.trains.size(), -1);
    std::vector<SpontaneousTrain> kept;
    for (std::size_t t = 0; t < res.trains.size(); ++t)
        if (!res.trains[t].timesSec.empty()) { remap[t] = static_cast<int>(kept.size()); kept.push_back(std::move(res.trains[t])); }
    res.trains = std::move(kept);
    for (auto& e : events) {
        if (e.p.train >= 0) e.p.train = remap[static_cast<std::size_t>(e.p.train)];
        // a complex's sub-spikes are part of one discharge: only the first-listed train's potentials count
        if (e.p.kind == SpontaneousKind::Unclassified && e.p.train >= 0) continue;
        res.potentials.push_back(e.p);
    }

    std::size_t fibTrains = 0;
    double fibPerSec = 0.0;
    for (const auto& t : res.trains)
        if (t.kind == SpontaneousKind::Fibrillation || t.kind == SpontaneousKind::PositiveSharpWave) ++fibTrains;
    fibPerSec = res.ratePerSec(SpontaneousKind::Fibrillation) + res.ratePerSec(SpontaneousKind::PositiveSharpWave);
    res.grade = proposeGrade(fibTrains, fibPerSec, res.gradeReason);
}

/// Tracking clustering in time order: each potential joins the group whose running template it
/// matches (tolerance grows with the template, so slow amplitude changes are followed).
template <class T>
std::vector<Group> trackGroups(std::span<const T> x, const std::vector<Event>& events, double sigma, std::size_t cb, int maxLag) {
    std::vector<Group> groups;
    for (std::size_t i = 0; i < events.size(); ++i) {
        int best = -1;
        double bestE = 0.0;
        for (std::size_t g = 0; g < groups.size(); ++g) {
            int lag = 0;
            const auto& t = groups[g].tmpl;
            const double e = bestLagError(x, static_cast<std::ptrdiff_t>(events[i].index), t, cb, maxLag, lag);
            const double limit = static_cast<double>(t.size()) * 2.25 * sigma * sigma + 0.2 * 0.2 * energy(t);
            if (e <= limit && (best < 0 || e < bestE)) { best = static_cast<int>(g); bestE = e; }
        }
        if (best < 0) {
            groups.push_back({{i}, events[i].core});
        } else {
            auto& g = groups[static_cast<std::size_t>(best)];
            g.events.push_back(i);
            for (std::size_t k = 0; k < g.tmpl.size(); ++k) g.tmpl[k] = 0.6 * g.tmpl[k] + 0.4 * events[i].core[k];
        }
    }
    return groups;
}

template <class T>
SpontaneousResult analyzeSpontaneousOf(std::span<const T> x, double fs, const SpontaneousOptions& o) {
    if (!(fs > 0.0) || !std::isfinite(fs)) throw std::invalid_argument("analyzeSpontaneous: sample rate must be > 0");
    SpontaneousResult res;
    res.analysedSec = static_cast<double>(x.size()) / fs;
    if (x.size() < static_cast<std::size_t>(0.05 * fs)) return res;
    const double sigma = std::max(robustNoiseUv(x, fs), 1e-6);
    const double thr = std::max(o.thresholdSigma * sigma, o.minThresholdUv);
    res.noiseUv = sigma;
    res.thresholdUv = thr;
    const auto ms = [fs](double v) { return static_cast<std::size_t>(std::lround(v * 1e-3 * fs)); };
    const auto peaks = detectPeaks(x, fs, thr, 3.0, thr / 1.0);
    const std::size_t before = ms(8.0), after = ms(35.0), cb = std::max<std::size_t>(2, ms(2.0)),
                      ca = std::max<std::size_t>(3, ms(6.0));
    std::vector<Event> events;
    std::vector<double> w;
    for (const auto& pk : peaks) {
        Event e;
        e.index = pk.index;
        extractWindow(x, static_cast<std::ptrdiff_t>(pk.index), before, after, w);
        e.p.timeSec = static_cast<double>(pk.index) / fs;
        e.morph = classify(w, before, fs, sigma, o, e.p);
        extractWindow(x, static_cast<std::ptrdiff_t>(pk.index), cb, ca, e.core);
        events.push_back(std::move(e));
    }

    const auto groups = trackGroups(x, events, sigma, cb, std::max(1, static_cast<int>(ms(0.3))));

    for (auto& g : groups) {
        // majority morphology
        int counts[5] = {0, 0, 0, 0, 0};
        for (auto i : g.events) ++counts[static_cast<int>(events[i].morph)];
        const auto morph = static_cast<Morph>(std::max_element(std::begin(counts), std::end(counts)) - std::begin(counts));
        std::vector<double> times, amps, durs;
        for (auto i : g.events) {
            times.push_back(events[i].p.timeSec);
            amps.push_back(events[i].p.amplitudeUv);
            durs.push_back(events[i].p.durationMs);
        }
        SpontaneousKind kind = SpontaneousKind::Unclassified;
        SpontaneousTrain tr;
        bool isTrain = g.events.size() >= o.minTrain;
        if (isTrain) {
            firingStatistics(times, tr.rateHz, tr.intervalCv);
            std::vector<double> inst;
            for (std::size_t k = 1; k < times.size(); ++k) inst.push_back(1.0 / std::max(1e-6, times[k] - times[k - 1]));
            const double rateRatio = smoothedRatio(inst);
            const double ampRatio = smoothedRatio(amps);
            tr.amplitudeRatio = ampRatio;
            if (!inst.empty()) {
                std::vector<double> s = inst;
                tr.rateMinHz = percentile(s, 10.0);
                tr.rateMaxHz = percentile(s, 90.0);
            }
            const bool fibLike = morph == Morph::Fib || morph == Morph::Psw;
            // a myotonic discharge changes rate smoothly; interleaved trains give erratic successive intervals
            std::vector<double> steps;
            for (std::size_t k = 1; k < inst.size(); ++k) steps.push_back(std::abs(inst[k] - inst[k - 1]) / inst[k - 1]);
            const bool smooth = !steps.empty() && median(steps) < 0.15;
            if (fibLike && smooth && tr.rateHz >= o.myotonicMinRateHz && (rateRatio >= o.waxWaneRatio || ampRatio >= o.waxWaneRatio))
                kind = SpontaneousKind::Myotonic;
            else if ((morph == Morph::Complex || morph == Morph::Muap) && tr.intervalCv < o.crdMaxCv && tr.rateHz >= 3.0 && tr.rateHz <= 150.0)
                kind = SpontaneousKind::ComplexRepetitive;
            else if (morph == Morph::Muap || morph == Morph::Complex)
                kind = (tr.rateHz <= o.fascMaxRateHz || tr.intervalCv >= 0.3) ? SpontaneousKind::Fasciculation
                                                                              : SpontaneousKind::Unclassified;  // likely a voluntary unit
            else if (fibLike && tr.intervalCv < o.regularCv && tr.rateHz >= 0.3 && tr.rateHz <= 20.0)
                kind = morph == Morph::Fib ? SpontaneousKind::Fibrillation : SpontaneousKind::PositiveSharpWave;
        } else if (morph == Morph::Muap) {
            kind = SpontaneousKind::Fasciculation;   // a sporadic motor-unit discharge at rest
        }
        // a fasciculation group is not a "train"; list it so rates and times are reported
        int trainIndex = -1;
        if (kind != SpontaneousKind::Unclassified && (isTrain || kind == SpontaneousKind::Fasciculation)) {
            tr.kind = kind;
            tr.timesSec = times;
            tr.amplitudeUv = median(amps);
            tr.durationMs = median(durs);
            tr.startSec = times.front();
            tr.endSec = times.back();
            if (!isTrain) tr.rateHz = static_cast<double>(times.size()) / std::max(res.analysedSec, 1e-6);
            trainIndex = static_cast<int>(res.trains.size());
            res.trains.push_back(std::move(tr));
        }
        for (auto i : g.events) {
            events[i].p.kind = kind;
            events[i].p.train = trainIndex;
            // outside a recognised train a brief potential with initial positivity still counts by its
            // morphology (dense activity splits trains); end-plate spikes start negative and are left out
            if (kind == SpontaneousKind::Unclassified && events[i].p.initialPositive) {
                if (events[i].morph == Morph::Fib) events[i].p.kind = SpontaneousKind::Fibrillation;
                if (events[i].morph == Morph::Psw) events[i].p.kind = SpontaneousKind::PositiveSharpWave;
            }
        }
    }

    joinOverlappedPotentials(res, events);
    finishTrains(res, events, o);
    return res;
}

}  // namespace

SpontaneousResult analyzeSpontaneous(std::span<const double> x, double fs, const SpontaneousOptions& o) {
    return analyzeSpontaneousOf(x, fs, o);
}
SpontaneousResult analyzeSpontaneous(std::span<const float> x, double fs, const SpontaneousOptions& o) {
    return analyzeSpontaneousOf(x, fs, o);
}

}  // namespace emg::needle
