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

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

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
#if defined(__x86_64__)
// The SHA extensions (SHA256RNDS2 does two rounds on the state held as ABEF and CDGH,
// SHA256MSG1/MSG2 the message schedule), used when the processor has them; same results.
bool cpuHasShaExtensions() {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
    const bool ssse3 = c & (1u << 9), sse41 = c & (1u << 19);
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
    return ssse3 && sse41 && (b & (1u << 29));
}

__attribute__((target("sha,sse4.1,ssse3"))) void compressWithShaExtensions(std::uint32_t* state, const std::uint8_t* data,
                                                                            std::size_t blocks, const std::uint32_t* k) {
    const __m128i byteSwap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    // a b c d | e f g h  ->  ABEF (A in the top lane) and CDGH
    __m128i abcd = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(state)), 0xB1);   // b a d c
    __m128i efgh = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(state + 4)), 0x1B);   // h g f e
    __m128i abef = _mm_alignr_epi8(abcd, efgh, 8);        // f e b a
    __m128i cdgh = _mm_blend_epi16(efgh, abcd, 0xF0);     // h g d c
    for (std::size_t blk = 0; blk < blocks; ++blk, data += 64) {
        const __m128i savedAbef = abef, savedCdgh = cdgh;
        __m128i w[4];
        for (int i = 0; i < 4; ++i)
            w[i] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16 * i)), byteSwap);
        for (int g = 0; g < 16; ++g) {
            __m128i words;
            if (g < 4) {
                words = w[g];
            } else {   // W[t..t+3] from W[t-16..t-1]: sigma0 part, W[t-7..t-4], sigma1 part
                __m128i x = _mm_sha256msg1_epu32(w[g % 4], w[(g + 1) % 4]);
                x = _mm_add_epi32(x, _mm_alignr_epi8(w[(g + 3) % 4], w[(g + 2) % 4], 4));
                words = _mm_sha256msg2_epu32(x, w[(g + 3) % 4]);
                w[g % 4] = words;
            }
            __m128i wk = _mm_add_epi32(words, _mm_loadu_si128(reinterpret_cast<const __m128i*>(k + 4 * g)));
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);                 // rounds 4g, 4g+1: new ABEF
            wk = _mm_shuffle_epi32(wk, 0x0E);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, wk);                 // rounds 4g+2, 4g+3
            // after two calls the roles are back: abef = ABEF, cdgh = CDGH
        }
        abef = _mm_add_epi32(abef, savedAbef);
        cdgh = _mm_add_epi32(cdgh, savedCdgh);
    }
    const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);   // a b e f
    const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);   // g h c d
    _mm_storeu_si128(reinterpret_cast<__m128i*>(state), _mm_blend_epi16(feba, dchg, 0xF0));        // a b c d
    _mm_storeu_si128(reinterpret_cast<__m128i*>(state + 4), _mm_alignr_epi8(dchg, feba, 8));       // e f g h
}
#endif

std::atomic<bool> gUseExtensions{
#if defined(__x86_64__)
    cpuHasShaExtensions()
#else
    false
#endif
};
}  // namespace

bool sha256UsesCpuExtensions() noexcept { return gUseExtensions.load(std::memory_order_relaxed); }

void forcePortableSha256ForTesting(bool portable) noexcept {
#if defined(__x86_64__)
    gUseExtensions.store(!portable && cpuHasShaExtensions());
#else
    (void)portable;
#endif
}

Sha256::Sha256() noexcept { state_ = constants().h0; }

void Sha256::compressBlocks(const std::uint8_t* data, std::size_t blocks) noexcept {
#if defined(__x86_64__)
    if (gUseExtensions.load(std::memory_order_relaxed)) {
        compressWithShaExtensions(state_.data(), data, blocks, constants().k.data());
        return;
    }
#endif
    for (std::size_t i = 0; i < blocks; ++i) compress(data + 64 * i);
}

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
        compressBlocks(buffer_.data(), 1);
        buffered_ = 0;
    }
    const std::size_t blocks = size / 64;
    compressBlocks(p, blocks);
    p += 64 * blocks;
    size -= 64 * blocks;
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
