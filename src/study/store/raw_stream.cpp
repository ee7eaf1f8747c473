#include "raw_stream.h"

#include <emg/io/sha256.h>
#include <emg/study/raw_files.h>
#include <emg/study/session_store.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace emg::study::store {

std::string streamHashed(std::uint64_t size, const ChunkReader& read, const ChunkSink& sink, const std::string& what) {
    std::vector<char> buffer(kRawChunkBytes);
    io::Sha256 hash;
    std::uint64_t done = 0;
    while (done < size) {
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), size - done));
        const std::size_t got = read(done, buffer.data(), want);
        if (got == 0)
            throw StoreError(what + ": ended after " + std::to_string(done) + " of " + std::to_string(size) + " bytes");
        hash.update(buffer.data(), got);
        if (sink) sink(buffer.data(), got);
        done += got;
    }
    return io::Sha256::hex(hash.finish());
}

ChunkReader fileReader(const std::filesystem::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw StoreError("cannot read " + file.string() + ": " + std::strerror(errno));
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    auto owner = std::shared_ptr<int>(new int(fd), [](int* p) {
        ::close(*p);
        delete p;
    });
    return [owner, file](std::uint64_t offset, char* out, std::size_t max) -> std::size_t {
        for (;;) {
            const ssize_t n = ::pread(*owner, out, max, static_cast<off_t>(offset));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw StoreError("read error in " + file.string() + ": " + std::strerror(errno));
            // a streamed file's pages are not needed again: keep the page cache (and RSS of
            // anything mapping it) from filling with them
            ::posix_fadvise(*owner, static_cast<off_t>(offset), n, POSIX_FADV_DONTNEED);
            return static_cast<std::size_t>(n);
        }
    };
}

void copyVerified(std::uint64_t size, const ChunkReader& read, const std::filesystem::path& target, const std::string& expectedSha256,
                  const std::string& what) {
    std::error_code ec;
    if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path(), ec);
    if (ec) throw StoreError("cannot create " + target.parent_path().string() + ": " + ec.message());
    io::SafeFileWriter out(target);
    const std::string actual = streamHashed(size, read, [&](const char* d, std::size_t n) { out.write(d, n); }, what);
    if (actual != expectedSha256) throw ChecksumMismatch(what, expectedSha256, actual);   // the writer drops its temporary file
    out.commit();
}

std::string sha256OrEmpty(const std::filesystem::path& file) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) return {};
    const auto size = std::filesystem::file_size(file, ec);
    if (ec) return {};
    return streamHashed(size, fileReader(file), {}, file.string());
}

}  // namespace emg::study::store
