// Accuracy against the simulator's ground truth (emg::sim::NeedleMuscleModel: known templates
// and firing times): per-unit sensitivity and positive predictive value of the sorted firings at
// 5, 10 and 20 µV rms noise, spontaneous potential detection, and the three patterns told apart
// by the muscle summary. The tables are printed (run the binary with -s to see them).
#include "needle_truth.h"

#include <emg/needle/needle_analysis.h>
#include <emg/needle/signal_tools.h>

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>

using namespace emg;
using namespace needle_test;

namespace {

sim::NeedleSignal simulate(sim::MusclePattern p, double effort, double noiseUv, double fs, std::uint64_t seed, int grade = 0,
                           double seconds = 8.0) {
    sim::NeedleMuscleConfig c;
    c.pattern = p;
    c.effort = effort;
    c.noiseRmsUv = noiseUv;
    c.sampleRateHz = fs;
    c.seed = seed;
    c.mainsAmplitudeUv = 0.0;
    c.spontaneous = sim::SpontaneousConfig::fromGrade(grade);
    sim::NeedleMuscleModel m(c);
    return m.generate(seconds);
}

needle::NeedleAnalysis analyze(const sim::NeedleSignal& s, needle::ContractionLevel level, const std::string& muscle = "biceps",
                               double age = 30.0) {
    needle::NeedleAnalysisOptions o;
    o.forceLevel = level;
    o.muscle = muscle;
    o.ageYears = age;
    return needle::analyzeNeedleSignal(s.microvolts, s.sampleRateHz, {}, o);
}

/// The simulator's seed for the accuracy table: 7, or NEEDLE_ACCURACY_SEED (to check that a result
/// is not tuned to one draw of templates and firing times).
std::uint64_t accuracySeed() {
    const char* e = std::getenv("NEEDLE_ACCURACY_SEED");
    return e && *e ? std::strtoull(e, nullptr, 10) : 7;
}

/// Units a clinician's quantitative analysis would accept: large enough to stand clear of the
/// noise (peak-to-peak >= 8 x noise rms and >= 100 µV) and firing at least 10 times.
bool detectable(const UnitScore& s, double noiseUv) {
    return s.truthPpUv >= std::max(100.0, 8.0 * noiseUv) && s.truthFirings >= 10;
}

}  // namespace

TEST_CASE("motor-unit firings against the simulator's truth at 5, 10 and 20 uV noise") {
    std::printf("\n| rate Hz | pattern | noise uV | truth unit | pp uV | firings | sorted unit | sensitivity | PPV |\n|---|---|---|---|---|---|---|---|---|\n");
    for (double fs : {20000.0, 4000.0}) {   // ours, and another system's 4 kHz export
    for (auto pat : {sim::MusclePattern::Normal, sim::MusclePattern::Neuropathic, sim::MusclePattern::Myopathic}) {
        for (double noise : {5.0, 10.0, 20.0}) {
            // neuropathic: few large units, so a little more effort to have more than one
            const double effort = pat == sim::MusclePattern::Neuropathic ? 0.3 : 0.15;
            const auto sig = simulate(pat, effort, noise, fs, accuracySeed());
            const auto a = analyze(sig, needle::ContractionLevel::Weak);
            const auto scores = scoreUnits(sig, a.motorUnits.units, 0.001);
            std::vector<double> sens, ppv;
            for (const auto& s : scores) {
                std::printf("| %.0f | %s | %.0f | T%d | %.0f | %zu | U%d | %.2f | %.2f |\n", fs, sim::toString(pat), noise, s.truthId, s.truthPpUv,
                            s.truthFirings, s.detectedId, s.sensitivity, s.ppv);
                if (!detectable(s, noise)) continue;
                sens.push_back(s.sensitivity);
                ppv.push_back(s.ppv);
            }
            INFO(sim::toString(pat) << " at " << noise << " uV, " << fs << " Hz");
            REQUIRE_FALSE(sens.empty());
            const double medSens = needle::median(sens), medPpv = needle::median(ppv);
            std::printf("| %.0f | %s | %.0f | median of %zu | | | | %.2f | %.2f |\n", fs, sim::toString(pat), noise, sens.size(), medSens, medPpv);
            // Thresholds (median over detectable units, +-1 ms): the sparse normal pattern must be
            // decomposed almost completely (>= 85 %); the neuropathic units are long (~18 ms), fire at
            // ~18 Hz and are unstable (the simulator's jiggle ~20 %), so overlaps and misfits cost
            // more (>= 70 %); the dense myopathic pattern (9 short units at ~10 Hz, ~40 % of potentials
            // overlapping another) >= 55 % (the lowest, 4 kHz at 20 uV: 0.68 with seed 7, 0.61-0.85
            // with seeds 8-10).
            // PPV: at 5-10 uV units must not be mixed (median >= 0.9). At 20 uV similar small units
            // used to merge (one potential's acceptance, 2.25 N sigma^2, is wider than their
            // difference; PPV 0.33 myopathic, 0.64 normal); merged clusters are now split (short
            // intervals, held-out 2-means) and templates compared as averages. Reached with seed 7:
            // normal 0.99 / 1.00 (20 / 4 kHz), neuropathic 0.95 / 0.97, myopathic 0.92 / 0.85; with
            // seeds 8-10 myopathic 0.72-0.96. So >= 0.9 for normal and neuropathic (what 5-10 uV
            // ask) and >= 0.7 for myopathic (the lowest seen over seeds 7-10 minus 0.02; a merge of
            // two of the nine units drops the median PPV to ~0.5, which this catches).
            const bool myo = pat == sim::MusclePattern::Myopathic;
            const double minSens = pat == sim::MusclePattern::Normal ? 0.85 : pat == sim::MusclePattern::Neuropathic ? 0.7 : 0.55;
            CHECK(medSens >= minSens);
            CHECK(medPpv >= (noise <= 10.0 || !myo ? 0.9 : 0.7));
        }
        }
    }
}

TEST_CASE("spontaneous potentials against the simulator's truth") {
    std::printf("\n| grade | noise uV | detectable of all truth | detected fib+PSW | matched (+-2 ms) | sensitivity (detectable) | sensitivity (all) | PPV | proposed grade |\n|---|---|---|---|---|---|---|---|---|\n");
    for (int grade : {1, 2, 3}) {
        for (double noise : {5.0, 10.0, 20.0}) {
            const auto sig = simulate(sim::MusclePattern::Neuropathic, 0.0, noise, 20000.0, 11 + static_cast<unsigned>(grade), grade, 10.0);
            const auto a = analyze(sig, needle::ContractionLevel::Rest);
            // sensitivity over potentials whose largest excursion passes the detection threshold used with
            // 10 % to spare (filtering and noise move the peak); PPV against all of the simulator's potentials
            std::vector<double> truth, all, det;
            for (const auto& s : sig.spontaneous) {
                if (s.kind == sim::SpontaneousKind::Fasciculation) continue;
                const double off = peakOffsetSec(s.templateUv, sig.sampleRateHz);
                double peakAbs = 0.0;
                for (double v : s.templateUv) peakAbs = std::max(peakAbs, std::abs(v));
                for (double t : s.timesSec) {
                    all.push_back(t + off);
                    if (peakAbs >= 1.1 * a.spontaneous.thresholdUv) truth.push_back(t + off);
                }
            }
            for (const auto& p : a.spontaneous.potentials)
                if (p.kind == needle::SpontaneousKind::Fibrillation || p.kind == needle::SpontaneousKind::PositiveSharpWave)
                    det.push_back(p.timeSec);
            std::sort(truth.begin(), truth.end());
            std::sort(all.begin(), all.end());
            std::sort(det.begin(), det.end());
            const auto m = matchCount(truth, det, 0.002);
            const auto mAll = matchCount(all, det, 0.002);
            const double sens = truth.empty() ? 1.0 : static_cast<double>(m) / static_cast<double>(truth.size());
            const double ppv = det.empty() ? 1.0 : static_cast<double>(mAll) / static_cast<double>(det.size());
            char sensText[16];
            std::snprintf(sensText, sizeof sensText, truth.empty() ? "n/a" : "%.2f", sens);
            std::printf("| %d+ | %.0f | %zu of %zu | %zu | %zu | %s | %.2f | %.2f | %d |\n", grade, noise, truth.size(), all.size(), det.size(), m,
                        sensText, all.empty() ? 0.0 : static_cast<double>(mAll) / static_cast<double>(all.size()), ppv, a.spontaneous.grade);
            INFO("grade " << grade << " noise " << noise);
            // Potentials whose peak clears the threshold: >= 70 % found (overlaps between trains hide
            // some), >= 85 % of what is called fibrillation/PSW is one (the rest are overlaps of two)
            if (truth.size() >= 20) {
                CHECK(sens >= 0.7);
                CHECK(a.spontaneous.grade >= 1);
            }
            CHECK(ppv >= 0.85);
        }
    }
}

TEST_CASE("the summary tells normal, neuropathic and myopathic simulated muscles apart") {
    for (double noise : {5.0, 10.0, 20.0}) {
        const auto n = analyze(simulate(sim::MusclePattern::Normal, 0.2, noise, 20000.0, 21), needle::ContractionLevel::Weak);
        const auto d = analyze(simulate(sim::MusclePattern::Neuropathic, 0.15, noise, 20000.0, 22), needle::ContractionLevel::Weak);
        const auto m = analyze(simulate(sim::MusclePattern::Myopathic, 0.15, noise, 20000.0, 23), needle::ContractionLevel::Weak);
        std::printf("noise %.0f: normal %.1f ms %.0f uV %.0f %% poly -> %s | neuropathic %.1f ms %.0f uV -> %s, recruitment %s | "
                    "myopathic %.1f ms %.0f uV %.0f %% poly -> %s\n",
                    noise, n.summary.meanDurationMs, n.summary.meanAmplitudeUv, n.summary.polyphasicPercent, needle::toString(n.summary.reading),
                    d.summary.meanDurationMs, d.summary.meanAmplitudeUv, needle::toString(d.summary.reading),
                    needle::toString(d.recruitment.reading), m.summary.meanDurationMs, m.summary.meanAmplitudeUv,
                    m.summary.polyphasicPercent, needle::toString(m.summary.reading));
        INFO("noise " << noise);
        CHECK(n.summary.reading == needle::PatternReading::Normal);
        CHECK(d.summary.reading == needle::PatternReading::Neuropathic);
        CHECK(m.summary.reading == needle::PatternReading::Myopathic);
        CHECK(d.recruitment.reading == needle::RecruitmentReading::Reduced);
    }
}

TEST_CASE("interference pattern of the simulated muscles at strong effort") {
    const auto n = analyze(simulate(sim::MusclePattern::Normal, 0.8, 10.0, 20000.0, 31, 0, 4.0), needle::ContractionLevel::Strong);
    const auto d = analyze(simulate(sim::MusclePattern::Neuropathic, 0.8, 10.0, 20000.0, 32, 0, 4.0), needle::ContractionLevel::Strong);
    const auto m = analyze(simulate(sim::MusclePattern::Myopathic, 0.8, 10.0, 20000.0, 33, 0, 4.0), needle::ContractionLevel::Strong);
    for (const auto* a : {&n, &d, &m})
        std::printf("interference: %.0f turns/s, %.0f uV/turn, envelope %.0f uV, above %.0f %%, below %.0f %% -> %s\n",
                    a->interference.meanTurnsPerSec, a->interference.meanAmplitudePerTurnUv, a->interference.meanEnvelopeUv,
                    a->interference.pointsAbovePercent, a->interference.pointsBelowPercent, needle::toString(a->interference.reading));
    CHECK(n.interference.epochs.size() == 8);
    // neuropathic: fewer turns of larger amplitude than normal; myopathic: smaller amplitude per turn
    CHECK(d.interference.meanAmplitudePerTurnUv > 1.5 * n.interference.meanAmplitudePerTurnUv);
    CHECK(m.interference.meanAmplitudePerTurnUv < n.interference.meanAmplitudePerTurnUv);
    CHECK(n.interference.reading == needle::InterferenceReading::Normal);
    CHECK(d.interference.reading == needle::InterferenceReading::Neuropathic);
}
