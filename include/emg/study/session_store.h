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
#include <emg/study/raw_files.h>
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

/// A change to a signed study, refused by the store's lock triggers (nothing was stored).
class StudyLocked : public StoreError {
public:
    StudyLocked(std::string studyId, std::string signedBy, std::string signedAt);
    const std::string& studyId() const noexcept { return studyId_; }
    const std::string& signedBy() const noexcept { return signedBy_; }
    const std::string& signedAt() const noexcept { return signedAt_; }

private:
    std::string studyId_, signedBy_, signedAt_;
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
    RawFileOptions rawFiles = rawFileOptionsFromEnvironment();   ///< shared folder and cache (schema version 6)
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

/// The operating-system login of this process (the password database's name for the effective
/// user, else $LOGNAME / $USER, else "unknown").
std::string osLoginName();

/// The examiner's signature of a study (schema version 4): the report PDF as signed, its SHA-256,
/// and the study's canonical JSON (emg/study/canonical_json.h) with its SHA-256.
struct StudySignature {
    std::string studyId;
    std::string examinerName;    ///< the name the examiner typed
    std::string osLogin;         ///< the operating-system login beside it
    std::string signedAt;        ///< ISO 8601 UTC
    std::string pdfSha256;
    std::string canonicalSha256;
    std::string canonicalJson;   ///< the study as signed (kept to show what changed since)
    /// The patient record as it was at signing (canonical JSON; not part of the study hash: the
    /// patients table is shared by studies and not locked), so the signed report can be drawn again.
    std::string patientJson;
};

struct SignRequest {
    std::string studyId, examinerName, osLogin, signedAt;
    std::string pdf;                       ///< the report's bytes
    /// SHA-256 of the canonical JSON the PDF was drawn from: signing is refused when the stored
    /// study no longer has it (it changed while the report was being drawn).
    std::string expectedCanonicalSha256;
};

/// Later text about a signed study; the signed report and data stay as they were.
struct Addendum {
    int number = 0;   ///< 1, 2, ... per study
    std::string studyId, text, author, osLogin, createdAt;
};

/// One recorded change of a measurement (and so a marker's latency), finding (and so the
/// impression) or test, written by the store's triggers whatever the path of the change.
struct AuditEntry {
    std::int64_t id = 0;
    std::string studyId, changedAt, changedBy, osLogin;
    std::string entity;      ///< measurement, finding, test
    std::string item;        ///< e.g. "t1 @ ankle distalLatencyMs", "finding 1 (impression)"
    std::string action;      ///< insert, update, delete
    std::optional<std::string> oldValue, newValue;
    std::string oldSource, newSource;   ///< auto / clinician (empty for tests)
};

/// Where a protocol run stands (schema version 5): kept the moment it changes, so that reopening the
/// study resumes at the same test and site (emg/study/protocol_run.h).
struct RunPosition {
    std::string protocolId;
    Side firstSide = Side::Unspecified;   ///< the side the run began with (a bilateral test does it first)
    int testIndex = 0;                    ///< into the run's ordered tests (== their count when finished)
    int siteIndex = 0;                    ///< stimulation site, or needle muscle, within the test
    std::string updatedAt;                ///< ISO 8601 UTC (set by the store)
};

/// One sweep a protocol run stored (schema version 5), written the moment it was recorded: its
/// place in the run, the stimulus delivered, and the samples themselves (µV, float), with the raw
/// recording it was cut from when there is one.
struct RunSweep {
    std::int64_t id = 0;                  ///< assigned by the store, increasing
    std::string studyId, protocolId;
    int testIndex = 0, siteIndex = 0;
    std::string testLabel;                ///< e.g. "motor peroneal left" (for a person reading the table)
    std::string site;                     ///< stimulation site or needle muscle
    std::string channel;
    double sampleRateHz = 0.0;
    int stimulusIndex = 0;                ///< sample of the stimulus in microvolts
    double stimulusMa = 0.0;              ///< delivered current
    double pulseWidthMs = 0.0;
    std::vector<float> microvolts;        ///< at most kMaxRunSweepSamples
    std::string recordingSha256;          ///< "" when not cut from a stored recording
    std::optional<double> recordingOffsetSec;
    std::string storedAt;                 ///< ISO 8601 UTC (set by the store)
    /// Rejected by the clinician (schema version 7): kept in the store with its samples, left out
    /// of averages and measurement; survives a restart.
    bool rejected = false;
    std::string rejectedAt;               ///< ISO 8601 UTC when rejected ("" when kept)
};
inline constexpr std::size_t kMaxRunSweepSamples = 1000000;   ///< 20 s at 48 kHz

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
    /// The file's path after checking that it still has its stored SHA-256. When the file is
    /// missing or changed on this workstation and the store keeps its raw file (schema 6), the
    /// verified copy fetched into the cache instead; otherwise throws ChecksumMismatch (changed)
    /// or StoreError (missing).
    virtual std::filesystem::path verifiedRecordingPath(const std::string& recordingId) = 0;
    /// verifiedRecordingPath + emg::io::readRecording. An EDF+D/BDF+D with holes comes back as its
    /// contiguous segments (Recording::segments, each with its start time; nothing stored for a
    /// hole), never zero-filled.
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

    // Signing, addenda, audit trail (schema version 4; StoreError on an older database)
    /// Who makes the following changes through this store object (the audit trail's "who"); by
    /// default the OS login for both.
    virtual void setActor(const std::string& name, const std::string& osLogin) = 0;
    /// Stores the signature and so locks the study: from then on the database refuses every
    /// change to its tests, measurements, findings, recordings and identity (StudyLocked).
    /// Throws StoreError when the study is missing, already signed or changed since the PDF was drawn.
    virtual StudySignature signStudy(const SignRequest& request) = 0;
    virtual std::optional<StudySignature> signature(const std::string& studyId) = 0;
    /// The PDF exactly as it was signed (StoreError when the study is not signed).
    virtual std::string signedPdf(const std::string& studyId) = 0;
    /// Adds later text to a signed study (StoreError when not signed or the text/author is empty).
    virtual Addendum addAddendum(const std::string& studyId, const std::string& text, const std::string& author,
                                 const std::string& osLogin) = 0;
    virtual std::vector<Addendum> addenda(const std::string& studyId) = 0;
    /// The study's audit trail, oldest first.
    virtual std::vector<AuditEntry> history(const std::string& studyId) = 0;
    /// Names of the lock triggers missing (dropped or disabled) from the database; empty when intact.
    virtual std::vector<std::string> missingLockTriggers() = 0;

    // Protocol runs (schema version 5; StoreError on an older database). A signed study refuses
    // both (StudyLocked).
    /// Replaces the study's run position (one transaction).
    virtual void saveRunPosition(const std::string& studyId, const RunPosition& position) = 0;
    virtual std::optional<RunPosition> runPosition(const std::string& studyId) = 0;
    /// Stores one sweep (one transaction) and returns it with its id and time. Throws StoreError for
    /// a sweep without samples, with more than kMaxRunSweepSamples, or a stimulus index outside it.
    virtual RunSweep addRunSweep(const RunSweep& sweep) = 0;
    /// The study's run sweeps in the order they were stored (rejected ones too, marked).
    virtual std::vector<RunSweep> runSweeps(const std::string& studyId) = 0;
    /// Marks a stored sweep of the study rejected (or kept again), at once (schema version 7).
    /// Throws StoreError when the study has no such sweep or the store is below v7, StudyLocked
    /// when the study is signed.
    virtual void setRunSweepRejected(const std::string& studyId, std::int64_t sweepId, bool rejected) = 0;

    // Raw files by SHA-256 (schema version 6; emg/study/raw_files.h). StoreError on an older database.
    /// Where and how this store was opened (a background thread opens its own connection with them).
    virtual const StoreLocation& location() const = 0;
    virtual const StoreOptions& options() const = 0;
    /// Keeps `file` for every workstation: in the shared folder when one is configured, else as a
    /// PostgreSQL large object, else (SQLite) its local path. Streams in kRawChunkBytes chunks;
    /// `sha256` (computed first when "") must match the bytes streamed, else ChecksumMismatch and
    /// nothing is kept. Bytes already stored are not copied again (alreadyStored).
    virtual RawTransfer pushRawFile(const std::filesystem::path& file, const std::string& sha256 = {}) = 0;
    virtual std::optional<RawFileInfo> rawFile(const std::string& sha256) = 0;
    virtual std::vector<RawFileInfo> rawFiles() = 0;   ///< by stored_at, sha256
    /// A verified local copy: the cached one when its checksum holds, else fetched into the cache
    /// (a local-path file is verified where it is). ChecksumMismatch when the stored bytes differ
    /// from their checksum (nothing is cached), StoreError when the store does not keep the file.
    virtual RawTransfer fetchRawFile(const std::string& sha256) = 0;
    /// Reads the stored copy through (checksum recomputed) and checks this workstation's cache.
    virtual RawVerification verifyRawFile(const std::string& sha256) = 0;
};

/// For drawing a stored study on any workstation (report figures, DICOM export): each raw link whose
/// file is not on this workstation, and whose bytes the store keeps (schema 6), is pointed at the
/// verified copy in the cache (fetched when needed; named as recorded). Returns how many links were
/// changed. A failed fetch is logged and its link left as it is (the caller then reports the file
/// missing). Never use the result for hashing the study: its canonical JSON names the original paths.
int useLocalRawCopies(SessionStore& store, Study& study);

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
