// Schema history. Never edit a released migration: add a new one (docs/study-model.md).
#include "schema.h"

namespace emg::study::store {

namespace {
// The few places where the dialects differ.
std::string real(Dialect) { return "DOUBLE PRECISION"; }
std::string bigint(Dialect) { return "BIGINT"; }
}  // namespace

std::vector<Migration> migrations(Dialect d) {
    std::vector<Migration> m;
    m.push_back({1,
                 "patients, studies, tests, measurements, recordings",
                 {
                     "CREATE TABLE IF NOT EXISTS patients ("
                     " id TEXT PRIMARY KEY,"
                     " name TEXT NOT NULL DEFAULT '',"
                     " birth_date TEXT,"
                     " sex TEXT NOT NULL DEFAULT 'unknown' CHECK (sex IN ('unknown','female','male','other')),"
                     " height_cm " + real(d) + " CHECK (height_cm IS NULL OR (height_cm >= 40 AND height_cm <= 250)),"
                     " symptom_side TEXT NOT NULL DEFAULT 'unspecified')",
                     "CREATE TABLE IF NOT EXISTS studies ("
                     " id TEXT PRIMARY KEY,"
                     " patient_id TEXT NOT NULL REFERENCES patients(id) ON DELETE RESTRICT,"
                     " study_date TEXT NOT NULL,"
                     " indication TEXT NOT NULL DEFAULT '',"
                     " referring_physician TEXT NOT NULL DEFAULT '',"
                     " examiner TEXT NOT NULL DEFAULT '',"
                     " technician TEXT NOT NULL DEFAULT '',"
                     " limb_temperature_c " + real(d) + ","
                     " protocol_id TEXT NOT NULL DEFAULT '')",
                     "CREATE INDEX IF NOT EXISTS studies_patient ON studies(patient_id)",
                     "CREATE TABLE IF NOT EXISTS recordings ("
                     " id TEXT PRIMARY KEY,"
                     " study_id TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,"
                     " path TEXT NOT NULL,"
                     " sha256 TEXT NOT NULL CHECK (length(sha256) = 64),"
                     " size_bytes " + bigint(d) + " NOT NULL,"
                     " added_at TEXT NOT NULL,"
                     " UNIQUE (study_id, sha256))",
                     "CREATE TABLE IF NOT EXISTS tests ("
                     " study_id TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,"
                     " id TEXT NOT NULL,"
                     " ordinal INTEGER NOT NULL,"
                     " kind TEXT NOT NULL CHECK (kind IN ('motor','sensory','fwave','hreflex','rns','needle')),"
                     " subject TEXT NOT NULL,"
                     " side TEXT NOT NULL,"
                     " recording_id TEXT REFERENCES recordings(id),"
                     " payload TEXT NOT NULL,"
                     " PRIMARY KEY (study_id, id))",
                     "CREATE TABLE IF NOT EXISTS measurements ("
                     " study_id TEXT NOT NULL,"
                     " test_id TEXT NOT NULL,"
                     " ordinal INTEGER NOT NULL,"
                     " site_index INTEGER NOT NULL,"
                     " site TEXT NOT NULL DEFAULT '',"
                     " name TEXT NOT NULL,"
                     " value " + real(d) + " NOT NULL,"
                     " unit TEXT NOT NULL DEFAULT '',"
                     " provenance TEXT NOT NULL CHECK (provenance IN ('auto','clinician')),"
                     " method TEXT NOT NULL DEFAULT '',"
                     " placed_by TEXT NOT NULL DEFAULT '',"
                     " PRIMARY KEY (study_id, test_id, ordinal),"
                     " FOREIGN KEY (study_id, test_id) REFERENCES tests(study_id, id) ON DELETE CASCADE)",
                 }});
    m.push_back({2,
                 "findings; study modification time; measurement name index",
                 {
                     "CREATE TABLE IF NOT EXISTS findings ("
                     " study_id TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,"
                     " ordinal INTEGER NOT NULL,"
                     " kind TEXT NOT NULL,"
                     " text TEXT NOT NULL,"
                     " provenance TEXT NOT NULL CHECK (provenance IN ('auto','clinician')),"
                     " confirmed INTEGER NOT NULL DEFAULT 0 CHECK (confirmed IN (0,1)),"
                     " PRIMARY KEY (study_id, ordinal))",
                     "ALTER TABLE studies ADD COLUMN updated_at TEXT",
                     "CREATE INDEX IF NOT EXISTS measurements_name ON measurements(name)",
                 }});
    // Reserved for reviewer annotations (merged from review-data): that branch's migration 3 adds
    // only its own tables; this empty placeholder keeps the numbering until the branches meet.
    m.push_back({3, "reserved for reviewer annotations (merged from review-data)", {}});
    m.push_back({4, "signatures, addenda, audit trail; automatic value beside the clinician's; signed studies locked by triggers",
                 signingStatements(d)});
    return m;
}

int latestVersion() { return 4; }

}  // namespace emg::study::store
