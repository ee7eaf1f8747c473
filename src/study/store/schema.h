#pragma once
// The versioned schema: each migration is a list of statements for both dialects (internal).

#include <string>
#include <vector>

namespace emg::study::store {

enum class Dialect { Sqlite, Postgres };

struct Migration {
    int version;
    std::string description;
    std::vector<std::string> statements;   ///< already in the dialect's syntax
};

std::vector<Migration> migrations(Dialect d);
/// Migration 4 (schema_signing.cpp): study_signatures, study_addenda, audit_log, measurements.auto_value,
/// the lock triggers that refuse any change to a signed study, and the audit triggers.
std::vector<std::string> signingStatements(Dialect d);
/// Migration 5: protocol_runs (a study's run position) and run_sweeps (every sweep a run stored).
std::vector<std::string> protocolRunStatements(Dialect d);
/// Migration 6: raw_files (raw recordings by SHA-256: large object, shared folder or local path).
std::vector<std::string> rawFileStatements(Dialect d);
/// Migration 7: run_sweeps.rejected (0/1) and rejected_at (when the clinician rejected it).
std::vector<std::string> rejectedSweepStatements(Dialect d);
/// Migration 8: test_kinds, the triggers that refuse a kind not in it, and (PostgreSQL) the drop of
/// tests.kind's CHECK (schema_test_kinds.cpp).
std::vector<std::string> testKindStatements(Dialect d);
/// SQLite only: what a migration changes by editing sqlite_schema (a constraint SQLite cannot
/// drop with ALTER TABLE). The store runs `updates` after the migration's statements, between
/// PRAGMA writable_schema ON and OFF, with the schema version raised by one (the SQLite
/// documentation's procedure for dropping a constraint without rewriting the table), then runs
/// `leftOver`, which must count 0 (the old definition is gone).
struct SqliteSchemaEdit {
    std::vector<std::string> updates;
    std::string leftOver;
};
/// The edit of migration `version` (empty for all but 8, which drops tests.kind's CHECK).
SqliteSchemaEdit sqliteSchemaEdit(int version);
/// The marker the kind triggers put in their error message (the store turns it into a clear StoreError).
inline constexpr const char* kUnknownTestKind = "emgws-unknown-test-kind";
/// The names of the triggers that lock a signed study (checked by verify: a dropped one is named).
std::vector<std::string> lockTriggerNames(Dialect d);
/// The marker the lock triggers put in their error message (the store turns it into StudyLocked).
inline constexpr const char* kSignedStudyLocked = "emgws-signed-study-locked";
int latestVersion();

}  // namespace emg::study::store
