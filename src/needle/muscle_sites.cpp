#include <emg/needle/muscle_sites.h>

#include <emg/needle/muscle_reading.h>
#include <emg/needle/muscle_summary.h>

#include <algorithm>
#include <optional>
#include <stdexcept>

namespace emg::needle {

namespace {

/// The sources each site reads for itself (its own recruitment, interference and effort), weighed
/// over the sites; the MUPs (units, multi-MUP, outliers) and the rest are pooled instead.
constexpr const char* kSiteSources[] = {"recruitment", "interference", "spectrum", "largest potentials", "turns/amplitude ratio",
                                        "declared effort"};

/// One source's pieces over the sites: counted where it counted at one site at least; suggests what
/// most counting sites suggest (a tie between normal and a direction: that direction; between the
/// two directions: mixed). Null when no site has the source.
std::optional<ReadingEvidence> overSites(std::span<const NeedleAnalysis> sites, const std::string& source) {
    int present = 0, counted = 0, normal = 0, neuro = 0, myo = 0;
    std::string bySite;
    for (std::size_t k = 0; k < sites.size(); ++k) {
        const auto* e = sites[k].reading.evidenceFrom(source);
        if (!bySite.empty()) bySite += ", ";
        if (!e) {
            bySite += "-";
            continue;
        }
        ++present;
        if (!e->counted) {
            bySite += "not counted";
            continue;
        }
        ++counted;
        bySite += toString(e->suggests);
        normal += e->suggests == PatternReading::Normal;
        neuro += e->suggests == PatternReading::Neuropathic || e->suggests == PatternReading::Mixed;
        myo += e->suggests == PatternReading::Myopathic || e->suggests == PatternReading::Mixed;
    }
    if (present == 0) return std::nullopt;
    ReadingEvidence out{source, PatternReading::Insufficient, counted > 0, ""};
    const int abnormal = std::max(neuro, myo);
    if (counted > 0) {
        if (abnormal > 0 && abnormal >= normal)
            out.suggests = neuro > myo ? PatternReading::Neuropathic : myo > neuro ? PatternReading::Myopathic : PatternReading::Mixed;
        else
            out.suggests = PatternReading::Normal;
    }
    out.text = "counted at " + std::to_string(counted) + " of " + std::to_string(sites.size()) + " sites" +
               (counted > 0 ? " (normal " + std::to_string(normal) + ", neuropathic " + std::to_string(neuro) + ", myopathic " +
                                  std::to_string(myo) + "): " + toString(out.suggests) + ", what most of them read"
                            : ": not counted") +
               "; site by site: " + bySite;
    return out;
}

void addMultiMups(MultiMupResult& to, const MultiMupResult& from) {
    to.mups.insert(to.mups.end(), from.mups.begin(), from.mups.end());
    to.epochs += from.epochs;
    to.analysedSec += from.analysedSec;
    to.candidates += from.candidates;
    to.groups += from.groups;
    for (const auto& [why, n] : from.rejected) to.rejected[why] += n;
    for (const auto& [why, n] : from.notMeasurable) to.notMeasurable[why] += n;
}

void addSpontaneous(SpontaneousResult& to, const SpontaneousResult& from) {
    to.potentials.insert(to.potentials.end(), from.potentials.begin(), from.potentials.end());
    to.trains.insert(to.trains.end(), from.trains.begin(), from.trains.end());
    to.analysedSec += from.analysedSec;
    to.noiseUv = std::max(to.noiseUv, from.noiseUv);
    to.thresholdUv = std::max(to.thresholdUv, from.thresholdUv);
    if (from.grade > to.grade || to.gradeReason.empty()) {
        to.grade = std::max(to.grade, from.grade);
        to.gradeReason = from.gradeReason;
    }
}

}  // namespace

MuscleOverSites readMuscleOverSites(std::span<const NeedleAnalysis> sites, const ReadingCriteria& c) {
    if (sites.empty()) throw std::invalid_argument("muscle over sites: no site given");
    const MuapReference& ref = sites.front().summary.reference;
    for (const auto& s : sites)
        if (s.summary.reference.muscle != ref.muscle)
            throw std::invalid_argument("muscle over sites: the sites were read against different muscles ('" + ref.muscle + "', '" +
                                        s.summary.reference.muscle + "'): give the sites of one muscle");
    MuscleOverSites m;
    m.sites = sites.size();
    double maxNoiseUv = 0.0, maxRelativeNoise = 0.0, anyNoiseUv = 0.0;
    std::string notPooled;
    for (std::size_t k = 0; k < sites.size(); ++k) {
        const auto& s = sites[k];
        anyNoiseUv = std::max(anyNoiseUv, s.motorUnits.noiseUv);
        m.restSec += s.restSec;
        m.effortSec += s.weakSec + s.strongSec;
        addMultiMups(m.multiMup, s.multiMup);
        addSpontaneous(m.spontaneous, s.spontaneous);
        if (s.motorUnits.units.empty()) continue;
        if (!unitsFairSample(s.summary, s.motorUnits, c)) {
            notPooled += (notPooled.empty() ? "" : ", ") + std::to_string(k + 1);
            continue;
        }
        ++m.sitesUnitsPooled;
        maxNoiseUv = std::max(maxNoiseUv, s.motorUnits.noiseUv);
        if (s.summary.meanAmplitudeUv > 0.0) maxRelativeNoise = std::max(maxRelativeNoise, s.motorUnits.noiseUv / s.summary.meanAmplitudeUv);
        for (auto u : s.motorUnits.units) {
            u.id += 1000 * static_cast<int>(k + 1);
            m.units.units.push_back(std::move(u));
            m.unitSite.push_back(k);
        }
    }
    summarizeMultiMups(m.multiMup);
    SummaryCriteria sc;
    sc.amplitudeKnown = c.amplitudeKnown;
    m.summary = summarizeMuscle(m.units.units, ref, sc);
    // the pooled units' baseline: the noisiest fair site's, in µV or relative to the units' size
    // (so the pool is a fair sample exactly when every site it holds was one)
    if (m.sitesUnitsPooled == 0) m.units.noiseUv = anyNoiseUv;
    else m.units.noiseUv = c.amplitudeKnown ? maxNoiseUv : maxRelativeNoise * m.summary.meanAmplitudeUv;

    m.reading = readMuscle(m.summary, m.units, RecruitmentResult{}, InterferenceResult{}, m.spontaneous, m.multiMup, m.restSec, m.effortSec,
                           c, DeclaredEffortActivity{});
    auto& ev = m.reading.evidence;
    for (const char* source : kSiteSources) {
        const auto combined = overSites(sites, source);
        const auto it = std::find_if(ev.begin(), ev.end(), [&](const ReadingEvidence& e) { return e.source == source; });
        if (!combined) {
            if (it != ev.end()) ev.erase(it);
        } else if (it != ev.end()) {
            *it = *combined;
        } else {
            ev.push_back(*combined);
        }
    }
    if (auto u = std::find_if(ev.begin(), ev.end(), [](const ReadingEvidence& e) { return e.source == "motor units"; }); u != ev.end())
        u->text += " (pooled from " + std::to_string(m.sitesUnitsPooled) + " of " + std::to_string(m.sites) + " sites)";
    decideReading(m.reading, m.restSec, m.effortSec, m.spontaneous.grade, c.electrode == NeedleElectrode::Monopolar);
    if (const auto* r = m.reading.evidenceFrom("recruitment"); r && r->counted)
        m.recruitment = r->suggests == PatternReading::Neuropathic ? RecruitmentReading::Reduced
                      : r->suggests == PatternReading::Myopathic   ? RecruitmentReading::Early
                                                                   : RecruitmentReading::Normal;
    if (const auto* i = m.reading.evidenceFrom("interference"); i && i->counted)
        m.interference = i->suggests == PatternReading::Neuropathic ? InterferenceReading::Neuropathic
                       : i->suggests == PatternReading::Myopathic   ? InterferenceReading::Myopathic
                       : i->suggests == PatternReading::Mixed       ? InterferenceReading::Mixed
                                                                    : InterferenceReading::Normal;

    m.notes.push_back(std::to_string(m.sites) + " sites; motor units pooled from " + std::to_string(m.sitesUnitsPooled) + " (" +
                      std::to_string(m.summary.unitCount) + " with a measured shape), multi-MUP MUPs from all (" +
                      std::to_string(m.multiMup.measuredDurations) + " with a measured duration)");
    if (!notPooled.empty())
        m.notes.push_back("units of site(s) " + notPooled + " not pooled: the baseline between them was never quiet, so only the largest were sorted");
    return m;
}

}  // namespace emg::needle
