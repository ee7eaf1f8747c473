#include "sim_recording.h"

#include "background.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cmath>
#include <stdexcept>
#include <string>

namespace emg::sim {
namespace {

constexpr double kResponseWindowSec = 0.12;

struct PlannedStimulus {
    double timeSec;
    std::size_t site;
    double intensityMa;
    double pulseWidthMs;
    int trainIndex;
};

std::string lower(std::string_view t) {
    std::string s;
    for (char c : t) s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    return s;
}

std::string defaultNerve(SimTest t) {
    switch (t) {
    case SimTest::Sensory: return "median-sensory";
    case SimTest::HReflex: return "tibial-h";
    default: return "median-motor";
    }
}

/// Snap a time to the sample grid so annotations and stimulus samples agree exactly.
double onGrid(double t, double fs) { return std::round(t * fs) / fs; }

double defaultNoise(const SimRecordingOptions& o) {
    if (o.noiseRmsUv >= 0.0) return o.noiseRmsUv;
    return o.test == SimTest::Needle ? 7.0 : 3.0;
}

SimulatedRecording ncsRecording(const SimRecordingOptions& o) {
    NerveConfig cfg = o.nerveConfig ? *o.nerveConfig : nervePreset(o.nerve.empty() ? defaultNerve(o.test) : o.nerve);
    if (o.test == SimTest::Rns && o.rnsDecrementPercent >= 0.0) cfg.rnsDecrementPercent = o.rnsDecrementPercent;
    if ((o.test == SimTest::FWave || o.test == SimTest::Rns) && cfg.kind != NerveKind::Motor)
        throw std::invalid_argument("simulate: the " + std::string(toString(o.test)) + " test needs a motor nerve, not '" +
                                    cfg.name + "'");
    if (o.test == SimTest::HReflex && !cfg.hReflex)
        throw std::invalid_argument("simulate: the H-reflex test needs a nerve with an H-reflex (tibial-h), not '" +
                                    cfg.name + "'");
    const NerveModel nerve(cfg);
    const double fs = o.sampleRateHz;
    const double width = o.test == SimTest::HReflex ? 1.0 : (cfg.kind == NerveKind::Sensory ? 0.1 : 0.2);
    const double supra = std::min(100.0, 1.2 * nerve.supramaximalMa(width));

    std::vector<PlannedStimulus> plan;
    double t = 0.5;
    switch (o.test) {
    case SimTest::Motor:
    case SimTest::Sensory: {
        const int sweeps = o.sweepsPerSite > 0 ? o.sweepsPerSite : (o.test == SimTest::Motor ? 1 : 10);
        // sensory: 0.505 s so that mains is not phase locked to the stimulus (it averages out)
        const double interval = o.test == SimTest::Motor ? 1.0 : 0.505;
        for (std::size_t s = 0; s < nerve.siteCount(); ++s) {
            if (o.intensityRamp) {
                for (double f : {0.3, 0.5, 0.7, 0.85, 1.0}) {
                    const double lo = nerve.thresholdMa(width), hi = nerve.supramaximalMa(width);
                    plan.push_back({t, s, std::min(100.0, lo + f * (hi - lo)), width, 0});
                    t += interval;
                }
            }
            for (int k = 0; k < sweeps; ++k) {
                plan.push_back({t, s, supra, width, 0});
                t += interval;
            }
        }
        break;
    }
    case SimTest::FWave:
        for (int k = 0; k < 20; ++k, t += 1.0) plan.push_back({t, 0, supra, width, 0});
        break;
    case SimTest::HReflex: {
        const double lo = 0.3 * nerve.thresholdMa(width);
        for (int k = 0; k < 12; ++k, t += 2.0) plan.push_back({t, 0, lo + (supra - lo) * k / 11.0, width, 0});
        break;
    }
    case SimTest::Rns:
        for (int k = 0; k < 10; ++k) plan.push_back({t + k / 3.0, 0, supra, width, k});
        t += 10 / 3.0;
        break;
    case SimTest::Needle: break;
    }
    const double duration = onGrid(plan.back().timeSec + 1.0, fs);

    SimulatedRecording out;
    auto& rec = out.recording;
    rec.patientId = "SIM";
    rec.recordingId = std::string("Simulated ") + toString(o.test) + " " + cfg.name + " seed " + std::to_string(o.seed);
    rec.startDateTime = "2000-01-01T00:00:00";
    RecordedChannel ch;
    ch.label = cfg.recordingSite;
    ch.transducer = "surface electrode";
    ch.prefilter = "none (simulated)";
    ch.sampleRateHz = fs;
    ch.samples.assign(static_cast<std::size_t>(std::llround(duration * fs)), 0.0);

    auto& truth = out.truth;
    truth.test = o.test;
    truth.seed = o.seed;
    truth.nerve = cfg;
    truth.rnsDecrementPercent = cfg.rnsDecrementPercent;
    for (std::size_t s = 0; s < nerve.siteCount(); ++s) {
        const auto r = nerve.response({s, supra, width, 0}, nullptr);
        truth.sites.push_back({cfg.sites[s].name, cfg.sites[s].distanceMm, r.onsetLatencyMs, r.amplitudeUv, r.negativeDurationMs});
        if (s > 0) {
            const auto& a = truth.sites[s - 1];
            const auto& b = truth.sites[s];
            truth.segmentVelocityMps.push_back((b.distanceMm - a.distanceMm) / (b.onsetLatencyMs - a.onsetLatencyMs));
        }
    }

    std::mt19937_64 rng(o.seed);
    const auto window = static_cast<std::size_t>(std::ceil(kResponseWindowSec * fs));
    std::vector<double> resp(window);
    for (const auto& p : plan) {
        const double ts = onGrid(p.timeSec, fs);
        const auto at = static_cast<std::size_t>(std::llround(ts * fs));
        StimulusSpec spec{p.site, p.intensityMa, p.pulseWidthMs, p.trainIndex};
        StimulusTruth st;
        st.timeSec = ts;
        st.site = cfg.sites[p.site].name;
        st.siteIndex = p.site;
        st.intensityMa = p.intensityMa;
        st.pulseWidthMs = p.pulseWidthMs;
        st.trainIndex = p.trainIndex;
        st.response = nerve.response(spec, &rng);
        std::fill(resp.begin(), resp.end(), 0.0);
        nerve.renderResponse(spec, st.response, fs, resp);
        addStimulusArtifact(spec.intensityMa, spec.pulseWidthMs, fs, resp);
        for (std::size_t i = 0; i < window && at + i < ch.samples.size(); ++i) ch.samples[at + i] += resp[i];
        rec.annotations.push_back({ts, p.pulseWidthMs / 1000.0, "Stim " + st.site});
        truth.stimuli.push_back(std::move(st));
    }
    BackgroundConfig bc;
    bc.sampleRateHz = fs;
    bc.noiseRmsUv = defaultNoise(o);
    bc.mainsHz = o.mainsHz;
    bc.mainsAmplitudeUv = o.mainsAmplitudeUv;
    bc.seed = o.seed ^ 0xBACC0ULL;
    Background bg(bc);
    bg.add(ch.samples);
    rec.channels.push_back(std::move(ch));
    return out;
}

SimulatedRecording needleRecording(const SimRecordingOptions& o) {
    const double segSec = o.seconds > 0.0 ? o.seconds : 4.0;
    std::vector<std::pair<std::string, double>> segments;
    if (o.effort < 0.0) segments = {{"rest", 0.0}, {"weak", 0.15}, {"strong", 0.8}};
    else {
        char buf[32];
        std::snprintf(buf, sizeof buf, "effort %.2f", o.effort);
        segments = {{o.effort == 0.0 ? "rest" : buf, o.effort}};
    }
    NeedleMuscleConfig nc;
    nc.pattern = o.pattern;
    nc.effort = segments.front().second;
    const int grade = o.denervationGrade >= 0 ? o.denervationGrade : (o.pattern == MusclePattern::Neuropathic ? 2 : 0);
    nc.spontaneous = SpontaneousConfig::fromGrade(grade, false);
    nc.sampleRateHz = o.sampleRateHz;
    nc.seed = o.seed;
    nc.noiseRmsUv = defaultNoise(o);
    nc.mainsHz = o.mainsHz;
    nc.mainsAmplitudeUv = o.mainsAmplitudeUv;
    NeedleMuscleModel model(nc);
    std::vector<std::pair<double, double>> schedule;
    for (std::size_t i = 0; i < segments.size(); ++i) schedule.emplace_back(segSec * static_cast<double>(i), segments[i].second);
    NeedleSignal sig = model.generate(segSec * static_cast<double>(segments.size()), schedule);

    SimulatedRecording out;
    auto& rec = out.recording;
    rec.patientId = "SIM";
    rec.recordingId = std::string("Simulated needle ") + toString(o.pattern) + " seed " + std::to_string(o.seed);
    rec.startDateTime = "2000-01-01T00:00:00";
    RecordedChannel ch;
    ch.label = "Needle TA";
    ch.transducer = "concentric needle electrode";
    ch.prefilter = "none (simulated)";
    ch.sampleRateHz = sig.sampleRateHz;
    ch.samples = std::move(sig.microvolts);
    rec.channels.push_back(std::move(ch));

    auto& truth = out.truth;
    truth.test = SimTest::Needle;
    truth.seed = o.seed;
    truth.pattern = o.pattern;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        NeedleSegmentTruth seg;
        seg.label = segments[i].first;
        seg.startSec = segSec * static_cast<double>(i);
        seg.durationSec = segSec;
        seg.effort = segments[i].second;
        for (const auto& u : sig.units) {
            int n = 0;
            double first = 0.0, last = 0.0;
            for (double ft : u.firingTimesSec)
                if (ft >= seg.startSec && ft < seg.startSec + segSec) {
                    if (n == 0) first = ft;
                    last = ft;
                    ++n;
                }
            if (n > 0) ++seg.activeUnits;
            if (n >= 2) seg.fastestRateHz = std::max(seg.fastestRateHz, (n - 1) / (last - first));
        }
        std::string text = "Effort " + seg.label.substr(seg.label.find(' ') + 1);
        if (seg.label == "rest") text = "Rest";
        if (seg.label == "weak") text = "Weak effort";
        if (seg.label == "strong") text = "Strong effort";
        rec.annotations.push_back({seg.startSec, segSec, text});
        truth.segments.push_back(seg);
    }
    truth.units = std::move(sig.units);
    truth.spontaneous = std::move(sig.spontaneous);
    return out;
}

}  // namespace

const char* toString(SimTest t) noexcept {
    switch (t) {
    case SimTest::Motor: return "motor";
    case SimTest::Sensory: return "sensory";
    case SimTest::FWave: return "fwave";
    case SimTest::HReflex: return "hreflex";
    case SimTest::Rns: return "rns";
    case SimTest::Needle: return "needle";
    }
    return "?";
}

SimTest parseSimTest(std::string_view text) {
    const std::string s = lower(text);
    if (s == "motor") return SimTest::Motor;
    if (s == "sensory") return SimTest::Sensory;
    if (s == "fwave" || s == "f-wave") return SimTest::FWave;
    if (s == "hreflex" || s == "h-reflex") return SimTest::HReflex;
    if (s == "rns") return SimTest::Rns;
    if (s == "needle") return SimTest::Needle;
    throw std::invalid_argument("unknown test '" + std::string(text) + "' (motor, sensory, fwave, hreflex, rns, needle)");
}

void SimRecordingOptions::validate() const {
    if (!(sampleRateHz >= 4000.0 && sampleRateHz <= 48000.0))
        throw std::invalid_argument("simulate: sample rate must be 4-48 kHz, not " + std::to_string(sampleRateHz));
    if (!(effort < 0.0 || effort <= 1.0)) throw std::invalid_argument("simulate: effort must be 0-1");
    if (!(seconds >= 0.0 && seconds <= 600.0)) throw std::invalid_argument("simulate: seconds must be 0-600");
    if (denervationGrade > 4) throw std::invalid_argument("simulate: denervation grade must be 0-4");
    if (!(rnsDecrementPercent <= 90.0)) throw std::invalid_argument("simulate: RNS decrement must be 0-90 %");
    if (sweepsPerSite < 0 || sweepsPerSite > 200) throw std::invalid_argument("simulate: sweeps per site must be 0-200");
    if (!(mainsHz == 50.0 || mainsHz == 60.0)) throw std::invalid_argument("simulate: mains must be 50 or 60 Hz");
    if (!(mainsAmplitudeUv >= 0.0 && mainsAmplitudeUv <= 10000.0))
        throw std::invalid_argument("simulate: mains amplitude must be 0-10000 uV");
    if (!(noiseRmsUv <= 1000.0)) throw std::invalid_argument("simulate: noise rms must be <= 1000 uV");
}

SimulatedRecording simulateRecording(const SimRecordingOptions& options) {
    options.validate();
    if (options.test == SimTest::Needle) return needleRecording(options);
    return ncsRecording(options);
}

}  // namespace emg::sim
