// The needle engine's reading of a muscle as its study test (emg/study/needle_entry.h).
#include <emg/study/needle_entry.h>

#include <optional>

namespace emg::study {

namespace {
Grade3 gradeOf(double value, double low, double high) {
    if (value > high) return Grade3::Increased;
    if (value < low) return Grade3::Decreased;
    return Grade3::Normal;
}
}  // namespace

namespace {
std::optional<Recruitment> recruitmentOf(needle::RecruitmentReading r) {
    switch (r) {
    case needle::RecruitmentReading::Reduced: return Recruitment::Reduced;
    case needle::RecruitmentReading::Early: return Recruitment::Early;
    case needle::RecruitmentReading::Normal: return Recruitment::Normal;
    default: return std::nullopt;
    }
}

/// The test from what a reading holds: the spontaneous activity, the muscle reading's evidence,
/// the units' summary and (when the recruitment evidence counted) the recruitment it read.
NeedleEmg testFrom(const std::string& muscle, Side side, const needle::SpontaneousResult& spontaneous, const needle::MuscleReading& reading,
                   const needle::MuscleSummary& s, std::optional<Recruitment> recruitment, const std::string& method) {
    NeedleEmg t;
    t.muscle = muscle;
    t.side = side;
    const int grade = spontaneous.grade;
    t.fibrillations = spontaneous.count(needle::SpontaneousKind::Fibrillation) > 0 ? grade : 0;
    t.positiveSharpWaves = spontaneous.count(needle::SpontaneousKind::PositiveSharpWave) > 0 ? grade : 0;
    t.insertional = Grade3::Normal;
    t.automaticReading = NeedleAutoReading{needle::toString(reading.pattern), reading.reasons};
    const auto* units = reading.evidenceFrom("motor units");
    const auto* rec = reading.evidenceFrom("recruitment");
    if (rec && rec->counted && recruitment) t.recruitment = *recruitment;
    if (s.unitCount > 0) {
        if (units && units->counted) {
            // the limit for a mean of this many units (wider than the reference's for 20)
            const double limit = s.durationLimitAppliedPercent;
            t.muapDuration = gradeOf(s.durationDeviationPercent, -limit, limit);
            if (s.unitCount >= needle::ReadingCriteria{}.minUnits) {
                if (s.amplitudeKnown) t.muapAmplitude = gradeOf(s.meanAmplitudeUv, s.reference.amplitudeLowUv, s.reference.amplitudeHighUv);
                else t.note = "MUAP amplitude not assessed: the recording's gain is unknown (amplitudes in counts)";
                t.polyphasia = s.polyphasicPercent > s.reference.polyphasicMaxPercent ? Grade3::Increased : Grade3::Normal;
            } else {
                t.note = "MUAP amplitude and polyphasia not assessed: " + std::to_string(s.unitCount) +
                         " units, their mean duration counted alone (beyond the limit for so few)";
            }
        } else {
            t.note = "MUAP grades and recruitment not assessed: " + (units ? units->text : std::string("no reading of the units"));
        }
        addMuapSet(t, s, method);
    }
    return t;
}
}  // namespace

NeedleEmg needleTestFromAnalysis(const std::string& muscle, Side side, const needle::NeedleAnalysis& a, const std::string& method) {
    return testFrom(muscle, side, a.spontaneous, a.reading, a.summary, recruitmentOf(a.recruitment.reading), method);
}

NeedleEmg needleTestFromSites(const std::string& muscle, Side side, const needle::MuscleOverSites& m, const std::string& method) {
    return testFrom(muscle, side, m.spontaneous, m.reading, m.summary, recruitmentOf(m.recruitment),
                    method + " (" + std::to_string(m.sites) + " insertions, units pooled from " + std::to_string(m.sitesUnitsPooled) + ")");
}

}  // namespace emg::study
