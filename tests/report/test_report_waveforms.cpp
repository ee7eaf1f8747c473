// The study report's waveforms, drawn from the stored (simulated) recordings of an L5 work-up:
// the model's traces against the simulator's truth, the PDF pages (pdftoppm) checked by drawing,
// the scale labels, page numbers and patient ID by pdftotext; a missing or changed recording said
// in place; the signed PDF's SHA-256 equal to the stored one.
#include "page_pixels.h"
#include "pdf_tools.h"
#include "wave_study_fixture.h"

#include <emg/io/sha256.h>
#include <emg/report/pdf_report_writer.h>
#include <emg/report/study_report.h>
#include <emg/report/study_signing.h>
#include <emg/study/measurement_uncertainty.h>
#include <emg/study/myotomes.h>
#include <emg/study/normative.h>

#include <QGuiApplication>

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>

#include <sys/wait.h>

using namespace emg;
namespace fs = std::filesystem;

namespace {

struct Reference {
    study::NormativeTable norms = study::NormativeTable::loadDirectory(fs::path(EMGWS_SOURCE_DIR) / "resources" / "normative");
    study::MyotomeMap myotomes = study::MyotomeMap::load(fs::path(EMGWS_SOURCE_DIR) / "resources" / "myotomes.json");
};
const Reference& reference() {
    static const Reference r;
    return r;
}

const report::ReportFigure* figure(const report::ReportModel& m, const std::string& titleStart) {
    for (const auto& f : m.figures)
        if (f.title.rfind(titleStart, 0) == 0) return &f;
    return nullptr;
}

std::string pageText(const fs::path& pdf, int page) {
    return emg::test::runCommand("pdftotext -layout -f " + std::to_string(page) + " -l " + std::to_string(page) + " '" + pdf.string() + "' -");
}

/// Pages as PNG (150 dpi), kept beside the test for a look: build/tests/report/<name>-<n>.png.
std::vector<QImage> pagesAsImages(const fs::path& pdf, const std::string& name) {
    return emg::test::pdfPageImages(pdf, fs::current_path(), name, 150);
}

bool havePoppler() { return std::system("command -v pdftoppm >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1") == 0; }

double minOf(const std::vector<double>& v) { return v.empty() ? 0.0 : *std::min_element(v.begin(), v.end()); }

}  // namespace

TEST_CASE("the study report draws the sites, the F raster and the MUP templates from the stored recordings", "[report][waves]") {
    emg::test::pdfApp();
    auto w = test::makeWaveStudy("draw");
    const auto model = report::storedStudyReport(*w.store, w.studyId, reference().norms, reference().myotomes);
    REQUIRE(model.figures.size() == 6);   // every test with a recording; the right sural has none
    CHECK(model.figuresNote.find("Sural sensory, right") != std::string::npos);
    for (const auto& f : model.figures) {
        INFO(f.title << ": " << f.unavailable);
        CHECK(f.unavailable.empty());
        CHECK(f.source.find("verified") != std::string::npos);
    }
    const auto stored = w.store->study(w.studyId);
    REQUIRE(stored);

    SECTION("the cascade: one trace per site, its amplitude and peak those of the recorded CMAP, the stored onset marked") {
        const auto* per = figure(model, "Peroneal motor, left");
        REQUIRE(per);
        REQUIRE(per->traces.size() == 3);
        const auto& test = std::get<study::MotorNcs>(stored->tests[0]);
        for (std::size_t i = 0; i < 3; ++i) {
            const auto& t = per->traces[i];
            INFO("site " << test.sites[i].name);
            CHECK(t.label == test.sites[i].name);
            REQUIRE(t.markers.size() == 2);
            CHECK(t.markers[0].label == "onset");
            CHECK(t.markers[0].timeMs == test.sites[i].measurements[0].value);   // the stored value, not a new one
            // the drawn sweep is the recorded CMAP: negative peak within 5 % of the simulated
            // amplitude (5 mV distal, -3 %/100 mm), at the peak marker
            const double amplitude = test.sites[i].measurements[1].value;
            CHECK(-minOf(t.samplesUv) == Approx(amplitude).epsilon(0.05));
            const auto minAt = std::min_element(t.samplesUv.begin(), t.samplesUv.end()) - t.samplesUv.begin();
            const double minMs = minAt * 1000.0 / t.sampleRateHz - t.preTriggerMs;
            CHECK(minMs == Approx(t.markers[1].timeMs).margin(0.3));
            CHECK(t.markers[1].timeMs > t.markers[0].timeMs + 1.0);   // the negative peak follows the onset by > 1 ms
        }
    }
    SECTION("the F raster holds every stimulus at a sensitivity that shows F, with F min marked") {
        const auto* f = figure(model, "Peroneal F-waves, left");
        REQUIRE(f);
        CHECK(f->layout == report::FigureLayout::Raster);
        CHECK(f->traces.size() == 20);   // the simulator's 20 stimuli at 1 Hz
        REQUIRE(f->markers.size() == 1);
        CHECK(f->markers[0].label.rfind("F min", 0) == 0);
        // F waves are 0.5-6 % of a 5 mV M: 25-300 µV; the raster is drawn at 50-500 µV/div, never at M's mV scale
        CHECK(f->sensitivityUvPerDiv >= 50);
        CHECK(f->sensitivityUvPerDiv <= 500);
    }
    SECTION("needle templates: a neurogenic tibialis anterior's units are larger than a normal gastrocnemius's") {
        const auto* ta = figure(model, "Tibialis anterior needle EMG");
        const auto* gas = figure(model, "Medial gastrocnemius needle EMG");
        REQUIRE(ta);
        REQUIRE(gas);
        REQUIRE(ta->traces.size() >= 1);   // a neuropathic muscle has few units (6 in the simulated pick-up)
        REQUIRE(gas->traces.size() >= 2);
        auto pp = [](const report::ReportTrace& t) {
            const auto [lo, hi] = std::minmax_element(t.samplesUv.begin(), t.samplesUv.end());
            return *hi - *lo;
        };
        auto durationMs = [](const report::ReportTrace& t) {
            REQUIRE(t.markers.size() == 2);
            return t.markers[1].timeMs - t.markers[0].timeMs;
        };
        // simulator: neuropathic units 1-5 mV peak to peak and 14-22 ms long, normal 0.2-1 mV and 6-12 ms
        CHECK(pp(gas->traces.front()) < 1200.0);
        CHECK(pp(ta->traces.front()) > 1.8 * pp(gas->traces.front()));
        CHECK(durationMs(ta->traces.front()) > 12.0);
        CHECK(durationMs(gas->traces.front()) < 13.0);
        CHECK(durationMs(ta->traces.front()) > 1.5 * durationMs(gas->traces.front()));
    }
    SECTION("the side-to-side table puts the left peroneal beside the right") {
        const auto t = std::find_if(model.tables.begin(), model.tables.end(), [](const auto& x) { return x.title == "Side to side"; });
        REQUIRE(t != model.tables.end());
        bool ankleAmplitude = false;
        for (const auto& row : t->rows)
            if (row[0].text == "peroneal motor, ankle" && row[1].text == "Amplitude (mV)") {
                ankleAmplitude = true;
                CHECK(row[4].text.find("% of") != std::string::npos);
            }
        CHECK(ankleAmplitude);
        // the sural was measured on both sides (the right one without a recording): the calf site
        // pairs, mid calf (left only) does not; the F-waves were recorded on the left only
        bool suralCalf = false;
        for (const auto& row : t->rows) {
            suralCalf |= row[0].text == "sural sensory, calf";
            CHECK(row[0].text.find("mid calf") == std::string::npos);
            CHECK(row[0].text.find("F-waves") == std::string::npos);
        }
        CHECK(suralCalf);
    }
}

TEST_CASE("the report pages show the traces, the scales, the page numbers and the patient on every page", "[report][waves][pdf]") {
    emg::test::pdfApp();
    if (!havePoppler()) {
        WARN("poppler-utils not installed: pages not checked");
        return;
    }
    auto w = test::makeWaveStudy("pages");
    const auto model = report::storedStudyReport(*w.store, w.studyId, reference().norms, reference().myotomes);
    const fs::path pdf = w.dir / "report.pdf";
    const auto stats = report::writePdfReport(model, pdf);
    REQUIRE(stats.figures.size() == 6);
    const auto pages = pagesAsImages(pdf, "report-waves");
    REQUIRE(static_cast<int>(pages.size()) == stats.pages);
    for (std::size_t k = 0; k < stats.figures.size(); ++k) {
        const auto& placed = stats.figures[k];
        const auto& fig = model.figures[k];
        INFO(placed.title << " on page " << placed.page);
        REQUIRE(placed.drawn);
        const QImage& img = pages.at(static_cast<std::size_t>(placed.page - 1));
        const QRect box = test::pixelBox(placed.leftMm, placed.topMm, placed.widthMm, placed.heightMm, 150);
        CHECK(test::countPixels(img, box, test::isMarkerPixel) >= 10);   // onset/peak ticks, F min line
        if (fig.layout == report::FigureLayout::Templates) {
            const int cellW = box.width() / std::max(3, static_cast<int>(fig.traces.size()));   // at least 3 cells
            for (int c = 0; c < static_cast<int>(fig.traces.size()); ++c)
                CHECK(test::countPixels(img, QRect(box.left() + c * cellW, box.top(), cellW, box.height()), test::isTracePixel) >= 40);
            continue;
        }
        // a trace across the sweep (the first 50 ms of 55 are drawn), one baseline per trace before the stimulus
        CHECK(test::traceColumnShare(img, box) > 0.9);
        const int preStimulusX = box.left() + box.width() / 20;   // 2.5 ms after the sweep's start
        CHECK(test::traceRunsInColumn(img, preStimulusX, box.top(), box.bottom()) == static_cast<int>(fig.traces.size()));
        if (fig.layout == report::FigureLayout::Cascade) {   // each site's response deflects well over a third of its band
            const int bandH = box.height() / static_cast<int>(fig.traces.size());
            for (int b = 0; b < static_cast<int>(fig.traces.size()); ++b)
                CHECK(test::traceExtent(img, QRect(box.left() + box.width() / 8, box.top() + b * bandH + 1, box.width() * 3 / 4, bandH - 2)) >
                      bandH * 0.35);
        }
    }
    const std::string all = emg::test::runCommand("pdftotext -layout '" + pdf.string() + "' -");
    CHECK(all.find("ms/div") != std::string::npos);
    CHECK(all.find("mV/div") != std::string::npos);   // motor cascades
    CHECK(all.find("µV/div") != std::string::npos);   // sural, F raster, templates
    CHECK(all.find("Side to side") != std::string::npos);
    for (int page = 1; page <= stats.pages; ++page) {
        INFO("page " << page);
        const std::string one = pageText(pdf, page);
        CHECK(one.find("Page " + std::to_string(page) + " of " + std::to_string(stats.pages)) != std::string::npos);
        CHECK(one.find("MRN-0042") != std::string::npos);
        CHECK(one.find("PRELIMINARY") != std::string::npos);
    }
}

TEST_CASE("the waveform section's title never ends a page without its first row of figures", "[report][waves][pdf]") {
    // the first row is as tall as its taller figure: a short figure beside a tall F raster. Whatever
    // the text before it, the title lands on the page of the first figures
    emg::test::pdfApp();
    if (!havePoppler()) {
        WARN("poppler-utils not installed: pages not checked");
        return;
    }
    auto w = test::makeWaveStudy("orphan");
    auto model = report::storedStudyReport(*w.store, w.studyId, reference().norms, reference().myotomes);
    REQUIRE(model.figures.size() >= 2);
    // the shortest figure first, the tallest beside it
    std::sort(model.figures.begin(), model.figures.end(),
              [](const report::ReportFigure& a, const report::ReportFigure& b) { return a.traces.size() < b.traces.size(); });
    std::swap(model.figures[1], model.figures.back());
    REQUIRE(model.figures[1].traces.size() > model.figures[0].traces.size());
    report::ReportTable padding;
    padding.title = "Padding";
    padding.header = {"Row"};
    model.tables.push_back(padding);
    const fs::path pdf = w.dir / "orphan.pdf";
    for (int rows = 0; rows <= 48; rows += 2) {
        INFO(rows << " rows of text before the figures");
        model.tables.back().rows.assign(static_cast<std::size_t>(rows), {report::ReportCell{"text"}});
        const auto stats = report::writePdfReport(model, pdf);
        REQUIRE(!stats.figures.empty());
        const std::string all = emg::test::runCommand("pdftotext '" + pdf.string() + "' -");
        const auto at = all.find("Waveforms from the stored recordings");
        REQUIRE(at != std::string::npos);
        const int titlePage = 1 + static_cast<int>(std::count(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(at), '\f'));
        CHECK(titlePage == stats.figures.front().page);
    }
}

TEST_CASE("a figure whose recording is missing or changed says so in its place", "[report][waves][pdf]") {
    emg::test::pdfApp();
    auto w = test::makeWaveStudy("missing");
    fs::remove(w.dir / "sural-L.bdf");
    {   // one sample changed after it was stored
        std::fstream f(w.dir / "gastrocnemius-L.bdf", std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(-100, std::ios::end);
        f.put('\x7f');
    }
    const auto model = report::storedStudyReport(*w.store, w.studyId, reference().norms, reference().myotomes);
    REQUIRE(model.figures.size() == 6);
    const auto* sural = figure(model, "Sural sensory, left");
    const auto* gas = figure(model, "Medial gastrocnemius needle EMG");
    REQUIRE(sural);
    REQUIRE(gas);
    CHECK(sural->traces.empty());
    CHECK(sural->unavailable.find("sural-L.bdf is missing") != std::string::npos);
    CHECK(gas->traces.empty());
    CHECK(gas->unavailable.find("has changed since it was stored") != std::string::npos);
    CHECK(figure(model, "Peroneal motor, left")->unavailable.empty());   // the others are drawn
    if (!havePoppler()) return;
    const fs::path pdf = w.dir / "report.pdf";
    const auto stats = report::writePdfReport(model, pdf);
    const std::string text = emg::test::runCommand("pdftotext '" + pdf.string() + "' - | tr -s ' \\n' '  '");
    CHECK(text.find("sural-L.bdf is missing") != std::string::npos);
    CHECK(text.find("has changed since it was stored") != std::string::npos);
    const auto pages = pagesAsImages(pdf, "report-missing");
    int notDrawn = 0;
    for (const auto& placed : stats.figures) {
        if (placed.drawn) continue;
        ++notDrawn;
        const QRect box = test::pixelBox(placed.leftMm, placed.topMm, placed.widthMm, placed.heightMm, 150);
        CHECK(test::countPixels(pages.at(static_cast<std::size_t>(placed.page - 1)), box, test::isTracePixel) == 0);
    }
    CHECK(notDrawn == 2);
}

TEST_CASE("the signed report carries the waveforms and the stored PDF is the one signed", "[report][waves][signing]") {
    auto w = test::makeWaveStudy("signed");
    w.store.reset();   // the CLI works on the same database
    const std::string db = " --db '" + w.dbUrl() + "'";
    int rc = -1;
    emg::test::runCommand(std::string(EMGWS_CLI) + " studies sign " + w.studyId + " --examiner 'Dr. E. Examiner'" + db + " 2>&1", &rc);
    REQUIRE(rc == 0);
    const fs::path pdf = w.dir / "signed.pdf";
    emg::test::runCommand(std::string(EMGWS_CLI) + " studies signed-pdf " + w.studyId + " '" + pdf.string() + "'" + db + " 2>&1", &rc);
    REQUIRE(rc == 0);
    auto store = study::SessionStore::open(w.dbUrl());
    const auto sig = store->signature(w.studyId);
    REQUIRE(sig);
    CHECK(io::sha256OfFile(pdf) == sig->pdfSha256);
    if (!havePoppler()) return;
    const std::string text = emg::test::runCommand("pdftotext -layout '" + pdf.string() + "' -");
    CHECK(text.find("Waveforms from the stored recordings") != std::string::npos);
    CHECK(text.find("mV/div") != std::string::npos);
    CHECK(text.find("Page 1 of ") != std::string::npos);
    CHECK(text.find("PRELIMINARY") == std::string::npos);
    CHECK(text.find("Electronically signed by Dr. E. Examiner") != std::string::npos);
    // the report of the signed study, drawn again from what was signed, has the same figures
    const auto again = report::storedStudyReport(*store, w.studyId, reference().norms, reference().myotomes);
    CHECK(again.figures.size() == 6);
    for (const auto& f : again.figures) CHECK(f.unavailable.empty());
}

TEST_CASE("the side-to-side table marks a value the engine could not place confidently, and the difference made with it",
          "[report][side]") {
    // a median motor study on both sides; the left distal onset below 20 x the noise (the engine marked
    // it uncertain): the left value and the difference carry "(?)", the footnote says what it means
    study::Study s;
    const auto motor = [](study::Side side, double latencyMs, bool uncertain) {
        study::MotorNcs t;
        t.id = side == study::Side::Left ? "M-L" : "M-R";
        t.side = side;
        t.nerve = "median";
        t.recordingSite = "abductor pollicis brevis";
        study::StimSite wrist;
        wrist.name = "wrist";
        const std::string method = "take-off fit";
        wrist.measurements = {{"distalLatencyMs", latencyMs, "ms", study::Provenance::Auto,
                               uncertain ? study::uncertainMethod("onset below 20 x the noise", method) : method, ""},
                              {"amplitudeUv", 8000.0, "uV", study::Provenance::Auto, method, ""}};
        t.sites.push_back(wrist);
        return t;
    };
    s.tests.push_back(motor(study::Side::Left, 4.6, true));
    s.tests.push_back(motor(study::Side::Right, 3.4, false));
    const auto t = report::sideToSideTable(s);
    REQUIRE(t);
    bool latency = false, amplitude = false;
    for (const auto& row : t->rows) {
        INFO(row[0].text << " | " << row[1].text << " | " << row[2].text << " | " << row[3].text << " | " << row[4].text);
        if (row[1].text.find("atency") != std::string::npos) {
            latency = true;
            CHECK(row[2].text.find("(?)") != std::string::npos);
            CHECK(row[3].text.find("(?)") == std::string::npos);
            CHECK(row[4].text.find("(?)") != std::string::npos);
        } else if (row[1].text.find("Amplitude") != std::string::npos) {
            amplitude = true;
            CHECK(row[2].text.find("(?)") == std::string::npos);
            CHECK(row[4].text.find("(?)") == std::string::npos);
        }
    }
    CHECK(latency);
    CHECK(amplitude);
    CHECK(t->footnote.find("(?) marks a value") != std::string::npos);
    // both confident: no mark, no such footnote
    s.tests[0] = motor(study::Side::Left, 4.6, false);
    const auto plain = report::sideToSideTable(s);
    REQUIRE(plain);
    for (const auto& row : plain->rows)
        for (const auto& cell : row) CHECK(cell.text.find("(?)") == std::string::npos);
    CHECK(plain->footnote.find("(?)") == std::string::npos);
}
