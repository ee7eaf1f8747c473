// Reviewer annotations in the session store (schema version 3), against both back ends (SQLite
// in a temp folder, PostgreSQL on a throw-away loopback server): stored with who and when, linked
// to the recording's SHA-256 whatever its path, removal kept as history, ids never reused,
// refusals, the migration from version 2, and the review view's source (StoreReviewerAnnotations).
#include "pg_server.h"
#include "study_test_util.h"

#include <emg/study/session_store.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <regex>

using namespace emg::study;
using emg::review::ReviewerAnnotation;

namespace {

struct Db {
    std::string url;
    std::filesystem::path dir;
    ~Db() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
};

std::unique_ptr<Db> makeDb(const std::string& backend) {
    auto db = std::make_unique<Db>();
    db->dir = test::tempDir("annotations-" + backend);
    db->url = backend == "sqlite" ? "sqlite:" + (db->dir / "emgws.sqlite").string() : test::PgServer::instance().createDatabase();
    return db;
}

const std::string kSha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const std::string kOtherSha(64, 'e');

ReviewerAnnotation note(const std::string& sha, double onsetSec, const std::string& text, const std::string& author, double durationSec = 0.0) {
    ReviewerAnnotation a;
    a.recordingSha256 = sha;
    a.onsetSec = onsetSec;
    a.durationSec = durationSec;
    a.text = text;
    a.author = author;
    return a;
}

bool isIsoUtc(const std::string& s) { return std::regex_match(s, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")); }

}  // namespace

TEST_CASE("store reviewer annotations: who and when, by SHA-256, ordered, removal kept as history", "[study][store][annotations]") {
    const auto db = makeDb(GENERATE(as<std::string>{}, "sqlite", "postgresql"));
    INFO(db->url);
    std::int64_t fasciculationId = 0, sharpWaveId = 0;
    {
        auto store = SessionStore::open(db->url);
        CHECK(store->schemaVersion() >= 3);
        const auto a = store->addReviewerAnnotation(note(kSha, 754.25, "fasciculation, L5 myotome", "Dr. Review", 0.3));
        const auto b = store->addReviewerAnnotation(note(kSha, 12.0, "positive sharp waves", "Tech A"));
        const auto c = store->addReviewerAnnotation(note(kOtherSha, 1.0, "another recording", "Tech A"));
        CHECK(a.id > 0);
        CHECK(b.id > a.id);
        CHECK(c.id > b.id);
        CHECK(isIsoUtc(a.createdUtc));
        fasciculationId = a.id;
        sharpWaveId = b.id;
        auto given = note(kSha, 12.0, "imported, same onset", "Dr. Review");
        given.createdUtc = "2026-11-30T10:00:00Z";
        CHECK(store->addReviewerAnnotation(given).createdUtc == "2026-11-30T10:00:00Z");
    }
    {   // another connection (another workstation) sees them, ordered by onset then id
        auto store = SessionStore::open(db->url);
        const auto list = store->reviewerAnnotations(kSha);
        REQUIRE(list.size() == 3);
        CHECK(list[0].annotation.id == sharpWaveId);
        CHECK(list[1].annotation.text == "imported, same onset");
        CHECK(list[2].annotation.id == fasciculationId);
        CHECK(list[2].annotation.onsetSec == 754.25);
        CHECK(list[2].annotation.durationSec == 0.3);
        CHECK(list[2].annotation.author == "Dr. Review");
        CHECK(list[2].annotation.recordingSha256 == kSha);
        CHECK_FALSE(list[2].removed());
        CHECK(store->reviewerAnnotations(kOtherSha).size() == 1);
        CHECK(store->reviewerAnnotations(std::string(64, '0')).empty());

        CHECK(store->removeReviewerAnnotation(sharpWaveId, "Dr. Second"));
        CHECK_FALSE(store->removeReviewerAnnotation(sharpWaveId, "Dr. Third"));   // already removed: the first removal stays
        CHECK_FALSE(store->removeReviewerAnnotation(999999, "Dr. Second"));
        CHECK_THROWS_AS(store->removeReviewerAnnotation(fasciculationId, ""), std::invalid_argument);
        CHECK(store->reviewerAnnotations(kSha).size() == 2);
        const auto history = store->reviewerAnnotations(kSha, true);
        REQUIRE(history.size() == 3);
        const auto removed = store->reviewerAnnotation(sharpWaveId);
        REQUIRE(removed);
        CHECK(removed->removed());
        CHECK(removed->removedBy == "Dr. Second");
        CHECK(isIsoUtc(removed->removedUtc));
        CHECK(removed->annotation.text == "positive sharp waves");   // the removed text is kept
        CHECK(removed->annotation.author == "Tech A");
        CHECK_FALSE(store->reviewerAnnotation(999999));
        // a new annotation never takes a removed one's id
        CHECK(store->addReviewerAnnotation(note(kSha, 3.0, "new", "Tech A")).id > sharpWaveId);
    }
}

TEST_CASE("store reviewer annotations refuse what is not an annotation, nothing is stored then", "[study][store][annotations]") {
    const auto db = makeDb(GENERATE(as<std::string>{}, "sqlite", "postgresql"));
    INFO(db->url);
    auto store = SessionStore::open(db->url);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_AS(store->addReviewerAnnotation(note("/data/rec.edf", 1.0, "x", "A")), std::invalid_argument);   // a path, not a SHA-256
    CHECK_THROWS_AS(store->addReviewerAnnotation(note(std::string(64, 'G'), 1.0, "x", "A")), std::invalid_argument);
    CHECK_THROWS_AS(store->addReviewerAnnotation(note(kSha, 1.0, "", "A")), std::invalid_argument);
    CHECK_THROWS_AS(store->addReviewerAnnotation(note(kSha, -0.5, "x", "A")), std::invalid_argument);
    CHECK_THROWS_AS(store->addReviewerAnnotation(note(kSha, nan, "x", "A")), std::invalid_argument);
    CHECK_THROWS_AS(store->addReviewerAnnotation(note(kSha, 1.0, "x", "A", -1.0)), std::invalid_argument);
    CHECK_THROWS_WITH(store->addReviewerAnnotation(note(kSha, 1.0, "x", "")), Catch::Contains("who"));
    CHECK(store->reviewerAnnotations(kSha, true).empty());
}

TEST_CASE("store reviewer annotations need schema 3: a version-2 store says so, migrating keeps its data", "[study][store][annotations]") {
    const auto db = makeDb(GENERATE(as<std::string>{}, "sqlite", "postgresql"));
    INFO(db->url);
    {
        auto v2 = SessionStore::open(db->url, StoreOptions{2});
        CHECK(v2->schemaVersion() == 2);
        v2->savePatient({"P9", "Doe, John", "", Sex::Male, std::nullopt, Side::Unspecified});
        CHECK_THROWS_WITH(v2->addReviewerAnnotation(note(kSha, 1.0, "x", "A")), Catch::Contains("need schema version 3"));
        CHECK_THROWS_WITH(v2->reviewerAnnotations(kSha), Catch::Contains("need schema version 3"));
    }
    auto store = SessionStore::open(db->url);
    CHECK(store->schemaVersion() >= 3);
    CHECK(store->patient("P9"));
    const auto a = store->addReviewerAnnotation(note(kSha, 1.0, "after the migration", "A"));
    CHECK(store->reviewerAnnotations(kSha).at(0).annotation.id == a.id);
}

TEST_CASE("StoreReviewerAnnotations is the review view's source over the store", "[study][store][annotations]") {
    const auto db = makeDb(GENERATE(as<std::string>{}, "sqlite", "postgresql"));
    INFO(db->url);
    auto store = SessionStore::open(db->url);
    StoreReviewerAnnotations source(*store);
    emg::review::ReviewerAnnotationSource& seam = source;
    const auto a = seam.add(note(kSha, 5.5, "myokymic discharge", "Dr. Review"));
    seam.add(note(kSha, 2.0, "insertional activity", "Dr. Review"));
    auto list = seam.annotations(kSha);
    REQUIRE(list.size() == 2);
    CHECK(list[0].text == "insertional activity");
    CHECK(seam.remove(a.id, "Dr. Review"));
    CHECK_FALSE(seam.remove(a.id, "Dr. Review"));
    list = seam.annotations(kSha);
    REQUIRE(list.size() == 1);
    // the removal is in the store's history with who did it
    const auto kept = store->reviewerAnnotation(a.id);
    REQUIRE(kept);
    CHECK(kept->removedBy == "Dr. Review");
}
