#pragma once
// SHA-256 (FIPS 180-4), Qt-free and without a crypto library: the key of the review summary
// cache and of raw recordings. Incremental (update/finish) and whole-file with cancellation.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace emg::io {

class Sha256 {
public:
    using Digest = std::array<std::uint8_t, 32>;
    Sha256() noexcept;
    void update(const void* data, std::size_t size) noexcept;
    void update(std::string_view bytes) noexcept { update(bytes.data(), bytes.size()); }
    /// The digest of everything given; the object is reset afterwards.
    Digest finish() noexcept;

    static std::string hex(const Digest& digest);

private:
    void compress(const std::uint8_t* block) noexcept;
    void compressBlocks(const std::uint8_t* data, std::size_t blocks) noexcept;
    std::array<std::uint32_t, 8> state_{};
    std::array<std::uint8_t, 64> buffer_{};
    std::size_t buffered_ = 0;
    std::uint64_t totalBytes_ = 0;
};

/// True when the processor's SHA extensions do the work (x86-64 with SHA-NI), else portable C++.
bool sha256UsesCpuExtensions() noexcept;
/// Tests: force the portable code (true) or go back to the automatic choice (false).
void forcePortableSha256ForTesting(bool portable) noexcept;

/// Lower-case hex SHA-256 of `bytes`.
std::string sha256Hex(std::string_view bytes);

/// Lower-case hex SHA-256 of a regular file, read in chunks (constant memory). `progress`
/// (optional) gets bytes done and total; a set `cancel` stops it and returns "" . Throws
/// FormatError naming the file when it cannot be opened or read.
std::string sha256OfFile(const std::filesystem::path& path, const std::atomic<bool>* cancel = nullptr,
                         const std::function<void(std::uint64_t done, std::uint64_t total)>& progress = {});

}  // namespace emg::io
