// The insertion annotation the bedside run writes and the report reads back (insertion_annotation.h):
// what one writes the other reads, and any other text names no insertion.
#include <emg/io/insertion_annotation.h>

#include <catch2/catch.hpp>

using namespace emg::io;

TEST_CASE("an insertion annotation reads back its insertion, other texts none", "[io][annotation]") {
    CHECK(insertionAnnotationText(2, "Weak effort") == "Insertion 2: Weak effort");
    for (std::size_t n : {1u, 2u, 17u}) CHECK(insertionOfAnnotation(insertionAnnotationText(n, "Rest")) == n);
    CHECK(insertionOfAnnotation("Insertion 3") == 3u);   // no phase after it
    for (const char* other : {"Rest", "Stim ankle 25 mA", "Insertion : Rest", "Insertion x: Rest", "insertion 2: Rest",
                              "Insertion 2a: Rest", "Insertion 12345678901234567890: Rest", ""})
        CHECK_FALSE(insertionOfAnnotation(other).has_value());
}
