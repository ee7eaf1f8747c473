#pragma once
// The protocol runner (Qt-free): a protocol laid out as the ordered tests of one study (nerve,
// side, stimulation sites with distances, test kind; needle muscles with their roots), the
// current test and site, Next site / Next test / Previous, and the presets each test needs
// (montage, filters, sweep and gain, stimulus duration, ramp start and step, ceiling). Every move
// and every stored sweep is in the session store at once (schema version 5; a sweep's rejection, version 7), so reopening the
// study resumes at the same test and site and no stored sweep is lost to a crash.

#include <emg/study/protocol.h>
#include <emg/study/session_store.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace emg::study {

class MyotomeMap;

/// A needle muscle of the run with its roots from the myotome map (empty when the map lacks it).
struct RunMuscle {
    std::string name;
    std::string nerve;                      ///< main peripheral nerve
    std::vector<std::string> majorRoots;    ///< e.g. {"L5"}
    std::vector<std::string> minorRoots;    ///< e.g. {"L4", "S1"}
};

/// One test of the run: a protocol step on one side.
struct RunTest {
    std::size_t stepIndex = 0;              ///< the protocol step it comes from
    TestKind kind = TestKind::Motor;
    Side side = Side::Left;
    std::string nerve, recordingSite;       ///< NCS, late responses, RNS
    std::vector<ProtocolSite> sites;        ///< stimulation sites, distal first (F-wave, H-reflex: one)
    std::vector<RunMuscle> muscles;         ///< needle EMG, in the protocol's order
    std::optional<double> rateHz;           ///< RNS
    AcquisitionSettings presets;            ///< from the protocol file
    std::string note;

    /// Sites (or muscles) to visit, at least 1 (a late response without a named site has one).
    std::size_t positionCount() const noexcept;
    /// The site or muscle name at `index` ("" for an unnamed single position).
    std::string positionName(std::size_t index) const;
    /// "motor peroneal left", "needle left".
    std::string label() const;
};

/// The drawn picture of a stimulation site (resources/sites/, made by tools/make_site_pictures.py):
/// "<kind>-<nerve>-<recording site>-<site>.svg", each part lower case with every run of other
/// characters than letters and digits as one '-' (e.g. "motor-peroneal-extensor-digitorum-brevis-ankle.svg").
/// "" for a needle test or a position without a named site.
std::string sitePictureFile(const RunTest& test, std::size_t site);

/// Left for Right, Right for Left; the others give Left.
Side otherSide(Side side) noexcept;
/// The protocol's tests in order on `firstSide` (Left when Unspecified/Bilateral); a bilateral step
/// gives two tests, `firstSide` first. Needle muscles get their roots from `myotomes` when given.
std::vector<RunTest> runTestsOf(const Protocol& protocol, Side firstSide, const MyotomeMap* myotomes = nullptr);

/// Position in a run's tests: {tests.size(), 0} is "finished".
struct RunCursor {
    std::size_t test = 0, site = 0;
    bool operator==(const RunCursor&) const = default;
};
/// Pure moves (no store): the next site (past the last site: the next test's first), the next
/// test's first site, the previous site (before the first: the previous test's last). At the ends
/// they return the cursor unchanged (nextSite/nextTest from the last test give "finished").
RunCursor nextSiteOf(const std::vector<RunTest>& tests, RunCursor at) noexcept;
RunCursor nextTestOf(const std::vector<RunTest>& tests, RunCursor at) noexcept;
RunCursor previousOf(const std::vector<RunTest>& tests, RunCursor at) noexcept;

class ProtocolRun {
public:
    /// The run of study `studyId` with `protocol`: resumes at the stored position when the study
    /// has one for this protocol, else starts at its first test (a run of another protocol is
    /// replaced) and stores that at once. `firstSide` is used for a new run (Unspecified: the
    /// patient's symptom side, else left). Throws StoreError (study missing, store below v5).
    ProtocolRun(SessionStore& store, std::string studyId, const Protocol& protocol, Side firstSide = Side::Unspecified,
                const MyotomeMap* myotomes = nullptr);

    bool resumed() const noexcept { return resumed_; }
    const std::string& studyId() const noexcept { return studyId_; }
    const std::string& protocolId() const noexcept { return protocolId_; }
    Side firstSide() const noexcept { return firstSide_; }
    const std::vector<RunTest>& tests() const noexcept { return tests_; }
    RunCursor position() const noexcept { return at_; }
    bool finished() const noexcept { return at_.test >= tests_.size(); }
    /// The current test (std::logic_error when finished).
    const RunTest& currentTest() const;
    std::string currentSite() const;        ///< site or muscle name ("" when finished)

    /// Each move is stored before it returns; false when it could not move (already at that end).
    bool nextSite();
    bool nextTest();
    bool previous();
    /// Jumps to a test and site (std::out_of_range when there is none; {tests.size(), 0} finishes).
    void goTo(RunCursor to);

    /// Stores a sweep at the current test and site at once (study, protocol, indices, test label
    /// and site are filled in) and returns it as stored. std::logic_error when finished;
    /// std::invalid_argument when the stimulus is above the test's ceiling.
    RunSweep storeSweep(RunSweep sweep);
    /// Marks a stored sweep of this run rejected (or kept again) in the store at once (schema v7):
    /// it keeps its samples and a reopened run reads it as rejected. Throws StoreError (no such
    /// sweep, store below v7), StudyLocked (signed study).
    void setRejected(const RunSweep& sweep, bool rejected);
    /// Stored sweeps of this run at a position (default: the current one), in stored order,
    /// rejected ones marked.
    std::vector<RunSweep> sweepsAt(std::optional<RunCursor> at = std::nullopt) const;

private:
    void persist();

    SessionStore& store_;
    std::string studyId_, protocolId_;
    Side firstSide_ = Side::Left;
    std::vector<RunTest> tests_;
    RunCursor at_;
    bool resumed_ = false;
};

}  // namespace emg::study
