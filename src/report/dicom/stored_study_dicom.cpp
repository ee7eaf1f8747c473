#include <emg/report/dicom/stored_study_dicom.h>

#include <emg/io/sha256.h>

namespace emg::report::dicom {

DicomExportResult exportStoredStudyDicom(study::SessionStore& store, const std::string& studyId, const std::filesystem::path& outDir,
                                         const std::string& softwareVersion, const std::string& institution) {
    DicomExportRequest r;
    const auto s = store.study(studyId);
    if (!s) throw study::StoreError("no study '" + studyId + "' in the store");
    r.study = *s;
    study::useLocalRawCopies(store, r.study);   // recorded on another workstation: the store's verified copy
    const auto p = store.patient(s->patientId);
    if (!p) throw study::StoreError("study " + studyId + ": no patient '" + s->patientId + "' in the store");
    r.patient = *p;
    if (const auto sig = store.signature(studyId)) {
        SignedReport signedReport{store.signedPdf(studyId), sig->signedAt, sig->examinerName};
        if (io::sha256Hex(signedReport.pdf) != sig->pdfSha256)
            throw study::StoreError("study " + studyId + ": the stored report PDF differs from the one signed (SHA-256); not exported");
        r.signedReport = std::move(signedReport);
    }
    r.outDir = outDir;
    r.softwareVersion = softwareVersion;
    r.institution = institution;
    return exportStudyDicom(r);
}

}  // namespace emg::report::dicom
