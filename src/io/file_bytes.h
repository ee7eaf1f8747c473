#pragma once
// Opening input files safely: only regular files are read (a FIFO, directory or device is refused
// with a message saying what it is, and is never opened in a way that blocks).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace emg::io::detail {
/// "a directory", "a FIFO (named pipe)", "a character device", ... for a stat() mode.
std::string fileTypeName(unsigned mode);
/// Throws FormatError ("PATH: is a directory, not a file this program reads") unless `path` names
/// a regular file (symbolic links followed); "no such file" only when nothing is there.
void requireRegularFile(const std::filesystem::path& path);
/// Opens `path` for reading without blocking on a FIFO or device; refuses anything but a regular
/// file. Returns a file descriptor (O_CLOEXEC, blocking reads) the caller closes.
int openRegularFile(const std::filesystem::path& path);
/// The whole file; throws FormatError naming the file if it cannot be opened or read, or if it is
/// larger than `maxBytes`.
std::vector<std::uint8_t> readFileBytes(const std::filesystem::path& path, std::uintmax_t maxBytes = UINTMAX_MAX);
/// `dir / name` when that file exists; else the one regular file in `dir` whose name equals `name`
/// ignoring ASCII case (a recording copied from a file system that ignores case may name "REC.DAT"
/// for "rec.dat"); else (none, or several that differ only in case) `dir / name` as written, for the
/// caller to say it is missing.
std::filesystem::path fileInFolderAnyCase(const std::filesystem::path& dir, const std::string& name);
}  // namespace emg::io::detail
