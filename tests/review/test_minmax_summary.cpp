// The multi-resolution min/max summary (issue 13): every bin equals the brute-force min/max of
// its samples, envelopes for random spans and zooms equal the brute force over the samples they
// cover (whole bins at a summary level, exact columns from raw samples), the cache file is reused
// for the same bytes and never for changed ones.
#include "io_test_util.h"
#include "review_specs.h"

#include <emg/io/sha256.h>
#include <emg/review/envelope.h>
#include <emg/review/minmax_summary.h>
#include <emg/review/paged_edf_reader.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <fcntl.h>
#include <random>
#include <unistd.h>

using namespace emg;
using namespace emg::review;
using emg::test::ReviewFileSpec;

namespace {
ReviewFileSpec longEdf() {
    ReviewFileSpec s;
    for (int r = 0; r < 100; ++r) s.recordOnsetsSec.push_back(r);
    s.signals.push_back({"EMG A", "uV", "-3276.8", "3276.7", -32768, 32767, 2000});
    s.signals.push_back({"EMG B", "uV", "500", "-500", -4000, 4000, 700});   // inverted scale
    return s;
}

// brute-force physical min/max of stored samples [a, b) of channel c
MinMax bruteForce(const ReviewFileSpec& spec, std::size_t c, std::int64_t a, std::int64_t b) {
    const auto& sig = spec.signals[c];
    MinMax m{INFINITY, -INFINITY, false};
    for (std::int64_t k = a; k < b; ++k) {
        const double v = emg::test::expectedPhysical(sig, emg::test::patternDigital(c, k, sig.dmin, sig.dmax));
        m.min = std::min(m.min, v);
        m.max = std::max(m.max, v);
    }
    return m;
}

bool waitReady(const MinMaxSummary& s) {
    return s.waitUntilDone(std::chrono::seconds(60)) && s.state() == SummaryState::Ready;
}
}  // namespace

TEST_CASE("SHA-256 of the FIPS 180-2 examples, whole and in pieces", "[review][sha256]") {
    // both the portable code and (where the processor has them) the SHA extensions
    const bool portable = GENERATE(true, false);
    io::forcePortableSha256ForTesting(portable);
    INFO((io::sha256UsesCpuExtensions() ? "SHA extensions" : "portable"));
    CHECK(io::sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(io::sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(io::sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    const std::string million(1000000, 'a');
    CHECK(io::sha256Hex(million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    // the same digest whatever the pieces
    std::mt19937 rng(3);
    io::Sha256 h;
    for (std::size_t at = 0; at < million.size();) {
        const std::size_t n = std::min<std::size_t>(million.size() - at, rng() % 200);
        h.update(million.data() + at, n);
        at += n;
    }
    CHECK(io::Sha256::hex(h.finish()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    const auto dir = emg::test::ioTempDir("sha-file");
    emg::test::writeText(dir / "a.txt", million);
    CHECK(io::sha256OfFile(dir / "a.txt") == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    io::forcePortableSha256ForTesting(false);
}

TEST_CASE("summary: every bin of every level is the min/max of its samples", "[review][summary]") {
    const auto dir = emg::test::ioTempDir("summary-bins");
    const auto spec = longEdf();
    const auto file = dir / "long.edf";
    emg::test::writeReviewFile(file, spec);
    MinMaxSummary summary(file, SummaryOptions{dir / "cache"});
    REQUIRE(waitReady(summary));
    CHECK(summary.sha256() == io::sha256OfFile(file));
    CHECK(summary.cacheFile() == dir / "cache" / (summary.sha256() + ".emgsum"));
    CHECK(std::filesystem::exists(summary.cacheFile()));
    CHECK_FALSE(summary.fromCache());
    CHECK(summary.progress() == 1.0);
    const std::vector<std::int64_t> stored{200000, 70000};
    for (std::size_t c = 0; c < 2; ++c)
        for (std::size_t l = 0; l < 3; ++l) {
            const std::int64_t per = summary.samplesPerBin()[l];
            const std::int64_t n = summary.binCount(c, l);
            REQUIRE(n == (stored[c] + per - 1) / per);
            const auto bins = summary.bins(c, l, 0, static_cast<std::size_t>(n));
            const double tolerance = 1e-6 * emg::test::digitalStep(spec.signals[c]);
            for (std::int64_t k = 0; k < n; ++k) {
                const MinMax want = bruteForce(spec, c, k * per, std::min(stored[c], (k + 1) * per));
                REQUIRE(std::abs(bins[static_cast<std::size_t>(k)].min - want.min) <= tolerance);
                REQUIRE(std::abs(bins[static_cast<std::size_t>(k)].max - want.max) <= tolerance);
            }
        }
    CHECK_THROWS_AS(summary.bins(0, 0, 780, 5), std::out_of_range);   // 782 bins
}

TEST_CASE("summary: envelopes for random spans and zooms equal the brute force", "[review][summary]") {
    const auto dir = emg::test::ioTempDir("summary-envelope");
    const auto spec = longEdf();
    const auto file = dir / "long.edf";
    emg::test::writeReviewFile(file, spec);
    MinMaxSummary summary(file, SummaryOptions{dir / "cache"});
    REQUIRE(waitReady(summary));
    PagedEdfReader reader(file);
    std::mt19937 rng(5);
    int raw = 0, fromLevels = 0;
    for (int n = 0; n < 60; ++n) {
        const std::size_t c = rng() % 2;
        const double rate = reader.channels()[c].sampleRateHz;
        const double start = std::uniform_real_distribution<double>(-1.0, 90.0)(rng);
        const double span = std::exp(std::uniform_real_distribution<double>(std::log(0.05), std::log(100.0))(rng));
        const std::size_t columns = 10 + rng() % 400;
        const Envelope env = envelope(reader, &summary, c, start, span, columns);
        REQUIRE(env.columns.size() == columns);
        const double perColumn = span / static_cast<double>(columns) * rate;
        // the coarsest level with at least one bin per column, raw samples below the finest
        std::int64_t expectPer = 0;
        for (std::int64_t per : {256, 4096, 65536})
            if (per <= perColumn) expectPer = per;
        REQUIRE(env.samplesPerBin == expectPer);
        (expectPer ? fromLevels : raw)++;
        const double tolerance = 1e-6 * emg::test::digitalStep(spec.signals[c]);
        for (std::size_t j = 0; j < columns; ++j) {
            std::int64_t a = reader.storedSampleAt(c, start + static_cast<double>(j) * span / static_cast<double>(columns));
            std::int64_t b = reader.storedSampleAt(c, start + static_cast<double>(j + 1) * span / static_cast<double>(columns));
            if (b <= a) {
                REQUIRE(env.columns[j].empty);
                continue;
            }
            if (expectPer) {   // widened to whole bins
                a = a / expectPer * expectPer;
                b = std::min(reader.channels()[c].storedSamples, (b + expectPer - 1) / expectPer * expectPer);
            }
            const MinMax want = bruteForce(spec, c, a, b);
            REQUIRE_FALSE(env.columns[j].empty);
            REQUIRE(std::abs(env.columns[j].min - want.min) <= tolerance);
            REQUIRE(std::abs(env.columns[j].max - want.max) <= tolerance);
        }
    }
    CHECK(raw > 5);
    CHECK(fromLevels > 5);
    // several channels at once (records read once) give each channel's own envelope
    for (const double span : {3.0, 80.0}) {
        const auto both = envelopes(reader, &summary, {1, 0}, 7.25, span, 300);
        for (std::size_t w = 0; w < 2; ++w) {
            const Envelope one = envelope(reader, &summary, 1 - w, 7.25, span, 300);
            CHECK(both[w].samplesPerBin == one.samplesPerBin);
            for (std::size_t j = 0; j < 300; ++j) {
                REQUIRE(both[w].columns[j].min == one.columns[j].min);
                REQUIRE(both[w].columns[j].max == one.columns[j].max);
            }
        }
    }
}

TEST_CASE("summary: the cache file is reused for the same bytes, rejected when the file changed", "[review][summary]") {
    const auto dir = emg::test::ioTempDir("summary-cache");
    const auto spec = longEdf();
    const auto file = dir / "long.edf";
    emg::test::writeReviewFile(file, spec);
    const SummaryOptions options{dir / "cache"};
    std::string firstSha;
    {
        MinMaxSummary first(file, options);
        REQUIRE(waitReady(first));
        CHECK_FALSE(first.fromCache());
        CHECK(first.buildSeconds() > 0);
        firstSha = first.sha256();
    }
    {
        MinMaxSummary again(file, options);
        REQUIRE(waitReady(again));
        CHECK(again.fromCache());
        CHECK(again.buildSeconds() == 0);
        CHECK(again.sha256() == firstSha);
        CHECK(again.bins(0, 2, 0, 1)[0].max == Approx(bruteForce(spec, 0, 0, 65536).max));
    }
    // one sample changed in place (same size): another SHA-256, so a new summary holding it
    PagedEdfReader reader(file);
    const std::uint64_t recordBytes = reader.recordBytes();
    const std::uint64_t offset = 256 * 4 + 50 * recordBytes + 2 * 123;   // channel 0, record 50, sample 123
    const std::int16_t extreme = 32767;
    const int fd = ::open(file.c_str(), O_WRONLY);
    REQUIRE(fd >= 0);
    REQUIRE(::pwrite(fd, &extreme, 2, static_cast<off_t>(offset)) == 2);
    ::close(fd);
    MinMaxSummary changed(file, options);
    REQUIRE(waitReady(changed));
    CHECK(changed.sha256() != firstSha);
    CHECK_FALSE(changed.fromCache());
    const std::int64_t k = 50 * 2000 + 123;
    CHECK(changed.bins(0, 0, k / 256, 1)[0].max == Approx(3276.7));

    // a damaged cache file under the right name is rejected and rebuilt
    const auto cache = changed.cacheFile();
    std::filesystem::resize_file(cache, 100);
    MinMaxSummary rebuilt(file, options);
    REQUIRE(waitReady(rebuilt));
    CHECK_FALSE(rebuilt.fromCache());
    CHECK(rebuilt.bins(0, 0, k / 256, 1)[0].max == Approx(3276.7));
}

TEST_CASE("summary: an envelope over an EDF+D hole leaves its columns empty", "[review][summary]") {
    const auto dir = emg::test::ioTempDir("summary-holes");
    auto spec = emg::test::discontinuousBdf();
    // long enough for the finest level: 40 records of 0.5 s at 1024 Hz, a hole after record 19
    spec.recordOnsetsSec.clear();
    for (int r = 0; r < 40; ++r) spec.recordOnsetsSec.push_back(100.0 + 0.5 * r + (r >= 20 ? 30.0 : 0.0));
    spec.texts.clear();
    const auto file = dir / "holes.bdf";
    emg::test::writeReviewFile(file, spec);
    MinMaxSummary summary(file, SummaryOptions{dir / "cache"});
    REQUIRE(waitReady(summary));
    PagedEdfReader reader(file);
    const Envelope env = envelope(reader, &summary, 0, 0.0, 50.0, 100);   // 0.5 s = 512 samples per column
    REQUIRE(env.samplesPerBin == 256);
    // recorded 0..10 s and 40..50 s; the hole 10..40 s
    for (std::size_t j = 0; j < 100; ++j) {
        const double mid = (static_cast<double>(j) + 0.5) * 0.5;
        CHECK(env.columns[j].empty == (mid > 10.0 && mid < 40.0));
    }
}

TEST_CASE("summary: bad options are refused", "[review][summary]") {
    CHECK_THROWS_AS(MinMaxSummary("x.edf", SummaryOptions{{}, {128, 4096}}), std::invalid_argument);
    CHECK_THROWS_AS(MinMaxSummary("x.edf", SummaryOptions{{}, {256, 1000}}), std::invalid_argument);
    // a file that cannot be read fails with the reader's message, in the background
    const auto dir = emg::test::ioTempDir("summary-bad");
    emg::test::writeText(dir / "bad.edf", std::string(300, 'x'));
    MinMaxSummary bad(dir / "bad.edf", SummaryOptions{dir / "cache"});
    REQUIRE(bad.waitUntilDone(std::chrono::seconds(10)));
    CHECK(bad.state() == SummaryState::Failed);
    CHECK_THAT(bad.error(), Catch::Contains("bad.edf"));
}

namespace {
// The base class's readDigitalMinMax (what the WFDB reader uses) over an EDF reader's readDigital.
class ForwardingReader final : public PagedRecording {
public:
    explicit ForwardingReader(PagedEdfReader& r) : r_(r) {}
    const std::filesystem::path& path() const noexcept override { return r_.path(); }
    bool isPlus() const noexcept override { return r_.isPlus(); }
    std::int64_t records() const noexcept override { return r_.records(); }
    double recordDurationSec() const noexcept override { return r_.recordDurationSec(); }
    const std::vector<ChannelInfo>& channels() const noexcept override { return r_.channels(); }
    const std::string& startDateTime() const noexcept override { return r_.startDateTime(); }
    const std::vector<std::string>& warnings() const noexcept override { return r_.warnings(); }
    Recording describe() const override { return r_.describe(); }
    void setCompleteRecords(std::int64_t n) override { r_.setCompleteRecords(n); }
    double recordOnsetSec(std::int64_t r) override { return r_.recordOnsetSec(r); }
    double durationSec() override { return r_.durationSec(); }
    std::int64_t recordAt(double t) override { return r_.recordAt(t); }
    std::int64_t storedSampleAt(std::size_t c, double t) override { return r_.storedSampleAt(c, t); }
    double timeOfStoredSample(std::size_t c, std::int64_t i) override { return r_.timeOfStoredSample(c, i); }
    void readDigital(const std::vector<DigitalSpan>& spans) override { r_.readDigital(spans); }
    void readPage(double s, double d, const std::vector<std::size_t>& c, Page& p) override { r_.readPage(s, d, c, p); }
    std::vector<TimedAnnotation> annotationsInRecords(std::int64_t a, std::int64_t b) override { return r_.annotationsInRecords(a, b); }
    std::size_t cachedBytes() const noexcept override { return r_.cachedBytes(); }
    std::uint64_t recordReads() const noexcept override { return r_.recordReads(); }

private:
    PagedEdfReader& r_;
};
}  // namespace

TEST_CASE("digital min/max per column, folded from 16- and 24-bit record bytes, equals the samples' own", "[review][summary]") {
    const bool bdf = GENERATE(false, true);
    const auto dir = emg::test::ioTempDir(bdf ? "columns-bdf" : "columns-edf");
    auto spec = emg::test::discontinuousBdf();   // two rates, 24-bit full scale
    spec.bdf = bdf;
    if (!bdf) {
        spec.signals[0] = {"EMG Needle", "uV", "-3276.8", "3276.7", -32768, 32767, 512};
        spec.signals[1] = {"EMG Surface", "mV", "-5", "5", -30000, 30000, 128};
    }
    const auto file = dir / (bdf ? "two-rates.bdf" : "two-rates.edf");
    emg::test::writeReviewFile(file, spec);
    PagedEdfReader reader(file);
    ForwardingReader generic(reader);
    std::mt19937 rng(11);
    for (int n = 0; n < 40; ++n) {
        // random edges over both channels (empty columns included), across record boundaries
        std::vector<std::vector<std::int64_t>> edges(2);
        std::vector<std::vector<std::int32_t>> mins(4), maxs(4);
        std::vector<PagedRecording::DigitalColumns> spans, spans2;
        for (std::size_t c = 0; c < 2; ++c) {
            const std::int64_t stored = reader.channels()[c].storedSamples;
            const std::size_t columns = 1 + rng() % 300;
            edges[c].resize(columns + 1);
            for (auto& e : edges[c]) e = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(stored + 1));
            std::sort(edges[c].begin(), edges[c].end());
            for (std::size_t k : {c, c + 2}) {
                mins[k].resize(columns);
                maxs[k].resize(columns);
            }
            spans.push_back({c, edges[c].data(), columns, mins[c].data(), maxs[c].data()});
            spans2.push_back({c, edges[c].data(), columns, mins[c + 2].data(), maxs[c + 2].data()});
        }
        reader.readDigitalMinMax(spans);
        generic.readDigitalMinMax(spans2);
        for (std::size_t c = 0; c < 2; ++c) {
            const auto& sig = spec.signals[c];
            for (std::size_t j = 0; j + 1 < edges[c].size(); ++j) {
                std::int32_t lo = std::numeric_limits<std::int32_t>::max(), hi = std::numeric_limits<std::int32_t>::min();
                for (std::int64_t k = edges[c][j]; k < edges[c][j + 1]; ++k) {
                    const std::int32_t v = emg::test::patternDigital(c, k, sig.dmin, sig.dmax);
                    lo = std::min(lo, v);
                    hi = std::max(hi, v);
                }
                REQUIRE(mins[c][j] == lo);
                REQUIRE(maxs[c][j] == hi);
                REQUIRE(mins[c + 2][j] == lo);
                REQUIRE(maxs[c + 2][j] == hi);
            }
        }
    }
    // a span outside the channel is refused, as readDigital refuses it
    std::vector<std::int64_t> beyond{0, reader.channels()[0].storedSamples + 1};
    std::int32_t lo = 0, hi = 0;
    CHECK_THROWS_AS(reader.readDigitalMinMax({{0, beyond.data(), 1, &lo, &hi}}), std::out_of_range);
}
