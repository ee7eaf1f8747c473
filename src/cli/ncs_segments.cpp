#include "ncs_segments.h"

#include <emg/dsp/conduction_velocity_se.h>
#include <emg/study/measurement_names.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace emg::cli {
namespace {
using nlohmann::json;
using namespace emg::dsp;

double round3(double v) { return std::round(v * 1000.0) / 1000.0; }

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string cvKey() { return std::string(emg::study::cliKeyOf("conductionVelocityMps")); }

/// A segment's length and where it came from ("--distance" or the annotations).
struct SourcedDistance {
    double mm = 0.0;
    std::string source;
};

std::optional<SourcedDistance> segmentDistance(const std::map<std::string, double>& distancesMm, const SegmentSite& d, const SegmentSite& p) {
    if (const auto given = pairDistanceMm(distancesMm, d.site, p.site)) return SourcedDistance{*given, "--distance"};
    const auto& a = d.statedDistanceMm;
    const auto& b = p.statedDistanceMm;
    if (!a || !b || !(std::fabs(*b - *a) > 0.0)) return std::nullopt;
    if (d.distanceSource == "annotation" && p.distanceSource == "annotation")
        return SourcedDistance{std::fabs(*b - *a), "annotation (the two sites' stated distances to the recording electrode)"};
    return SourcedDistance{std::fabs(*b - *a), "the two sites' distances to the recording electrode (" + d.site + ": " + d.distanceSource + ", " +
                                                   p.site + ": " + p.distanceSource + ")"};
}

json segmentJson(const std::map<std::string, double>& distancesMm, const SegmentSite& d, const SegmentSite& p, double sampleRateHz, bool sensory) {
    json seg{{"from", d.site}, {"to", p.site}};
    if (!d.found || !p.found) {
        seg["note"] = "a response is missing at one of the sites";
        return seg;
    }
    const auto cmp = compareSites(d.measures, p.measures);
    seg["latencyDifferenceMs"] = round3(p.measures.onsetLatencyMs - d.measures.onsetLatencyMs);
    if (d.onsetUncertain || p.onsetUncertain) seg["onsetUncertain"] = true;   // the difference is of estimates
    seg["amplitudeDropPercent"] = round3(cmp.amplitudeDropPercent);
    if (!sensory) {
        seg["areaDropPercent"] = round3(cmp.areaDropPercent);
        seg["durationIncreasePercent"] = round3(cmp.durationIncreasePercent);
        seg["conductionBlock"] = cmp.conductionBlock;
        seg["temporalDispersion"] = cmp.temporalDispersion;
        seg["criteria"] = cmp.criteria;
    }
    const auto sourced = segmentDistance(distancesMm, d, p);
    if (!sourced) return seg;
    seg["distanceMm"] = sourced->mm;
    if (sourced->source != "--distance") seg["distanceSource"] = sourced->source;
    try {
        const double cv = round3(motorConductionVelocityMPerS(sourced->mm, d.measures.onsetLatencyMs, p.measures.onsetLatencyMs));
        // The velocity's own uncertainty from the two onsets' SEs (with the take-off fit's model
        // error): a ~95 % interval wider than +-5 % gives no confident CV.
        const auto u = segmentVelocityUncertainty(sourced->mm, d.measures.onsetLatencyMs, d.onsetSeMs, p.measures.onsetLatencyMs, p.onsetSeMs,
                                                  sampleRateHz);
        if (u.known) seg["conductionVelocitySeMPerS"] = round3(u.seMPerS);
        if (d.onsetUncertain || p.onsetUncertain) {
            seg[cvKey()] = nullptr;
            seg["conductionVelocityEstimateMPerS"] = cv;
        } else if (u.uncertain) {
            seg[cvKey()] = nullptr;
            seg["conductionVelocityEstimateMPerS"] = cv;
            seg["velocityUncertain"] = true;
            seg["note"] = velocityUncertainNote(u, "the two onsets' standard errors");
        } else {
            seg[cvKey()] = cv;
        }
        seg["conductionVelocityMethod"] = "distance / (proximal onset - distal onset)";
    } catch (const std::invalid_argument& e) {
        seg["note"] = e.what();
    }
    return seg;
}

double number(const json& j, const char* key) { return j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0.0; }
}  // namespace

std::optional<double> pairDistanceMm(const std::map<std::string, double>& distancesMm, const std::string& a, const std::string& b) {
    for (const auto& key : {a + "-" + b, b + "-" + a}) {
        auto it = distancesMm.find(lower(key));
        if (it != distancesMm.end()) return it->second;
    }
    return std::nullopt;
}

std::string velocityUncertainNote(const VelocityUncertainty& u, const char* from) {
    std::ostringstream m;
    m.precision(3);
    m << "velocity uncertain: its standard error " << u.seMPerS << " m/s (from " << from
      << " and the take-off fit's model error) gives a 95 % interval of +-" << u.halfWidthPct << " %, wider than +-"
      << VelocitySeSettings{}.maxHalfWidthPct << " %";
    return m.str();
}

json nerveSegmentsJson(const std::vector<SegmentSite>& sites, const std::map<std::string, double>& distancesMm, double sampleRateHz, bool sensory) {
    json out = json::array();
    for (std::size_t i = 0; i + 1 < sites.size(); ++i)
        for (std::size_t k = i + 1; k < sites.size(); ++k) {
            // consecutive sites always; others when --distance names them
            if (k != i + 1 && !pairDistanceMm(distancesMm, sites[i].site, sites[k].site)) continue;
            out.push_back(segmentJson(distancesMm, sites[i], sites[k], sampleRateHz, sensory));
        }
    return out;
}

std::optional<json> acrossSegmentsJson(json& contiguousSegments, const std::map<std::string, double>& distancesMm) {
    std::vector<SegmentSite> sites;
    json listed = json::array();
    std::map<std::string, std::size_t> segmentOf;
    std::optional<json> channel;
    std::optional<std::string> test;
    std::size_t holding = 0;
    for (const auto& entry : contiguousSegments) {
        if (!entry.contains("analysis") || !entry["analysis"].contains("sites")) continue;
        const auto& a = entry["analysis"];
        const std::string t = a.value("test", std::string("motor"));
        if ((t != "motor" && t != "sensory") || a["sites"].empty()) continue;
        if (test && *test != t) return json{{"note", "not combined: the segments were read as different tests (motor and sensory); --test motor or --test sensory "
                                      "reads the file as one study"}};
        test = t;
        const json ch = a.contains("channel") ? json{{"index", a["channel"].value("index", -1)}, {"sampleRateHz", a["channel"].value("sampleRateHz", 0.0)}} : json();
        if (channel && *channel != ch)
            return json{{"note", "not combined: the segments measured different channels or sample rates"}};
        channel = ch;
        ++holding;
        const std::size_t index = entry.value("index", std::size_t{0});
        for (const auto& site : a["sites"]) {
            auto s = segmentSiteFromJson(site);
            if (auto [it, fresh] = segmentOf.emplace(s.site, index); !fresh && it->second != index)
                return json{{"note", "not combined: site '" + s.site + "' was stimulated in segments " + std::to_string(it->second) + " and " +
                                         std::to_string(index) + ", so which response to pair is not known"}};
            json one{{"segment", index}, {"site", s.site}, {"found", s.found}};
            if (s.found) {
                one["onsetLatencyMs"] = s.onsetUncertain ? json(nullptr) : json(round3(s.measures.onsetLatencyMs));
                one["amplitudeUv"] = round3(s.measures.amplitudeUv);
            }
            if (s.statedDistanceMm) one["stimulusDistanceMm"] = *s.statedDistanceMm;
            if (s.statedDistanceMm && s.distanceSource != "annotation") one["stimulusDistanceSource"] = s.distanceSource;
            listed.push_back(std::move(one));
            sites.push_back(std::move(s));
        }
    }
    if (holding < 2) return std::nullopt;
    const double fs = channel ? channel->value("sampleRateHz", 0.0) : 0.0;
    json out;
    out["note"] = "the sites of all contiguous segments, in order (a file holding one stimulation site per data record, as the EDF+ "
                  "specification's nerve conduction example): segments between consecutive sites";
    out["sites"] = std::move(listed);
    out["test"] = *test;
    out["segments"] = nerveSegmentsJson(sites, distancesMm, fs, *test == "sensory");
    // "--distance A-B: no such site or pair" in a segment holding only one of A and B: the pair is here
    std::vector<std::string> pairWarnings;
    for (const auto& a : sites)
        for (const auto& b : sites)
            if (&a != &b) pairWarnings.push_back("--distance " + lower(a.site + "-" + b.site) + "=");
    const auto aboutPair = [&](const json& text) {
        return text.is_string() && std::any_of(pairWarnings.begin(), pairWarnings.end(),
                                               [&](const std::string& start) { return text.get<std::string>().rfind(start, 0) == 0; });
    };
    for (auto& entry : contiguousSegments)
        if (entry.contains("analysis") && entry["analysis"].contains("warnings")) {
            auto& w = entry["analysis"]["warnings"];
            w.erase(std::remove_if(w.begin(), w.end(), aboutPair), w.end());
        }
    return out;
}

SegmentSite segmentSiteFromJson(const json& j) {
    SegmentSite s;
    s.site = j.value("site", std::string());
    s.found = j.value("found", false);
    s.onsetUncertain = j.value("onsetUncertain", false);
    s.measures.onsetLatencyMs = j.contains("onsetLatencyMs") && j["onsetLatencyMs"].is_number() ? number(j, "onsetLatencyMs")
                                                                                                : number(j, "onsetLatencyEstimateMs");
    s.measures.peakLatencyMs = number(j, "peakLatencyMs");
    s.measures.amplitudeUv = number(j, "amplitudeUv");
    s.measures.peakToPeakUv = number(j, "peakToPeakUv");
    s.measures.negativeDurationMs = number(j, "negativeDurationMs");
    s.measures.negativeAreaUvMs = number(j, "negativeAreaUvMs");
    s.onsetSeMs = number(j, "onsetSeMs");
    if (j.contains("stimulusDistanceMm") && j["stimulusDistanceMm"].is_number()) s.statedDistanceMm = j["stimulusDistanceMm"].get<double>();
    else if (j.contains("distanceMm") && j["distanceMm"].is_number()) {   // a sensory site's own: --distance SITE=MM or its annotations
        s.statedDistanceMm = j["distanceMm"].get<double>();
        s.distanceSource = j.value("distanceSource", std::string("--distance"));
    }
    return s;
}

}  // namespace emg::cli
