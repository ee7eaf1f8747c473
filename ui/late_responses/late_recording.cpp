#include "late_recording.h"

#include <emg/dsp/ncs_analysis.h>
#include <emg/dsp/rns_train_notes.h>

#include <spdlog/spdlog.h>

#include <algorithm>

namespace emg::ui {

study::LateAnalysis analyzeLateRecording(study::LateMode mode, const Recording& recording, std::optional<int> channel,
                                         std::optional<std::size_t> rnsTrain) {
    const auto settings = study::lateSettingsFor(mode);
    study::PreparedSweeps prepared;
    std::vector<std::optional<double>> intensitiesMa;
    dsp::OtherTrains others;   // RNS of several trains: what the panel says of the others
    std::vector<std::string> labels;
    std::size_t shown = 0;
    std::string stimuliNote, stimuliSource;
    try {
        const auto signal = dsp::prepareSignal(recording, channel, settings);
        prepared.filterDescription = signal.filterDescription;
        stimuliNote = signal.stimuliOrigin;   // the recording marks none: say how they were placed
        stimuliSource = signal.stimuliOriginShort;
        if (signal.stimuli.empty()) throw std::runtime_error("the recording has no stimuli");
        if (mode == study::LateMode::Rns) {
            const auto trains = dsp::rnsTrains(signal);
            for (std::size_t k = 0; k < trains.size(); ++k) labels.push_back(dsp::rnsTrainLabel(trains, k));
            shown = trains.empty() ? 0 : std::min(rnsTrain.value_or(trains.size() - 1), trains.size() - 1);
            std::vector<std::optional<double>> all;
            const auto sweeps = dsp::lateResponseSweeps(signal, "", settings, &all, &prepared.filterDescription);
            for (std::size_t k = 0; k < sweeps.size(); ++k)
                if (!trains.empty() && std::find(trains[shown].stimuli.begin(), trains[shown].stimuli.end(), sweeps[k].index) != trains[shown].stimuli.end()) {
                    prepared.sweeps.push_back(sweeps[k]);
                    intensitiesMa.push_back(k < all.size() ? all[k] : std::nullopt);
                }
            others = dsp::describeOtherTrains(signal, trains, sweeps, settings.detection, shown);
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
    out.stimuliNote = std::move(stimuliNote);
    out.stimuliSource = std::move(stimuliSource);
    out.rnsTrainLabels = std::move(labels);
    out.rnsTrainShown = shown;
    if (out.rns && others.firstOfSite) out.rnsFirstResponseChangePercent = dsp::firstResponseChangePercent(*others.firstOfSite, *out.rns);
    if (out.rns && !others.note.empty()) {
        const auto note = others.note + dsp::facilitationNote(others.firstOfSite, *out.rns);
        out.rns->note = out.rns->note.empty() ? note : out.rns->note + "; " + note;
    }
    return out;
}

}  // namespace emg::ui
