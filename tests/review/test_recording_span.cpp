// A span of a recording as the analyzers' Recording, read through the paged reader: it must equal
// the same data records cut out of the file byte by byte and read by the whole-file reader
// (samples, labels, rates, stimuli/annotations shifted to the span's start), read only the span's
// records, keep EDF+D holes as holes as the whole-file reader does (segments, no zeros), and refuse empty or impossible spans.
#include "io_test_util.h"
#include "review_files.h"
#include "review_specs.h"

#include <emg/io/recording_io.h>
#include <emg/review/paged_edf_reader.h>
#include <emg/review/recording_span.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using emg::review::PagedEdfReader;

namespace {

/// Records [first, last) of an EDF/BDF file as a file of their own: header with the record count
/// changed, record bytes as they are (their TALs keep their absolute times).
void cutRecords(const std::filesystem::path& in, std::int64_t first, std::int64_t last, const std::filesystem::path& out) {
    const auto bytes = emg::test::fileBytes(in);
    const std::string head(bytes.begin(), bytes.begin() + 256);
    const auto ns = static_cast<std::size_t>(std::stoi(head.substr(252, 4)));
    const std::size_t headerBytes = 256 * (ns + 1);
    const auto records = std::stoll(head.substr(236, 8));
    const std::size_t recordBytes = (bytes.size() - headerBytes) / static_cast<std::size_t>(records);
    std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(headerBytes));
    const std::string count = emg::test::pad(std::to_string(last - first), 8);
    std::copy(count.begin(), count.end(), cut.begin() + 236);
    cut.insert(cut.end(), bytes.begin() + static_cast<std::ptrdiff_t>(headerBytes + static_cast<std::size_t>(first) * recordBytes),
               bytes.begin() + static_cast<std::ptrdiff_t>(headerBytes + static_cast<std::size_t>(last) * recordBytes));
    emg::test::writeBytes(out, cut);
}

void requireSameRecording(const emg::Recording& span, const emg::Recording& cut) {
    REQUIRE(span.channels.size() == cut.channels.size());
    for (std::size_t c = 0; c < cut.channels.size(); ++c) {
        const auto& a = span.channels[c];
        const auto& b = cut.channels[c];
        INFO("channel " << c << " " << b.label);
        CHECK(a.label == b.label);
        CHECK(a.signalType == b.signalType);
        CHECK(a.physicalUnit == b.physicalUnit);
        CHECK(a.sampleRateHz == b.sampleRateHz);
        CHECK(a.isAnnotationOrTrigger == b.isAnnotationOrTrigger);
        REQUIRE(a.samples.size() == b.samples.size());
        // same digital values; the physical scale is applied in another order (gain*unit vs
        // (value)*unit), so equal within 1e-9 of the value
        std::size_t differ = 0;
        for (std::size_t i = 0; i < b.samples.size(); ++i)
            if (std::fabs(a.samples[i] - b.samples[i]) > 1e-9 * std::max(1.0, std::fabs(b.samples[i]))) ++differ;
        CHECK(differ == 0);
    }
    REQUIRE(span.annotations.size() == cut.annotations.size());
    for (std::size_t i = 0; i < cut.annotations.size(); ++i) {
        CHECK(span.annotations[i].text == cut.annotations[i].text);
        CHECK(span.annotations[i].onsetSec == Approx(cut.annotations[i].onsetSec).margin(1e-9));
        CHECK(span.annotations[i].durationSec == Approx(cut.annotations[i].durationSec).margin(1e-9));
    }
}

}  // namespace

TEST_CASE("span of a continuous EDF+ equals its records cut out byte by byte, reading only the span's records", "[review][span]") {
    const auto dir = emg::test::ioTempDir("span-cut");
    const auto file = dir / "multi.edf";
    emg::test::writeReviewFile(file, emg::test::multiRateEdf(60));   // 60 records of 1 s, first at 0.25 s
    cutRecords(file, 2, 44, dir / "cut.edf");
    const emg::Recording cut = emg::io::readRecording(dir / "cut.edf");
    REQUIRE(cut.annotations.size() == 2);   // "Stim 20mA" (record 3) and "Pause" (record 41)

    PagedEdfReader reader(file);
    emg::review::SpanInfo info;
    const emg::Recording span = emg::review::readRecordingSpan(reader, 2.0, 44.0, &info);
    CHECK(info.startSec == Approx(2.0).margin(1e-12));
    CHECK(info.endSec == 44.0);
    CHECK(info.warnings.empty());
    requireSameRecording(span, cut);
    CHECK(span.channels[0].samples.size() == 42u * 1000u);
    CHECK(span.channels[2].samples.size() == 42u * 333u);
    CHECK(span.channels[2].isAnnotationOrTrigger);
    CHECK(span.annotations[0].onsetSec == Approx(3.5 - 2.0).margin(1e-9));   // record 3's onset + 0.5 s, from the span's start
    CHECK(span.annotations[1].onsetSec == Approx(41.5 - 2.0).margin(1e-9));
    // samples came from the span's 42 records only (of 60)
    CHECK(reader.recordReads() <= 42u);
}

TEST_CASE("span starting between samples begins at the next sample, annotations move by the same time", "[review][span]") {
    const auto dir = emg::test::ioTempDir("span-between");
    const auto file = dir / "multi.edf";
    emg::test::writeReviewFile(file, emg::test::multiRateEdf(10));
    const emg::Recording whole = emg::io::readRecording(file);
    PagedEdfReader reader(file);
    emg::review::SpanInfo info;
    const emg::Recording span = emg::review::readRecordingSpan(reader, 2.0004, 5.0, &info);
    // channel 0 at 1000 Hz: the first sample at or after 2.0004 s is sample 2001 (2.001 s)
    CHECK(info.startSec == Approx(2.001).margin(1e-9));
    REQUIRE(span.channels[0].samples.size() == 5000u - 2001u);
    CHECK(span.channels[0].samples.front() == whole.channels[0].samples[2001]);
    CHECK(span.channels[0].samples.back() == whole.channels[0].samples[4999]);
    REQUIRE(span.annotations.size() == 1);
    CHECK(span.annotations[0].text == "Stim 20mA");
    CHECK(span.annotations[0].onsetSec == Approx(3.5 - 2.001).margin(1e-9));
    // the in-memory cut of the whole recording gives the same
    emg::review::SpanInfo sliceInfo;
    const emg::Recording slice = emg::review::sliceRecording(whole, 2.0004, 5.0, &sliceInfo);
    CHECK(sliceInfo.startSec == Approx(2.001).margin(1e-9));
    requireSameRecording(span, slice);
}

TEST_CASE("span of an EDF+D (BDF+D) file: holes kept as holes (segments) and annotated as the whole-file reader does", "[review][span]") {
    const auto dir = emg::test::ioTempDir("span-holes");
    const auto file = dir / "holes.bdf";
    emg::test::writeReviewFile(file, emg::test::discontinuousBdf());   // holes 1.5..3.0 and 4.0..10.25 s
    const emg::Recording whole = emg::io::readRecording(file);
    PagedEdfReader reader(file);
    const emg::Recording span = emg::review::readRecordingSpan(reader, 1.0, 10.5);
    const emg::Recording slice = emg::review::sliceRecording(whole, 1.0, 10.5);
    requireSameRecording(span, slice);
    // 9.5 s at 1024 Hz: recorded 1.0..1.5, 3.0..4.0, 10.25..10.5 (1.75 s); nothing stored between
    // (the zero-filling span reader gave 9728 samples, 7936 of them zeros)
    REQUIRE(span.channels[0].samples.size() == 1792u);
    REQUIRE(span.segments.size() == 3);
    REQUIRE(slice.segments.size() == 3);
    for (std::size_t k = 0; k < 3; ++k) {
        CHECK(span.segments[k].startSec == Approx(slice.segments[k].startSec).margin(1e-9));
        CHECK(span.segments[k].durationSec == Approx(slice.segments[k].durationSec).margin(1e-9));
    }
    CHECK(span.segments[1].startSec == Approx(2.0).margin(1e-9));
    CHECK(span.segments[2].startSec == Approx(9.25).margin(1e-9));
    CHECK(span.segments[2].durationSec == Approx(0.25).margin(1e-9));
    std::vector<std::string> texts;
    for (const auto& a : span.annotations) texts.push_back(a.text);
    CHECK(texts == std::vector<std::string>{"Fasciculation", "Gap 1536 samples", "Gap 6400 samples"});
    CHECK(span.annotations[1].onsetSec == Approx(0.5).margin(1e-9));
    CHECK(span.annotations[2].onsetSec == Approx(3.0).margin(1e-9));
    CHECK(span.annotations[2].durationSec == Approx(6.25).margin(1e-9));
}

TEST_CASE("span requests that cannot be met are refused with the reason, an end past the recording is clamped", "[review][span]") {
    const auto dir = emg::test::ioTempDir("span-bad");
    const auto file = dir / "multi.edf";
    emg::test::writeReviewFile(file, emg::test::multiRateEdf(10));
    PagedEdfReader reader(file);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_WITH(emg::review::readRecordingSpan(reader, 10.0, 12.0), Catch::Contains("after the recording's end"));
    CHECK_THROWS_WITH(emg::review::readRecordingSpan(reader, 3.0, 3.0), Catch::Contains("empty"));
    CHECK_THROWS_WITH(emg::review::readRecordingSpan(reader, 4.0, 3.0), Catch::Contains("empty"));
    CHECK_THROWS_WITH(emg::review::readRecordingSpan(reader, -1.0, 3.0), Catch::Contains("before the recording"));
    CHECK_THROWS_AS(emg::review::readRecordingSpan(reader, nan, 3.0), std::invalid_argument);
    CHECK_THROWS_AS(emg::review::readRecordingSpan(reader, 1.0, nan), std::invalid_argument);
    emg::review::SpanInfo info;
    const auto tail = emg::review::readRecordingSpan(reader, 8.0, 30.0, &info);
    CHECK(info.endSec == 10.0);
    REQUIRE(info.warnings.size() == 1);
    CHECK_THAT(info.warnings[0], Catch::Contains("past the recording's end"));
    CHECK(tail.channels[0].samples.size() == 2000u);
}
