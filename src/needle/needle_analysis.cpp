#include <emg/needle/needle_analysis.h>

#include <emg/needle/needle_hum.h>
#include <emg/needle/interference_spikes.h>
#include <emg/needle/muap_measures.h>
#include <emg/needle/muscle_reading.h>
#include <emg/needle/muscle_summary.h>
#include <emg/needle/recruitment.h>
#include <emg/needle/reference_values.h>
#include <emg/needle/signal_tools.h>

#include <emg/dsp/filter_presets.h>
#include <emg/dsp/zero_phase.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace emg::needle {

const char* toString(ContractionLevel l) noexcept {
    switch (l) {
        case ContractionLevel::Rest: return "rest";
        case ContractionLevel::Weak: return "weak";
        case ContractionLevel::Strong: return "strong";
    }
    return "rest";
}

std::optional<ContractionLevel> parseContractionLevel(const std::string& text) {
    std::string t;
    for (char c : text) t.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    const auto has = [&](const char* w) { return t.find(w) != std::string::npos; };
    if (has("stim")) return std::nullopt;
    if (has("strong") || has("maximal") || has("max effort") || has("full") || has("interference") || t == "max")
        return ContractionLevel::Strong;
    if (has("weak") || has("minimal") || has("mild") || has("slight") || has("moderate") || has("muap") || has("min effort"))
        return ContractionLevel::Weak;
    if (has("rest") || has("relax") || has("spontaneous")) return ContractionLevel::Rest;
    return std::nullopt;
}

ContractionLevel analysisLevel(DeclaredEffort e) noexcept {
    switch (e) {
        case DeclaredEffort::Rest: return ContractionLevel::Rest;
        case DeclaredEffort::Slight:
        case DeclaredEffort::Moderate: return ContractionLevel::Weak;
        case DeclaredEffort::Maximal: return ContractionLevel::Strong;
    }
    return ContractionLevel::Rest;
}

namespace {
/// The needle band filter for this rate (filterForNeedle), described in `applied`.
dsp::BiquadCascade needleFilter(double fs, double mainsHz, FilterApplied& applied) {
    if (!(fs > 0.0) || !std::isfinite(fs)) throw std::invalid_argument("needle analysis: sample rate must be > 0");
    auto preset = dsp::filterPreset(dsp::FilterPresetId::NeedleQuantitative);
    // a high-pass corner must stay well below Nyquist too (very low rates)
    if (preset.highPassHz >= 0.1 * fs) {
        applied.adjustments.push_back("high-pass " + std::to_string(preset.highPassHz) + " Hz dropped (fs " + std::to_string(fs) + " Hz)");
        preset.highPassHz = 0.0;
    }
    auto chain = dsp::buildFilter(preset, fs, mainsHz);
    applied.highPassHz = chain.highPassHz;
    applied.lowPassHz = chain.lowPassHz;
    applied.notchHz = chain.notchHz;
    applied.description = chain.description() + " (zero-phase, forward-backward)";
    for (const auto& a : chain.adjustments) applied.adjustments.push_back(a);
    return chain.cascade;
}
}  // namespace

std::vector<double> filterForNeedle(std::span<const double> x, double fs, double mainsHz, FilterApplied& applied) {
    const auto cascade = needleFilter(fs, mainsHz, applied);
    if (x.size() < 2) return {x.begin(), x.end()};
    return dsp::filtfilt(cascade, x);
}

void filterForNeedleInPlace(std::span<float> x, double fs, double mainsHz, FilterApplied& applied) {
    const auto cascade = needleFilter(fs, mainsHz, applied);
    if (x.size() >= 2) dsp::filtfiltInPlace(cascade, x);
}

namespace {
template <class T>
std::vector<NeedleSegment> segmentByActivityOf(std::span<const T> x, double fs, const NeedleAnalysisOptions& o) {
    std::vector<NeedleSegment> segs;
    const auto epoch = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(o.segmentEpochMs * 1e-3 * fs)));
    const auto bin = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(1e-3 * fs)));
    if (x.empty()) return segs;
    // The baseline noise: the quiet stretches of the whole record, but a record that is never quiet
    // (continuous effort) tells nothing of its noise; its level then is capped at what a quiet
    // needle baseline can be, so thresholds stay at the size of potentials, not of the interference.
    const double noise = std::min(robustNoiseUv(x, fs), o.quietBaselineMaxUv);
    const double level = std::max(6.0 * noise, 100.0);
    const auto classify = [&](std::size_t s, std::size_t e) {
        std::size_t bins = 0, hit = 0;
        for (std::size_t b = s; b < e; b += bin, ++bins) {
            double m = 0.0;
            for (std::size_t k = b; k < std::min(e, b + bin); ++k) m = std::max(m, std::abs(static_cast<double>(x[k])));
            hit += m >= level;
        }
        const double occ = bins ? static_cast<double>(hit) / static_cast<double>(bins) : 0.0;
        if (occ >= o.strongMinOccupancy) return ContractionLevel::Strong;
        const auto seg = x.subspan(s, e - s);
        // at rest the baseline between potentials is quiet (even 3+ fibrillations leave most of it
        // so); an epoch whose quietest stretches carry more than a needle's noise is effort
        if (robustNoiseUv(seg, fs) > o.quietBaselineMaxUv) return ContractionLevel::Weak;
        // rest or weak: voluntary activity shows recurring MUAP-like potentials (>= 200 µV peak to
        // peak and >= 5 ms), or a dense train of potentials; spontaneous activity is brief or sparse
        const auto peaks = detectPeaks(seg, fs, std::max(5.0 * noise, 50.0), 3.0);
        std::size_t muapLike = 0;
        std::vector<double> w;
        const auto before = static_cast<std::size_t>(0.008 * fs), after = static_cast<std::size_t>(0.020 * fs);
        for (const auto& p : peaks) {
            extractWindow(seg, static_cast<std::ptrdiff_t>(p.index), before, after, w);
            const auto prm = measureMuap(w, before, fs, noise);
            if (prm.amplitudeUv >= 200.0 && prm.durationMs >= 5.0) ++muapLike;
        }
        const double epochSec = static_cast<double>(e - s) / fs;
        const bool weak = static_cast<double>(muapLike) >= 6.0 * epochSec ||
                          (static_cast<double>(peaks.size()) >= 50.0 * epochSec && occ >= o.restMaxOccupancy);
        return weak ? ContractionLevel::Weak : ContractionLevel::Rest;
    };
    std::vector<ContractionLevel> lv;
    std::vector<std::size_t> ends;
    for (std::size_t s = 0; s < x.size();) {
        std::size_t e = std::min(x.size(), s + epoch);
        if (x.size() - e < epoch / 4) e = x.size();   // a short tail joins the last epoch
        lv.push_back(classify(s, e));
        ends.push_back(e);
        s = e;
    }
    for (std::size_t i = 1; i + 1 < lv.size(); ++i)
        if (lv[i - 1] == lv[i + 1] && lv[i] != lv[i - 1]) lv[i] = lv[i - 1];
    for (std::size_t i = 0; i < lv.size(); ++i) {
        const double a = static_cast<double>(i == 0 ? 0 : ends[i - 1]) / fs;
        const double b = static_cast<double>(ends[i]) / fs;
        if (!segs.empty() && segs.back().level == lv[i]) segs.back().endSec = b;
        else segs.push_back({lv[i], a, b, "activity"});
    }
    return segs;
}
}  // namespace

std::vector<NeedleSegment> segmentByActivity(std::span<const double> x, double fs, const NeedleAnalysisOptions& o) {
    return segmentByActivityOf(x, fs, o);
}
std::vector<NeedleSegment> segmentByActivity(std::span<const float> x, double fs, const NeedleAnalysisOptions& o) {
    return segmentByActivityOf(x, fs, o);
}

std::vector<NeedleSegment> segmentsFromAnnotations(const std::vector<Annotation>& ann, double durationSec) {
    std::vector<NeedleSegment> segs;
    std::vector<const Annotation*> lv;
    for (const auto& a : ann)
        if (parseContractionLevel(a.text)) lv.push_back(&a);
    std::sort(lv.begin(), lv.end(), [](auto* a, auto* b) { return a->onsetSec < b->onsetSec; });
    for (std::size_t i = 0; i < lv.size(); ++i) {
        NeedleSegment s;
        s.level = *parseContractionLevel(lv[i]->text);
        s.startSec = std::clamp(lv[i]->onsetSec, 0.0, durationSec);
        s.endSec = lv[i]->durationSec > 0 ? lv[i]->onsetSec + lv[i]->durationSec
                   : (i + 1 < lv.size() ? lv[i + 1]->onsetSec : durationSec);
        s.endSec = std::clamp(s.endSec, s.startSec, durationSec);
        s.source = "annotation";
        if (s.endSec > s.startSec) segs.push_back(s);
    }
    return segs;
}

namespace {

/// The sample ranges [a, b) of the segments of one level (or of either of two).
std::vector<std::pair<std::size_t, std::size_t>> levelRanges(std::size_t n, double fs, const std::vector<NeedleSegment>& segs,
                                                             ContractionLevel level, std::optional<ContractionLevel> orLevel) {
    std::vector<std::pair<std::size_t, std::size_t>> ranges;
    for (const auto& s : segs) {
        if (s.level != level && s.level != orLevel) continue;
        const auto a = static_cast<std::size_t>(std::clamp(s.startSec * fs, 0.0, static_cast<double>(n)));
        const auto b = static_cast<std::size_t>(std::clamp(s.endSec * fs, 0.0, static_cast<double>(n)));
        if (b > a) ranges.emplace_back(a, b);
    }
    return ranges;
}

/// Seconds of signal the segments of one level cover (what collect() would gather).
double levelSeconds(std::size_t n, double fs, const std::vector<NeedleSegment>& segs, ContractionLevel level) {
    std::size_t count = 0;
    for (const auto& [a, b] : levelRanges(n, fs, segs, level, std::nullopt)) count += b - a;
    return static_cast<double>(count) / fs;
}

/// The samples of the segments of one level (or of either of two), in time order as the
/// analyses see them: a view into the signal when the ranges follow each other without a hole
/// (no copy), else their concatenation. `starts` maps the pieces back to time.
template <class T>
struct LevelSignal {
    std::vector<T> copy;
    std::span<T> samples;
    std::vector<std::pair<std::size_t, double>> starts;   // (index in samples, original start sec)
    double toOriginalSec(double concatSec, double fs) const {
        const auto idx = static_cast<std::size_t>(std::max(0.0, concatSec * fs));
        double t0 = 0.0;
        std::size_t i0 = 0;
        for (const auto& [i, t] : starts)
            if (i <= idx) { i0 = i; t0 = t; }
        return t0 + concatSec - static_cast<double>(i0) / fs;
    }
};

template <class T>
LevelSignal<T> gather(std::span<T> x, double fs, const std::vector<NeedleSegment>& segs, ContractionLevel level,
                      std::optional<ContractionLevel> orLevel = std::nullopt) {
    LevelSignal<T> p;
    const auto ranges = levelRanges(x.size(), fs, segs, level, orLevel);
    std::size_t total = 0;
    bool adjacent = true;
    for (std::size_t k = 0; k < ranges.size(); ++k) {
        p.starts.emplace_back(total, static_cast<double>(ranges[k].first) / fs);
        total += ranges[k].second - ranges[k].first;
        if (k > 0 && ranges[k].first != ranges[k - 1].second) adjacent = false;
    }
    if (ranges.empty()) return p;
    if (adjacent) {
        p.samples = x.subspan(ranges.front().first, total);
        return p;
    }
    p.copy.reserve(total);
    for (const auto& [a, b] : ranges)
        p.copy.insert(p.copy.end(), x.begin() + static_cast<std::ptrdiff_t>(a), x.begin() + static_cast<std::ptrdiff_t>(b));
    p.samples = std::span<T>(p.copy);
    return p;
}

/// The muscle's typical mean MUP amplitude: the geometric middle of its reference limits.
double typicalMupAmplitude(const NeedleAnalysisOptions& o) {
    const auto ref = muapReference(o.muscle, o.ageYears);
    return std::sqrt(ref.amplitudeLowUv * ref.amplitudeHighUv);
}

/// With an unknown gain the multi-MUP criteria are relative to each MUP's own size.
MultiMupOptions multiMupOptionsFor(const NeedleAnalysisOptions& o) {
    auto mo = o.multiMup;
    if (!o.reading.amplitudeKnown) {
        mo.relativeLevels = true;
        mo.relativeReferenceUv = typicalMupAmplitude(o);
    }
    return mo;
}

/// Gain unknown: each sorted unit's markers, phases and turns again, by the convention scaled to
/// the unit's own amplitude (scaledCriteria), so that its duration rests on its shape, not on
/// levels in µV that a file of counts does not have. The template noise is the larger of the
/// sorter's noise / sqrt(firings) and the rms of the template's own flanks (templateFlankRms), as
/// the multi-MUP path raises its level to the average's residual background.
void remeasureRelative(SortResult& sort, double fs, double typicalUv) {
    for (auto& u : sort.units) {
        if (u.templateUv.empty() || !(u.params.amplitudeUv > 0.0) || u.firingTimesSec.empty()) continue;
        const double tNoise = sort.noiseUv / std::sqrt(static_cast<double>(u.firingTimesSec.size()));
        // the level never below 4 x what the average still holds of other units (its own flanks):
        // the white-noise estimate above underrates that background where units overlap
        const double background = std::max(tNoise, templateFlankRms(u.templateUv, fs));
        const double scale = u.params.amplitudeUv / typicalUv;
        const auto crit = scaledCriteria(MuapCriteria{}, scale);
        const auto peak = static_cast<std::size_t>(u.templatePeakIndex);
        u.params = measureMuap(u.templateUv, peak, fs, background, crit);
        // a level above the main spike itself leaves no potential between the markers (one sample,
        // no amplitude): nothing was measured, so the unit's shape does not count
        if (!(u.params.amplitudeUv > 0.0)) u.shapeMeasured = false;
    }
}

/// Gain unknown: weak and strong effort are told apart by levels in µV (100 µV, 6 x a noise capped
/// at 40 µV), which counts of unknown size do not have; every inferred effort segment is then
/// analysed as weak (the sorter decides what it can separate, and its units count only when the
/// baseline is quiet relative to their own amplitude).
void effortAsWeak(NeedleAnalysis& r) {
    bool changed = false;
    for (auto& s : r.segments)
        if (s.level == ContractionLevel::Strong) { s.level = ContractionLevel::Weak; changed = true; }
    if (!changed) return;
    std::vector<NeedleSegment> merged;
    for (const auto& s : r.segments) {
        if (!merged.empty() && merged.back().level == s.level && merged.back().endSec == s.startSec) merged.back().endSec = s.endSec;
        else merged.push_back(s);
    }
    r.segments = std::move(merged);
    r.notes.push_back("gain unknown: weak and strong effort cannot be told apart without uV levels, all effort analysed as weak");
}

/// Effort segments the examiner gave (declared, forced or annotated; not inferred from activity):
/// the potentials of that activity, down to the floor, and the median of the 20 largest.
template <class T>
void measureDeclaredEffort(std::span<const T> effort, double fs, NeedleAnalysis& r) {
    auto& d = r.declaredEffort;
    for (const auto& s : r.segments)
        if (s.level != ContractionLevel::Rest && s.source != "activity") d.declared = true;
    if (!d.declared) return;
    d.effortSec = r.weakSec + r.strongSec;
    LargestSpikesOptions so;
    so.minPeakUv = d.floorUv;
    const auto sp = largestSpikes(effort, fs, so);
    d.largestUv = sp.medianUv;
    d.potentials = sp.spikes;
}

using Stretches = std::vector<std::pair<std::size_t, std::size_t>>;

/// The segments less the stretches without recording (noSignalStretches: a file's zero padding, a
/// disconnected input): nothing there is muscle, rest or effort. Returns the seconds taken out.
double withoutNoSignal(std::vector<NeedleSegment>& segments, const Stretches& noSignal, double fs) {
    if (noSignal.empty()) return 0.0;
    std::vector<NeedleSegment> out;
    double removed = 0.0;
    // a piece left beside a stretch shorter than the stretches' 10 ms windows is the stretch's edge
    constexpr double kMinPieceSec = 0.010;
    for (const auto& s : segments) {
        double from = s.startSec;
        bool cut = false;
        const auto keep = [&](double a, double b) {
            if (cut && b - a < kMinPieceSec) removed += b - a;
            else out.push_back({s.level, a, b, s.source});
        };
        for (const auto& [b, e] : noSignal) {
            const double nb = static_cast<double>(b) / fs, ne = static_cast<double>(e) / fs;
            if (ne <= from || nb >= s.endSec) continue;
            cut = true;
            if (nb > from) keep(from, nb);
            removed += std::min(ne, s.endSec) - std::max(nb, from);
            from = std::max(from, ne);
        }
        if (s.endSec > from) keep(from, s.endSec);
    }
    segments = std::move(out);
    return removed;
}

/// The noise of the recorded part of `x` (robustNoiseUv: the quietest tenth of its 10 ms windows),
/// the stretches without recording left out: a file's zero padding is not the needle's noise.
template <class T>
double recordedNoiseUv(std::span<const T> x, double fs, const Stretches& noSignal) {
    if (noSignal.empty()) return robustNoiseUv(x, fs);
    Stretches recorded;
    std::size_t at = 0;
    for (const auto& [b, e] : noSignal) {
        if (b > at) recorded.emplace_back(at, b);
        at = std::max(at, e);
    }
    if (at < x.size()) recorded.emplace_back(at, x.size());
    return robustNoiseUv(x, fs, std::span<const std::pair<std::size_t, std::size_t>>(recorded));
}

/// The analysis of the band-filtered signal `x` (which it overwrites: the motor-unit sorter,
/// run last, peels potentials off the weak segments in place). `noSignal`: the stretches of the
/// raw input without recording, left out of the noise and of every segment.
template <class T>
void analyzeFiltered(std::span<T> x, double fs, const std::vector<Annotation>& ann, const NeedleAnalysisOptions& o,
                     NeedleAnalysis& r, const Stretches& noSignal) {
    r.noiseUv = recordedNoiseUv(std::span<const T>(x), fs, noSignal);

    if (o.declaredEffort) {
        r.segments.push_back({analysisLevel(*o.declaredEffort), 0.0, r.durationSec, "declared"});
        r.notes.push_back(std::string("effort declared ") + toString(*o.declaredEffort) + " for the whole record");
    } else if (o.forceLevel) {
        r.segments.push_back({*o.forceLevel, 0.0, r.durationSec, "forced"});
    } else {
        r.segments = segmentsFromAnnotations(ann, r.durationSec);
        if (r.segments.empty()) {
            r.segments = segmentByActivity(std::span<const T>(x), fs, o);
            r.notes.push_back("rest / weak / strong segments inferred from activity (no level annotations): confirm");
            if (!o.reading.amplitudeKnown) effortAsWeak(r);
        }
    }
    if (const double gone = withoutNoSignal(r.segments, noSignal, fs); gone > 0.0) {
        std::ostringstream n;
        n.setf(std::ios::fixed);
        n.precision(2);
        n << gone;
        r.notes.push_back(n.str() + " s without recording (the input does not move: a file's zero padding or a disconnected "
                                    "input) left out of every segment");
    }

    // Each level's samples are a view into x or, when its segments are apart, gathered when
    // analysed and freed after (a long recording holds the filtered signal and at most one
    // level's pieces at a time). The sorter overwrites what it analyses, so it runs last.
    r.restSec = levelSeconds(x.size(), fs, r.segments, ContractionLevel::Rest);
    r.weakSec = levelSeconds(x.size(), fs, r.segments, ContractionLevel::Weak);
    r.strongSec = levelSeconds(x.size(), fs, r.segments, ContractionLevel::Strong);

    bool restMissing = false, weakMissing = false, effortMissing = false;
    if (const auto rest = gather(x, fs, r.segments, ContractionLevel::Rest); rest.samples.size() > static_cast<std::size_t>(0.1 * fs)) {
        r.spontaneous = analyzeSpontaneous(std::span<const T>(rest.samples), fs, o.spontaneous);
        for (auto& p : r.spontaneous.potentials) p.timeSec = rest.toOriginalSec(p.timeSec, fs);
        for (auto& t : r.spontaneous.trains) {
            for (auto& s : t.timesSec) s = rest.toOriginalSec(s, fs);
            t.startSec = t.timesSec.empty() ? 0.0 : t.timesSec.front();
            t.endSec = t.timesSec.empty() ? 0.0 : t.timesSec.back();
        }
    } else {
        restMissing = true;
    }
    // the turns/amplitude cloud holds at any effort from slight to maximal (epochs with too few
    // turns are left out by analyzeInterference), so every effort segment is analysed
    if (const auto effort = gather(x, fs, r.segments, ContractionLevel::Weak, ContractionLevel::Strong);
        effort.samples.size() >= static_cast<std::size_t>(o.interference.epochMs * 1e-3 * fs)) {
        r.interference = analyzeInterference(std::span<const T>(effort.samples), fs, interferenceCloud(o.muscle), o.interference);
        for (auto& e : r.interference.epochs) e.startSec = effort.toOriginalSec(e.startSec, fs);
        measureDeclaredEffort(std::span<const T>(effort.samples), fs, r);
    } else {
        r.interference.cloud = interferenceCloud(o.muscle);
        effortMissing = true;
    }
    if (o.multiMupEnabled) {
        std::vector<std::pair<double, double>> effortSec;
        for (const auto& s : r.segments)
            if (s.level != ContractionLevel::Rest) effortSec.emplace_back(s.startSec, s.endSec);
        r.multiMup = extractMultiMups(std::span<const T>(x), fs, effortSec, multiMupOptionsFor(o));
    }
    if (auto weak = gather(x, fs, r.segments, ContractionLevel::Weak); weak.samples.size() > static_cast<std::size_t>(0.2 * fs)) {
        r.motorUnits = sortMotorUnitsInPlace(weak.samples, fs, o.sort);
        for (auto& u : r.motorUnits.units) {
            for (auto& t : u.firingTimesSec) t = weak.toOriginalSec(t, fs);
            u.firstFiringSec = u.firingTimesSec.empty() ? 0.0 : u.firingTimesSec.front();
        }
        if (!o.reading.amplitudeKnown) remeasureRelative(r.motorUnits, fs, typicalMupAmplitude(o));
        RecruitmentCriteria rc;
        rc.recruitmentObserved = !(o.declaredEffort && (*o.declaredEffort == DeclaredEffort::Moderate || *o.declaredEffort == DeclaredEffort::Maximal));
        r.recruitment = analyzeRecruitment(r.motorUnits.units, rc);
    } else {
        weakMissing = true;
    }
    if (restMissing) r.notes.push_back("no rest segment: spontaneous activity not assessed");
    if (weakMissing) r.notes.push_back("no weak-contraction segment: motor units not analysed");
    SummaryCriteria sc;
    sc.amplitudeKnown = o.reading.amplitudeKnown;
    r.summary = summarizeMuscle(r.motorUnits.units, muapReference(o.muscle, o.ageYears), sc);
    if (effortMissing)
        r.notes.push_back("no effort segment of " + std::to_string(static_cast<int>(o.interference.epochMs)) +
                          " ms: interference pattern not analysed");
    r.reading = readMuscle(r.summary, r.motorUnits, r.recruitment, r.interference, r.spontaneous, r.multiMup, r.restSec,
                           r.weakSec + r.strongSec, o.reading, r.declaredEffort);
    r.electrode = o.reading.electrode;
    if (o.reading.electrode == NeedleElectrode::Monopolar)
        r.notes.push_back("monopolar needle: the reference values (MUAP means, the turns/amplitude cloud, the spectral and "
                          "largest-potential limits) are for concentric needles, whose potentials are smaller and shorter; "
                          "that evidence is shown, not counted, and the effort levels inferred from activity may read too high");
    spdlog::debug("needle analysis: {:.1f} s, rest {:.1f} s, weak {:.1f} s, strong {:.1f} s, {} units", r.durationSec, r.restSec,
                  r.weakSec, r.strongSec, r.motorUnits.units.size());
}

/// Checks and the notes common to both entry points.
template <class T>
NeedleAnalysis startAnalysis(std::span<const T> raw, double fs) {
    if (!(fs > 0.0) || !std::isfinite(fs)) throw std::invalid_argument("needle analysis: sample rate must be > 0");
    if (raw.size() < static_cast<std::size_t>(0.1 * fs))
        throw std::invalid_argument("needle analysis: signal shorter than 100 ms");
    for (T v : raw)
        if (!std::isfinite(v)) throw std::invalid_argument("needle analysis: signal has non-finite samples");
    NeedleAnalysis r;
    r.sampleRateHz = fs;
    r.durationSec = static_cast<double>(raw.size()) / fs;
    if (fs < 8000.0)
        r.notes.push_back("sample rate " + std::to_string(static_cast<int>(fs)) +
                          " Hz: low-pass below the 10 kHz of the quantitative preset, MUAP amplitudes and turns are underestimated");
    return r;
}

}  // namespace

NeedleAnalysis analyzeNeedleSignal(std::span<const double> raw, double fs, const std::vector<Annotation>& ann,
                                   const NeedleAnalysisOptions& o) {
    auto r = startAnalysis(raw, fs);
    const auto noSignal = noSignalStretches(raw, fs);
    auto x = filterForNeedle(raw, fs, o.mainsHz, r.filter);
    removeNeedleHum(std::span<double>(x), fs, o, r.filter, noSignal);
    analyzeFiltered(std::span<double>(x), fs, ann, o, r, noSignal);
    return r;
}

NeedleAnalysis analyzeNeedleSignalInPlace(std::span<float> microvolts, double fs, const std::vector<Annotation>& ann,
                                          const NeedleAnalysisOptions& o) {
    auto r = startAnalysis(std::span<const float>(microvolts), fs);
    const auto noSignal = noSignalStretches(std::span<const float>(microvolts), fs);
    filterForNeedleInPlace(microvolts, fs, o.mainsHz, r.filter);
    removeNeedleHum(microvolts, fs, o, r.filter, noSignal);
    analyzeFiltered(microvolts, fs, ann, o, r, noSignal);
    return r;
}

}  // namespace emg::needle
