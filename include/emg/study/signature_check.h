#pragma once
// What `emgws-cli studies verify` reports: whether a signed study is still what was signed.
// The stored study is turned into its canonical JSON again and hashed; the signature's own record
// (the canonical JSON kept at signing and the PDF) is checked against its hashes; the lock
// triggers are checked for presence. Differences are named against the kept canonical JSON.
#include <emg/study/session_store.h>

#include <string>
#include <vector>

namespace emg::study {

struct SignatureCheck {
    std::string studyId;
    bool isSigned = false;
    std::string signedBy, osLogin, signedAt;
    std::string signedStudySha256;    ///< as stored with the signature
    std::string currentStudySha256;   ///< of the study as stored now
    bool keptJsonIntact = true;       ///< the kept canonical JSON still hashes to signedStudySha256
    bool pdfIntact = true;            ///< the stored PDF still hashes to the signature's PDF hash
    std::vector<std::string> differences;          ///< signed -> now, one line each
    std::vector<std::string> missingLockTriggers;  ///< dropped or disabled lock triggers
    /// The shared patient record changed since signing (not part of the study's hash; the signed
    /// report keeps the record as it was): one line per difference, for information.
    std::vector<std::string> patientChanges;
    bool intact() const noexcept {
        return isSigned && keptJsonIntact && pdfIntact && signedStudySha256 == currentStudySha256 && differences.empty() &&
               missingLockTriggers.empty();
    }
};

/// Throws StoreError when the study does not exist.
SignatureCheck checkSignedStudy(SessionStore& store, const std::string& studyId);

}  // namespace emg::study
