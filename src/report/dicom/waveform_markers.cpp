#include "waveform_markers.h"

#include <emg/dsp/stimulus_events.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <optional>

namespace emg::report::dicom {

namespace {

bool endsWith(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

bool isLatency(const std::string& name) { return name == "latencyMs" || endsWith(name, "LatencyMs"); }

/// A site name compared without case, hyphens or underscores: "Below-fibular head" is "below fibular head".
std::string siteKey(const std::string& s) {
    std::string out;
    for (char c : s) {
        const char k = (c == '-' || c == '_') ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (k == ' ' && (out.empty() || out.back() == ' ')) continue;
        out += k;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

struct Stimulus {
    double onsetSec;
    std::string site;   ///< lower case
};

std::vector<Stimulus> stimuliIn(const LinkedSpan& span) {
    std::vector<Stimulus> out;
    for (const auto& a : span.annotations)
        if (const auto st = dsp::parseStimText(a.text)) out.push_back({a.onsetSec, st->site});
    return out;
}

std::optional<double> stimulusFor(const std::vector<Stimulus>& stimuli, const std::string& site) {
    if (stimuli.empty()) return std::nullopt;
    if (!site.empty())
        for (const auto& s : stimuli)
            if (siteKey(s.site) == siteKey(site)) return s.onsetSec;
    return stimuli.front().onsetSec;
}

struct LatencyContext {
    const LinkedSpan& span;
    const std::vector<Stimulus>& stimuli;
    const std::string& testId;
    std::vector<WaveformMarker>& out;
    std::vector<std::string>& notes;
};

void addLatencies(LatencyContext& c, const std::vector<study::Measurement>& measurements, const std::string& site) {
    const double rate = c.span.channels.front().sampleRateHz;
    const auto samples = static_cast<std::int64_t>(c.span.samplesPerChannel());
    for (const auto& m : measurements) {
        if (!isLatency(m.name)) continue;
        const std::string where = site.empty() ? "" : site + ": ";
        const auto stim = stimulusFor(c.stimuli, site);
        if (!stim) {
            c.notes.push_back("test " + c.testId + ": " + where + m.name + " not marked: no stimulus annotation in the linked span");
            continue;
        }
        const auto index = static_cast<std::int64_t>(std::llround((*stim + m.value / 1000.0) * rate));
        if (index < 0 || index >= samples) {
            c.notes.push_back("test " + c.testId + ": " + where + m.name + " not marked: outside the linked span");
            continue;
        }
        char value[32];
        std::snprintf(value, sizeof value, "%g", m.value);
        c.out.push_back({index, where + m.name + " " + value + " ms", 2});
    }
}

}  // namespace

std::vector<WaveformMarker> markersFor(const study::Test& test, const LinkedSpan& span, std::vector<std::string>& notes) {
    std::vector<WaveformMarker> out;
    if (span.channels.empty()) return out;
    const double rate = span.channels.front().sampleRateHz;
    for (const auto& a : span.annotations) {
        const auto index = static_cast<std::int64_t>(std::llround(a.onsetSec * rate));
        if (index >= 0 && index < static_cast<std::int64_t>(span.samplesPerChannel())) out.push_back({index, a.text, 1});
    }
    const auto stimuli = stimuliIn(span);
    const auto& common = study::common(test);
    LatencyContext c{span, stimuli, common.id, out, notes};
    std::visit(
        [&](const auto& t) {
            using T = std::decay_t<decltype(t)>;
            if constexpr (std::is_same_v<T, study::MotorNcs> || std::is_same_v<T, study::SensoryNcs>)
                for (const auto& site : t.sites) addLatencies(c, site.measurements, site.name);
        },
        test);
    addLatencies(c, common.measurements, "");
    return out;
}

}  // namespace emg::report::dicom
