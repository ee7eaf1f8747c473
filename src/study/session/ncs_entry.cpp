#include <emg/study/ncs_entry.h>

#include "measured.h"

#include <emg/dsp/conduction_velocity_se.h>
#include <emg/study/evaluation.h>
#include <emg/study/measurement_uncertainty.h>
#include <emg/study/test_identity.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string_view>

namespace emg::study {

namespace {

void eraseNamed(std::vector<Measurement>& ms, const std::string& name) {
    std::erase_if(ms, [&](const Measurement& m) { return m.name == name; });
}

// An automatic onset's standard error for velocities (dsp::velocityOnsetSeMs: the take-off fit's
// noise SE with the sampling and model terms) travels in its method text, as the uncertain mark
// does: "...; velocity SE 0.01523 ms". Velocities are recomputed from stored sites, possibly in a
// later session, so the value has to be stored with the onset; the text needs no schema change.
constexpr std::string_view kVelocitySeTag = "; velocity SE ";

std::string velocitySeText(double seMs) {
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, seMs, std::chars_format::fixed, 5);
    return std::string(kVelocitySeTag) + std::string(buf, res.ptr) + " ms";
}

/// The onset's velocity SE (ms) when an automatic onset carries one; nullopt otherwise (the
/// clinician's onset, an older store, or an SE the detector did not give).
std::optional<double> velocitySeMsOf(const Measurement& onset) {
    if (onset.provenance != Provenance::Auto) return std::nullopt;
    const auto at = onset.method.rfind(kVelocitySeTag);
    if (at == std::string::npos) return std::nullopt;
    const char* first = onset.method.data() + at + kVelocitySeTag.size();
    double v = 0.0;
    const auto res = std::from_chars(first, onset.method.data() + onset.method.size(), v);
    if (res.ec != std::errc() || !(v > 0.0) || !std::isfinite(v)) return std::nullopt;
    return v;
}

std::vector<Measurement> siteMeasurements(const NcsSiteEntry& e, const dsp::ResponseResult& r, bool distal) {
    const bool clinician = r.provenance.markers.origin == dsp::MarkerOrigin::Clinician;
    const Provenance who = clinician ? Provenance::Clinician : Provenance::Auto;
    const std::string placedBy = clinician ? e.placedBy : std::string();
    std::string how = clinician ? "markers placed by the clinician" : "automatic markers (" + r.provenance.onsetMethod + ")";
    if (!r.provenance.filter.empty()) how += ", filter " + r.provenance.filter;
    if (!e.source.empty()) how += ", " + e.source;
    auto m = [&](const char* name, double value, const std::string& what) { return measured(name, value, who, what + "; " + how, placedBy); };
    const auto& v = r.measures;
    std::vector<Measurement> out;
    // An onset the detector could not read confidently (and the clinician has not moved) is kept,
    // marked uncertain with the detector's reason: the report and the study view show the mark.
    auto onsetLatency = [&](const char* name) {
        auto o = m(name, v.onsetLatencyMs, "onset latency");
        if (r.onsetUncertain)
            o.method = uncertainMethod("onset: " + dsp::onsetUncertaintyReason(r), o.method);
        else if (!clinician && r.onsetSeMs > 0.0 && r.sampleRateHz > 0.0)
            o.method += velocitySeText(dsp::velocityOnsetSeMs(r.onsetSeMs, r.sampleRateHz));
        return o;
    };
    if (e.kind == TestKind::Motor) {
        out.push_back(onsetLatency(distal ? "distalLatencyMs" : "latencyMs"));
    } else {
        out.push_back(onsetLatency("onsetLatencyMs"));
        out.push_back(m("peakLatencyMs", v.peakLatencyMs, "negative peak latency"));
    }
    out.push_back(m("amplitudeUv", v.amplitudeUv, "baseline to negative peak"));
    out.push_back(m("peakToPeakUv", v.peakToPeakUv, "negative to positive peak"));
    out.push_back(m("durationMs", v.negativeDurationMs, "negative phase duration"));
    out.push_back(m("areaUvMs", v.negativeAreaUvMs, "negative phase area"));
    return out;
}

const Measurement* onsetOf(const StimSite& s) {
    for (const char* name : {"distalLatencyMs", "latencyMs", "onsetLatencyMs"})
        if (const auto* m = findMeasurement(s.measurements, name)) return m;
    return nullptr;
}

/// Why a velocity from confident automatic onsets is still uncertain: its ~95 % interval (CV +-
/// 1.96 SE from the onsets' velocity SEs over the latency `spanMs` it divides by) is wider than
/// +-5 % (dsp::VelocitySeSettings, as `emgws-cli analyze` flags it); empty when it is not, or
/// when an onset's SE is not known (a clinician's onset).
std::string velocitySpreadReason(const Measurement& a, const Measurement* b, double spanMs) {
    const auto seA = velocitySeMsOf(a);
    const auto seB = b ? velocitySeMsOf(*b) : std::optional<double>(0.0);
    if (!seA || !seB) return {};
    // the interval's width relative to the CV does not depend on the distance: 1 mm stands for it
    const auto u = dsp::velocityUncertaintyFromSes(1.0, spanMs, *seA, *seB);
    if (!u.known || !u.uncertain) return {};
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, u.halfWidthPct, std::chars_format::fixed, 1);
    return "velocity: its 95 % interval is +-" + std::string(buf, res.ptr) + " % (onsets too imprecise for a " +
           (b ? "segment this short" : "latency this short") + ")";
}

/// The velocity from onset `a` (and distal onset `b`): marked uncertain when an onset it rests on
/// is, or when the onsets' standard errors leave the velocity uncertain by more than +-5 %.
Measurement velocity(double mps, const Measurement& a, const Measurement* b, const char* method) {
    const bool clinician = a.provenance == Provenance::Clinician || (b && b->provenance == Provenance::Clinician);
    auto v = measured("conductionVelocityMps", mps, clinician ? Provenance::Clinician : Provenance::Auto, method,
                      clinician ? (a.placedBy.empty() && b ? b->placedBy : a.placedBy) : std::string());
    if (isUncertain(a) || (b && isUncertain(*b))) {
        v.method = uncertainMethod(b && isUncertain(*b) && !isUncertain(a) ? "from an uncertain distal onset" : "from an uncertain onset", v.method);
    } else {
        const auto spread = velocitySpreadReason(a, b, b ? a.value - b->value : a.value);
        if (!spread.empty()) v.method = uncertainMethod(spread, v.method);
    }
    return v;
}

/// Each proximal site's segment CV from its distance (the segment to the next more distal site)
/// and the two onsets, motor and sensory alike (a sensory nerve stimulated at palm, wrist and
/// elbow, or inched across a joint: the CLI's sensory `segments`); sensory: the distal site's CV
/// from its distance and onset as well.
void recomputeVelocities(std::vector<StimSite>& sites, bool motor) {
    for (std::size_t i = 0; i < sites.size(); ++i) {
        auto& s = sites[i];
        eraseNamed(s.measurements, "conductionVelocityMps");
        const auto* onset = onsetOf(s);
        if (!s.distanceMm || !onset) continue;
        try {
            if (i > 0) {
                const auto* distal = onsetOf(sites[i - 1]);
                if (!distal) continue;
                // (the same arithmetic for a sensory segment: distance over the onsets' difference)
                s.measurements.push_back(velocity(dsp::motorConductionVelocityMPerS(*s.distanceMm, distal->value, onset->value), *onset,
                                                  distal, "distance / (proximal onset - distal onset)"));
            } else if (!motor) {
                s.measurements.push_back(velocity(dsp::sensoryConductionVelocityMPerS(*s.distanceMm, onset->value), *onset, nullptr,
                                                  "distance / onset latency"));
            }
        } catch (const std::invalid_argument& e) {
            spdlog::warn("NCS save to study: no conduction velocity at {}: {}", s.name, e.what());
        }
    }
}

/// A motor nerve's proximal sites: the CMAP's amplitude and negative-phase area drop and duration
/// increase from the next more distal site (dsp::compareSites, AAEM consensus criteria); the area
/// drop, what a conduction block is judged by, only where the distal CMAP is large enough to judge
/// (>= 1 mV), with the criteria's reading in its method. Recomputed from the stored sites, as the
/// velocities are.
void recomputeSegmentDrops(std::vector<StimSite>& sites, bool motor) {
    for (auto& s : sites)
        for (const char* name : {"amplitudeDropPct", "areaDropPct", "durationIncreasePct"}) eraseNamed(s.measurements, name);
    if (!motor) return;
    const auto measuresOf = [](const StimSite& s) -> std::optional<dsp::ResponseMeasures> {
        const auto *a = findMeasurement(s.measurements, "amplitudeUv"), *area = findMeasurement(s.measurements, "areaUvMs"),
                   *d = findMeasurement(s.measurements, "durationMs");
        if (!a || !area || !d || isUncertain(*a)) return std::nullopt;
        dsp::ResponseMeasures m;
        m.amplitudeUv = std::fabs(a->value);
        m.negativeAreaUvMs = std::fabs(area->value);
        m.negativeDurationMs = d->value;
        return m;
    };
    const dsp::BlockCriteria criteria;
    for (std::size_t i = 1; i < sites.size(); ++i) {
        const auto distal = measuresOf(sites[i - 1]), proximal = measuresOf(sites[i]);
        if (!distal || !proximal) continue;
        const auto c = dsp::compareSites(*distal, *proximal, criteria);
        const std::string from = "derived: from " + sites[i - 1].name + " to " + sites[i].name;
        auto& out = sites[i].measurements;
        out.push_back(measured("amplitudeDropPct", c.amplitudeDropPercent, Provenance::Auto, from + " (baseline-to-peak amplitude)", ""));
        out.push_back(measured("durationIncreasePct", c.durationIncreasePercent, Provenance::Auto, from + " (negative-phase duration)", ""));
        if (distal->amplitudeUv >= criteria.minDistalAmplitudeUv)
            out.push_back(measured("areaDropPct", c.areaDropPercent, Provenance::Auto,
                                   from + " (negative-phase area); " +
                                       (c.conductionBlock ? "probable conduction block; " : c.temporalDispersion ? "temporal dispersion; " : "") +
                                       c.criteria,
                                   ""));
    }
}

template <typename Ncs>
NcsSiteSaved addTo(Study& study, const NcsSiteEntry& e, const dsp::ResponseResult& r) {
    Ncs probe;
    probe.nerve = e.nerve;
    probe.recordingSite = e.recordingSite;
    probe.side = e.side;
    NcsSiteSaved saved;
    Test* found = findSameTest(study, Test{probe});   // the study's one upsert rule
    if (!found) {
        study.tests.push_back(probe);
        found = &study.tests.back();
        saved.newTest = true;
    }
    Ncs* test = &std::get<Ncs>(*found);
    const auto name = identityText(e.siteName);
    auto it = std::find_if(test->sites.begin(), test->sites.end(), [&](const StimSite& s) { return identityText(s.name) == name; });
    const bool distal = it == test->sites.begin() || test->sites.empty();
    StimSite site{e.siteName, e.distanceMm, siteMeasurements(e, r, distal)};
    saved.replacedSite = it != test->sites.end();
    if (saved.replacedSite)
        *it = std::move(site);
    else
        test->sites.push_back(std::move(site));
    recomputeVelocities(test->sites, e.kind == TestKind::Motor);
    recomputeSegmentDrops(test->sites, e.kind == TestKind::Motor);
    return saved;
}

}  // namespace

NcsSiteSaved addNcsResponse(Study& study, const NcsSiteEntry& entry, const dsp::ResponseResult& response) {
    if (!response.found) throw std::invalid_argument("no response was found in this sweep: nothing to save");
    if (identityText(entry.nerve).empty() || identityText(entry.recordingSite).empty() || identityText(entry.siteName).empty())
        throw std::invalid_argument("name the nerve, the recording site and the stimulation site");
    if (entry.kind == TestKind::Motor) return addTo<MotorNcs>(study, entry, response);
    if (entry.kind == TestKind::Sensory) return addTo<SensoryNcs>(study, entry, response);
    throw std::invalid_argument("only motor and sensory responses are saved from the NCS review");
}

}  // namespace emg::study
