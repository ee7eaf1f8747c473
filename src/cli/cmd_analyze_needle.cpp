// Analyzer "needle" for `emgws-cli analyze FILE --test needle [--muscle NAME] [--age YEARS]
// [--channel N] [--effort=rest|slight|moderate|maximal] [--level=rest|weak|strong] [--mains=50|60]
// [--decomposition=FILE.csv|FILE.eaf]`: the needle
// EMG analysis of one channel (emg::needle::analyzeNeedleSignal) as JSON, with our motor units
// compared to an expert decomposition when one is given.

#include "analyzer_registry.h"
#include "needle_sites.h"

#include <emg/core/header_comments.h>
#include <emg/core/recording_segments.h>
#include <emg/needle/decomposition_compare.h>
#include <emg/needle/needle_channel.h>
#include <emg/needle/needle_analysis.h>
#include <emg/needle/muscle_sites.h>
#include <emg/study/recording_age.h>
#include <emg/needle/reference_values.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>
#include <sstream>
#include <string>

namespace {

using nlohmann::json;
using namespace emg::needle;

double rnd(double v, int decimals) {
    if (!std::isfinite(v)) return 0.0;
    const double f = std::pow(10.0, decimals);
    return std::round(v * f) / f;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}


bool hasStim(const emg::Recording& rec) {
    return std::any_of(rec.annotations.begin(), rec.annotations.end(),
                       [](const emg::Annotation& a) { return lower(a.text).rfind("stim", 0) == 0; });
}

double needleConfidence(const emg::Recording& rec, const emg::cli::ConfidenceSamples*) {
    if (hasStim(rec)) return 0.05;   // stimulus-locked recordings are nerve conduction studies
    if (emg::isRecordPerSweep(rec)) return 0.0;   // records of <= 1 s: sweeps of a nerve conduction study, marked or not
    const emg::RecordedChannel* sig = nullptr;
    for (const auto& c : rec.channels) {
        if (c.isAnnotationOrTrigger) continue;
        if (isNeedleChannel(c)) return 0.9;
        if (!sig) sig = &c;
    }
    if (!sig) return 0.0;
    if (muapReference(sig->label, std::nullopt).muscle != "general") return 0.6;   // a muscle name, no stimuli
    return sig->sampleRateHz >= 2000.0 ? 0.3 : 0.1;
}

json toJson(const MuapParameters& p) {
    return {{"amplitudeUv", rnd(p.amplitudeUv, 1)}, {"durationMs", rnd(p.durationMs, 2)}, {"onsetMs", rnd(p.onsetMs, 2)},
            {"endMs", rnd(p.endMs, 2)}, {"phases", p.phases}, {"turns", p.turns}, {"areaUvMs", rnd(p.areaUvMs, 1)},
            {"thicknessMs", rnd(p.thicknessMs, 3)}, {"satellites", p.satellites},
            {"satelliteLatencyMs", rnd(p.satelliteLatencyMs, 2)}, {"polyphasic", p.polyphasic()}};
}

json firingsJson(const std::vector<double>& timesSec) {
    json times = json::array();
    for (double t : timesSec) times.push_back(rnd(t, 5));
    return times;
}

// Our units (the weak segments' decomposition) against the expert's, both listed with their firings.
json comparisonJson(const std::string& file, const std::vector<ExpertUnit>& expert, const NeedleAnalysis& a) {
    DecompositionCompareOptions co;
    for (const auto& s : a.segments)
        if (s.level == ContractionLevel::Weak) co.analysedSpansSec.emplace_back(s.startSec, s.endSec);
    const auto c = compareDecompositions(expert, a.motorUnits.units, co);
    json spans = json::array();
    for (const auto& [b, e] : co.analysedSpansSec) spans.push_back({rnd(b, 4), rnd(e, 4)});
    json perUnit = json::array(), expertUnits = json::array(), ourUnits = json::array();
    for (std::size_t i = 0; i < c.expertUnits.size(); ++i) {
        const auto& u = c.expertUnits[i];
        perUnit.push_back({{"expertUnit", u.expertId}, {"matchedUnit", u.ourUnitId ? json(*u.ourUnitId) : json(nullptr)},
                           {"lagMs", rnd(u.lagMs, 3)}, {"expertFirings", u.expertFirings}, {"ourFirings", u.ourFirings},
                           {"matchedFirings", u.matchedFirings}, {"sensitivity", rnd(u.sensitivity, 3)}, {"ppv", rnd(u.ppv, 3)},
                           {"found", u.found}});
        expertUnits.push_back({{"id", expert[i].id}, {"firings", expert[i].firingTimesSec.size()},
                               {"firingTimesSec", firingsJson(expert[i].firingTimesSec)}});
    }
    for (const auto& u : a.motorUnits.units) {
        json partner = nullptr;
        for (const auto& x : c.expertUnits)
            if (x.ourUnitId == u.id) partner = x.expertId;
        ourUnits.push_back({{"id", u.id}, {"firings", u.firingTimesSec.size()}, {"expertPartner", partner},
                            {"firingTimesSec", firingsJson(u.firingTimesSec)}});
    }
    return {{"file", file}, {"matchWindowMs", co.matchWindowMs}, {"lagSearchMs", co.lagSearchMs},
            {"foundCriterion", "sensitivity >= 0.5 and PPV >= 0.5"}, {"analysedSpansSec", spans},
            {"expertFiringsOutsideSpans", c.expertFiringsOutsideSpans}, {"expertUnitCount", expert.size()},
            {"expertUnitsInSpans", c.expertUnitsCompared},
            {"ourUnitCount", a.motorUnits.units.size()}, {"unitsFound", c.unitsFound},
            {"medianSensitivity", rnd(c.medianSensitivity, 3)}, {"medianPpv", rnd(c.medianPpv, 3)},
            {"perExpertUnit", perUnit}, {"ourUnitsWithoutPartner", c.ourUnitsWithoutPartner},
            {"expertUnits", expertUnits}, {"ourUnits", ourUnits}};
}

// The channel must be sampled fast enough for needle EMG and hold a voltage in uV.
void checkNeedleChannel(const emg::RecordedChannel& c) {
    if (c.sampleRateHz < 1000.0) {
        std::ostringstream m;
        m.precision(7);   // 200, 512, 23437.5: as the file gives them
        m << "channel '" << c.label << "' is sampled at " << c.sampleRateHz << " Hz: needle EMG needs at least 1 kHz (4 kHz or more recommended)";
        throw std::invalid_argument(m.str());
    }
    if (lower(c.physicalUnit) != "uv" && lower(c.physicalUnit) != "µv")
        throw std::invalid_argument("channel '" + c.label + "' is in '" + c.physicalUnit + "', not a voltage in uV");
}

// What the needle analyzer's own --key=value options ask for.
struct NeedleRequest {
    NeedleAnalysisOptions o;
    std::string decompositionFile;
    std::vector<ExpertUnit> expert;
};

void applyNeedleOptions(const std::vector<std::string>& extra, NeedleRequest& q) {
    auto& o = q.o;
    for (const auto& e : extra) {
        const auto eq = e.find('=');
        const std::string key = e.substr(0, eq), val = eq == std::string::npos ? "" : e.substr(eq + 1);
        if (key == "--effort") {
            const auto d = parseDeclaredEffort(val);
            if (!d) throw std::invalid_argument("--effort must be rest, slight, moderate or maximal (got '" + val + "')");
            o.declaredEffort = d;
        } else if (key == "--level") {
            const auto l = parseContractionLevel(val);
            if (!l) throw std::invalid_argument("--level must be rest, weak or strong (got '" + val + "')");
            o.forceLevel = l;
        } else if (key == "--mains") {
            o.mainsHz = std::stod(val);
            if (o.mainsHz != 50.0 && o.mainsHz != 60.0) throw std::invalid_argument("--mains must be 50 or 60");
        } else if (key == "--decomposition") {
            if (val.empty()) throw std::invalid_argument("--decomposition needs a file: --decomposition=FILE.csv (rows time_s,unit) or an EMGlab annotation FILE.eaf");
            q.decompositionFile = val;
            q.expert = readDecompositionFile(val);   // read before the analysis: a bad file fails at once
        } else if (key == "--mup-max-rise-ms") {
            // multi-MUP trigger: main spike rise time limit (default 0.5 ms, Stålberg 1986); records
            // of a narrower band have slower spikes
            double v = 0.0;
            try { v = std::stod(val); } catch (const std::exception&) { v = 0.0; }
            if (!(v > 0.0) || v > 5.0) throw std::invalid_argument("--mup-max-rise-ms must be a number of ms in (0, 5] (got '" + val + "')");
            o.multiMup.maxRiseTimeMs = v;
        } else {
            throw std::invalid_argument("needle analyzer: unknown option " + e +
                                        " (known: --effort=rest|slight|moderate|maximal, --level=rest|weak|strong, --mains=50|60, --decomposition=FILE.csv|FILE.eaf, --mup-max-rise-ms=MS)");
        }
    }
}

// spontaneous activity
json spontaneousJson(const SpontaneousResult& sa) {
    json sp;
    sp["analysedSec"] = rnd(sa.analysedSec, 3);
    sp["thresholdUv"] = rnd(sa.thresholdUv, 1);
    json byKind = json::object();
    for (auto k : {SpontaneousKind::Fibrillation, SpontaneousKind::PositiveSharpWave, SpontaneousKind::Fasciculation,
                   SpontaneousKind::ComplexRepetitive, SpontaneousKind::Myotonic, SpontaneousKind::Unclassified}) {
        int trains = 0;
        for (const auto& t : sa.trains) trains += t.kind == k;
        byKind[toString(k)] = {{"count", sa.count(k)}, {"ratePerSec", rnd(sa.ratePerSec(k), 3)}, {"trains", trains}};
    }
    sp["byKind"] = byKind;
    json trains = json::array();
    for (const auto& t : sa.trains) {
        json times = json::array();
        for (double s : t.timesSec) times.push_back(rnd(s, 5));
        trains.push_back({{"kind", toString(t.kind)}, {"rateHz", rnd(t.rateHz, 3)}, {"intervalCv", rnd(t.intervalCv, 3)},
                          {"rateRangeHz", {rnd(t.rateMinHz, 2), rnd(t.rateMaxHz, 2)}}, {"amplitudeUv", rnd(t.amplitudeUv, 1)},
                          {"amplitudeRatio", rnd(t.amplitudeRatio, 2)}, {"durationMs", rnd(t.durationMs, 2)},
                          {"startSec", rnd(t.startSec, 4)}, {"endSec", rnd(t.endSec, 4)}, {"timesSec", times}});
    }
    sp["trains"] = trains;
    sp["grade"] = sa.grade == 0 ? "0" : std::to_string(sa.grade) + "+";
    sp["gradeReason"] = sa.gradeReason;
    sp["gradeConvention"] = "0 none; 1+ single persistent train; 2+ moderate (2-3 trains); 3+ many (>= 4 trains or >= 20/s); "
                            "4+ baseline filled (>= 60/s); the usual 'areas' criteria need several sites: clinician confirms";
    return sp;
}

// motor units, the decomposition's counts, recruitment, the muscle summary and its reference
void addMotorUnitsJson(const NeedleAnalysis& a, const std::string& muscleSource, const std::string& ageSource, json& out) {
    json units = json::array();
    for (const auto& u : a.motorUnits.units) {
        json times = json::array();
        for (double s : u.firingTimesSec) times.push_back(rnd(s, 5));
        units.push_back({{"id", u.id}, {"parameters", toJson(u.params)}, {"meanRateHz", rnd(u.meanRateHz, 2)},
                         {"rateCv", rnd(u.rateCv, 3)}, {"jigglePercent", rnd(u.jigglePercent, 1)},
                         {"templateVariancePercent", rnd(u.templateVariancePercent, 1)},
                         {"shapeVariabilityPercent", rnd(u.shapeVariabilityPercent, 1)}, {"shapeMeasured", u.shapeMeasured},
                         {"riseTimeMs", rnd(u.riseTimeMs, 3)}, {"sortedParts", u.sortedParts},
                         {"shortIntervalPercent", rnd(u.shortIntervalPercent, 1)}, {"severalUnitsTrain", u.severalUnitsTrain},
                         {"firings", u.firingTimesSec.size()},
                         {"superimposedFirings", u.superimposedFirings}, {"predictedFirings", u.predictedFirings()}, {"firingTimesSec", times}});
    }
    out["motorUnits"] = units;
    out["decomposition"] = {{"candidates", a.motorUnits.candidates}, {"assigned", a.motorUnits.assigned},
                            {"superimposedResolved", a.motorUnits.superimposed}, {"unassigned", a.motorUnits.unassigned}, {"rejectedNonVoluntaryUnits", a.motorUnits.rejectedUnits}, {"rejectedInconsistentUnits", a.motorUnits.inconsistentUnits}, {"mergedUnits", a.motorUnits.mergedUnits}, {"gapFilledFirings", a.motorUnits.gapFilledFirings}, {"restoredUnits", a.motorUnits.restoredUnits},
                            {"thresholdUv", rnd(a.motorUnits.thresholdUv, 1)}, {"analysedSec", rnd(a.weakSec, 3)}};
    const auto& r = a.recruitment;
    out["recruitment"] = {{"units", r.unitCount}, {"onsetFrequencyHz", rnd(r.onsetFrequencyHz, 2)},
                          {"recruitmentFrequencyHz", rnd(r.recruitmentFrequencyHz, 2)}, {"maxRateHz", rnd(r.maxRateHz, 2)},
                          {"recruitmentRatio", rnd(r.recruitmentRatio, 2)}, {"reading", toString(r.reading)},
                          {"explanation", r.explanation}};
    const auto& s = a.summary;
    out["summary"] = {{"units", s.unitCount}, {"unitsShapeNotMeasured", s.unitsShapeNotMeasured}, {"meanDurationMs", rnd(s.meanDurationMs, 2)}, {"meanAmplitudeUv", rnd(s.meanAmplitudeUv, 1)},
                      {"polyphasicPercent", rnd(s.polyphasicPercent, 1)}, {"meanRateHz", rnd(s.meanRateHz, 2)},
                      {"maxRateHz", rnd(s.maxRateHz, 2)}, {"durationDeviationPercent", rnd(s.durationDeviationPercent, 1)},
                      {"durationLimitAppliedPercent", rnd(s.durationLimitAppliedPercent, 1)},
                      {"pattern", toString(s.reading)}, {"reasons", s.reasons}, {"forClinicianToConfirm", true}};
    out["reference"] = {{"muscle", s.reference.muscle}, {"muscleSource", muscleSource}, {"ageYears", s.reference.ageYears},
                        {"ageSource", ageSource},
                        {"expectedMeanDurationMs", rnd(s.reference.meanDurationMs, 2)},
                        {"durationLimitPercent", s.reference.durationLimitPercent},
                        {"mupDurationSdPercent", s.reference.mupDurationSdPercent},
                        {"amplitudeRangeUv", {s.reference.amplitudeLowUv, s.reference.amplitudeHighUv}},
                        {"polyphasicMaxPercent", s.reference.polyphasicMaxPercent}, {"generalDefault", s.reference.generalDefault},
                        {"source", s.reference.source}};
}

json interferenceJson(const InterferenceResult& ip) {
    json epochs = json::array();
    for (const auto& e : ip.epochs)
        epochs.push_back({{"startSec", rnd(e.startSec, 3)}, {"turnsPerSec", rnd(e.turnsPerSec, 1)},
                          {"meanAmplitudePerTurnUv", rnd(e.meanAmplitudePerTurnUv, 1)}, {"envelopeUv", rnd(e.envelopeUv, 1)},
                          {"fillingPercent", rnd(e.fillingPercent, 1)}, {"rmsUv", rnd(e.rmsUv, 1)}, {"cloudPosition", e.cloudPosition}});
    return {{"epochs", epochs}, {"meanTurnsPerSec", rnd(ip.meanTurnsPerSec, 1)},
            {"meanAmplitudePerTurnUv", rnd(ip.meanAmplitudePerTurnUv, 1)}, {"maxTurnsPerSec", rnd(ip.maxTurnsPerSec, 1)},
            {"meanEnvelopeUv", rnd(ip.meanEnvelopeUv, 1)}, {"pointsAbovePercent", rnd(ip.pointsAbovePercent, 1)},
            {"pointsBelowPercent", rnd(ip.pointsBelowPercent, 1)}, {"reading", toString(ip.reading)},
            {"meanFrequencyHz", rnd(ip.meanFrequencyHz, 1)}, {"spectrumBandHz", {ip.spectrumLowHz, ip.spectrumHighHz}},
            {"turnsLowPassHz", ip.turnsLowPassHz},
            {"meanRmsUv", rnd(ip.meanRmsUv, 1)}, {"turnsPerRms", rnd(ip.turnsPerRms, 3)},
            {"largestSpikesUv", rnd(ip.largestSpikesUv, 1)}, {"spikes", ip.spikes},
            {"cloud", {{"name", ip.cloud.name},
                       {"lowUv", {{"intercept", ip.cloud.lowInterceptUv}, {"perTurnPerSec", ip.cloud.lowSlopeUvPerTurnPerSec}}},
                       {"highUv", {{"intercept", ip.cloud.highInterceptUv}, {"perTurnPerSec", ip.cloud.highSlopeUvPerTurnPerSec}}},
                       {"turnCriterionUv", ip.cloud.turnCriterionUv}, {"meanFrequencyHighHz", ip.cloud.meanFrequencyHighHz},
                       {"largestSpikesHighUv", ip.cloud.largestSpikesHighUv},
                       {"turnsPerRmsHigh", ip.cloud.turnsPerRmsHigh}, {"source", ip.cloud.source}}}};
}

json multiMupJson(const MultiMupResult& mm) {
    json mups = json::array();
    for (const auto& m : mm.mups) {
        mups.push_back({{"id", m.id}, {"epochStartSec", rnd(m.epochStartSec, 3)}, {"recurrences", m.recurrences},
                        {"meanRateHz", rnd(m.meanRateHz, 2)}, {"minIntervalMs", rnd(m.minIntervalMs, 1)},
                        {"mainSpikeAmplitudeUv", rnd(m.mainSpikeAmplitudeUv, 1)}, {"riseTimeMs", rnd(m.riseTimeMs, 3)},
                        {"templateVariancePercent", rnd(m.templateVariancePercent, 1)}, {"jigglePercent", rnd(m.jigglePercent, 1)},
                        {"residualBackgroundUv", rnd(m.residualBackgroundUv, 2)}, {"durationLevelUv", rnd(m.durationLevelUv, 1)},
                        {"durationMeasurable", m.durationMeasurable}, {"notMeasurableReason", m.notMeasurableReason},
                        {"parameters", toJson(m.params)}, {"sizeIndex", m.durationMeasurable ? json(rnd(m.sizeIndex, 3)) : json(nullptr)},
                        {"firingTimesSec", firingsJson(m.firingTimesSec)}});
    }
    return {{"mups", mups}, {"count", mm.mups.size()}, {"measuredDurations", mm.measuredDurations},
            {"meanDurationMs", rnd(mm.meanDurationMs, 2)}, {"meanAmplitudeUv", rnd(mm.meanAmplitudeUv, 1)},
            {"meanPhases", rnd(mm.meanPhases, 2)}, {"polyphasicPercent", rnd(mm.polyphasicPercent, 1)},
            {"meanSizeIndex", rnd(mm.meanSizeIndex, 3)}, {"notMeasurable", mm.notMeasurable}, {"rejectedGroups", mm.rejected},
            {"candidates", mm.candidates}, {"groups", mm.groups}, {"epochs", mm.epochs}, {"analysedSec", rnd(mm.analysedSec, 3)},
            {"note", mm.note},
            {"convention", "durations by the slope/amplitude criteria of measureMuap with the level raised to 4 x the "
                           "average's residual background; size index 2 log10(amplitude mV) + thickness ms (Sonoo & Stalberg 1993)"}};
}

json analyzeNeedle(emg::Recording&& rec, const emg::cli::AnalyzeOptions& opts) {
    // channel: --channel, else the first needle channel, else the first signal channel
    const int ch = pickNeedleChannel(rec, opts.channel);
    if (ch < 0) throw std::runtime_error("no signal channel to analyse");
    const auto& c = rec.channels[static_cast<std::size_t>(ch)];
    checkNeedleChannel(c);

    NeedleRequest q;
    NeedleAnalysisOptions& o = q.o;
    std::string muscleSource;
    o.muscle = muscleFor(c, opts.muscle, &muscleSource);
    o.ageYears = opts.ageYears;
    std::string ageSource = opts.ageYears ? "--age" : "none";
    if (!o.ageYears) o.ageYears = emg::study::ageFromRecording(rec, &ageSource);   // the file's own "<age>: 62" or EDF+ birthdate
    o.reading.amplitudeKnown = !opts.gainUnknown;
    o.reading.electrode = needleElectrodeOf(c);
    applyNeedleOptions(opts.extra, q);
    // what the file's own header states where nothing was typed (EMGLAB: "# muscle: brachial biceps",
    // "# level: 10% MVC"): a record read without options reads as the examiner took it
    std::string effortSource = o.declaredEffort ? "--effort" : "none";
    if (!o.declaredEffort && !o.forceLevel)
        if (const auto stated = effortStatedInHeader(rec.headerComments)) {
            o.declaredEffort = stated->effort;
            effortSource = "file: '" + stated->quoted + "'";
        }
    if (muscleSource == "none")
        if (const auto v = emg::headerCommentValue(rec.headerComments, "muscle"); v && muapReference(*v, std::nullopt).muscle != "general") {
            o.muscle = *v;
            muscleSource = "file: 'muscle: " + *v + "'";
        }

    // a streamed recording: only this channel is read, as float, and analysed in place (a long
    // recording costs ~4 bytes a sample); a recording read whole is analysed as read
    const auto a = [&] {
        if (c.samples.empty() && opts.channelAsFloat) {
            auto x = opts.channelAsFloat(static_cast<std::size_t>(ch));
            return analyzeNeedleSignalInPlace(x, c.sampleRateHz, rec.annotations, o);
        }
        return analyzeNeedleSignal(c.samples, c.sampleRateHz, rec.annotations, o);
    }();

    json out;
    out["channel"] = {{"index", ch}, {"label", c.label}, {"transducer", c.transducer}, {"sampleRateHz", c.sampleRateHz},
                      {"electrode", toString(o.reading.electrode)}};
    out["filter"] = {{"highPassHz", rnd(a.filter.highPassHz, 2)}, {"lowPassHz", rnd(a.filter.lowPassHz, 1)},
                     {"notchHz", a.filter.notchHz},
                     {"humSubtractedHz", a.filter.humSubtractedHz}, {"humRmsUv", rnd(a.filter.humRmsUv, 1)},
                     {"description", a.filter.description}, {"adaptedToSampleRate", a.filter.adjustments}};
    out["noiseUv"] = rnd(a.noiseUv, 2);
    json segs = json::array();
    for (const auto& s : a.segments)
        segs.push_back({{"level", toString(s.level)}, {"startSec", rnd(s.startSec, 3)}, {"endSec", rnd(s.endSec, 3)}, {"source", s.source}});
    out["segments"] = segs;
    const auto& de = a.declaredEffort;
    out["declaredEffort"] = {{"declared", de.declared}, {"level", o.declaredEffort ? toString(*o.declaredEffort) : ""},
                             {"effortSec", rnd(de.effortSec, 3)}, {"floorUv", de.floorUv}, {"potentials", de.potentials},
                             {"largestUv", rnd(de.largestUv, 1)}, {"source", effortSource}};
    out["spontaneous"] = spontaneousJson(a.spontaneous);
    addMotorUnitsJson(a, muscleSource, ageSource, out);
    out["interference"] = interferenceJson(a.interference);
    out["multiMup"] = multiMupJson(a.multiMup);
    json evidence = json::array();
    for (const auto& e : a.reading.evidence)
        evidence.push_back({{"source", e.source}, {"suggests", toString(e.suggests)}, {"counted", e.counted}, {"text", e.text}});
    out["muscleReading"] = {{"pattern", toString(a.reading.pattern)}, {"evidence", evidence}, {"reasons", a.reading.reasons},
                            {"forClinicianToConfirm", true}};
    if (!q.decompositionFile.empty()) out["decompositionComparison"] = comparisonJson(q.decompositionFile, q.expert, a);
    out["notes"] = a.notes;
    if (opts.needleSites) {
        opts.needleSites->analyses.push_back(a);
        opts.needleSites->files.push_back(opts.file);
        opts.needleSites->criteria = o.reading;
    }
    return out;
}

}  // namespace

nlohmann::json emg::cli::muscleOverSitesJson(const NeedleSites& sites) {
    const auto m = readMuscleOverSites(sites.analyses, sites.criteria);
    json units = json::array();
    for (std::size_t i = 0; i < m.units.units.size(); ++i) {
        const auto& u = m.units.units[i];
        const auto site = m.unitSite[i];
        units.push_back({{"site", site + 1}, {"file", sites.files[site]}, {"id", u.id}, {"shapeMeasured", u.shapeMeasured},
                         {"parameters", toJson(u.params)}, {"meanRateHz", rnd(u.meanRateHz, 2)}, {"firings", u.firingTimesSec.size()}});
    }
    const auto& s = m.summary;
    json evidence = json::array();
    for (const auto& e : m.reading.evidence)
        evidence.push_back({{"source", e.source}, {"suggests", toString(e.suggests)}, {"counted", e.counted}, {"text", e.text}});
    return {{"sites", m.sites}, {"files", sites.files}, {"sitesUnitsPooled", m.sitesUnitsPooled}, {"units", units},
            {"summary", {{"units", s.unitCount}, {"unitsShapeNotMeasured", s.unitsShapeNotMeasured}, {"meanDurationMs", rnd(s.meanDurationMs, 2)},
                         {"meanAmplitudeUv", rnd(s.meanAmplitudeUv, 1)}, {"polyphasicPercent", rnd(s.polyphasicPercent, 1)},
                         {"durationDeviationPercent", rnd(s.durationDeviationPercent, 1)},
                         {"durationLimitAppliedPercent", rnd(s.durationLimitAppliedPercent, 1)}, {"pattern", toString(s.reading)},
                         {"reasons", s.reasons}}},
            {"multiMup", {{"count", m.multiMup.mups.size()}, {"measuredDurations", m.multiMup.measuredDurations},
                          {"meanDurationMs", rnd(m.multiMup.meanDurationMs, 2)}, {"meanAmplitudeUv", rnd(m.multiMup.meanAmplitudeUv, 1)}}},
            {"restSec", rnd(m.restSec, 3)}, {"effortSec", rnd(m.effortSec, 3)},
            {"muscleReading", {{"pattern", toString(m.reading.pattern)}, {"evidence", evidence}, {"reasons", m.reading.reasons},
                               {"forClinicianToConfirm", true}}},
            {"notes", m.notes}};
}

namespace {

const emg::cli::AnalyzerRegistration reg{"needle", &analyzeNeedle, &needleConfidence, /*streamsChannels=*/true};

}  // namespace
