// A record that moves from contraction to rest, as needle examinations do: the rest part must be
// found and its fibrillation potentials and positive sharp waves counted. The effort part is an
// interference pattern built here from MUAP trains of textbook shape (not the project's
// simulator); with EMGWS_VALIDATION_DATA pointing at the Algiers data set, a real healthy deltoid
// record (its first 3 s) is used as the effort part as well.
#include "synth.h"

#include <emg/io/raw_signal.h>
#include <emg/needle/needle_analysis.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <random>

using namespace emg::needle;
using namespace needle_test;

namespace {

constexpr double kFs = 32768.0;

/// 3 s of moderate effort: 14 units of 200-1500 uV, 8-16 Hz, interval CV 0.15, 10 uV noise.
std::vector<double> syntheticEffort(double seconds, unsigned seed) {
    std::vector<double> x(static_cast<std::size_t>(seconds * kFs), 0.0);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> amp(200.0, 1500.0), width(0.8, 1.3), rate(8.0, 16.0);
    for (int u = 0; u < 14; ++u) {
        const auto shape = muap(amp(rng), width(rng));
        const double r = rate(rng);
        std::normal_distribution<double> isi(1.0 / r, 0.15 / r);
        for (double t = std::uniform_real_distribution<double>(0.0, 1.0 / r)(rng); t < seconds; t += std::max(0.02, isi(rng)))
            place(x, kFs, shape, t);
    }
    addNoise(x, 10.0, seed + 1);
    return x;
}

/// The first `seconds` of a healthy Algiers deltoid record, when the data set is at hand.
std::vector<double> realEffort(double seconds) {
    const char* dir = std::getenv("EMGWS_VALIDATION_DATA");
    if (!dir) return {};
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(dir, ec); !ec && it != std::filesystem::recursive_directory_iterator();
         it.increment(ec)) {
        const auto& p = it->path();
        if (p.extension() == ".asc" && p.parent_path().filename() == "Healthy" &&
            p.parent_path().parent_path().filename().string().find("Deltoid") != std::string::npos) {
            emg::io::RawSignalOptions o;
            o.sampleRateHz = kFs;
            emg::io::ReadInfo info;
            auto rec = emg::io::readRawSignal(p, o, info);
            auto& s = rec.channels.at(0).samples;
            s.resize(std::min(s.size(), static_cast<std::size_t>(seconds * kFs)));
            return s;
        }
    }
    return {};
}

struct Splice {
    std::vector<double> x;
    double spliceSec = 0.0;
    int fibrillations = 0, sharpWaves = 0;
};

/// effort, then 4 s of rest (8 uV noise) with two fibrillation trains (5 and 8.5 Hz, 120 and 80 uV)
/// and one positive sharp wave train (3 Hz, 200 uV), regular within 5 %.
Splice spliceRest(std::vector<double> effort, unsigned seed) {
    Splice s;
    s.spliceSec = static_cast<double>(effort.size()) / kFs;
    std::vector<double> rest(static_cast<std::size_t>(4.0 * kFs), 0.0);
    std::mt19937 rng(seed);
    const auto train = [&](const std::vector<Bump>& shape, double rateHz, double phase) {
        int n = 0;
        std::normal_distribution<double> jitter(0.0, 0.05 / rateHz);
        for (double t = 0.1 + phase; t < 3.95; t += 1.0 / rateHz + jitter(rng), ++n) place(rest, kFs, shape, t);
        return n;
    };
    s.fibrillations = train(fibrillation(120.0), 5.0, 0.0) + train(fibrillation(80.0), 8.5, 0.031);
    s.sharpWaves = train(positiveSharpWave(200.0), 3.0, 0.057);
    addNoise(rest, 8.0, seed + 7);
    s.x = std::move(effort);
    s.x.insert(s.x.end(), rest.begin(), rest.end());
    return s;
}

void checkSplice(const Splice& s) {
    const auto a = analyzeNeedleSignal(s.x, kFs, {});
    INFO("segments:");
    for (const auto& seg : a.segments) INFO("  " << toString(seg.level) << " " << seg.startSec << "-" << seg.endSec);
    // the rest found: one rest segment reaching the end, starting within 0.5 s of the splice
    REQUIRE(!a.segments.empty());
    const auto& last = a.segments.back();
    CHECK(last.level == ContractionLevel::Rest);
    CHECK(last.startSec == Approx(s.spliceSec).margin(0.5));
    CHECK(a.restSec == Approx(4.0).margin(0.5));
    // and the effort before it is effort, not rest
    for (const auto& seg : a.segments)
        if (seg.endSec <= s.spliceSec - 0.5) CHECK(seg.level != ContractionLevel::Rest);
    const auto fibs = static_cast<double>(a.spontaneous.count(SpontaneousKind::Fibrillation));
    const auto psws = static_cast<double>(a.spontaneous.count(SpontaneousKind::PositiveSharpWave));
    INFO("fibrillations " << fibs << " of " << s.fibrillations << ", positive sharp waves " << psws << " of " << s.sharpWaves);
    // counted within 20 % (the rest found may be up to 0.5 s shorter or longer than the truth)
    CHECK(fibs == Approx(s.fibrillations).epsilon(0.20));
    CHECK(psws == Approx(s.sharpWaves).epsilon(0.20));
    CHECK(a.spontaneous.grade >= 2);
}

}  // namespace

TEST_CASE("effort spliced to rest with fibrillations and positive sharp waves: rest found, potentials counted") {
    SECTION("effort: an interference pattern of textbook MUAP trains") {
        for (unsigned seed : {3u, 11u}) {
            INFO("seed " << seed);
            checkSplice(spliceRest(syntheticEffort(3.0, seed), seed));
        }
    }
    SECTION("effort: a real healthy deltoid (needs EMGWS_VALIDATION_DATA)") {
        auto real = realEffort(3.0);
        if (real.empty()) {
            WARN("EMGWS_VALIDATION_DATA not set or holds no Algiers deltoid: real-effort splice skipped");
        } else {
            checkSplice(spliceRest(std::move(real), 5));
        }
    }
}
