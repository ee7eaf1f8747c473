// Deterministic fuzzing in the normal test run: thousands of mutations (bit flips, truncations,
// header-field garbage, inserted and deleted bytes) of valid EDF+, BDF+ and WFDB inputs. The
// only acceptable outcomes are a successful read or emg::io::FormatError: no crash, no other
// exception (sanitizer builds and the libFuzzer targets in tests/io/fuzz go further).
#include "fuzz/fuzz_entries.h"
#include "io_test_util.h"

#include <emg/io/recording_io.h>
#include <emg/io/wfdb.h>

#include <catch2/catch.hpp>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <random>

using namespace emg;

namespace {
using Bytes = std::vector<std::uint8_t>;

// EDF header fields (offset, width) worth garbling, then per-signal fields for 2 signals
std::vector<std::pair<std::size_t, std::size_t>> edfFields(std::size_t ns) {
    std::vector<std::pair<std::size_t, std::size_t>> f = {{0, 8}, {184, 8}, {192, 44}, {236, 8}, {244, 8}, {252, 4}};
    std::size_t off = 256;
    for (std::size_t w : {16u, 80u, 8u, 8u, 8u, 8u, 8u, 80u, 8u, 32u}) {
        for (std::size_t i = 0; i < ns; ++i) f.push_back({off + i * w, w});
        off += ns * w;
    }
    return f;
}

Bytes mutate(const Bytes& seed, std::mt19937& rng, const std::vector<std::pair<std::size_t, std::size_t>>& fields) {
    static const char* kGarbage[] = {"-1", "0", "99999999", "-99999999", "abc", " ", "1e308", "nan", "inf", "-0",
                                     "2147483648", "0.0000001", "+", "-", "1,5", "\xFF\xFE", "4097", "-32769", "8388608"};
    Bytes b = seed;
    const int kind = static_cast<int>(rng() % 6);
    auto pos = [&](std::size_t n) { return n == 0 ? 0 : rng() % n; };
    switch (kind) {
        case 0: {  // bit flips
            const int flips = 1 + static_cast<int>(rng() % 8);
            for (int i = 0; i < flips && !b.empty(); ++i) b[pos(b.size())] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
            break;
        }
        case 1:  // truncation
            b.resize(pos(b.size() + 1));
            break;
        case 2:
            if (!fields.empty()) {  // a header field replaced by garbage
                const auto [off, w] = fields[pos(fields.size())];
                if (off + w <= b.size()) {
                    std::string g = kGarbage[pos(std::size(kGarbage))];
                    g.resize(w, ' ');
                    std::copy(g.begin(), g.end(), b.begin() + static_cast<std::ptrdiff_t>(off));
                }
                break;
            }
            [[fallthrough]];
        case 3: {  // random bytes overwritten
            const std::size_t n = 1 + pos(16);
            for (std::size_t i = 0; i < n && !b.empty(); ++i) b[pos(b.size())] = static_cast<std::uint8_t>(rng());
            break;
        }
        case 4: {  // bytes inserted
            const std::size_t at = pos(b.size() + 1), n = 1 + pos(8);
            b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), n, static_cast<std::uint8_t>(rng()));
            break;
        }
        default: {  // bytes deleted
            if (b.empty()) break;
            const std::size_t at = pos(b.size());
            const std::size_t n = std::min<std::size_t>(1 + pos(8), b.size() - at);
            b.erase(b.begin() + static_cast<std::ptrdiff_t>(at), b.begin() + static_cast<std::ptrdiff_t>(at + n));
        }
    }
    return b;
}

template <class Fn>
void runMutations(const std::vector<Bytes>& seeds, int iterations, std::uint32_t seed, Fn&& entry,
                  const std::vector<std::pair<std::size_t, std::size_t>>& fields) {
    std::mt19937 rng(seed);
    int ran = 0;
    for (int i = 0; i < iterations; ++i) {
        Bytes m = mutate(seeds[static_cast<std::size_t>(i) % seeds.size()], rng, fields);
        if (rng() % 4 == 0) m = mutate(m, rng, fields);   // sometimes two mutations
        int rc = -1;
        try {
            rc = entry(m.data(), m.size());
        } catch (const std::exception& e) {
            FAIL("mutation " << i << " threw a non-FormatError exception: " << e.what());
        }
        REQUIRE(rc == 0);
        ++ran;
    }
    CHECK(ran == iterations);
}

struct QuietLogs {
    spdlog::level::level_enum old = spdlog::get_level();
    QuietLogs() { spdlog::set_level(spdlog::level::off); }
    ~QuietLogs() { spdlog::set_level(old); }
};

Bytes edfSeed(io::FileFormat format, const char* name) {
    Recording rec;
    rec.channels.push_back(test::syntheticChannel("APB", 200, 2.0, 1000.0, 5));
    rec.channels.push_back(test::syntheticChannel("ADM", 100, 2.0, 500.0, 6));
    rec.annotations = {{0.5, 0.1, "Stim wrist"}, {1.25, 0.0, "Stim elbow"}};
    const auto dir = test::ioTempDir(name);
    io::writeRecording(rec, dir / (std::string(name) + (format == io::FileFormat::BdfPlus ? ".bdf" : ".edf")), format);
    Bytes b = test::fileBytes(dir / (std::string(name) + (format == io::FileFormat::BdfPlus ? ".bdf" : ".edf")));
    std::filesystem::remove_all(dir);
    return b;
}
}  // namespace

TEST_CASE("EDF+ and BDF+ reader survives 4000 mutated files with FormatError or a result", "[io][fuzz]") {
    QuietLogs quiet;
    const std::vector<Bytes> seeds = {edfSeed(io::FileFormat::EdfPlus, "fz-edf"), edfSeed(io::FileFormat::BdfPlus, "fz-bdf")};
    REQUIRE(fuzz::fuzzEdf(seeds[0].data(), seeds[0].size()) == 0);
    runMutations(seeds, 4000, 20240601u, &fuzz::fuzzEdf, edfFields(3));
}

TEST_CASE("WFDB header parser survives 3000 mutated headers", "[io][fuzz]") {
    QuietLogs quiet;
    const std::string a = "# comment\r\nrec 2 360/1000(5) 650000 10:00:00 01/02/2003\r\nrec.dat 212 200(1024)/mV 11 1024 995 -22131 0 MLII\r\n"
                          "rec.dat 212 200(1024)/mV 11 1024 1011 20052 0 V5\r\n";
    const std::string b = "emg 1 4000 50860\nemg.dat 16x2+512 0/uV 16 0 -8 -4458 0 EMG needle\n";
    const std::vector<Bytes> seeds = {Bytes(a.begin(), a.end()), Bytes(b.begin(), b.end())};
    REQUIRE(fuzz::fuzzWfdbHeader(seeds[0].data(), seeds[0].size()) == 0);
    runMutations(seeds, 3000, 7u, &fuzz::fuzzWfdbHeader, {});
}

TEST_CASE("WFDB signal decoder survives 3000 mutated signal files in every format", "[io][fuzz]") {
    QuietLogs quiet;
    std::vector<Bytes> seeds;
    for (std::uint8_t f = 0; f < 10; ++f) {
        Bytes b = {f, static_cast<std::uint8_t>(f * 37)};
        for (int i = 0; i < 60; ++i) b.push_back(static_cast<std::uint8_t>(i * 11 + f));
        seeds.push_back(b);
    }
    runMutations(seeds, 3000, 99u, &fuzz::fuzzWfdbSignal, {});
}

TEST_CASE("WFDB annotation parser survives 2000 mutated annotation files", "[io][fuzz]") {
    Bytes a;
    auto word = [&](unsigned code, unsigned field) {
        a.push_back(static_cast<std::uint8_t>(((code << 10) | field) & 0xFF));
        a.push_back(static_cast<std::uint8_t>(((code << 10) | field) >> 8));
    };
    word(1, 100);
    word(22, 50);
    word(63, 4);
    for (char c : std::string("Stim")) a.push_back(static_cast<std::uint8_t>(c));
    word(59, 0);
    word(0, 1);
    word(0, 0);
    word(5, 4);
    word(0, 0);
    runMutations({a}, 2000, 5u, &fuzz::fuzzWfdbAnnotations, {});
}

TEST_CASE("BrainVision reader and its streamed conversion survive 1500 mutated recordings", "[io][fuzz][brainvision]") {
    // the seeds of the libFuzzer target (header, NUL, data file): binary and ASCII, both orientations
    std::vector<Bytes> seeds;
    for (const auto& e : std::filesystem::directory_iterator(std::string(EMGWS_IO_TEST_DIR) + "/fuzz/corpus/brainvision")) seeds.push_back(test::fileBytes(e.path()));
    REQUIRE(seeds.size() >= 6);
    runMutations(seeds, 1500, 31u, &fuzz::fuzzBrainVision, {});
}
