// NCS analyzers for `emgws-cli analyze`: "motor", "sensory", "fwave", "hreflex", "rns". The
// engine (emg/dsp/ncs_analysis.h) does the work; this file turns results into JSON (latencies ms,
// amplitudes uV, durations ms, areas uV*ms, CVs m/s) and says how likely each test is.
#include "analyzer_registry.h"
#include "ncs_segments.h"

#include <emg/dsp/conduction_velocity_se.h>
#include <emg/dsp/ncs_analysis.h>
#include <emg/dsp/rns_train_notes.h>
#include <emg/study/measurement_names.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

namespace {

/// The CLI's key of the conduction velocity: the registry's (emg/study/measurement_names.h), kept as the CLI spelled it.
std::string cvKey() { return std::string(emg::study::cliKeyOf("conductionVelocityMps")); }

using nlohmann::json;
using namespace emg::dsp;
using emg::cli::AnalyzeOptions;

double round3(double v) { return std::round(v * 1000.0) / 1000.0; }

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

json markersJson(const Markers& m) {
    return {{"onsetMs", round3(m.onsetMs)},           {"negativePeakMs", round3(m.negativePeakMs)},
            {"negativeEndMs", round3(m.negativeEndMs)}, {"positivePeakMs", round3(m.positivePeakMs)},
            {"baselineUv", round3(m.baselineUv)},     {"origin", toString(m.origin)}};
}

json responseJson(const ResponseResult& r) {
    json j;
    j["found"] = r.found;
    if (!r.note.empty()) j["note"] = r.note;
    if (r.found) {
        const auto& m = r.measures;
        // Below the certainty ratio the onset is not given as a value (scripts must not take it
        // for a measurement): null, with the estimate under its own key.
        if (r.onsetUncertain) {
            j["onsetLatencyMs"] = nullptr;
            j["onsetLatencyEstimateMs"] = round3(m.onsetLatencyMs);
        } else {
            j["onsetLatencyMs"] = round3(m.onsetLatencyMs);
        }
        j["onsetUncertain"] = r.onsetUncertain;
        j["signalToNoise"] = round3(r.signalToNoise);
        if (r.initialPositive) j["initialPositive"] = true;
        j["peakLatencyMs"] = round3(m.peakLatencyMs);
        j["amplitudeUv"] = round3(m.amplitudeUv);
        // Its standard error (noise on the peak reading and on the baseline under it, and the
        // reading's shape term); left out when not known (e.g. a peak the clinician placed).
        if (std::isfinite(m.amplitudeSeUv)) j["amplitudeSeUv"] = round3(m.amplitudeSeUv);
        j["peakToPeakUv"] = round3(m.peakToPeakUv);
        j["negativeDurationMs"] = round3(m.negativeDurationMs);
        j["negativeAreaUvMs"] = round3(m.negativeAreaUvMs);
    }
    json p;
    p["sweeps"] = r.provenance.sweepIndices;
    p["rejectedSweeps"] = r.provenance.rejectedSweepIndices;
    p["filter"] = r.provenance.filter;
    p["onsetMethod"] = r.provenance.onsetMethod;
    p["artifactEndMs"] = round3(r.provenance.artifactEndMs);
    p["baselineSdUv"] = round3(r.baseline.sdUv);
    if (r.found) p["markers"] = markersJson(r.provenance.markers);
    j["provenance"] = p;
    return j;
}

json supramaxJson(const SupramaxResult& s) {
    json j;
    j["plateauReached"] = s.plateauReached;
    if (s.plateauReached) {
        j["plateauIntensityMa"] = round3(s.plateauIntensityMa);
        j["plateauAmplitudeUv"] = round3(s.plateauAmplitudeUv);
        j["recommendedIntensityMa"] = round3(s.recommendedMa);
    }
    j["criterion"] = s.criterion;
    j["points"] = json::array();
    for (const auto& p : s.points)
        j["points"].push_back({{"intensityMa", round3(p.intensityMa)}, {"amplitudeUv", round3(p.amplitudeUv)}, {"sweep", p.sweepIndex}});
    return j;
}

json headerJson(const PreparedSignal& p, const NcsAnalysisSettings& st) {
    json j;
    j["channel"] = {{"index", p.channelIndex}, {"label", p.channelLabel}, {"sampleRateHz", p.sampleRateHz}};
    j["filter"] = p.filterDescription;
    j["mainsHumRmsUv"] = round3(p.humRmsUv);
    j["mainsSubtractedHz"] = p.notchHz;   // 0 = no hum found, nothing subtracted
    double blank = 0.0;
    for (double b : p.blankMs) blank = std::max(blank, b);
    j["artifactBlankMaxMs"] = round3(blank);
    j["sweepWindowMs"] = {{"preTrigger", st.sweep.preTriggerMs}, {"window", st.sweep.windowMs}};
    j["stimuli"] = p.stimuli.size();
    j["stimulusSource"] = p.stimuli.empty() ? "" : p.stimuli.front().source;
    j["notes"] = p.notes;
    j["units"] = {{"latency", "ms"}, {"amplitude", "uV"}, {"duration", "ms"}, {"area", "uV*ms"}, {"conductionVelocity", "m/s"}, {"distance", "mm"}};
    return j;
}

/// The stimulus-to-recording distance the site's annotations state ("at 6.5cm from recording site",
/// as in the EDF+ specification's nerve conduction example): the first stated; none when its
/// stimuli state different ones.
std::optional<double> annotatedDistanceMm(const PreparedSignal& p, const SiteResult& s) {
    std::optional<double> d;
    for (std::size_t i : s.stimulusIndices) {
        const auto& m = p.stimuli[i].distanceMm;
        if (!m) continue;
        if (d && std::fabs(*d - *m) > 1e-9) return std::nullopt;
        d = *m;
    }
    return d;
}

/// A distance and where it came from ("--distance" or "annotation").
struct SourcedDistance {
    double mm = 0.0;
    std::string source;
};

/// A sensory site's distance: --distance SITE=MM, else the one its annotations state.
std::optional<SourcedDistance> siteDistance(const AnalyzeOptions& o, const PreparedSignal& p, const SiteResult& s) {
    if (auto it = o.distancesMm.find(s.site); it != o.distancesMm.end()) return SourcedDistance{it->second, "--distance"};
    if (const auto d = annotatedDistanceMm(p, s)) return SourcedDistance{*d, "annotation"};
    return std::nullopt;
}

/// What a nerve segment needs of the site.
emg::cli::SegmentSite segmentSite(const PreparedSignal& p, const SiteResult& s) {
    emg::cli::SegmentSite out;
    out.site = s.site;
    out.found = s.response.found;
    out.onsetUncertain = s.response.onsetUncertain;
    out.measures = s.response.measures;
    out.onsetSeMs = s.response.onsetSeMs;
    out.statedDistanceMm = annotatedDistanceMm(p, s);
    return out;
}

void warnUnknownDistances(const AnalyzeOptions& o, const std::vector<std::string>& sites, json& out) {
    for (const auto& [key, mm] : o.distancesMm) {
        bool used = std::find(sites.begin(), sites.end(), key) != sites.end();
        for (std::size_t i = 0; i < sites.size() && !used; ++i)
            for (std::size_t k = 0; k < sites.size() && !used; ++k)
                if (i != k && key == sites[i] + "-" + sites[k]) used = true;
        if (!used) {
            std::string names;
            for (const auto& s : sites) names += (names.empty() ? "" : ", ") + s;
            out["warnings"].push_back("--distance " + key + "=" + std::to_string(mm) + ": no such site or pair (sites: " + names + ")");
        }
    }
}

NcsAnalysisSettings settingsFor(NcsTest t, const AnalyzeOptions& o) {
    auto st = ncsSettingsFor(t);
    for (const auto& e : o.extra) {   // --mains=50|60|0, --window=MS, --onset-sd=K
        const auto eq = e.find('=');
        const std::string key = e.substr(2, eq - 2), val = e.substr(eq + 1);
        double v = 0.0;
        try {
            v = std::stod(val);
        } catch (const std::exception&) {
            throw std::invalid_argument("option " + e + ": not a number");
        }
        if (key == "mains") st.mainsHz = v;
        else if (key == "window") st.sweep.windowMs = v;
        else if (key == "pretrigger") st.sweep.preTriggerMs = v;
        else if (key == "onset-sd") st.detection.onsetSd = v;
        else throw std::invalid_argument("unknown option " + e + " (NCS analyzers know --mains=, --window=, --pretrigger=, --onset-sd=)");
    }
    return st;
}

/// prepareSignal on the recording the CLI read: its signal channel read now if it was left
/// unread, streamed (only the samples around the stimuli kept) when the file allows.
PreparedSignal prepare(emg::Recording&& rec, const AnalyzeOptions& o, const NcsAnalysisSettings& st, bool keepRawUv = true) {
    if (o.signalChannelDeferred && o.channelStreamer)
        if (auto p = prepareSignalStreamed(std::move(rec), o.sampleCounts, o.channel, st, keepRawUv, o.channelStreamer)) return std::move(*p);
    if (o.signalChannelDeferred && o.channelAsDouble)
        return prepareSignal(std::move(rec), o.sampleCounts, o.channel, st, keepRawUv, o.channelAsDouble);
    return prepareSignal(std::move(rec), o.channel, st, keepRawUv);
}

/// Motor/sensory measure the unfiltered channel; the filtered one only serves the hum detection.
/// A file that can be read again: the filtered copy is released, then the channel read again,
/// so the two are never held together.
PreparedSignal prepareForMeasurement(emg::Recording&& rec, const AnalyzeOptions& o, const NcsAnalysisSettings& st) {
    if (!o.channelAsDouble || !st.measureUnfiltered) return prepare(std::move(rec), o, st);
    if (o.signalChannelDeferred && o.channelStreamer)   // the unfiltered samples around the stimuli kept on the way
        if (auto p = prepareSignalStreamed(std::move(rec), o.sampleCounts, o.channel, st, true, o.channelStreamer)) return std::move(*p);
    auto p = prepare(std::move(rec), o, st, /*keepRawUv=*/false);
    const std::size_t count = p.filteredUv.size();
    std::vector<double>().swap(p.filteredUv);
    p.rawUv = o.channelAsDouble(static_cast<std::size_t>(p.channelIndex));
    if (p.rawUv.size() != count)
        throw std::runtime_error("channel '" + p.channelLabel + "' changed while it was read (" + std::to_string(count) + " samples, then " +
                                 std::to_string(p.rawUv.size()) + "): was the file being written?");
    return p;
}

json analyzeMotorOrSensory(emg::Recording&& rec, const AnalyzeOptions& o, NcsTest test) {
    const auto st = settingsFor(test, o);
    const auto prepared = prepareForMeasurement(std::move(rec), o, st);
    const auto sites = analyzeSites(prepared, st);
    json out = headerJson(prepared, st);
    out["warnings"] = json::array();
    std::vector<std::string> names;
    out["sites"] = json::array();
    for (const auto& s : sites) {
        names.push_back(s.site);
        json j = responseJson(s.response);
        j["site"] = s.site;
        j["stimuli"] = s.stimulusIndices.size();
        j["averaged"] = s.averaged.usedIndices.size();
        j["noiseRmsUv"] = round3(s.noiseRmsUv);
        if (!s.truncatedIndices.empty()) j["truncatedStimuli"] = s.truncatedIndices;
        for (const auto& w : s.warnings) out["warnings"].push_back(w);
        if (s.response.found && s.response.onsetSeMs > 0.0 && s.response.onsetSeMs < emg::dsp::kUnmeasurableOnsetSeMs) j["onsetSeMs"] = std::round(s.response.onsetSeMs * 1e4) / 1e4;
        if (test == NcsTest::Motor)
            if (const auto d = annotatedDistanceMm(prepared, s)) j["stimulusDistanceMm"] = *d;
        if (s.intensityMa) j["intensityMa"] = *s.intensityMa;
        if (s.supramax) j["supramaximal"] = supramaxJson(*s.supramax);
        if (test == NcsTest::Sensory && s.response.found) {
            if (const auto dist = siteDistance(o, prepared, s)) {
                j["distanceMm"] = dist->mm;
                if (dist->source != "--distance") j["distanceSource"] = dist->source;
                const double cv = round3(sensoryConductionVelocityMPerS(dist->mm, s.response.measures.onsetLatencyMs));
                // As for motor segments: the velocity's ~95 % interval from the onset's SE (with the
                // take-off fit's model error) against the latency it divides by.
                const auto u = sensoryVelocityUncertainty(dist->mm, s.response.measures.onsetLatencyMs, s.response.onsetSeMs,
                                                          prepared.sampleRateHz);
                if (u.known) j["conductionVelocitySeMPerS"] = round3(u.seMPerS);
                if (s.response.onsetUncertain) {
                    j[cvKey()] = nullptr;
                    j["conductionVelocityEstimateMPerS"] = cv;
                } else if (u.uncertain) {
                    j[cvKey()] = nullptr;
                    j["conductionVelocityEstimateMPerS"] = cv;
                    j["velocityUncertain"] = true;
                    j["velocityNote"] = emg::cli::velocityUncertainNote(u, "the onset's standard error");
                } else {
                    j[cvKey()] = cv;
                }
                j["conductionVelocityMethod"] = "distance / onset latency";
            }
        }
        out["sites"].push_back(j);
    }
    if (test == NcsTest::Motor) {
        std::vector<emg::cli::SegmentSite> along;
        for (const auto& s : sites) along.push_back(segmentSite(prepared, s));
        out["segments"] = emg::cli::nerveSegmentsJson(along, o.distancesMm, prepared.sampleRateHz);
    } else if (sites.size() >= 2) {
        // a SNAP from two or more stimulation sites along the nerve (antidromic: wrist, elbow): the
        // segment between them, its length from --distance A-B=MM or the sites' own distances
        std::vector<emg::cli::SegmentSite> along;
        for (const auto& s : sites) {
            auto site = segmentSite(prepared, s);
            site.statedDistanceMm.reset();
            if (const auto dist = siteDistance(o, prepared, s)) {
                site.statedDistanceMm = dist->mm;
                site.distanceSource = dist->source;
            }
            along.push_back(std::move(site));
        }
        out["segments"] = emg::cli::nerveSegmentsJson(along, o.distancesMm, prepared.sampleRateHz, true);
    }
    warnUnknownDistances(o, names, out);
    return out;
}

json analyzeMotor(emg::Recording&& rec, const AnalyzeOptions& o) { return analyzeMotorOrSensory(std::move(rec), o, NcsTest::Motor); }
json analyzeSensory(emg::Recording&& rec, const AnalyzeOptions& o) { return analyzeMotorOrSensory(std::move(rec), o, NcsTest::Sensory); }

/// The stimuli of `site` in the file (every one counts, measured or not).
std::size_t stimuliAt(const PreparedSignal& p, const std::string& site) {
    return static_cast<std::size_t>(std::count_if(p.stimuli.begin(), p.stimuli.end(), [&](const auto& m) { return m.site == site; }));
}

/// Why a late-response site has no sweep: "no complete sweep", and for a file of several
/// acquisitions (EDF+D) the likely reason, a record starting at its stimulus.
std::string noCompleteSweepNote(const PreparedSignal& p, const NcsAnalysisSettings& st) {
    std::string note = "no complete sweep";
    if (!p.acquisitionStarts.empty()) {
        std::ostringstream m;
        if (!p.rawUv.empty() || p.rawWindows.held())   // records at the stimulus are cut from these: too short ones
            m << note << ": no stimulus has the " << st.sweep.windowMs << " ms sweep after it within its own record";
        else
            m << note << ": no stimulus has the " << st.sweep.preTriggerMs
              << " ms before it within its own record, and the unfiltered samples records that start at the stimulus are measured "
                 "from were not kept";
        note = m.str();
    }
    return note;
}

json analyzeFWave(emg::Recording&& rec, const AnalyzeOptions& o) {
    const auto st = settingsFor(NcsTest::FWave, o);
    const auto prepared = prepare(std::move(rec), o, st);
    json out = headerJson(prepared, st);
    out["sites"] = json::array();
    for (const auto& site : sitesInOrder(prepared.stimuli)) {
        std::string filter;
        const auto sweeps = lateResponseSweeps(prepared, site, st, nullptr, &filter);
        json j{{"site", site}, {"stimuli", stimuliAt(prepared, site)}};
        if (filter != prepared.filterDescription) j["filter"] = filter;   // its sweeps were filtered otherwise than the file's "filter" says
        if (sweeps.size() != j["stimuli"].get<std::size_t>()) j["sweeps"] = sweeps.size();   // the others: see the note and warnings
        for (const auto& w : uncutStimulusWarnings(prepared, site, sweeps, st)) out["warnings"].push_back(w);
        if (sweeps.empty()) {
            j["note"] = noCompleteSweepNote(prepared, st);
            out["sites"].push_back(j);
            continue;
        }
        FWaveSettings fs;
        fs.mDetection = st.detection;
        fs.mainsHz = st.mainsHz;   // -1: each sweep fits 50 or 60 Hz, 0: --mains=0, else the frequency given
        const auto r = analyzeFWaves(sweeps, fs);
        j["present"] = r.present;
        j[std::string(emg::study::cliKeyOf("persistencePct"))] = round3(r.persistencePercent);
        if (r.present > 0) {
            // a minimal latency a sweep's lead-in lobe may undercut is not given as a value (as the
            // H latency): null, the estimate under its own key, and why
            if (r.minLatencyUncertain()) {
                j["minLatencyMs"] = nullptr;
                j["minLatencyEstimateMs"] = round3(r.minLatencyMs);
                j["minLatencyUncertain"] = true;
                j["minLatencyNote"] = r.minLatencyNote;
            } else {
                j["minLatencyMs"] = round3(r.minLatencyMs);
            }
            j["meanLatencyMs"] = round3(r.meanLatencyMs);
            j["maxLatencyMs"] = round3(r.maxLatencyMs);
            j["chronodispersionMs"] = round3(r.chronodispersionMs);
        }
        j["m"] = responseJson(r.m);
        j["searchFromMs"] = round3(r.searchFromMs);
        j["method"] = r.method;
        if (!r.note.empty()) {
            j["note"] = r.note;
            out["warnings"].push_back("site " + site + ": " + r.note);
        }
        j["traces"] = json::array();
        for (const auto& t : r.traces) {
            json tj{{"sweep", t.sweepIndex}, {"present", t.present}};
            if (t.present) {
                tj["latencyMs"] = round3(t.latencyMs);
                tj["peakToPeakUv"] = round3(t.peakToPeakUv);
                if (t.nearLevelLobeMs > 0.0) tj["nearLevelLobeMs"] = round3(t.nearLevelLobeMs);
                if (t.onsetUncertain) tj["onsetUncertain"] = true;
            } else if (t.isolatedEarly) {
                tj["isolatedEarlyDepartureMs"] = round3(t.latencyMs);
            }
            j["traces"].push_back(tj);
        }
        out["sites"].push_back(j);
    }
    return out;
}

json analyzeHReflex(emg::Recording&& rec, const AnalyzeOptions& o) {
    const auto st = settingsFor(NcsTest::HReflex, o);
    const auto prepared = prepare(std::move(rec), o, st);
    json out = headerJson(prepared, st);
    out["sites"] = json::array();
    for (const auto& site : sitesInOrder(prepared.stimuli)) {
        std::vector<std::optional<double>> intensity;
        std::string filter;
        const auto sweeps = lateResponseSweeps(prepared, site, st, &intensity, &filter);
        json j{{"site", site}, {"stimuli", stimuliAt(prepared, site)}};
        if (filter != prepared.filterDescription) j["filter"] = filter;   // its sweeps were filtered otherwise than the file's "filter" says
        if (sweeps.size() != j["stimuli"].get<std::size_t>()) j["sweeps"] = sweeps.size();
        for (const auto& w : uncutStimulusWarnings(prepared, site, sweeps, st)) out["warnings"].push_back(w);
        if (sweeps.empty()) {
            j["note"] = noCompleteSweepNote(prepared, st);
            out["sites"].push_back(j);
            continue;
        }
        HReflexSettings hs;
        hs.mainsHz = st.mainsHz;   // sweeps with nothing before the stimulus: -1 fits 50 or 60 Hz on each, 0: --mains=0
        hs.hWindowToMs = st.sweep.windowMs;   // --window (records at the stimulus give longer sweeps: H within the window)
        const auto r = analyzeHReflex(sweeps, intensity, hs);
        // a latency the take-off does not vouch for is not given as a value (as a motor onset below
        // the certainty ratio): null, the estimate under its own key, and why
        if (r.hLatencyUncertain()) {
            j["hLatencyMs"] = nullptr;
            j["hLatencyEstimateMs"] = round3(*r.hLatencyMs);
            j["hLatencyUncertain"] = true;
            j["hLatencyNote"] = r.hLatencyNote;
        } else if (r.hLatencyMs) {
            j["hLatencyMs"] = round3(*r.hLatencyMs);
        }
        j["hMaxUv"] = round3(r.hMaxUv);
        j["mMaxUv"] = round3(r.mMaxUv);
        j["hmRatio"] = round3(r.hmRatio);
        j["hMaxSweep"] = sweeps[r.hMaxSweep].index;
        j["mMaxSweep"] = sweeps[r.mMaxSweep].index;
        j["hWindowFromMs"] = round3(r.mWindowToMs);
        j["method"] = r.method;
        j["sweeps"] = json::array();
        for (const auto& s : r.sweeps) {
            json sj{{"sweep", s.sweepIndex}, {"mPeakToPeakUv", round3(s.mPeakToPeakUv)}, {"hPeakToPeakUv", round3(s.hPeakToPeakUv)}};
            if (s.intensityMa) sj["intensityMa"] = *s.intensityMa;
            j["sweeps"].push_back(sj);
        }
        out["sites"].push_back(j);
    }
    return out;
}

json analyzeRnsTrains(emg::Recording&& rec, const AnalyzeOptions& o) {
    const auto st = settingsFor(NcsTest::Rns, o);
    const auto prepared = prepare(std::move(rec), o, st);
    json out = headerJson(prepared, st);
    out["trains"] = json::array();
    std::string filter;
    const auto all = lateResponseSweeps(prepared, "", st, nullptr, &filter);
    // every stimulus counts: one that got no sweep (its record or the file ends within the window) is named
    for (const auto& w : uncutStimulusWarnings(prepared, "", all, st)) out["warnings"].push_back(w);
    std::map<std::string, std::pair<std::size_t, RnsResult>> firstOfSite;   // each site's first train read (its number from 1), for the later ones
    const auto trains = rnsTrains(prepared);
    for (std::size_t trainNumber = 1; trainNumber <= trains.size(); ++trainNumber) {
        const auto& found = trains[trainNumber - 1];
        const auto& train = found.stimuli;
        const auto sw = sweepsOfTrain(all, found);
        json j{{"site", prepared.stimuli[train.front()].site}, {"stimuli", train.size()}, {"startSec", round3(prepared.stimuli[train.front()].timeSec)}};
        if (!found.startReason.empty()) j["startReason"] = found.startReason;   // why a new train starts here
        // the phase the file names for it (or "train k of n"): what a study stores it under
        if (const auto label = rnsTrainLabel(trains, trainNumber - 1); !label.empty()) j["condition"] = label;
        if (filter != prepared.filterDescription) j["filter"] = filter;   // records at the stimulus: what their sweeps went through
        if (sw.size() != train.size()) j["sweeps"] = sw.size();   // the others had no sweep within their record or the file
        if (sw.empty()) {
            j["note"] = noCompleteSweepNote(prepared, st);
            out["trains"].push_back(j);
            continue;
        }
        const auto r = analyzeRns(sw, st.detection, st.mainsHz);
        // records glued back to back keep no time between them: no rate (the note says why)
        j["rateHz"] = sw.front().gluedRecord ? json(nullptr) : json(round3(r.rateHz));
        auto put = [&](const char* key, const std::optional<double>& v) {
            if (v) j[key] = round3(*v);
        };
        put("decrement4AmplitudePercent", r.decrement4AmplitudePercent);
        put("decrement4AreaPercent", r.decrement4AreaPercent);
        put("decrement5AmplitudePercent", r.decrement5AmplitudePercent);
        put("decrement5AreaPercent", r.decrement5AreaPercent);
        j["maxDecrementAmplitudePercent"] = round3(r.maxDecrementAmplitudePercent);
        // a later train of the same site (after exercise): its first response against the site's first train's
        const auto& site = prepared.stimuli[train.front()].site;
        if (const auto earlier = firstOfSite.find(site); earlier == firstOfSite.end()) {
            firstOfSite.emplace(site, std::make_pair(trainNumber, r));
        } else if (const auto change = firstResponseChangePercent(earlier->second.second, r)) {
            j["firstResponseChangePercent"] = round3(*change);
            j["comparedWithTrain"] = earlier->second.first;
        }
        j["method"] = r.method;
        if (!r.note.empty()) {
            j["note"] = r.note;
            std::ostringstream w;
            w << "train of site " << j["site"].get<std::string>() << " from " << round3(prepared.stimuli[train.front()].timeSec) << " s: " << r.note;
            out["warnings"].push_back(w.str());
        }
        j["responses"] = json::array();
        for (std::size_t k = 0; k < r.responses.size(); ++k) {
            json rj = responseJson(r.responses[k]);
            rj["sweep"] = r.sweepIndices[k];
            j["responses"].push_back(rj);
        }
        out["trains"].push_back(j);
    }
    return out;
}

// ---- confidence: what the stimulus pattern, texts and labels suggest ----------------------------
struct Pattern {
    std::size_t stimuli = 0, sites = 0, maxPerSite = 0, distinctIntensities = 0;
    double medianIsiSec = 0.0;      ///< within a site
    std::string text;               ///< all annotation texts and labels, lower case
    double responseUv = 0.0;        ///< median early-response size (raw, 1..15 ms after the stimulus)
    double responseCv = 0.0;        ///< their coefficient of variation (an intensity series varies, a train does not)
};

Pattern pattern(const emg::Recording& rec, const emg::cli::ConfidenceSamples* streamed) {
    Pattern p;
    int sig = -1;
    const auto isStreamed = [&](std::size_t i) { return streamed && streamed->channel == i; };
    for (std::size_t i = 0; i < rec.channels.size(); ++i)
        if (!rec.channels[i].isAnnotationOrTrigger && rec.channels[i].sampleRateHz > 0 && (!rec.channels[i].samples.empty() || isStreamed(i))) {
            sig = static_cast<int>(i);
            break;
        }
    for (const auto& a : rec.annotations) p.text += lower(a.text) + " ";
    for (const auto& c : rec.channels) p.text += lower(c.label + " " + c.transducer) + " ";
    if (sig < 0) return p;
    const auto& ch = rec.channels[static_cast<std::size_t>(sig)];
    // sampled too slowly for any NCS analyzer (it would refuse the channel): no stimulus pattern
    if (!emg::dsp::ncsSampleRateProblem(ch).empty()) return p;
    const auto stim = findStimuli(rec, ch.sampleRateHz);
    p.stimuli = stim.size();
    std::map<std::string, std::vector<double>> times;
    std::set<double> intens;
    for (const auto& s : stim) {
        times[s.site].push_back(s.timeSec);
        if (s.intensityMa) intens.insert(*s.intensityMa);
    }
    p.sites = times.size();
    p.distinctIntensities = intens.size();
    std::vector<double> isi;
    for (const auto& [site, t] : times) {
        p.maxPerSite = std::max(p.maxPerSite, t.size());
        for (std::size_t i = 1; i < t.size(); ++i) isi.push_back(t[i] - t[i - 1]);
    }
    if (!isi.empty()) {
        std::nth_element(isi.begin(), isi.begin() + static_cast<std::ptrdiff_t>(isi.size() / 2), isi.end());
        p.medianIsiSec = isi[isi.size() / 2];
    }
    std::vector<double> sizes;
    const bool windowed = isStreamed(static_cast<std::size_t>(sig));
    const auto count = static_cast<std::int64_t>(windowed ? streamed->windows.samples() : ch.samples.size());
    std::vector<double> part;
    for (const auto& s : stim) {
        const auto a = s.sampleIndex + static_cast<std::int64_t>(1e-3 * ch.sampleRateHz);
        const auto b = s.sampleIndex + static_cast<std::int64_t>(15e-3 * ch.sampleRateHz);
        // the level 1 ms before the stimulus is the base; a record that starts at its stimulus (the
        // EDF+ specification's layout) has none: the median of the window after it is (a SNAP is a
        // short part of it; a CMAP filling it still stands out by a good part of its size)
        const bool atStimulus = s.sampleIndex - static_cast<std::int64_t>(1e-3 * ch.sampleRateHz) < 0;
        const auto pre = atStimulus ? a : s.sampleIndex - static_cast<std::int64_t>(1e-3 * ch.sampleRateHz);
        if (pre < 0 || b >= count || b <= a) continue;
        part.resize(static_cast<std::size_t>(b - pre));   // samples pre .. b - 1
        if (windowed) streamed->windows.read(static_cast<std::size_t>(pre), std::span<double>(part));
        else std::copy(ch.samples.begin() + pre, ch.samples.begin() + b, part.begin());
        double base = part[0];
        if (atStimulus) {
            std::vector<double> sorted(part);
            std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2), sorted.end());
            base = sorted[sorted.size() / 2];
        }
        double m = 0.0;
        for (auto i = a; i < b; ++i) m = std::max(m, std::fabs(part[static_cast<std::size_t>(i - pre)] - base));
        sizes.push_back(m);
    }
    if (sizes.size() >= 2) {
        double mean = 0.0, var = 0.0;
        for (double v : sizes) mean += v;
        mean /= static_cast<double>(sizes.size());
        for (double v : sizes) var += (v - mean) * (v - mean);
        if (mean > 0.0) p.responseCv = std::sqrt(var / static_cast<double>(sizes.size() - 1)) / mean;
    }
    if (!sizes.empty()) {
        std::nth_element(sizes.begin(), sizes.begin() + static_cast<std::ptrdiff_t>(sizes.size() / 2), sizes.end());
        p.responseUv = sizes[sizes.size() / 2];
    }
    return p;
}

}  // namespace

namespace emg::cli {
namespace {
/// The channel prepareSignal analyses in an outline: `channel`, else the first that is no
/// trigger, with a rate and at least 16 samples.
std::optional<std::size_t> ncsSignalChannel(const emg::Recording& outline, const std::vector<std::size_t>& sampleCounts, std::optional<int> channel) {
    const std::size_t n = outline.channels.size();
    if (channel) {
        if (*channel >= 0 && static_cast<std::size_t>(*channel) < n) return static_cast<std::size_t>(*channel);
        return std::nullopt;
    }
    for (std::size_t i = 0; i < n; ++i)
        if (!looksLikeTriggerChannel(outline.channels[i]) && outline.channels[i].sampleRateHz > 0.0 && i < sampleCounts.size() &&
            sampleCounts[i] >= 16)
            return i;
    return std::nullopt;
}
}  // namespace

std::optional<std::size_t> ncsDeferrableChannel(const emg::Recording& outline, const std::vector<std::size_t>& sampleCounts,
                                                std::optional<int> channel, const std::vector<bool>& read) {
    const auto sig = ncsSignalChannel(outline, sampleCounts, channel);
    if (!sig || looksLikeTriggerChannel(outline.channels[*sig]) || *sig >= read.size() || !read[*sig]) return std::nullopt;
    return sig;
}

std::vector<bool> ncsChannelsRead(const emg::Recording& outline, const std::vector<std::size_t>& sampleCounts, std::optional<int> channel,
                                  bool forConfidences) {
    const std::size_t n = outline.channels.size();
    std::vector<bool> read(n, false);
    const auto count = [&](std::size_t i) { return i < sampleCounts.size() ? sampleCounts[i] : std::size_t{0}; };
    // what pattern() measures: the first signal channel with samples
    for (std::size_t i = 0; i < n && forConfidences; ++i)
        if (!outline.channels[i].isAnnotationOrTrigger && outline.channels[i].sampleRateHz > 0 && count(i) > 0) {
            read[i] = true;
            break;
        }
    // what prepareSignal analyses
    if (const auto sig = ncsSignalChannel(outline, sampleCounts, channel)) read[*sig] = true;
    // the channel findStimuli takes its pulses from when no annotation names a stimulus
    if (stimuliFromAnnotations(outline, 1.0).empty()) {
        for (std::size_t i = 0; i < n; ++i)
            if (outline.channels[i].isAnnotationOrTrigger && count(i) > 0) {
                read[i] = true;
                break;
            }
        bool labelled = false;
        for (std::size_t i = 0; i < n && !labelled; ++i) {
            const std::string l = lower(outline.channels[i].label);
            for (const char* key : {"trig", "stim", "event", "marker", "ttl", "sync"})
                if (l.find(key) != std::string::npos && count(i) > 0) {
                    read[i] = labelled = true;
                    break;
                }
        }
    }
    return read;
}
}  // namespace emg::cli

namespace {
bool mentions(const Pattern& p, std::initializer_list<const char*> words) {
    return std::any_of(words.begin(), words.end(), [&](const char* w) { return p.text.find(w) != std::string::npos; });
}

double motorConfidence(const emg::Recording& rec, const emg::cli::ConfidenceSamples* streamed) {
    const auto p = pattern(rec, streamed);
    if (p.stimuli == 0) return 0.0;
    double c = 0.3;
    if (p.sites >= 2 && p.maxPerSite <= 3) c += 0.3;
    if (p.responseUv >= 1000.0) c += 0.2;
    if (mentions(p, {"motor", "cmap", "apb", "adm", "edb", "abductor", "fdi", "tibialis"})) c += 0.1;
    return std::min(c, 0.9);
}

double sensoryConfidence(const emg::Recording& rec, const emg::cli::ConfidenceSamples* streamed) {
    const auto p = pattern(rec, streamed);
    if (p.stimuli == 0) return 0.0;
    double c = 0.2;
    if (p.responseUv > 0.0 && p.responseUv < 300.0) c += 0.4;
    if (p.maxPerSite >= 4 && p.medianIsiSec < 1.0) c += 0.1;
    if (mentions(p, {"sensory", "snap", "digit", "finger", "sural", "ring", "antidromic", "orthodromic", "radial sens", "d2", "d5"})) c += 0.25;
    return std::min(c, 0.9);
}

double fwaveConfidence(const emg::Recording& rec, const emg::cli::ConfidenceSamples* streamed) {
    const auto p = pattern(rec, streamed);
    if (p.stimuli == 0) return 0.0;
    if (mentions(p, {"f-wave", "fwave", "f wave", "f-response"})) return 0.95;
    if (p.maxPerSite >= 8 && p.medianIsiSec >= 0.45 && p.distinctIntensities <= 1 && p.responseUv >= 300.0 && p.responseCv < 0.25) return 0.75;
    return 0.05;
}

double hreflexConfidence(const emg::Recording& rec, const emg::cli::ConfidenceSamples* streamed) {
    const auto p = pattern(rec, streamed);
    if (p.stimuli == 0) return 0.0;
    if (mentions(p, {"h-reflex", "hreflex", "h reflex", "h-wave"})) return 0.95;
    const bool soleus = mentions(p, {"soleus", "gastrocn", "popliteal", "fcr", "flexor carpi radialis"});
    if (soleus && (p.distinctIntensities >= 3 || (p.maxPerSite >= 5 && p.responseCv > 0.3))) return 0.85;
    if (soleus) return 0.5;
    return 0.05;
}

double rnsConfidence(const emg::Recording& rec, const emg::cli::ConfidenceSamples* streamed) {
    const auto p = pattern(rec, streamed);
    if (p.stimuli == 0) return 0.0;
    if (mentions(p, {"rns", "repetitive", "decrement", "jolly"})) return 0.95;
    if (p.maxPerSite >= 4 && p.medianIsiSec >= 0.015 && p.medianIsiSec <= 0.55 && p.responseUv >= 300.0) return 0.8;
    return 0.05;
}

const emg::cli::AnalyzerRegistration regMotor{"motor", &analyzeMotor, &motorConfidence};
const emg::cli::AnalyzerRegistration regSensory{"sensory", &analyzeSensory, &sensoryConfidence};
const emg::cli::AnalyzerRegistration regFwave{"fwave", &analyzeFWave, &fwaveConfidence};
const emg::cli::AnalyzerRegistration regHreflex{"hreflex", &analyzeHReflex, &hreflexConfidence};
const emg::cli::AnalyzerRegistration regRns{"rns", &analyzeRnsTrains, &rnsConfidence};
}  // namespace
