// Random-access reading (issue 13): samples at any offset equal what was written (digital exactly,
// physical to well within the digital step, the EDF resolution), pages keep EDF+D holes as holes,
// annotations come from the records, bad files give messages, the record cache stays bounded.
#include "io_test_util.h"
#include "review_specs.h"

#include <emg/io/recording_io.h>
#include <emg/review/annotation_scan.h>
#include <emg/review/paged_edf_reader.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include <unistd.h>

using namespace emg;
using namespace emg::review;
using emg::test::ReviewFileSpec;

namespace {
// every random read of `reader` against the pattern of `spec`
void checkRandomReads(PagedEdfReader& reader, const ReviewFileSpec& spec, unsigned seed, int reads) {
    std::mt19937 rng(seed);
    for (int n = 0; n < reads; ++n) {
        const std::size_t c = rng() % spec.signals.size();
        const auto& sig = spec.signals[c];
        const std::int64_t total = reader.channels()[c].storedSamples;
        const std::int64_t first = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(total));
        const auto count = static_cast<std::size_t>(1 + rng() % static_cast<std::uint64_t>(std::min<std::int64_t>(total - first, 3 * sig.samplesPerRecord)));
        std::vector<std::int32_t> digital(count);
        reader.readDigital(c, first, count, digital.data());
        const auto physical = reader.readSamples(c, first, count);
        for (std::size_t i = 0; i < count; ++i) {
            const std::int32_t want = emg::test::patternDigital(c, first + static_cast<std::int64_t>(i), sig.dmin, sig.dmax);
            REQUIRE(digital[i] == want);
            REQUIRE(std::abs(physical[i] - emg::test::expectedPhysical(sig, want)) <= 1e-6 * emg::test::digitalStep(sig));
        }
    }
}
}  // namespace

TEST_CASE("paged reader: random reads of a multi-rate EDF+ equal the samples written", "[review][edf]") {
    const auto dir = emg::test::ioTempDir("paged-edf");
    const auto spec = emg::test::multiRateEdf();
    const auto file = dir / "multi.edf";
    emg::test::writeReviewFile(file, spec);
    PagedEdfReader reader(file, PagedReaderOptions{3 * 2 * (1000 + 250 + 333 + 40)});
    REQUIRE(reader.records() == 60);
    REQUIRE(reader.channels().size() == 3);
    CHECK(reader.channels()[0].sampleRateHz == 1000.0);
    CHECK(reader.channels()[1].sampleRateHz == 250.0);
    CHECK(reader.channels()[2].sampleRateHz == 333.0);
    CHECK(reader.channels()[1].physicalUnit == "uV");   // mV read as µV, as the other readers do
    CHECK(reader.channels()[2].gain < 0);               // physical maximum below its minimum
    CHECK(reader.durationSec() == Approx(60.0).margin(1e-12));
    checkRandomReads(reader, spec, 7, 400);
    // the cache never holds more than its budget (3 records here)
    CHECK(reader.cachedBytes() <= 3 * reader.recordBytes());

    SECTION("the same values as the whole-file reader") {
        const Recording whole = io::readRecording(file);
        REQUIRE(whole.channels.size() == 3);
        for (std::size_t c = 0; c < 3; ++c) {
            const auto& samples = whole.channels[c].samples;
            REQUIRE(static_cast<std::int64_t>(samples.size()) == reader.channels()[c].storedSamples);
            const auto paged = reader.readSamples(c, 0, samples.size());
            const double step = emg::test::digitalStep(spec.signals[c]);
            for (std::size_t i = 0; i < samples.size(); ++i) REQUIRE(std::abs(paged[i] - samples[i]) <= 1e-9 * step);
        }
    }
}

TEST_CASE("paged reader: a page of a continuous file is one run per channel at the right times", "[review][edf]") {
    const auto dir = emg::test::ioTempDir("paged-page");
    const auto spec = emg::test::multiRateEdf();
    const auto file = dir / "multi.edf";
    emg::test::writeReviewFile(file, spec);
    PagedEdfReader reader(file);
    const double t0 = 12.3, span = 10.0;
    const Page page = reader.readPage(t0, span);
    CHECK(page.gaps.empty());
    REQUIRE(page.channels.size() == 3);
    for (const auto& cp : page.channels) {
        const auto& sig = spec.signals[cp.channel];
        const double rate = cp.sampleRateHz;
        REQUIRE(cp.runs.size() == 1);
        // samples k with k / rate in [t0, t0 + span)
        const auto k0 = static_cast<std::int64_t>(std::ceil(t0 * rate - 1e-9));
        const auto k1 = static_cast<std::int64_t>(std::ceil((t0 + span) * rate - 1e-9));
        CHECK(cp.runs[0].firstStoredSample == k0);
        CHECK(cp.runs[0].count == static_cast<std::size_t>(k1 - k0));
        CHECK(cp.runs[0].startSec == Approx(static_cast<double>(k0) / rate).margin(1e-9));
        REQUIRE(cp.values.size() == static_cast<std::size_t>(k1 - k0));
        for (std::size_t i = 0; i < cp.values.size(); ++i) {
            const auto d = emg::test::patternDigital(cp.channel, k0 + static_cast<std::int64_t>(i), sig.dmin, sig.dmax);
            REQUIRE(std::abs(cp.values[i] - emg::test::expectedPhysical(sig, d)) <= 1e-6 * emg::test::digitalStep(sig));
        }
    }
    // a page read into the buffers of another gives the same as a fresh one
    Page reused = reader.readPage(40.0, 5.0);
    reader.readPage(t0, span, {}, reused);
    for (std::size_t c = 0; c < 3; ++c) {
        CHECK(reused.channels[c].values == page.channels[c].values);
        REQUIRE(reused.channels[c].runs.size() == 1);
        CHECK(reused.channels[c].runs[0].firstStoredSample == page.channels[c].runs[0].firstStoredSample);
    }
    // a channel subset and a page past the end
    const Page one = reader.readPage(59.5, 10.0, {1});
    REQUIRE(one.channels.size() == 1);
    CHECK(one.channels[0].values.size() == 125);   // 0.5 s at 250 Hz left
}

TEST_CASE("paged reader: EDF+D holes stay holes, reported as gaps, never zero-filled", "[review][bdf]") {
    const auto dir = emg::test::ioTempDir("paged-bdfd");
    const auto spec = emg::test::discontinuousBdf();
    const auto file = dir / "holes.bdf";
    emg::test::writeReviewFile(file, spec);
    PagedEdfReader reader(file);
    REQUIRE(reader.isDiscontinuous());
    REQUIRE(reader.records() == 6);
    CHECK(reader.recordOnsetSec(3) == Approx(3.0).margin(1e-9));
    CHECK(reader.recordOnsetSec(5) == Approx(10.25).margin(1e-9));
    CHECK(reader.durationSec() == Approx(10.75).margin(1e-9));
    checkRandomReads(reader, spec, 11, 300);

    const Page page = reader.readPage(0.0, 10.75);
    REQUIRE(page.gaps.size() == 2);
    CHECK(page.gaps[0].onsetSec == Approx(1.5).margin(1e-9));
    CHECK(page.gaps[0].durationSec == Approx(1.5).margin(1e-9));
    CHECK(page.gaps[1].onsetSec == Approx(4.0).margin(1e-9));
    CHECK(page.gaps[1].durationSec == Approx(6.25).margin(1e-9));
    const auto& needle = page.channels[0];
    REQUIRE(needle.runs.size() == 3);
    CHECK(needle.runs[0].count == 3 * 512);
    CHECK(needle.runs[1].count == 2 * 512);
    CHECK(needle.runs[2].count == 512);
    CHECK(needle.runs[1].startSec == Approx(3.0).margin(1e-9));
    CHECK(needle.runs[2].startSec == Approx(10.25).margin(1e-9));
    CHECK(needle.values.size() == 6 * 512);   // only recorded samples, no zeros for the holes
    CHECK(page.channels[1].values.size() == 6 * 128);

    // a page inside a hole holds no samples, only the gap
    const Page empty = reader.readPage(5.0, 2.0);
    CHECK(empty.channels[0].values.empty());
    REQUIRE(empty.gaps.size() == 1);
    CHECK(empty.gaps[0].onsetSec == Approx(5.0).margin(1e-9));
    CHECK(empty.gaps[0].durationSec == Approx(2.0).margin(1e-9));
    // a time in a hole maps to the first sample after it
    CHECK(reader.storedSampleAt(0, 2.0) == 3 * 512);
    CHECK(reader.timeOfStoredSample(0, 3 * 512) == Approx(3.0).margin(1e-9));
    CHECK(reader.timeOfStoredSample(0, 3 * 512 - 1) == Approx(1.5 - 1.0 / 1024).margin(1e-9));
}

TEST_CASE("paged reader: annotations from the records, lazily and in the background scan", "[review][edf]") {
    const auto dir = emg::test::ioTempDir("paged-annotations");
    const auto file = dir / "multi.edf";
    emg::test::writeReviewFile(file, emg::test::multiRateEdf());
    PagedEdfReader reader(file);
    // onsets from the first record's start (absolute 0.25 s): record r's text at r + 0.5 s
    const auto some = reader.annotationsInRecords(0, 10);
    REQUIRE(some.size() == 1);
    CHECK(some[0].text == "Stim 20mA");
    CHECK(some[0].onsetSec == Approx(3.5).margin(1e-9));

    AnnotationScan scan(file);
    REQUIRE(scan.waitUntilDone(std::chrono::seconds(30)));
    CHECK(scan.error().empty());
    CHECK(scan.progress() == Approx(1.0));
    const auto all = scan.annotations();
    REQUIRE(all.size() == 2);
    CHECK(all[1].text == "Pause");
    CHECK(all[1].onsetSec == Approx(41.5).margin(1e-9));
    CHECK(scan.gaps().empty());

    const auto bdf = dir / "holes.bdf";
    emg::test::writeReviewFile(bdf, emg::test::discontinuousBdf());
    AnnotationScan holes(bdf);
    REQUIRE(holes.waitUntilDone(std::chrono::seconds(30)));
    const auto gaps = holes.gaps();
    REQUIRE(gaps.size() == 2);
    CHECK(gaps[0].onsetSec == Approx(1.5).margin(1e-9));
    CHECK(gaps[1].durationSec == Approx(6.25).margin(1e-9));
    const auto texts = holes.annotations();
    REQUIRE(texts.size() == 2);
    CHECK(texts[0].text == "Fasciculation");
    CHECK(texts[0].onsetSec == Approx(1.0).margin(1e-9));     // record 1 (0.5 s) + 0.5 s
    CHECK(texts[1].onsetSec == Approx(10.75).margin(1e-9));   // record 5 (10.25 s) + 0.5 s
}

TEST_CASE("paged reader: bad files and bad requests give messages", "[review][edf]") {
    const auto dir = emg::test::ioTempDir("paged-bad");
    const auto file = dir / "multi.edf";
    emg::test::writeReviewFile(file, emg::test::multiRateEdf(20));
    const auto size = std::filesystem::file_size(file);
    const std::size_t recordBytes = 2 * (1000 + 250 + 333 + 40);

    SECTION("requests outside the recording") {
        PagedEdfReader reader(file);
        std::vector<std::int32_t> out(10);
        CHECK_THROWS_AS(reader.readDigital(0, 20 * 1000 - 5, 10, out.data()), std::out_of_range);
        CHECK_THROWS_AS(reader.readDigital(0, -1, 1, out.data()), std::out_of_range);
        CHECK_THROWS_AS(reader.readDigital(3, 0, 1, out.data()), std::out_of_range);
        CHECK_THROWS_AS(reader.recordOnsetSec(20), std::out_of_range);
        // times far outside, infinite or not a number
        CHECK(reader.readPage(1e300, 10.0).channels[0].values.empty());
        CHECK(reader.readPage(-1e300, 5.0).channels[0].values.empty());
        CHECK(reader.readPage(19.5, INFINITY).channels[0].values.size() == 500);
        CHECK(reader.storedSampleAt(0, INFINITY) == 20 * 1000);
        CHECK_THROWS_AS(reader.readPage(NAN, 1.0), std::invalid_argument);
    }
    SECTION("two records missing: the header's count is refused as the other readers refuse it") {
        std::filesystem::resize_file(file, size - 2 * recordBytes);
        CHECK_THROWS_WITH(PagedEdfReader(file), Catch::Contains("inconsistent record count"));
    }
    SECTION("the file shrinks after opening: reading the lost records says so") {
        PagedEdfReader reader(file, PagedReaderOptions{0});
        std::filesystem::resize_file(file, size - 5 * recordBytes);
        std::vector<std::int32_t> out(1000);
        CHECK_NOTHROW(reader.readDigital(0, 0, 1000, out.data()));
        CHECK_THROWS_WITH(reader.readDigital(0, 18 * 1000, 1000, out.data()), Catch::Contains("did it shrink"));
    }
    SECTION("not an EDF file") {
        emg::test::writeText(dir / "text.edf", std::string(600, 'x'));
        CHECK_THROWS_AS(PagedEdfReader(dir / "text.edf"), io::FormatError);
    }
}
