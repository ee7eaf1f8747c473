#pragma once
// A stored recording's SHA-256 checked on a worker thread (issue 13: opening a recording never
// waits for its checksum). The worker opens its own store connection and runs
// SessionStore::verifiedRecordingPath: the file where it was recorded when its checksum holds,
// else the store's copy fetched into (or verified in) this workstation's cache, else the reason.
// The result is reported through `done` on the worker thread (a GUI queues it to itself).

#include <emg/study/raw_files.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace emg::study {

struct RecordingCheck {
    enum class Outcome { Verified, Changed, Failed };
    std::string recordingId;
    Outcome outcome = Outcome::Failed;
    std::filesystem::path path;     ///< Verified: the file to read (the recorded one or the cached copy)
    std::string changedPath;        ///< Changed: the file whose bytes differ
    std::string expected, actual;   ///< Changed: the stored checksum and the file's
    std::string error;              ///< Failed: why
    double seconds = 0.0;           ///< how long the check took on the worker
};

class BackgroundRecordingCheck {
public:
    using OpenStore = BackgroundRawPush::OpenStore;
    using Done = std::function<void(const RecordingCheck&)>;
    BackgroundRecordingCheck(OpenStore open, Done done);
    ~BackgroundRecordingCheck();   ///< finishes the check under way, drops the queued ones
    BackgroundRecordingCheck(const BackgroundRecordingCheck&) = delete;
    BackgroundRecordingCheck& operator=(const BackgroundRecordingCheck&) = delete;
    /// Queues a check of recording `recordingId`.
    void check(const std::string& recordingId);
    /// Blocks until nothing is queued or under way (tests).
    void waitIdle();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace emg::study
