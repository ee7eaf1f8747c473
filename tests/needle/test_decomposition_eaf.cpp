// The EMGlab annotation file (.eaf, the XML of the EMGLAB data sets' expert decompositions) read as
// an expert decomposition: files written here in that layout, with the variants such files show
// (CR line ends, comments, other column orders, one firing per channel, a missing header).
#include <emg/needle/decomposition_compare.h>

#include "expert_unit_lookup.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

using namespace emg::needle;
using needle_test::unitById;

namespace {
std::string eaf(const std::string& header, const std::string& events, const std::string& eol = "\n") {
    std::string s = "<?xml version=\"1.0\" encoding=\"ASCII\"?>" + eol + eol + "<emglab_annotation_file>" + eol +
                    "<emglab_version>0.01</emglab_version>" + eol + "<!-- Required and optional spike header tags. -->" + eol +
                    header + eol + "<emglab_spike_events>" + eol + "<!--  time  unit  chan  -->" + eol;
    for (char c : events) s += c == '\n' ? eol : std::string(1, c);
    s += "</emglab_spike_events>" + eol + "<emglab_freeform><template class=\"struct\"><I1><unit>1</unit><data>0 1 2</data></I1>" +
         "</template></emglab_freeform>" + eol + "</emglab_annotation_file>" + eol;
    return s;
}
const std::string kHeader = "<emglab_spike_header>\n<time></time>\n<unit></unit>\n<chan></chan>\n</emglab_spike_header>";

}  // namespace

TEST_CASE("EMGlab annotation: firings per unit in the header's column order, any line ends", "[needle][decomposition]") {
    const std::string events = "0.00451 8 1\n0.00624 1 1\n0.10559 8 1\n0.23194 1 1\n0.02219 2 1\n";
    for (const char* eol : {"\n", "\r\n", "\r"}) {
        const auto text = eaf(kHeader, events, eol);
        REQUIRE(looksLikeEmglabAnnotation(text));
        const auto units = parseDecomposition(text, "R.eaf");
        REQUIRE(units.size() == 3);
        CHECK(units[0].id == "8");   // in the order they first appear
        CHECK(unitById(units, "8").firingTimesSec == std::vector<double>{0.00451, 0.10559});
        CHECK(unitById(units, "1").firingTimesSec == std::vector<double>{0.00624, 0.23194});
        CHECK(unitById(units, "2").firingTimesSec == std::vector<double>{0.02219});
    }
    // another column order named by the header, an extra column ignored, a row split over lines
    const auto other = eaf("<emglab_spike_header><unit/><chan/><time/><amp/></emglab_spike_header>", "3 1 0.5 120\n3 1\n0.75 130\n");
    const auto u = parseDecomposition(other);
    REQUIRE(u.size() == 1);
    CHECK(u[0].firingTimesSec == std::vector<double>{0.5, 0.75});
    // no header: time unit chan; tags in upper case
    std::string upper = eaf("", "1.5 04 1\n1.25 4 1\n");
    for (const char* tag : {"emglab_spike_events"}) {
        std::string t = tag;
        for (auto& c : t) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        for (std::size_t p = upper.find(tag); p != std::string::npos; p = upper.find(tag)) upper.replace(p, t.size(), t);
    }
    const auto v = parseDecomposition(upper);
    REQUIRE(v.size() == 1);
    CHECK(v[0].id == "4");
    CHECK(v[0].firingTimesSec == std::vector<double>{1.25, 1.5});
}

TEST_CASE("EMGlab annotation: a firing listed once per channel counts once", "[needle][decomposition]") {
    std::vector<std::string> channels;
    const auto units = parseEmglabAnnotation(eaf(kHeader, "0.1 1 1\n0.1 1 2\n0.2 1 1\n0.20002 1 2\n0.2003 1 2\n"), "m.eaf", &channels);
    CHECK(channels == std::vector<std::string>{"1", "2"});
    REQUIRE(units.size() == 1);
    // 0.2 and 0.20002 s are one firing (0.02 ms apart); 0.2003 s (0.3 ms later) is another
    CHECK(units[0].firingTimesSec == std::vector<double>{0.1, 0.2, 0.2003});
    // one channel: two firings 0.02 ms apart are the file's, both kept
    CHECK(parseEmglabAnnotation(eaf(kHeader, "0.2 1 1\n0.20002 1 1\n"))[0].firingTimesSec.size() == 2);
}

TEST_CASE("EMGlab annotation: bad files are refused with the firing named", "[needle][decomposition]") {
    CHECK_THROWS_WITH(parseEmglabAnnotation(eaf(kHeader, "0.1 1 1\nabc 2 1\n"), "x.eaf"),
                      Catch::Contains("x.eaf: firing 2") && Catch::Contains("time 'abc' is not a number"));
    CHECK_THROWS_WITH(parseEmglabAnnotation(eaf(kHeader, "0.1 1 1\n-0.2 2 1\n")), Catch::Contains("firing 2") && Catch::Contains("negative time"));
    CHECK_THROWS_WITH(parseEmglabAnnotation(eaf(kHeader, "0.1 1 1\n0.2 2\n")), Catch::Contains("5 fields") && Catch::Contains("firings of 3"));
    CHECK_THROWS_WITH(parseEmglabAnnotation(eaf(kHeader, "")), Catch::Contains("no firings"));
    CHECK_THROWS_WITH(parseEmglabAnnotation(eaf("<emglab_spike_header><unit/><chan/></emglab_spike_header>", "1 1\n")),
                      Catch::Contains("names no time column"));
    auto cut = eaf(kHeader, "0.1 1 1\n0.2 1 1\n");
    cut.resize(cut.find("</emglab_spike_events>") - 4);
    CHECK_THROWS_WITH(parseDecomposition(cut, "cut.eaf"), Catch::Contains("cut.eaf") && Catch::Contains("not closed"));
    // a CSV is still read as a CSV
    CHECK_FALSE(looksLikeEmglabAnnotation("time_s,unit\n0.1,1\n"));
    CHECK(parseDecomposition("time_s,unit\n0.1,1\n").at(0).firingTimesSec == std::vector<double>{0.1});
}

TEST_CASE("EMGlab annotation read from a file by the one reader the CLI and the panel use", "[needle][decomposition]") {
    const auto p = std::filesystem::temp_directory_path() / "emgws_decomposition_test.eaf";
    {
        std::ofstream f(p, std::ios::binary);
        f << eaf(kHeader, "0.5 7 1\n0.6 7 1\n", "\r");
    }
    const auto units = readDecompositionFile(p);
    std::filesystem::remove(p);
    REQUIRE(units.size() == 1);
    CHECK(units[0].id == "7");
    CHECK(units[0].firingTimesSec == std::vector<double>{0.5, 0.6});
}
