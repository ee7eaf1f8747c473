#pragma once
// A study as the rows the store keeps (tests, measurements, findings), and the pairing of stored
// measurement rows with wanted ones, so that a save writes only what changed (internal). Writing
// only the changes keeps the audit trail to real changes (old -> new) and lets an unchanged save
// of a signed study pass its lock.
#include <emg/study/study.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace emg::study::store {

struct TestRow {
    std::string id;
    int ordinal = 0;
    std::string kind, subject, side;
    std::string rawPath;    ///< empty when the test has no raw data
    std::string payload;    ///< the test's JSON without measurements and checksum
};

struct MeasurementRow {
    std::string testId;
    int ordinal = 0;        ///< order within the test
    int siteIndex = -1;     ///< -1 = test level
    std::string site, name;
    double value = 0.0;
    std::string unit, provenance, method, placedBy;
    std::optional<double> autoValue;
};

struct FindingRow {
    int ordinal = 0;
    std::string kind, text, provenance;
    bool confirmed = false;
};

struct StudyRows {
    std::vector<TestRow> tests;
    std::vector<MeasurementRow> measurements;
    std::vector<FindingRow> findings;
};

StudyRows rowsOf(const Study& s);

/// The same measurement in two lists: same test, site index and name, and the same occurrence
/// among repeats of that name (the first with the first, ...).
struct MeasurementPairing {
    std::vector<std::size_t> removed;                          ///< stored rows no longer wanted
    std::vector<std::pair<std::size_t, std::size_t>> kept;     ///< (stored, wanted)
    std::vector<std::size_t> added;                            ///< wanted rows not stored yet
};
MeasurementPairing pairMeasurements(const std::vector<MeasurementRow>& stored, const std::vector<MeasurementRow>& wanted);

/// Whether a kept measurement must be rewritten (anything but the ordinal differs; an absent
/// wanted autoValue keeps the stored one).
bool measurementChanged(const MeasurementRow& stored, const MeasurementRow& wanted);

}  // namespace emg::study::store
