#include <emg/core/spsc_ring.h>

#include <catch2/catch.hpp>

#include <cstdint>
#include <thread>
#include <vector>

using emg::SpscRing;

TEST_CASE("capacity is rounded up to a power of two", "[ring]") {
    CHECK(SpscRing<int>(1).capacity() == 2);
    CHECK(SpscRing<int>(1000).capacity() == 1024);
    CHECK(SpscRing<int>(1024).capacity() == 1024);
    CHECK_THROWS_AS(SpscRing<int>(0), std::invalid_argument);
}

TEST_CASE("reserve/commit and peek/release round-trip across the wrap", "[ring]") {
    SpscRing<std::int32_t> ring(8);
    std::int32_t next = 0, expect = 0;
    for (int round = 0; round < 20; ++round) {
        auto w = ring.reserve(5);
        REQUIRE(w.size() == 5);
        for (auto& v : w.first) v = next++;
        for (auto& v : w.second) v = next++;
        ring.commit(5);
        auto r = ring.peek(5);
        REQUIRE(r.size() == 5);
        for (auto v : r.first) CHECK(v == expect++);
        for (auto v : r.second) CHECK(v == expect++);
        ring.release(5);
    }
    CHECK(next == 100);
}

TEST_CASE("a full ring refuses more and never overwrites unread data", "[ring]") {
    SpscRing<int> ring(4);
    for (int i = 0; i < 4; ++i) REQUIRE(ring.tryPush(i));
    CHECK_FALSE(ring.tryPush(99));
    CHECK(ring.reserve(3).size() == 0);
    int v = -1;
    REQUIRE(ring.tryPop(v));
    CHECK(v == 0);
    CHECK(ring.reserve(3).size() == 1);  // only one slot came free
    std::vector<int> all(3);
    CHECK(ring.tryPop(std::span<int>(all)));
    CHECK(all == std::vector<int>{1, 2, 3});
    CHECK_FALSE(ring.tryPop(v));
}

TEST_CASE("two threads: every value arrives once and in order", "[ring][stress]") {
    // 20 million values through a small ring with random-sized chunks forces constant wrap,
    // full and empty conditions on both sides.
    constexpr std::uint64_t kTotal = 20'000'000;
    SpscRing<std::uint64_t> ring(1024);
    std::thread producer([&] {
        std::uint64_t next = 0;
        std::uint32_t rng = 12345;
        while (next < kTotal) {
            rng = rng * 1664525u + 1013904223u;
            const std::size_t want = 1 + (rng >> 24) % 200;
            auto w = ring.reserve(std::min<std::uint64_t>(want, kTotal - next));
            for (auto& v : w.first) v = next++;
            for (auto& v : w.second) v = next++;
            ring.commit(w.size());
        }
    });
    std::uint64_t expect = 0, errors = 0;
    std::uint32_t rng = 777;
    while (expect < kTotal) {
        rng = rng * 1664525u + 1013904223u;
        auto r = ring.peek(1 + (rng >> 24) % 300);
        for (auto v : r.first) errors += (v != expect++);
        for (auto v : r.second) errors += (v != expect++);
        ring.release(r.size());
    }
    producer.join();
    CHECK(errors == 0);
    CHECK(expect == kTotal);
    CHECK(ring.readable() == 0);
}
