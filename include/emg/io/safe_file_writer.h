#pragma once
// Writing a file so that a failure never destroys what was there: the bytes go to a new
// temporary file beside the target (created exclusively, never through a symlink), and only
// commit() renames it over the target. Destroying the writer without commit() removes the
// temporary file and leaves the target untouched. Qt-free, POSIX.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace emg::io {

class SafeFileWriter {
public:
    /// Creates the temporary file "<dir>/.<name>.<random>.tmp" (O_CREAT|O_EXCL|O_NOFOLLOW, mode
    /// 0666 less the umask). Throws std::runtime_error naming the path when it cannot (missing
    /// folder, no permission, the target is a directory).
    explicit SafeFileWriter(const std::filesystem::path& target);
    ~SafeFileWriter();
    SafeFileWriter(const SafeFileWriter&) = delete;
    SafeFileWriter& operator=(const SafeFileWriter&) = delete;

    /// Appends; throws std::runtime_error on a short or failed write (disk full).
    void write(const void* data, std::size_t size);
    void write(const std::string& bytes) { write(bytes.data(), bytes.size()); }
    /// Overwrites bytes already written (e.g. a header's record count), without moving the end.
    void writeAt(std::uint64_t offset, const void* data, std::size_t size);
    /// Bytes appended so far.
    std::uint64_t size() const noexcept { return size_; }

    /// Flushes to disk (fsync when `syncToDisk`), closes and renames the temporary file onto the
    /// target (replacing a file there atomically; a symlink at the target is replaced, not followed).
    void commit(bool syncToDisk = false);

    const std::filesystem::path& target() const noexcept { return target_; }
    const std::filesystem::path& temporaryPath() const noexcept { return tmp_; }

private:
    std::filesystem::path target_;
    std::filesystem::path tmp_;
    int fd_ = -1;
    std::uint64_t size_ = 0;
    bool committed_ = false;
};

}  // namespace emg::io
