// Migration 8: the test kinds a store accepts come from the program, not from the schema.
//
// v1 wrote the six kinds of its day into a CHECK on tests.kind, so every new kind needed a
// migration. From v8 the kinds are rows of test_kinds, which every workstation fills from the one
// test-kind enum (emg::kTestKinds) each time it opens the store; a trigger refuses a tests row whose
// kind is not there (any path into the database: this program, another tool, a hand-typed
// statement), with a message naming the kind (PostgreSQL) or the table to look in (SQLite).
// Dropping the CHECK: PostgreSQL drops the constraint; SQLite cannot alter a column's constraint,
// so the store edits the table's definition in sqlite_schema (sqliteSchemaEdit below, the procedure
// the SQLite documentation gives for removing a CHECK: no row is rewritten).
#include "schema.h"

namespace emg::study::store {

namespace {
/// The kinds v1's CHECK allowed: the rows already stored have one of them.
const char* kV1Kinds = "('motor'), ('sensory'), ('fwave'), ('hreflex'), ('rns'), ('needle')";
}  // namespace

std::vector<std::string> testKindStatements(Dialect d) {
    std::vector<std::string> s{
        "CREATE TABLE IF NOT EXISTS test_kinds (name TEXT PRIMARY KEY CHECK (length(name) > 0))",
        std::string("INSERT INTO test_kinds (name) VALUES ") + kV1Kinds + " ON CONFLICT (name) DO NOTHING",
    };
    if (d == Dialect::Sqlite) {
        const std::string known = " FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM test_kinds WHERE name = NEW.kind) BEGIN SELECT RAISE(ABORT, '" +
                                  std::string(kUnknownTestKind) + ": the test kind is not in test_kinds (the kinds the workstations know)'); END";
        s.push_back("CREATE TRIGGER tests_kind_known_insert BEFORE INSERT ON tests" + known);
        s.push_back("CREATE TRIGGER tests_kind_known_update BEFORE UPDATE OF kind ON tests" + known);
        return s;   // the CHECK goes in SqlSessionStore (sqlite_schema edit, see above)
    }
    s.push_back("ALTER TABLE tests DROP CONSTRAINT tests_kind_check");
    s.push_back("CREATE OR REPLACE FUNCTION emgws_test_kind_known() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "IF NOT EXISTS (SELECT 1 FROM test_kinds WHERE name = NEW.kind) THEN RAISE EXCEPTION '" +
                std::string(kUnknownTestKind) + ": test kind ''%'' is not in test_kinds (the kinds the workstations know)', NEW.kind; "
                "END IF; RETURN NEW; END $$");
    s.push_back("CREATE TRIGGER tests_kind_known BEFORE INSERT OR UPDATE OF kind ON tests FOR EACH ROW EXECUTE FUNCTION emgws_test_kind_known()");
    return s;
}

SqliteSchemaEdit sqliteSchemaEdit(int version) {
    if (version != 8) return {};
    return {{"UPDATE sqlite_master SET sql = replace(sql, ' CHECK (kind IN (''motor'',''sensory'',''fwave'',''hreflex'',''rns'',''needle''))', '') "
             "WHERE type = 'table' AND name = 'tests'"},
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'tests' AND sql LIKE '%CHECK (kind%'"};
}

}  // namespace emg::study::store
