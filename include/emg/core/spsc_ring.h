#pragma once
// Lock-free single-producer / single-consumer ring buffer with a span API.
//
// Layout: the write index and the read index live on separate cache lines; each side keeps a
// cached copy of the other side's index so that the shared line is touched only when the cached
// value says the ring looks full (writer) or empty (reader). Capacity is a power of two, indices
// are free-running 64-bit counters (no wrap ambiguity), memory is allocated once.
//
// Writer:  auto r = ring.reserve(n);  fill r.first then r.second;  ring.commit(r.size());
// Reader:  auto r = ring.peek(n);     read r.first then r.second;  ring.release(r.size());

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <span>
#include <stdexcept>
#include <type_traits>

namespace emg {

inline constexpr std::size_t kCacheLineBytes = 64;

template <typename T>
struct TwoSpans {
    std::span<T> first;
    std::span<T> second;
    [[nodiscard]] std::size_t size() const noexcept { return first.size() + second.size(); }
    [[nodiscard]] bool empty() const noexcept { return size() == 0; }
};

template <typename T>
class SpscRing {
    static_assert(std::is_trivially_copyable_v<T>, "SpscRing holds trivially copyable elements");

public:
    /// capacity is rounded up to the next power of two (minimum 2).
    explicit SpscRing(std::size_t capacity) {
        if (capacity == 0 || capacity > (std::size_t{1} << 40))
            throw std::invalid_argument("SpscRing: capacity must be between 1 and 2^40 elements");
        std::size_t cap = 2;
        while (cap < capacity) cap <<= 1;
        capacity_ = cap;
        mask_ = cap - 1;
        data_ = std::make_unique<T[]>(cap);
    }

    SpscRing(const SpscRing&) = delete;
    SpscRing& operator=(const SpscRing&) = delete;

    [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

    // ---------------------------------------------------------------- producer side
    /// Free space as seen by the producer (refreshes the cached read index if needed).
    [[nodiscard]] std::size_t writable() noexcept {
        const std::uint64_t w = writer_.index.load(std::memory_order_relaxed);
        writer_.cachedOther = reader_.index.load(std::memory_order_acquire);
        return capacity_ - static_cast<std::size_t>(w - writer_.cachedOther);
    }

    /// Up to n writable slots as at most two contiguous spans. Never blocks, never allocates.
    [[nodiscard]] TwoSpans<T> reserve(std::size_t n) noexcept {
        const std::uint64_t w = writer_.index.load(std::memory_order_relaxed);
        std::size_t free = capacity_ - static_cast<std::size_t>(w - writer_.cachedOther);
        if (free < n) {
            writer_.cachedOther = reader_.index.load(std::memory_order_acquire);
            free = capacity_ - static_cast<std::size_t>(w - writer_.cachedOther);
        }
        const std::size_t count = n < free ? n : free;
        return split(w, count);
    }

    /// Publish n slots previously obtained from reserve().
    void commit(std::size_t n) noexcept {
        const std::uint64_t w = writer_.index.load(std::memory_order_relaxed);
        writer_.index.store(w + n, std::memory_order_release);
    }

    /// Copy all of src in, or nothing if it does not fit. Returns false (and writes nothing) on full.
    bool tryPush(std::span<const T> src) noexcept {
        auto r = reserve(src.size());
        if (r.size() < src.size()) return false;
        std::copy(src.begin(), src.begin() + static_cast<std::ptrdiff_t>(r.first.size()), r.first.begin());
        std::copy(src.begin() + static_cast<std::ptrdiff_t>(r.first.size()), src.end(), r.second.begin());
        commit(src.size());
        return true;
    }
    bool tryPush(const T& value) noexcept { return tryPush(std::span<const T>(&value, 1)); }

    // ---------------------------------------------------------------- consumer side
    [[nodiscard]] std::size_t readable() noexcept {
        const std::uint64_t r = reader_.index.load(std::memory_order_relaxed);
        std::size_t avail = static_cast<std::size_t>(reader_.cachedOther - r);
        if (avail == 0) {
            reader_.cachedOther = writer_.index.load(std::memory_order_acquire);
            avail = static_cast<std::size_t>(reader_.cachedOther - r);
        }
        return avail;
    }

    /// Up to n readable slots as at most two contiguous spans.
    [[nodiscard]] TwoSpans<const T> peek(std::size_t n) noexcept {
        const std::uint64_t r = reader_.index.load(std::memory_order_relaxed);
        std::size_t avail = static_cast<std::size_t>(reader_.cachedOther - r);
        if (avail < n) {
            reader_.cachedOther = writer_.index.load(std::memory_order_acquire);
            avail = static_cast<std::size_t>(reader_.cachedOther - r);
        }
        const std::size_t count = n < avail ? n : avail;
        auto s = split(r, count);
        return {std::span<const T>(s.first), std::span<const T>(s.second)};
    }

    /// Give back n slots previously obtained from peek().
    void release(std::size_t n) noexcept {
        const std::uint64_t r = reader_.index.load(std::memory_order_relaxed);
        reader_.index.store(r + n, std::memory_order_release);
    }

    /// Copy exactly dst.size() elements out, or nothing if fewer are available.
    bool tryPop(std::span<T> dst) noexcept {
        auto r = peek(dst.size());
        if (r.size() < dst.size()) return false;
        std::copy(r.first.begin(), r.first.end(), dst.begin());
        std::copy(r.second.begin(), r.second.end(), dst.begin() + static_cast<std::ptrdiff_t>(r.first.size()));
        release(dst.size());
        return true;
    }
    bool tryPop(T& value) noexcept { return tryPop(std::span<T>(&value, 1)); }

    /// Approximate fill level, safe from either thread (for status display only).
    [[nodiscard]] std::size_t sizeApprox() const noexcept {
        const auto w = writer_.index.load(std::memory_order_acquire);
        const auto r = reader_.index.load(std::memory_order_acquire);
        return w >= r ? static_cast<std::size_t>(w - r) : 0;
    }

private:
    TwoSpans<T> split(std::uint64_t start, std::size_t count) noexcept {
        const std::size_t pos = static_cast<std::size_t>(start) & mask_;
        const std::size_t firstLen = count < capacity_ - pos ? count : capacity_ - pos;
        return {std::span<T>(data_.get() + pos, firstLen), std::span<T>(data_.get(), count - firstLen)};
    }

    struct alignas(kCacheLineBytes) Side {
        std::atomic<std::uint64_t> index{0};
        std::uint64_t cachedOther{0};  // this side's private copy of the other side's index
    };

    std::size_t capacity_ = 0;
    std::size_t mask_ = 0;
    std::unique_ptr<T[]> data_;
    Side writer_;   // written by producer; cachedOther = last seen read index
    Side reader_;   // written by consumer; cachedOther = last seen write index
};

}  // namespace emg
