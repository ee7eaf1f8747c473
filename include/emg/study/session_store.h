#pragma once
// SessionStore: durable patients, studies, tests, measurements, findings and recordings.
// One interface, two back ends selected by URL: SQLite ("sqlite:PATH", the default, in the user's
// data directory; WAL, foreign keys on) and PostgreSQL ("postgresql://user[:pw]@host[:port]/db"),
// for a lab whose workstations share one database.
//
// Every save is one transaction: on any error it rolls back and the stored data are unchanged.
// Raw signals stay in EDF+/BDF+ files referenced by path and SHA-256; the checksum is computed
// when the file is first stored and verified whenever it is opened again.
// The schema is versioned (table schema_migrations) and migrated forward on open.
// Thread safety: one store object per thread (each has its own uniquely named connection).
// The implementation (library emg_store) uses QtSql; this header is Qt-free.

#include <emg/core/recording.h>
#include <emg/review/reviewer_annotations.h>
#include <emg/study/study.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace emg::study {

class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A referenced file no longer has the checksum it was stored with.
class ChecksumMismatch : public StoreError {
public:
    ChecksumMismatch(std::string path, std::string expected, std::string actual);
    const std::string& path() const noexcept { return path_; }
    const std::string& expected() const noexcept { return expected_; }
    const std::string& actual() const noexcept { return actual_; }

private:
    std::string path_, expected_, actual_;
};

enum class StoreBackend { Sqlite, Postgres };

struct StoreLocation {
    StoreBackend backend = StoreBackend::Sqlite;
    std::filesystem::path sqlitePath;     ///< Sqlite
    std::string host, user, password, database, options;   ///< Postgres (options: "k=v;k=v" for the driver)
    int port = 5432;
    std::string display() const;          ///< the URL without the password
};

/// Parses "sqlite:PATH", "sqlite://PATH", a bare path, or "postgresql://user:pw@host:port/db?k=v"
/// ("postgres://" too). Throws StoreError on anything else.
StoreLocation parseStoreUrl(const std::string& url);

/// $XDG_DATA_HOME/emgws/emgws.sqlite, or ~/.local/share/emgws/emgws.sqlite.
std::filesystem::path defaultSqlitePath();

struct StoreOptions {
    int schemaVersion = 0;   ///< migrate to this version (0 = latest); lower only for tests/tools
};

struct StudySummary {
    std::string id, patientId, date, indication, examiner, protocolId;
    int testCount = 0;
};

struct RecordingInfo {
    std::string id;
    std::string studyId;
    std::string path;
    std::string sha256;
    std::int64_t sizeBytes = 0;
    std::string addedAt;       ///< ISO 8601 UTC
};

/// A reviewer's annotation as kept in the store (schema version 3): the annotation, and when it
/// was removed, who removed it and when (a removal is kept, never erased).
struct StoredReviewerAnnotation {
    review::ReviewerAnnotation annotation;
    std::string removedBy;     ///< "" while the annotation stands
    std::string removedUtc;    ///< ISO 8601 UTC of the removal, "" while it stands
    bool removed() const noexcept { return !removedUtc.empty(); }
};

/// SHA-256 of a file, lower-case hex (throws StoreError when unreadable).
std::string sha256OfFile(const std::filesystem::path& file);

class SessionStore {
public:
    virtual ~SessionStore() = default;

    /// Opens (creating when needed) and migrates the store; throws StoreError with the reason.
    static std::unique_ptr<SessionStore> open(const StoreLocation& where, const StoreOptions& options = {});
    static std::unique_ptr<SessionStore> open(const std::string& url, const StoreOptions& options = {});
    static int latestSchemaVersion() noexcept;

    virtual std::string backendName() const = 0;   ///< "sqlite" / "postgresql"
    virtual int schemaVersion() = 0;               ///< the version the database is at
    virtual std::vector<int> appliedMigrations() = 0;

    // Patients
    virtual void savePatient(const Patient& p) = 0;   ///< insert or update
    /// Insert or update every patient in one transaction: all are stored, or none.
    virtual void savePatients(const std::vector<Patient>& patients) = 0;
    /// Insert new patients in one transaction: when any id is already stored (or given twice)
    /// throws StoreError naming it and nothing is stored. Never changes an existing patient.
    virtual void addPatients(const std::vector<Patient>& patients) = 0;
    virtual std::optional<Patient> patient(const std::string& id) = 0;
    virtual std::vector<Patient> patients() = 0;       ///< sorted by id
    virtual void removePatient(const std::string& id) = 0;   ///< refused while studies reference it

    // Studies (a study is saved whole: tests, measurements, findings, raw links)
    /// Validates, assigns missing study/test ids, checksums raw files (a given sha256 must match
    /// the file), writes everything in one transaction and returns the study id.
    virtual std::string saveStudy(const Study& s) = 0;
    virtual std::optional<Study> study(const std::string& id) = 0;
    virtual std::vector<StudySummary> studies(const std::string& patientId = {}) = 0;   ///< by date, id
    virtual void removeStudy(const std::string& id) = 0;

    // Recordings (raw EDF+/BDF+ files) of a study
    virtual RecordingInfo addRecording(const std::string& studyId, const std::filesystem::path& file) = 0;
    virtual std::vector<RecordingInfo> recordings(const std::string& studyId) = 0;
    /// The file's path after checking that it still has its stored SHA-256 (throws
    /// ChecksumMismatch when not, StoreError when missing).
    virtual std::filesystem::path verifiedRecordingPath(const std::string& recordingId) = 0;
    /// verifiedRecordingPath + emg::io::readRecording.
    virtual Recording openRecording(const std::string& recordingId) = 0;

    // Reviewer annotations (schema version 3), linked to a recording's SHA-256, not to a path:
    // they follow the raw file wherever it is kept. The raw file itself is never touched.
    /// Stores `a` (validated; id assigned, createdUtc set when empty) and returns it as stored.
    /// Throws std::invalid_argument for an invalid annotation, StoreError below schema 3.
    virtual review::ReviewerAnnotation addReviewerAnnotation(const review::ReviewerAnnotation& a) = 0;
    /// The annotations of one recording by onset then id; removed ones only when asked.
    virtual std::vector<StoredReviewerAnnotation> reviewerAnnotations(const std::string& recordingSha256, bool includeRemoved = false) = 0;
    /// One annotation by id, removed or not.
    virtual std::optional<StoredReviewerAnnotation> reviewerAnnotation(std::int64_t id) = 0;
    /// Marks annotation `id` removed by `by` now (the row stays, as history). False when there is
    /// no such annotation or it was already removed; std::invalid_argument for an empty `by`.
    virtual bool removeReviewerAnnotation(std::int64_t id, const std::string& by) = 0;
};

/// The review view's annotation source backed by a store (the store must outlive it).
class StoreReviewerAnnotations final : public review::ReviewerAnnotationSource {
public:
    explicit StoreReviewerAnnotations(SessionStore& store) : store_(store) {}
    std::vector<review::ReviewerAnnotation> annotations(const std::string& recordingSha256) override;
    review::ReviewerAnnotation add(review::ReviewerAnnotation a) override;
    bool remove(std::int64_t id, const std::string& by) override;

private:
    SessionStore& store_;
};

}  // namespace emg::study
