#include "sample_report.h"

#include <catch2/catch.hpp>

using namespace emg::report;

TEST_CASE("report model survives a JSON round trip", "[report]") {
    const auto m = emg::test::sampleL5Report();
    const auto back = reportModelFromJson(toJson(m));
    CHECK(back.title == m.title);
    REQUIRE(back.tables.size() == 3);
    CHECK(back.tables[0].rows[0][2].text == "2.1");
    CHECK(back.tables[0].rows[0][2].abnormal);
    CHECK(back.patientFields.front().second == "Doe, Jane");
    REQUIRE(back.waveforms.size() == 2);
    CHECK(back.waveforms[0].samplesUv.size() == m.waveforms[0].samplesUv.size());
    CHECK(countAbnormal(back) == countAbnormal(m));
    CHECK(countAbnormal(m) == 13);
}

TEST_CASE("a malformed report is refused with the field's name", "[report]") {
    CHECK_THROWS_WITH(reportModelFromJson(nlohmann::json::array()), Catch::Contains("JSON object"));
    nlohmann::json j = {{"tables", {{{"title", "x"}, {"header", {"a"}}, {"rows", {{"1", "2"}}}}}}};
    CHECK_THROWS_WITH(reportModelFromJson(j), Catch::Contains("tables[0]"));
    nlohmann::json w = {{"waveforms", {{{"title", "w"}, {"sampleRateHz", 0}, {"samplesUv", {1, 2}}}}}};
    CHECK_THROWS_WITH(reportModelFromJson(w), Catch::Contains("sampleRateHz"));
    nlohmann::json s = {{"waveforms", {{{"title", "w"}, {"sampleRateHz", 1000}, {"samplesUv", {1, "x"}}}}}};
    CHECK_THROWS_WITH(reportModelFromJson(s), Catch::Contains("numbers"));
}
