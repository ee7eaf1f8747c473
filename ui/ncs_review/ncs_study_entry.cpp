#include "ncs_study_entry.h"

#include <emg/study/evaluation.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

namespace emg::ui {

namespace {

using study::Measurement;
using study::Provenance;
using study::StimSite;

void eraseNamed(std::vector<Measurement>& ms, const std::string& name) {
    std::erase_if(ms, [&](const Measurement& m) { return m.name == name; });
}

std::vector<Measurement> siteMeasurements(const NcsStudyEntry& e, const dsp::ResponseResult& r, bool distal) {
    const bool clinician = r.provenance.markers.origin == dsp::MarkerOrigin::Clinician;
    const Provenance who = clinician ? Provenance::Clinician : Provenance::Auto;
    const std::string placedBy = clinician ? e.placedBy : std::string();
    std::string how = clinician ? "markers placed by the clinician" : "automatic markers (" + r.provenance.onsetMethod + ")";
    if (!r.provenance.filter.empty()) how += ", filter " + r.provenance.filter;
    if (!e.source.empty()) how += ", " + e.source;
    auto m = [&](const char* name, double value, const char* unit, const std::string& what) {
        return Measurement{name, value, unit, who, what + "; " + how, placedBy};
    };
    const auto& v = r.measures;
    std::vector<Measurement> out;
    if (e.kind == study::TestKind::Motor) {
        out.push_back(m(distal ? "distalLatencyMs" : "latencyMs", v.onsetLatencyMs, "ms", "onset latency"));
    } else {
        out.push_back(m("onsetLatencyMs", v.onsetLatencyMs, "ms", "onset latency"));
        out.push_back(m("peakLatencyMs", v.peakLatencyMs, "ms", "negative peak latency"));
    }
    out.push_back(m("amplitudeUv", v.amplitudeUv, "uV", "baseline to negative peak"));
    out.push_back(m("peakToPeakUv", v.peakToPeakUv, "uV", "negative to positive peak"));
    out.push_back(m("durationMs", v.negativeDurationMs, "ms", "negative phase duration"));
    out.push_back(m("areaUvMs", v.negativeAreaUvMs, "uV*ms", "negative phase area"));
    return out;
}

const Measurement* onsetOf(const StimSite& s) {
    for (const char* name : {"distalLatencyMs", "latencyMs", "onsetLatencyMs"})
        if (const auto* m = study::findMeasurement(s.measurements, name)) return m;
    return nullptr;
}

Measurement velocity(double mps, const Measurement& a, const Measurement* b, const char* method) {
    const bool clinician = a.provenance == Provenance::Clinician || (b && b->provenance == Provenance::Clinician);
    return {"conductionVelocityMps", mps, "m/s", clinician ? Provenance::Clinician : Provenance::Auto, method,
            clinician ? (a.placedBy.empty() && b ? b->placedBy : a.placedBy) : std::string()};
}

/// Motor: each proximal site's segment CV from its distance and the two onsets; sensory: the
/// distal site's CV from its distance and onset.
void recomputeVelocities(std::vector<StimSite>& sites, bool motor) {
    for (std::size_t i = 0; i < sites.size(); ++i) {
        auto& s = sites[i];
        eraseNamed(s.measurements, "conductionVelocityMps");
        const auto* onset = onsetOf(s);
        if (!s.distanceMm || !onset) continue;
        try {
            if (motor && i > 0) {
                const auto* distal = onsetOf(sites[i - 1]);
                if (!distal) continue;
                s.measurements.push_back(velocity(dsp::motorConductionVelocityMPerS(*s.distanceMm, distal->value, onset->value), *onset,
                                                  distal, "distance / (proximal onset - distal onset)"));
            } else if (!motor && i == 0) {
                s.measurements.push_back(velocity(dsp::sensoryConductionVelocityMPerS(*s.distanceMm, onset->value), *onset, nullptr,
                                                  "distance / onset latency"));
            }
        } catch (const std::invalid_argument& e) {
            spdlog::warn("NCS save to study: no conduction velocity at {}: {}", s.name, e.what());
        }
    }
}

template <typename Ncs>
void addTo(study::Study& study, const NcsStudyEntry& e, const dsp::ResponseResult& r) {
    Ncs* test = nullptr;
    for (auto& t : study.tests)
        if (auto* n = std::get_if<Ncs>(&t); n && n->nerve == e.nerve && n->recordingSite == e.recordingSite && n->side == e.side) test = n;
    if (!test) {
        Ncs fresh;
        fresh.nerve = e.nerve;
        fresh.recordingSite = e.recordingSite;
        fresh.side = e.side;
        study.tests.push_back(fresh);
        test = &std::get<Ncs>(study.tests.back());
    }
    auto it = std::find_if(test->sites.begin(), test->sites.end(), [&](const StimSite& s) { return s.name == e.siteName; });
    const bool distal = it == test->sites.begin() || test->sites.empty();
    StimSite site{e.siteName, e.distanceMm, siteMeasurements(e, r, distal)};
    if (it != test->sites.end())
        *it = std::move(site);
    else
        test->sites.push_back(std::move(site));
    recomputeVelocities(test->sites, e.kind == study::TestKind::Motor);
}

}  // namespace

void addNcsResponse(study::Study& study, const NcsStudyEntry& entry, const dsp::ResponseResult& response) {
    if (!response.found) throw std::invalid_argument("no response was found in this sweep: nothing to save");
    if (entry.nerve.empty() || entry.recordingSite.empty() || entry.siteName.empty())
        throw std::invalid_argument("name the nerve, the recording site and the stimulation site");
    if (entry.kind == study::TestKind::Motor)
        addTo<study::MotorNcs>(study, entry, response);
    else if (entry.kind == study::TestKind::Sensory)
        addTo<study::SensoryNcs>(study, entry, response);
    else
        throw std::invalid_argument("only motor and sensory responses are saved from the NCS review");
}

}  // namespace emg::ui
