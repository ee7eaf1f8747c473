// emgws-cli studies sign / verify / addendum / history / signed-pdf and report --study of a signed
// study, end to end on an SQLite store: the stored PDF's SHA-256, a refused edit, the addendum in the
// PDF after the signed report (pdftotext), the automatic value beside the clinician's.
#include "cli_run.h"
#include "raw_sql.h"
#include "signing_fixture.h"
#include "study_test_util.h"

#include <emg/io/sha256.h>
#include <emg/study/json.h>
#include <emg/study/session_store.h>

#include <catch2/catch.hpp>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

#ifdef EMGWS_CLI_PATH
namespace {

using Run = emg::study::test::CliResult;

std::string readAll(const std::filesystem::path& p) { return emg::study::test::slurp(p); }

Run run(const std::filesystem::path& dir, const std::string& args) { return emg::study::test::runCli(dir, args); }

/// pdftotext of a PDF (poppler-utils): laid out like the page, or in reading order (a cell's lines together).
std::string pdfText(const std::filesystem::path& pdf, bool layout = true) {
    const auto txt = pdf.string() + ".txt";
    REQUIRE(std::system(("pdftotext " + std::string(layout ? "-layout " : "") + pdf.string() + " " + txt + " 2>/dev/null").c_str()) == 0);
    return readAll(txt);
}

std::string squeezed(const std::string& s) {
    std::string out;
    for (char c : s)
        if (!std::isspace(static_cast<unsigned char>(c))) out += c;
    return out;
}

void writeStudy(const std::filesystem::path& file, const emg::study::Study& s) {
    std::ofstream(file) << emg::study::toJson(s).dump(2);
}

}  // namespace

TEST_CASE("emgws-cli: sign, refused edit, addendum after the signed report, verify, history", "[study][cli][signing]") {
    using namespace emg::study;
    const auto dir = test::tempDir("cli-sign");
    const std::string db = " --db sqlite:" + (dir / "lab.sqlite").string();
    REQUIRE(run(dir, "patients add --id P001 --name 'Doe, Jane' --birth-date 1970-06-15 --sex female --height-cm 168" + db).rc == 0);
    Study s = test::peronealStudy();
    s.id = "S-2026-0042";
    writeStudy(dir / "study.json", s);
    REQUIRE(run(dir, "studies add --json " + (dir / "study.json").string() + " --by 'Tech Tina'" + db).rc == 0);
    // the examiner moves the automatic onset marker: 4.9 ms -> 5.4 ms
    test::distalLatency(s) = {"distalLatencyMs", 5.4, "ms", Provenance::Clinician, "onset moved", "AE"};
    std::get<NeedleEmg>(s.tests[1]).fibrillations = 3;   // and grades the fibrillations 3+ instead of 2+
    writeStudy(dir / "study.json", s);
    REQUIRE(run(dir, "studies add --json " + (dir / "study.json").string() + " --by 'Dr. Ana Examiner'" + db).rc == 0);

    auto r = run(dir, "studies sign S-2026-0042 --examiner 'Dr. Ana Examiner'" + db);
    REQUIRE(r.rc == 0);
    const auto signedJson = nlohmann::json::parse(r.out);
    CHECK(signedJson["locked"] == true);
    CHECK(signedJson["examiner"] == "Dr. Ana Examiner");
    CHECK(signedJson["osLogin"] == osLoginName());
    const std::string pdfSha = signedJson["pdfSha256"], studySha = signedJson["studySha256"];
    CHECK(pdfSha.size() == 64);

    // the stored PDF is byte for byte the one whose SHA-256 was stored, and says who signed
    r = run(dir, "studies signed-pdf S-2026-0042 " + (dir / "signed.pdf").string() + db);
    REQUIRE(r.rc == 0);
    CHECK(emg::io::sha256OfFile(dir / "signed.pdf") == pdfSha);
    const std::string signedText = pdfText(dir / "signed.pdf");
    INFO(signedText);
    CHECK(signedText.find("Electronically signed by Dr. Ana Examiner") != std::string::npos);
    CHECK(signedText.find(studySha) != std::string::npos);
    // the automatic value beside the clinician's 5.40 (the table cell wraps: compared without whitespace)
    CHECK(squeezed(pdfText(dir / "signed.pdf", false)).find("5.40(c;auto4.90)") != std::string::npos);
    CHECK(signedText.find("Addend") == std::string::npos);

    // an edit after signing is refused with who and when, and nothing changes
    test::distalLatency(s).value = 6.0;
    writeStudy(dir / "study.json", s);
    r = run(dir, "studies add --json " + (dir / "study.json").string() + db);
    CHECK(r.rc == 1);
    CHECK(r.err.find("study S-2026-0042 was signed by Dr. Ana Examiner") != std::string::npos);
    CHECK(r.err.find("add an addendum instead") != std::string::npos);
    r = run(dir, "studies show S-2026-0042" + db);
    REQUIRE(r.rc == 0);
    const auto shown = nlohmann::json::parse(r.out)["tests"][0]["sites"][0]["measurements"][0];
    CHECK(shown["value"] == Approx(5.4).margin(1e-12));
    CHECK(shown["autoValue"] == Approx(4.9).margin(1e-12));
    CHECK(run(dir, "studies verify S-2026-0042" + db).rc == 0);

    // an addendum, then the report: the signed report first, the addendum after it
    r = run(dir, "studies addendum S-2026-0042 --text 'MRI 2026-12-01 shows an L4-5 disc extrusion on the left.' --by 'Dr. Ana Examiner'" + db);
    REQUIRE(r.rc == 0);
    CHECK(nlohmann::json::parse(r.out)["number"] == 1);
    r = run(dir, "report --study S-2026-0042 " + (dir / "report.pdf").string() + db);
    REQUIRE(r.rc == 0);
    const std::string text = pdfText(dir / "report.pdf");
    const auto signedAt = text.find("Electronically signed by Dr. Ana Examiner");
    const auto addendumAt = text.find("Addendum 1 by Dr. Ana Examiner");
    REQUIRE(signedAt != std::string::npos);
    REQUIRE(addendumAt != std::string::npos);
    CHECK(addendumAt > signedAt);
    CHECK(text.find("L4-5 disc extrusion") > addendumAt);
    CHECK(nlohmann::json::parse(r.out)["pages"].get<int>() >= 2);   // the addenda start on a page of their own
    CHECK(run(dir, "studies verify S-2026-0042" + db).rc == 0);   // the addendum does not touch what was signed
    CHECK(emg::io::sha256OfFile(dir / "signed.pdf") == pdfSha);

    // the history: who changed what, old -> new, automatic vs clinician
    r = run(dir, "studies history S-2026-0042 --text yes" + db);
    REQUIRE(r.rc == 0);
    CHECK(r.out.find("Tech Tina") != std::string::npos);
    CHECK(r.out.find("Dr. Ana Examiner") != std::string::npos);
    CHECK(r.out.find("measurement t1 @ ankle distalLatencyMs: 4.9 ms [auto] -> 5.4 ms [clinician]") != std::string::npos);
    CHECK(r.out.find("test t2 needle tibialis anterior left: fibrillations: 2 -> 3") != std::string::npos);
    r = run(dir, "studies history S-2026-0042" + db);
    REQUIRE(r.rc == 0);
    const auto h = nlohmann::json::parse(r.out);
    int updates = 0;
    for (const auto& e : h)
        if (e["action"] == "update" && e["entity"] == "measurement") {
            ++updates;
            CHECK(e["changedBy"] == "Dr. Ana Examiner");
            CHECK(e["old"] == "4.9 ms");
            CHECK(e["new"] == "5.4 ms");
            CHECK(e["oldSource"] == "auto");
            CHECK(e["newSource"] == "clinician");
        }
    CHECK(updates == 1);

    // errors: an addendum to an unknown study, signing twice, verify of an unknown study
    CHECK(run(dir, "studies addendum NOPE --text x --by y" + db).rc == 1);
    r = run(dir, "studies sign S-2026-0042 --examiner 'Dr. Other'" + db);
    CHECK(r.rc == 1);
    CHECK(r.err.find("already signed by Dr. Ana Examiner") != std::string::npos);
    CHECK(run(dir, "studies verify NOPE" + db).rc == 1);

    // the patient's name changes later: the signed report keeps the name it was signed with
    REQUIRE(run(dir, "patients add --id P001 --name 'Doe-Smith, Jane' --update" + db).rc == 0);
    REQUIRE(run(dir, "report --study S-2026-0042 " + (dir / "renamed.pdf").string() + db).rc == 0);
    const std::string renamed = pdfText(dir / "renamed.pdf");
    CHECK(renamed.find("Doe, Jane") != std::string::npos);
    CHECK(renamed.find("Doe-Smith") == std::string::npos);
    r = run(dir, "studies verify S-2026-0042" + db);
    CHECK(r.rc == 0);
    CHECK(nlohmann::json::parse(r.out)["patientRecordChangesSinceSigning"][0] == "name: Doe, Jane -> Doe-Smith, Jane");

    // someone drops the lock by hand and moves the marker: verify names it and fails
    {
        test::RawSql raw("sqlite:" + (dir / "lab.sqlite").string());
        CHECK_FALSE(raw.exec("UPDATE measurements SET value = 4.2 WHERE name = 'distalLatencyMs'").empty());
        REQUIRE(raw.exec("DROP TRIGGER lock_measurements_update").empty());
        REQUIRE(raw.exec("UPDATE measurements SET value = 4.2 WHERE name = 'distalLatencyMs'").empty());
    }
    r = run(dir, "studies verify S-2026-0042" + db);
    CHECK(r.rc == 1);
    CHECK(r.err.find("is NOT as signed: 1 difference(s) from the signed study; 1 lock trigger(s) missing") != std::string::npos);
    const auto v = nlohmann::json::parse(r.out);
    CHECK(v["intact"] == false);
    CHECK(v["lockTriggersMissing"] == nlohmann::json::array({"lock_measurements_update"}));
    REQUIRE(v["differences"].size() == 1);
    CHECK(v["differences"][0] == "test t1 (motor peroneal, left), site 'ankle', distalLatencyMs, value: 5.4 -> 4.2");
    CHECK(v["signedStudySha256"] == studySha);
    // the report of the signed study is still drawn from what was signed
    REQUIRE(run(dir, "report --study S-2026-0042 " + (dir / "report2.pdf").string() + db).rc == 0);
    CHECK(squeezed(pdfText(dir / "report2.pdf", false)).find("5.40(c;auto4.90)") != std::string::npos);
    std::filesystem::remove_all(dir);
}
#endif
