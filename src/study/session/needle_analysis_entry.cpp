// The needle engine's reading of a muscle as its study test (emg/study/needle_entry.h).
#include <emg/study/needle_entry.h>

namespace emg::study {

namespace {
Grade3 gradeOf(double value, double low, double high) {
    if (value > high) return Grade3::Increased;
    if (value < low) return Grade3::Decreased;
    return Grade3::Normal;
}
}  // namespace

NeedleEmg needleTestFromAnalysis(const std::string& muscle, Side side, const needle::NeedleAnalysis& a, const std::string& method) {
    NeedleEmg t;
    t.muscle = muscle;
    t.side = side;
    const int grade = a.spontaneous.grade;
    t.fibrillations = a.spontaneous.count(needle::SpontaneousKind::Fibrillation) > 0 ? grade : 0;
    t.positiveSharpWaves = a.spontaneous.count(needle::SpontaneousKind::PositiveSharpWave) > 0 ? grade : 0;
    t.insertional = Grade3::Normal;
    const auto* units = a.reading.evidenceFrom("motor units");
    const auto* recruitment = a.reading.evidenceFrom("recruitment");
    if (recruitment && recruitment->counted) {
        switch (a.recruitment.reading) {
        case needle::RecruitmentReading::Reduced: t.recruitment = Recruitment::Reduced; break;
        case needle::RecruitmentReading::Early: t.recruitment = Recruitment::Early; break;
        case needle::RecruitmentReading::Normal: t.recruitment = Recruitment::Normal; break;
        default: break;
        }
    }
    const auto& s = a.summary;
    if (s.unitCount > 0) {
        if (units && units->counted) {
            // the limit for a mean of this many units (wider than the reference's for 20)
            const double limit = s.durationLimitAppliedPercent;
            t.muapDuration = gradeOf(s.durationDeviationPercent, -limit, limit);
            if (s.unitCount >= needle::ReadingCriteria{}.minUnits) {
                t.muapAmplitude = gradeOf(s.meanAmplitudeUv, s.reference.amplitudeLowUv, s.reference.amplitudeHighUv);
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

}  // namespace emg::study
