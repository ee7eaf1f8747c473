#include <emg/report/dicom/study_dicom_export.h>

#include "acquisition_time.h"
#include "dicom_values.h"
#include "emg_waveform_file.h"
#include "encapsulated_pdf_file.h"

#include <emg/core/test_kind.h>
#include <emg/io/safe_file_writer.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <spdlog/spdlog.h>

namespace emg::report::dicom {

namespace {

CodedConcept sourceOf(const study::Test& t) {
    const auto side = study::common(t).side;
    if (const auto* s = std::get_if<study::SensoryNcs>(&t)) return nerveSource(s->nerve, side);
    if (const auto* n = std::get_if<study::NeedleEmg>(&t)) return muscleSource(n->muscle, side);
    return muscleSource(study::recordingSiteOf(t), side);
}

std::string fileStem(const std::string& studyId) {
    std::string out;
    for (char c : studyId) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
    return out.empty() ? std::string("study") : out;
}

WaveformGroup groupOf(const study::Test& t, const std::string& studyDate, std::vector<std::string>& notes) {
    const auto& c = study::common(t);
    WaveformGroup g;
    const std::string kind(study::toString(study::kindOf(t)));
    g.label = c.id + " " + kind;
    g.description = c.id + " " + kind + " " + study::subjectOf(t) + (c.side == study::Side::Unspecified ? "" : " " + std::string(study::toString(c.side)));
    g.source = sourceOf(t);
    g.span = readLinkedSpan(c.raw);
    for (const auto& n : g.span.notes) notes.push_back("test " + c.id + ": " + n);
    g.markers = markersFor(t, g.span, notes);
    auto start = isoToMicroseconds(g.span.recordingStartIso);
    if (!start) {
        notes.push_back("test " + c.id + ": the recording has no readable start time; the study date at 00:00 is used");
        start = isoToMicroseconds(studyDate + "T00:00:00").value_or(0);
    }
    g.startMicroseconds = *start + std::llround(g.span.fromSec * 1e6);
    return g;
}

ExportedGroup summaryOf(const study::Test& t, const WaveformGroup& g) {
    ExportedGroup e;
    e.testId = study::common(t).id;
    e.description = g.description;
    e.recording = g.span.file.string();
    e.sha256 = g.span.sha256;
    e.fromSec = g.span.fromSec;
    e.channels = g.span.channels.size();
    e.samplesPerChannel = g.span.samplesPerChannel();
    e.sampleRateHz = g.span.channels.front().sampleRateHz;
    e.toSec = g.span.fromSec + static_cast<double>(e.samplesPerChannel) / e.sampleRateHz;
    e.sampleInterpretation = g.span.bdf ? "SL" : "SS";
    e.markers = g.markers.size();
    return e;
}

}  // namespace

DicomExportResult exportStudyDicom(const DicomExportRequest& r) {
    if (!std::filesystem::is_directory(r.outDir)) throw std::runtime_error("DICOM export: " + r.outDir.string() + " is not a folder");
    DicomExportResult result;
    result.studyInstanceUid = studyInstanceUid(r.study.id);

    std::vector<WaveformGroup> groups;
    for (const auto& t : r.study.tests) {
        if (study::common(t).raw.empty()) {
            result.notes.push_back("test " + study::common(t).id + " links no recording: no waveform exported for it");
            continue;
        }
        try {
            groups.push_back(groupOf(t, r.study.date, result.notes));
        } catch (const std::exception& e) {
            throw std::runtime_error("DICOM export of study " + r.study.id + ", test " + study::common(t).id + ": " + e.what() + "; nothing was written");
        }
        result.groups.push_back(summaryOf(t, groups.back()));
    }

    ExportIdentity id{r.patient, r.study, result.studyInstanceUid, "", r.softwareVersion, r.institution};
    if (!groups.empty()) {
        const auto earliest = std::min_element(groups.begin(), groups.end(), [](const auto& a, const auto& b) { return a.startMicroseconds < b.startMicroseconds; });
        id.studyTime = dicomDateTimeOf(earliest->startMicroseconds).substr(8, 6);
    }

    struct Pending {
        ExportedFile file;
        std::string bytes;
    };
    std::vector<Pending> pending;
    const std::string stem = fileStem(r.study.id);
    if (!groups.empty()) {
        const EmgWaveformUids uids{randomUid(), randomUid(), uidFromName("emgws synchronization " + r.study.id)};
        pending.push_back({{r.outDir / (stem + "-emg.dcm"), "emg-waveform", UID_ElectromyogramWaveformStorage, uids.sopInstanceUid, uids.seriesInstanceUid, 0},
                           emgWaveformFile(id, groups, uids)});
    } else {
        result.notes.push_back("no test links a recording: no EMG waveform object");
    }
    if (r.signedReport) {
        EncapsulatedPdfInput in{r.signedReport->pdf, "Electrodiagnostic report, signed by " + r.signedReport->examiner, r.signedReport->signedAt,
                                randomUid(), randomUid()};
        pending.push_back({{r.outDir / (stem + "-report.dcm"), "encapsulated-pdf", UID_EncapsulatedPDFStorage, in.sopInstanceUid, in.seriesInstanceUid, 0},
                           encapsulatedPdfFile(id, in)});
    } else {
        result.notes.push_back("the study is not signed: the report is not exported (emgws-cli studies sign)");
    }
    for (const auto& p : pending) io::refuseUnsafeTarget(p.file.path);   // before the first write
    for (auto& p : pending) {
        io::writeFileSafely(p.file.path, p.bytes);
        p.file.bytes = p.bytes.size();
        spdlog::info("DICOM export: wrote {} ({} bytes)", p.file.path.string(), p.bytes.size());
        result.files.push_back(p.file);
    }
    return result;
}

}  // namespace emg::report::dicom
