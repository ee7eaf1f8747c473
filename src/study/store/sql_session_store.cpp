// SessionStore over QtSql: one class, two dialects (SQLite, PostgreSQL). Every write is one
// transaction; migrations run under a lock (BEGIN IMMEDIATE / pg_advisory_xact_lock).
#include "schema.h"

#include <emg/io/recording_io.h>
#include <emg/study/json.h>
#include <emg/study/measurement_names.h>
#include <emg/study/session_store.h>

#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>
#include <QVariant>

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <thread>

namespace emg::study {

namespace {

using store::Dialect;

std::atomic<unsigned> g_connectionCounter{0};

QString qs(const std::string& s) { return QString::fromStdString(s); }
std::string str(const QVariant& v) { return v.isNull() ? std::string() : v.toString().toStdString(); }
QVariant orNull(const std::optional<double>& v) { return v ? QVariant(*v) : QVariant(); }
QVariant orNull(const std::string& s) { return s.empty() ? QVariant() : QVariant(qs(s)); }
std::string newId() { return QUuid::createUuid().toString(QUuid::WithoutBraces).toStdString(); }
std::string nowUtc() { return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toStdString(); }

class SqlSessionStore final : public SessionStore {
public:
    SqlSessionStore(const StoreLocation& where, const StoreOptions& options)
        : dialect_(where.backend == StoreBackend::Sqlite ? Dialect::Sqlite : Dialect::Postgres),
          conn_(QStringLiteral("emgws-store-%1-%2").arg(++g_connectionCounter).arg(QUuid::createUuid().toString(QUuid::Id128))),
          display_(where.display()) {
        try {
            connect(where);
            migrate(options.schemaVersion == 0 ? store::latestVersion() : options.schemaVersion);
        } catch (...) {
            closeConnection();
            throw;
        }
    }
    ~SqlSessionStore() override { closeConnection(); }

    std::string backendName() const override { return dialect_ == Dialect::Sqlite ? "sqlite" : "postgresql"; }

    int schemaVersion() override {
        auto q = exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {}, "reading the schema version");
        return q.next() ? q.value(0).toInt() : 0;
    }

    std::vector<int> appliedMigrations() override {
        auto q = exec("SELECT version FROM schema_migrations ORDER BY version", {}, "reading the migrations");
        std::vector<int> v;
        while (q.next()) v.push_back(q.value(0).toInt());
        return v;
    }

    void savePatient(const Patient& p) override { savePatients({p}); }

    void savePatients(const std::vector<Patient>& ps) override {
        for (const auto& p : ps) validatePatient(p);
        Transaction tx(*this);
        for (const auto& p : ps)
            exec("INSERT INTO patients (id, name, birth_date, sex, height_cm, symptom_side) VALUES (?, ?, ?, ?, ?, ?) "
                 "ON CONFLICT (id) DO UPDATE SET name = excluded.name, birth_date = excluded.birth_date, sex = excluded.sex, "
                 "height_cm = excluded.height_cm, symptom_side = excluded.symptom_side",
                 patientValues(p), "saving patient " + p.id);
        tx.commit();
    }

    void addPatients(const std::vector<Patient>& ps) override {
        std::set<std::string> ids;
        for (const auto& p : ps) {
            validatePatient(p);
            if (!ids.insert(p.id).second) throw StoreError("patient '" + p.id + "' is given twice; nothing was stored");
        }
        Transaction tx(*this);
        for (const auto& p : ps) {
            auto q = exec("SELECT COUNT(*) FROM patients WHERE id = ?", {qs(p.id)}, "checking patient " + p.id);
            const bool exists = q.next() && q.value(0).toInt() > 0;
            q.finish();
            if (exists)
                throw StoreError("patient '" + p.id + "' is already in the store; nothing was stored");
            exec("INSERT INTO patients (id, name, birth_date, sex, height_cm, symptom_side) VALUES (?, ?, ?, ?, ?, ?)",
                 patientValues(p), "adding patient " + p.id);
        }
        tx.commit();
    }

    std::optional<Patient> patient(const std::string& id) override {
        auto q = exec(kPatientSelect + std::string(" WHERE id = ?"), {qs(id)}, "reading patient " + id);
        if (!q.next()) return std::nullopt;
        return patientFrom(q);
    }

    std::vector<Patient> patients() override {
        auto q = exec(kPatientSelect + std::string(" ORDER BY id"), {}, "listing patients");
        std::vector<Patient> out;
        while (q.next()) out.push_back(patientFrom(q));
        return out;
    }

    void removePatient(const std::string& id) override {
        Transaction tx(*this);
        auto n = exec("SELECT COUNT(*) FROM studies WHERE patient_id = ?", {qs(id)}, "removing patient " + id);
        const int studies = n.next() ? n.value(0).toInt() : 0;
        n.finish();
        if (studies > 0)
            throw StoreError("patient " + id + " still has " + std::to_string(studies) + " stud" + (studies == 1 ? "y" : "ies") +
                             " (remove them first)");
        auto q = exec("DELETE FROM patients WHERE id = ?", {qs(id)}, "removing patient " + id);
        if (q.numRowsAffected() == 0) throw StoreError("no patient '" + id + "'");
        tx.commit();
    }

    std::string saveStudy(const Study& in) override {
        Study s = in;
        if (s.id.empty()) s.id = newId();
        assignTestIds(s);
        try {
            validate(s);
        } catch (const FormatError& e) {
            throw StoreError("invalid study " + s.id + ": " + e.what());
        }
        const int version = schemaVersion();
        if (version < 2 && !s.findings.empty()) throw StoreError("findings need schema version 2 (this database is at " + std::to_string(version) + ")");
        // Hash the raw files before taking the write lock (file I/O can be slow).
        std::map<std::string, std::pair<std::string, std::int64_t>> hashes;   // path -> sha, size
        for (const auto& t : s.tests) {
            const auto& raw = common(t).raw;
            if (raw.empty() || hashes.count(raw.path)) continue;
            if (!std::filesystem::is_regular_file(raw.path))
                throw StoreError("study " + s.id + ", test " + common(t).id + ": raw data file " + raw.path + " does not exist");
            hashes[raw.path] = {sha256OfFile(raw.path), static_cast<std::int64_t>(std::filesystem::file_size(raw.path))};
        }

        Transaction tx(*this);
        const std::string ctx = "saving study " + s.id;
        exec("INSERT INTO studies (id, patient_id, study_date, indication, referring_physician, examiner, technician, "
             "limb_temperature_c, protocol_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
             "ON CONFLICT (id) DO UPDATE SET patient_id = excluded.patient_id, study_date = excluded.study_date, "
             "indication = excluded.indication, referring_physician = excluded.referring_physician, examiner = excluded.examiner, "
             "technician = excluded.technician, limb_temperature_c = excluded.limb_temperature_c, protocol_id = excluded.protocol_id",
             {qs(s.id), qs(s.patientId), qs(s.date), qs(s.indication), qs(s.referringPhysician), qs(s.examiner), qs(s.technician),
              orNull(s.limbTemperatureC), qs(s.protocolId)},
             ctx + " (the patient '" + s.patientId + "' must exist)");
        exec("DELETE FROM measurements WHERE study_id = ?", {qs(s.id)}, ctx);
        exec("DELETE FROM tests WHERE study_id = ?", {qs(s.id)}, ctx);
        if (version >= 2) exec("DELETE FROM findings WHERE study_id = ?", {qs(s.id)}, ctx);

        for (std::size_t i = 0; i < s.tests.size(); ++i) {
            const Test& t = s.tests[i];
            const TestCommon& c = common(t);
            QVariant recordingId;
            if (!c.raw.empty()) {
                const auto& [sha, size] = hashes.at(c.raw.path);
                if (!c.raw.sha256.empty() && c.raw.sha256 != sha) throw ChecksumMismatch(c.raw.path, c.raw.sha256, sha);
                recordingId = qs(ensureRecording(s.id, c.raw.path, sha, size));
            }
            nlohmann::json payload = toJson(t);
            payload.erase("measurements");
            if (payload.contains("sites"))
                for (auto& site : payload["sites"]) site.erase("measurements");
            if (payload.contains("raw")) payload["raw"].erase("sha256");
            exec("INSERT INTO tests (study_id, id, ordinal, kind, subject, side, recording_id, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 {qs(s.id), qs(c.id), static_cast<int>(i), qs(std::string(toString(kindOf(t)))), qs(subjectOf(t)),
                  qs(std::string(toString(c.side))), recordingId, qs(payload.dump())},
                 ctx + ", test " + c.id);
            int ordinal = 0;
            auto writeMeasurements = [&](const std::vector<Measurement>& ms, int siteIndex, const std::string& site) {
                for (const auto& m : ms)
                    exec("INSERT INTO measurements (study_id, test_id, ordinal, site_index, site, name, value, unit, provenance, method, "
                         "placed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         {qs(s.id), qs(c.id), ordinal++, siteIndex, qs(site), qs(m.name), m.value, qs(m.unit),
                          qs(std::string(toString(m.provenance))), qs(m.method), qs(m.placedBy)},
                         ctx + ", test " + c.id + ", measurement " + m.name);
            };
            writeMeasurements(c.measurements, -1, "");
            const std::vector<StimSite>* sites = nullptr;
            if (const auto* m = std::get_if<MotorNcs>(&t)) sites = &m->sites;
            if (const auto* m = std::get_if<SensoryNcs>(&t)) sites = &m->sites;
            if (sites)
                for (std::size_t k = 0; k < sites->size(); ++k) writeMeasurements((*sites)[k].measurements, static_cast<int>(k), (*sites)[k].name);
        }
        if (version >= 2) {
            for (std::size_t i = 0; i < s.findings.size(); ++i) {
                const auto& f = s.findings[i];
                exec("INSERT INTO findings (study_id, ordinal, kind, text, provenance, confirmed) VALUES (?, ?, ?, ?, ?, ?)",
                     {qs(s.id), static_cast<int>(i), qs(f.kind), qs(f.text), qs(std::string(toString(f.provenance))), f.confirmed ? 1 : 0},
                     ctx + ", finding " + std::to_string(i));
            }
            exec("UPDATE studies SET updated_at = ? WHERE id = ?", {qs(nowUtc()), qs(s.id)}, ctx);
        }
        tx.commit();
        spdlog::info("store {}: saved study {} ({} tests)", display_, s.id, s.tests.size());
        return s.id;
    }

    std::optional<Study> study(const std::string& id) override {
        const std::string ctx = "reading study " + id;
        Study s;
        {
            auto q = exec("SELECT id, patient_id, study_date, indication, referring_physician, examiner, technician, limb_temperature_c, "
                          "protocol_id FROM studies WHERE id = ?",
                          {qs(id)}, ctx);
            if (!q.next()) return std::nullopt;
            s.id = str(q.value(0));
            s.patientId = str(q.value(1));
            s.date = str(q.value(2));
            s.indication = str(q.value(3));
            s.referringPhysician = str(q.value(4));
            s.examiner = str(q.value(5));
            s.technician = str(q.value(6));
            if (!q.value(7).isNull()) s.limbTemperatureC = q.value(7).toDouble();
            s.protocolId = str(q.value(8));
        }
        std::map<std::string, std::size_t> byId;
        {
            auto q = exec("SELECT t.id, t.payload, r.sha256 FROM tests t LEFT JOIN recordings r ON r.id = t.recording_id "
                          "WHERE t.study_id = ? ORDER BY t.ordinal",
                          {qs(id)}, ctx);
            while (q.next()) {
                const std::string testId = str(q.value(0));
                try {
                    Test t = testFromJson(parseJsonText(str(q.value(1)), "stored test " + testId), "test " + testId);
                    if (!common(t).raw.empty()) common(t).raw.sha256 = str(q.value(2));
                    byId[testId] = s.tests.size();
                    s.tests.push_back(std::move(t));
                } catch (const FormatError& e) {
                    throw StoreError(ctx + ": stored test " + testId + " is unreadable: " + e.what());
                }
            }
        }
        {
            auto q = exec("SELECT test_id, site_index, name, value, unit, provenance, method, placed_by FROM measurements "
                          "WHERE study_id = ? ORDER BY test_id, ordinal",
                          {qs(id)}, ctx);
            while (q.next()) {
                const std::string testId = str(q.value(0));
                auto it = byId.find(testId);
                if (it == byId.end()) throw StoreError(ctx + ": measurement of unknown test " + testId);
                Measurement m;
                m.name = canonicalMeasurementName(str(q.value(2)));   // studies stored under older names
                m.value = q.value(3).toDouble();
                m.unit = str(q.value(4));
                try {
                    m.provenance = parseProvenance(str(q.value(5)));
                } catch (const FormatError& e) {
                    throw StoreError(ctx + ": " + e.what());
                }
                m.method = str(q.value(6));
                m.placedBy = str(q.value(7));
                Test& t = s.tests[it->second];
                const int siteIndex = q.value(1).toInt();
                if (siteIndex < 0) {
                    common(t).measurements.push_back(std::move(m));
                    continue;
                }
                std::vector<StimSite>* sites = nullptr;
                if (auto* mo = std::get_if<MotorNcs>(&t)) sites = &mo->sites;
                if (auto* se = std::get_if<SensoryNcs>(&t)) sites = &se->sites;
                if (!sites || static_cast<std::size_t>(siteIndex) >= sites->size())
                    throw StoreError(ctx + ": measurement of test " + testId + " refers to missing site " + std::to_string(siteIndex));
                (*sites)[static_cast<std::size_t>(siteIndex)].measurements.push_back(std::move(m));
            }
        }
        if (schemaVersion() >= 2) {
            auto q = exec("SELECT kind, text, provenance, confirmed FROM findings WHERE study_id = ? ORDER BY ordinal", {qs(id)}, ctx);
            while (q.next()) {
                Finding f;
                f.kind = str(q.value(0));
                f.text = str(q.value(1));
                f.provenance = str(q.value(2)) == "auto" ? Provenance::Auto : Provenance::Clinician;
                f.confirmed = q.value(3).toInt() != 0;
                s.findings.push_back(std::move(f));
            }
        }
        return s;
    }

    std::vector<StudySummary> studies(const std::string& patientId) override {
        std::string sql =
            "SELECT s.id, s.patient_id, s.study_date, s.indication, s.examiner, s.protocol_id, "
            "(SELECT COUNT(*) FROM tests t WHERE t.study_id = s.id) FROM studies s";
        std::vector<QVariant> args;
        if (!patientId.empty()) {
            sql += " WHERE s.patient_id = ?";
            args.push_back(qs(patientId));
        }
        sql += " ORDER BY s.study_date, s.id";
        auto q = exec(sql, args, "listing studies");
        std::vector<StudySummary> out;
        while (q.next())
            out.push_back({str(q.value(0)), str(q.value(1)), str(q.value(2)), str(q.value(3)), str(q.value(4)), str(q.value(5)),
                           q.value(6).toInt()});
        return out;
    }

    void removeStudy(const std::string& id) override {
        Transaction tx(*this);
        exec("DELETE FROM measurements WHERE study_id = ?", {qs(id)}, "removing study " + id);
        exec("DELETE FROM tests WHERE study_id = ?", {qs(id)}, "removing study " + id);
        auto q = exec("DELETE FROM studies WHERE id = ?", {qs(id)}, "removing study " + id);
        if (q.numRowsAffected() == 0) throw StoreError("no study '" + id + "'");
        tx.commit();
    }

    RecordingInfo addRecording(const std::string& studyId, const std::filesystem::path& file) override {
        if (!std::filesystem::is_regular_file(file)) throw StoreError("recording file " + file.string() + " does not exist");
        const auto path = std::filesystem::absolute(file).lexically_normal().string();
        const std::string sha = sha256OfFile(path);
        const auto size = static_cast<std::int64_t>(std::filesystem::file_size(path));
        Transaction tx(*this);
        const std::string id = ensureRecording(studyId, path, sha, size);
        tx.commit();
        for (auto& r : recordings(studyId))
            if (r.id == id) return r;
        throw StoreError("recording " + id + " vanished after saving");
    }

    std::vector<RecordingInfo> recordings(const std::string& studyId) override {
        auto q = exec("SELECT id, study_id, path, sha256, size_bytes, added_at FROM recordings WHERE study_id = ? ORDER BY added_at, id",
                      {qs(studyId)}, "listing recordings of " + studyId);
        std::vector<RecordingInfo> out;
        while (q.next())
            out.push_back({str(q.value(0)), str(q.value(1)), str(q.value(2)), str(q.value(3)), q.value(4).toLongLong(), str(q.value(5))});
        return out;
    }

    std::filesystem::path verifiedRecordingPath(const std::string& recordingId) override {
        auto q = exec("SELECT path, sha256 FROM recordings WHERE id = ?", {qs(recordingId)}, "opening recording " + recordingId);
        if (!q.next()) throw StoreError("no recording '" + recordingId + "'");
        const std::string path = str(q.value(0)), expected = str(q.value(1));
        q.finish();
        if (!std::filesystem::is_regular_file(path)) throw StoreError("recording " + recordingId + ": file " + path + " is missing");
        const std::string actual = sha256OfFile(path);
        if (actual != expected) throw ChecksumMismatch(path, expected, actual);
        return path;
    }

    Recording openRecording(const std::string& recordingId) override { return io::readRecording(verifiedRecordingPath(recordingId)); }

private:
    static constexpr const char* kPatientSelect = "SELECT id, name, birth_date, sex, height_cm, symptom_side FROM patients";

    static void validatePatient(const Patient& p) {
        try {
            validate(p);
        } catch (const FormatError& e) {
            throw StoreError("invalid patient " + p.id + ": " + e.what());
        }
    }

    static std::vector<QVariant> patientValues(const Patient& p) {
        return {qs(p.id), qs(p.name), orNull(p.birthDate), qs(std::string(toString(p.sex))), orNull(p.heightCm),
                qs(std::string(toString(p.symptomSide)))};
    }

    class Transaction {
    public:
        explicit Transaction(SqlSessionStore& s) : s_(s) {
            s_.exec(s_.dialect_ == Dialect::Sqlite ? "BEGIN IMMEDIATE" : "BEGIN", {}, "starting a transaction");
            s_.inTransaction_ = true;
            s_.rolledBack_ = false;
        }
        void commit() {
            s_.exec("COMMIT", {}, "committing");
            done_ = true;
            s_.inTransaction_ = false;
        }
        ~Transaction() {
            s_.inTransaction_ = false;
            if (done_) return;
            if (s_.rolledBack_) {
                spdlog::warn("store {}: transaction rolled back", s_.display_);
                return;
            }
            QSqlQuery q(s_.db());
            if (!q.exec(QStringLiteral("ROLLBACK")))
                spdlog::error("store {}: rollback failed: {}", s_.display_, q.lastError().text().toStdString());
            else
                spdlog::warn("store {}: transaction rolled back", s_.display_);
        }
        Transaction(const Transaction&) = delete;
        Transaction& operator=(const Transaction&) = delete;

    private:
        SqlSessionStore& s_;
        bool done_ = false;
    };

    QSqlDatabase db() const { return QSqlDatabase::database(conn_, false); }

    QSqlQuery exec(const std::string& sql, const std::vector<QVariant>& args, const std::string& context) {
        QSqlQuery q(db());
        bool ok = false;
        if (args.empty()) {   // transaction control and DDL cannot be prepared (PostgreSQL)
            ok = q.exec(qs(sql));
        } else if (q.prepare(qs(sql))) {
            for (const auto& a : args) q.addBindValue(a);
            ok = q.exec();
        }
        if (!ok) fail(q, context);
        return q;
    }

    /// Throws the query's error. Inside a PostgreSQL transaction, rolls back first: the server
    /// refuses everything (even freeing the failed statement) until the transaction ends.
    [[noreturn]] void fail(QSqlQuery& q, const std::string& context) {
        const std::string msg = display_ + ": " + context + ": " + q.lastError().text().toStdString();
        if (inTransaction_ && dialect_ == Dialect::Postgres) {
            QSqlQuery rollback(db());
            if (rollback.exec(QStringLiteral("ROLLBACK"))) rolledBack_ = true;
        }
        throw StoreError(msg);
    }
    QSqlQuery exec(const std::string& sql, std::initializer_list<QVariant> args, const std::string& context) {
        return exec(sql, std::vector<QVariant>(args), context);
    }

    void connect(const StoreLocation& where) {
        const QString driver = dialect_ == Dialect::Sqlite ? QStringLiteral("QSQLITE") : QStringLiteral("QPSQL");
        {
            QSqlDatabase d = QSqlDatabase::addDatabase(driver, conn_);
            if (!d.isValid())
                throw StoreError("Qt SQL driver " + driver.toStdString() + " is not available (install " +
                                 (dialect_ == Dialect::Sqlite ? "libqt6sql6-sqlite" : "libqt6sql6-psql") + ")");
            if (dialect_ == Dialect::Sqlite) {
                std::error_code ec;
                if (where.sqlitePath.has_parent_path()) std::filesystem::create_directories(where.sqlitePath.parent_path(), ec);
                if (ec) throw StoreError("cannot create " + where.sqlitePath.parent_path().string() + ": " + ec.message());
                d.setDatabaseName(qs(where.sqlitePath.string()));
                d.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
            } else {
                d.setHostName(qs(where.host));
                d.setPort(where.port);
                d.setDatabaseName(qs(where.database));
                if (!where.user.empty()) d.setUserName(qs(where.user));
                if (!where.password.empty()) d.setPassword(qs(where.password));
                std::string opts = where.options;
                if (opts.find("connect_timeout") == std::string::npos) opts += (opts.empty() ? "" : ";") + std::string("connect_timeout=10");
                d.setConnectOptions(qs(opts));
            }
            if (!d.open()) throw StoreError("cannot open " + display_ + ": " + d.lastError().text().toStdString());
        }
        if (dialect_ == Dialect::Postgres) exec("SET client_min_messages = warning", {}, "quieting notices");
        if (dialect_ == Dialect::Sqlite) {
            exec("PRAGMA foreign_keys = ON", {}, "enabling foreign keys");
            auto fk = exec("PRAGMA foreign_keys", {}, "checking foreign keys");
            if (!fk.next() || fk.value(0).toInt() != 1) throw StoreError(display_ + ": SQLite refused to enable foreign keys");
            fk.finish();
            // Switching a new file to WAL needs a moment alone with it: another workstation process
            // creating the same store at the same time makes the pragma answer with the old mode (or
            // fail busy) instead of waiting, so it is retried for up to ~2 s.
            QString mode;
            for (int attempt = 0; attempt < 100 && mode != QStringLiteral("wal"); ++attempt) {
                if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
                QSqlQuery q(QSqlDatabase::database(conn_, false));
                if (q.exec(QStringLiteral("PRAGMA journal_mode = WAL")) && q.next()) mode = q.value(0).toString().toLower();
                else mode = q.lastError().text();
            }
            if (mode != QStringLiteral("wal"))
                throw StoreError(display_ + ": SQLite could not switch to WAL journaling (it answered '" + mode.toStdString() + "')");
        }
    }

    void migrate(int target) {
        const int latest = store::latestVersion();
        if (target < 1 || target > latest) throw StoreError("schema version " + std::to_string(target) + " does not exist (1.." + std::to_string(latest) + ")");
        Transaction tx(*this);
        if (dialect_ == Dialect::Postgres) exec("SELECT pg_advisory_xact_lock(7364927)", {}, "locking for migration");
        exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)",
             {}, "creating the migrations table");
        const int current = schemaVersion();
        if (current > latest)
            throw StoreError(display_ + ": database schema version " + std::to_string(current) + " is newer than this program's (" +
                             std::to_string(latest) + "); update emgws");
        for (const auto& m : store::migrations(dialect_)) {
            if (m.version <= current || m.version > target) continue;
            for (const auto& sql : m.statements) exec(sql, {}, "migration " + std::to_string(m.version));
            exec("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                 {m.version, qs(m.description), qs(nowUtc())}, "recording migration " + std::to_string(m.version));
            spdlog::info("store {}: applied migration {} ({})", display_, m.version, m.description);
        }
        tx.commit();
    }

    void closeConnection() {
        {
            QSqlDatabase d = QSqlDatabase::database(conn_, false);
            if (d.isValid()) d.close();
        }
        if (QSqlDatabase::contains(conn_)) QSqlDatabase::removeDatabase(conn_);
    }

    static Patient patientFrom(QSqlQuery& q) {
        Patient p;
        p.id = str(q.value(0));
        p.name = str(q.value(1));
        p.birthDate = str(q.value(2));
        try {
            p.sex = parseSex(str(q.value(3)));
            p.symptomSide = parseSide(str(q.value(5)));
        } catch (const FormatError& e) {
            throw StoreError("patient " + p.id + ": " + e.what());
        }
        if (!q.value(4).isNull()) p.heightCm = q.value(4).toDouble();
        return p;
    }

    void assignTestIds(Study& s) {
        std::set<std::string> used;
        for (const auto& t : s.tests)
            if (!common(t).id.empty()) used.insert(common(t).id);
        int next = 1;
        for (auto& t : s.tests) {
            if (!common(t).id.empty()) continue;
            while (used.count("t" + std::to_string(next))) ++next;
            common(t).id = "t" + std::to_string(next);
            used.insert(common(t).id);
        }
    }

    /// The recording row of this study with this checksum, inserted when new (inside a transaction).
    std::string ensureRecording(const std::string& studyId, const std::string& path, const std::string& sha, std::int64_t size) {
        {
            auto q = exec("SELECT id FROM recordings WHERE study_id = ? AND sha256 = ?", {qs(studyId), qs(sha)}, "finding recording");
            if (q.next()) return str(q.value(0));
        }
        const std::string id = newId();
        exec("INSERT INTO recordings (id, study_id, path, sha256, size_bytes, added_at) VALUES (?, ?, ?, ?, ?, ?)",
             {qs(id), qs(studyId), qs(path), qs(sha), QVariant::fromValue<qlonglong>(size), qs(nowUtc())},
             "adding recording " + path + " to study " + studyId + " (the study must exist)");
        return id;
    }

    Dialect dialect_;
    bool inTransaction_ = false;
    bool rolledBack_ = false;
    QString conn_;
    std::string display_;
};

}  // namespace

int SessionStore::latestSchemaVersion() noexcept { return store::latestVersion(); }

std::unique_ptr<SessionStore> SessionStore::open(const StoreLocation& where, const StoreOptions& options) {
    return std::make_unique<SqlSessionStore>(where, options);
}

std::unique_ptr<SessionStore> SessionStore::open(const std::string& url, const StoreOptions& options) {
    return open(parseStoreUrl(url), options);
}

}  // namespace emg::study
