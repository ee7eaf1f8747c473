#include <emg/dsp/rns_train_notes.h>

#include <algorithm>
#include <iomanip>
#include <sstream>

namespace emg::dsp {

namespace {
std::string percentText(double v) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(0) << v << " %";
    return s.str();
}
}  // namespace

std::vector<Sweep> sweepsOfTrain(std::span<const Sweep> sweeps, const StimulusTrain& train) {
    std::vector<Sweep> out;
    for (const auto& s : sweeps)
        if (std::find(train.stimuli.begin(), train.stimuli.end(), s.index) != train.stimuli.end()) out.push_back(s);
    return out;
}

OtherTrains describeOtherTrains(const PreparedSignal& signal, const std::vector<StimulusTrain>& trains, std::span<const Sweep> sweeps,
                                const DetectionSettings& detection, std::optional<std::size_t> shownIndex) {
    OtherTrains out;
    if (trains.size() < 2) return out;
    const std::size_t shown = std::min(shownIndex.value_or(trains.size() - 1), trains.size() - 1);
    const auto read = [&](const StimulusTrain& t) {
        const auto sw = sweepsOfTrain(sweeps, t);
        return sw.empty() ? std::optional<RnsResult>() : std::optional<RnsResult>(analyzeRns(sw, detection));
    };
    std::ostringstream n;
    const auto& train = trains[shown];
    const auto& site = signal.stimuli[train.stimuli.front()].site;
    n << "shown: train " << shown + 1 << " of " << trains.size() << " in the file (" << train.stimuli.size() << " stimuli from "
      << std::fixed << std::setprecision(2) << signal.stimuli[train.stimuli.front()].timeSec << " s";
    if (!train.condition.empty()) n << ", '" << train.condition << "'";
    n << (shown == 0 ? std::string(")") : "; it starts: " + train.startReason + ")");
    for (std::size_t k = 0; k < trains.size(); ++k) {
        if (k == shown) continue;
        const auto& s0 = signal.stimuli[trains[k].stimuli.front()];
        const bool firstOfSite = k < shown && !out.firstOfSite && s0.site == site;
        const auto r = read(trains[k]);
        n << "; train " << k + 1 << " (" << s0.site << ", " << trains[k].stimuli.size() << " stimuli";
        if (!trains[k].condition.empty()) n << ", '" << trains[k].condition << "'";
        n << "): ";
        if (!r) {
            n << "no complete sweep";
            continue;
        }
        if (r->decrement4AmplitudePercent) n << "decrement 4th " << percentText(*r->decrement4AmplitudePercent);
        else n << "no 4th response measured";
        if (r->decrement5AmplitudePercent) n << ", 5th " << percentText(*r->decrement5AmplitudePercent);
        if (firstOfSite) out.firstOfSite = r;
    }
    out.note = n.str();
    return out;
}

std::string facilitationNote(const std::optional<RnsResult>& firstOfSite, const RnsResult& shown) {
    if (!firstOfSite) return {};
    const auto change = firstResponseChangePercent(*firstOfSite, shown);
    if (!change) return {};
    return "; this train's first response " + std::string(*change >= 0.0 ? "+" : "") + percentText(*change) +
           " against the first train's (after exercise: the facilitation; over 100 % is characteristic of Lambert-Eaton syndrome)";
}

}  // namespace emg::dsp
