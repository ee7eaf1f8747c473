// prepareSignalStreamed against prepareSignal: the chain on a streamed channel (the samples around
// the stimuli kept, the filtered channel through a scratch file) must give the same doubles, bit
// for bit, as the chain on the held channel: blanking, filter, hum measurement and subtraction,
// sweeps and every measure. Synthetic recordings with hum, drift, artifacts and responses
// (synthetic_ncs.h), stimuli too close to the start and the end included.
#include "synthetic_ncs.h"

#include <emg/dsp/ncs_analysis.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <cstdlib>

#include <sys/resource.h>

using namespace emg::dsp;

namespace {
emg::Recording recordingFor(NcsTest test, double humUv, unsigned seed) {
    std::vector<emg::test::Stim> stims;
    emg::test::ResponseShape cmap;
    if (test == NcsTest::Sensory) cmap = {2.8, 20.0, 1.0, 10.0};
    emg::test::ResponseShape late{28.0, 200.0, 4.0, 100.0};
    stims.push_back({0.002, "Stim wrist", cmap, {}});   // too close to the start for a sweep
    for (int k = 0; k < 30; ++k) {
        emg::test::Stim s{0.5 + 1.01 * k, k % 2 ? "Stim elbow" : "Stim wrist", cmap, {}};
        if (test == NcsTest::FWave || test == NcsTest::HReflex) s.late.push_back(late);
        stims.push_back(s);
    }
    stims.push_back({31.99, "Stim wrist", cmap, {}});   // the file ends 10 ms after it
    emg::test::Disturbances d;
    d.humUv = humUv;
    d.seed = seed;
    return emg::test::synthesize(stims, 20000.0, 32.0, d);
}

/// The channel handed over in blocks of an odd size, as a file reader would.
ChannelStreamer streamerOf(const std::vector<double>& x) {
    return [&x](std::size_t, const std::function<void(std::span<const double>)>& sink) {
        for (std::size_t at = 0; at < x.size(); at += 10007) sink(std::span<const double>(x).subspan(at, std::min<std::size_t>(10007, x.size() - at)));
        return x.size();
    };
}

std::size_t differing(const SampleWindows& w, const std::vector<double>& whole) {
    std::size_t bad = 0;
    for (const auto& p : w.parts())
        for (std::size_t i = 0; i < p.uv.size(); ++i) bad += p.uv[i] != whole[p.from + i];
    return bad;
}

void requireSameSweeps(const std::vector<Sweep>& a, const std::vector<Sweep>& b) {
    REQUIRE(a.size() == b.size());
    for (std::size_t k = 0; k < a.size(); ++k) {
        CHECK(a[k].index == b[k].index);
        CHECK(a[k].truncated == b[k].truncated);
        CHECK(a[k].uv == b[k].uv);
    }
}
}  // namespace

TEST_CASE("NCS chain streamed: bit for bit the held chain's numbers, every test, with and without hum", "[dsp][ncs][stream]") {
    for (const NcsTest test : {NcsTest::Motor, NcsTest::Sensory, NcsTest::FWave, NcsTest::HReflex, NcsTest::Rns}) {
        for (const double humUv : {0.0, 30.0}) {
            INFO(toString(test) << ", hum " << humUv << " uV");
            const auto st = ncsSettingsFor(test);
            const auto rec = recordingFor(test, humUv, 7 + static_cast<unsigned>(humUv));
            const auto held = prepareSignal(rec, std::nullopt, st);
            emg::Recording outline = rec;
            const std::vector<double> x = outline.channels[0].samples;
            outline.channels[0].samples.clear();
            auto streamed = prepareSignalStreamed(std::move(outline), {x.size()}, std::nullopt, st, true, streamerOf(x));
            REQUIRE(streamed);
            const auto& s = *streamed;
            CHECK(s.sampleCount() == x.size());
            CHECK(s.blankMs == held.blankMs);
            CHECK(s.humRmsUv == held.humRmsUv);
            CHECK(s.notchHz == held.notchHz);
            CHECK(s.sweepMainsHz == held.sweepMainsHz);
            CHECK(s.filterDescription == held.filterDescription);
            CHECK(s.notes == held.notes);
            if (humUv > 0.0 && !st.humPerSweep) CHECK(held.notchHz == 50.0);   // the 30 uV hum was found and subtracted
            // what is kept is the held chain's samples exactly, and far less than the channel
            CHECK(differing(s.filteredWindows, held.filteredUv) == 0);
            CHECK(s.filteredWindows.heldSamples() * 4 < x.size());
            if (!held.rawUv.empty()) CHECK(differing(s.rawWindows, held.rawUv) == 0);
            requireSameSweeps(siteSweeps(s, "", st.sweep), siteSweeps(held, "", st.sweep));
            const auto a = analyzeSites(held, st), b = analyzeSites(s, st);
            REQUIRE(a.size() == b.size());
            for (std::size_t k = 0; k < a.size(); ++k) {
                CHECK(a[k].averaged.average.uv == b[k].averaged.average.uv);
                CHECK(a[k].response.found == b[k].response.found);
                CHECK(a[k].response.measures.onsetLatencyMs == b[k].response.measures.onsetLatencyMs);
                CHECK(a[k].response.measures.amplitudeUv == b[k].response.measures.amplitudeUv);
                CHECK(a[k].noiseRmsUv == b[k].noiseRmsUv);
                CHECK(a[k].warnings == b[k].warnings);
            }
        }
    }
}

TEST_CASE("NCS chain streamed: dense stimuli are left to the held chain, a channel that changes length is named", "[dsp][ncs][stream]") {
    const auto st = ncsSettingsFor(NcsTest::Motor);
    auto rec = recordingFor(NcsTest::Motor, 0.0, 3);
    const std::vector<double> x = rec.channels[0].samples;
    rec.channels[0].samples.clear();
    SECTION("stimuli every 100 ms: the 70 ms kept around each would cover most of the channel") {
        rec.annotations.clear();
        for (int k = 1; k < 300; ++k) rec.annotations.push_back({0.1 * k, 0.0, "Stim wrist"});
        CHECK_FALSE(prepareSignalStreamed(std::move(rec), {x.size()}, std::nullopt, st, true, streamerOf(x)));
    }
    SECTION("one sample fewer on a later pass") {
        const std::vector<double> shorter(x.begin(), x.end() - 1);
        int passes = 0;
        const ChannelStreamer changing = [&](std::size_t c, const std::function<void(std::span<const double>)>& sink) {
            return ++passes == 1 ? streamerOf(x)(c, sink) : streamerOf(shorter)(c, sink);
        };
        try {
            prepareSignalStreamed(std::move(rec), {x.size()}, std::nullopt, st, true, changing);
            FAIL("no exception");
        } catch (const std::runtime_error& e) {
            CHECK(std::string(e.what()) == "channel 'APB' changed while it was read (640000 samples, then 639999): was the file being written?");
        }
    }
}

TEST_CASE("NCS chain streamed: a scratch folder that is missing or full gives one line naming it and the reason", "[dsp][ncs][stream]") {
    const auto st = ncsSettingsFor(NcsTest::Motor);
    auto rec = recordingFor(NcsTest::Motor, 0.0, 5);
    const std::vector<double> x = rec.channels[0].samples;
    rec.channels[0].samples.clear();
    const char* before = std::getenv("TMPDIR");
    const std::string saved = before ? before : "";
    const auto message = [&] {
        try {
            prepareSignalStreamed(emg::Recording(rec), {x.size()}, std::nullopt, st, true, streamerOf(x));
        } catch (const std::runtime_error& e) {
            return std::string(e.what());
        }
        return std::string("no exception");
    };
    SECTION("missing folder") {
        ::setenv("TMPDIR", "/nonexistent-emgws-scratch", 1);
        CHECK(message() == "cannot make a scratch file in /nonexistent-emgws-scratch for the filtered channel: No such file or directory");
    }
    SECTION("a file size limit (EFBIG, SIGXFSZ ignored): 640000 samples need 5 MB, 1 MB allowed") {
        rlimit old{};
        ::getrlimit(RLIMIT_FSIZE, &old);
        const auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
        rlimit small = old;
        small.rlim_cur = 1 << 20;
        ::setrlimit(RLIMIT_FSIZE, &small);
        const std::string m = message();
        ::setrlimit(RLIMIT_FSIZE, &old);
        std::signal(SIGXFSZ, oldHandler);
        CHECK(m.rfind("cannot write the scratch file in ", 0) == 0);
        CHECK(m.find("for the filtered channel: File too large") != std::string::npos);
        CHECK(m.find('\n') == std::string::npos);
    }
    if (before) ::setenv("TMPDIR", saved.c_str(), 1);
    else ::unsetenv("TMPDIR");
}

TEST_CASE("NCS chain streamed: an F-wave or H-reflex file of records that start at their stimulus keeps the unfiltered samples and reads as held",
          "[dsp][ncs][stream][fwave]") {
    // One 0.8 s record per stimulus starting at it, holes between (EDF+D): no pre-trigger within any
    // record, so the F waves and H are measured on the unfiltered sweeps (lateResponseSweeps, H's
    // twice as long as its window); the streamed chain must keep them around each stimulus as the
    // held one keeps the whole channel.
    const auto test = GENERATE(NcsTest::FWave, NcsTest::HReflex);
    INFO(toString(test));
    const auto st = ncsSettingsFor(test);
    const auto whole = recordingFor(test, 30.0, 11);
    emg::Recording rec = whole;
    const double fs = whole.channels[0].sampleRateHz;
    rec.channels[0].samples.clear();
    rec.annotations.clear();
    const auto recordN = static_cast<std::size_t>(0.8 * fs);
    for (const auto& a : whole.annotations) {
        const auto from = static_cast<std::size_t>(std::llround(a.onsetSec * fs));
        // (the stimulus at 2 ms is left out: its record would overlap the next one's)
        if (a.text.rfind("Stim", 0) != 0 || a.onsetSec < 0.1 || from + recordN > whole.channels[0].samples.size()) continue;
        const auto& src = whole.channels[0].samples;
        rec.channels[0].samples.insert(rec.channels[0].samples.end(), src.begin() + static_cast<std::ptrdiff_t>(from),
                                       src.begin() + static_cast<std::ptrdiff_t>(from + recordN));
        rec.segments.push_back({a.onsetSec, 0.8});
        rec.annotations.push_back(a);
    }
    REQUIRE(rec.segments.size() >= 20);
    const auto held = prepareSignal(rec, std::nullopt, st);
    CHECK_FALSE(held.rawUv.empty());   // kept for this layout only
    emg::Recording outline = rec;
    const std::vector<double> x = outline.channels[0].samples;
    outline.channels[0].samples.clear();
    auto streamed = prepareSignalStreamed(std::move(outline), {x.size()}, std::nullopt, st, true, streamerOf(x));
    REQUIRE(streamed);
    CHECK(streamed->rawWindows.held());
    for (const std::string site : {"wrist", "elbow"}) {
        const auto a = lateResponseSweeps(held, site, st), b = lateResponseSweeps(*streamed, site, st);
        REQUIRE(a.size() >= 10);
        CHECK(a.front().preSamples == 0);
        requireSameSweeps(a, b);
        if (test == NcsTest::HReflex) {
            CHECK(a.front().timeMs(static_cast<double>(a.front().uv.size())) == Approx(2.0 * st.sweep.windowMs).margin(0.1));
            const auto ra = analyzeHReflex(a, {}), rb = analyzeHReflex(b, {});
            CHECK(ra.hmRatio == rb.hmRatio);
            REQUIRE(ra.hLatencyMs);
            REQUIRE(rb.hLatencyMs);
            CHECK(*ra.hLatencyMs == *rb.hLatencyMs);
            // as the continuous file reads (its pre-trigger, its filtered channel): the late wave (a
            // half-sine from 28 ms of 200 uV in 10 uV noise, first beyond the threshold ~0.25 ms in)
            // within 0.1 ms, H/M (300 / 7000 peak to peak, + the noise's extremes) within 5 %
            const auto continuous = prepareSignal(whole, std::nullopt, st);
            const auto rc = analyzeHReflex(siteSweeps(continuous, site, st.sweep), {});
            REQUIRE(rc.hLatencyMs);
            INFO("H latency " << *ra.hLatencyMs << " ms (continuous " << *rc.hLatencyMs << "), H/M " << ra.hmRatio << " (continuous " << rc.hmRatio << ")");
            CHECK(*ra.hLatencyMs == Approx(*rc.hLatencyMs).margin(0.1));
            CHECK(ra.hmRatio == Approx(rc.hmRatio).epsilon(0.05));
            CHECK(ra.hmRatio == Approx(300.0 / 7000.0).epsilon(0.1));
            continue;
        }
        FWaveSettings fw;
        fw.mDetection = st.detection;
        const auto ra = analyzeFWaves(a, fw), rb = analyzeFWaves(b, fw);
        CHECK(ra.present == rb.present);
        CHECK(ra.minLatencyMs == rb.minLatencyMs);
        // the synthetic F (onset 28 ms, 200 uV on every sweep) read on every sweep, within 0.3 ms
        CHECK(ra.present == a.size());
        CHECK(ra.minLatencyMs == Approx(28.0).margin(0.3));
    }
    // the continuous file (a pre-trigger before every stimulus) keeps no unfiltered copy: nothing reads it
    CHECK(prepareSignal(emg::Recording(whole), std::nullopt, st, true).rawUv.empty());
}
