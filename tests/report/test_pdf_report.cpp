#include "pdf_tools.h"
#include "sample_report.h"

#include <emg/report/pdf_report_writer.h>

#include <QGuiApplication>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace emg::report;

namespace {

QGuiApplication& app() { return emg::test::pdfApp(); }

std::string run(const std::string& cmd) {
    std::string out;
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
    if (!pipe) return out;
    std::array<char, 4096> buf{};
    while (std::fgets(buf.data(), buf.size(), pipe.get())) out += buf.data();
    return out;
}

bool havePoppler() { return std::system("command -v pdftotext >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1") == 0; }

fs::path tempDir() {
    auto d = fs::temp_directory_path() / ("emgws-report-" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
}

}  // namespace

TEST_CASE("the PDF report holds the patient, the tables with flags, the waveforms and the impression", "[report][pdf]") {
    app();
    const auto pdf = tempDir() / "l5.pdf";
    const auto stats = writePdfReport(emg::test::sampleL5Report(), pdf);
    REQUIRE(fs::exists(pdf));
    CHECK_FALSE(fs::exists(pdf.string() + ".part"));
    std::ifstream f(pdf, std::ios::binary);
    std::string magic(5, '\0');
    f.read(magic.data(), 5);
    CHECK(magic == "%PDF-");
    CHECK(stats.pages >= 1);
    CHECK(stats.abnormalCells == 13);
    if (!havePoppler()) {
        WARN("poppler-utils not installed: PDF text not checked");
        return;
    }
    const std::string text = run("pdftotext -layout '" + pdf.string() + "' -");
    CHECK(text.find("Doe, Jane") != std::string::npos);
    CHECK(text.find("Motor nerve conduction") != std::string::npos);
    CHECK(text.find("L peroneal, ankle -> EDB") != std::string::npos);
    CHECK(text.find("2.1 *") != std::string::npos);        // abnormal amplitude flagged
    CHECK(text.find("outside the reference limits") != std::string::npos);
    CHECK(text.find("L5 radiculopathy") != std::string::npos);
    CHECK(text.find("negative up") != std::string::npos);
    const std::string info = run("pdfinfo '" + pdf.string() + "'");
    CHECK(info.find("Pages:") != std::string::npos);
    CHECK(info.find("A4") != std::string::npos);
    const std::string fonts = run("pdffonts '" + pdf.string() + "'");
    CHECK(fonts.find("DejaVu") != std::string::npos);       // fonts embedded, readable anywhere
}

TEST_CASE("a long study breaks across pages and every page carries its number", "[report][pdf]") {
    app();
    auto m = emg::test::sampleL5Report();
    for (int i = 0; i < 6; ++i) m.tables.push_back(m.tables[2]);
    for (int i = 0; i < 6; ++i) m.waveforms.push_back(m.waveforms[0]);
    const auto pdf = tempDir() / "long.pdf";
    const auto stats = writePdfReport(m, pdf);
    CHECK(stats.pages >= 3);
    if (!havePoppler()) return;
    const std::string text = run("pdftotext '" + pdf.string() + "' -");
    CHECK(text.find("Page " + std::to_string(stats.pages)) != std::string::npos);
    // unsigned: PRELIMINARY on every page
    for (int page = 1; page <= stats.pages; ++page) {
        INFO("page " << page);
        const std::string one = run("pdftotext -f " + std::to_string(page) + " -l " + std::to_string(page) + " '" + pdf.string() + "' -");
        CHECK(one.find("PRELIMINARY — not signed") != std::string::npos);
    }
}

namespace {
using WordBox = emg::test::PdfWordBox;
std::vector<WordBox> wordBoxes(const std::filesystem::path& pdf, int page) { return emg::test::pdfWordBoxes(pdf, page); }
}  // namespace

TEST_CASE("the PRELIMINARY stamp never covers the footer's patient ID, however long", "[report][pdf]") {
    app();
    if (!havePoppler()) {
        WARN("poppler-utils not installed: footer not checked");
        return;
    }
    for (const std::string id : {"P-0042", "SIM-left-L5-radiculopathy-2026-hospital-number-000123"}) {
        INFO("patient ID " << id);
        auto m = emg::test::sampleL5Report();
        for (auto& [k, v] : m.patientFields)
            if (k == "ID") v = id;
        const auto pdf = tempDir() / "footer.pdf";
        writePdfReport(m, pdf);
        const auto words = wordBoxes(pdf, 1);
        const auto stamp = std::find_if(words.begin(), words.end(), [](const WordBox& w) { return w.word == "PRELIMINARY"; });
        REQUIRE(stamp != words.end());
        const auto idWord = std::find_if(words.begin(), words.end(), [&](const WordBox& w) { return w.word == id; });
        REQUIRE(idWord != words.end());
        for (const auto& w : words) {
            if (&w == &*stamp) continue;
            INFO("word '" << w.word << "' at " << w.x0 << "-" << w.x1 << ", " << w.y0 << "-" << w.y1);
            // pdftotext's boxes are the fonts' whole line heights (ascent to descent): lines set
            // one under the other touch; ink overlaps only beyond half a point of each
            constexpr double kLeadingPt = 0.5;
            const bool overlap = w.x0 < stamp->x1 && stamp->x0 < w.x1 && w.y0 + kLeadingPt < stamp->y1 - kLeadingPt && stamp->y0 + kLeadingPt < w.y1 - kLeadingPt;
            CHECK_FALSE(overlap);
        }
    }
}

TEST_CASE("an unwritable target gives a clear error and leaves no partial file", "[report][pdf]") {
    app();
    CHECK_THROWS_WITH(writePdfReport(emg::test::sampleL5Report(), "/nonexistent-dir/x.pdf"),
                      Catch::Contains("cannot"));
}

TEST_CASE("emgws-cli report draws a JSON report to PDF", "[report][cli]") {
    const auto dir = tempDir();
    {
        std::ofstream j(dir / "r.json");
        j << toJson(emg::test::sampleL5Report()).dump();
    }
    const std::string out = run(std::string(EMGWS_CLI) + " report '" + (dir / "r.json").string() + "' '" +
                                (dir / "r.pdf").string() + "'");
    const auto j = nlohmann::json::parse(out);
    CHECK(j.at("pages").get<int>() >= 1);
    CHECK(j.at("abnormalValues").get<int>() == 13);
    CHECK(fs::file_size(dir / "r.pdf") > 5000);
    {
        std::ofstream bad(dir / "bad.json");
        bad << "{ not json";
    }
    CHECK(std::system((std::string(EMGWS_CLI) + " report '" + (dir / "bad.json").string() + "' '" +
                       (dir / "bad.pdf").string() + "' 2>/dev/null").c_str()) != 0);
    CHECK_FALSE(fs::exists(dir / "bad.pdf"));
}

TEST_CASE("a signed report prints the signature, addenda follow on a page of their own", "[report][pdf][signing]") {
    app();
    auto m = emg::test::sampleL5Report();
    const std::string sha = "0ff1ce" + std::string(58, 'f');   // 'ff' must not become a ligature
    m.signature = ReportSignature{"Dr. Ana Examiner", "aexam", "2026-11-25T10:00:00Z", sha};
    PdfReportStats signedStats, withAddendaStats;
    const std::string signedPdf = renderPdfReport(m, &signedStats);
    CHECK(signedPdf.rfind("%PDF-", 0) == 0);
    m.addenda = {{1, "MRI 2026-12-01: L4-5 disc extrusion compressing the left L5 root.", "Dr. Ana Examiner", "aexam", "2026-12-01T09:00:00.000Z"}};
    const auto pdf = tempDir() / "signed-addenda.pdf";
    withAddendaStats = writePdfReport(m, pdf);
    CHECK(withAddendaStats.pages == signedStats.pages + 1);
    if (!havePoppler()) return;
    const std::string text = run("pdftotext -layout '" + pdf.string() + "' -");
    const auto signedAt = text.find("Electronically signed by Dr. Ana Examiner");
    const auto addendumAt = text.find("Addendum 1 by Dr. Ana Examiner (login aexam), 2026-12-01T09:00:00.000Z (UTC)");
    REQUIRE(signedAt != std::string::npos);
    REQUIRE(addendumAt != std::string::npos);
    CHECK(signedAt < addendumAt);
    CHECK(text.find(sha) != std::string::npos);
    CHECK(text.find("Operating-system login aexam, signed 2026-11-25T10:00:00Z (UTC)") != std::string::npos);
    // the addendum starts the last page
    const std::string lastPage = run("pdftotext -layout -f " + std::to_string(withAddendaStats.pages) + " '" + pdf.string() + "' -");
    CHECK(lastPage.find("Addenda (written after the report was signed)") != std::string::npos);
    CHECK(lastPage.find("Electronically signed") == std::string::npos);
    CHECK(text.find("PRELIMINARY") == std::string::npos);   // a signed report is final on every page
}

TEST_CASE("a 17-column table's header words never run into each other: a long word breaks at its hyphenation point",
          "[report][pdf]") {
    // The late-responses table: "Chronodispersion" alone was wider than its column at the size the
    // table was set in and was drawn past its column's edges, 1 mm from "Persistence" (seen on the
    // page as one run of text). Now it breaks at "Chrono-"; no two words' boxes overlap.
    app();
    if (!havePoppler()) {
        WARN("poppler-utils not installed: word boxes not checked");
        return;
    }
    ReportModel m;
    ReportTable t;
    t.title = "Late responses";
    t.header = {"Test", "Nerve", "Side", "Recording", "Stimulation", "F min latency (ms)", "F mean latency (ms)", "F max latency (ms)",
                "Persistence (%)", "Chronodispersion (ms)", "M latency (ms)", "M amplitude (µV)", "H latency (ms)", "H amplitude (µV)",
                "H/M ratio", "H latency side difference (ms)", "H amplitude side ratio"};
    t.rows.push_back({{"F-wave (20 stimuli)"}, {"Peroneal"}, {"L"}, {"extensor digitorum brevis"}, {"ankle"}, {"48.37"}, {"49.67"},
                      {"50.51"}, {"80.0"}, {"2.14"}, {"4.49"}, {"5001"}, {""}, {""}, {""}, {""}, {""}});
    t.rows.push_back({{"H-reflex"}, {"Tibial"}, {"L"}, {"soleus"}, {"popliteal fossa"}, {""}, {""}, {""}, {""}, {""}, {""}, {"11598"},
                      {"30.00"}, {"3981"}, {"0.343"}, {""}, {""}});
    m.tables.push_back(t);
    const auto pdf = tempDir() / "wide-table.pdf";
    writePdfReport(m, pdf);
    // every word's box (pdftotext -bbox), page 1
    struct Box {
        double x0, y0, x1, y1;
        std::string word;
    };
    std::vector<Box> boxes;
    const std::string xml = run("pdftotext -f 1 -l 1 -bbox '" + pdf.string() + "' -");
    for (std::size_t at = xml.find("<word "); at != std::string::npos; at = xml.find("<word ", at + 1)) {
        Box b{};
        auto attr = [&](const char* name) {
            const auto p = xml.find(std::string(name) + "=\"", at);
            return std::stod(xml.substr(p + std::string(name).size() + 2));
        };
        b.x0 = attr("xMin"), b.y0 = attr("yMin"), b.x1 = attr("xMax"), b.y1 = attr("yMax");
        const auto open = xml.find('>', at) + 1;
        b.word = xml.substr(open, xml.find("</word>", open) - open);
        boxes.push_back(b);
    }
    bool chrono = false;
    for (const auto& b : boxes) chrono = chrono || b.word.rfind("Chrono", 0) == 0;
    REQUIRE(chrono);
    // no two words share ink: their boxes overlap by less than 0.3 pt in x wherever they overlap in y
    std::size_t overlaps = 0;
    for (std::size_t i = 0; i < boxes.size(); ++i)
        for (std::size_t j = i + 1; j < boxes.size(); ++j) {
            const auto& a = boxes[i];
            const auto& b = boxes[j];
            const double dy = std::min(a.y1, b.y1) - std::max(a.y0, b.y0);
            const double dx = std::min(a.x1, b.x1) - std::max(a.x0, b.x0);
            if (dy > 1.0 && dx > 0.3) {
                ++overlaps;
                WARN("'" << a.word << "' and '" << b.word << "' overlap by " << dx << " pt");
            }
        }
    CHECK(overlaps == 0);
    // the long word is broken where it may be, not cut anywhere: "Chrono-" then "dispersion"
    CHECK(xml.find(">Chrono-</word>") != std::string::npos);
    CHECK(xml.find(">dispersion</word>") != std::string::npos);
}

namespace {
/// `count` tokens "<prefix>1".."<prefix>count", a sentence every 12.
std::string tokens(const std::string& prefix, int count) {
    std::string out;
    for (int i = 1; i <= count; ++i) out += prefix + std::to_string(i) + (i % 12 == 0 ? ". " : " ");
    return out;
}

/// Checks that every token of tokens(prefix, count) is drawn once across the PDF's pages, above the
/// footer's text, and that `title` (when given) is followed on its page by the first of them.
void checkTokensPlaced(const fs::path& pdf, int pages, const std::string& prefix, int count, const std::string& title) {
    std::vector<int> seen(static_cast<std::size_t>(count) + 1, 0);
    const auto tokenOf = [&](const WordBox& w) {
        int k = 0;
        if (w.word.size() <= prefix.size() || w.word.compare(0, prefix.size(), prefix) != 0) return 0;
        if (std::sscanf(w.word.c_str() + prefix.size(), "%d", &k) != 1 || k < 1 || k > count) return 0;
        return k;
    };
    bool titleSeen = title.empty();
    for (int page = 1; page <= pages; ++page) {
        INFO("page " << page);
        const auto words = wordBoxes(pdf, page);
        const auto footer = std::find_if(words.begin(), words.end(), [](const WordBox& w) { return w.word == "Page"; });
        REQUIRE(footer != words.end());
        for (const auto& w : words) {
            if (const int k = tokenOf(w)) {
                ++seen[static_cast<std::size_t>(k)];
                INFO("word " << w.word << " at y " << w.y0 << "-" << w.y1 << ", footer at " << footer->y0);
                CHECK(w.y1 <= footer->y0);   // above the footer's line of text
            }
            if (!title.empty() && w.word == title) {
                titleSeen = true;
                // the title is never left alone at a page's foot: its text starts on the same page
                CHECK(std::any_of(words.begin(), words.end(), [&](const WordBox& o) { return tokenOf(o) > 0 && o.y0 > w.y1; }));
            }
        }
    }
    CHECK(titleSeen);
    int lost = 0;
    for (int k = 1; k <= count; ++k) lost += seen[static_cast<std::size_t>(k)] == 1 ? 0 : 1;
    CHECK(lost == 0);   // every word drawn once, none lost off a page
}
}  // namespace

TEST_CASE("findings longer than the page continue line by line on the next pages, never under the footer", "[report][pdf]") {
    // A clinician's free-text findings in one paragraph (no line breaks) taller than the space left:
    // it was drawn as one block wherever 60 mm remained, running under the footer and off the page
    // (1154 of these 2400 words lost).
    app();
    if (!havePoppler()) {
        WARN("poppler-utils not installed: word boxes not checked");
        return;
    }
    auto m = emg::test::sampleL5Report();
    m.findings = tokens("w", 2400);
    const auto pdf = tempDir() / "long-findings.pdf";
    const auto stats = writePdfReport(m, pdf);
    REQUIRE(stats.pages >= 2);
    checkTokensPlaced(pdf, stats.pages, "w", 2400, "Findings");
}

TEST_CASE("a field's long value (a referral letter as the indication) is set as its own paragraph, never under the footer",
          "[report][pdf]") {
    // In the two-column grid it made one row taller than the page, drawn past the footer.
    app();
    if (!havePoppler()) {
        WARN("poppler-utils not installed: word boxes not checked");
        return;
    }
    auto m = emg::test::sampleL5Report();
    for (auto& [k, v] : m.studyFields)
        if (k == "Indication") v = tokens("ind", 1500);
    const auto pdf = tempDir() / "long-indication.pdf";
    const auto stats = writePdfReport(m, pdf);
    REQUIRE(stats.pages >= 2);
    checkTokensPlaced(pdf, stats.pages, "ind", 1500, "Indication");
    // the short fields stay in the grid, on the first page
    const std::string first = run("pdftotext -f 1 -l 1 '" + pdf.string() + "' -");
    CHECK(first.find("Doe, Jane") != std::string::npos);
    CHECK(first.find("2026-11-24") != std::string::npos);
}
