// Issue 12 in the report: a figure drawn from an EDF+D whose records lie apart never draws a flat
// line through the hole. A simulated F-wave series is stored twice: as a BDF+D with a 5-s hole
// opening 20 ms after one stimulus (the data after it moved 5 s later), and, for comparison, as the
// zero-filling reader held it (a continuous BDF+ with 5 s of zeros there). The raster of the
// first has no flat stretch (the sweep reaching into the hole is cut there or left out); the
// second's shows the flat line the old reader drew, so the check can fail.
#include "late_study_fixture.h"

#include <emg/core/recording_segments.h>
#include <emg/report/study_figures.h>

#include <catch2/catch.hpp>

#include <cmath>

#include <unistd.h>

using namespace emg;
namespace fs = std::filesystem;

namespace {

/// The longest run of samples each within 0.01 uV of the one before (a flat line as drawn: the
/// filters turn a hole's zeros into a slow decay, never exactly equal values), in samples. The
/// simulated signal's 3 uV rms noise moves every sample by about 2 uV.
std::size_t longestFlatRun(const std::vector<double>& v) {
    std::size_t best = 0, run = 0;
    for (std::size_t i = 1; i < v.size(); ++i) {
        run = std::fabs(v[i] - v[i - 1]) < 0.01 ? run + 1 : 0;
        best = std::max(best, run);
    }
    return best;
}

/// The one figure a study holding only `t` draws.
report::ReportFigure onlyFigureOf(study::Test t, const std::string& patientId, const std::string& date) {
    study::Study s;
    s.patientId = patientId;
    s.date = date;
    s.tests.push_back(std::move(t));
    const auto figures = report::buildStudyFigures(s);
    REQUIRE(figures.figures.size() == 1);
    return figures.figures[0];
}

report::ReportFigure rasterOf(const fs::path& file, std::size_t stimuli) {
    study::FWave f;
    f.id = "F-L";
    f.side = study::Side::Left;
    f.nerve = "peroneal";
    f.recordingSite = "extensor digitorum brevis";
    f.stimuli = static_cast<int>(stimuli);
    f.raw = test::linkTo(file);
    return onlyFigureOf(f, "MRN-0043", "2026-12-03");
}

}  // namespace

TEST_CASE("a report figure from an EDF+D with a hole draws no flat line through it", "[report][edfd]") {
    const auto dir = fs::temp_directory_path() / ("emgws-edfd-fig-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    sim::SimRecordingOptions o;
    o.test = sim::SimTest::FWave;
    o.seed = 31;
    const auto sim = sim::simulateRecording(o);
    const Recording& whole = sim.recording;
    const double rate = whole.channels.at(0).sampleRateHz;
    REQUIRE(sim.truth.stimuli.size() >= 4);
    // the hole opens 20 ms after the middle stimulus (on a 10-ms grid, so 10-ms records divide both segments)
    const double t = sim.truth.stimuli[sim.truth.stimuli.size() / 2].timeSec;
    const double holeAt = std::ceil((t + 0.020) * 100.0 - 1e-9) / 100.0;
    const double tail = std::floor((whole.durationSec() - holeAt) * 100.0 + 1e-9) / 100.0;
    const double holeSec = 5.0;
    const auto cut = static_cast<std::size_t>(std::llround(holeAt * rate));
    const auto kept = static_cast<std::size_t>(std::llround((holeAt + tail) * rate));

    Recording holed = whole;   // the same samples; those after holeAt 5 s later on the file's clock
    for (auto& c : holed.channels) c.samples.resize(std::min(c.samples.size(), kept));
    holed.segments = {{0.0, holeAt}, {holeAt + holeSec, tail}};
    for (auto& a : holed.annotations)
        if (a.onsetSec >= holeAt) a.onsetSec += holeSec;
    io::writeRecording(holed, dir / "holed.bdf", io::FileFormat::BdfPlus);

    Recording filled = holed;   // what the zero-filling reader held: zeros for the hole, continuous
    filled.segments.clear();
    for (auto& c : filled.channels)
        c.samples.insert(c.samples.begin() + static_cast<std::ptrdiff_t>(cut), static_cast<std::size_t>(std::llround(holeSec * c.sampleRateHz)), 0.0);
    io::writeRecording(filled, dir / "filled.bdf", io::FileFormat::BdfPlus);

    // the stored file reads back as its two segments, every stimulus kept
    const Recording back = io::readRecording(dir / "holed.bdf");
    REQUIRE(back.segments.size() == 2);
    CHECK(back.segments[1].startSec == Approx(holeAt + holeSec).margin(1e-9));

    const auto flatLimit = static_cast<std::size_t>(std::llround(0.002 * rate));   // 2 ms of identical samples: a drawn flat line
    const auto holedFigure = rasterOf(dir / "holed.bdf", sim.truth.stimuli.size());
    INFO(holedFigure.unavailable << " | " << holedFigure.source);
    REQUIRE(holedFigure.unavailable.empty());
    CHECK(holedFigure.source.find("2 contiguous segments, each drawn alone") != std::string::npos);
    std::size_t worst = 0, segmentTwo = 0;
    for (const auto& tr : holedFigure.traces) {
        worst = std::max(worst, longestFlatRun(tr.samplesUv));
        if (tr.label.find("(segment 2)") != std::string::npos) ++segmentTwo;
    }
    CHECK(worst < flatLimit);
    CHECK(segmentTwo > 0);
    // every stimulus but (at most) the one whose sweep the hole cuts short has its trace
    CHECK(holedFigure.traces.size() + 1 >= sim.truth.stimuli.size());

    const auto filledFigure = rasterOf(dir / "filled.bdf", sim.truth.stimuli.size());
    REQUIRE(filledFigure.unavailable.empty());
    std::size_t filledWorst = 0;
    for (const auto& tr : filledFigure.traces) filledWorst = std::max(filledWorst, longestFlatRun(tr.samplesUv));
    INFO("longest flat run: holed " << worst << ", zero-filled " << filledWorst << " samples (limit " << flatLimit << ")");
    CHECK(filledWorst >= flatLimit);   // the flat line the zero-filling reader drew
    fs::remove_all(dir);
}

namespace {

/// A simulated weak effort (0.3, 6 s) kept as a BDF+D of two 3-s segments 5 s apart, as the bedside
/// run keeps two insertions at one muscle; `insertionNotes` adds its "Insertion k: Weak effort"
/// annotation at each segment's start.
report::ReportFigure needleFigure(const fs::path& dir, bool insertionNotes) {
    sim::SimRecordingOptions o;
    o.test = sim::SimTest::Needle;
    o.effort = 0.3;
    o.seconds = 6.0;
    o.seed = 5;
    const auto sim = sim::simulateRecording(o);
    Recording r = sim.recording;
    const double rate = r.channels.at(0).sampleRateHz;
    const auto kept = static_cast<std::size_t>(std::llround(6.0 * rate));
    for (auto& c : r.channels) c.samples.resize(std::min(c.samples.size(), kept));
    r.segments = {{0.0, 3.0}, {8.0, 3.0}};
    r.annotations.clear();
    if (insertionNotes) r.annotations = {{0.0, 0.0, "Insertion 1: Weak effort"}, {8.0, 0.0, "Insertion 2: Weak effort"}};
    const auto file = dir / (insertionNotes ? "needle-insertions.bdf" : "needle-segments.bdf");
    io::writeRecording(r, file, io::FileFormat::BdfPlus);
    study::NeedleEmg n;
    n.id = "TA-L";
    n.side = study::Side::Left;
    n.muscle = "tibialis anterior";
    n.raw = test::linkTo(file);
    return onlyFigureOf(n, "MRN-0044", "2026-12-07");
}

}  // namespace

TEST_CASE("a needle figure from a kept file of two insertions names each template's insertion, another EDF+D its segment", "[report][edfd]") {
    const auto dir = fs::temp_directory_path() / ("emgws-edfd-needle-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    for (bool notes : {true, false}) {
        INFO((notes ? "with" : "without") << " insertion annotations");
        const auto f = needleFigure(dir, notes);
        INFO(f.unavailable << " | " << f.source);
        REQUIRE(f.unavailable.empty());
        const std::string word = notes ? "(insertion " : "(segment ";
        std::size_t first = 0, second = 0;
        for (const auto& tr : f.traces) {
            INFO(tr.label);
            CHECK(tr.label.find(word) != std::string::npos);
            if (tr.label.find(word + "1)") != std::string::npos) ++first;
            if (tr.label.find(word + "2)") != std::string::npos) ++second;
        }
        // a weak effort of 3 s at each insertion shows units in both
        CHECK(first > 0);
        CHECK(second > 0);
    }
    fs::remove_all(dir);
}
