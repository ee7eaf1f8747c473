// The study session (emg/study/study_session.h): load, put in by the upsert rule, save.
#include <emg/study/study_session.h>

#include <emg/study/test_text.h>

#include <spdlog/spdlog.h>

#include <stdexcept>
#include <utility>

namespace emg::study {

StudySession::StudySession(SessionStore& store, std::string studyId) : store_(store), studyId_(std::move(studyId)) {
    if (studyId_.empty()) throw StoreError("no study chosen");
    study();   // refuses a study that is not there
}

Study StudySession::study() const {
    auto s = store_.study(studyId_);
    if (!s) throw StoreError("study " + studyId_ + " is not in the store");
    return *s;
}

const Protocol* StudySession::protocol() const {
    const auto id = study().protocolId;
    if (id.empty()) return nullptr;
    const auto* p = installedProtocols().find(id);
    if (!p) spdlog::warn("study {}: its protocol '{}' is not installed", studyId_, id);
    return p;
}

std::vector<ProtocolStep> StudySession::protocolSteps() const {
    const auto* p = protocol();
    return p ? p->steps : std::vector<ProtocolStep>{};
}

/// Reads the stored study, lets `change` put the entry in, and saves the study (one transaction).
template <typename Edit>
auto StudySession::edit(Edit&& change) {
    Study s = study();
    auto result = change(s);
    for (auto& t : s.tests) textAsUtf8(t);   // (names a file gave in Latin-1: the study holds UTF-8)
    store_.saveStudy(s);
    return result;
}

SavedEntry StudySession::saveNcsResponse(NcsSiteEntry entry, const dsp::ResponseResult& response) {
    return edit([&](Study& s) {
        if (entry.placedBy.empty()) entry.placedBy = s.examiner;
        const auto saved = addNcsResponse(s, entry, response);
        return SavedEntry{entry.kind, entry.nerve, saved.replacedSite};
    });
}

SavedEntry StudySession::saveTest(Test test) {
    return edit([&](Study& s) {
        const auto kind = kindOf(test);
        const auto subject = subjectOf(test);
        return SavedEntry{kind, subject, upsertTest(s, std::move(test)).replaced};
    });
}

SavedEntry StudySession::saveFWave(const dsp::FWaveResult& result, const LateTestTarget& where) {
    if (result.stimuli == 0) throw std::invalid_argument("no F-wave result yet: nothing to save");
    return saveTest(fwaveTestFrom(result, where));
}

SavedEntry StudySession::saveHReflex(const dsp::HReflexResult& result, const LateTestTarget& where) {
    if (result.sweeps.empty()) throw std::invalid_argument("no H-reflex result yet: nothing to save");
    return saveTest(hreflexTestFrom(result, where));
}

SavedEntry StudySession::saveRns(const dsp::RnsResult& result, const LateTestTarget& where, std::optional<double> firstResponseChangePercent) {
    if (result.responses.empty()) throw std::invalid_argument("no RNS result yet: nothing to save");
    return saveTest(rnsTestFrom(result, where, firstResponseChangePercent));
}

std::vector<SavedEntry> StudySession::saveNeedleRows(std::vector<NeedleFindingsRow> rows) {
    if (rows.empty()) throw std::invalid_argument("no findings rows: nothing to save");
    return edit([&](Study& s) {
        std::vector<SavedEntry> out;
        for (auto& row : rows) {
            if (row.placedBy.empty()) row.placedBy = s.examiner;
            try {
                auto test = needleTestFrom(row);
                const auto muscle = test.muscle;
                out.push_back({TestKind::Needle, muscle, upsertTest(s, std::move(test)).replaced});
            } catch (const std::invalid_argument& e) {
                throw std::invalid_argument((row.muscle.empty() ? std::string("a row") : row.muscle) + ": " + e.what());
            }
        }
        return out;
    });
}

SavedEntry StudySession::saveMuapSet(const std::string& muscle, Side side, const needle::MuscleSummary& summary,
                                     const std::string& method) {
    return edit([&](Study& s) {
        NeedleEmg probe;
        probe.muscle = muscle;
        probe.side = side;
        Test* found = findSameTest(s, Test{probe});
        NeedleEmg test = found ? std::get<NeedleEmg>(*found) : probe;
        addMuapSet(test, summary, method);
        return SavedEntry{TestKind::Needle, muscle, upsertTest(s, std::move(test)).replaced};
    });
}

}  // namespace emg::study
