// DICOM text forms and UIDs of the export (src/report/dicom/dicom_values.h, PS3.5 6.2 and 9).
#include <catch2/catch.hpp>

#include "acquisition_time.h"
#include "channel_sources.h"
#include "dicom_values.h"
#include "linked_span.h"

#include <regex>
#include <set>

using namespace emg::report::dicom;

TEST_CASE("DICOM values: person names, sex, dates in the forms PS3.5 prescribes", "[dicom]") {
    CHECK(personName("Doe, Jane") == "Doe^Jane");
    CHECK(personName("  van der Berg ,  Anna Maria ") == "van der Berg^Anna Maria");
    CHECK(personName("Dr. House") == "Dr. House");   // no comma: all family name
    CHECK(sexCode(emg::study::Sex::Male) == "M");
    CHECK(sexCode(emg::study::Sex::Female) == "F");
    CHECK(sexCode(emg::study::Sex::Other) == "O");
    CHECK(sexCode(emg::study::Sex::Unknown).empty());
    CHECK(dicomDate("2026-11-24") == "20261124");
    CHECK(dicomDate("24.11.2026").empty());
    const auto dt = dicomDateTime("2026-11-24T09:05:03Z");
    CHECK(dt.date == "20261124");
    CHECK(dt.time == "090503");
    CHECK(limitText("abcdé", 5) == "abcd");   // never cuts a UTF-8 character in two
}

TEST_CASE("DICOM values: decimal strings keep 16 characters and the value to 1e-13", "[dicom]") {
    for (const double v : {1000.0 / 32767.0, 0.0, -262143.0 / 8388607.0 * 1000.0, 20000.0, 1e-7, 123456789.123456}) {
        const auto s = decimalString(v);
        INFO(s);
        CHECK(s.size() <= 16);
        CHECK(std::stod(s) == Approx(v).epsilon(1e-13).margin(1e-300));
    }
    CHECK_THROWS(decimalString(std::nan("")));
}

TEST_CASE("DICOM values: study UIDs are stable per study, instance UIDs new every time", "[dicom]") {
    const std::regex uid(R"(^2\.25\.(0|[1-9][0-9]*)$)");
    const auto a = studyInstanceUid("3f0c2a4e-1111-4222-8333-444455556666");
    CHECK(std::regex_match(a, uid));
    CHECK(a.size() <= 64);
    CHECK(a == studyInstanceUid("3f0c2a4e-1111-4222-8333-444455556666"));
    CHECK(a != studyInstanceUid("3f0c2a4e-1111-4222-8333-444455556667"));
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        const auto u = randomUid();
        REQUIRE(std::regex_match(u, uid));
        seen.insert(u);
    }
    CHECK(seen.size() == 1000);
}

TEST_CASE("DICOM values: acquisition times round-trip through DT", "[dicom]") {
    const auto us = isoToMicroseconds("2000-01-01T00:00:00");
    REQUIRE(us);
    CHECK(*us == 946684800LL * 1000000);   // the Unix time of 2000-01-01T00:00:00
    CHECK(dicomDateTimeOf(*us + 1500250) == "20000101000001.500250");
    CHECK(dicomDateTimeOf(*isoToMicroseconds("2024-02-29T23:59:59")) == "20240229235959.000000");
    CHECK_FALSE(isoToMicroseconds("yesterday"));
}

TEST_CASE("DICOM channel sources: CID 3031/3032 codes per side, local codes otherwise", "[dicom]") {
    const auto ta = muscleSource("Tibialis Anterior", emg::study::Side::Left);
    CHECK(ta.scheme == "MDC");
    CHECK(ta.value == "7:893");
    CHECK(ta.meaning == "Musculus tibialis anterior, left");
    CHECK(muscleSource("extensor digitorum brevis", emg::study::Side::Unspecified).value == "7:956");
    const auto sural = nerveSource("sural", emg::study::Side::Right);
    CHECK(sural.value == "7:234");
    CHECK(sural.meaning == "Nervus surealis, right");
    const auto local = muscleSource("lumbosacral paraspinals", emg::study::Side::Left);
    CHECK(local.scheme == "99EMGWS");
    CHECK(local.meaning == "lumbosacral paraspinals");
    CHECK(local.value.size() <= 16);
}

TEST_CASE("DICOM filters: the EDF+ prefilter field gives high-pass, low-pass and notch", "[dicom]") {
    const auto f = parsePrefilter("HP:2Hz LP:10kHz N:50Hz");
    CHECK(f.highPassHz == Approx(2.0));
    CHECK(f.lowPassHz == Approx(10000.0));
    CHECK(f.notchHz == Approx(50.0));
    const auto none = parsePrefilter("none (simulated)");
    CHECK_FALSE(none.highPassHz);
    CHECK_FALSE(none.lowPassHz);
    CHECK_FALSE(none.notchHz);
    CHECK_FALSE(parsePrefilter("HP:DC").highPassHz);
}
