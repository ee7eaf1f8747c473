// The annotated EDF+/BDF+ copy (issue 13): the raw file is never modified (SHA-256 before/after),
// the copy keeps every header field, label and sample byte, and it shows the original and the
// reviewer's annotations in our reader, in EDFlib (strict) and in MNE-Python.
#include "edflib_strict.h"
#include "io_test_util.h"
#include "review_files.h"
#include "review_specs.h"

#include <emg/io/recording_io.h>
#include <emg/io/safe_file_writer.h>
#include <emg/io/sha256.h>
#include <emg/review/annotated_copy.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cerrno>
#include <cstdlib>
#include <fstream>

using emg::review::AnnotationSignalChange;
using emg::review::TimedAnnotation;

namespace {

struct Layout {
    std::size_t ns = 0, headerBytes = 0, recordBytes = 0;
    std::int64_t records = 0;
};

Layout layoutOf(const std::vector<std::uint8_t>& bytes) {
    const std::string head(bytes.begin(), bytes.begin() + 256);
    Layout l;
    l.ns = static_cast<std::size_t>(std::stoi(head.substr(252, 4)));
    l.headerBytes = 256 * (l.ns + 1);
    l.records = std::stoll(head.substr(236, 8));
    l.recordBytes = (bytes.size() - l.headerBytes) / static_cast<std::size_t>(l.records);
    return l;
}

std::string slice(const std::vector<std::uint8_t>& b, std::size_t from, std::size_t n) {
    return {b.begin() + static_cast<std::ptrdiff_t>(from), b.begin() + static_cast<std::ptrdiff_t>(from + n)};
}

using Marks = std::vector<std::string>;
std::string mark(long long ms, const std::string& text) { return std::to_string(ms) + " ms " + text; }

/// The annotation texts with their onsets ("3500 ms Stim 20mA", ms rounded) as a reader returned them.
Marks marks(const emg::Recording& rec) {
    Marks m;
    for (const auto& a : rec.annotations) m.push_back(mark(std::llround(a.onsetSec * 1000.0), a.text));
    return m;
}
Marks edflibMarks(const emg::test::EdflibResult& r) {
    Marks m;
    for (const auto& a : r.annotations) m.push_back(mark(a.onset100ns / 10000, a.text));
    return m;
}

void requireSameSamples(const emg::Recording& a, const emg::Recording& b) {
    REQUIRE(a.channels.size() == b.channels.size());
    for (std::size_t c = 0; c < a.channels.size(); ++c) {
        CHECK(a.channels[c].label == b.channels[c].label);
        CHECK(a.channels[c].samples == b.channels[c].samples);
    }
}

bool haveMne() { return std::system("/usr/bin/python3 -c 'import mne' >/dev/null 2>&1") == 0; }

nlohmann::json mneRead(const std::filesystem::path& dir, const std::filesystem::path& file) {
    const auto out = dir / "mne.json";
    const std::string cmd = "/usr/bin/python3 " + std::string(EMGWS_IO_TEST_DIR) + "/mne_read.py " + out.string() + " " + file.string() +
                            " 2>" + (dir / "mne.err").string();
    REQUIRE(std::system(cmd.c_str()) == 0);
    std::ifstream in(out);
    return nlohmann::json::parse(in).at(file.string());
}

Marks mneMarks(const nlohmann::json& j) {
    std::vector<std::pair<long long, std::string>> m;
    for (const auto& a : j.at("annotations")) m.emplace_back(std::llround(a.at("onset").get<double>() * 1000.0), a.at("text").get<std::string>());
    std::sort(m.begin(), m.end());
    Marks out;
    for (const auto& [ms, text] : m) out.push_back(mark(ms, text));
    return out;
}

}  // namespace

TEST_CASE("annotated copy of an EDF+C: header and every data byte kept, reviewer TALs in the free annotation bytes", "[review][export]") {
    const auto dir = emg::test::ioTempDir("copy-kept");
    const auto raw = dir / "multi.edf";
    emg::test::writeReviewFile(raw, emg::test::multiRateEdf(10));   // records at 0.25 + r s; "Stim 20mA" at 3.75, "Pause" absent (r 41)
    const std::string shaBefore = emg::io::sha256OfFile(raw);
    const auto copy = dir / "multi-reviewed.edf";
    const auto r = emg::review::writeAnnotatedCopy(raw, {{3.9, 0.0, "fasciculation"}, {7.2, 0.5, "artefact (reviewer)"}}, copy);
    CHECK(emg::io::sha256OfFile(raw) == shaBefore);
    CHECK(r.annotationSignal == AnnotationSignalChange::Kept);
    CHECK(r.annotationsAdded == 2);
    CHECK(r.records == 10);

    const auto in = emg::test::fileBytes(raw), out = emg::test::fileBytes(copy);
    REQUIRE(out.size() == in.size());
    const Layout l = layoutOf(in);
    CHECK(slice(out, 0, l.headerBytes) == slice(in, 0, l.headerBytes));
    // data signals: 1000 + 250 + 333 samples of 2 bytes, then the annotation signal (80 bytes)
    const std::size_t dataBytes = 2 * (1000 + 250 + 333);
    REQUIRE(l.recordBytes == dataBytes + 80);
    std::size_t changedRecords = 0;
    for (std::int64_t rec = 0; rec < l.records; ++rec) {
        const std::size_t at = l.headerBytes + static_cast<std::size_t>(rec) * l.recordBytes;
        CHECK(slice(out, at, dataBytes) == slice(in, at, dataBytes));
        // the original TALs stay where they were: the copy's annotation bytes start with them
        const std::string before = slice(in, at + dataBytes, 80), after = slice(out, at + dataBytes, 80);
        const std::size_t used = before.find_last_not_of('\0') + 2;
        CHECK(after.substr(0, used) == before.substr(0, used));
        if (after != before) ++changedRecords;
    }
    CHECK(changedRecords == 2);   // records 3 and 7

    const emg::Recording original = emg::io::readRecording(raw), reviewed = emg::io::readRecording(copy);
    requireSameSamples(original, reviewed);
    CHECK(marks(original) == Marks{mark(3500, "Stim 20mA")});
    CHECK(marks(reviewed) == Marks{mark(3500, "Stim 20mA"), mark(3900, "fasciculation"), mark(7200, "artefact (reviewer)")});
    CHECK(reviewed.annotations.back().durationSec == Approx(0.5).margin(1e-9));

    const auto strict = emg::test::edflibRead(copy);
    if (!strict.available) {
        WARN("EDFlib (libedf-dev) not built in: strict-reader check skipped");
    } else {
        INFO("EDFlib filetype " << strict.filetype);
        REQUIRE(strict.opened);
        CHECK(strict.filetype == 1);   // EDF+
        // EDF+: the first record's time-keeping TAL (+0.25) is the start's fraction of a second;
        // EDFlib counts onsets from there, as we do
        CHECK(strict.startSubsecond100ns == 2'500'000);
        CHECK(edflibMarks(strict) == Marks{mark(3500, "Stim 20mA"), mark(3900, "fasciculation"), mark(7200, "artefact (reviewer)")});
    }
    if (haveMne()) {
        const auto j = mneRead(dir, copy);
        // MNE counts from the first sample (0.25 s after the header's start time)
        CHECK(mneMarks(j) == Marks{mark(3500, "Stim 20mA"), mark(3900, "fasciculation"), mark(7200, "artefact (reviewer)")});
    } else {
        WARN("python3-mne not importable by /usr/bin/python3: MNE check skipped");
    }
}

TEST_CASE("annotated copy grows the annotation signal only when a record has no room, nothing else changes", "[review][export]") {
    const auto dir = emg::test::ioTempDir("copy-grown");
    const auto raw = dir / "multi.edf";
    emg::test::writeReviewFile(raw, emg::test::multiRateEdf(10));
    const std::string shaBefore = emg::io::sha256OfFile(raw);
    std::vector<TimedAnnotation> many;
    for (int i = 0; i < 12; ++i) many.push_back({5.0 + 0.05 * i, 0.0, "reviewer note " + std::to_string(i)});
    const auto copy = dir / "grown.edf";
    const auto r = emg::review::writeAnnotatedCopy(raw, many, copy);
    CHECK(emg::io::sha256OfFile(raw) == shaBefore);
    CHECK(r.annotationSignal == AnnotationSignalChange::Grown);

    const auto in = emg::test::fileBytes(raw), out = emg::test::fileBytes(copy);
    const Layout li = layoutOf(in), lo = layoutOf(out);
    REQUIRE(lo.ns == li.ns);
    REQUIRE(lo.records == li.records);
    // record 5: its time-keeping TAL "+5.25" (8 bytes) and twelve "+5.3\x14reviewer note 0\x14\0"-like TALs
    std::string needed = "+5.25\x14\x14" + std::string(1, '\0');
    for (int i = 0; i < 12; ++i) {
        char onset[16];
        std::snprintf(onset, sizeof onset, "%+g", 5.25 + 0.05 * i);
        needed += std::string(onset) + "\x14reviewer note " + std::to_string(i) + "\x14" + std::string(1, '\0');
    }
    const std::size_t annotationBytes = lo.recordBytes - 2 * (1000 + 250 + 333);
    CHECK(annotationBytes == (needed.size() + 1) / 2 * 2);
    // the header differs only in the annotation signal's samples-per-record field
    const std::size_t samplesField = 256 + li.ns * (16 + 80 + 8 + 8 + 8 + 8 + 8 + 80) + 3 * 8;
    std::string expectedHeader = slice(in, 0, li.headerBytes);
    expectedHeader.replace(samplesField, 8, emg::test::pad(std::to_string(annotationBytes / 2), 8));
    CHECK(slice(out, 0, lo.headerBytes) == expectedHeader);
    for (std::int64_t rec = 0; rec < li.records; ++rec) {
        const std::size_t a = li.headerBytes + static_cast<std::size_t>(rec) * li.recordBytes;
        const std::size_t b = lo.headerBytes + static_cast<std::size_t>(rec) * lo.recordBytes;
        CHECK(slice(out, b, 2 * (1000 + 250 + 333)) == slice(in, a, 2 * (1000 + 250 + 333)));
    }
    const emg::Recording reviewed = emg::io::readRecording(copy);
    requireSameSamples(emg::io::readRecording(raw), reviewed);
    REQUIRE(reviewed.annotations.size() == 13);
    CHECK(reviewed.annotations[1].text == "reviewer note 0");
    CHECK(reviewed.annotations[1].onsetSec == Approx(5.0).margin(1e-9));
    CHECK(reviewed.annotations[12].onsetSec == Approx(5.55).margin(1e-9));
    const auto strict = emg::test::edflibRead(copy);
    if (strict.available) {
        REQUIRE(strict.opened);
        CHECK(strict.annotations.size() == 13);
    }
}

TEST_CASE("annotated copy of a plain EDF adds an annotation signal (EDF+C), samples and other fields byte-identical", "[review][export]") {
    const auto dir = emg::test::ioTempDir("copy-added");
    emg::test::EdfBuilder b;
    b.reserved = "";
    b.records = "8";
    b.duration = "0.5";
    b.sigs.push_back({"EMG APB", "uV", "-3276.8", "3276.7", "-32768", "32767", "500"});
    b.sigs.push_back({"EMG ADM", "uV", "-3276.8", "3276.7", "-32768", "32767", "250"});
    std::string bytes = b.header();
    for (int r = 0; r < 8; ++r) {
        for (std::size_t c = 0; c < 2; ++c) {
            const int n = c == 0 ? 500 : 250;
            std::vector<int> v(static_cast<std::size_t>(n));
            for (int i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = emg::test::patternDigital(c, r * n + i, -32768, 32767);
            b.samples(bytes, v);
        }
    }
    const auto raw = dir / "plain.edf";
    emg::test::writeText(raw, bytes);
    const std::string shaBefore = emg::io::sha256OfFile(raw);
    const auto copy = dir / "plain-reviewed.edf";
    const auto r = emg::review::writeAnnotatedCopy(raw, {{1.3, 0.0, "Stim wrist (reviewer)"}, {3.6, 0.25, "burst"}}, copy);
    CHECK(emg::io::sha256OfFile(raw) == shaBefore);
    CHECK(r.annotationSignal == AnnotationSignalChange::Added);

    const auto in = emg::test::fileBytes(raw), out = emg::test::fileBytes(copy);
    const Layout li = layoutOf(in), lo = layoutOf(out);
    REQUIRE(lo.ns == 3);
    CHECK(slice(out, 0, 184) == slice(in, 0, 184));                       // version .. start time
    CHECK(slice(out, 184, 8) == emg::test::pad("1024", 8));               // header bytes: 256 * (3 + 1)
    CHECK(slice(out, 192, 44) == emg::test::pad("EDF+C", 44));
    CHECK(slice(out, 236, 16) == slice(in, 236, 16));                     // record count and duration
    CHECK(slice(out, 252, 4) == emg::test::pad("3", 4));
    // each per-signal field: the two originals unchanged, then the annotation signal's
    std::size_t pi = 256, po = 256;
    const std::size_t widths[] = {16, 80, 8, 8, 8, 8, 8, 80, 8, 32};
    const char* added[] = {"EDF Annotations", "", "", "-1", "1", "-32768", "32767", "", nullptr, ""};
    for (std::size_t f = 0; f < 10; ++f) {
        CHECK(slice(out, po, 2 * widths[f]) == slice(in, pi, 2 * widths[f]));
        if (added[f]) CHECK(slice(out, po + 2 * widths[f], widths[f]) == emg::test::pad(added[f], widths[f]));
        pi += 2 * widths[f];
        po += 3 * widths[f];
    }
    for (std::int64_t rec = 0; rec < li.records; ++rec) {
        const std::size_t a = li.headerBytes + static_cast<std::size_t>(rec) * li.recordBytes;
        const std::size_t c = lo.headerBytes + static_cast<std::size_t>(rec) * lo.recordBytes;
        CHECK(slice(out, c, li.recordBytes) == slice(in, a, li.recordBytes));
    }
    const emg::Recording reviewed = emg::io::readRecording(copy);
    requireSameSamples(emg::io::readRecording(raw), reviewed);
    CHECK(marks(reviewed) == Marks{mark(1300, "Stim wrist (reviewer)"), mark(3600, "burst")});

    const auto strict = emg::test::edflibRead(copy);
    if (!strict.available) {
        WARN("EDFlib (libedf-dev) not built in: strict-reader check skipped");
    } else {
        INFO("EDFlib filetype " << strict.filetype);
        REQUIRE(strict.opened);
        CHECK(strict.filetype == 1);
        REQUIRE(strict.signals.size() == 2);   // EDFlib lists the data signals
        CHECK(strict.signals[0].digital.size() == 8u * 500u);
        CHECK(edflibMarks(strict) == Marks{mark(1300, "Stim wrist (reviewer)"), mark(3600, "burst")});
    }
    if (haveMne()) CHECK(mneMarks(mneRead(dir, copy)) == Marks{mark(1300, "Stim wrist (reviewer)"), mark(3600, "burst")});
}

TEST_CASE("annotated copy of a BDF+ is a BDF+ (24-bit samples untouched), read by EDFlib and MNE", "[review][export]") {
    const auto dir = emg::test::ioTempDir("copy-bdf");
    emg::test::ReviewFileSpec spec;
    spec.bdf = true;
    spec.recordOnsetsSec = {0, 1, 2, 3, 4, 5};
    spec.signals.push_back({"EMG Needle", "uV", "-262144", "262143", -8388608, 8388607, 512});
    spec.texts = {{1, "Stim wrist"}};
    const auto raw = dir / "needle.bdf";
    emg::test::writeReviewFile(raw, spec);
    const std::string shaBefore = emg::io::sha256OfFile(raw);
    const auto copy = dir / "needle-reviewed.bdf";
    const auto r = emg::review::writeAnnotatedCopy(raw, {{2.25, 0.0, "positive sharp wave"}}, copy);
    CHECK(r.bdf);
    CHECK(emg::io::sha256OfFile(raw) == shaBefore);
    const auto in = emg::test::fileBytes(raw), out = emg::test::fileBytes(copy);
    REQUIRE(out.size() == in.size());
    const Layout l = layoutOf(in);
    for (std::int64_t rec = 0; rec < l.records; ++rec) {
        const std::size_t at = l.headerBytes + static_cast<std::size_t>(rec) * l.recordBytes;
        CHECK(slice(out, at, 3 * 512) == slice(in, at, 3 * 512));
    }
    const emg::Recording reviewed = emg::io::readRecording(copy);
    requireSameSamples(emg::io::readRecording(raw), reviewed);
    CHECK(marks(reviewed) == Marks{mark(1500, "Stim wrist"), mark(2250, "positive sharp wave")});
    const auto strict = emg::test::edflibRead(copy);
    if (strict.available) {
        INFO("EDFlib filetype " << strict.filetype);
        REQUIRE(strict.opened);
        CHECK(strict.filetype == 3);   // BDF+
        CHECK(edflibMarks(strict) == Marks{mark(1500, "Stim wrist"), mark(2250, "positive sharp wave")});
    }
    if (haveMne()) {
        const auto j = mneRead(dir, copy);
        CHECK(mneMarks(j) == Marks{mark(1500, "Stim wrist"), mark(2250, "positive sharp wave")});
        REQUIRE(j.at("data").size() == 1);
        CHECK(j.at("data")[0].size() == 6u * 512u);
    }
}

TEST_CASE("annotated copy refuses to write over the raw file and bad annotations, the raw file is unchanged", "[review][export]") {
    const auto dir = emg::test::ioTempDir("copy-refused");
    const auto raw = dir / "multi.edf";
    emg::test::writeReviewFile(raw, emg::test::multiRateEdf(4));
    const std::string shaBefore = emg::io::sha256OfFile(raw);
    CHECK_THROWS_WITH(emg::review::writeAnnotatedCopy(raw, {{1.0, 0.0, "x"}}, raw), Catch::Contains("over the raw file"));
    CHECK_THROWS_WITH(emg::review::writeAnnotatedCopy(raw, {{1.0, 0.0, "x"}}, dir / "." / "multi.edf"), Catch::Contains("over the raw file"));
    std::filesystem::create_hard_link(raw, dir / "link.edf");
    CHECK_THROWS_WITH(emg::review::writeAnnotatedCopy(raw, {{1.0, 0.0, "x"}}, dir / "link.edf"), Catch::Contains("over the raw file"));
    CHECK_THROWS_AS(emg::review::writeAnnotatedCopy(raw, {{-1.0, 0.0, "x"}}, dir / "out.edf"), std::invalid_argument);
    CHECK_THROWS_AS(emg::review::writeAnnotatedCopy(raw, {{1.0, std::nan(""), "x"}}, dir / "out.edf"), std::invalid_argument);
    CHECK_THROWS_AS(emg::review::writeAnnotatedCopy(raw, {{1.0, 0.0, ""}}, dir / "out.edf"), std::invalid_argument);
    CHECK_FALSE(std::filesystem::exists(dir / "out.edf"));
    CHECK(emg::io::sha256OfFile(raw) == shaBefore);
}

TEST_CASE("annotated copy of an EDF+D (BDF+D): records keep their times, an annotation in a hole goes to the record before", "[review][export]") {
    const auto dir = emg::test::ioTempDir("copy-discontinuous");
    const auto raw = dir / "holes.bdf";
    emg::test::writeReviewFile(raw, emg::test::discontinuousBdf());   // holes 1.5..3.0 and 4.0..10.25 s after the first record
    const auto copy = dir / "holes-reviewed.bdf";
    const auto r = emg::review::writeAnnotatedCopy(raw, {{2.0, 0.0, "in the first hole"}, {10.5, 0.0, "last record"}}, copy);
    CHECK(r.annotationSignal == AnnotationSignalChange::Kept);
    const auto in = emg::test::fileBytes(raw), out = emg::test::fileBytes(copy);
    REQUIRE(out.size() == in.size());
    const Layout l = layoutOf(in);
    CHECK(slice(out, 0, l.headerBytes) == slice(in, 0, l.headerBytes));
    // the TAL for 2.0 s (absolute +12) sits in record 2 (10.0 + 1.0 .. 11.5), the last one before the hole
    const std::size_t dataBytes = 3 * (512 + 128);
    const std::string record2 = slice(out, l.headerBytes + 2 * l.recordBytes + dataBytes, l.recordBytes - dataBytes);
    CHECK(record2.find("+12\x14in the first hole\x14") != std::string::npos);
    emg::io::ReadInfo before, after;
    const emg::Recording original = emg::io::readRecording(raw, before), reviewed = emg::io::readRecording(copy, after);
    requireSameSamples(original, reviewed);
    REQUIRE(after.gaps.size() == 2);   // the holes are still holes
    CHECK(after.gaps[1].durationSec == Approx(6.25).margin(1e-9));
    Marks m = marks(reviewed);
    CHECK(std::count(m.begin(), m.end(), mark(2000, "in the first hole")) == 1);
    CHECK(std::count(m.begin(), m.end(), mark(10500, "last record")) == 1);
    CHECK(m.size() == marks(original).size() + 2);
}

TEST_CASE("annotated copy of an unfinished recording (record count -1) writes the records it copied", "[review][export]") {
    const auto dir = emg::test::ioTempDir("copy-unfinished");
    const auto raw = dir / "multi.edf";
    emg::test::writeReviewFile(raw, emg::test::multiRateEdf(5));
    auto bytes = emg::test::fileBytes(raw);
    const std::string minusOne = emg::test::pad("-1", 8);
    std::copy(minusOne.begin(), minusOne.end(), bytes.begin() + 236);
    bytes.resize(bytes.size() - 100);   // a recording cut off inside its last record
    emg::test::writeBytes(raw, bytes);
    const auto copy = dir / "copy.edf";
    const auto r = emg::review::writeAnnotatedCopy(raw, {{1.0, 0.0, "x"}}, copy);
    CHECK(r.records == 4);
    const auto out = emg::test::fileBytes(copy);
    CHECK(slice(out, 236, 8) == emg::test::pad("4", 8));
    const Layout lo = layoutOf(out);
    CHECK(out.size() == lo.headerBytes + 4 * lo.recordBytes);
    const emg::Recording reviewed = emg::io::readRecording(copy);
    CHECK(reviewed.channels[0].samples.size() == 4000u);
}

TEST_CASE("annotated copy that fails to write leaves no output and the raw file unchanged", "[review][export]") {
    const auto dir = emg::test::ioTempDir("copy-full-disk");
    const auto raw = dir / "multi.edf";
    emg::test::writeReviewFile(raw, emg::test::multiRateEdf(10));
    const std::string shaBefore = emg::io::sha256OfFile(raw);
    emg::io::failNthWriteForTesting(2, ENOSPC);   // the header is written, the records fail
    CHECK_THROWS_WITH(emg::review::writeAnnotatedCopy(raw, {{1.0, 0.0, "x"}}, dir / "out.edf"), Catch::Contains("No space left"));
    emg::io::failNthWriteForTesting(0, 0);
    CHECK_FALSE(std::filesystem::exists(dir / "out.edf"));
    std::size_t leftovers = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) leftovers += e.path().filename() != "multi.edf";
    CHECK(leftovers == 0);   // no temporary file left behind
    CHECK(emg::io::sha256OfFile(raw) == shaBefore);
}
