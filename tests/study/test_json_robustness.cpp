// Robustness of the JSON readers: every node of a full study, a protocol, the normative table
// and the myotome map is replaced in turn by values of every JSON type; reading must either
// succeed or throw FormatError (never another exception, never a crash).
#include "study_test_util.h"

#include <emg/study/json.h>
#include <emg/study/myotomes.h>
#include <emg/study/normative.h>
#include <emg/study/protocol.h>

#include <catch2/catch.hpp>

#include <fstream>

using namespace emg::study;
using nlohmann::json;

namespace {
std::vector<json::json_pointer> pointers(const json& j, const json::json_pointer& at = json::json_pointer()) {
    std::vector<json::json_pointer> out{at};
    if (j.is_object())
        for (const auto& [k, v] : j.items())
            for (auto& p : pointers(v, at / k)) out.push_back(p);
    if (j.is_array())
        for (std::size_t i = 0; i < j.size(); ++i)
            for (auto& p : pointers(j[i], at / i)) out.push_back(p);
    return out;
}

const std::vector<json>& replacements() {
    static const std::vector<json> r{nullptr, true, 0, -1, 5, 1e300, -1e300, 0.5, "", "x", "left", json::array(), json::array({1, "a"}),
                                     json::object(), json{{"name", 1}}};
    return r;
}

/// Returns the number of mutants read successfully; fails the test on any non-FormatError.
template <typename Read>
int mutateAll(const json& original, Read read) {
    int ok = 0, refused = 0;
    for (const auto& ptr : pointers(original)) {
        for (const auto& value : replacements()) {
            json mutant = original;
            if (ptr.empty()) mutant = value;
            else mutant[ptr] = value;
            try {
                read(mutant);
                ++ok;
            } catch (const FormatError&) {
                ++refused;
            } catch (const std::exception& e) {
                FAIL("mutating " << ptr.to_string() << " to " << value.dump() << ": unexpected " << typeid(e).name() << ": " << e.what());
            }
        }
    }
    CHECK(refused > 0);
    return ok;
}
}  // namespace

TEST_CASE("study reader: every node replaced by every JSON type is read or refused with FormatError", "[study][json][robustness]") {
    const json study = json::parse(R"({"id":"s","patientId":"P","date":"2026-01-02","limbTemperatureC":32,
      "tests":[{"kind":"motor","id":"t1","side":"left","nerve":"peroneal","recordingSite":"extensor digitorum brevis",
                "raw":{"path":"a.edf","sha256":"0000000000000000000000000000000000000000000000000000000000000000","channel":"EDB","startSec":0,"endSec":1},
                "sites":[{"name":"ankle","distanceMm":90,"measurements":[{"name":"distalLatencyMs","value":4.1,"unit":"ms","provenance":"auto"}]}],
                "measurements":[{"name":"conductionVelocityMps","value":47,"unit":"m/s","provenance":"clinician","placedBy":"DN"}]},
               {"kind":"needle","id":"t2","muscle":"tibialis anterior","fibrillations":2,"recruitment":"reduced","interference":"reduced"},
               {"kind":"rns","id":"t3","nerve":"ulnar","rateHz":3,"trainLength":10},
               {"kind":"fwave","id":"t4","nerve":"tibial","stimuli":20}],
      "findings":[{"kind":"impression","text":"x","provenance":"clinician","confirmed":true}]})");
    const int ok = mutateAll(study, [](const json& j) { studyFromJson(j); });
    CHECK(ok > 0);
    mutateAll(json::parse(R"({"id":"P","name":"N","birthDate":"1970-01-01","sex":"male","heightCm":170,"symptomSide":"left"})"),
              [](const json& j) { patientFromJson(j); });
}

TEST_CASE("reference-data readers: mutated protocol, normative and myotome files are read or refused with FormatError", "[study][json][robustness]") {
    const auto dir = test::tempDir("mutate");
    auto viaFile = [&](auto load) {
        return [&, load](const json& j) {
            std::ofstream(dir / "m.json") << j.dump();
            load(dir / "m.json");
        };
    };
    mutateAll(readJsonFile((test::resources() / "protocols" / "carpal_tunnel.json").string()), viaFile([](const auto& p) { loadProtocol(p); }));
    // the large tables: mutate a trimmed copy (first entries) to keep the test quick
    json norms = readJsonFile((test::resources() / "normative" / "ncs_adult.json").string());
    json someEntries = json::array();
    for (std::size_t i : {0u, 4u, 37u}) someEntries.push_back(norms["entries"][i]);
    norms["entries"] = someEntries;
    mutateAll(norms, viaFile([](const auto& p) { NormativeTable::load(p); }));
    json myo = readJsonFile((test::resources() / "myotomes.json").string());
    myo["muscles"] = json::array({myo["muscles"][0], myo["muscles"][35]});
    myo["sensoryNerves"] = json::array({myo["sensoryNerves"][7]});
    myo["nerveLesions"] = json::array();
    myo["screeningSets"] = json::array();
    mutateAll(myo, viaFile([](const auto& p) { MyotomeMap::load(p); }));
    std::filesystem::remove_all(dir);
}
