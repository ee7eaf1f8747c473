#include "late_recording.h"

#include <emg/dsp/ncs_analysis.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iomanip>
#include <sstream>

namespace emg::ui {

namespace {
std::string percentText(double v) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(0) << v << " %";
    return s.str();
}

/// What the panel, which shows a file's last train, says of the file's other trains: where the
/// shown one starts and why, and each earlier train's decrements; `firstOfSite` gets the first train
/// of the shown one's site, read (for facilitationNote).
std::string otherTrainsNote(const dsp::PreparedSignal& signal, const std::vector<dsp::StimulusTrain>& trains,
                            const std::vector<dsp::Sweep>& sweeps, const dsp::NcsAnalysisSettings& settings,
                            std::optional<dsp::RnsResult>& firstOfSite) {
    const auto read = [&](const dsp::StimulusTrain& t) {
        std::vector<dsp::Sweep> sw;
        for (const auto& s : sweeps)
            if (std::find(t.stimuli.begin(), t.stimuli.end(), s.index) != t.stimuli.end()) sw.push_back(s);
        return sw.empty() ? std::optional<dsp::RnsResult>() : std::optional<dsp::RnsResult>(dsp::analyzeRns(sw, settings.detection));
    };
    std::ostringstream n;
    const auto& last = trains.back();
    const auto& site = signal.stimuli[last.stimuli.front()].site;
    n << "shown: train " << trains.size() << " of " << trains.size() << " in the file (" << last.stimuli.size() << " stimuli from "
      << std::fixed << std::setprecision(2) << signal.stimuli[last.stimuli.front()].timeSec << " s; it starts: " << last.startReason << ")";
    for (std::size_t k = 0; k + 1 < trains.size(); ++k) {
        const auto r = read(trains[k]);
        const auto& s0 = signal.stimuli[trains[k].stimuli.front()];
        n << "; train " << k + 1 << " (" << s0.site << ", " << trains[k].stimuli.size() << " stimuli): ";
        if (!r) {
            n << "no complete sweep";
            continue;
        }
        if (r->decrement4AmplitudePercent) n << "decrement 4th " << percentText(*r->decrement4AmplitudePercent);
        else n << "no 4th response measured";
        if (r->decrement5AmplitudePercent) n << ", 5th " << percentText(*r->decrement5AmplitudePercent);
        if (!firstOfSite && s0.site == site) firstOfSite = r;
    }
    return n.str();
}

/// The shown train's first response against the first train's of its site ("" without both).
std::string facilitationNote(const std::optional<dsp::RnsResult>& firstOfSite, const dsp::RnsResult& shown) {
    if (!firstOfSite) return {};
    const auto change = dsp::firstResponseChangePercent(*firstOfSite, shown);
    if (!change) return {};
    return "; this train's first response " + std::string(*change >= 0.0 ? "+" : "") + percentText(*change) +
           " against the first train's (after exercise: the facilitation; over 100 % is characteristic of Lambert-Eaton syndrome)";
}
}  // namespace

study::LateAnalysis analyzeLateRecording(study::LateMode mode, const Recording& recording, std::optional<int> channel) {
    const auto settings = study::lateSettingsFor(mode);
    study::PreparedSweeps prepared;
    std::vector<std::optional<double>> intensitiesMa;
    std::string trainsNote;                         // RNS of several trains: what the panel says of the others
    std::optional<dsp::RnsResult> firstOfSite;      // (and the first train of the shown one's site)
    try {
        const auto signal = dsp::prepareSignal(recording, channel, settings);
        prepared.filterDescription = signal.filterDescription;
        if (signal.stimuli.empty()) throw std::runtime_error("the recording has no stimuli");
        if (mode == study::LateMode::Rns) {
            const auto trains = dsp::rnsTrains(signal);
            std::vector<std::optional<double>> all;
            const auto sweeps = dsp::lateResponseSweeps(signal, "", settings, &all, &prepared.filterDescription);
            for (std::size_t k = 0; k < sweeps.size(); ++k)
                if (!trains.empty() && std::find(trains.back().stimuli.begin(), trains.back().stimuli.end(), sweeps[k].index) != trains.back().stimuli.end()) {
                    prepared.sweeps.push_back(sweeps[k]);
                    intensitiesMa.push_back(k < all.size() ? all[k] : std::nullopt);
                }
            if (trains.size() > 1) trainsNote = otherTrainsNote(signal, trains, sweeps, settings, firstOfSite);
        } else {
            // (an F-wave or H-reflex file whose records start at the stimulus: its unfiltered sweeps, as the CLI reads them)
            prepared.sweeps = mode == study::LateMode::FWave || mode == study::LateMode::HReflex
                                  ? dsp::lateResponseSweeps(signal, signal.stimuli.back().site, settings, &intensitiesMa, &prepared.filterDescription)
                                  : dsp::siteSweeps(signal, signal.stimuli.back().site, settings.sweep, &intensitiesMa);
        }
    } catch (const std::exception& e) {
        study::LateAnalysis out;
        out.mode = mode;
        out.error = e.what();
        spdlog::warn("late responses: recording not analysed: {}", e.what());
        return out;
    }
    auto out = study::analyzePreparedSweeps(mode, std::move(prepared), std::move(intensitiesMa));
    if (out.rns && !trainsNote.empty()) {
        const auto note = trainsNote + facilitationNote(firstOfSite, *out.rns);
        out.rns->note = out.rns->note.empty() ? note : out.rns->note + "; " + note;
    }
    return out;
}

}  // namespace emg::ui
