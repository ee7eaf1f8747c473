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

OtherTrains describeOtherTrains(const PreparedSignal& signal, const std::vector<StimulusTrain>& trains, std::span<const Sweep> sweeps,
                                const DetectionSettings& detection) {
    OtherTrains out;
    if (trains.size() < 2) return out;
    const auto read = [&](const StimulusTrain& t) {
        std::vector<Sweep> sw;
        for (const auto& s : sweeps)
            if (std::find(t.stimuli.begin(), t.stimuli.end(), s.index) != t.stimuli.end()) sw.push_back(s);
        return sw.empty() ? std::optional<RnsResult>() : std::optional<RnsResult>(analyzeRns(sw, detection));
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
        if (!out.firstOfSite && s0.site == site) out.firstOfSite = r;
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
