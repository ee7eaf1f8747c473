#pragma once
// The one way this program writes a file (PDF, EDF+/BDF+, JSON, exports), so that a failure
// never destroys what was there:
//  1. the target is lstat()ed first: a symlink, FIFO, device, socket or directory there is
//     refused (SafeWriteRefused, nothing touched, never opened);
//  2. the bytes go to a new temporary file with a random name in the target's folder
//     (mkostemp, never a fixed name such as OUT.part), every write checked;
//  3. commit() fsyncs the file, renames it over the target and fsyncs the folder.
// Destroying the writer without commit() (an exception, a full disk) removes the temporary file
// and leaves the target as it was. Every error is one line: "cannot write PATH: REASON".
// The one exception is a recording (EdfRecorder): created O_EXCL under its final name.
// Qt-free, POSIX.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace emg::io {

/// A write refused before anything was touched (the target is not a regular file).
class SafeWriteRefused : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class SafeFileWriter {
public:
    /// Checks the target (see above) and creates the temporary file beside it, with the mode of
    /// the file it replaces (else 0666 less the umask). Throws SafeWriteRefused for a target that
    /// is not a regular file, std::runtime_error naming the path otherwise (missing folder, no
    /// permission).
    explicit SafeFileWriter(const std::filesystem::path& target);
    ~SafeFileWriter();
    SafeFileWriter(const SafeFileWriter&) = delete;
    SafeFileWriter& operator=(const SafeFileWriter&) = delete;

    /// Appends; throws std::runtime_error on a short or failed write ("cannot write PATH: No
    /// space left on device (PATH is unchanged)").
    void write(const void* data, std::size_t size);
    void write(std::string_view bytes) { write(bytes.data(), bytes.size()); }
    /// Overwrites bytes already written (e.g. a header's record count), without moving the end.
    void writeAt(std::uint64_t offset, const void* data, std::size_t size);
    /// Grows the file to `bytes` (a hole reads as zeros; no data written), so that writeAt can
    /// fill a layout known in advance in any order. Never shrinks; throws like write().
    void extendTo(std::uint64_t bytes);
    /// Bytes appended so far.
    std::uint64_t size() const noexcept { return size_; }

    /// For a large output written once in big sequential pieces (a conversion): appends of whole
    /// kDirectBlockBytes blocks from memory aligned to kDirectBlockBytes, at an offset that is a
    /// multiple of it, go straight to the disk (O_DIRECT): no copy into the page cache, no dirty
    /// pages to throttle or flush at commit() (measured: 720 MB in ~0.45 s, where buffered writes
    /// plus fsync stalled at 120-300 MB/s on the shared machine). The first append that is not
    /// aligned, a file system without O_DIRECT (tmpfs), or an O_DIRECT write the kernel refuses
    /// turns it off for good: the bytes are written buffered as before. commit() is unchanged.
    /// Returns whether direct writes are on.
    bool preferDirectWrites();
    bool directWrites() const noexcept { return direct_; }
    static constexpr std::size_t kDirectBlockBytes = 4096;

    /// fsync, close, check the target again (still absent or a regular file), rename the
    /// temporary file over it, fsync the folder. On an error before the rename the target is
    /// unchanged.
    void commit();

    const std::filesystem::path& target() const noexcept { return target_; }
    const std::filesystem::path& temporaryPath() const noexcept { return tmp_; }

private:
    [[noreturn]] void failWith(const std::string& what, int err);
    /// Every kWritebackBytes appended: starts the disk write of those bytes (Linux
    /// sync_file_range, without waiting), so that commit()'s fsync does not write the whole file
    /// at the end (a 720 MB conversion output: 0.3 s of fsync after the conversion, measured).
    void startWriteback();
    /// Turns O_DIRECT off (later writes go through the page cache).
    void stopDirectWrites();

    std::filesystem::path target_;
    std::filesystem::path tmp_;
    int fd_ = -1;
    std::uint64_t size_ = 0;
    std::uint64_t writebackFrom_ = 0;   ///< bytes before this are already handed to the disk (startWriteback)
    bool direct_ = false;               ///< O_DIRECT on (preferDirectWrites)
    bool targetExisted_ = false;
    bool committed_ = false;
};

/// Writes `bytes` as the whole new content of `target` through SafeFileWriter.
void writeFileSafely(const std::filesystem::path& target, std::string_view bytes);

/// Throws SafeWriteRefused when `target` exists and is not a regular file (lstat: a symlink is
/// refused, not followed). A missing target is fine.
void refuseUnsafeTarget(const std::filesystem::path& target);

/// Fault injection for tests. The `nth` write from now on (1-based, counted over every
/// SafeFileWriter write/writeAt call in the process) fails with `errorNumber` without writing;
/// 0 turns it off. A child process gets the same through the environment variable
/// EMGWS_FAIL_WRITE="N" or "N:EIO" (ENOSPC, EIO, EFBIG, EDQUOT), read at the first write.
void failNthWriteForTesting(long nth, int errorNumber);

}  // namespace emg::io
