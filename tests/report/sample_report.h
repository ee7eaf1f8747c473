#pragma once
// A typical back-pain work-up report: left L5 radiculopathy pattern.
#include <emg/report/report_model.h>

#include <cmath>

namespace emg::test {

inline report::ReportModel sampleL5Report() {
    using namespace emg::report;
    ReportModel m;
    m.title = "Electrodiagnostic report";
    m.institution = "Neurophysiology laboratory";
    m.patientFields = {{"Name", "Doe, Jane"}, {"ID", "P-0042"}, {"Birth date", "1968-03-14"}, {"Sex", "F"},
                       {"Height", "168 cm"}, {"Symptoms", "left leg"}};
    m.studyFields = {{"Date", "2026-11-24"}, {"Indication", "Low back pain with left leg symptoms"},
                     {"Referring", "Dr. A. Smith"}, {"Limb temperature", "32.5 °C"}};
    ReportTable motor;
    motor.title = "Motor nerve conduction";
    motor.header = {"Nerve / site", "Onset latency (ms)", "Amplitude (mV)", "CV (m/s)", "F-wave min (ms)"};
    motor.rows = {{{"L peroneal, ankle -> EDB"}, {"4.6"}, {"2.1", true}, {""}, {"52.8"}},
                  {{"L peroneal, fibular head"}, {"11.9"}, {"1.9", true}, {"44.5"}, {""}},
                  {{"L tibial, ankle -> AH"}, {"4.1"}, {"9.8"}, {""}, {"51.0"}}};
    motor.footnote = "Reference: Buschbacher (1999), limb temperature 32.5 °C.";
    ReportTable sensory;
    sensory.title = "Sensory nerve conduction";
    sensory.header = {"Nerve", "Peak latency (ms)", "Amplitude (µV)", "CV (m/s)"};
    sensory.rows = {{{"L sural"}, {"3.4"}, {"14"}, {"45"}}, {{"L superficial peroneal"}, {"3.5"}, {"9"}, {"44"}}};
    ReportTable needle;
    needle.title = "Needle EMG";
    needle.header = {"Muscle", "Fibs", "PSW", "MUAP amplitude", "MUAP duration", "Polyphasia", "Recruitment"};
    needle.rows = {{{"L tibialis anterior"}, {"2+", true}, {"2+", true}, {"increased", true}, {"long", true}, {"increased", true}, {"reduced", true}},
                   {{"L gluteus medius"}, {"1+", true}, {"1+", true}, {"normal"}, {"normal"}, {"normal"}, {"reduced", true}},
                   {{"L medial gastrocnemius"}, {"0"}, {"0"}, {"normal"}, {"normal"}, {"normal"}, {"normal"}},
                   {{"L5 paraspinals"}, {"1+", true}, {"1+", true}, {""}, {""}, {""}, {""}}};
    m.tables = {motor, sensory, needle};
    ReportWaveform w;
    w.title = "L peroneal motor, ankle -> EDB";
    w.sampleRateHz = 20000;
    w.preTriggerMs = 2.0;
    for (int i = 0; i < 20000 * 0.032; ++i) {
        const double t = i / 20.0 - 2.0;  // ms
        const double a = t > 4.6 ? -2100.0 * std::exp(-std::pow((t - 6.6) / 1.6, 2)) + 1200.0 * std::exp(-std::pow((t - 10.5) / 2.5, 2)) : 0.0;
        w.samplesUv.push_back(a);
    }
    w.markers = {{"onset", 4.6}, {"peak", 6.6}};
    m.waveforms = {w, w};
    m.findings = "Reduced left peroneal CMAP amplitude with normal sensory responses. Fibrillation potentials and "
                 "positive sharp waves in left tibialis anterior, gluteus medius and L5 paraspinals.";
    m.impression = "Electrodiagnostic evidence of a left L5 radiculopathy, subacute, with ongoing denervation.";
    m.signedBy = "Dr. E. Examiner";
    m.generatedAt = "2026-11-24T10:00:00";
    return m;
}

}  // namespace emg::test
