// studies verify: recompute the canonical JSON of the stored study and compare with what was signed.
#include <emg/io/sha256.h>
#include <emg/study/canonical_json.h>
#include <emg/study/json.h>
#include <emg/study/signature_check.h>

namespace emg::study {

SignatureCheck checkSignedStudy(SessionStore& store, const std::string& studyId) {
    SignatureCheck c;
    c.studyId = studyId;
    const auto current = store.study(studyId);
    if (!current) throw StoreError("no study '" + studyId + "'");
    const std::string currentJson = canonicalStudyJson(*current);
    c.currentStudySha256 = io::sha256Hex(currentJson);
    const auto sig = store.signature(studyId);
    if (!sig) return c;
    c.isSigned = true;
    c.signedBy = sig->examinerName;
    c.osLogin = sig->osLogin;
    c.signedAt = sig->signedAt;
    c.signedStudySha256 = sig->canonicalSha256;
    c.keptJsonIntact = io::sha256Hex(sig->canonicalJson) == sig->canonicalSha256;
    c.pdfIntact = io::sha256Hex(store.signedPdf(studyId)) == sig->pdfSha256;
    c.missingLockTriggers = store.missingLockTriggers();
    if (!sig->patientJson.empty()) {
        const auto patient = store.patient(current->patientId);
        const std::string now = patient ? canonicalJsonText(toJson(*patient)) : std::string("null");
        if (now != sig->patientJson) {
            try {
                c.patientChanges = describeJsonDifferences(parseJsonText(sig->patientJson, "the signed patient record"), nlohmann::json::parse(now));
            } catch (const std::exception& e) {
                c.patientChanges.push_back(std::string("the signed patient record cannot be read: ") + e.what());
            }
            if (c.patientChanges.empty()) c.patientChanges.push_back("the patient record differs from the one at signing");
        }
    }
    if (c.currentStudySha256 != c.signedStudySha256) {
        try {
            c.differences = describeStudyDifferences(parseJsonText(sig->canonicalJson, "the signed study"), nlohmann::json::parse(currentJson));
        } catch (const std::exception& e) {
            c.differences.push_back(std::string("the kept signed JSON cannot be read: ") + e.what());
        }
        if (c.differences.empty())   // same content, other text: the canonical form itself changed
            c.differences.push_back("the study's canonical text differs from the signed one although no value differs");
    }
    return c;
}

}  // namespace emg::study
