// SessionStore over QtSql: one class, two dialects (SQLite, PostgreSQL). Every write is one
// transaction; migrations run under a lock (BEGIN IMMEDIATE / pg_advisory_xact_lock).
#include "raw_file_repository.h"
#include "run_rows.h"
#include "schema.h"
#include "study_rows.h"

#include <emg/core/test_kind.h>
#include <emg/io/recording_io.h>
#include <emg/io/sha256.h>
#include <emg/study/canonical_json.h>
#include <emg/study/json.h>
#include <emg/study/measurement_names.h>
#include <emg/study/session_store.h>

#include <QByteArray>
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
#include <stdexcept>
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
          display_(where.display()),
          location_(where),
          options_(options),
          rawFiles_(conn_, dialect_, display_, options.rawFiles) {
        try {
            connect(where);
            migrate(options.schemaVersion == 0 ? store::latestVersion() : options.schemaVersion);
            auditReady_ = schemaVersion() >= 4;
            registerTestKinds();
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
        Hashes hashes;
        for (const auto& t : s.tests) {
            const auto& raw = common(t).raw;
            if (raw.empty() || hashes.count(raw.path)) continue;
            if (!std::filesystem::is_regular_file(raw.path))
                throw StoreError("study " + s.id + ", test " + common(t).id + ": raw data file " + raw.path + " does not exist");
            hashes[raw.path] = {sha256OfFile(raw.path), static_cast<std::int64_t>(std::filesystem::file_size(raw.path))};
        }
        for (const auto& t : s.tests) {
            const auto& raw = common(t).raw;
            if (!raw.empty() && !raw.sha256.empty() && raw.sha256 != hashes.at(raw.path).first)
                throw ChecksumMismatch(raw.path, raw.sha256, hashes.at(raw.path).first);
        }

        lockAware(s.id, [&] { writeStudy(s, hashes, version); });
        return s.id;
    }

    std::optional<Study> study(const std::string& id) override {
        const std::string ctx = "reading study " + id;
        const int version = schemaVersion();
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
            auto q = exec("SELECT t.id, t.payload, r.sha256, t.kind FROM tests t LEFT JOIN recordings r ON r.id = t.recording_id "
                          "WHERE t.study_id = ? ORDER BY t.ordinal",
                          {qs(id)}, ctx);
            while (q.next()) {
                const std::string testId = str(q.value(0));
                try {
                    parseTestKind(str(q.value(3)));
                } catch (const FormatError& e) {   // registered in test_kinds by another (newer) program
                    throw StoreError(ctx + ": stored test " + testId + " is of a kind this program does not know: " + e.what() +
                                     "; open the study with the emgws that stored it");
                }
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
            auto q = exec(std::string("SELECT test_id, site_index, name, value, unit, provenance, method, placed_by") +
                              (version >= 4 ? ", auto_value" : "") + " FROM measurements WHERE study_id = ? ORDER BY test_id, ordinal",
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
                if (version >= 4 && !q.value(8).isNull()) m.autoValue = q.value(8).toDouble();
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
        if (version >= 2) {
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
        lockAware(id, [&] {
            Transaction tx(*this);
            exec("DELETE FROM measurements WHERE study_id = ?", {qs(id)}, "removing study " + id);
            exec("DELETE FROM tests WHERE study_id = ?", {qs(id)}, "removing study " + id);
            auto q = exec("DELETE FROM studies WHERE id = ?", {qs(id)}, "removing study " + id);
            if (q.numRowsAffected() == 0) throw StoreError("no study '" + id + "'");
            tx.commit();
        });
    }

    RecordingInfo addRecording(const std::string& studyId, const std::filesystem::path& file) override {
        if (!std::filesystem::is_regular_file(file)) throw StoreError("recording file " + file.string() + " does not exist");
        const auto path = std::filesystem::absolute(file).lexically_normal().string();
        const std::string sha = sha256OfFile(path);
        const auto size = static_cast<std::int64_t>(std::filesystem::file_size(path));
        std::string id;
        lockAware(studyId, [&] {
            Transaction tx(*this);
            id = ensureRecording(studyId, path, sha, size);
            tx.commit();
        });
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
        const bool present = std::filesystem::is_regular_file(path);
        const std::string actual = present ? sha256OfFile(path) : std::string();
        if (present && actual == expected) return path;
        // not here, or not the bytes recorded: the copy the store keeps for every workstation
        if (schemaVersion() >= 6 && rawFiles_.info(expected)) {
            if (present) spdlog::warn("store {}: {} has SHA-256 {}, not the recording's {}: using the store's copy", display_, path, actual, expected);
            return rawFiles_.fetch(expected).localPath;
        }
        if (!present) throw StoreError("recording " + recordingId + ": file " + path + " is missing (and the store keeps no copy of it)");
        throw ChecksumMismatch(path, expected, actual);
    }

    Recording openRecording(const std::string& recordingId) override { return io::readRecording(verifiedRecordingPath(recordingId)); }

    review::ReviewerAnnotation addReviewerAnnotation(const review::ReviewerAnnotation& in) override {
        review::validateReviewerAnnotation(in);
        if (in.author.empty()) throw std::invalid_argument("annotation: who wrote it (the reviewer) is not given");
        requireReviewerAnnotations();
        review::ReviewerAnnotation a = in;
        if (a.createdUtc.empty()) a.createdUtc = review::utcNowIso8601();
        Transaction tx(*this);
        auto q = exec("INSERT INTO reviewer_annotations (recording_sha256, onset_sec, duration_sec, text, author, created_at) "
                      "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                      {qs(a.recordingSha256), a.onsetSec, a.durationSec, qs(a.text), qs(a.author), qs(a.createdUtc)},
                      "adding a reviewer annotation to recording " + a.recordingSha256);
        if (!q.next()) throw StoreError(display_ + ": adding a reviewer annotation: the database returned no id");
        a.id = q.value(0).toLongLong();
        q.finish();
        tx.commit();
        spdlog::info("store {}: reviewer annotation {} on {} by {}", display_, a.id, a.recordingSha256, a.author);
        return a;
    }

    std::vector<StoredReviewerAnnotation> reviewerAnnotations(const std::string& sha, bool includeRemoved) override {
        requireReviewerAnnotations();
        std::string sql = std::string(kAnnotationSelect) + " WHERE recording_sha256 = ?";
        if (!includeRemoved) sql += " AND removed_at IS NULL";
        sql += " ORDER BY onset_sec, id";
        auto q = exec(sql, {qs(sha)}, "listing the reviewer annotations of " + sha);
        std::vector<StoredReviewerAnnotation> out;
        while (q.next()) out.push_back(annotationFrom(q));
        return out;
    }

    std::optional<StoredReviewerAnnotation> reviewerAnnotation(std::int64_t id) override {
        requireReviewerAnnotations();
        auto q = exec(std::string(kAnnotationSelect) + " WHERE id = ?", {QVariant::fromValue<qlonglong>(id)},
                      "reading reviewer annotation " + std::to_string(id));
        if (!q.next()) return std::nullopt;
        return annotationFrom(q);
    }

    bool removeReviewerAnnotation(std::int64_t id, const std::string& by) override {
        if (by.empty()) throw std::invalid_argument("removing annotation " + std::to_string(id) + ": who removes it is not given");
        requireReviewerAnnotations();
        Transaction tx(*this);
        auto q = exec("UPDATE reviewer_annotations SET removed_by = ?, removed_at = ? WHERE id = ? AND removed_at IS NULL",
                      {qs(by), qs(review::utcNowIso8601()), QVariant::fromValue<qlonglong>(id)},
                      "removing reviewer annotation " + std::to_string(id));
        const bool removed = q.numRowsAffected() > 0;
        q.finish();
        tx.commit();
        if (removed) spdlog::info("store {}: reviewer annotation {} removed by {}", display_, id, by);
        return removed;
    }

    const StoreLocation& location() const override { return location_; }
    const StoreOptions& options() const override { return options_; }

    RawTransfer pushRawFile(const std::filesystem::path& file, const std::string& sha256) override {
        requireVersion(6, "keeping raw files");
        return rawFiles_.push(file, sha256);
    }
    std::optional<RawFileInfo> rawFile(const std::string& sha256) override {
        requireVersion(6, "reading raw files");
        return rawFiles_.info(sha256);
    }
    std::vector<RawFileInfo> rawFiles() override {
        requireVersion(6, "listing raw files");
        return rawFiles_.list();
    }
    RawTransfer fetchRawFile(const std::string& sha256) override {
        requireVersion(6, "fetching raw files");
        return rawFiles_.fetch(sha256);
    }
    RawVerification verifyRawFile(const std::string& sha256) override {
        requireVersion(6, "verifying raw files");
        return rawFiles_.verify(sha256);
    }

    void setActor(const std::string& name, const std::string& osLogin) override {
        actor_ = name.empty() ? osLoginName() : name;
        actorLogin_ = osLogin;
    }

    StudySignature signStudy(const SignRequest& req) override {
        requireVersion(4, "signing a study");
        if (trimmed(req.examinerName).empty()) throw StoreError("signing study " + req.studyId + " needs the examiner's name");
        if (req.pdf.empty()) throw StoreError("signing study " + req.studyId + " needs the report PDF");
        StudySignature sig{req.studyId, req.examinerName, req.osLogin, req.signedAt.empty() ? nowUtc() : req.signedAt, "", "", "", ""};
        Transaction tx(*this);
        const std::string ctx = "signing study " + req.studyId;
        if (dialect_ == Dialect::Postgres)   // a concurrent save waits for the signature (and is then refused)
            exec("SELECT id FROM studies WHERE id = ? FOR UPDATE", {qs(req.studyId)}, ctx);
        if (const auto existing = signature(req.studyId))
            throw StoreError("study " + req.studyId + " is already signed by " + existing->examinerName + " at " + existing->signedAt +
                             "; add an addendum instead");
        const auto st = study(req.studyId);
        if (!st) throw StoreError("no study '" + req.studyId + "'");
        sig.canonicalJson = canonicalStudyJson(*st);
        sig.canonicalSha256 = io::sha256Hex(sig.canonicalJson);
        if (!req.expectedCanonicalSha256.empty() && req.expectedCanonicalSha256 != sig.canonicalSha256)
            throw StoreError("study " + req.studyId + " changed while its report was being drawn; nothing was signed (sign again)");
        sig.pdfSha256 = io::sha256Hex(req.pdf);
        if (const auto p = patient(st->patientId)) sig.patientJson = canonicalJsonText(toJson(*p));
        exec("INSERT INTO study_signatures (study_id, examiner_name, os_login, signed_at, pdf, pdf_sha256, canonical_json, canonical_sha256, "
             "patient_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
             {qs(sig.studyId), qs(sig.examinerName), qs(sig.osLogin), qs(sig.signedAt),
              QByteArray(req.pdf.data(), static_cast<qsizetype>(req.pdf.size())), qs(sig.pdfSha256), qs(sig.canonicalJson),
              qs(sig.canonicalSha256), qs(sig.patientJson)},
             ctx);
        tx.commit();
        spdlog::info("store {}: study {} signed by {} ({})", display_, sig.studyId, sig.examinerName, sig.osLogin);
        return sig;
    }

    std::optional<StudySignature> signature(const std::string& studyId) override {
        if (schemaVersion() < 4) return std::nullopt;
        auto q = exec("SELECT examiner_name, os_login, signed_at, pdf_sha256, canonical_sha256, canonical_json, patient_json "
                      "FROM study_signatures WHERE study_id = ?",
                      {qs(studyId)}, "reading the signature of " + studyId);
        if (!q.next()) return std::nullopt;
        return StudySignature{studyId,          str(q.value(0)), str(q.value(1)), str(q.value(2)),
                              str(q.value(3)), str(q.value(4)), str(q.value(5)), str(q.value(6))};
    }

    std::string signedPdf(const std::string& studyId) override {
        requireVersion(4, "reading a signed report");
        auto q = exec("SELECT pdf FROM study_signatures WHERE study_id = ?", {qs(studyId)}, "reading the signed report of " + studyId);
        if (!q.next()) throw StoreError("study " + studyId + " is not signed");
        const QByteArray pdf = q.value(0).toByteArray();
        return std::string(pdf.constData(), static_cast<std::size_t>(pdf.size()));
    }

    Addendum addAddendum(const std::string& studyId, const std::string& text, const std::string& author, const std::string& osLogin) override {
        requireVersion(4, "adding an addendum");
        if (trimmed(text).empty()) throw StoreError("an addendum needs text");
        if (trimmed(author).empty()) throw StoreError("an addendum needs its author's name");
        Transaction tx(*this);
        const std::string ctx = "adding an addendum to study " + studyId;
        if (!signature(studyId)) {
            auto q = exec("SELECT COUNT(*) FROM studies WHERE id = ?", {qs(studyId)}, ctx);
            if (!q.next() || q.value(0).toInt() == 0) throw StoreError("no study '" + studyId + "'");
            throw StoreError("study " + studyId + " is not signed: change the study itself (an addendum follows a signed report)");
        }
        int number = 1;
        {
            auto q = exec("SELECT COALESCE(MAX(ordinal), 0) FROM study_addenda WHERE study_id = ?", {qs(studyId)}, ctx);
            if (q.next()) number = q.value(0).toInt() + 1;
        }
        Addendum a{number, studyId, text, author, osLogin, nowUtc()};
        exec("INSERT INTO study_addenda (study_id, ordinal, text, author, os_login, created_at) VALUES (?, ?, ?, ?, ?, ?)",
             {qs(studyId), number, qs(text), qs(author), qs(osLogin), qs(a.createdAt)}, ctx);
        tx.commit();
        return a;
    }

    std::vector<Addendum> addenda(const std::string& studyId) override {
        std::vector<Addendum> out;
        if (schemaVersion() < 4) return out;
        auto q = exec("SELECT ordinal, text, author, os_login, created_at FROM study_addenda WHERE study_id = ? ORDER BY ordinal",
                      {qs(studyId)}, "reading the addenda of " + studyId);
        while (q.next()) out.push_back({q.value(0).toInt(), studyId, str(q.value(1)), str(q.value(2)), str(q.value(3)), str(q.value(4))});
        return out;
    }

    std::vector<AuditEntry> history(const std::string& studyId) override {
        std::vector<AuditEntry> out;
        if (schemaVersion() < 4) return out;
        auto q = exec("SELECT id, changed_at, changed_by, os_login, entity, item, action, old_value, new_value, old_source, new_source "
                      "FROM audit_log WHERE study_id = ? ORDER BY id",
                      {qs(studyId)}, "reading the history of " + studyId);
        auto opt = [](const QVariant& v) { return v.isNull() ? std::nullopt : std::optional<std::string>(v.toString().toStdString()); };
        while (q.next())
            out.push_back({q.value(0).toLongLong(), studyId, str(q.value(1)), str(q.value(2)), str(q.value(3)), str(q.value(4)),
                           str(q.value(5)), str(q.value(6)), opt(q.value(7)), opt(q.value(8)), str(q.value(9)), str(q.value(10))});
        return out;
    }

    std::vector<std::string> missingLockTriggers() override {
        requireVersion(4, "checking the lock");
        auto q = exec(dialect_ == Dialect::Sqlite ? "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                                                  : "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'",
                      {}, "listing triggers");
        std::set<std::string> present;
        while (q.next()) present.insert(str(q.value(0)));
        std::vector<std::string> missing;
        for (const auto& name : store::lockTriggerNames(dialect_))
            if (!present.count(name)) missing.push_back(name);
        return missing;
    }

    void saveRunPosition(const std::string& studyId, const RunPosition& pos) override {
        requireVersion(5, "keeping a protocol run's position");
        store::validateRunPosition(pos);
        refuseSigned(studyId, "moving its protocol run");
        Transaction tx(*this);
        exec("INSERT INTO protocol_runs (study_id, protocol_id, first_side, test_index, site_index, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
             "ON CONFLICT (study_id) DO UPDATE SET protocol_id = excluded.protocol_id, first_side = excluded.first_side, "
             "test_index = excluded.test_index, site_index = excluded.site_index, updated_at = excluded.updated_at",
             {qs(studyId), qs(pos.protocolId), qs(std::string(toString(pos.firstSide))), pos.testIndex, pos.siteIndex, qs(nowUtc())},
             "keeping the run position of study " + studyId + " (the study must exist)");
        tx.commit();
    }

    std::optional<RunPosition> runPosition(const std::string& studyId) override {
        requireVersion(5, "reading a protocol run's position");
        auto q = exec("SELECT protocol_id, first_side, test_index, site_index, updated_at FROM protocol_runs WHERE study_id = ?",
                      {qs(studyId)}, "reading the run position of study " + studyId);
        if (!q.next()) return std::nullopt;
        RunPosition p{str(q.value(0)), Side::Unspecified, q.value(2).toInt(), q.value(3).toInt(), str(q.value(4))};
        try {
            p.firstSide = parseSide(str(q.value(1)));
        } catch (const FormatError& e) {
            throw StoreError("run position of study " + studyId + ": " + e.what());
        }
        return p;
    }

    RunSweep addRunSweep(const RunSweep& in) override {
        requireVersion(5, "storing a run sweep");
        store::validateRunSweep(in);
        refuseSigned(in.studyId, "adding a sweep");
        RunSweep s = in;
        s.storedAt = nowUtc();
        Transaction tx(*this);
        if (s.rejected) requireVersion(7, "storing a rejected run sweep");
        s.rejectedAt = s.rejected ? s.storedAt : std::string();
        const bool v7 = schemaVersion() >= 7;
        std::vector<QVariant> values{qs(s.studyId), qs(s.protocolId), s.testIndex, s.siteIndex, qs(s.testLabel), qs(s.site), qs(s.channel), s.sampleRateHz,
                            s.stimulusIndex, s.stimulusMa, s.pulseWidthMs, QVariant::fromValue<qlonglong>(static_cast<qlonglong>(s.microvolts.size())),
                            store::samplesToBlob(s.microvolts), orNull(s.recordingSha256), orNull(s.recordingOffsetSec), qs(s.storedAt)};
        if (v7) {
            values.emplace_back(s.rejected ? 1 : 0);
            values.push_back(orNull(s.rejectedAt));
        }
        auto q = exec(std::string("INSERT INTO run_sweeps (study_id, protocol_id, test_index, site_index, test_label, site, channel, sample_rate_hz, "
                                  "stimulus_index, stimulus_ma, pulse_width_ms, sample_count, samples, recording_sha256, recording_offset_sec, stored_at") +
                          (v7 ? ", rejected, rejected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
                              : ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
                      values, "storing a sweep of study " + s.studyId + " (the study must exist)");
        if (!q.next()) throw StoreError(display_ + ": storing a run sweep: the database returned no id");
        s.id = q.value(0).toLongLong();
        q.finish();
        tx.commit();
        return s;
    }

    std::vector<RunSweep> runSweeps(const std::string& studyId) override {
        requireVersion(5, "reading run sweeps");
        const bool v7 = schemaVersion() >= 7;   // below: no sweep is rejected
        auto q = exec(std::string("SELECT id, protocol_id, test_index, site_index, test_label, site, channel, sample_rate_hz, stimulus_index, stimulus_ma, "
                                  "pulse_width_ms, sample_count, samples, recording_sha256, recording_offset_sec, stored_at") +
                          (v7 ? ", rejected, rejected_at" : "") + " FROM run_sweeps WHERE study_id = ? ORDER BY id",
                      {qs(studyId)}, "reading the run sweeps of study " + studyId);
        std::vector<RunSweep> out;
        while (q.next()) {
            RunSweep s;
            s.id = q.value(0).toLongLong();
            s.studyId = studyId;
            s.protocolId = str(q.value(1));
            s.testIndex = q.value(2).toInt();
            s.siteIndex = q.value(3).toInt();
            s.testLabel = str(q.value(4));
            s.site = str(q.value(5));
            s.channel = str(q.value(6));
            s.sampleRateHz = q.value(7).toDouble();
            s.stimulusIndex = q.value(8).toInt();
            s.stimulusMa = q.value(9).toDouble();
            s.pulseWidthMs = q.value(10).toDouble();
            s.microvolts = store::samplesFromBlob(q.value(12).toByteArray(), q.value(11).toLongLong(), "run sweep " + std::to_string(s.id));
            s.recordingSha256 = str(q.value(13));
            if (!q.value(14).isNull()) s.recordingOffsetSec = q.value(14).toDouble();
            s.storedAt = str(q.value(15));
            if (v7) {
                s.rejected = q.value(16).toInt() != 0;
                s.rejectedAt = q.value(17).isNull() ? std::string() : str(q.value(17));
            }
            out.push_back(std::move(s));
        }
        return out;
    }

    void setRunSweepRejected(const std::string& studyId, std::int64_t sweepId, bool rejected) override {
        requireVersion(7, "rejecting a run sweep");
        refuseSigned(studyId, rejected ? "rejecting a sweep" : "keeping a sweep again");
        Transaction tx(*this);
        auto q = exec("UPDATE run_sweeps SET rejected = ?, rejected_at = ? WHERE study_id = ? AND id = ?",
                      {rejected ? 1 : 0, rejected ? QVariant(qs(nowUtc())) : QVariant(), qs(studyId), QVariant::fromValue<qlonglong>(static_cast<qlonglong>(sweepId))},
                      "marking run sweep " + std::to_string(sweepId) + " of study " + studyId);
        if (q.numRowsAffected() != 1)
            throw StoreError(display_ + ": study " + studyId + " has no run sweep " + std::to_string(sweepId));
        q.finish();
        tx.commit();
    }

private:
    static constexpr const char* kAnnotationSelect =
        "SELECT id, recording_sha256, onset_sec, duration_sec, text, author, created_at, removed_by, removed_at FROM reviewer_annotations";

    static StoredReviewerAnnotation annotationFrom(QSqlQuery& q) {
        StoredReviewerAnnotation s;
        s.annotation.id = q.value(0).toLongLong();
        s.annotation.recordingSha256 = str(q.value(1));
        s.annotation.onsetSec = q.value(2).toDouble();
        s.annotation.durationSec = q.value(3).toDouble();
        s.annotation.text = str(q.value(4));
        s.annotation.author = str(q.value(5));
        s.annotation.createdUtc = str(q.value(6));
        s.removedBy = str(q.value(7));
        s.removedUtc = str(q.value(8));
        return s;
    }

    void requireReviewerAnnotations() {
        const int version = schemaVersion();
        if (version < 3)
            throw StoreError(display_ + ": reviewer annotations need schema version 3 (this database is at " + std::to_string(version) +
                             "; open it with this program's default to migrate)");
    }

    using Hashes = std::map<std::string, std::pair<std::string, std::int64_t>>;   // path -> sha, size

    static std::string trimmed(const std::string& s) {
        const auto b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
        return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
    }

    void requireVersion(int needed, const std::string& what) {
        const int v = schemaVersion();
        if (v < needed)
            throw StoreError(what + " needs schema version " + std::to_string(needed) + " (this database is at " + std::to_string(v) + ")");
    }

    /// StudyLocked when the study is signed (the run tables have no lock triggers of their own).
    void refuseSigned(const std::string& studyId, const std::string& what) {
        if (const auto sig = signature(studyId)) {
            spdlog::warn("store {}: {} of signed study {} refused", display_, what, studyId);
            throw StudyLocked(studyId, sig->examinerName + (sig->osLogin.empty() ? "" : " (login " + sig->osLogin + ")"), sig->signedAt);
        }
    }

    /// Runs a write; a refusal by the lock triggers becomes StudyLocked naming who signed and when.
    template <typename F>
    void lockAware(const std::string& studyId, F&& write) {
        try {
            write();
        } catch (const StudyLocked&) {
            throw;
        } catch (const StoreError& e) {
            if (std::string(e.what()).find(store::kSignedStudyLocked) == std::string::npos) throw;
            std::optional<StudySignature> sig;
            try {
                sig = signature(studyId);
            } catch (const StoreError&) {
            }
            if (!sig) throw StoreError("study " + studyId + " is signed and locked; nothing was stored");
            spdlog::warn("store {}: change to signed study {} refused", display_, studyId);
            throw StudyLocked(studyId, sig->examinerName + (sig->osLogin.empty() ? "" : " (login " + sig->osLogin + ")"), sig->signedAt);
        }
    }

    /// One transaction writing only what differs from the stored study (see study_rows.h).
    void writeStudy(const Study& s, const Hashes& hashes, int version) {
        const store::StudyRows wanted = store::rowsOf(s);
        Transaction tx(*this);
        const std::string ctx = "saving study " + s.id;
        const QVariant sid = qs(s.id);
        exec("INSERT INTO studies (id, patient_id, study_date, indication, referring_physician, examiner, technician, "
             "limb_temperature_c, protocol_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
             "ON CONFLICT (id) DO UPDATE SET patient_id = excluded.patient_id, study_date = excluded.study_date, "
             "indication = excluded.indication, referring_physician = excluded.referring_physician, examiner = excluded.examiner, "
             "technician = excluded.technician, limb_temperature_c = excluded.limb_temperature_c, protocol_id = excluded.protocol_id",
             {sid, qs(s.patientId), qs(s.date), qs(s.indication), qs(s.referringPhysician), qs(s.examiner), qs(s.technician),
              orNull(s.limbTemperatureC), qs(s.protocolId)},
             ctx + " (the patient '" + s.patientId + "' must exist)");
        bool changed = false;

        std::map<std::string, std::pair<store::TestRow, std::string>> storedTests;   // id -> row, recording id
        {
            auto q = exec("SELECT id, ordinal, kind, subject, side, recording_id, payload FROM tests WHERE study_id = ?", {sid}, ctx);
            while (q.next()) {
                store::TestRow r{str(q.value(0)), q.value(1).toInt(), str(q.value(2)), str(q.value(3)), str(q.value(4)), "", str(q.value(6))};
                storedTests[r.id] = {r, str(q.value(5))};
            }
        }
        std::vector<store::MeasurementRow> storedMs;
        {
            auto q = exec(std::string("SELECT test_id, ordinal, site_index, site, name, value, unit, provenance, method, placed_by") +
                              (version >= 4 ? ", auto_value" : "") + " FROM measurements WHERE study_id = ? ORDER BY test_id, ordinal",
                          {sid}, ctx);
            while (q.next()) {
                store::MeasurementRow m{str(q.value(0)), q.value(1).toInt(), q.value(2).toInt(), str(q.value(3)), str(q.value(4)),
                                        q.value(5).toDouble(), str(q.value(6)), str(q.value(7)), str(q.value(8)), str(q.value(9)), std::nullopt};
                if (version >= 4 && !q.value(10).isNull()) m.autoValue = q.value(10).toDouble();
                storedMs.push_back(std::move(m));
            }
        }
        const auto pairing = store::pairMeasurements(storedMs, wanted.measurements);
        for (const auto i : pairing.removed) {
            exec("DELETE FROM measurements WHERE study_id = ? AND test_id = ? AND ordinal = ?", {sid, qs(storedMs[i].testId), storedMs[i].ordinal},
                 ctx + ", removing measurement " + storedMs[i].name);
            changed = true;
        }
        std::set<std::string> wantedTests;
        for (const auto& t : wanted.tests) wantedTests.insert(t.id);
        for (const auto& [id, row] : storedTests)
            if (!wantedTests.count(id)) {
                exec("DELETE FROM tests WHERE study_id = ? AND id = ?", {sid, qs(id)}, ctx + ", removing test " + id);
                changed = true;
            }
        for (const auto& t : wanted.tests) {
            std::string recordingId;
            if (!t.rawPath.empty()) {
                const auto& [sha, size] = hashes.at(t.rawPath);
                recordingId = ensureRecording(s.id, t.rawPath, sha, size);
            }
            const auto it = storedTests.find(t.id);
            if (it == storedTests.end()) {
                exec("INSERT INTO tests (study_id, id, ordinal, kind, subject, side, recording_id, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     {sid, qs(t.id), t.ordinal, qs(t.kind), qs(t.subject), qs(t.side), orNull(recordingId), qs(t.payload)}, ctx + ", test " + t.id);
                changed = true;
                continue;
            }
            const auto& [old, oldRecording] = it->second;
            if (old.ordinal != t.ordinal || old.kind != t.kind || old.subject != t.subject || old.side != t.side || old.payload != t.payload ||
                oldRecording != recordingId) {
                exec("UPDATE tests SET ordinal = ?, kind = ?, subject = ?, side = ?, recording_id = ?, payload = ? WHERE study_id = ? AND id = ?",
                     {t.ordinal, qs(t.kind), qs(t.subject), qs(t.side), orNull(recordingId), qs(t.payload), sid, qs(t.id)}, ctx + ", test " + t.id);
                changed = true;
            }
        }
        // Moved measurements go through negative ordinals so that the primary key holds at every row.
        for (const auto& [si, wi] : pairing.kept)
            if (storedMs[si].ordinal != wanted.measurements[wi].ordinal)
                exec("UPDATE measurements SET ordinal = ? WHERE study_id = ? AND test_id = ? AND ordinal = ?",
                     {-1 - wanted.measurements[wi].ordinal, sid, qs(storedMs[si].testId), storedMs[si].ordinal}, ctx + ", reordering");
        for (const auto& [si, wi] : pairing.kept)
            if (storedMs[si].ordinal != wanted.measurements[wi].ordinal) {
                exec("UPDATE measurements SET ordinal = ? WHERE study_id = ? AND test_id = ? AND ordinal = ?",
                     {wanted.measurements[wi].ordinal, sid, qs(storedMs[si].testId), -1 - wanted.measurements[wi].ordinal}, ctx + ", reordering");
                changed = true;
            }
        for (const auto& [si, wi] : pairing.kept) {
            const auto& m = wanted.measurements[wi];
            if (!store::measurementChanged(storedMs[si], m)) continue;
            std::vector<QVariant> args{m.siteIndex, qs(m.site), qs(m.name), m.value, qs(m.unit), qs(m.provenance), qs(m.method), qs(m.placedBy)};
            if (version >= 4) args.push_back(orNull(m.autoValue));
            args.insert(args.end(), {sid, qs(m.testId), m.ordinal});
            exec(std::string("UPDATE measurements SET site_index = ?, site = ?, name = ?, value = ?, unit = ?, provenance = ?, method = ?, "
                             "placed_by = ?") + (version >= 4 ? ", auto_value = COALESCE(?, auto_value)" : "") +
                     " WHERE study_id = ? AND test_id = ? AND ordinal = ?",
                 args, ctx + ", test " + m.testId + ", measurement " + m.name);
            changed = true;
        }
        for (const auto i : pairing.added) {
            const auto& m = wanted.measurements[i];
            std::vector<QVariant> args{sid, qs(m.testId), m.ordinal, m.siteIndex, qs(m.site), qs(m.name), m.value, qs(m.unit),
                                       qs(m.provenance), qs(m.method), qs(m.placedBy)};
            if (version >= 4) args.push_back(orNull(m.autoValue));
            exec(std::string("INSERT INTO measurements (study_id, test_id, ordinal, site_index, site, name, value, unit, provenance, method, "
                             "placed_by") + (version >= 4 ? ", auto_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                                                          : ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                 args, ctx + ", test " + m.testId + ", measurement " + m.name);
            changed = true;
        }
        if (version >= 2) {
            std::map<int, store::FindingRow> storedFs;
            {
                auto q = exec("SELECT ordinal, kind, text, provenance, confirmed FROM findings WHERE study_id = ?", {sid}, ctx);
                while (q.next())
                    storedFs[q.value(0).toInt()] = {q.value(0).toInt(), str(q.value(1)), str(q.value(2)), str(q.value(3)), q.value(4).toInt() != 0};
            }
            for (const auto& [ordinal, f] : storedFs)
                if (ordinal >= static_cast<int>(wanted.findings.size())) {
                    exec("DELETE FROM findings WHERE study_id = ? AND ordinal = ?", {sid, ordinal}, ctx + ", removing a finding");
                    changed = true;
                }
            for (const auto& f : wanted.findings) {
                const auto it = storedFs.find(f.ordinal);
                if (it == storedFs.end()) {
                    exec("INSERT INTO findings (study_id, ordinal, kind, text, provenance, confirmed) VALUES (?, ?, ?, ?, ?, ?)",
                         {sid, f.ordinal, qs(f.kind), qs(f.text), qs(f.provenance), f.confirmed ? 1 : 0}, ctx + ", finding " + std::to_string(f.ordinal));
                    changed = true;
                } else if (it->second.kind != f.kind || it->second.text != f.text || it->second.provenance != f.provenance ||
                           it->second.confirmed != f.confirmed) {
                    exec("UPDATE findings SET kind = ?, text = ?, provenance = ?, confirmed = ? WHERE study_id = ? AND ordinal = ?",
                         {qs(f.kind), qs(f.text), qs(f.provenance), f.confirmed ? 1 : 0, sid, f.ordinal}, ctx + ", finding " + std::to_string(f.ordinal));
                    changed = true;
                }
            }
            if (changed) exec("UPDATE studies SET updated_at = ? WHERE id = ?", {qs(nowUtc()), sid}, ctx);
        }
        tx.commit();
        spdlog::info("store {}: saved study {} ({} tests{})", display_, s.id, s.tests.size(), changed ? "" : ", nothing changed");
    }

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
            if (!s_.auditReady_) return;
            try {   // who makes this transaction's changes, for the audit triggers
                if (s_.dialect_ == Dialect::Sqlite)
                    s_.exec("UPDATE audit_actor SET actor = ?, os_login = ? WHERE id = 1", {qs(s_.actor_), qs(s_.actorLogin_)}, "naming the actor");
                else
                    s_.exec("SELECT set_config('emgws.actor', ?, true), set_config('emgws.os_login', ?, true)",
                            {qs(s_.actor_), qs(s_.actorLogin_)}, "naming the actor");
            } catch (...) {
                QSqlQuery q(s_.db());
                q.exec(QStringLiteral("ROLLBACK"));
                s_.inTransaction_ = false;
                throw;
            }
        }
        void commit() {
            if (s_.auditReady_ && s_.dialect_ == Dialect::Sqlite)   // a later change by another tool must not carry our name
                s_.exec("UPDATE audit_actor SET actor = NULL, os_login = NULL WHERE id = 1", {}, "clearing the actor");
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
            if (dialect_ == Dialect::Sqlite) editSqliteSchema(m.version);
            exec("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                 {m.version, qs(m.description), qs(nowUtc())}, "recording migration " + std::to_string(m.version));
            spdlog::info("store {}: applied migration {} ({})", display_, m.version, m.description);
        }
        tx.commit();
    }

    /// A migration's sqlite_schema edit (schema.h, SqliteSchemaEdit), inside the migration's transaction.
    void editSqliteSchema(int version) {
        const auto edit = store::sqliteSchemaEdit(version);
        if (edit.updates.empty()) return;
        const std::string ctx = "migration " + std::to_string(version);
        auto v = exec("PRAGMA schema_version", {}, ctx + ", reading the schema version");
        const long long cookie = v.next() ? v.value(0).toLongLong() : -1;
        v.finish();
        if (cookie < 0) throw StoreError(display_ + ": " + ctx + ": SQLite gave no schema version");
        exec("PRAGMA writable_schema = ON", {}, ctx);
        for (const auto& sql : edit.updates) exec(sql, {}, ctx + ", editing the schema");
        exec("PRAGMA schema_version = " + std::to_string(cookie + 1), {}, ctx + ", raising the schema version");
        exec("PRAGMA writable_schema = OFF", {}, ctx);
        auto left = exec(edit.leftOver, {}, ctx + ", checking the edit");
        if (!left.next() || left.value(0).toLongLong() != 0)
            throw StoreError(display_ + ": " + ctx + ": the old definition is still in sqlite_schema (not in the form v1 wrote it?); nothing was changed");
    }

    /// Every kind of the program's one test-kind enum (emg::kTestKinds) is a row of test_kinds
    /// (schema v8), which the tests table's triggers check: a new kind needs no migration.
    void registerTestKinds() {
        if (schemaVersion() < 8) return;
        std::set<std::string> stored;
        {
            auto q = exec("SELECT name FROM test_kinds", {}, "reading the test kinds");
            while (q.next()) stored.insert(str(q.value(0)));
        }
        std::vector<std::string> missing;
        for (const auto k : kTestKinds)
            if (!stored.count(testKindName(k))) missing.emplace_back(testKindName(k));
        if (missing.empty()) return;
        Transaction tx(*this);
        for (const auto& k : missing)
            exec("INSERT INTO test_kinds (name) VALUES (?) ON CONFLICT (name) DO NOTHING", {qs(k)}, "registering test kind " + k);
        tx.commit();
        for (const auto& k : missing) spdlog::info("store {}: test kind '{}' registered", display_, k);
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
    bool auditReady_ = false;   // schema >= 4: the audit triggers read the actor
    std::string actor_ = osLoginName(), actorLogin_ = osLoginName();
    bool inTransaction_ = false;
    bool rolledBack_ = false;
    QString conn_;
    std::string display_;
    StoreLocation location_;
    StoreOptions options_;
    store::RawFileRepository rawFiles_;
};

}  // namespace

int SessionStore::latestSchemaVersion() noexcept { return store::latestVersion(); }

std::unique_ptr<SessionStore> SessionStore::open(const StoreLocation& where, const StoreOptions& options) {
    return std::make_unique<SqlSessionStore>(where, options);
}

std::unique_ptr<SessionStore> SessionStore::open(const std::string& url, const StoreOptions& options) {
    return open(parseStoreUrl(url), options);
}

std::vector<review::ReviewerAnnotation> StoreReviewerAnnotations::annotations(const std::string& recordingSha256) {
    std::vector<review::ReviewerAnnotation> out;
    for (auto& s : store_.reviewerAnnotations(recordingSha256)) out.push_back(std::move(s.annotation));
    return out;
}

review::ReviewerAnnotation StoreReviewerAnnotations::add(review::ReviewerAnnotation a) { return store_.addReviewerAnnotation(a); }

bool StoreReviewerAnnotations::remove(std::int64_t id, const std::string& by) { return store_.removeReviewerAnnotation(id, by); }

}  // namespace emg::study
