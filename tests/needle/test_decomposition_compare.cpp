// Expert decomposition CSV import (the variants other tools and spreadsheets write) and the
// comparison of firing trains built by hand with a known lag, misses and false firings, so that
// sensitivity, PPV and lag are known exactly.
#include <emg/needle/decomposition_compare.h>

#include "expert_unit_lookup.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace emg::needle;
using needle_test::unitById;

TEST_CASE("decomposition CSV: header names in either order, separators, line ends, comments", "[needle][decomposition]") {
    auto u = parseDecompositionCsv("time_s,unit\n0.1,1\n0.2,2\n0.35,1\n");
    REQUIRE(u.size() == 2);
    CHECK(u[0].id == "1");
    CHECK(u[0].firingTimesSec == std::vector<double>{0.1, 0.35});
    CHECK(u[1].firingTimesSec == std::vector<double>{0.2});

    // unit first, semicolons with decimal commas, CRLF, a blank line and a comment
    u = parseDecompositionCsv("unit;time_s\r\nMU1;0,125\r\n\r\n# checked by hand\r\nMU2;1,5\r\nMU1;2\r\n");
    REQUIRE(u.size() == 2);
    CHECK(unitById(u, "MU1").firingTimesSec == std::vector<double>{0.125, 2.0});
    CHECK(unitById(u, "MU2").firingTimesSec == std::vector<double>{1.5});

    // tabs and lone CR line ends; times are sorted per unit
    u = parseDecompositionCsv("time\tunit\r0.5\t3\r0.25\t3\r");
    REQUIRE(u.size() == 1);
    CHECK(u[0].firingTimesSec == std::vector<double>{0.25, 0.5});

    // quoted names with a byte-order mark, times in ms (said by the header), an extra column,
    // integer ids written differently ("5", "05")
    u = parseDecompositionCsv("\xEF\xBB\xBF\"Unit ID\",\"Time (ms)\",\"amplitude\"\n\"5\",\"12.5\",\"300\"\n05,20,310\n");
    REQUIRE(u.size() == 1);
    CHECK(u[0].id == "5");
    REQUIRE(u[0].firingTimesSec.size() == 2);
    CHECK(u[0].firingTimesSec[0] == Approx(0.0125).margin(1e-12));
    CHECK(u[0].firingTimesSec[1] == Approx(0.020).margin(1e-12));

    // runs of spaces
    u = parseDecompositionCsv("time_s   unit\n  0.1    2\n0.3 2\n");
    CHECK(u.at(0).firingTimesSec == std::vector<double>{0.1, 0.3});
}

TEST_CASE("decomposition CSV without a header: time then unit unless the first row shows otherwise", "[needle][decomposition]") {
    auto u = parseDecompositionCsv("0.1,1\n0.2,2\n");
    REQUIRE(u.size() == 2);
    CHECK(u[1].id == "2");
    CHECK(u[1].firingTimesSec == std::vector<double>{0.2});
    // both integers: the documented default order (time, unit)
    u = parseDecompositionCsv("1,2\n3,2\n");
    REQUIRE(u.size() == 1);
    CHECK(u[0].id == "2");
    CHECK(u[0].firingTimesSec == std::vector<double>{1.0, 3.0});
    // a text id first
    u = parseDecompositionCsv("MU1,0.1\nMU2,0.2\nMU1,0.4\n");
    CHECK(unitById(u, "MU1").firingTimesSec == std::vector<double>{0.1, 0.4});
    // an integer beside a fraction: the integer is the unit
    u = parseDecompositionCsv("3,0.5\n3,0.75\n");
    REQUIRE(u.size() == 1);
    CHECK(u[0].id == "3");
    CHECK(u[0].firingTimesSec == std::vector<double>{0.5, 0.75});
}

TEST_CASE("decomposition CSV: bad rows are refused naming the line", "[needle][decomposition]") {
    CHECK_THROWS_WITH(parseDecompositionCsv("time_s,unit\n0.1,1\nabc,2\n", "f.csv"),
                      Catch::Contains("f.csv: line 3") && Catch::Contains("time 'abc' is not a number"));
    CHECK_THROWS_WITH(parseDecompositionCsv("time_s,unit\n0.1,\n"), Catch::Contains("line 2: unit id missing"));
    CHECK_THROWS_WITH(parseDecompositionCsv("0.1,1\n-0.2,1\n"), Catch::Contains("line 2: negative time"));
    CHECK_THROWS_WITH(parseDecompositionCsv("0.1,1\n\n0.2\n"), Catch::Contains("line 3: expected 2 fields"));
    CHECK_THROWS_WITH(parseDecompositionCsv("time_s,unit\nnan,1\n"), Catch::Contains("line 2: time 'nan' is not finite"));
    CHECK_THROWS_WITH(parseDecompositionCsv("foo,unit\n1,2\n"), Catch::Contains("line 1") && Catch::Contains("no time column"));
    CHECK_THROWS_WITH(parseDecompositionCsv("time_s,unit,note\n0.1\n"), Catch::Contains("line 2: expected at least 2 fields"));
    CHECK_THROWS_WITH(parseDecompositionCsv("# nothing here\n\n"), Catch::Contains("no firings"));
    CHECK_THROWS_AS(parseDecompositionCsv(""), DecompositionFormatError);
    CHECK_THROWS_WITH(readDecompositionFile("/nonexistent/dir/x.csv"), Catch::Contains("x.csv") && Catch::Contains("cannot open"));
    // a file that exists is read like the text
    const auto p = std::filesystem::temp_directory_path() / "emgws_decomposition_test.csv";
    {
        std::ofstream f(p, std::ios::binary);
        f << "time_s,unit\r\n0.5,A\r\n";
    }
    CHECK(readDecompositionFile(p).at(0).firingTimesSec == std::vector<double>{0.5});
    std::filesystem::remove(p);
}

TEST_CASE("firing matching: one to one within the window, greedy in time", "[needle][decomposition]") {
    // 0.45 ms off matches within +-0.5 ms, 0.55 ms does not
    CHECK(countMatchedFirings({1.0, 2.0, 3.0, 4.0}, {1.00045, 2.00055, 3.0, 3.99955}, 0.0, 0.0005) == 3);
    // one expert firing takes one of ours, and one of ours one expert firing
    CHECK(countMatchedFirings({1.0}, {0.9998, 1.0002}, 0.0, 0.0005) == 1);
    CHECK(countMatchedFirings({1.0, 1.0003}, {1.0001}, 0.0, 0.0005) == 1);
    // the lag is applied to the expert's times
    CHECK(countMatchedFirings({1.0, 2.0}, {1.003, 2.003}, 0.003, 0.0005) == 2);
    CHECK(countMatchedFirings({1.0, 2.0}, {1.003, 2.003}, 0.0, 0.0005) == 0);
    // a lag of 4.2 ms (expert marks the onset, we the peak) is found within the +-5 ms search
    std::vector<double> e, o;
    for (int k = 0; k < 50; ++k) {
        e.push_back(0.3 + 0.087 * k);
        o.push_back(0.3 + 0.087 * k + 0.0042);
    }
    CHECK(estimateFiringLagSec(e, o) == Approx(0.0042).margin(1e-9));
    DecompositionCompareOptions bad;
    bad.matchWindowMs = 0.0;
    CHECK_THROWS_AS(estimateFiringLagSec(e, o, bad), std::invalid_argument);
}

TEST_CASE("comparison with an expert decomposition of known lag, misses and false firings", "[needle][decomposition]") {
    // expert unit "1": 100 firings ~10 Hz with +-5 ms irregularity. Our unit 7 = the same + 0.3 ms
    // lag with a 0.05 ms jitter, missing every 10th firing (10 % removed) and with 5 false firings
    // 40 ms after an expert firing (5 % added): sensitivity 90/100 = 0.9, PPV 90/95 = 0.947.
    ExpertUnit e1{"1", {}};
    MotorUnit u7;
    u7.id = 7;
    for (int k = 0; k < 100; ++k) {
        const double t = 0.5 + 0.1 * k + 0.005 * std::sin(1.7 * k);
        e1.firingTimesSec.push_back(t);
        const double jitterSec = 0.000025 * ((k % 5) - 2);   // -0.05 .. +0.05 ms
        if (k % 10 != 3) u7.firingTimesSec.push_back(t + 0.0003 + jitterSec);
        if (k % 20 == 5) u7.firingTimesSec.push_back(t + 0.040);
    }
    // expert "MU2": 60 firings every 130 ms, found by our unit 3 1.2 ms early, every one
    ExpertUnit e2{"MU2", {}};
    MotorUnit u3;
    u3.id = 3;
    for (int k = 0; k < 60; ++k) {
        e2.firingTimesSec.push_back(0.53 + 0.13 * k);
        u3.firingTimesSec.push_back(0.53 + 0.13 * k - 0.0012);
    }
    // expert "9" we did not sort; our unit 12 the expert did not mark (never within 5.5 ms of "9")
    ExpertUnit e9{"9", {}};
    MotorUnit u12;
    u12.id = 12;
    for (int k = 0; k < 40; ++k) {
        e9.firingTimesSec.push_back(0.71 + 0.17 * k);
        u12.firingTimesSec.push_back(0.62 + 0.17 * k);
    }

    const auto c = compareDecompositions({e1, e2, e9}, {u12, u3, u7});
    REQUIRE(c.expertUnits.size() == 3);
    const auto& r1 = c.expertUnits[0];
    CHECK(r1.expertId == "1");
    REQUIRE(r1.ourUnitId.has_value());
    CHECK(*r1.ourUnitId == 7);
    CHECK(r1.expertFirings == 100);
    CHECK(r1.ourFirings == 95);
    CHECK(r1.matchedFirings == 90);
    CHECK(r1.sensitivity == Approx(0.9).margin(1e-12));
    CHECK(r1.ppv == Approx(90.0 / 95.0).margin(1e-12));
    CHECK(r1.lagMs == Approx(0.3).margin(1e-6));    // the jitter left after the misses has median 0
    CHECK(r1.found);
    const auto& r2 = c.expertUnits[1];
    CHECK(r2.ourUnitId.value_or(-1) == 3);
    CHECK(r2.lagMs == Approx(-1.2).margin(1e-6));
    CHECK(r2.sensitivity == 1.0);
    CHECK(r2.ppv == 1.0);
    const auto& r9 = c.expertUnits[2];
    CHECK_FALSE(r9.ourUnitId.has_value());
    CHECK(r9.sensitivity == 0.0);
    CHECK_FALSE(r9.found);
    CHECK(c.unitsFound == 2);
    CHECK(c.expertUnitsCompared == 3);
    CHECK(c.ourUnitsWithoutPartner == std::vector<int>{12});
    CHECK(c.medianSensitivity == Approx(0.9).margin(1e-12));
    CHECK(c.medianPpv == Approx(90.0 / 95.0).margin(1e-12));

    // a partner below the "found" criterion: our unit finds only 40 % of the expert's firings
    MotorUnit part;
    part.id = 1;
    for (std::size_t k = 0; k < e2.firingTimesSec.size(); ++k)
        if (k % 5 < 2) part.firingTimesSec.push_back(e2.firingTimesSec[k]);
    const auto c2 = compareDecompositions({e2}, {part});
    CHECK(c2.expertUnits.at(0).sensitivity == Approx(0.4).margin(1e-12));
    CHECK(c2.expertUnits.at(0).ppv == 1.0);
    CHECK_FALSE(c2.expertUnits.at(0).found);
    CHECK(c2.unitsFound == 0);
}

TEST_CASE("comparison restricted to the spans our decomposition analysed", "[needle][decomposition]") {
    // the expert marked 0-12 s; we analysed 4-8 s only (the weak-contraction segment)
    ExpertUnit e{"1", {}};
    MotorUnit u;
    u.id = 1;
    for (int k = 0; k < 120; ++k) {
        const double t = 0.05 + 0.1 * k;
        e.firingTimesSec.push_back(t);
        if (t >= 4.0 && t < 8.0) u.firingTimesSec.push_back(t + 0.0002);
    }
    DecompositionCompareOptions o;
    o.analysedSpansSec = {{4.0, 8.0}};
    const auto c = compareDecompositions({e}, {u}, o);
    CHECK(c.expertFiringsOutsideSpans == 80);
    CHECK(c.expertUnits.at(0).expertFirings == 40);
    CHECK(c.expertUnits.at(0).sensitivity == 1.0);
    CHECK(c.expertUnits.at(0).lagMs == Approx(0.2).margin(1e-6));
    // without the spans the firings we were never asked to sort count as misses: 40 / 120
    CHECK(compareDecompositions({e}, {u}).expertUnits.at(0).sensitivity == Approx(1.0 / 3.0).margin(1e-12));
}
