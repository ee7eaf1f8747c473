// PagedWfdbReader (issue 13, WFDB in the review view): random reads of WFDB records in every
// format the reader decodes except 8 (differences: refused), with several signals per file,
// samples per frame > 1, skew, a second file and annotations, equal bit for bit to what the
// whole-file reader (readWfdbRecord) gives; the min/max summary and the span reader on it.
#include "io_test_util.h"
#include "wfdb_test_bytes.h"

#include <emg/io/recording_io.h>
#include <emg/review/minmax_summary.h>
#include <emg/review/paged_wfdb_reader.h>
#include <emg/review/recording_span.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <random>

using namespace emg;
using emg::review::PagedWfdbReader;

namespace {

/// The interleaved sample stream of one signal file as the bytes of `format`.
std::vector<std::uint8_t> encode(int format, const std::vector<int>& s) {
    std::vector<std::uint8_t> out;
    auto put = [&](long long v, int bytes) {
        for (int b = 0; b < bytes; ++b) out.push_back(static_cast<std::uint8_t>((v >> (8 * b)) & 0xFF));
    };
    switch (format) {
        case 16: for (int v : s) put(v, 2); break;
        case 24: for (int v : s) put(v, 3); break;
        case 32: for (int v : s) put(v, 4); break;
        case 61: for (int v : s) { out.push_back(static_cast<std::uint8_t>((v >> 8) & 0xFF)); out.push_back(static_cast<std::uint8_t>(v & 0xFF)); } break;
        case 80: for (int v : s) out.push_back(static_cast<std::uint8_t>(v + 128)); break;
        case 160: for (int v : s) put(v + 32768, 2); break;
        case 212: return emg::test::pack212(s);
        case 310: case 311:
            for (std::size_t i = 0; i < s.size(); i += 3) {
                const int a = s[i], b = i + 1 < s.size() ? s[i + 1] : 0, c = i + 2 < s.size() ? s[i + 2] : 0;
                if (format == 311) {
                    put((a & 0x3FF) | ((b & 0x3FF) << 10) | (static_cast<long long>(c & 0x3FF) << 20), 4);
                } else {
                    put(((a & 0x3FF) << 1) | ((c & 0x1F) << 11), 2);
                    put(((b & 0x3FF) << 1) | (((c >> 5) & 0x1F) << 11), 2);
                }
            }
            break;
        default: FAIL("no encoder for format " << format);
    }
    return out;
}

int bitsOf(int format) {
    switch (format) {
        case 80: return 8;
        case 212: return 12;
        case 310: case 311: return 10;
        case 24: return 24;
        case 32: return 28;   // well inside 32 bits: (v - baseline) and its scale stay exact
        default: return 16;
    }
}

/// Record `name` in one file of `format`: frames of A (1 sample), B (2 samples per frame, skew
/// 3), C (1 sample); baselines 12, -7, 0; gains 200, 50, 1000 ADC units per mV/uV.
void writeRecord(const std::filesystem::path& dir, const std::string& name, int format, long long frames, unsigned seed) {
    std::mt19937 rng(seed);
    const int lim = (1 << (bitsOf(format) - 1)) - 1;
    std::uniform_int_distribution<int> value(-lim, lim);
    std::vector<int> stream;
    for (long long f = 0; f < frames; ++f)
        for (int k = 0; k < 4; ++k) stream.push_back(value(rng));
    test::writeBytes(dir / (name + ".dat"), encode(format, stream));
    const std::string fmt = std::to_string(format);
    test::writeText(dir / (name + ".hea"), name + " 3 1000 " + std::to_string(frames) + " 10:20:30 05/06/2021\n" +
                                               name + ".dat " + fmt + " 200(12)/mV 16 0 0 0 0 A\n" +
                                               name + ".dat " + fmt + "x2:3 50(-7)/uV 16 0 0 0 0 B\n" +
                                               name + ".dat " + fmt + " 1000(0)/uV 16 0 0 0 0 C\n");
}

/// Random pages and digital spans of `paged` against `whole`, sample for sample (==).
void checkRandomReads(PagedWfdbReader& paged, const Recording& whole, unsigned seed) {
    REQUIRE(paged.channels().size() == whole.channels.size());
    for (std::size_t c = 0; c < whole.channels.size(); ++c) {
        CHECK(paged.channels()[c].storedSamples == static_cast<std::int64_t>(whole.channels[c].samples.size()));
        CHECK(paged.channels()[c].sampleRateHz == whole.channels[c].sampleRateHz);
    }
    CHECK(paged.durationSec() == Approx(whole.durationSec()).margin(1e-12));
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> at(-0.2, paged.durationSec() + 0.2), len(0.0, 1.6);
    for (int i = 0; i < 150; ++i) {
        const double t0 = at(rng), d = len(rng);
        const auto page = paged.readPage(t0, d);
        for (std::size_t c = 0; c < whole.channels.size(); ++c) {
            const auto& ref = whole.channels[c].samples;
            const double rate = whole.channels[c].sampleRateHz;
            const auto from = static_cast<std::size_t>(std::clamp(std::ceil(t0 * rate - 1e-6), 0.0, static_cast<double>(ref.size())));
            const auto to = static_cast<std::size_t>(std::clamp(std::ceil((t0 + d) * rate - 1e-6), static_cast<double>(from), static_cast<double>(ref.size())));
            const auto& cp = page.channels.at(c);
            INFO("page " << t0 << " + " << d << " s, channel " << c);
            REQUIRE(cp.values.size() == to - from);
            CHECK(std::equal(cp.values.begin(), cp.values.end(), ref.begin() + static_cast<std::ptrdiff_t>(from)));
            if (to > from) {
                REQUIRE(cp.runs.size() == 1);
                CHECK(cp.runs[0].firstStoredSample == static_cast<std::int64_t>(from));
                CHECK(cp.runs[0].startSec == Approx(static_cast<double>(from) / rate).margin(1e-12));
            }
        }
    }
}

}  // namespace

TEST_CASE("paged WFDB reader: random pages equal readWfdbRecord bit for bit in formats 16 24 32 61 80 160 212 310 311",
          "[review][wfdb]") {
    const auto dir = test::ioTempDir("paged_wfdb");
    for (int format : {16, 24, 32, 61, 80, 160, 212, 310, 311}) {
        INFO("format " << format);
        const std::string name = "f" + std::to_string(format);
        const long long frames = 3456;   // 3 blocks of 1002 frames and a short last one
        writeRecord(dir, name, format, frames, static_cast<unsigned>(format));
        io::ReadInfo info;
        const Recording whole = io::readRecording(dir / (name + ".hea"), info);
        REQUIRE(whole.channels.size() == 3);
        REQUIRE(whole.channels[1].samples.size() == static_cast<std::size_t>(2 * frames));
        // a cache of two blocks: pages evict and read blocks again
        PagedWfdbReader paged(dir / (name + ".hea"), review::PagedReaderOptions{2 * 1002 * 4 * sizeof(std::int32_t)});
        CHECK(paged.framesPerBlock() == 1002);
        CHECK(paged.records() == 4);
        CHECK(paged.recordDurationSec() == Approx(1.002));
        checkRandomReads(paged, whole, 7u + static_cast<unsigned>(format));
        CHECK(paged.cachedBytes() <= 2 * 1002 * 4 * sizeof(std::int32_t));
        const auto described = paged.describe();
        CHECK(described.channels[1].label == whole.channels[1].label);
        CHECK(described.startDateTime == whole.startDateTime);
        CHECK(described.channels[1].samples.empty());
    }
}

TEST_CASE("paged WFDB reader: two signal files, a null signal and the .atr beside the header", "[review][wfdb]") {
    const auto dir = test::ioTempDir("paged_wfdb_two");
    std::mt19937 rng(3);
    std::uniform_int_distribution<int> v(-2000, 2000);
    const long long frames = 5000;
    std::vector<int> a, b;
    for (long long f = 0; f < frames; ++f) {
        a.push_back(v(rng));
        b.push_back(v(rng));
        b.push_back(v(rng));
    }
    test::writeBytes(dir / "two_a.dat", encode(16, a));
    test::writeBytes(dir / "two_b.dat", encode(212, b));
    test::writeText(dir / "two.hea", "two 4 2000 5000\n"
                                     "two_a.dat 16 400(5)/mV 16 0 0 0 0 EMG\n"
                                     "two_b.dat 212:4 100(0)/uV 12 0 0 0 0 X\n"
                                     "two_b.dat 212 100(-3)/uV 12 0 0 0 0 Y\n"
                                     "~ 0 100(1)/uV 12 0 0 0 0 NULL\n");
    test::writeBytes(dir / "two.atr", emg::test::mitBeats({100, 1000, 2000, 3000}));
    io::ReadInfo info;
    const Recording whole = io::readRecording(dir / "two.hea", info);
    REQUIRE(whole.channels.size() == 4);
    PagedWfdbReader paged(dir / "two.hea");
    checkRandomReads(paged, whole, 11);
    CHECK(paged.checksumPath() == dir / "two_a.dat");
    // the .atr's marks: all of them, and those of one block
    const auto all = paged.annotationsInRecords(0, paged.records() - 1);
    REQUIRE(all.size() == whole.annotations.size());
    REQUIRE(all.size() == 4);
    CHECK(all[2].onsetSec == Approx(2000.0 / 2000.0));
    // block 1 holds frames 1998..3995: the beats at 1.0 s and 1.5 s
    const std::int64_t block = paged.recordAt(1.25);
    CHECK(block == 1);
    const auto one = paged.annotationsInRecords(block, block);
    REQUIRE(one.size() == 2);
    CHECK(one[0].onsetSec == Approx(1.0));
    CHECK(one[1].onsetSec == Approx(1.5));
    CHECK(one[0].text == whole.annotations[2].text);
    // a span read through the paged reader equals the same cut of the whole record
    review::SpanInfo si, wi;
    const auto span = review::readRecordingSpan(paged, 0.9, 1.7, &si);
    const auto cut = review::sliceRecording(whole, 0.9, 1.7, &wi);
    CHECK(si.startSec == Approx(wi.startSec).margin(1e-12));
    for (std::size_t c = 0; c < cut.channels.size(); ++c) CHECK(span.channels[c].samples == cut.channels[c].samples);
    REQUIRE(span.annotations.size() == 2);   // the beats at 1.0 and 1.5 s, 0.1 and 0.6 s into the span
    CHECK(span.annotations[0].onsetSec == Approx(0.1).margin(1e-9));
    CHECK(span.annotations[1].onsetSec == Approx(cut.annotations[1].onsetSec).margin(1e-9));
}

TEST_CASE("paged WFDB reader: format 8 (differences) is refused with the reason, the summary is built and equals the samples' min/max",
          "[review][wfdb]") {
    const auto dir = test::ioTempDir("paged_wfdb_sum");
    test::writeBytes(dir / "d8.dat", {0, 5, 0xFB, 0xFE});
    test::writeText(dir / "d8.hea", "d8 1 360 4\nd8.dat 8 200 8 0 100 0 0 S\n");
    CHECK_THROWS_WITH(PagedWfdbReader(dir / "d8.hea"), Catch::Contains("format 8") && Catch::Contains("d8.hea"));
    // a multi-segment record (readWfdbRecord reads it whole): sent to replay or conversion by name
    test::writeText(dir / "m.hea", "m/2 1 360 8\nd8 4\nd8 4\n");
    CHECK_THROWS_WITH(PagedWfdbReader(dir / "m.hea"), Catch::Contains("m.hea") && Catch::Contains("multi-segment") && Catch::Contains("convert"));

    writeRecord(dir, "s16", 16, 20000, 5);
    const Recording whole = io::readRecording(dir / "s16.hea");
    review::SummaryOptions so;
    so.cacheDir = dir / "cache";
    review::MinMaxSummary summary(dir / "s16.hea", so);
    REQUIRE(summary.waitUntilDone(std::chrono::seconds(30)));
    REQUIRE(summary.state() == review::SummaryState::Ready);
    CHECK_FALSE(summary.sha256().empty());
    for (std::size_t c = 0; c < whole.channels.size(); ++c) {
        const auto& x = whole.channels[c].samples;
        const std::int64_t n = summary.binCount(c, 0);
        REQUIRE(n == static_cast<std::int64_t>((x.size() + 255) / 256));
        const auto bins = summary.bins(c, 0, 0, static_cast<std::size_t>(n));
        for (std::int64_t k = 0; k < n; ++k) {
            const auto lo = x.begin() + k * 256, hi = x.begin() + std::min<std::int64_t>((k + 1) * 256, static_cast<std::int64_t>(x.size()));
            const auto [mn, mx] = std::minmax_element(lo, hi);
            INFO("channel " << c << " bin " << k);
            CHECK(bins[static_cast<std::size_t>(k)].min == *mn);
            CHECK(bins[static_cast<std::size_t>(k)].max == *mx);
        }
    }
}
