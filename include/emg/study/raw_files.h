#pragma once
// Raw recordings kept by the session store for every workstation of a lab (schema version 6),
// content-addressed by their SHA-256: in the PostgreSQL database as large objects, in a shared
// folder the workstations mount, or (SQLite without a shared folder) at their local path.
// Copies move in chunks of kRawChunkBytes with the SHA-256 computed while streaming: a copy whose
// checksum differs is refused (ChecksumMismatch) and nothing is kept. A workstation reads a
// fetched file from its cache folder (CACHE/SHA256/original-name, written through SafeFileWriter); a cached
// copy is verified against the checksum every time it is reused and fetched again when it differs.
// Qt-free.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace emg::study {

inline constexpr std::size_t kRawChunkBytes = std::size_t{1} << 20;   ///< 1 MiB per read/write/large-object call

/// Where the raw files go and where fetched copies are cached (StoreOptions::rawFiles).
struct RawFileOptions {
    /// Local cache of fetched files ("" = defaultRawCacheDir()).
    std::filesystem::path cacheDir;
    /// A folder every workstation mounts: when set, pushed files are kept there (both back ends)
    /// instead of the database; stored paths are relative to it, so each workstation may mount it
    /// elsewhere.
    std::filesystem::path sharedFolder;
};

/// $EMGWS_RAW_CACHE, else $XDG_CACHE_HOME/emgws/raw, else ~/.cache/emgws/raw.
std::filesystem::path defaultRawCacheDir();
/// RawFileOptions from the environment: cacheDir as above, sharedFolder = $EMGWS_RAW_FOLDER.
RawFileOptions rawFileOptionsFromEnvironment();

/// One raw file as the store keeps it (table raw_files).
struct RawFileInfo {
    std::string sha256;
    std::int64_t sizeBytes = 0;
    std::string format;          ///< from the name: "edf", "bdf", "dat", ... ("" when none)
    std::string originalName;    ///< the file name it was pushed from
    std::string location;        ///< "database", "folder" or "local"
    std::string path;            ///< folder: relative to the shared folder; local: absolute; database: ""
    std::int64_t largeObjectOid = 0;   ///< database only
    std::string storedAt;        ///< ISO 8601 UTC
    std::string storedBy;        ///< OS login of the pusher
};

/// What one push or fetch did.
struct RawTransfer {
    RawFileInfo info;
    std::filesystem::path localPath;   ///< fetch: the verified copy to read
    std::uint64_t bytesMoved = 0;      ///< 0 when nothing had to move
    double seconds = 0.0;
    bool alreadyStored = false;        ///< push: the store had these bytes already
    bool fromCache = false;            ///< fetch: the cached copy was verified and used
    bool cacheWasCorrupt = false;      ///< fetch: a cached copy had another checksum and was fetched again
};

/// The result of checking the stored copy (and this workstation's cached copy) of one raw file.
struct RawVerification {
    std::string sha256;
    std::string storedActual;     ///< SHA-256 of the stored bytes as read now
    bool storedOk = false;
    std::string cacheState;       ///< "ok", "corrupt", "absent", "not-cached" (local files)
};

class SessionStore;

/// Pushes raw files on a thread of its own (one store connection opened there), in the order
/// given, so that recording and the GUI never wait for the copy. `done` runs on that thread after
/// each file (error "" on success). The destructor waits for every queued push.
class BackgroundRawPush {
public:
    using OpenStore = std::function<std::unique_ptr<SessionStore>()>;
    using Done = std::function<void(const std::filesystem::path& file, const RawTransfer& result, const std::string& error)>;
    BackgroundRawPush(OpenStore open, Done done);
    ~BackgroundRawPush();
    BackgroundRawPush(const BackgroundRawPush&) = delete;
    BackgroundRawPush& operator=(const BackgroundRawPush&) = delete;
    /// Queues `file` (its SHA-256 when known, checked while streaming).
    void push(const std::filesystem::path& file, const std::string& sha256 = {});
    /// Blocks until the queue is empty (tests, shutdown).
    void waitIdle();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace emg::study
