// One position of a protocol run at the bedside (emg/study/run_site.h).
#include <emg/study/run_site.h>

#include <emg/study/protocol_run.h>

#include <emg/dsp/ncs_analysis.h>
#include <emg/dsp/sweep_baseline.h>

#include <spdlog/spdlog.h>

#include <cmath>
#include <stdexcept>

namespace emg::study {

dsp::Sweep sweepOf(const RunSweep& stored, std::size_t index) {
    dsp::Sweep s;
    s.uv.assign(stored.microvolts.begin(), stored.microvolts.end());
    s.sampleRateHz = stored.sampleRateHz;
    s.preSamples = static_cast<std::size_t>(stored.stimulusIndex);
    s.index = index;
    return s;
}

const char* toString(RunMarker marker) noexcept {
    switch (marker) {
    case RunMarker::Onset: return "onset";
    case RunMarker::NegativePeak: return "negative peak";
    case RunMarker::NegativeEnd: return "negative end";
    case RunMarker::PositivePeak: return "positive peak";
    }
    return "?";
}

double markerMs(const dsp::Markers& m, RunMarker marker) noexcept {
    switch (marker) {
    case RunMarker::Onset: return m.onsetMs;
    case RunMarker::NegativePeak: return m.negativePeakMs;
    case RunMarker::NegativeEnd: return m.negativeEndMs;
    case RunMarker::PositivePeak: return m.positivePeakMs;
    }
    return 0.0;
}

void RunSite::add(const RunSweep& sweep) {
    sweeps_.push_back(sweep);
    if (sweep.rejected) rejected_.insert(sweeps_.size() - 1);
    measure();
}

std::optional<std::size_t> RunSite::lastKept() const {
    for (std::size_t i = sweeps_.size(); i-- > 0;)
        if (!rejected_.count(i)) return i;
    return std::nullopt;
}

void RunSite::setRejected(std::size_t index, bool rejected) {
    if (index >= sweeps_.size()) throw std::out_of_range("no sweep " + std::to_string(index) + " at this site");
    sweeps_[index].rejected = rejected;
    if (rejected) rejected_.insert(index);
    else rejected_.erase(index);
    measure();
}

bool RunSite::rejectLast() {
    const auto i = lastKept();
    if (!i) return false;
    setRejected(*i, true);
    return true;
}

double rampResponseUv(TestKind kind, const RunSweep& stored) {
    try {
        auto s = sweepOf(stored);
        dsp::SweepBaselineSettings baseline;
        baseline.mainsHz = -1.0;
        dsp::removeSweepBaseline(s, baseline);
        const auto r = dsp::detectResponse(s, dsp::ncsSettingsFor(kind == TestKind::Sensory ? TestKind::Sensory : TestKind::Motor).detection);
        return r.found ? std::fabs(r.measures.amplitudeUv) : 0.0;
    } catch (const std::exception& e) {
        spdlog::warn("ramp response not measured: {}", e.what());
        return 0.0;
    }
}

bool rejectLastSweep(ProtocolRun& run, RunSite& site) {
    const auto i = site.lastKept();
    if (!i) return false;
    run.setRejected(site.sweeps()[*i], true);   // in the store first: a refusal changes nothing
    site.setRejected(*i, true);
    return true;
}

std::vector<dsp::Sweep> RunSite::keptSweeps() const {
    std::vector<dsp::Sweep> out;
    for (std::size_t i = 0; i < sweeps_.size(); ++i)
        if (isKept(i)) out.push_back(sweepOf(sweeps_[i], i));
    return out;
}

void RunSite::measure() {
    measured_.reset();
    result_.reset();
    late_.reset();
    const auto kept = keptSweeps();
    if (kept.empty()) return;
    try {
        if (kind_ == TestKind::FWave || kind_ == TestKind::HReflex) {
            std::vector<StimulusEvent> events;
            for (std::size_t i = 0; i < sweeps_.size(); ++i) {
                if (!isKept(i)) continue;
                StimulusEvent e;
                e.intensityMa = e.deliveredMa = sweeps_[i].stimulusMa;
                e.pulseWidthMs = sweeps_[i].pulseWidthMs;
                events.push_back(e);
            }
            late_ = analyzeLateSeries(kind_ == TestKind::FWave ? LateMode::FWave : LateMode::HReflex, kept, events);
            measured_ = kept.back();
            return;
        }
        // each sweep's own baseline (DC, drift, mains hum) fitted outside the response and removed,
        // as the recording chain measures motor and sensory sites: nothing filtered
        auto clean = kept;
        dsp::SweepBaselineSettings baseline;
        baseline.mainsHz = -1.0;
        for (auto& s : clean) dsp::removeSweepBaseline(s, baseline);
        measured_ = kind_ == TestKind::Sensory && clean.size() > 1 ? dsp::averageSweeps(clean).average : clean.back();
        if (kind_ == TestKind::Motor || kind_ == TestKind::Sensory) {
            auto r = dsp::detectResponse(*measured_, dsp::ncsSettingsFor(kind_).detection);
            if (r.found) result_ = std::move(r);
        }
    } catch (const std::exception& e) {   // e.g. every sweep rejected by the averager
        spdlog::warn("run site not measured: {}", e.what());
    }
}

void RunSite::selectNextMarker() noexcept { selected_ = static_cast<RunMarker>((static_cast<int>(selected_) + 1) % kRunMarkerCount); }

bool RunSite::nudgeSelected(int samples) {
    if (!result_ || !measured_) return false;
    auto m = result_->provenance.markers;
    const double stepMs = samples * 1000.0 / measured_->sampleRateHz;
    switch (selected_) {
    case RunMarker::Onset: m.onsetMs += stepMs; break;
    case RunMarker::NegativePeak: m.negativePeakMs += stepMs; break;
    case RunMarker::NegativeEnd: m.negativeEndMs += stepMs; break;
    case RunMarker::PositivePeak: m.positivePeakMs += stepMs; break;
    }
    try {
        result_ = dsp::remeasure(*measured_, *result_, m);
    } catch (const std::invalid_argument&) {   // out of the sweep or out of order: not moved
        return false;
    }
    return true;
}

}  // namespace emg::study
