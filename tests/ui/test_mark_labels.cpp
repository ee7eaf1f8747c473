// The texts of marks above a review page (review/mark_labels.h): none runs over the next one.
#include "review/mark_labels.h"

#include <catch2/catch.hpp>

using emg::ui::markLabelWidths;

TEST_CASE("review marks: each text ends 4 px before the next one starts, the last at the right edge", "[ui][review]") {
    // a Nihon Kohden export's first second: "Montage" at 3 px, "REC START" at 60, "EEG" at 66 (px),
    // given out of order; the page is 900 px wide
    const auto w = markLabelWidths({60.0, 3.0, 66.0, 400.0}, 900.0);
    REQUIRE(w.size() == 4);
    CHECK(w[1] == Approx(60.0 - 4.0 - 3.0));   // "Montage": up to "REC START"
    CHECK(w[0] == 0.0);                        // "REC START": 2 px of room, below 14 px: the line alone
    CHECK(w[2] == Approx(400.0 - 4.0 - 66.0)); // "EEG"
    CHECK(w[3] == Approx(900.0 - 400.0));      // the last one: to the edge
    // two marks at the same place: the first gives way
    const auto same = markLabelWidths({100.0, 100.0}, 300.0);
    CHECK(same[0] == 0.0);
    CHECK(same[1] == Approx(200.0));
    CHECK(markLabelWidths({}, 300.0).empty());
}
