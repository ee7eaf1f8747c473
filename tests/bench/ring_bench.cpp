// Ring buffer throughput: emg::SpscRing (span API) against boost::lockfree::spsc_queue,
// same data, same chunking, producer and consumer on two threads. Prints the ratio.
#include <emg/core/spsc_ring.h>

#include <boost/lockfree/spsc_queue.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <thread>
#include <vector>

namespace {
constexpr std::size_t kCapacity = 1 << 16;
constexpr std::size_t kChunk = 32 * 48;   // one 1 ms frame group at 32 ch x 48 kHz
constexpr std::uint64_t kTotal = 400'000'000;

double runEmg() {
    emg::SpscRing<std::int32_t> ring(kCapacity);
    const auto t0 = std::chrono::steady_clock::now();
    std::thread producer([&] {
        std::uint64_t sent = 0;
        std::int32_t v = 0;
        while (sent < kTotal) {
            auto w = ring.reserve(kChunk);
            for (auto& x : w.first) x = v++;
            for (auto& x : w.second) x = v++;
            ring.commit(w.size());
            sent += w.size();
        }
    });
    std::uint64_t got = 0;
    std::int64_t sum = 0;
    while (got < kTotal) {
        auto r = ring.peek(kChunk);
        for (auto x : r.first) sum += x;
        for (auto x : r.second) sum += x;
        ring.release(r.size());
        got += r.size();
    }
    producer.join();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (sum == 42) std::puts("");
    return static_cast<double>(kTotal) / s;
}

double runBoost() {
    boost::lockfree::spsc_queue<std::int32_t, boost::lockfree::capacity<kCapacity>> q;
    const auto t0 = std::chrono::steady_clock::now();
    std::thread producer([&] {
        std::vector<std::int32_t> buf(kChunk);
        std::uint64_t sent = 0;
        std::int32_t v = 0;
        std::size_t pending = 0, offset = 0;
        while (sent < kTotal) {
            if (pending == 0) {
                for (auto& x : buf) x = v++;
                pending = kChunk;
                offset = 0;
            }
            const std::size_t n = q.push(buf.data() + offset, pending);
            pending -= n;
            offset += n;
            sent += n;
        }
    });
    std::vector<std::int32_t> out(kChunk);
    std::uint64_t got = 0;
    std::int64_t sum = 0;
    while (got < kTotal) {
        const std::size_t n = q.pop(out.data(), kChunk);
        for (std::size_t i = 0; i < n; ++i) sum += out[i];
        got += n;
    }
    producer.join();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (sum == 42) std::puts("");
    return static_cast<double>(kTotal) / s;
}
}  // namespace

int main() {
    double bestEmg = 0, bestBoost = 0;
    for (int i = 0; i < 3; ++i) {
        bestEmg = std::max(bestEmg, runEmg());
        bestBoost = std::max(bestBoost, runBoost());
    }
    const double needed = 32.0 * 48000.0;
    std::printf("ring: emg::SpscRing %.1f M int32/s, boost::lockfree::spsc_queue %.1f M int32/s, ratio %.2f\n",
                bestEmg / 1e6, bestBoost / 1e6, bestEmg / bestBoost);
    std::printf("ring: headroom over 32 ch x 48 kHz (%.2f M samples/s): %.0fx\n", needed / 1e6, bestEmg / needed);
    return 0;
}
