// `emgws-cli annotations list|add|remove|export` end to end against SQLite and PostgreSQL: the
// annotation is linked to the file's SHA-256 (a copy of the file elsewhere shows it too), the
// removal stays in the history, the export is an EDF+ copy with the annotation while the raw
// file keeps its checksum, and bad requests give a message and a non-zero exit.
#include "cli_run.h"
#include "pg_server.h"
#include "study_test_util.h"

#include <emg/io/recording_io.h>
#include <emg/io/sha256.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

#ifdef EMGWS_CLI_PATH
namespace {

using Result = emg::study::test::CliResult;
using emg::study::test::slurp;

Result cli(const std::filesystem::path& dir, const std::string& args) { return emg::study::test::runCli(dir, "annotations " + args); }

nlohmann::json ok(const Result& r) {
    INFO("stderr: " << r.err);
    REQUIRE(r.rc == 0);
    return nlohmann::json::parse(r.out);
}

/// 10 s at 1 kHz with one stimulus annotation (EDF+).
std::filesystem::path writeRecording(const std::filesystem::path& dir) {
    emg::Recording rec;
    emg::RecordedChannel ch;
    ch.label = "APB";
    ch.sampleRateHz = 1000.0;
    for (int i = 0; i < 10000; ++i) ch.samples.push_back(500.0 * ((i % 40) - 20) / 20.0);
    rec.channels.push_back(ch);
    rec.annotations = {{1.0, 0.0, "Stim wrist"}};
    const auto path = dir / "needle.edf";
    emg::io::writeRecording(rec, path, emg::io::FileFormat::EdfPlus);
    return path;
}

void annotationsRoundTrip(const std::filesystem::path& dir, const std::string& db) {
    const auto raw = writeRecording(dir);
    const std::string sha = emg::io::sha256OfFile(raw);
    std::filesystem::create_directories(dir / "elsewhere");
    std::filesystem::copy_file(raw, dir / "elsewhere" / "renamed.edf");

    auto a = ok(cli(dir, "add " + raw.string() + " --at 2.5 --duration 0.4 --text 'fasciculation, APB' --by 'Dr. Review' " + db));
    CHECK(a["recordingSha256"] == sha);
    CHECK(a["onsetSec"] == 2.5);
    CHECK(a["durationSec"] == 0.4);
    CHECK(a["author"] == "Dr. Review");
    CHECK(a["removed"] == false);
    const std::int64_t id = a["id"];
    ok(cli(dir, "add " + raw.string() + " --at 7 --text 'end-plate noise' --by 'Tech A' " + db));

    // listed by the file, by a copy of it under another name, and by its SHA-256
    for (const std::string& key : {raw.string(), (dir / "elsewhere" / "renamed.edf").string(), sha}) {
        const auto l = ok(cli(dir, "list " + key + " " + db));
        CHECK(l["recordingSha256"] == sha);
        REQUIRE(l["annotations"].size() == 2);
        CHECK(l["annotations"][0]["text"] == "fasciculation, APB");
        CHECK(l["annotations"][1]["author"] == "Tech A");
    }

    // export: an EDF+ copy with both; the raw file keeps its checksum
    auto e = ok(cli(dir, "export " + raw.string() + " " + (dir / "reviewed.edf").string() + " " + db));
    CHECK(e["annotationsAdded"] == 2);
    CHECK(e["format"] == "EDF+");
    CHECK(emg::io::sha256OfFile(raw) == sha);
    const auto copy = emg::io::readRecording(dir / "reviewed.edf");
    REQUIRE(copy.annotations.size() == 3);
    CHECK(copy.annotations[0].text == "Stim wrist");
    CHECK(copy.annotations[1].text == "fasciculation, APB");
    CHECK(copy.annotations[1].onsetSec == Approx(2.5).margin(1e-9));
    CHECK(copy.annotations[1].durationSec == Approx(0.4).margin(1e-9));
    CHECK(copy.annotations[2].onsetSec == Approx(7.0).margin(1e-9));

    // removal: gone from the list, kept in the history with who and when
    auto r = ok(cli(dir, "remove " + std::to_string(id) + " --by 'Dr. Second' " + db));
    CHECK(r["removed"] == true);
    CHECK(r["removedBy"] == "Dr. Second");
    CHECK(ok(cli(dir, "list " + sha + " " + db))["annotations"].size() == 1);
    const auto all = ok(cli(dir, "list " + sha + " --include-removed " + db));
    REQUIRE(all["annotations"].size() == 2);
    CHECK(all["annotations"][0]["removedBy"] == "Dr. Second");
    CHECK(all["annotations"][0]["text"] == "fasciculation, APB");
    auto again = cli(dir, "remove " + std::to_string(id) + " --by 'Dr. Third' " + db);
    CHECK(again.rc != 0);
    CHECK_THAT(again.err, Catch::Contains("already removed by Dr. Second"));
    e = ok(cli(dir, "export " + raw.string() + " " + (dir / "reviewed2.edf").string() + " " + db));
    CHECK(e["annotationsAdded"] == 1);

    // refusals: a time outside the 10 s, no --by, the raw file as the output, a BDF name for EDF
    auto bad = cli(dir, "add " + raw.string() + " --at 12 --text x --by A " + db);
    CHECK(bad.rc != 0);
    CHECK_THAT(bad.err, Catch::Contains("outside the recording"));
    bad = cli(dir, "add " + raw.string() + " --at 1 --text x " + db);
    CHECK(bad.rc != 0);
    CHECK_THAT(bad.err, Catch::Contains("--by"));
    bad = cli(dir, "export " + raw.string() + " " + raw.string() + " " + db);
    CHECK(bad.rc != 0);
    CHECK_THAT(bad.err, Catch::Contains("over the raw file"));
    bad = cli(dir, "export " + raw.string() + " " + (dir / "x.bdf").string() + " " + db);
    CHECK(bad.rc != 0);
    CHECK_THAT(bad.err, Catch::Contains("EDF+"));
    bad = cli(dir, "remove 424242 --by A " + db);
    CHECK(bad.rc != 0);
    CHECK_THAT(bad.err, Catch::Contains("no reviewer annotation 424242"));
    CHECK(emg::io::sha256OfFile(raw) == sha);
}

}  // namespace

TEST_CASE("emgws-cli annotations add/list/remove/export against SQLite", "[study][cli][annotations]") {
    const auto dir = emg::study::test::tempDir("cli-annotations");
    annotationsRoundTrip(dir, "--db sqlite:" + (dir / "lab.sqlite").string());
    std::filesystem::remove_all(dir);
}

TEST_CASE("emgws-cli annotations add/list/remove/export against PostgreSQL", "[study][cli][annotations]") {
    const auto dir = emg::study::test::tempDir("cli-annotations-pg");
    annotationsRoundTrip(dir, "--db " + emg::study::test::PgServer::instance().createDatabase());
    std::filesystem::remove_all(dir);
}
#endif
