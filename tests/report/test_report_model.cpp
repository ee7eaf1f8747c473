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

TEST_CASE("a signed report's signature and addenda survive a JSON round trip", "[report][signing]") {
    auto m = emg::test::sampleL5Report();
    m.signature = ReportSignature{"Dr. Ana Examiner", "aexam", "2026-11-25T10:00:00Z", std::string(64, 'a')};
    m.addenda = {{1, "MRI: L4-5 disc extrusion.", "Dr. Ana Examiner", "aexam", "2026-12-01T09:00:00.000Z"},
                 {2, "Discussed with the referring physician.", "Dr. B", "bdoc", "2026-12-02T09:00:00.000Z"}};
    const auto back = reportModelFromJson(toJson(m));
    REQUIRE(back.signature);
    CHECK(back.signature->examiner == "Dr. Ana Examiner");
    CHECK(back.signature->studySha256 == std::string(64, 'a'));
    REQUIRE(back.addenda.size() == 2);
    CHECK(back.addenda[1].number == 2);
    CHECK(back.addenda[1].author == "Dr. B");
    CHECK_FALSE(reportModelFromJson(toJson(emg::test::sampleL5Report())).signature);
    CHECK_THROWS_WITH(reportModelFromJson(nlohmann::json{{"addenda", {1}}}), Catch::Contains("report.addenda[0]"));
}

TEST_CASE("figures from stored recordings survive a JSON round trip, a malformed one is refused by its field", "[report][waves]") {
    ReportModel m;
    ReportFigure f;
    f.title = "Peroneal motor, left";
    f.layout = FigureLayout::Cascade;
    f.sweepMsPerDiv = 5;
    f.source = "peroneal-L.bdf, channel EDB, SHA-256 1a2b verified";
    f.traces.push_back({"ankle", 20000, 5, {0, -120.5, -4980, 1900}, {{"onset", 4.5}, {"peak", 6.7}}});
    f.traces.push_back({"below fibular head", 20000, 5, {0, -10, -4500}, {{"onset", 10.75}}});
    ReportFigure missing;
    missing.title = "Sural sensory, left";
    missing.layout = FigureLayout::Raster;
    missing.unavailable = "Recording sural-L.bdf is missing: figure not drawn.";
    missing.markers = {{"F min 48.2 ms", 48.2}};
    m.figures = {f, missing};
    m.figuresNote = "No recording linked (no figure): Sural sensory, right.";
    const auto back = reportModelFromJson(toJson(m));
    REQUIRE(back.figures.size() == 2);
    CHECK(back.figures[0].title == f.title);
    CHECK(back.figures[0].layout == FigureLayout::Cascade);
    CHECK(back.figures[0].sweepMsPerDiv == 5);
    REQUIRE(back.figures[0].traces.size() == 2);
    CHECK(back.figures[0].traces[0].samplesUv == f.traces[0].samplesUv);
    CHECK(back.figures[0].traces[0].markers[1].label == "peak");
    CHECK(back.figures[0].traces[0].markers[1].timeMs == 6.7);
    CHECK(back.figures[0].traces[1].preTriggerMs == 5);
    CHECK(back.figures[1].layout == FigureLayout::Raster);
    CHECK(back.figures[1].unavailable == missing.unavailable);
    CHECK(back.figures[1].markers[0].timeMs == 48.2);
    CHECK(back.figuresNote == m.figuresNote);

    CHECK_THROWS_WITH(reportModelFromJson(nlohmann::json{{"figures", {{{"layout", "spiral"}}}}}),
                      Catch::Contains("report.figures[0].layout") && Catch::Contains("cascade, raster, templates"));
    CHECK_THROWS_WITH(reportModelFromJson(nlohmann::json{{"figures", {{{"traces", {{{"sampleRateHz", 0}}}}}}}}),
                      Catch::Contains("report.figures[0].traces[0].sampleRateHz"));
    CHECK_THROWS_WITH(reportModelFromJson(nlohmann::json{{"figures", {{{"traces", {{{"sampleRateHz", 1000}, {"samplesUv", {"x"}}}}}}}}}),
                      Catch::Contains("numbers only"));
}
