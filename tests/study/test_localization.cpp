// Localization vignettes: L5, S1 and C7 radiculopathy, peroneal neuropathy at the fibular head,
// length-dependent polyneuropathy, a plexus pattern; plus the myotome map itself.
#include "study_test_util.h"

#include <emg/study/localization.h>

#include <catch2/catch.hpp>

using namespace emg::study;

namespace {
const MyotomeMap& map() {
    static const MyotomeMap m = MyotomeMap::load(test::resources() / "myotomes.json");
    return m;
}
void muscles(LocalizationInput& in, Side side, std::initializer_list<const char*> abnormal, std::initializer_list<const char*> normal) {
    for (const char* m : abnormal) in.muscles.push_back({m, side, true});
    for (const char* m : normal) in.muscles.push_back({m, side, false});
}
std::string dump(const std::vector<Hypothesis>& hs) {
    std::string s;
    for (const auto& h : hs) s += h.label + " score " + std::to_string(h.score) + "\n";
    return s;
}
}  // namespace

TEST_CASE("myotome map: roots of key muscles and the root -> muscles view", "[study][myotome]") {
    REQUIRE(map().muscle("tibialis anterior"));
    CHECK(map().muscle("tibialis anterior")->roots.at("L5") == RootWeight::Major);
    CHECK(map().muscle("tibialis anterior")->nerve == "peroneal");
    CHECK(map().muscle("medial gastrocnemius")->roots.count("S1") == 1);
    CHECK(map().muscle("triceps")->roots.at("C7") == RootWeight::Major);
    CHECK(map().muscle("abductor pollicis brevis")->nerve == "median");
    const auto l5 = map().musclesOfRoot("L5");
    for (const char* m : {"tibialis anterior", "tibialis posterior", "gluteus medius", "peroneus longus"})
        CHECK(std::find(l5.begin(), l5.end(), m) != l5.end());
    CHECK(map().sensoryNerve("sural")->roots == std::vector<std::string>{"S1"});
    CHECK(map().screeningSets().size() == 2);
    for (const auto& s : map().screeningSets()) CHECK(map().sources().count(s.source) == 1);
}

TEST_CASE("vignette: left L5 radiculopathy (TA, tibialis posterior, gluteus medius, peroneus longus, paraspinals)", "[study][localization]") {
    LocalizationInput in;
    muscles(in, Side::Left, {"tibialis anterior", "tibialis posterior", "gluteus medius", "peroneus longus", "lumbosacral paraspinals"},
            {"medial gastrocnemius", "vastus medialis", "biceps femoris long head"});
    in.nerves = {{"sural", TestKind::Sensory, Side::Left, false, false}, {"superficial peroneal", TestKind::Sensory, Side::Left, false, false}};
    const auto hs = localize(map(), in);
    INFO(dump(hs));
    REQUIRE_FALSE(hs.empty());
    CHECK(hs[0].label == "left L5 radiculopathy");
    CHECK(hs[0].kind == HypothesisKind::Root);
    CHECK(hs[0].confidenceLabel == "high");
    CHECK(hs[0].confidence >= 0.75);
    REQUIRE(hs.size() >= 2);
    CHECK(hs[1].score < hs[0].score - 0.5);   // the next hypothesis is well behind
    const auto f = suggestionFinding(hs[0]);
    CHECK(f.provenance == Provenance::Auto);
    CHECK_FALSE(f.confirmed);
    CHECK_THAT(f.text, Catch::StartsWith("Suggested: left L5 radiculopathy"));
}

TEST_CASE("vignette: right S1 radiculopathy (gastrocnemius, gluteus maximus, biceps long head, abnormal H-reflex)", "[study][localization]") {
    LocalizationInput in;
    muscles(in, Side::Right, {"medial gastrocnemius", "gluteus maximus", "biceps femoris long head", "abductor hallucis", "lumbosacral paraspinals"},
            {"tibialis anterior", "tibialis posterior", "gluteus medius", "extensor hallucis longus"});
    in.nerves = {{"tibial", TestKind::HReflex, Side::Right, true, false}, {"sural", TestKind::Sensory, Side::Right, false, false}};
    const auto hs = localize(map(), in);
    INFO(dump(hs));
    REQUIRE_FALSE(hs.empty());
    CHECK(hs[0].label == "right S1 radiculopathy");
    CHECK(hs[0].confidenceLabel == "high");
    bool hCited = false;
    for (const auto& e : hs[0].evidenceFor) hCited = hCited || e.find("H-reflex") != std::string::npos;
    CHECK(hCited);
    for (const auto& h : hs)
        if (h.label == "right L5 radiculopathy") CHECK(h.confidence < 0.2);   // contradicted by normal L5 muscles
}

TEST_CASE("vignette: C7 radiculopathy (triceps, FCR, pronator teres, EDC, cervical paraspinals)", "[study][localization]") {
    LocalizationInput in;
    muscles(in, Side::Right, {"triceps", "flexor carpi radialis", "pronator teres", "extensor digitorum communis", "cervical paraspinals"},
            {"deltoid", "biceps brachii", "brachioradialis", "first dorsal interosseous", "abductor pollicis brevis"});
    in.nerves = {{"median", TestKind::Sensory, Side::Right, false, false}, {"radial", TestKind::Sensory, Side::Right, false, false}};
    const auto hs = localize(map(), in);
    INFO(dump(hs));
    REQUIRE(hs.size() >= 2);
    CHECK(hs[0].label == "right C7 radiculopathy");
    CHECK(hs[0].confidenceLabel == "high");
    CHECK(hs[1].score < hs[0].score - 0.4);
}

TEST_CASE("vignette: peroneal territory alone -> peroneal neuropathy at the fibular head, not L5", "[study][localization]") {
    LocalizationInput in;
    muscles(in, Side::Left, {"tibialis anterior", "extensor hallucis longus", "extensor digitorum brevis", "peroneus longus"},
            {"tibialis posterior", "gluteus medius", "biceps femoris short head", "medial gastrocnemius", "lumbosacral paraspinals"});
    in.nerves = {{"superficial peroneal", TestKind::Sensory, Side::Left, true, false},
                 {"peroneal", TestKind::Motor, Side::Left, true, true},
                 {"sural", TestKind::Sensory, Side::Left, false, false}};
    const auto hs = localize(map(), in);
    INFO(dump(hs));
    REQUIRE_FALSE(hs.empty());
    CHECK(hs[0].label == "left peroneal neuropathy at the fibular head");
    CHECK(hs[0].kind == HypothesisKind::Nerve);
    CHECK(hs[0].confidenceLabel == "high");
    for (const auto& h : hs)
        if (h.label == "left L5 radiculopathy") CHECK(h.score < 0.3);
    bool spared = false;
    for (const auto& e : hs[0].evidenceFor) spared = spared || e.find("biceps femoris short head") != std::string::npos;
    CHECK(spared);
}

TEST_CASE("vignette: length-dependent polyneuropathy (both surals, superficial peroneal, leg motor, distal muscles)", "[study][localization]") {
    LocalizationInput in;
    in.nerves = {{"sural", TestKind::Sensory, Side::Left, true, false},
                 {"sural", TestKind::Sensory, Side::Right, true, false},
                 {"superficial peroneal", TestKind::Sensory, Side::Left, true, false},
                 {"median", TestKind::Sensory, Side::Left, false, false},
                 {"ulnar", TestKind::Sensory, Side::Left, false, false},
                 {"peroneal", TestKind::Motor, Side::Left, true, false},
                 {"tibial", TestKind::Motor, Side::Right, true, false}};
    muscles(in, Side::Left, {"extensor digitorum brevis", "abductor hallucis"}, {"tibialis anterior", "vastus medialis"});
    muscles(in, Side::Right, {"extensor digitorum brevis", "abductor hallucis"}, {"medial gastrocnemius"});
    const auto hs = localize(map(), in);
    INFO(dump(hs));
    REQUIRE_FALSE(hs.empty());
    CHECK(hs[0].kind == HypothesisKind::Polyneuropathy);
    CHECK(hs[0].label == "length-dependent polyneuropathy");
    CHECK(hs[0].confidenceLabel == "high");
    for (std::size_t i = 1; i < hs.size(); ++i) CHECK(hs[i].score < hs[0].score - 0.3);
}

TEST_CASE("vignette: C8-T1 pattern with an abnormal ulnar SNAP suggests the lower trunk, not the root", "[study][localization]") {
    LocalizationInput in;
    muscles(in, Side::Left, {"abductor pollicis brevis", "first dorsal interosseous", "extensor indicis proprius", "flexor pollicis longus"},
            {"triceps", "deltoid", "biceps brachii", "pronator teres", "cervical paraspinals"});
    in.nerves = {{"ulnar", TestKind::Sensory, Side::Left, true, false}, {"median", TestKind::Sensory, Side::Left, false, false}};
    const auto hs = localize(map(), in);
    INFO(dump(hs));
    REQUIRE_FALSE(hs.empty());
    CHECK(hs[0].kind == HypothesisKind::Plexus);
    CHECK_THAT(hs[0].label, Catch::Contains("lower trunk"));
}

TEST_CASE("no abnormal findings -> no suggestion", "[study][localization]") {
    LocalizationInput in;
    muscles(in, Side::Left, {}, {"tibialis anterior", "medial gastrocnemius"});
    in.nerves = {{"sural", TestKind::Sensory, Side::Left, false, false}};
    CHECK(localize(map(), in).empty());
}

TEST_CASE("observations from a study use the normative table and the needle grades", "[study][localization]") {
    const auto norms = NormativeTable::loadDirectory(test::resources() / "normative");
    Study s;
    s.patientId = "P";
    s.date = "2026-01-01";
    SensoryNcs sural;
    sural.nerve = "sural";
    sural.recordingSite = "lateral malleolus";
    sural.side = Side::Left;
    sural.sites = {{"posterior calf", 140.0, {{"amplitudeUv", 3.0, "uV", Provenance::Auto, "", ""}}}};
    s.tests.push_back(sural);
    MotorNcs ulnar;
    ulnar.nerve = "ulnar";
    ulnar.recordingSite = "abductor digiti minimi";
    ulnar.side = Side::Right;
    ulnar.measurements = {{"acrossElbowVelocityMps", 38.0, "m/s", Provenance::Auto, "", ""}};
    s.tests.push_back(ulnar);
    NeedleEmg ta;
    ta.muscle = "tibialis anterior";
    ta.side = Side::Left;
    ta.fibrillations = 2;
    s.tests.push_back(ta);
    const auto in = observationsFrom(s, norms, {50.0, 175.0, 32.0});
    REQUIRE(in.nerves.size() == 2);
    CHECK(in.nerves[0].abnormal);
    CHECK_FALSE(in.nerves[0].focal);
    CHECK(in.nerves[1].abnormal);
    CHECK(in.nerves[1].focal);
    REQUIRE(in.muscles.size() == 1);
    CHECK(in.muscles[0].abnormal);
}

TEST_CASE("H-reflex in the localization: absent on one side, later or smaller than the other side", "[study][localization]") {
    const auto norms = NormativeTable::loadDirectory(test::resources() / "normative");
    auto hTest = [](Side side, std::optional<double> latencyMs, double amplitudeUv) {
        HReflex h;
        h.side = side;
        if (latencyMs) h.measurements.push_back({"hLatencyMs", *latencyMs, "ms", Provenance::Auto, "", ""});
        h.measurements.push_back({"hAmplitudeUv", amplitudeUv, "uV", Provenance::Auto, "", ""});
        return h;
    };
    auto observe = [&](const std::vector<HReflex>& hs, double ageYears) {
        Study s;
        s.patientId = "P";
        s.date = "2026-01-01";
        for (const auto& h : hs) s.tests.push_back(h);
        return observationsFrom(s, norms, {ageYears, 175.0, 32.0});
    };
    SECTION("absent on the right, present on the left at 45 years: right abnormal") {
        const auto in = observe({hTest(Side::Left, 30.0, 2500.0), hTest(Side::Right, std::nullopt, 20.0)}, 45.0);
        REQUIRE(in.nerves.size() == 2);
        CHECK_FALSE(in.nerves[0].abnormal);
        CHECK(in.nerves[1].abnormal);
    }
    SECTION("absent on both sides: abnormal at 45 years, not counted at 70 (can be normal with age)") {
        const auto young = observe({hTest(Side::Left, std::nullopt, 0.0), hTest(Side::Right, std::nullopt, 0.0)}, 45.0);
        CHECK(young.nerves[0].abnormal);
        CHECK(young.nerves[1].abnormal);
        const auto old = observe({hTest(Side::Left, std::nullopt, 0.0), hTest(Side::Right, std::nullopt, 0.0)}, 70.0);
        CHECK_FALSE(old.nerves[0].abnormal);
        CHECK_FALSE(old.nerves[1].abnormal);
    }
    SECTION("both within 34 ms but 2.0 ms apart (limit 1.5 ms): the later side abnormal") {
        const auto in = observe({hTest(Side::Left, 30.0, 2000.0), hTest(Side::Right, 32.0, 1800.0)}, 45.0);
        CHECK_FALSE(in.nerves[0].abnormal);
        CHECK(in.nerves[1].abnormal);
    }
    SECTION("same latency, left H a third of the right (limit ratio 0.4): the smaller side abnormal") {
        const auto in = observe({hTest(Side::Left, 30.0, 600.0), hTest(Side::Right, 30.2, 1800.0)}, 45.0);
        CHECK(in.nerves[0].abnormal);
        CHECK_FALSE(in.nerves[1].abnormal);
    }
    SECTION("with S1 muscles denervated on the right, an absent right H supports right S1") {
        Study s;
        s.patientId = "P";
        s.date = "2026-01-01";
        s.tests.push_back(hTest(Side::Left, 30.0, 2500.0));
        s.tests.push_back(hTest(Side::Right, std::nullopt, 0.0));
        for (const char* m : {"medial gastrocnemius", "gluteus maximus"}) {
            NeedleEmg n;
            n.muscle = m;
            n.side = Side::Right;
            n.fibrillations = 2;
            s.tests.push_back(n);
        }
        const auto hyps = localize(MyotomeMap::loadDefault(), observationsFrom(s, norms, {45.0, 175.0, 32.0}));
        REQUIRE_FALSE(hyps.empty());
        CHECK(hyps.front().label.find("S1") != std::string::npos);
        CHECK(hyps.front().side == Side::Right);
        const auto& ev = hyps.front().evidenceFor;
        CHECK(std::any_of(ev.begin(), ev.end(), [](const std::string& e) { return e.find("H-reflex") != std::string::npos; }));
    }
}
