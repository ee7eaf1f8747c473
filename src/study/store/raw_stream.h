#pragma once
// Chunked copies with the SHA-256 computed on the way (internal, Qt-free): the one loop behind
// pushing a raw file into the store, fetching it into the cache and verifying a stored copy.

#include <emg/io/safe_file_writer.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace emg::study::store {

/// Reads up to `max` bytes at `offset` into `out`; returns how many (0 only at the end).
using ChunkReader = std::function<std::size_t(std::uint64_t offset, char* out, std::size_t max)>;
/// Receives each chunk in order.
using ChunkSink = std::function<void(const char* data, std::size_t size)>;

/// Streams `size` bytes from `read` to `sink` in kRawChunkBytes chunks (one buffer, reused) and
/// returns their SHA-256 (lower-case hex). Throws StoreError when the source ends early.
std::string streamHashed(std::uint64_t size, const ChunkReader& read, const ChunkSink& sink, const std::string& what);

/// A reader over a regular file opened read-only (closed when the last copy of the reader goes).
ChunkReader fileReader(const std::filesystem::path& file);

/// Copies `size` bytes from `read` into `target` through SafeFileWriter; the target is replaced
/// only when the bytes have `expectedSha256` (else ChecksumMismatch naming `what`, target untouched).
void copyVerified(std::uint64_t size, const ChunkReader& read, const std::filesystem::path& target, const std::string& expectedSha256,
                  const std::string& what);

/// SHA-256 of a file through the chunk loop ("" when it does not exist).
std::string sha256OrEmpty(const std::filesystem::path& file);

}  // namespace emg::study::store
