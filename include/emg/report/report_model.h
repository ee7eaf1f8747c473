#pragma once
// The clinician's report as data: what goes on the pages, independent of how it is drawn.
// Built from a study (measurements, findings, interpretation) or read from JSON
// (`emgws-cli report IN.json OUT.pdf`); drawn to PDF by writePdfReport() (Qt, src/report).

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace emg::report {

struct ReportCell {
    std::string text;
    bool abnormal = false;    ///< outside the reference limits: printed bold and flagged
};

struct ReportTable {
    std::string title;                           ///< e.g. "Motor nerve conduction"
    std::vector<std::string> header;             ///< column titles with units, e.g. "Latency (ms)"
    std::vector<std::vector<ReportCell>> rows;
    std::string footnote;                        ///< e.g. reference source, temperature
};

struct ReportMarker {
    std::string label;     ///< e.g. "onset", "peak"
    double timeMs = 0.0;   ///< from the stimulus
};

/// A stimulus-locked waveform as the clinician saw it (negative up).
struct ReportWaveform {
    std::string title;                 ///< e.g. "Peroneal motor, ankle -> EDB"
    double sampleRateHz = 0.0;
    double preTriggerMs = 0.0;         ///< time before the stimulus at samples[0]
    std::vector<double> samplesUv;
    std::vector<ReportMarker> markers;
    double sensitivityUvPerDiv = 0.0;  ///< 0 = choose from the data
    double sweepMsPerDiv = 0.0;        ///< 0 = choose from the data
};

/// The examiner's electronic signature printed under the impression.
struct ReportSignature {
    std::string examiner;      ///< the name typed when signing
    std::string osLogin;       ///< the operating-system login beside it
    std::string signedAt;      ///< ISO 8601 UTC
    std::string studySha256;   ///< SHA-256 of the study's canonical JSON
};

/// Later text about a signed report, printed after it (the signed pages stay as they were).
struct ReportAddendum {
    int number = 0;
    std::string text, author, osLogin, createdAt;
};

struct ReportModel {
    std::string title = "Electrodiagnostic report";
    std::string institution;
    std::vector<std::pair<std::string, std::string>> patientFields;  ///< label, value
    std::vector<std::pair<std::string, std::string>> studyFields;
    std::vector<ReportTable> tables;
    std::vector<ReportWaveform> waveforms;
    std::string findings;        ///< free text summary of the findings
    std::string impression;      ///< the clinician's interpretation
    std::string signedBy;        ///< examiner's name
    std::optional<ReportSignature> signature;   ///< set on a signed report
    std::vector<ReportAddendum> addenda;        ///< printed after the signed report, on their own pages
    std::string generatedAt;     ///< ISO 8601, filled when empty
};

/// Parse the documented JSON form (docs/report.md); throws std::invalid_argument with the field's name.
ReportModel reportModelFromJson(const nlohmann::json& j);
nlohmann::json toJson(const ReportModel& model);

/// Number of cells flagged abnormal across all tables.
std::size_t countAbnormal(const ReportModel& model);

}  // namespace emg::report
