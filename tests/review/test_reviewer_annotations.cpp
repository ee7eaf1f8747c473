// The in-memory reviewer-annotation source (tests, reviews without a store): what it refuses
// (a SHA-256 that is not 64 lower-case hex digits, an empty text, negative or NaN times), ids,
// order by onset then id, one recording's annotations never mixed with another's, removal.
#include <emg/review/reviewer_annotations.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>

using emg::review::InMemoryReviewerAnnotations;
using emg::review::ReviewerAnnotation;

namespace {
const std::string kShaA(64, 'a');
const std::string kShaB = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

ReviewerAnnotation note(const std::string& sha, double onsetSec, const std::string& text, double durationSec = 0.0) {
    ReviewerAnnotation a;
    a.recordingSha256 = sha;
    a.onsetSec = onsetSec;
    a.durationSec = durationSec;
    a.text = text;
    a.author = "Dr. Review";
    return a;
}
}  // namespace

TEST_CASE("in-memory reviewer annotations refuse a bad SHA-256, an empty text and negative or NaN times", "[review][annotations]") {
    InMemoryReviewerAnnotations source;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    CHECK_THROWS_AS(source.add(note("", 1.0, "x")), std::invalid_argument);
    CHECK_THROWS_AS(source.add(note(std::string(63, 'a'), 1.0, "x")), std::invalid_argument);   // 63 digits
    CHECK_THROWS_AS(source.add(note(std::string(65, 'a'), 1.0, "x")), std::invalid_argument);   // 65 digits
    CHECK_THROWS_AS(source.add(note(std::string(64, 'A'), 1.0, "x")), std::invalid_argument);   // upper case is not how we store it
    CHECK_THROWS_AS(source.add(note(std::string(63, 'a') + "g", 1.0, "x")), std::invalid_argument);
    CHECK_THROWS_AS(source.add(note("/data/rec.edf" + std::string(51, 'a'), 1.0, "x")), std::invalid_argument);   // 64 chars, a path
    CHECK_THROWS_WITH(source.add(note(kShaA, 1.0, "")), Catch::Contains("text is empty"));
    CHECK_THROWS_WITH(source.add(note(kShaA, -0.001, "x")), Catch::Contains("onset"));
    CHECK_THROWS_WITH(source.add(note(kShaA, nan, "x")), Catch::Contains("onset"));
    CHECK_THROWS_WITH(source.add(note(kShaA, inf, "x")), Catch::Contains("onset"));
    CHECK_THROWS_WITH(source.add(note(kShaA, 1.0, "x", -0.5)), Catch::Contains("duration"));
    CHECK_THROWS_WITH(source.add(note(kShaA, 1.0, "x", nan)), Catch::Contains("duration"));
    // nothing refused was kept, and the ids were not used up
    CHECK(source.annotations(kShaA).empty());
    CHECK(source.add(note(kShaA, 0.0, "at the very start")).id == 1);
}

TEST_CASE("in-memory reviewer annotations: ids, creation time, order by onset then id, per recording, removal", "[review][annotations]") {
    InMemoryReviewerAnnotations source;
    const auto late = source.add(note(kShaA, 12.5, "fasciculation", 0.2));
    const auto early = source.add(note(kShaA, 3.0, "positive sharp wave"));
    const auto sameTime = source.add(note(kShaA, 3.0, "second look"));
    const auto other = source.add(note(kShaB, 1.0, "other recording"));
    CHECK(late.id == 1);
    CHECK(early.id == 2);
    CHECK(sameTime.id == 3);
    CHECK(other.id == 4);
    // createdUtc: ISO 8601 UTC with seconds, "YYYY-MM-DDTHH:MM:SSZ" (20 characters)
    REQUIRE(late.createdUtc.size() == 20);
    CHECK(late.createdUtc[4] == '-');
    CHECK(late.createdUtc[10] == 'T');
    CHECK(late.createdUtc.back() == 'Z');
    auto given = note(kShaA, 20.0, "imported");
    given.createdUtc = "2026-01-02T03:04:05Z";
    CHECK(source.add(given).createdUtc == "2026-01-02T03:04:05Z");   // kept when already set

    const auto a = source.annotations(kShaA);
    REQUIRE(a.size() == 4);
    CHECK(a[0].id == early.id);
    CHECK(a[1].id == sameTime.id);   // same onset: by id
    CHECK(a[2].id == late.id);
    CHECK(a[2].durationSec == 0.2);
    CHECK(a[2].author == "Dr. Review");
    CHECK(a[3].text == "imported");
    REQUIRE(source.annotations(kShaB).size() == 1);
    CHECK(source.annotations(std::string(64, 'c')).empty());

    CHECK(source.remove(early.id, "Dr. Second"));
    CHECK_FALSE(source.remove(early.id, "Dr. Second"));   // already gone
    CHECK_FALSE(source.remove(999, "Dr. Second"));
    const auto after = source.annotations(kShaA);
    REQUIRE(after.size() == 3);
    CHECK(after[0].id == sameTime.id);
    // a new annotation never reuses a removed one's id
    CHECK(source.add(note(kShaA, 1.0, "new")).id == 6);
}
