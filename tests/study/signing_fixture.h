#pragma once
// The study the signing and audit tests sign: a left peroneal motor study (automatic onset
// markers: distal latency 4.9 ms at the ankle, 11.3 ms below the fibular head, CV 46.9 m/s) and
// tibialis anterior needle EMG (fibrillations 2+, reduced recruitment) with a confirmed impression.
#include <emg/study/study.h>

namespace emg::study::test {

inline Study peronealStudy() {
    Study s;
    s.patientId = "P001";
    s.date = "2026-11-24";
    s.indication = "low back pain with left leg symptoms";
    s.examiner = "Dr. Neuro";
    s.limbTemperatureC = 32.0;
    MotorNcs m;
    m.id = "t1";
    m.side = Side::Left;
    m.nerve = "peroneal";
    m.recordingSite = "extensor digitorum brevis";
    m.sites = {{"ankle", 80.0, {{"distalLatencyMs", 4.9, "ms", Provenance::Auto, "onset marker", ""}, {"amplitudeUv", 4100.0, "uV", Provenance::Auto, "", ""}}},
               {"below fibular head", 300.0, {{"latencyMs", 11.3, "ms", Provenance::Auto, "onset marker", ""}}}};
    m.measurements = {{"conductionVelocityMps", 46.9, "m/s", Provenance::Auto, "", ""}};
    s.tests.push_back(m);
    NeedleEmg n;
    n.id = "t2";
    n.side = Side::Left;
    n.muscle = "tibialis anterior";
    n.fibrillations = 2;
    n.recruitment = Recruitment::Reduced;
    s.tests.push_back(n);
    s.findings = {{"impression", "Left L5 radiculopathy, subacute.", Provenance::Clinician, true}};
    return s;
}

/// The ankle distal latency of the peroneal motor test.
inline Measurement& distalLatency(Study& s) { return std::get<MotorNcs>(s.tests[0]).sites[0].measurements[0]; }

}  // namespace emg::study::test
