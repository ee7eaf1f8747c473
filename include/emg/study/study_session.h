#pragma once
// The study at work: the one engine path from a measured result to the study. A StudySession
// knows the active study (in a SessionStore) and its protocol, turns any result (an NCS site, an
// F-wave, H-reflex or RNS result, a needle muscle's findings, a MUAP set) into its study entry and
// saves it at once: each save reads the stored study, puts the entry in by the study's one upsert
// rule (emg/study/test_identity.h) and writes the study back in one store transaction, so a
// failed save leaves the stored study as it was. The GUI's Save-to-study bars and the CLI
// (`emgws-cli studies put-test`) both come through here. Qt-free.

#include <emg/needle/needle_types.h>
#include <emg/study/late_entry.h>
#include <emg/study/ncs_entry.h>
#include <emg/study/needle_entry.h>
#include <emg/study/protocol.h>
#include <emg/study/session_store.h>
#include <emg/study/test_identity.h>

#include <optional>
#include <string>
#include <vector>

namespace emg::study {

/// What one save did.
struct SavedEntry {
    TestKind kind = TestKind::Motor;
    std::string subject;     ///< the nerve or muscle as saved
    bool replaced = false;   ///< an earlier entry (the same test, or the same NCS site) was replaced
};

class StudySession {
public:
    /// Works on study `studyId` of `store` (the store must outlive the session). Throws
    /// StoreError when the study is not in the store.
    StudySession(SessionStore& store, std::string studyId);

    const std::string& studyId() const noexcept { return studyId_; }
    /// The study as stored now.
    Study study() const;
    /// The study's protocol from the installed list; nullptr when it has none or it is not installed.
    const Protocol* protocol() const;
    /// The protocol's steps in order (empty without a protocol).
    std::vector<ProtocolStep> protocolSteps() const;

    /// The response as a site of its motor/sensory test; the markers' placedBy defaults to the
    /// study's examiner.
    SavedEntry saveNcsResponse(NcsSiteEntry entry, const dsp::ResponseResult& response);
    SavedEntry saveFWave(const dsp::FWaveResult& result, const LateTestTarget& where);
    SavedEntry saveHReflex(const dsp::HReflexResult& result, const LateTestTarget& where);
    /// `firstResponseChangePercent`: a later train's first response against its site's first
    /// train's (rnsTestFrom), nullopt for a first or only train.
    SavedEntry saveRns(const dsp::RnsResult& result, const LateTestTarget& where, std::optional<double> firstResponseChangePercent = std::nullopt);
    /// Every row as a needle test, all or none (a row that is not a finding refuses the lot,
    /// naming the muscle); placedBy defaults to the study's examiner.
    std::vector<SavedEntry> saveNeedleRows(std::vector<NeedleFindingsRow> rows);
    /// The MUAP set's summary into the needle test of that muscle and side (created when none).
    SavedEntry saveMuapSet(const std::string& muscle, Side side, const needle::MuscleSummary& summary, const std::string& method);
    /// Any test, by the upsert rule (the CLI's put-test).
    SavedEntry saveTest(Test test);

private:
    template <typename Edit>
    auto edit(Edit&& change);

    SessionStore& store_;
    std::string studyId_;
};

}  // namespace emg::study
