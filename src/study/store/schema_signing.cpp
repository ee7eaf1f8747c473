// Migration 4: signatures, addenda, the audit trail and the lock of a signed study, written as
// triggers in both dialects so that every path into the database (this program, another tool, a
// hand-typed SQL statement) inherits them. docs/study-model.md, "Signing, lock, audit trail".
//
// Who made a change: the store writes its actor (typed name and OS login) where the triggers can
// read it for the length of its own transaction: in PostgreSQL with set_config(..., true)
// (transaction-local settings emgws.actor / emgws.os_login), in SQLite in the one-row table
// audit_actor (set after BEGIN IMMEDIATE, cleared before COMMIT; SQLite has one writer at a time).
// A change made outside the program has no actor: it is recorded as "not through emgws".
#include "schema.h"

namespace emg::study::store {

namespace {

const std::vector<std::string> kLockedTables = {"measurements", "findings", "tests", "recordings"};

std::string sqliteNow() { return "strftime('%Y-%m-%dT%H:%M:%fZ','now')"; }
std::string sqliteActor() { return "COALESCE((SELECT actor FROM audit_actor WHERE id = 1), 'not through emgws')"; }
std::string sqliteLogin() { return "COALESCE((SELECT os_login FROM audit_actor WHERE id = 1), '')"; }

// Row descriptions shared by both dialects (ROW is NEW or OLD).
std::string measurementItem(const std::string& row) {
    return row + ".test_id || CASE WHEN " + row + ".site_index >= 0 THEN ' @ ' || " + row + ".site ELSE '' END || ' ' || " + row + ".name";
}
std::string measurementValue(const std::string& row, const std::string& asText) {
    return asText + " || CASE WHEN " + row + ".unit <> '' THEN ' ' || " + row + ".unit ELSE '' END";
}
std::string findingItem(const std::string& row) { return "'finding ' || (" + row + ".ordinal + 1) || ' (' || " + row + ".kind || ')'"; }
std::string findingValue(const std::string& row) {
    return "CASE WHEN " + row + ".confirmed = 1 THEN '[confirmed] ' ELSE '' END || " + row + ".text";
}
std::string testItem(const std::string& row) {
    return row + ".id || ' ' || " + row + ".kind || ' ' || " + row + ".subject || ' ' || " + row + ".side";
}

const char* kAuditColumns = "INSERT INTO audit_log (study_id, changed_at, changed_by, os_login, entity, item, action, old_value, new_value, "
                            "old_source, new_source) VALUES ";

struct AuditedTable {
    std::string table, entity;
    std::string (*item)(const std::string&);
    std::string (*value)(const std::string&, bool sqlite);
    std::string source;          // column holding auto/clinician, empty when the row has none
    std::string changed;         // list of columns whose change is recorded
};

std::string measurementValueFor(const std::string& row, bool sqlite) {
    return measurementValue(row, sqlite ? "CAST(" + row + ".value AS TEXT)" : row + ".value::text");
}
std::string findingValueFor(const std::string& row, bool) { return findingValue(row); }
std::string testValueFor(const std::string& row, bool) { return row + ".payload"; }

std::vector<AuditedTable> auditedTables() {
    return {{"measurements", "measurement", measurementItem, measurementValueFor, "provenance", "value,unit,provenance,name,site,placed_by,method"},
            {"findings", "finding", findingItem, findingValueFor, "provenance", "kind,text,provenance,confirmed"},
            {"tests", "test", testItem, testValueFor, "", "payload,kind,subject,side,recording_id"}};
}

std::vector<std::string> split(const std::string& csv) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : csv) {
        if (c == ',') {
            out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

std::string anyChanged(const std::string& csv, const char* distinct) {
    std::string w;
    for (const auto& c : split(csv)) w += (w.empty() ? "" : " OR ") + std::string("OLD.") + c + " " + distinct + " NEW." + c;
    return w;
}

std::string sourceOf(const AuditedTable& t, const std::string& row) { return t.source.empty() ? "NULL" : row + "." + t.source; }

std::string auditValues(const AuditedTable& t, const std::string& action, bool sqlite, const std::string& now, const std::string& actor,
                        const std::string& login) {
    const bool hasOld = action != "insert", hasNew = action != "delete";
    const std::string row = hasNew ? "NEW" : "OLD";
    return std::string(kAuditColumns) + "(" + row + ".study_id, " + now + ", " + actor + ", " + login + ", '" + t.entity + "', " +
           t.item(row) + ", '" + action + "', " + (hasOld ? t.value("OLD", sqlite) : "NULL") + ", " +
           (hasNew ? t.value("NEW", sqlite) : "NULL") + ", " + (hasOld ? sourceOf(t, "OLD") : "NULL") + ", " +
           (hasNew ? sourceOf(t, "NEW") : "NULL") + ")";
}

const char* kStudyColumns = "id,patient_id,study_date,indication,referring_physician,examiner,technician,limb_temperature_c,protocol_id";

std::vector<std::string> commonTables(Dialect d) {
    const bool pg = d == Dialect::Postgres;
    return {
        "CREATE TABLE IF NOT EXISTS study_signatures ("
        " study_id TEXT PRIMARY KEY REFERENCES studies(id) ON DELETE RESTRICT,"
        " examiner_name TEXT NOT NULL CHECK (length(examiner_name) > 0),"
        " os_login TEXT NOT NULL DEFAULT '',"
        " signed_at TEXT NOT NULL,"
        " pdf " + std::string(pg ? "BYTEA" : "BLOB") + " NOT NULL,"
        " pdf_sha256 TEXT NOT NULL CHECK (length(pdf_sha256) = 64),"
        " canonical_json TEXT NOT NULL,"
        " canonical_sha256 TEXT NOT NULL CHECK (length(canonical_sha256) = 64),"
        " patient_json TEXT NOT NULL DEFAULT '')",
        "CREATE TABLE IF NOT EXISTS study_addenda ("
        " study_id TEXT NOT NULL REFERENCES study_signatures(study_id) ON DELETE RESTRICT,"
        " ordinal INTEGER NOT NULL,"
        " text TEXT NOT NULL CHECK (length(text) > 0),"
        " author TEXT NOT NULL CHECK (length(author) > 0),"
        " os_login TEXT NOT NULL DEFAULT '',"
        " created_at TEXT NOT NULL,"
        " PRIMARY KEY (study_id, ordinal))",
        "CREATE TABLE IF NOT EXISTS audit_log ("
        " id " + std::string(pg ? "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT") + ","
        " study_id TEXT NOT NULL,"
        " changed_at TEXT NOT NULL,"
        " changed_by TEXT NOT NULL,"
        " os_login TEXT NOT NULL DEFAULT '',"
        " entity TEXT NOT NULL CHECK (entity IN ('measurement','finding','test')),"
        " item TEXT NOT NULL,"
        " action TEXT NOT NULL CHECK (action IN ('insert','update','delete')),"
        " old_value TEXT,"
        " new_value TEXT,"
        " old_source TEXT,"
        " new_source TEXT)",
        "CREATE INDEX IF NOT EXISTS audit_log_study ON audit_log(study_id, id)",
        "ALTER TABLE measurements ADD COLUMN auto_value DOUBLE PRECISION",
    };
}

std::vector<std::string> sqliteStatements() {
    std::vector<std::string> s = commonTables(Dialect::Sqlite);
    s.push_back("CREATE TABLE IF NOT EXISTS audit_actor (id INTEGER PRIMARY KEY CHECK (id = 1), actor TEXT, os_login TEXT)");
    s.push_back("INSERT INTO audit_actor (id) VALUES (1)");
    const std::string signedWhere = "EXISTS (SELECT 1 FROM study_signatures WHERE study_id = ";
    const std::string raise = "BEGIN SELECT RAISE(ABORT, '" + std::string(kSignedStudyLocked) + "'); END";
    for (const auto& t : kLockedTables) {
        s.push_back("CREATE TRIGGER lock_" + t + "_insert BEFORE INSERT ON " + t + " WHEN " + signedWhere + "NEW.study_id) " + raise);
        s.push_back("CREATE TRIGGER lock_" + t + "_update BEFORE UPDATE ON " + t + " WHEN " + signedWhere + "OLD.study_id) OR " +
                    signedWhere + "NEW.study_id) " + raise);
        s.push_back("CREATE TRIGGER lock_" + t + "_delete BEFORE DELETE ON " + t + " WHEN " + signedWhere + "OLD.study_id) " + raise);
    }
    s.push_back("CREATE TRIGGER lock_studies_update BEFORE UPDATE ON studies WHEN " + signedWhere + "OLD.id) AND (" +
                anyChanged(kStudyColumns, "IS NOT") + ") " + raise);
    s.push_back("CREATE TRIGGER lock_studies_delete BEFORE DELETE ON studies WHEN " + signedWhere + "OLD.id) " + raise);
    for (const auto& [table, what] : std::vector<std::pair<std::string, std::string>>{
             {"study_signatures", "a signature"}, {"study_addenda", "an addendum"}, {"audit_log", "the audit trail"}}) {
        for (const char* op : {"update", "delete"})
            s.push_back("CREATE TRIGGER immutable_" + table + "_" + op + " BEFORE " + (op[0] == 'u' ? "UPDATE" : "DELETE") + " ON " +
                        table + " BEGIN SELECT RAISE(ABORT, 'emgws: " + what + " cannot be changed or removed'); END");
    }
    for (const auto& t : auditedTables()) {
        for (const std::string action : {"insert", "update", "delete"}) {
            const std::string when = action == "update" ? " WHEN " + anyChanged(t.changed, "IS NOT") : "";
            s.push_back("CREATE TRIGGER audit_" + t.table + "_" + action + " AFTER " + (action == "insert" ? "INSERT" : action == "update" ? "UPDATE" : "DELETE") +
                        " ON " + t.table + when + " BEGIN " + auditValues(t, action, true, sqliteNow(), sqliteActor(), sqliteLogin()) + "; END");
        }
    }
    s.push_back("CREATE TRIGGER keep_auto_value AFTER UPDATE OF value, provenance ON measurements "
                "WHEN OLD.provenance = 'auto' AND NEW.provenance = 'clinician' AND NEW.auto_value IS NULL AND OLD.value IS NOT NEW.value "
                "BEGIN UPDATE measurements SET auto_value = OLD.value WHERE study_id = NEW.study_id AND test_id = NEW.test_id "
                "AND ordinal = NEW.ordinal; END");
    return s;
}

std::vector<std::string> postgresStatements() {
    std::vector<std::string> s = commonTables(Dialect::Postgres);
    const std::string now = "to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
    const std::string actor = "COALESCE(NULLIF(current_setting('emgws.actor', true), ''), 'not through emgws (database user ' || session_user || ')')";
    const std::string login = "COALESCE(current_setting('emgws.os_login', true), '')";
    // The lock: TG_ARGV[0] names the study id column of the table.
    s.push_back("CREATE OR REPLACE FUNCTION emgws_refuse_if_signed() RETURNS trigger LANGUAGE plpgsql AS $$ "
                "BEGIN "
                "IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (SELECT 1 FROM study_signatures WHERE study_id = to_jsonb(OLD) ->> TG_ARGV[0]) THEN "
                "RAISE EXCEPTION '" + std::string(kSignedStudyLocked) + ": study % is signed', to_jsonb(OLD) ->> TG_ARGV[0]; END IF; "
                "IF TG_OP IN ('UPDATE', 'INSERT') AND EXISTS (SELECT 1 FROM study_signatures WHERE study_id = to_jsonb(NEW) ->> TG_ARGV[0]) THEN "
                "RAISE EXCEPTION '" + std::string(kSignedStudyLocked) + ": study % is signed', to_jsonb(NEW) ->> TG_ARGV[0]; END IF; "
                "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$");
    for (const auto& t : kLockedTables)
        s.push_back("CREATE TRIGGER lock_" + t + " BEFORE INSERT OR UPDATE OR DELETE ON " + t +
                    " FOR EACH ROW EXECUTE FUNCTION emgws_refuse_if_signed('study_id')");
    s.push_back("CREATE TRIGGER lock_studies_update BEFORE UPDATE ON studies FOR EACH ROW WHEN (" + anyChanged(kStudyColumns, "IS DISTINCT FROM") +
                ") EXECUTE FUNCTION emgws_refuse_if_signed('id')");
    s.push_back("CREATE TRIGGER lock_studies_delete BEFORE DELETE ON studies FOR EACH ROW EXECUTE FUNCTION emgws_refuse_if_signed('id')");
    s.push_back("CREATE OR REPLACE FUNCTION emgws_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
                "BEGIN RAISE EXCEPTION 'emgws: % cannot be changed or removed', TG_ARGV[0]; END $$");
    for (const auto& [table, what] : std::vector<std::pair<std::string, std::string>>{
             {"study_signatures", "a signature"}, {"study_addenda", "an addendum"}, {"audit_log", "the audit trail"}})
        s.push_back("CREATE TRIGGER immutable_" + table + " BEFORE UPDATE OR DELETE ON " + table +
                    " FOR EACH ROW EXECUTE FUNCTION emgws_refuse_change('" + what + "')");
    for (const auto& t : auditedTables()) {
        s.push_back("CREATE OR REPLACE FUNCTION emgws_audit_" + t.table + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    "IF TG_OP = 'INSERT' THEN " + auditValues(t, "insert", false, now, actor, login) + "; RETURN NEW; "
                    "ELSIF TG_OP = 'UPDATE' THEN IF " + anyChanged(t.changed, "IS DISTINCT FROM") + " THEN " +
                    auditValues(t, "update", false, now, actor, login) + "; END IF; RETURN NEW; "
                    "ELSE " + auditValues(t, "delete", false, now, actor, login) + "; RETURN OLD; END IF; END $$");
        s.push_back("CREATE TRIGGER audit_" + t.table + " AFTER INSERT OR UPDATE OR DELETE ON " + t.table +
                    " FOR EACH ROW EXECUTE FUNCTION emgws_audit_" + t.table + "()");
    }
    s.push_back("CREATE OR REPLACE FUNCTION emgws_keep_auto_value() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "IF OLD.provenance = 'auto' AND NEW.provenance = 'clinician' AND NEW.auto_value IS NULL "
                "AND OLD.value IS DISTINCT FROM NEW.value THEN NEW.auto_value := OLD.value; END IF; RETURN NEW; END $$");
    s.push_back("CREATE TRIGGER keep_auto_value BEFORE UPDATE ON measurements FOR EACH ROW EXECUTE FUNCTION emgws_keep_auto_value()");
    return s;
}

}  // namespace

std::vector<std::string> signingStatements(Dialect d) { return d == Dialect::Sqlite ? sqliteStatements() : postgresStatements(); }

std::vector<std::string> lockTriggerNames(Dialect d) {
    std::vector<std::string> names;
    for (const auto& t : kLockedTables) {
        if (d == Dialect::Sqlite) {
            for (const char* op : {"_insert", "_update", "_delete"}) names.push_back("lock_" + t + op);
        } else {
            names.push_back("lock_" + t);
        }
    }
    names.push_back("lock_studies_update");
    names.push_back("lock_studies_delete");
    return names;
}

}  // namespace emg::study::store
