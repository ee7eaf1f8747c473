// The H-reflex and RNS figures of the study report, drawn from stored (simulated) recordings
// verified by SHA-256: the traces and markers against the simulator's truth, the PDF page by
// drawing (pdftoppm) and by its scale labels (pdftotext), and a changed file said in place.
#include "fwave_case_generator.h"
#include "hreflex_case_generator.h"
#include "late_study_fixture.h"
#include "page_pixels.h"
#include "pdf_tools.h"

#include <emg/report/pdf_report_writer.h>
#include <emg/report/study_figures.h>
#include <emg/study/measurement_uncertainty.h>

#include <catch2/catch.hpp>

#include <fstream>
#include <regex>

#include <unistd.h>

using namespace emg;
namespace fs = std::filesystem;

namespace {

fs::path freshDir(const std::string& tag) {
    const auto dir = fs::temp_directory_path() / ("emgws-late-" + tag + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

const report::ReportTrace* traceLabelled(const report::ReportFigure& f, const std::string& part) {
    for (const auto& t : f.traces)
        if (t.label.find(part) != std::string::npos) return &t;
    return nullptr;
}

const report::ReportMarker* marker(const report::ReportTrace& t, const std::string& label) {
    for (const auto& m : t.markers)
        if (m.label == label) return &m;
    return nullptr;
}

/// The decrement printed in an RNS label ("4 30%" -> 30; an increment "4 +5%" -> -5).
double labelDecrement(const std::string& label) {
    static const std::regex pct(R"( (\+?)(\d+)%)");
    std::smatch m;
    REQUIRE(std::regex_search(label, m, pct));
    return (m[1].str() == "+" ? -1.0 : 1.0) * std::stod(m[2].str());
}

}  // namespace

TEST_CASE("the H-reflex figure shows the series by intensity with M and H marked and the H latency", "[report][late]") {
    const auto dir = freshDir("h");
    const auto late = test::lateStudy(dir, 30.0);
    const auto figures = report::buildStudyFigures(late.study);
    REQUIRE(figures.figures.size() == 2);
    const auto& h = figures.figures[0];
    INFO(h.title << ": " << h.unavailable);
    REQUIRE(h.unavailable.empty());
    CHECK(h.title.find("H-reflex") != std::string::npos);
    CHECK(h.layout == report::FigureLayout::Cascade);
    CHECK(h.source.find("verified") != std::string::npos);
    // 12 sweeps recorded, at most 6 drawn (what a half-page cascade holds), at least low, Hmax and Mmax
    CHECK(late.hSweeps == 12);
    CHECK(h.traces.size() == 6);
    REQUIRE(traceLabelled(h, "Hmax"));
    REQUIRE(traceLabelled(h, "Mmax"));
    // the series in its order of intensity down the figure (the simulator's files carry no
    // intensity: its stimuli rise with the stimulus number, "#N")
    double last = -1.0;
    for (const auto& t : h.traces) {
        std::smatch m;
        REQUIRE(std::regex_search(t.label, m, std::regex(R"(\d+(\.\d+)?)")));
        CHECK(std::stod(m[0].str()) > last);
        last = std::stod(m[0].str());
    }
    // the stored H latency across the sweeps
    REQUIRE(h.markers.size() == 1);
    CHECK(h.markers[0].timeMs == late.hLatencyMs);
    CHECK(h.markers[0].label.find("H latency") == 0);
    // on the Hmax sweep: H's negative peak after its onset (the soleus H lasts about 10 ms), M's
    // negative peak within 10 ms after the M onset
    const auto* hMax = traceLabelled(h, "Hmax");
    const auto* hMark = marker(*hMax, "H");
    REQUIRE(hMark);
    CHECK(hMark->timeMs > late.hLatencyMs);
    CHECK(hMark->timeMs < late.hLatencyMs + 10.0);
    const auto* mMax = traceLabelled(h, "Mmax");
    const auto* mMark = marker(*mMax, "M");
    REQUIRE(mMark);
    CHECK(mMark->timeMs > late.mOnsetMs);
    CHECK(mMark->timeMs < late.mOnsetMs + 10.0);
    // the weakest stimulus (30 % of the motor threshold) recruits no motor axon: no M marked
    CHECK(marker(h.traces.front(), "M") == nullptr);
}

TEST_CASE("the H-reflex figure marks an H latency the engine does not vouch for and says so", "[report][late]") {
    // development seed 9 of the H-reflex harness (records at the stimulus, EDF+D): H opens with a lobe of
    // ~5 x the noise, the latency read on its main phase is flagged uncertain; with no latency stored
    // the figure shows the measured one as "H latency ... ms?" and its caption says "uncertain"
    const auto dir = freshDir("h-uncertain");
    const auto c = emg::hgen::makeHCase(9);
    const auto file = dir / "H-lobe.bdf";
    io::writeRecording(c.recording, file, io::FileFormat::BdfPlus);
    study::Study s;
    s.patientId = "MRN-0042";
    study::HReflex ht;
    ht.id = "H-L";
    ht.side = study::Side::Left;
    ht.raw = test::linkTo(file);
    s.tests.push_back(ht);
    const auto figures = report::buildStudyFigures(s);
    REQUIRE(figures.figures.size() == 1);
    const auto& h = figures.figures[0];
    INFO(h.title << ": " << h.unavailable << " | " << h.source);
    REQUIRE(h.unavailable.empty());
    REQUIRE(h.markers.size() == 1);
    CHECK(h.markers[0].label.find("H latency") == 0);
    CHECK(h.markers[0].label.find(" ms?") != std::string::npos);
    CHECK(h.markers[0].timeMs > c.hLatencyMs + 0.3);   // the main phase's take-off
    CHECK(h.source.find("H latency measured, uncertain") != std::string::npos);
}

TEST_CASE("the late-response figures mark a stored latency that is marked uncertain", "[report][late]") {
    // a value stored with the engine's "uncertain: " mark keeps its "?" on the figure (the H figure
    // showed a stored uncertain latency plain before, "as stored"); a confident stored one stays plain
    const auto dir = freshDir("stored-uncertain");
    const auto hc = emg::hgen::makeHCase(9);
    const auto hFile = dir / "H.bdf";
    io::writeRecording(hc.recording, hFile, io::FileFormat::BdfPlus);
    const auto fc = emg::fwavegen::makeFCase(311);
    const auto fFile = dir / "F.bdf";
    io::writeRecording(fc.recording, fFile, io::FileFormat::BdfPlus);
    for (const bool uncertain : {false, true}) {
        INFO((uncertain ? "stored uncertain" : "stored confident"));
        const std::string method = uncertain ? study::uncertainMethod("a lead-in lobe near the onset level", "engine") : "engine";
        study::Study s;
        s.patientId = "MRN-0042";
        study::HReflex ht;
        ht.id = "H-L";
        ht.side = study::Side::Left;
        ht.raw = test::linkTo(hFile);
        ht.measurements = {{"hLatencyMs", 30.4, "ms", study::Provenance::Auto, method, ""}};
        s.tests.push_back(ht);
        study::FWave ft;
        ft.id = "F-L";
        ft.nerve = "tibial";
        ft.side = study::Side::Left;
        ft.raw = test::linkTo(fFile);
        ft.measurements = {{"fMinLatencyMs", 53.54, "ms", study::Provenance::Auto, method, ""}};
        s.tests.push_back(ft);
        const auto figures = report::buildStudyFigures(s);
        REQUIRE(figures.figures.size() == 2);
        for (const auto& f : figures.figures) {
            INFO(f.title << ": " << f.unavailable << " | " << f.source);
            REQUIRE(f.unavailable.empty());
            REQUIRE_FALSE(f.markers.empty());
        }
        const auto& h = figures.figures[0];
        CHECK(h.markers[0].label == (uncertain ? "H latency 30.4 ms?" : "H latency 30.4 ms"));
        CHECK(h.source.find(uncertain ? "H latency as stored, uncertain" : "H latency as stored") != std::string::npos);
        const auto& f = figures.figures[1];
        const auto fMin = std::find_if(f.markers.begin(), f.markers.end(), [](const auto& m) { return m.label.rfind("F min", 0) == 0; });
        REQUIRE(fMin != f.markers.end());
        CHECK(fMin->label.back() == (uncertain ? '?' : 's'));
        CHECK(fMin->timeMs == Approx(53.54));
    }
}

TEST_CASE("the RNS figure shows the train's responses with each one's decrement from the first", "[report][late]") {
    const auto dir = freshDir("rns");
    const auto late = test::lateStudy(dir, 30.0);
    const auto figures = report::buildStudyFigures(late.study);
    REQUIRE(figures.figures.size() == 2);
    const auto& r = figures.figures[1];
    INFO(r.title << ": " << r.unavailable);
    REQUIRE(r.unavailable.empty());
    CHECK(r.title.find("repetitive stimulation") != std::string::npos);
    CHECK(r.layout == report::FigureLayout::Templates);
    REQUIRE(r.traces.size() == late.rnsStimuli);   // 10 stimuli at 3 Hz
    CHECK(r.traces[0].label == "1");
    // the simulator's decrement shape at 30 %: 2nd 13.5 %, 3rd 24 %, 4th and 5th 30 % (amplitude
    // of a 6 mV CMAP in 3 µV noise: within 3 points)
    CHECK(labelDecrement(r.traces[1].label) == Approx(13.5).margin(3.0));
    CHECK(labelDecrement(r.traces[2].label) == Approx(24.0).margin(3.0));
    CHECK(labelDecrement(r.traces[3].label) == Approx(30.0).margin(3.0));
    CHECK(labelDecrement(r.traces[4].label) == Approx(30.0).margin(3.0));
    CHECK(r.source.find("decrement (stored) 30 %") != std::string::npos);
    CHECK(r.source.find("3.0 Hz") != std::string::npos);

    SECTION("a train without decrement reads 0 % within the noise") {
        const auto flat = test::lateStudy(freshDir("rns-flat"), 0.0);
        const auto f = report::buildStudyFigures(flat.study).figures.at(1);
        REQUIRE(f.unavailable.empty());
        for (std::size_t k = 1; k < f.traces.size(); ++k) CHECK(std::abs(labelDecrement(f.traces[k].label)) <= 3.0);
    }
}

namespace {
/// The H-reflex and RNS figures of recordings stored a record per stimulus: starting at it (EDF+D,
/// `glued` false) or glued back to back in a BDF+C with 10 ms before each stimulus; `name` names
/// the page kept for a look (build/tests/report/<name>-1.png).
void checkFiguresOfRecordPerStimulus(bool glued, const std::string& name) {
    // Before: "no complete sweep in the recording" in place of both figures (the sweeps were cut
    // with a pre-trigger, which such records do not have). Now cut from the stimulus as analysed,
    // each trace drawn from its own level (the records' +3 / -2 mV DC would put them off the grid).
    const auto dir = freshDir(name);
    const auto late = test::lateStudy(dir, 30.0, 0.1, glued);
    const auto figures = report::buildStudyFigures(late.study);
    REQUIRE(figures.figures.size() == 2);
    const auto& h = figures.figures[0];
    INFO(h.title << ": " << h.unavailable);
    REQUIRE(h.unavailable.empty());
    CHECK(h.traces.size() == 6);
    REQUIRE(traceLabelled(h, "Hmax"));
    const auto* hMark = marker(*traceLabelled(h, "Hmax"), "H");
    REQUIRE(hMark);
    CHECK(hMark->timeMs > late.hLatencyMs);
    CHECK(hMark->timeMs < late.hLatencyMs + 10.0);
    for (const auto& t : h.traces) {
        // after the responses (50-60 ms) each trace lies on its own zero: within 50 uV
        std::vector<double> late50;
        for (std::size_t i = 0; i < t.samplesUv.size(); ++i) {
            const double ms = static_cast<double>(i) * 1000.0 / t.sampleRateHz - t.preTriggerMs;
            if (ms >= 50.0 && ms < 60.0) late50.push_back(t.samplesUv[i]);
        }
        REQUIRE_FALSE(late50.empty());
        std::nth_element(late50.begin(), late50.begin() + static_cast<std::ptrdiff_t>(late50.size() / 2), late50.end());
        CHECK(std::abs(late50[late50.size() / 2]) < 50.0);
    }
    const auto& r = figures.figures[1];
    INFO(r.title << ": " << r.unavailable);
    REQUIRE(r.unavailable.empty());
    REQUIRE(r.traces.size() == late.rnsStimuli);
    CHECK(labelDecrement(r.traces[3].label) == Approx(30.0).margin(3.0));
    INFO(r.source);
    if (glued)   // the records lie 110 ms apart in the file whatever time passed between them: no rate (read 9.1 Hz before)
        CHECK(r.source.find("rate not in the file") != std::string::npos);
    else
        CHECK(r.source.find("3.0 Hz") != std::string::npos);   // from the stimuli's times, not the samples (which skip the holes)
    // the page, kept for a look
    if (test::havePoppler()) {
        test::pdfApp();
        report::ReportModel model;
        model.patientFields = {{"Patient ID", "MRN-0042"}};
        report::attachStudyFigures(model, late.study);
        const auto pdf = dir / (name + ".pdf");
        const auto stats = report::writePdfReport(model, pdf);
        CHECK(stats.figures.size() == 2);
        test::pdfPageImages(pdf, fs::current_path(), name, 110);
    }
}
}  // namespace

TEST_CASE("the H-reflex and RNS figures of recordings stored a record per stimulus, starting at it", "[report][late]") {
    checkFiguresOfRecordPerStimulus(false, "report-late-at-stimulus");
}

TEST_CASE("the H-reflex and RNS figures of records of separate acquisitions glued back to back in a BDF+C", "[report][late]") {
    // a record per stimulus, 10 ms before it, each its own DC (-2 / +3 mV), no hole between them:
    // read as separate records (glued_records.h), each sweep from its stimulus on its own level
    checkFiguresOfRecordPerStimulus(true, "report-late-glued-records");
}

TEST_CASE("the RNS figure of a file of two trains (before and after exercise) draws the second and says what the first read",
          "[report][late][rns]") {
    // the glued RNS file twice in one BDF+C, "Post exercise" between the two, the second twice the
    // first (a facilitation of 100 %, as in Lambert-Eaton syndrome)
    const auto dir = freshDir("rns-two-trains");
    auto late = test::lateStudy(dir, 30.0, 0.1, true);
    const auto twice = test::twiceWithPhase(io::readRecording(late.rnsFile), 2.0, "Post exercise");
    const auto file = dir / "RNS-two-trains.bdf";
    io::writeRecording(twice, file, io::FileFormat::BdfPlus);
    std::get<study::Rns>(late.study.tests[1]).raw = test::linkTo(file);
    const auto figures = report::buildStudyFigures(late.study);
    REQUIRE(figures.figures.size() == 2);
    const auto& r = figures.figures[1];
    INFO(r.source << " " << r.unavailable);
    REQUIRE(r.unavailable.empty());
    CHECK(r.traces.size() == late.rnsStimuli);
    CHECK(labelDecrement(r.traces[3].label) == Approx(30.0).margin(3.0));
    CHECK(r.source.find("train 2 of 2") != std::string::npos);
    CHECK(r.source.find("it starts: the annotation 'Post exercise' before it") != std::string::npos);
    CHECK(r.source.find("train 1 (") != std::string::npos);
    CHECK(r.source.find("decrement 4th 3") != std::string::npos);   // the first train's ~30 %
    CHECK(r.source.find("this train's first response +100 % against the first train's") != std::string::npos);
    {
        // each train stored as its own test (the late-responses panel saves a train under its label,
        // dsp::rnsTrainLabel): each figure draws its own train, the first without a facilitation
        auto both = late.study;
        auto first = std::get<study::Rns>(both.tests[1]);
        first.id = "RNS-1";
        first.condition = "train 1 of 2";
        auto second = first;
        second.id = "RNS-2";
        second.condition = "post exercise";   // as typed: the study's identity ignores case
        both.tests.erase(both.tests.begin() + 1);
        both.tests.push_back(first);
        both.tests.push_back(second);
        const auto two = report::buildStudyFigures(both);
        REQUIRE(two.figures.size() == 3);
        const auto& f1 = two.figures[1];
        const auto& f2 = two.figures[2];
        INFO(f1.source << " | " << f2.source);
        REQUIRE(f1.unavailable.empty());
        REQUIRE(f2.unavailable.empty());
        CHECK(f1.source.find("shown: train 1 of 2") != std::string::npos);
        CHECK(f1.source.find("; train 2 (") != std::string::npos);
        CHECK(f1.source.find("'Post exercise'") != std::string::npos);
        CHECK(f1.source.find("first response") == std::string::npos);
        CHECK(f2.source.find("shown: train 2 of 2") != std::string::npos);
        CHECK(f2.source.find("this train's first response +100 %") != std::string::npos);
        // the first train's responses are half the second's
        double a1 = 0.0, a2 = 0.0;
        for (const double v : f1.traces.front().samplesUv) a1 = std::max(a1, std::abs(v));
        for (const double v : f2.traces.front().samplesUv) a2 = std::max(a2, std::abs(v));
        CHECK(a2 / a1 == Approx(2.0).epsilon(0.05));
    }
    if (test::havePoppler()) {   // the page, kept for a look (build/tests/report/report-rns-two-trains-1.png)
        test::pdfApp();
        report::ReportModel model;
        model.patientFields = {{"Patient ID", "MRN-0042"}};
        report::attachStudyFigures(model, late.study);
        const auto pdf = dir / "report-rns-two-trains.pdf";
        CHECK(report::writePdfReport(model, pdf).figures.size() == 2);
        test::pdfPageImages(pdf, fs::current_path(), "report-rns-two-trains", 110);
    }
}

TEST_CASE("a changed H-reflex or RNS recording is said in place of its figure", "[report][late]") {
    const auto dir = freshDir("changed");
    auto late = test::lateStudy(dir, 30.0);
    {
        std::fstream f(late.rnsFile, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(-10, std::ios::end);
        f.put('\x55');
    }
    fs::remove(late.hFile);
    const auto figures = report::buildStudyFigures(late.study);
    REQUIRE(figures.figures.size() == 2);
    CHECK(figures.figures[0].unavailable.find("is missing") != std::string::npos);
    CHECK(figures.figures[1].unavailable.find("has changed since it was stored") != std::string::npos);
    CHECK(figures.figures[0].traces.empty());
    CHECK(figures.figures[1].traces.empty());
}

TEST_CASE("the H-reflex and RNS figures on the PDF page: traces in their boxes, scale bars and labels", "[report][late][pdf]") {
    test::pdfApp();
    if (!test::havePoppler()) {
        WARN("poppler-utils not installed: pages not checked");
        return;
    }
    const auto dir = freshDir("pdf");
    const auto late = test::lateStudy(dir, 30.0);
    report::ReportModel model;
    model.patientFields = {{"Patient ID", "MRN-0042"}};
    report::attachStudyFigures(model, late.study);
    const auto pdf = dir / "late.pdf";
    const auto stats = report::writePdfReport(model, pdf);
    REQUIRE(stats.figures.size() == 2);
    const auto pages = test::pdfPageImages(pdf, fs::current_path(), "report-late", 150);
    REQUIRE(static_cast<int>(pages.size()) == stats.pages);
    for (const auto& placed : stats.figures) {
        INFO(placed.title);
        REQUIRE(placed.drawn);
        const QImage& img = pages.at(static_cast<std::size_t>(placed.page - 1));
        const QRect box = test::pixelBox(placed.leftMm, placed.topMm, placed.widthMm, placed.heightMm, 150);
        // the sweeps run across the box (H: 6 sweeps over 50 ms; RNS: 10 cells side by side)
        CHECK(test::traceColumnShare(img, box) > 0.6);
        if (placed.title.find("H-reflex") != std::string::npos)
            CHECK(test::countPixels(img, box, test::isMarkerPixel) > 20);   // M/H ticks, the H latency line
    }
    const std::string text = test::pdfText(pdf);
    CHECK(text.find("H latency") != std::string::npos);
    CHECK(text.find("Hmax") != std::string::npos);
    CHECK(text.find("ms/div") != std::string::npos);
    CHECK(text.find("negative up") != std::string::npos);
    CHECK(std::regex_search(text, std::regex(R"(\d+ (mV|µV)/div)")));
    CHECK(text.find("decrement (stored) 30 %") != std::string::npos);
    CHECK(std::regex_search(text, std::regex(R"((^|\s)(2[7-9]|3[0-3])%)")));   // the 4th and 5th responses' labels
}
