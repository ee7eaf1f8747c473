// The page for the patient: made only from a confirmed impression (refused otherwise, nothing
// written), and readable: Flesch-Kincaid grade 8 or less (pdftotext of the PDF, syllables
// counted here), no value with a unit, no word of the jargon list, every tested region named.
#include "pdf_tools.h"
#include "readability.h"

#include <emg/report/patient_page.h>
#include <emg/report/patient_page_pdf.h>
#include <emg/study/myotomes.h>

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <set>

#include <unistd.h>

using namespace emg;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

const study::MyotomeMap& myotomes() {
    static const auto m = study::MyotomeMap::load(fs::path(EMGWS_SOURCE_DIR) / "resources" / "myotomes.json");
    return m;
}

/// Words a patient should not meet (the clinician's vocabulary), matched as whole words, any case.
const std::vector<std::string> kJargon = {
    "latency", "latencies", "amplitude", "conduction", "velocity", "CMAP", "SNAP", "radiculopathy", "neuropathy",
    "polyneuropathy", "plexopathy", "myopathy", "myasthenia", "denervation", "denervated", "fibrillation", "fibrillations",
    "fasciculation", "fasciculations", "axonal", "demyelinating", "EMG", "electromyography", "electrodiagnostic", "MUP", "MUAP",
    "motor", "sensory", "recruitment", "paraspinal", "paraspinals", "myotome", "dermatome", "distal", "proximal", "lesion",
    "F-wave", "H-reflex", "peroneal", "fibular", "tibial", "sural", "ulnar", "median", "radial", "sciatic", "lumbosacral",
    "cervical", "neurogenic", "myopathic", "potentials", "bilateral", "unilateral", "impression", "localization", "normative"};

std::vector<std::string> jargonIn(const std::string& text) {
    std::vector<std::string> found;
    for (const auto& w : kJargon)
        if (std::regex_search(text, std::regex("(^|[^A-Za-z-])" + w + "($|[^A-Za-z-])", std::regex::icase))) found.push_back(w);
    return found;
}

/// A number followed by a unit of measurement ("3.2 ms", "5 mV", "45 m/s", "30 %").
bool hasValueWithUnit(const std::string& text) {
    static const std::regex value(R"((\d+([.,]\d+)?)\s*(ms|mV|µV|uV|m/s|Hz|mA|mm|cm|%|°C|kg|Ohm|kOhm)([^A-Za-z]|$))");
    return std::regex_search(text, value);
}

std::string pageText(const report::PatientPage& p) {
    std::string s = p.title + "\n\n" + p.patientName + "\n\n";
    for (const auto& sec : p.sections) {
        s += sec.heading + "\n\n";
        for (const auto& para : sec.paragraphs) s += para + "\n\n";
    }
    return s;
}

study::Study studyWith(const std::string& impression, bool confirmed, const std::string& kind = "localization") {
    study::Study s;
    s.id = "S1";
    s.patientId = "MRN-0042";
    s.date = "2026-11-20";
    s.examiner = "Dr. Examiner";
    study::MotorNcs per;
    per.side = study::Side::Left;
    per.nerve = "peroneal";
    per.recordingSite = "extensor digitorum brevis";
    s.tests.push_back(per);
    study::SensoryNcs sural;
    sural.side = study::Side::Right;
    sural.nerve = "sural";
    s.tests.push_back(sural);
    study::NeedleEmg para;
    para.side = study::Side::Left;
    para.muscle = "lumbosacral paraspinals";
    s.tests.push_back(para);
    study::NeedleEmg apb;
    apb.side = study::Side::Left;
    apb.muscle = "abductor pollicis brevis";
    s.tests.push_back(apb);
    s.findings.push_back({kind, impression, study::Provenance::Clinician, confirmed});
    return s;
}

const study::Patient kPatient{"MRN-0042", "Doe, Jane", "1968-03-14", study::Sex::Female, std::nullopt, study::Side::Left};

}  // namespace

TEST_CASE("the patient page is refused without a confirmed impression", "[report][patient]") {
    auto s = studyWith("left L5 radiculopathy", false);
    s.findings.front().provenance = study::Provenance::Auto;   // the automatic suggestion, not confirmed
    CHECK_THROWS_AS(report::patientPageFor(kPatient, s, myotomes()), report::UnconfirmedImpression);
    try {
        report::patientPageFor(kPatient, s, myotomes());
    } catch (const report::UnconfirmedImpression& e) {
        CHECK(std::string(e.what()).find("no confirmed impression") != std::string::npos);
    }
    s.findings.clear();
    CHECK_THROWS_AS(report::patientPageFor(kPatient, s, myotomes()), report::UnconfirmedImpression);
    // a confirmed text the page cannot say in plain words is refused too, naming it
    CHECK_THROWS_WITH(report::patientPageFor(kPatient, studyWith("Martin-Gruber anastomosis", true), myotomes()),
                      Catch::Contains("Martin-Gruber anastomosis"));
}

TEST_CASE("the patient page says each kind of confirmed impression in plain words", "[report][patient]") {
    const std::vector<std::string> impressions = {
        "Left L5 radiculopathy",
        "Right S1 radiculopathy, chronic, with ongoing denervation",
        "Left C6 and C7 radiculopathy",
        "Left peroneal neuropathy at the fibular head",
        "Right median neuropathy at the wrist (carpal tunnel syndrome), moderate",
        "Ulnar neuropathy at the elbow, left",
        "Length-dependent sensorimotor axonal polyneuropathy",
        "Left lumbosacral plexopathy",
        "Proximal myopathy",
        "Postsynaptic neuromuscular junction disorder (myasthenia gravis)",
        "Normal study: no electrodiagnostic evidence of a radiculopathy",
    };
    for (const auto& impression : impressions) {
        INFO(impression);
        const auto page = report::patientPageFor(kPatient, studyWith(impression, true, "impression"), myotomes());
        const std::string text = pageText(page);
        INFO(text);
        const auto r = test::readability(text);
        CHECK(r.grade() <= 8.0);
        CHECK_FALSE(hasValueWithUnit(text));
        CHECK(jargonIn(text).empty());
        REQUIRE(page.sections.size() == 3);
        CHECK(page.sections[1].heading == "What we found");
        // the tested regions: left leg (peroneal), right leg (sural), lower back (paraspinals), left arm (APB)
        CHECK(page.regions == std::vector<std::string>{"left leg", "right leg", "lower back", "left arm"});
        for (const auto& region : page.regions) CHECK(page.sections[0].paragraphs[0].find(region) != std::string::npos);
        WARN(impression << ": Flesch-Kincaid grade " << r.grade());
    }
    SECTION("the root and side of a radiculopathy are said, the side of the leg") {
        const auto page = report::patientPageFor(kPatient, studyWith("Left L5 radiculopathy", true), myotomes());
        const std::string found = page.sections[1].paragraphs[0];
        CHECK(found.find("lower back") != std::string::npos);
        CHECK(found.find("L5 root") != std::string::npos);
        CHECK(found.find("left leg") != std::string::npos);
    }
}

TEST_CASE("emgws-cli report --patient-page: refused until confirmed, then a readable page naming every tested region",
          "[report][patient][cli]") {
    test::pdfApp();
    if (!test::havePoppler()) {
        WARN("poppler-utils not installed: the page's text not checked");
        return;
    }
    const fs::path dir = fs::temp_directory_path() / ("emgws-patient-page-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "rec");
    const std::string cli = EMGWS_CLI;
    const std::string db = " --db 'sqlite:" + (dir / "store.sqlite").string() + "'";
    int rc = -1;
    test::runCommand(cli + " patients add --id MRN-0042 --name 'Doe, Jane' --birth-date 1968-03-14 --sex female" + db, &rc);
    REQUIRE(rc == 0);
    const auto made = json::parse(test::runCommand(
        cli + " simulate --lesion L5:left --patient MRN-0042 --recordings '" + (dir / "rec").string() + "'" + db, &rc));
    REQUIRE(rc == 0);
    const std::string id = made.at("studyId");
    const fs::path out = dir / "patient.pdf";

    // not confirmed: refused with the reason, nothing written
    const std::string refused =
        test::runCommand(cli + " report --study " + id + db + " --patient-page '" + out.string() + "' 2>&1", &rc);
    CHECK(rc == 1);
    CHECK(refused.find("no confirmed impression") != std::string::npos);
    CHECK_FALSE(fs::exists(out));

    // the clinician confirms the localization
    auto study = json::parse(test::runCommand(cli + " studies show " + id + db, &rc));
    REQUIRE(rc == 0);
    study["findings"].push_back({{"kind", "localization"}, {"text", "Left L5 radiculopathy"}, {"provenance", "clinician"}, {"confirmed", true}});
    std::ofstream(dir / "study.json") << study.dump(2);
    test::runCommand(cli + " studies add --json '" + (dir / "study.json").string() + "' --by 'Dr. Examiner'" + db, &rc);
    REQUIRE(rc == 0);

    const auto done = json::parse(test::runCommand(cli + " report --study " + id + db + " --patient-page '" + out.string() + "'", &rc));
    REQUIRE(rc == 0);
    REQUIRE(fs::exists(out));
    CHECK(done.at("pages").get<int>() == 1);
    test::pdfPageImages(out, fs::current_path(), "patient-page", 100);   // kept for a look

    const std::string text = test::pdfText(out);
    INFO(text);
    const auto r = test::readability(text);
    CHECK(r.grade() <= 8.0);
    CHECK(r.words > 80);   // a page, not a line
    CHECK_FALSE(hasValueWithUnit(text));
    CHECK(jargonIn(text).empty());
    // every tested region, read from the stored study here: each side's leg, the lower back for the paraspinals
    std::set<std::string> regions;
    for (const auto& t : study.at("tests")) {
        if (t.value("muscle", "").find("paraspinal") != std::string::npos) regions.insert("lower back");
        else if (t.at("side") == "left") regions.insert("left leg");
        else if (t.at("side") == "right") regions.insert("right leg");
    }
    REQUIRE_FALSE(regions.empty());
    for (const auto& region : regions) CHECK(text.find(region) != std::string::npos);
    CHECK(text.find("L5") != std::string::npos);
    CHECK(text.find("Patient ID") != std::string::npos);   // the page names whose it is
    WARN("patient page (CLI, L5): Flesch-Kincaid grade " << r.grade() << " (" << r.words << " words, " << r.sentences
                                                         << " sentences, " << r.syllables << " syllables)");
}

TEST_CASE("a long paragraph of the patient page continues on the next page, never under its footer", "[report][patient]") {
    // Each block was drawn whole wherever it started: one taller than the space left ran past the footer.
    if (!emg::test::havePoppler()) {
        WARN("poppler-utils not installed: word boxes not checked");
        return;
    }
    emg::test::pdfApp();
    report::PatientPage page;
    page.patientName = "Jane Doe";
    page.patientId = "MRN-0042";
    std::string para;
    constexpr int kWords = 1500;
    for (int i = 1; i <= kWords; ++i) para += "w" + std::to_string(i) + (i % 10 == 0 ? ". " : " ");
    page.sections.push_back({"What we found", {para}});
    const auto dir = fs::temp_directory_path() / ("emgws-patient-long-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const auto pdf = dir / "long.pdf";
    const int pages = report::writePatientPagePdf(page, pdf);
    REQUIRE(pages >= 2);
    std::vector<int> seen(kWords + 1, 0);
    for (int n = 1; n <= pages; ++n) {
        INFO("page " << n);
        const auto words = emg::test::pdfWordBoxes(pdf, n);
        const auto footer = std::find_if(words.begin(), words.end(), [](const auto& w) { return w.word == "Page"; });
        REQUIRE(footer != words.end());
        for (const auto& w : words) {
            int k = 0;
            if (w.word.size() < 2 || w.word[0] != 'w' || std::sscanf(w.word.c_str() + 1, "%d", &k) != 1 || k < 1 || k > kWords) continue;
            ++seen[static_cast<std::size_t>(k)];
            INFO("word " << w.word << " ends at " << w.y1 << " pt, the footer starts at " << footer->y0);
            CHECK(w.y1 <= footer->y0);
        }
    }
    int lost = 0;
    for (int k = 1; k <= kWords; ++k) lost += seen[static_cast<std::size_t>(k)] == 1 ? 0 : 1;
    CHECK(lost == 0);
    fs::remove_all(dir);
}
