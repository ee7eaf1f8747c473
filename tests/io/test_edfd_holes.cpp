// Issue 12: "an EDF+D gap stays a gap (each record keeps its start time; EDF+D converts to BDF+D
// with the same record times), never zeros filling the hole". An EDF+D whose records lie apart
// (1-s records at 0, 1, 1000, 1001 and 4000 s, every sample non-zero) read whole, streamed, cut
// into its segments, written back and converted: no zero appears, every record keeps its time.
// The record times of the outputs are read from their bytes here (the TALs parsed by this test,
// not by the reader under test) and by MNE-Python (mne_record_times.py).
#include "edf_builder.h"
#include "io_test_util.h"

#include <emg/core/recording_segments.h>
#include <emg/io/channel_stream.h>
#include <emg/io/file_convert.h>
#include <emg/io/recording_io.h>

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

using namespace emg;
using namespace emg::test;
using namespace std::string_literals;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kOnsets = {"0", "1", "1000", "1001", "4000"};   // seconds, as written in the TALs
constexpr int kRate = 1000;                                                     // 1-s records of 1000 samples

/// Record r's samples: r * 1000 + i + 1 (digital = µV), never 0.
std::vector<int> recordValues(int r) {
    std::vector<int> v(kRate);
    for (int i = 0; i < kRate; ++i) v[static_cast<std::size_t>(i)] = (r * kRate + i + 1) % 30000 + 1;
    return v;
}

std::string holedEdf() {
    EdfBuilder b;
    b.reserved = "EDF+D";
    b.records = std::to_string(kOnsets.size());
    b.sigs = {SigSpec{"APB", "uV", "-32768", "32767", "-32768", "32767", std::to_string(kRate)},
              SigSpec{"EDF Annotations", "", "-1", "1", "-32768", "32767", "30"}};
    std::string f = b.header();
    for (std::size_t r = 0; r < kOnsets.size(); ++r) {
        b.samples(f, recordValues(static_cast<int>(r)));
        const std::string extra = r == 2 ? "+1000.5\x14Stim wrist\x14\0"s : ""s;
        b.annotation(f, "+" + kOnsets[r] + "\x14\x14\0"s + extra, 30);
    }
    return f;
}

std::size_t zerosIn(const std::vector<double>& v) { return static_cast<std::size_t>(std::count(v.begin(), v.end(), 0.0)); }

/// The header field at `at` of `width` bytes, trailing spaces off.
std::string field(const std::string& s, std::size_t at, std::size_t width) {
    std::string f = s.substr(at, width);
    while (!f.empty() && f.back() == ' ') f.pop_back();
    return f;
}

/// Each data record's time-keeping onset as written ("+1000\x14\x14" gives "1000"), parsed here
/// from the header's layout and the record bytes.
std::vector<std::string> recordOnsets(const fs::path& file) {
    const auto bytes = fileBytes(file);
    const std::string s(bytes.begin(), bytes.end());
    const std::size_t ns = std::stoul(field(s, 252, 4));
    const std::size_t headerBytes = std::stoul(field(s, 184, 8));
    const long records = std::stol(field(s, 236, 8));
    const std::size_t width = static_cast<unsigned char>(s[0]) == 0xFF ? 3 : 2;
    std::size_t annotationSignal = ns, before = 0, recordBytes = 0;
    for (std::size_t i = 0; i < ns; ++i) {
        const std::string label = field(s, 256 + 16 * i, 16);
        const std::size_t n = std::stoul(field(s, 256 + ns * 216 + 8 * i, 8)) * width;
        if (annotationSignal == ns && (label == "EDF Annotations" || label == "BDF Annotations")) {
            annotationSignal = i;
            before = recordBytes;
        }
        recordBytes += n;
    }
    REQUIRE(annotationSignal < ns);
    std::vector<std::string> onsets;
    for (long r = 0; r < records; ++r) {
        const std::size_t at = headerBytes + static_cast<std::size_t>(r) * recordBytes + before;
        REQUIRE(at < s.size());
        REQUIRE(s[at] == '+');
        const std::size_t end = s.find('\x14', at);
        REQUIRE(end != std::string::npos);
        REQUIRE(s.at(end + 1) == '\x14');   // a time-keeping TAL: no text
        onsets.push_back(s.substr(at + 1, end - at - 1));
    }
    return onsets;
}

bool haveMne() { return std::system("/usr/bin/python3 -c 'import mne' >/dev/null 2>&1") == 0; }

}  // namespace

TEST_CASE("an EDF+D with holes reads as its segments: every sample recorded, no zero, times on the file's clock", "[io][edf][edfd]") {
    const auto dir = ioTempDir("edfd-holes");
    writeBytes(dir / "d.edf", toBytesOf(holedEdf()));
    io::ReadInfo info;
    const Recording rec = io::readRecording(dir / "d.edf", info);
    REQUIRE(rec.channels.size() == 1);
    const auto& c = rec.channels[0];
    // 5 records of 1000 samples: 5000 stored; the zero-filling reader held 4,001,000 (3,996,000 zeros)
    CHECK(c.samples.size() == 5000u);
    CHECK(zerosIn(c.samples) == 0u);
    CHECK(c.samples[2000] == 2002.0);   // record 2's first sample follows record 1's last
    REQUIRE(rec.segments.size() == 3);
    CHECK(rec.segments[0].startSec == 0.0);
    CHECK(rec.segments[0].durationSec == 2.0);
    CHECK(rec.segments[1].startSec == 1000.0);
    CHECK(rec.segments[1].durationSec == 2.0);
    CHECK(rec.segments[2].startSec == 4000.0);
    CHECK(rec.segments[2].durationSec == 1.0);
    CHECK(rec.durationSec() == 4001.0);
    REQUIRE(info.gaps.size() == 2);
    CHECK(info.gaps[0].onsetSec == 2.0);
    CHECK(info.gaps[0].durationSec == 998.0);
    // annotations on the file's clock; the segment cut out has them from its start
    const auto stim = std::find_if(rec.annotations.begin(), rec.annotations.end(), [](const Annotation& a) { return a.text == "Stim wrist"; });
    REQUIRE(stim != rec.annotations.end());
    CHECK(stim->onsetSec == 1000.5);
    const Recording second = segmentRecording(rec, 1);
    REQUIRE(second.channels.at(0).samples.size() == 2000u);
    CHECK(second.channels[0].samples.front() == 2002.0);
    CHECK(second.segments.empty());
    REQUIRE(second.annotations.size() == 1);
    CHECK(second.annotations[0].text == "Stim wrist");
    CHECK(second.annotations[0].onsetSec == 0.5);
    CHECK(segmentFirstSample(rec, 2, kRate) == 4000u);

    // the streamed readers give the same: counts without zeros, the segments in the outline
    const auto outline = io::readRecordingOutline(dir / "d.edf");
    REQUIRE(outline);
    CHECK(outline->sampleCounts.at(0) == 5000u);
    CHECK(outline->recording.segments.size() == 3);
    const auto streamed = io::readRecordingChannels(dir / "d.edf", {true});
    CHECK(streamed.channels.at(0).samples == c.samples);
    CHECK(io::readChannelAsFloat(dir / "d.edf", 0).size() == 5000u);
    fs::remove_all(dir);
}

TEST_CASE("a recording of segments is written EDF+D/BDF+D with every record at its time and reads back the same", "[io][edf][edfd]") {
    const auto dir = ioTempDir("edfd-write");
    writeBytes(dir / "d.edf", toBytesOf(holedEdf()));
    const Recording rec = io::readRecording(dir / "d.edf");
    for (const bool bdf : {false, true}) {
        const auto out = dir / (bdf ? "w.bdf" : "w.edf");
        io::writeRecording(rec, out, bdf ? io::FileFormat::BdfPlus : io::FileFormat::EdfPlus);
        const auto bytes = fileBytes(out);
        CHECK(std::string(bytes.begin() + 192, bytes.begin() + 197) == (bdf ? "BDF+D" : "EDF+D"));
        // 1-s records (they divide every segment): the five records at 0, 1, 1000, 1001, 4000 s
        CHECK(recordOnsets(out) == kOnsets);
        io::ReadInfo info;
        const Recording back = io::readRecording(out, info);
        REQUIRE(back.segments.size() == 3);
        for (std::size_t k = 0; k < 3; ++k) {
            CHECK(back.segments[k].startSec == rec.segments[k].startSec);
            CHECK(back.segments[k].durationSec == rec.segments[k].durationSec);
        }
        REQUIRE(back.channels.at(0).samples.size() == 5000u);
        const double lsb = 30001.0 / (bdf ? 16777215.0 : 65535.0);
        for (std::size_t i = 0; i < 5000; ++i) REQUIRE(std::fabs(back.channels[0].samples[i] - rec.channels[0].samples[i]) <= 0.5 * lsb + 1e-9);
        CHECK(info.gaps.size() == 2);
        std::size_t stims = 0, gaps = 0;
        for (const auto& a : back.annotations) {
            if (a.text == "Stim wrist") {
                ++stims;
                CHECK(a.onsetSec == 1000.5);
            }
            if (a.text.rfind("Gap ", 0) == 0) ++gaps;
        }
        CHECK(stims == 1u);
        CHECK(gaps == 2u);   // the reader's, from the record times (not written twice)
    }
    fs::remove_all(dir);
}

TEST_CASE("convert EDF+D -> BDF+D keeps every record's start time exactly (read back here and by MNE)", "[io][edf][edfd][convert]") {
    const auto dir = ioTempDir("edfd-convert");
    writeBytes(dir / "d.edf", toBytesOf(holedEdf()));
    REQUIRE(recordOnsets(dir / "d.edf") == kOnsets);
    for (const bool leaveOutGaps : {false, true}) {   // plain, and `convert --discontinuous`
        INFO("--discontinuous " << leaveOutGaps);
        io::ConvertOptions options;
        options.target = io::FileFormat::BdfPlus;
        options.leaveOutGaps = leaveOutGaps;
        const auto out = dir / (leaveOutGaps ? "dd.bdf" : "d.bdf");
        const auto report = io::convertFile(dir / "d.edf", out, options);
        CHECK(report.discontinuous);
        CHECK(report.gaps == 2u);
        CHECK(report.dataRecords == 5);
        const auto bytes = fileBytes(out);
        CHECK(std::string(bytes.begin() + 192, bytes.begin() + 197) == "BDF+D");
        CHECK(recordOnsets(out) == kOnsets);   // the same time stamps, character for character
        const Recording back = io::readRecording(out);
        CHECK(back.channels.at(0).samples.size() == 5000u);
        CHECK(zerosIn(back.channels[0].samples) == 0u);
        CHECK(back.segments.size() == 3u);
        // either way the EDF's 16-bit digital samples are written back as they were (the in-memory
        // path keeps the file's grid): every value as read from the input, not re-quantised
        CHECK_FALSE(report.signals.at(0).rescaled);
        const Recording source = io::readRecording(dir / "d.edf");
        std::size_t moved = 0;
        for (std::size_t i = 0; i < source.channels[0].samples.size(); ++i)
            moved += std::fabs(back.channels[0].samples[i] - source.channels[0].samples[i]) > 1e-9 * std::max(1.0, std::fabs(source.channels[0].samples[i]));
        CHECK(moved == 0u);
        if (!haveMne()) {
            WARN("python3-mne not importable by /usr/bin/python3: MNE check skipped");
            continue;
        }
        const auto json = dir / "mne.json";
        const std::string cmd = std::string("/usr/bin/python3 ") + EMGWS_IO_TEST_DIR + "/mne_record_times.py " + json.string() + " " + out.string();
        REQUIRE(std::system(cmd.c_str()) == 0);
        std::ifstream in(json);
        const auto m = nlohmann::json::parse(in);
        CHECK(m.at("n_records") == 5);
        CHECK(m.at("record_length").get<double>() == 1.0);
        CHECK(m.at("sfreq").get<double>() == kRate);
        CHECK(m.at("onsets").get<std::vector<std::string>>() == kOnsets);
        // MNE's samples (the records back to back, as it reads EDF+D) are the file's, no zero among them
        const auto samples = m.at("samples").get<std::vector<double>>();
        REQUIRE(samples.size() == 5000u);
        CHECK(zerosIn(samples) == 0u);
        for (std::size_t i = 0; i < samples.size(); i += 997) CHECK(samples[i] == Approx(back.channels[0].samples[i]).margin(1e-6));
    }
    fs::remove_all(dir);
}

// A segment no usual record duration divides (here 2,000,001 frames at 125 Hz: 16,000.008 s) was
// written in 1-s records with its last one padded by 124 invented samples (a 1e-6 relative
// tolerance took 16,000.008 records for a whole number). Now the record is 0.008 s, the one that
// divides both segments, and every sample read back is one written.
TEST_CASE("EDF+D written from segments no usual record divides: no sample padded", "[io][edf][edfd]") {
    const auto dir = ioTempDir("edfd-odd-segments");
    Recording rec;
    RecordedChannel c;
    c.label = "V";
    c.sampleRateHz = 125.0;
    const std::size_t first = 1000, second = 2000001;
    c.samples.resize(first + second);
    for (std::size_t i = 0; i < c.samples.size(); ++i) c.samples[i] = static_cast<double>(i % 977) + 1.0;   // never 0: padding would show
    rec.channels.push_back(std::move(c));
    rec.segments = {{0.0, 8.0}, {20.0, static_cast<double>(second) / 125.0}};
    const auto out = dir / "odd.bdf";
    io::writeRecording(rec, out, io::FileFormat::BdfPlus);
    io::ReadInfo info;
    const Recording back = io::readRecording(out, info);
    REQUIRE(back.channels.size() == 1u);
    CHECK(info.recordDurationSec == 0.008);
    REQUIRE(back.channels[0].samples.size() == first + second);
    CHECK(zerosIn(back.channels[0].samples) == 0u);
    CHECK(back.channels[0].samples.back() == Approx(rec.channels[0].samples.back()).margin(977.0 / (1 << 24)));   // half a 24-bit step
    REQUIRE(back.segments.size() == 2u);
    CHECK(back.segments[1].startSec == Approx(20.0).margin(1e-9));
    CHECK(back.segments[1].durationSec == Approx(16000.008).margin(1e-9));
    fs::remove_all(dir);
}
