// SHA-256 as FIPS 180-4 section 6.2 describes it. The constants are computed, not typed: the
// round constants are the first 32 fractional bits of the cube roots of the first 64 primes and
// the initial hash the first 32 fractional bits of the square roots of the first 8 primes
// (sections 4.2.2 and 5.3.3), found exactly with integer roots.
#include <emg/io/sha256.h>

#include "file_bytes.h"

#include <emg/io/recording_io.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace emg::io {

namespace {
__extension__ typedef unsigned __int128 u128;

// largest x with x^k <= n (k = 2 or 3), by bisection
std::uint64_t integerRoot(u128 n, int k) {
    std::uint64_t lo = 0, hi = std::uint64_t{1} << 40;
    while (lo < hi) {
        const std::uint64_t mid = lo + (hi - lo + 1) / 2;
        u128 p = mid;
        for (int i = 1; i < k; ++i) p *= mid;
        if (p <= n) lo = mid; else hi = mid - 1;
    }
    return lo;
}

struct Constants {
    std::array<std::uint32_t, 64> k{};
    std::array<std::uint32_t, 8> h0{};
    Constants() {
        std::array<std::uint32_t, 64> primes{};
        std::size_t found = 0;
        for (std::uint32_t n = 2; found < primes.size(); ++n) {
            bool prime = true;
            for (std::uint32_t d = 2; d * d <= n && prime; ++d) prime = n % d != 0;
            if (prime) primes[found++] = n;
        }
        for (std::size_t i = 0; i < 64; ++i)   // cube root of p * 2^96 = cbrt(p) * 2^32
            k[i] = static_cast<std::uint32_t>(integerRoot(static_cast<u128>(primes[i]) << 96, 3));
        for (std::size_t i = 0; i < 8; ++i)    // square root of p * 2^64 = sqrt(p) * 2^32
            h0[i] = static_cast<std::uint32_t>(integerRoot(static_cast<u128>(primes[i]) << 64, 2));
    }
};
const Constants& constants() {
    static const Constants c;
    return c;
}

inline std::uint32_t rotr(std::uint32_t x, int n) noexcept { return (x >> n) | (x << (32 - n)); }
inline std::uint32_t loadBigEndian(const std::uint8_t* p) noexcept {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}
}  // namespace

Sha256::Sha256() noexcept { state_ = constants().h0; }

void Sha256::compress(const std::uint8_t* block) noexcept {
    const auto& k = constants().k;
    std::uint32_t w[64];
    for (int t = 0; t < 16; ++t) w[t] = loadBigEndian(block + 4 * t);
    for (int t = 16; t < 64; ++t) {
        const std::uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
        const std::uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    std::uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3];
    std::uint32_t e = state_[4], f = state_[5], g = state_[6], h = state_[7];
    for (int t = 0; t < 64; ++t) {
        const std::uint32_t bigSigma1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        const std::uint32_t ch = (e & f) ^ (~e & g);
        const std::uint32_t t1 = h + bigSigma1 + ch + k[static_cast<std::size_t>(t)] + w[t];
        const std::uint32_t bigSigma0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        const std::uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        const std::uint32_t t2 = bigSigma0 + maj;
        h = g; g = f; f = e; e = d + t1;
        d = c; c = b; b = a; a = t1 + t2;
    }
    state_[0] += a; state_[1] += b; state_[2] += c; state_[3] += d;
    state_[4] += e; state_[5] += f; state_[6] += g; state_[7] += h;
}

void Sha256::update(const void* data, std::size_t size) noexcept {
    const auto* p = static_cast<const std::uint8_t*>(data);
    totalBytes_ += size;
    if (buffered_ > 0) {
        const std::size_t take = std::min(size, 64 - buffered_);
        std::memcpy(buffer_.data() + buffered_, p, take);
        buffered_ += take;
        p += take;
        size -= take;
        if (buffered_ < 64) return;
        compress(buffer_.data());
        buffered_ = 0;
    }
    while (size >= 64) {
        compress(p);
        p += 64;
        size -= 64;
    }
    std::memcpy(buffer_.data(), p, size);
    buffered_ = size;
}

Sha256::Digest Sha256::finish() noexcept {
    const std::uint64_t bits = totalBytes_ * 8;
    const std::uint8_t one = 0x80;
    update(&one, 1);
    const std::uint8_t zero = 0;
    while (buffered_ != 56) update(&zero, 1);
    std::uint8_t length[8];
    for (int i = 0; i < 8; ++i) length[i] = static_cast<std::uint8_t>(bits >> (56 - 8 * i));
    update(length, 8);
    Digest out{};
    for (std::size_t i = 0; i < 8; ++i)
        for (std::size_t j = 0; j < 4; ++j) out[4 * i + j] = static_cast<std::uint8_t>(state_[i] >> (24 - 8 * j));
    *this = Sha256();
    return out;
}

std::string Sha256::hex(const Digest& digest) {
    static const char* kDigits = "0123456789abcdef";
    std::string s;
    s.reserve(64);
    for (std::uint8_t b : digest) {
        s += kDigits[b >> 4];
        s += kDigits[b & 15];
    }
    return s;
}

std::string sha256Hex(std::string_view bytes) {
    Sha256 h;
    h.update(bytes);
    return Sha256::hex(h.finish());
}

std::string sha256OfFile(const std::filesystem::path& path, const std::atomic<bool>* cancel,
                         const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
    const int fd = detail::openRegularFile(path);
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw FormatError(path.string() + ": cannot stat: " + std::strerror(errno));
    const auto total = static_cast<std::uint64_t>(st.st_size);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    std::vector<std::uint8_t> chunk(std::size_t{1} << 20);
    Sha256 h;
    std::uint64_t done = 0;
    for (;;) {
        if (cancel && cancel->load(std::memory_order_relaxed)) return {};
        const ssize_t n = ::read(fd, chunk.data(), chunk.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw FormatError(path.string() + ": read error: " + std::strerror(errno));
        if (n == 0) break;
        h.update(chunk.data(), static_cast<std::size_t>(n));
        done += static_cast<std::uint64_t>(n);
        if (progress) progress(done, total);
    }
    return Sha256::hex(h.finish());
}

}  // namespace emg::io
