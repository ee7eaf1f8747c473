#pragma once
// The clinician's report as data: what goes on the pages, independent of how it is drawn.
// Built from a study (measurements, findings, interpretation) or read from JSON
// (`emgws-cli report IN.json OUT.pdf`); drawn to PDF by writePdfReport() (Qt, src/report).

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
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

/// One trace of a figure: a stimulus-locked sweep (a stimulation site, one F-wave stimulus) or a
/// motor unit's template, in µV, negative drawn up.
struct ReportTrace {
    std::string label;                 ///< e.g. "ankle", "12", "MU 3"
    double sampleRateHz = 0.0;
    double preTriggerMs = 0.0;         ///< time before the stimulus (or the template's start) at samples[0]
    std::vector<double> samplesUv;
    std::vector<ReportMarker> markers; ///< e.g. onset and peak of this site
};

/// How a figure's traces are laid out.
enum class FigureLayout {
    Cascade,     ///< one band per trace, stacked top to bottom (NCS sites, distal first)
    Raster,      ///< many thin bands (F-wave stimuli), each trace clipped to its band
    Templates,   ///< traces side by side (a muscle's motor-unit templates)
};
std::string_view layoutName(FigureLayout layout) noexcept;
/// "cascade" | "raster" | "templates"; throws std::invalid_argument.
FigureLayout parseFigureLayout(std::string_view text);

/// A figure of the report drawn from a stored recording, every trace at one scale.
struct ReportFigure {
    std::string title;                 ///< e.g. "Peroneal motor, left: extensor digitorum brevis"
    FigureLayout layout = FigureLayout::Cascade;
    std::vector<ReportTrace> traces;
    std::vector<ReportMarker> markers; ///< across all traces (e.g. F min latency on a raster)
    double sweepMsPerDiv = 0.0;        ///< 0 = chosen from the data (1-2-5 steps)
    double sensitivityUvPerDiv = 0.0;  ///< 0 = chosen from the data; >= 1000 printed as mV/div
    std::string source;                ///< where it was drawn from (file, channel, SHA-256 verified)
    /// Non-empty: the figure could not be drawn, and this says why in its place (recording
    /// missing, checksum differs, unreadable); the traces are then empty.
    std::string unavailable;
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
    std::vector<ReportFigure> figures;           ///< after the waveforms; drawn from stored recordings
    std::string figuresNote;     ///< printed under the figures, e.g. which tests have no linked recording
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

/// The figures' JSON form (docs/report.md, "figures"); throws std::invalid_argument naming the field.
std::vector<ReportFigure> figuresFromJson(const nlohmann::json& array, const std::string& where);
nlohmann::json toJson(const ReportFigure& figure);

/// Number of cells flagged abnormal across all tables.
std::size_t countAbnormal(const ReportModel& model);

}  // namespace emg::report
