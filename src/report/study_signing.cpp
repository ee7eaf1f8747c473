// Signing a stored study's report; the signed report with its addenda.
#include <emg/io/sha256.h>
#include <emg/report/study_report.h>
#include <emg/report/study_figures.h>
#include <emg/report/study_signing.h>
#include <emg/study/canonical_json.h>
#include <emg/study/json.h>

#include <chrono>
#include <ctime>

namespace emg::report {

namespace {

std::string utcNowSeconds() {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

study::Patient patientOf(study::SessionStore& store, const study::Study& s) {
    if (auto p = store.patient(s.patientId)) return *p;
    throw study::StoreError("study '" + s.id + "' names patient '" + s.patientId + "', who is not in the store");
}

ReportModel signedModel(const study::Patient& patient, const study::Study& s, const ReportSignature& signature,
                        const study::NormativeTable& norms, const study::MyotomeMap& myotomes) {
    ReportModel m = buildStudyReport(patient, s, norms, myotomes);
    attachStudyFigures(m, s);   // from the recordings as signed (each verified by its SHA-256)
    m.signedBy = signature.examiner;
    m.signature = signature;
    m.generatedAt = signature.signedAt;   // the same footer whenever the signed report is drawn again
    return m;
}

}  // namespace

SignOutcome signStudyReport(study::SessionStore& store, const std::string& studyId, const std::string& examinerName,
                            const std::string& osLogin, const study::NormativeTable& norms, const study::MyotomeMap& myotomes) {
    const auto s = store.study(studyId);
    if (!s) throw study::StoreError("no study '" + studyId + "' in the store");
    if (const auto existing = store.signature(studyId))
        throw study::StoreError("study " + studyId + " is already signed by " + existing->examinerName + " at " + existing->signedAt +
                                "; add an addendum instead");
    const std::string canonicalSha = io::sha256Hex(study::canonicalStudyJson(*s));
    const ReportSignature signature{examinerName, osLogin, utcNowSeconds(), canonicalSha};
    SignOutcome out;
    study::Study drawn = *s;   // hashed above with its own paths; drawn from this workstation's copies
    study::useLocalRawCopies(store, drawn);
    const std::string pdf = renderPdfReport(signedModel(patientOf(store, drawn), drawn, signature, norms, myotomes), &out.pdf);
    out.signature = store.signStudy({studyId, examinerName, osLogin, signature.signedAt, pdf, canonicalSha});
    return out;
}

ReportModel storedStudyReport(study::SessionStore& store, const std::string& studyId, const study::NormativeTable& norms,
                              const study::MyotomeMap& myotomes) {
    const auto current = store.study(studyId);
    if (!current) throw study::StoreError("no study '" + studyId + "' in the store (emgws-cli studies list)");
    const auto sig = store.signature(studyId);
    if (!sig) {
        ReportModel m = buildStudyReport(patientOf(store, *current), *current, norms, myotomes);
        study::Study drawn = *current;   // recorded on another workstation: the store's verified copies
        study::useLocalRawCopies(store, drawn);
        attachStudyFigures(m, drawn);
        return m;
    }
    study::Study signedStudy;
    try {
        signedStudy = study::studyFromJson(study::parseJsonText(sig->canonicalJson, "the signed study " + studyId));
    } catch (const study::FormatError& e) {
        throw study::StoreError("the signed record of study " + studyId + " cannot be read: " + e.what());
    }
    study::Patient patient;
    try {   // the patient as at signing (a later change of the shared patient record does not alter a signed report)
        patient = sig->patientJson.empty() ? patientOf(store, signedStudy)
                                           : study::patientFromJson(study::parseJsonText(sig->patientJson, "the signed patient record"));
    } catch (const study::FormatError& e) {
        throw study::StoreError("the signed record of study " + studyId + " cannot be read: " + e.what());
    }
    study::useLocalRawCopies(store, signedStudy);   // drawn from this workstation's verified copies
    ReportModel m = signedModel(patient, signedStudy,
                                {sig->examinerName, sig->osLogin, sig->signedAt, sig->canonicalSha256}, norms, myotomes);
    for (const auto& a : store.addenda(studyId)) m.addenda.push_back({a.number, a.text, a.author, a.osLogin, a.createdAt});
    return m;
}

}  // namespace emg::report
