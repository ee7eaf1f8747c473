#include <emg/needle/muscle_reading.h>

#include <emg/needle/muap_outliers.h>
#include <emg/needle/reference_values.h>

#include <sstream>
#include <vector>

namespace emg::needle {

namespace {

std::string fmt(double v, int decimals = 1) {
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(decimals);
    s << v;
    return s.str();
}

PatternReading fromInterference(InterferenceReading r) {
    switch (r) {
        case InterferenceReading::Normal: return PatternReading::Normal;
        case InterferenceReading::Neuropathic: return PatternReading::Neuropathic;
        case InterferenceReading::Myopathic: return PatternReading::Myopathic;
        case InterferenceReading::Mixed: return PatternReading::Mixed;
        case InterferenceReading::Insufficient: return PatternReading::Insufficient;
    }
    return PatternReading::Insufficient;
}

/// The units' reading from their mean duration alone (for a file whose gain is unknown).
PatternReading durationOnly(const MuscleSummary& u) {
    const double lim = u.durationLimitAppliedPercent;
    if (u.durationDeviationPercent > lim) return PatternReading::Neuropathic;
    if (u.durationDeviationPercent < -lim) return PatternReading::Myopathic;
    return PatternReading::Normal;
}

/// Whether the sorted units are a fair sample: the baseline between them was quiet (in µV, or
/// relative to their mean amplitude without a gain); otherwise only the largest were sorted.
bool fairSample(const MuscleSummary& u, const SortResult& sort, const ReadingCriteria& c) {
    return c.amplitudeKnown ? sort.noiseUv <= c.quietBaselineMaxUv : sort.noiseUv <= c.relativeQuietMax * u.meanAmplitudeUv;
}

/// Whether the mean duration of the measured units (those of the summary) stays beyond the limit
/// for one unit fewer, on the same side, whichever one unit is left out: a few units' mean counts
/// only when no single unit (one more or less sorted, or one unit's markers) decides it.
bool beyondWithoutAnyOne(const SortResult& sort, const MuapReference& ref, PatternReading side) {
    std::vector<double> durations;
    for (const auto& mu : sort.units)
        if (mu.shapeMeasured) durations.push_back(mu.params.durationMs);
    const auto n = static_cast<int>(durations.size());
    if (n < 2 || !(ref.meanDurationMs > 0.0)) return false;
    double sum = 0.0;
    for (double d : durations) sum += d;
    const double lim = meanDurationLimitPercent(ref, n - 1);
    for (double d : durations) {
        const double dev = 100.0 * ((sum - d) / (n - 1) - ref.meanDurationMs) / ref.meanDurationMs;
        if (side == PatternReading::Neuropathic ? !(dev > lim) : !(dev < -lim)) return false;
    }
    return true;
}

ReadingEvidence unitEvidence(const MuscleSummary& u, const SortResult& sort, const ReadingCriteria& c) {
    ReadingEvidence e{"motor units", u.reading, false, ""};
    const std::string unit = c.amplitudeKnown ? " uV" : " counts";
    std::string what = std::to_string(u.unitCount) + " units";
    if (u.unitCount > 0)
        what += ", mean duration " + fmt(u.meanDurationMs) + " ms, mean amplitude " + fmt(u.meanAmplitudeUv, 0) + unit;
    if (u.unitsShapeNotMeasured > 0)
        what += " (" + std::to_string(u.unitsShapeNotMeasured) + " more not measured as one unit, other units' activity in " +
                "the long window or several units in one train: left out, listed for review)";
    const bool quiet = fairSample(u, sort, c);
    const std::string limitForN = "the limit +-" + fmt(u.durationLimitAppliedPercent) + " % for a mean of " + std::to_string(u.unitCount) +
                                  " units (+-" + fmt(u.reference.durationLimitPercent, 0) + " % for 20)";
    if (u.unitCount < c.minUnits) {
        const auto side = durationOnly(u);
        const bool beyond = u.unitCount >= c.minUnitsBeyondLimit && quiet && side != PatternReading::Normal;
        if (beyond && !beyondWithoutAnyOne(sort, u.reference, side)) {
            e.text = what + ": mean duration " + fmt(u.durationDeviationPercent) + " % from the expected " + fmt(u.reference.meanDurationMs) +
                     " ms, beyond " + limitForN + ", but not without one of them (the mean of the others within the limit for " +
                     std::to_string(u.unitCount - 1) + "): not counted, one unit decides it";
        } else if (beyond) {
            // a few units: their mean duration alone, and only beyond the wider limit of so few
            e.counted = true;
            e.suggests = side;
            e.text = what + ": mean duration " + fmt(u.durationDeviationPercent) + " % from the expected " + fmt(u.reference.meanDurationMs) +
                     " ms, beyond " + limitForN + ": " + toString(e.suggests) + " (fewer than " + std::to_string(c.minUnits) +
                     " units count by duration alone and only beyond that limit: they can make the muscle abnormal, never normal)";
        } else {
            e.text = what + ": fewer than " + std::to_string(c.minUnits) + ", not counted";
            if (u.unitCount >= c.minUnitsBeyondLimit && quiet) e.text += " (mean duration within " + limitForN + ")";
        }
    } else if (!quiet) {
        e.text = what + ": not counted, the baseline is never quiet (noise " + fmt(sort.noiseUv, 0) + unit + ") so only the " +
                 "largest potentials were sorted";
    } else if (u.reading == PatternReading::Insufficient) {
        e.text = what + ": insufficient";
    } else if (!c.amplitudeKnown) {
        e.counted = true;
        e.suggests = durationOnly(u);
        e.text = what + ": by duration alone (gain unknown), " + fmt(u.durationDeviationPercent) + " % from the expected " +
                 fmt(u.reference.meanDurationMs) + " ms, " + limitForN + ": " + toString(e.suggests);
    } else {
        e.counted = true;
        e.text = what + ": " + toString(u.reading);
    }
    return e;
}

/// `ratesOnly`: the units' measures cannot count (no gain, or a monopolar record against concentric
/// references), so recruitment counts by its rates and number of units; `why` says which.
ReadingEvidence recruitmentEvidence(const RecruitmentResult& r, bool unitsCounted, const ReadingCriteria& c, bool ratesOnly,
                                    const std::string& why) {
    ReadingEvidence e{"recruitment", PatternReading::Insufficient, false, r.explanation};
    if (r.reading == RecruitmentReading::Unknown) {
        if (e.text.empty()) e.text = "not assessed (no sorted units)";
        return e;
    }
    e.suggests = r.reading == RecruitmentReading::Reduced ? PatternReading::Neuropathic
               : r.reading == RecruitmentReading::Early   ? PatternReading::Myopathic
                                                          : PatternReading::Normal;
    // without a gain the units' sizes say nothing, but their rates and number do
    const bool byRates = ratesOnly && r.unitCount >= c.minRecruitmentUnits;
    e.counted = unitsCounted || byRates;
    if (!e.counted)
        e.text += !ratesOnly ? " (not counted: the units are not a fair sample)"
                             : " (not counted: " + std::to_string(r.unitCount) + " sorted unit(s), " +
                                   std::to_string(c.minRecruitmentUnits) + " needed)";
    else if (!unitsCounted)
        e.text += " (counted " + why + ": rates and the number of units need no uV)";
    return e;
}

ReadingEvidence interferenceEvidence(const InterferenceResult& ip, const ReadingCriteria& c) {
    ReadingEvidence e{"interference", fromInterference(ip.reading), false, ""};
    const auto n = static_cast<int>(ip.epochs.size());
    if (n < c.minInterferenceEpochs) {
        e.suggests = PatternReading::Insufficient;
        e.text = std::to_string(n) + " epochs with >= 30 turns/s, " + std::to_string(c.minInterferenceEpochs) + " needed";
        return e;
    }
    e.counted = e.suggests != PatternReading::Insufficient && c.amplitudeKnown;
    e.text = std::to_string(n) + " epochs, " + fmt(ip.meanTurnsPerSec, 0) + " turns/s, " + fmt(ip.meanAmplitudePerTurnUv, 0) +
             " uV per turn; " + fmt(ip.pointsAbovePercent, 0) + " % above and " + fmt(ip.pointsBelowPercent, 0) +
             " % below the cloud '" + ip.cloud.name + "': " + toString(e.suggests);
    if (!c.amplitudeKnown) e.text += " (not counted: the gain is unknown, the cloud is in uV)";
    return e;
}

ReadingEvidence spectrumEvidence(const InterferenceResult& ip, const ReadingCriteria& c) {
    ReadingEvidence e{"spectrum", PatternReading::Insufficient, false, ""};
    if (ip.meanFrequencyHz <= 0.0 || static_cast<int>(ip.epochs.size()) < c.minInterferenceEpochs) {
        e.text = "no interference pattern to measure";
        return e;
    }
    const std::string mf = "mean frequency " + fmt(ip.meanFrequencyHz, 0) + " Hz (" + fmt(ip.spectrumLowHz, 0) + "-" +
                           fmt(ip.spectrumHighHz, 0) + " Hz)";
    if (ip.cloud.meanFrequencyHighHz <= 0.0) {
        e.text = mf + ": no reference limit";
        return e;
    }
    e.counted = true;
    if (ip.meanFrequencyHz > ip.cloud.meanFrequencyHighHz && c.amplitudeKnown && ip.pointsAbovePercent > 0.0 &&
        ip.reading != InterferenceReading::Myopathic) {
        // large potentials with sharp, polyphasic spikes raise the mean frequency too: brief AND
        // small is myopathic, brief with amplitudes above the cloud is not
        e.counted = false;
        e.suggests = PatternReading::Normal;
        e.text = mf + " above " + fmt(ip.cloud.meanFrequencyHighHz, 0) + " Hz, but " + fmt(ip.pointsAbovePercent, 0) +
                 " % of epochs have amplitudes above the cloud: sharp large potentials, not counted as myopathic";
    } else if (ip.meanFrequencyHz > ip.cloud.meanFrequencyHighHz) {
        e.suggests = PatternReading::Myopathic;
        e.text = mf + " above " + fmt(ip.cloud.meanFrequencyHighHz, 0) + " Hz: brief potentials";
    } else {
        e.suggests = PatternReading::Normal;
        e.text = mf + " within the limit " + fmt(ip.cloud.meanFrequencyHighHz, 0) + " Hz";
    }
    return e;
}

/// The largest spikes of the interference (interference_spikes.h) against the cloud's limit: the
/// large potentials of reinnervated units, which the mean amplitude per turn dilutes.
ReadingEvidence largestSpikesEvidence(const InterferenceResult& ip, const ReadingCriteria& c) {
    ReadingEvidence e{"largest potentials", PatternReading::Insufficient, false, ""};
    if (static_cast<int>(ip.epochs.size()) < c.minInterferenceEpochs || ip.largestSpikesUv <= 0.0) {
        e.text = ip.epochs.empty() ? "no interference pattern to measure"
                                   : std::to_string(ip.spikes) + " spikes of >= " + fmt(ip.cloud.turnCriterionUv, 0) +
                                         " uV in too short an interference pattern (20 spikes and 3 epochs needed)";
        return e;
    }
    const std::string unit = c.amplitudeKnown ? " uV" : " counts";
    e.text = "median peak to peak of the 20 largest of " + std::to_string(ip.spikes) + " spikes " + fmt(ip.largestSpikesUv, 0) + unit;
    if (ip.cloud.largestSpikesHighUv <= 0.0) {
        e.text += ": no reference limit";
        return e;
    }
    e.suggests = ip.largestSpikesUv > ip.cloud.largestSpikesHighUv ? PatternReading::Neuropathic : PatternReading::Normal;
    e.text += (e.suggests == PatternReading::Neuropathic ? " above the limit " : " within the limit ") +
              fmt(ip.cloud.largestSpikesHighUv, 0) + " uV" + (e.suggests == PatternReading::Neuropathic ? ": large potentials" : "");
    e.counted = c.amplitudeKnown;
    if (!c.amplitudeKnown) e.text += " (not counted: the gain is unknown, the limit is in uV)";
    return e;
}

/// The turns/amplitude ratio (turns/s per uV rms of the counted epochs) against the cloud's limit:
/// many turns for little amplitude is the pattern of small, brief, polyphasic potentials.
ReadingEvidence turnsAmplitudeRatioEvidence(const InterferenceResult& ip, const ReadingCriteria& c) {
    ReadingEvidence e{"turns/amplitude ratio", PatternReading::Insufficient, false, ""};
    if (static_cast<int>(ip.epochs.size()) < c.minInterferenceEpochs || ip.turnsPerRms <= 0.0) {
        e.text = "no interference pattern to measure";
        return e;
    }
    e.text = fmt(ip.meanTurnsPerSec, 0) + " turns/s at " + fmt(ip.meanRmsUv, 0) + (c.amplitudeKnown ? " uV" : " counts") + " rms: " +
             fmt(ip.turnsPerRms, 2) + " turns/s per uV";
    if (ip.cloud.turnsPerRmsHigh <= 0.0) {
        e.text += ": no reference limit";
        return e;
    }
    e.suggests = ip.turnsPerRms > ip.cloud.turnsPerRmsHigh ? PatternReading::Myopathic : PatternReading::Normal;
    e.text += (e.suggests == PatternReading::Myopathic ? " above the limit " : " within the limit ") + fmt(ip.cloud.turnsPerRmsHigh, 2) +
              (e.suggests == PatternReading::Myopathic ? ": many turns for the amplitude (small, brief potentials)" : "");
    e.counted = c.amplitudeKnown;
    if (!c.amplitudeKnown) e.text += " (not counted: the gain is unknown, the ratio is per uV)";
    return e;
}

ReadingEvidence spontaneousEvidence(const SpontaneousResult& sp, double restSec) {
    ReadingEvidence e{"spontaneous activity", PatternReading::Insufficient, false, ""};
    if (restSec <= 0.0) {
        e.text = "no rest in the record";
        return e;
    }
    const auto fibs = sp.count(SpontaneousKind::Fibrillation) + sp.count(SpontaneousKind::PositiveSharpWave);
    e.text = "rest " + fmt(restSec) + " s: " + std::to_string(fibs) + " fibrillation potentials / positive sharp waves, grade " +
             std::to_string(sp.grade) + (sp.grade > 0 ? "+ (denervation or muscle fibre necrosis: abnormal, but it names neither)"
                                                       : " (none)");
    return e;
}


ReadingEvidence multiMupEvidence(const MultiMupResult& m, const MuapReference& ref, const ReadingCriteria& c) {
    ReadingEvidence e{"multi-MUP", PatternReading::Insufficient, false, ""};
    const std::string unit = c.amplitudeKnown ? " uV" : " counts";
    if (m.mups.empty()) {
        e.text = m.epochs == 0 ? "no effort epoch analysed" : "no MUP with consistent recurrences in " + std::to_string(m.epochs) + " epochs";
        return e;
    }
    std::string what = std::to_string(m.mups.size()) + " MUPs, mean main-spike amplitude " + fmt(m.meanAmplitudeUv, 0) + unit;
    if (m.measuredDurations < c.minMultiMups) {
        std::size_t background = 0;
        if (const auto it = m.notMeasurable.find("background"); it != m.notMeasurable.end()) background = it->second;
        e.text = what + "; " + std::to_string(m.measuredDurations) + " with a measured duration, " + std::to_string(c.minMultiMups) +
                 " needed: not counted" +
                 (background > 0 ? " (" + std::to_string(background) + " not measurable: the interference left under the average sets the markers)"
                                 : "");
        return e;
    }
    const double dev = ref.meanDurationMs > 0.0 ? 100.0 * (m.meanDurationMs - ref.meanDurationMs) / ref.meanDurationMs : 0.0;
    what += ", mean duration " + fmt(m.meanDurationMs) + " ms (" + fmt(dev) + " % from the expected " + fmt(ref.meanDurationMs) +
            " ms, limit +-" + fmt(ref.durationLimitPercent, 0) + " %)";
    const bool longD = dev > ref.durationLimitPercent, shortD = dev < -ref.durationLimitPercent;
    const bool bigA = c.amplitudeKnown && m.meanAmplitudeUv > ref.amplitudeHighUv;
    const bool smallA = c.amplitudeKnown && m.meanAmplitudeUv < ref.amplitudeLowUv;
    e.counted = true;
    if ((longD || bigA) && (shortD || smallA)) e.suggests = PatternReading::Mixed;
    else if (longD || (bigA && !shortD)) e.suggests = PatternReading::Neuropathic;
    else if (shortD || smallA) e.suggests = PatternReading::Myopathic;
    else e.suggests = PatternReading::Normal;
    e.text = what + (c.amplitudeKnown ? "" : " (amplitude not counted: the gain is unknown)") + ": " + toString(e.suggests);
    return e;
}
/// "n MUPs: a long, b short[, c large, d small]" of one source of MUPs.
std::string outlierCounts(const MupOutliers& o, bool amplitudeKnown) {
    std::string t = std::to_string(o.mups) + " MUPs: " + std::to_string(o.longDuration) + " long, " + std::to_string(o.shortDuration) + " short";
    if (amplitudeKnown) t += ", " + std::to_string(o.highAmplitude) + " large, " + std::to_string(o.lowAmplitude) + " small";
    return t;
}

/// The outlier rule on each source of measured MUPs apart (the sorted units of a fair sample and the
/// multi-MUP MUPs with a measured duration: one MUP may be in both, so they are not pooled): more than
/// 2 MUPs of a source beyond one limit count; a source of 20 MUPs or more within that counts as normal.
ReadingEvidence outlierEvidence(const MuscleSummary& u, const SortResult& sort, const MultiMupResult& m, const ReadingCriteria& c) {
    ReadingEvidence e{"outliers", PatternReading::Insufficient, false, ""};
    const auto& ref = u.reference;
    if (!ref.hasOutlierLimits) {
        e.text = "no outlier limits of individual MUPs for " + (ref.generalDefault ? std::string("this muscle") : ref.muscle) + " in the reference table";
        return e;
    }
    std::vector<MupSize> units, multi;
    const bool fair = fairSample(u, sort, c);
    if (fair)
        for (const auto& mu : sort.units)
            if (mu.shapeMeasured) units.push_back({mu.params.amplitudeUv, mu.params.durationMs});
    for (const auto& mp : m.mups)
        if (mp.durationMeasurable) multi.push_back({mp.mainSpikeAmplitudeUv, mp.params.durationMs});
    const auto ou = countOutliers(units, ref, c.amplitudeKnown), om = countOutliers(multi, ref, c.amplitudeKnown);
    const auto ru = outlierReading(ou), rm = outlierReading(om);
    const bool neuro = ru == PatternReading::Neuropathic || ru == PatternReading::Mixed || rm == PatternReading::Neuropathic || rm == PatternReading::Mixed;
    const bool myo = ru == PatternReading::Myopathic || ru == PatternReading::Mixed || rm == PatternReading::Myopathic || rm == PatternReading::Mixed;
    if (neuro && myo) e.suggests = PatternReading::Mixed;
    else if (neuro) e.suggests = PatternReading::Neuropathic;
    else if (myo) e.suggests = PatternReading::Myopathic;
    else if (ru == PatternReading::Normal || rm == PatternReading::Normal) e.suggests = PatternReading::Normal;
    e.counted = e.suggests != PatternReading::Insufficient;
    std::string limits = "limits " + fmt(ref.outlierDurationLowMs) + "-" + fmt(ref.outlierDurationHighMs) + " ms";
    if (c.amplitudeKnown) limits += ", " + fmt(ref.outlierAmplitudeLowUv, 0) + "-" + fmt(ref.outlierAmplitudeHighUv, 0) + " uV";
    else limits += " (amplitudes not counted: the gain is unknown)";
    e.text = "sorted units " + (fair ? outlierCounts(ou, c.amplitudeKnown) : std::string("not a fair sample")) +
             "; multi-MUP " + outlierCounts(om, c.amplitudeKnown) + " (" + limits + "; more than " + std::to_string(kOutliersAllowed) +
             " beyond a limit is abnormal, " + std::to_string(kOutlierSampleMups) + " MUPs within it normal): " +
             (e.counted ? toString(e.suggests) : std::string("not counted, no source abnormal and none of ") + std::to_string(kOutlierSampleMups) + " MUPs");
    return e;
}

/// The potentials of a declared effort against the muscle's lower limit of the mean MUAP
/// amplitude: the mean of a muscle's MUAPs cannot exceed its largest potentials, so when even the
/// 20 largest lie below the limit of the mean, the MUAPs are small (low-amplitude MUAPs recruited
/// at effort: myopathy, Buchthal & Kamieniecka 1982; Daube & Rubin 2009). Only at an effort the
/// examiner declares: at an inferred level the same record could be rest with fibrillations.
ReadingEvidence declaredEffortEvidence(const DeclaredEffortActivity& d, const MuapReference& ref, const ReadingCriteria& c) {
    ReadingEvidence e{"declared effort", PatternReading::Insufficient, false, ""};
    const std::string unit = c.amplitudeKnown ? " uV" : " counts";
    e.text = fmt(d.effortSec) + " s of declared effort: " + std::to_string(d.potentials) + " potentials of >= " + fmt(d.floorUv, 0) + unit;
    if (d.largestUv <= 0.0) {
        e.text += ", fewer than 20: no voluntary activity to measure (needle placement?)";
        return e;
    }
    e.text += ", median peak to peak of the 20 largest " + fmt(d.largestUv, 0) + unit;
    if (!c.amplitudeKnown) {
        e.text += " (not counted: the gain is unknown)";
        return e;
    }
    if (d.largestUv < ref.amplitudeLowUv) {
        e.counted = true;
        e.suggests = PatternReading::Myopathic;
        e.text += ", below the lower limit of the mean MUAP amplitude (" + fmt(ref.amplitudeLowUv, 0) + " uV, " + ref.muscle +
                  "): only small potentials at effort";
    } else {
        e.suggests = PatternReading::Normal;
        e.text += ", not below the lower limit of the mean MUAP amplitude (" + fmt(ref.amplitudeLowUv, 0) + " uV): not counted, the "
                  "other evidence decides";
    }
    return e;
}
}  // namespace

MuscleReading readMuscle(const MuscleSummary& units, const SortResult& sort, const RecruitmentResult& recruitment,
                         const InterferenceResult& interference, const SpontaneousResult& spontaneous,
                         const MultiMupResult& multiMup, double restSec, double effortSec, const ReadingCriteria& c,
                         const DeclaredEffortActivity& declared) {
    MuscleReading r;
    const bool monopolar = c.electrode == NeedleElectrode::Monopolar;
    // evidence read against the concentric references is shown, not counted, for a monopolar record
    const auto concentricOnly = [&](ReadingEvidence e) {
        if (monopolar && e.counted) {
            e.counted = false;
            e.text += " (not counted: the reference is for concentric needles, this record was made with a monopolar needle)";
        }
        return e;
    };
    r.evidence.push_back(concentricOnly(unitEvidence(units, sort, c)));
    // firing rates and the number of units need no reference of the electrode's (as with no gain)
    r.evidence.push_back(recruitmentEvidence(recruitment, r.evidence.front().counted, c, !c.amplitudeKnown || monopolar,
                                             !c.amplitudeKnown ? "with an unknown gain" : "with a monopolar needle"));
    r.evidence.push_back(concentricOnly(interferenceEvidence(interference, c)));
    r.evidence.push_back(concentricOnly(spectrumEvidence(interference, c)));
    r.evidence.push_back(concentricOnly(largestSpikesEvidence(interference, c)));
    r.evidence.push_back(concentricOnly(turnsAmplitudeRatioEvidence(interference, c)));
    r.evidence.push_back(concentricOnly(multiMupEvidence(multiMup, units.reference, c)));
    r.evidence.push_back(concentricOnly(outlierEvidence(units, sort, multiMup, c)));
    r.evidence.push_back(spontaneousEvidence(spontaneous, restSec));
    if (declared.declared) r.evidence.push_back(concentricOnly(declaredEffortEvidence(declared, units.reference, c)));
    decideReading(r, restSec, effortSec, spontaneous.grade, monopolar);
    return r;
}

bool unitsFairSample(const MuscleSummary& units, const SortResult& sort, const ReadingCriteria& c) { return fairSample(units, sort, c); }

void decideReading(MuscleReading& r, double restSec, double effortSec, int spontaneousGrade, bool monopolar) {
    r.reasons.clear();
    const bool abnormalRest = spontaneousGrade > 0 && restSec > 0.0;
    int counted = 0, neuro = 0, myo = 0;
    for (const auto& e : r.evidence) {
        if (!e.counted) continue;
        ++counted;
        neuro += e.suggests == PatternReading::Neuropathic || e.suggests == PatternReading::Mixed;
        myo += e.suggests == PatternReading::Myopathic || e.suggests == PatternReading::Mixed;
    }
    if (counted == 0) {
        r.pattern = PatternReading::Insufficient;
        r.reasons.push_back(effortSec <= 0.0 ? "no effort in the record (" + fmt(restSec) + " s read as rest): motor units and the "
                                               "interference pattern need voluntary activity"
                                             : monopolar ? "no evidence could be counted: the reference values are for concentric needles and "
                                                           "this record was made with a monopolar needle"
                                                         : "no evidence could be counted: no fair sample of motor units and no interference pattern");
        for (const auto& e : r.evidence) r.reasons.push_back(e.source + ": " + e.text);
        return;
    }
    if (neuro > 0 && myo > 0) {
        // one direction outvoting the other decides; a tie is mixed
        r.pattern = neuro > myo ? PatternReading::Neuropathic : myo > neuro ? PatternReading::Myopathic : PatternReading::Mixed;
        r.reasons.push_back(std::to_string(neuro) + " piece(s) of evidence neuropathic, " + std::to_string(myo) + " myopathic");
    } else if (neuro > 0) {
        r.pattern = PatternReading::Neuropathic;
    } else if (myo > 0) {
        r.pattern = PatternReading::Myopathic;
    } else {
        r.pattern = PatternReading::Normal;
    }
    for (const auto& e : r.evidence)
        if (e.counted) r.reasons.push_back(e.source + ": " + e.text);
    if (abnormalRest) r.reasons.push_back("spontaneous activity at rest (grade " + std::to_string(spontaneousGrade) + "+): not a normal muscle");
}

}  // namespace emg::needle
