// The study session and its one upsert rule: a result saved twice is one entry, updated; the same
// test typed in another letter case is the same test; the entries of every result kind carry the
// registry's names and units and the physiology's numbers (CV = distance / latency difference).
#include "study_test_util.h"

#include <emg/dsp/ncs_analysis.h>
#include <emg/study/evaluation.h>
#include <emg/study/late_analysis.h>
#include <emg/study/localization.h>
#include <emg/study/measurement_uncertainty.h>
#include <emg/study/normative.h>
#include <emg/study/study_session.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <tuple>
#include <type_traits>

namespace st = emg::study;

namespace {

/// A SQLite store in a fresh folder with patient P1 and one study (lumbosacral protocol, examiner "Dr. A").
struct StoreFixture {
    std::filesystem::path dir = st::test::tempDir("session");
    std::unique_ptr<st::SessionStore> store = st::SessionStore::open("sqlite:" + (dir / "s.sqlite").string());
    std::string studyId;
    StoreFixture() {
        st::Patient p;
        p.id = "P1";
        p.name = "Doe, Jane";
        store->savePatient(p);
        st::Study s;
        s.patientId = "P1";
        s.date = "2026-11-30";
        s.examiner = "Dr. A";
        s.protocolId = "lumbosacral-radiculopathy";
        studyId = store->saveStudy(s);
    }
    ~StoreFixture() { std::filesystem::remove_all(dir); }
    st::Study stored() const { return *store->study(studyId); }
};

emg::dsp::ResponseResult response(double onsetMs, double amplitudeUv) {
    emg::dsp::ResponseResult r;
    r.found = true;
    r.measures.onsetLatencyMs = onsetMs;
    r.measures.peakLatencyMs = onsetMs + 0.6;
    r.measures.amplitudeUv = amplitudeUv;
    r.measures.peakToPeakUv = amplitudeUv * 1.4;
    r.measures.negativeDurationMs = 5.0;
    r.measures.negativeAreaUvMs = amplitudeUv * 3.0;
    r.provenance.onsetMethod = "threshold";
    return r;
}

/// A motor or sensory site entry as the NCS review fills it.
st::NcsSiteEntry ncsEntry(st::TestKind kind, const std::string& nerve, const std::string& recordingSite, st::Side side,
                          const std::string& siteName, double distanceMm) {
    st::NcsSiteEntry e;
    e.kind = kind;
    e.nerve = nerve;
    e.recordingSite = recordingSite;
    e.side = side;
    e.siteName = siteName;
    e.distanceMm = distanceMm;
    return e;
}

emg::dsp::FWaveResult fwave(double minLatencyMs, double persistencePercent) {
    emg::dsp::FWaveResult r;
    r.stimuli = 20;
    r.present = static_cast<std::size_t>(persistencePercent / 5.0);
    r.persistencePercent = persistencePercent;
    r.minLatencyMs = minLatencyMs;
    r.meanLatencyMs = minLatencyMs + 2.0;
    r.maxLatencyMs = minLatencyMs + 4.0;
    r.chronodispersionMs = 4.0;
    return r;
}

/// An RNS train of `n` found responses, the first `firstUv`, the others `laterUv`, at `rateHz`.
emg::dsp::RnsResult rnsTrain(int n, double firstUv, double laterUv, double rateHz) {
    emg::dsp::RnsResult r;
    r.rateHz = rateHz;
    for (int k = 0; k < n; ++k) {
        emg::dsp::ResponseResult resp;
        resp.found = true;
        resp.measures.amplitudeUv = k == 0 ? firstUv : laterUv;
        r.responses.push_back(resp);
        r.sweepIndices.push_back(static_cast<std::size_t>(k));
    }
    return r;
}

std::size_t countKind(const st::Study& s, st::TestKind k) {
    return static_cast<std::size_t>(std::count_if(s.tests.begin(), s.tests.end(), [&](const st::Test& t) { return st::kindOf(t) == k; }));
}

}  // namespace

TEST_CASE("upsert rule: the same F-wave saved twice is one test, updated, keeping its id", "[study][session][upsert]") {
    StoreFixture f;
    st::StudySession session(*f.store, f.studyId);
    st::LateTestTarget where{"tibial", st::Side::Left, "abductor hallucis", "ankle", "", ""};
    CHECK_FALSE(session.saveFWave(fwave(52.0, 60.0), where).replaced);
    const auto firstId = st::common(f.stored().tests.at(0)).id;
    REQUIRE_FALSE(firstId.empty());
    const auto again = session.saveFWave(fwave(48.5, 90.0), where);
    CHECK(again.replaced);
    const auto s = f.stored();
    REQUIRE(countKind(s, st::TestKind::FWave) == 1);
    const auto& t = std::get<st::FWave>(s.tests.at(0));
    CHECK(t.id == firstId);
    CHECK(st::findMeasurement(t.measurements, "fMinLatencyMs")->value == Approx(48.5));
    CHECK(st::findMeasurement(t.measurements, "persistencePct")->value == Approx(90.0));
    CHECK(st::findMeasurement(t.measurements, "persistencePct")->unit == "%");
}

TEST_CASE("a late response measured on a recorded span keeps the span's provenance in every stored measurement", "[study][session][span]") {
    StoreFixture f;
    st::StudySession session(*f.store, f.studyId);
    st::LateTestTarget where{"tibial", st::Side::Left, "abductor hallucis", "ankle", "", ""};
    where.source = "recording /data/s1.bdf, 12.000-42.000 s (SHA-256 ab12)";
    session.saveFWave(fwave(49.0, 85.0), where);
    const auto stored = f.stored();
    const auto& t = std::get<st::FWave>(stored.tests.at(0));
    REQUIRE(t.measurements.size() >= 5);   // persistence and the four F latency values
    for (const auto& m : t.measurements) {
        INFO(m.name << ": " << m.method);
        CHECK(m.method.find("measured on recording /data/s1.bdf, 12.000-42.000 s (SHA-256 ab12)") != std::string::npos);
    }
}

TEST_CASE("upsert rule: another letter case or surrounding blanks are the same test, side, recording site and RNS condition are not",
          "[study][session][upsert]") {
    StoreFixture f;
    st::StudySession session(*f.store, f.studyId);
    session.saveFWave(fwave(50.0, 80.0), {"tibial", st::Side::Left, "abductor hallucis", "ankle", "", ""});
    CHECK(session.saveFWave(fwave(49.0, 85.0), {" Tibial", st::Side::Left, "Abductor Hallucis ", "ankle", "", ""}).replaced);
    CHECK_FALSE(session.saveFWave(fwave(49.0, 85.0), {"tibial", st::Side::Right, "abductor hallucis", "ankle", "", ""}).replaced);
    CHECK_FALSE(session.saveFWave(fwave(47.0, 85.0), {"peroneal", st::Side::Left, "extensor digitorum brevis", "ankle", "", ""}).replaced);
    CHECK(countKind(f.stored(), st::TestKind::FWave) == 3);

    // needle: "Tibialis Anterior" is the stored "tibialis anterior"
    st::NeedleFindingsRow row;
    row.muscle = "tibialis anterior";
    row.side = st::Side::Left;
    row.cells[1] = {"2+", false};
    CHECK_FALSE(session.saveNeedleRows({row}).at(0).replaced);
    row.muscle = "Tibialis Anterior";
    row.cells[1] = {"3+", true};
    CHECK(session.saveNeedleRows({row}).at(0).replaced);
    auto s = f.stored();
    REQUIRE(countKind(s, st::TestKind::Needle) == 1);
    for (const auto& t : s.tests)
        if (const auto* n = std::get_if<st::NeedleEmg>(&t)) CHECK(n->fibrillations == 3);

    // RNS at rest and after exercise are two tests of the same nerve
    st::Rns rest, exercise;
    rest.nerve = exercise.nerve = "ulnar";
    rest.recordingSite = exercise.recordingSite = "abductor digiti minimi";
    exercise.condition = "post-exercise 0 s";
    CHECK_FALSE(session.saveTest(rest).replaced);
    CHECK_FALSE(session.saveTest(exercise).replaced);
    rest.condition = "Rest";
    CHECK(session.saveTest(rest).replaced);
    CHECK(countKind(f.stored(), st::TestKind::Rns) == 2);
}

TEST_CASE("upsert rule: NCS sites of one nerve build one motor test, a site typed in another case replaces itself, CV from distance",
          "[study][session][upsert][ncs]") {
    StoreFixture f;
    st::StudySession session(*f.store, f.studyId);
    st::NcsSiteEntry e;
    e.nerve = "peroneal";
    e.recordingSite = "extensor digitorum brevis";
    e.side = st::Side::Left;
    e.siteName = "ankle";
    e.distanceMm = 80.0;
    session.saveNcsResponse(e, response(4.5, 5200.0));
    e.nerve = "Peroneal";
    e.siteName = "fibular head";
    e.distanceMm = 300.0;
    session.saveNcsResponse(e, response(11.8, 4800.0));
    e.siteName = "Fibular Head";
    CHECK(session.saveNcsResponse(e, response(11.0, 4900.0)).replaced);   // corrected markers: the same site
    const auto s = f.stored();
    REQUIRE(countKind(s, st::TestKind::Motor) == 1);
    const auto& motor = std::get<st::MotorNcs>(s.tests.at(0));
    REQUIRE(motor.sites.size() == 2);
    CHECK(st::findMeasurement(motor.sites[0].measurements, "distalLatencyMs")->value == Approx(4.5));
    const auto* cv = st::findMeasurement(motor.sites[1].measurements, "conductionVelocityMps");
    REQUIRE(cv != nullptr);
    CHECK(cv->value == Approx(300.0 / (11.0 - 4.5)).epsilon(1e-9));   // 46.2 m/s, a normal peroneal leg segment (limit ≥ 44)
    CHECK(cv->unit == "m/s");
    CHECK(st::findMeasurement(motor.sites[1].measurements, "latencyMs")->value == Approx(11.0));
}

TEST_CASE("late entry: an RNS train whose rate the file does not hold is stored with its rate not known, never refused",
          "[study][session][rns]") {
    // records of separate acquisitions glued back to back keep no time between them: analyzeRns reads
    // no rate (0). The save was refused ("repetitive stimulation needs 0 < rateHz"): the result was lost.
    StoreFixture f;
    st::StudySession session(*f.store, f.studyId);
    auto r = rnsTrain(10, 8000.0, 6400.0, 0.0);
    r.decrement4AmplitudePercent = 20.0;
    r.decrement5AmplitudePercent = 20.0;
    const auto saved = session.saveRns(r, {"ulnar", st::Side::Left, "abductor digiti minimi", "", "", ""});
    CHECK_FALSE(saved.replaced);
    const auto s = f.stored();
    REQUIRE(countKind(s, st::TestKind::Rns) == 1);
    for (const auto& t : s.tests)
        if (const auto* rns = std::get_if<st::Rns>(&t)) {
            CHECK(rns->rateHz == 0.0);
            CHECK(rns->trainLength == 10);
            CHECK(rns->note.find("rate not known") != std::string::npos);
            CHECK(std::none_of(rns->measurements.begin(), rns->measurements.end(), [](const auto& m) { return m.name == "rateHz"; }));
            const auto d = std::find_if(rns->measurements.begin(), rns->measurements.end(), [](const auto& m) { return m.name == "decrementPct"; });
            REQUIRE(d != rns->measurements.end());
            CHECK(d->value == Approx(20.0));
        }
    // a negative or absurd rate is still refused
    st::Rns bad;
    bad.nerve = "ulnar";
    bad.rateHz = -3.0;
    CHECK_THROWS(session.saveTest(bad));
}

TEST_CASE("NCS entry: a proximal CMAP's area drop is stored, judged against the consensus 50 %, and a block reads as focal",
          "[study][ncs][block]") {
    // peroneal EDB: ankle 6.0 mV (area 18000 uV ms, 5 ms), fibular head 2.0 mV (area 6000, 5 ms): a 66.7 %
    // area drop with no duration increase, a probable conduction block (Olney 1999); the proximal
    // CMAP itself (2.0 mV) is not judged against the distal limit, the drop is
    auto e = ncsEntry(st::TestKind::Motor, "peroneal", "extensor digitorum brevis", st::Side::Left, "ankle", 80.0);
    st::Study s;
    st::addNcsResponse(s, e, response(4.5, 6000.0));
    e.siteName = "fibular head";
    e.distanceMm = 300.0;
    st::addNcsResponse(s, e, response(11.0, 2000.0));
    const auto& motor = std::get<st::MotorNcs>(s.tests.at(0));
    REQUIRE(motor.sites.size() == 2);
    const auto* drop = st::findMeasurement(motor.sites[1].measurements, "areaDropPct");
    REQUIRE(drop != nullptr);
    CHECK(drop->value == Approx(100.0 * (18000.0 - 6000.0) / 18000.0));
    CHECK(drop->method.find("probable conduction block") != std::string::npos);
    CHECK(st::findMeasurement(motor.sites[0].measurements, "areaDropPct") == nullptr);   // the distal site has none
    const auto norms = st::NormativeTable::loadDirectory(st::test::resources() / "normative");
    bool dropFlagged = false, proximalAmplitudeJudged = false;
    for (const auto& ev : st::evaluateStudy(s, norms, {})) {
        if (ev.site == "fibular head" && ev.measurement.name == "areaDropPct") dropFlagged = ev.evaluation.abnormal;
        if (ev.site == "fibular head" && ev.measurement.name == "amplitudeUv") proximalAmplitudeJudged = true;
    }
    CHECK(dropFlagged);
    CHECK_FALSE(proximalAmplitudeJudged);
    bool focal = false;
    for (const auto& n : st::observationsFrom(s, norms, {}).nerves)
        if (n.nerve == "peroneal") focal = n.abnormal && n.focal;
    CHECK(focal);

    // a normal proximal CMAP (5.6 mV): a 6.7 % drop, within the limit; a distal CMAP under 1 mV: no area drop judged
    st::addNcsResponse(s, e, response(11.0, 5600.0));
    const auto* small = st::findMeasurement(std::get<st::MotorNcs>(s.tests.at(0)).sites[1].measurements, "areaDropPct");
    REQUIRE(small != nullptr);
    CHECK(small->value == Approx(100.0 * (18000.0 - 16800.0) / 18000.0));
    for (const auto& ev : st::evaluateStudy(s, norms, {}))
        if (ev.measurement.name == "areaDropPct") CHECK_FALSE(ev.evaluation.abnormal);
    st::Study low;
    e.siteName = "ankle";
    e.distanceMm = 80.0;
    st::addNcsResponse(low, e, response(4.5, 800.0));
    e.siteName = "fibular head";
    e.distanceMm = 300.0;
    st::addNcsResponse(low, e, response(11.0, 200.0));
    const auto& lowSites = std::get<st::MotorNcs>(low.tests.at(0)).sites;
    CHECK(st::findMeasurement(lowSites[1].measurements, "areaDropPct") == nullptr);
    CHECK(st::findMeasurement(lowSites[1].measurements, "amplitudeDropPct")->value == Approx(75.0));
}

TEST_CASE("study session: a refused save leaves the stored study unchanged, an unknown study is refused", "[study][session]") {
    StoreFixture f;
    st::StudySession session(*f.store, f.studyId);
    session.saveFWave(fwave(50.0, 80.0), {"tibial", st::Side::Left, "abductor hallucis", "ankle", "", ""});
    st::NeedleFindingsRow good, bad;
    good.muscle = "gastrocnemius";
    bad.muscle = "tibialis posterior";
    bad.cells[1] = {"lots", true};
    CHECK_THROWS_WITH(session.saveNeedleRows({good, bad}), Catch::Contains("tibialis posterior: Fibs: 'lots'"));
    CHECK(f.stored().tests.size() == 1);   // all rows or none
    CHECK_THROWS_AS(session.saveFWave(fwave(50.0, 80.0), {"", st::Side::Left, "", "", "", ""}), std::invalid_argument);
    emg::dsp::ResponseResult lost;
    CHECK_THROWS_AS(session.saveNcsResponse({}, lost), std::invalid_argument);
    CHECK(f.stored().tests.size() == 1);
    CHECK_THROWS_AS(st::StudySession(*f.store, "no-such-study"), st::StoreError);
}

TEST_CASE("study session: the study's protocol comes from the one installed list", "[study][session][protocol]") {
    StoreFixture f;
    st::StudySession session(*f.store, f.studyId);
    REQUIRE(session.protocol() != nullptr);
    CHECK(session.protocol()->id == "lumbosacral-radiculopathy");
    const auto steps = session.protocolSteps();
    CHECK(std::any_of(steps.begin(), steps.end(), [](const st::ProtocolStep& s) { return s.kind == st::TestKind::HReflex; }));
    CHECK(&st::installedProtocols() == &st::installedProtocols());   // loaded once
    CHECK(st::installedProtocols().find("lumbosacral-radiculopathy") == session.protocol());
}

TEST_CASE("study session: a MUAP set's summary goes into the muscle's needle test", "[study][session][needle]") {
    StoreFixture f;
    st::StudySession session(*f.store, f.studyId);
    st::NeedleFindingsRow row;
    row.muscle = "tibialis anterior";
    row.side = st::Side::Left;
    row.cells[1] = {"1+", false};
    session.saveNeedleRows({row});
    emg::needle::MuscleSummary sum;
    sum.unitCount = 22;
    sum.meanAmplitudeUv = 1450.0;   // large, long units: a chronic neurogenic set
    sum.meanDurationMs = 15.8;
    sum.polyphasicPercent = 27.0;
    sum.meanRateHz = 14.0;
    sum.maxRateHz = 24.0;
    sum.reading = emg::needle::PatternReading::Neuropathic;
    CHECK(session.saveMuapSet("Tibialis anterior", st::Side::Left, sum, "decomposition of 30 s").replaced);
    const auto s = f.stored();
    REQUIRE(countKind(s, st::TestKind::Needle) == 1);
    const auto& ta = std::get<st::NeedleEmg>(s.tests.at(0));
    CHECK(ta.fibrillations == 1);   // the grid's findings kept
    CHECK(st::findMeasurement(ta.measurements, "muapDurationMs")->value == Approx(15.8));
    CHECK(st::findMeasurement(ta.measurements, "polyphasicPct")->unit == "%");
    CHECK(ta.note.find("22 units") != std::string::npos);
    sum.unitCount = 0;
    CHECK_THROWS_AS(session.saveMuapSet("tibialis anterior", st::Side::Left, sum, ""), std::invalid_argument);
}

TEST_CASE("NCS entry: a sensory response gets its CV from the distance and onset, incomplete entries are refused", "[study][ncs]") {
    auto e = ncsEntry(st::TestKind::Sensory, "sural", "lateral malleolus", st::Side::Right, "calf", 140.0);
    st::Study s;
    st::addNcsResponse(s, e, response(2.8, 12.0));
    REQUIRE(s.tests.size() == 1);
    const auto& sural = std::get<st::SensoryNcs>(s.tests[0]);
    REQUIRE(sural.sites.size() == 1);
    CHECK(st::findMeasurement(sural.sites[0].measurements, "onsetLatencyMs")->value == Approx(2.8));
    CHECK(st::findMeasurement(sural.sites[0].measurements, "peakLatencyMs")->value == Approx(3.4));
    CHECK(st::findMeasurement(sural.sites[0].measurements, "amplitudeUv")->unit == "uV");
    const auto* cv = st::findMeasurement(sural.sites[0].measurements, "conductionVelocityMps");
    REQUIRE(cv != nullptr);
    CHECK(cv->value == Approx(140.0 / 2.8));   // 50 m/s: a normal sural nerve
    CHECK(cv->provenance == st::Provenance::Auto);

    // a second, proximal site (the segment to the distal one, 100 mm): its segment CV from the onsets'
    // difference, 100 mm / 1.8 ms = 55.6 m/s (before: proximal sensory sites had no velocity)
    auto proximal = e;
    proximal.siteName = "mid calf";
    proximal.distanceMm = 100.0;
    st::addNcsResponse(s, proximal, response(4.6, 9.0));
    {
        const auto& two = std::get<st::SensoryNcs>(s.tests[0]);
        REQUIRE(two.sites.size() == 2);
        const auto* seg = st::findMeasurement(two.sites[1].measurements, "conductionVelocityMps");
        REQUIRE(seg != nullptr);
        CHECK(seg->value == Approx(100.0 / (4.6 - 2.8)));
        CHECK(seg->method.find("proximal onset - distal onset") != std::string::npos);
        CHECK(st::findMeasurement(two.sites[0].measurements, "conductionVelocityMps")->value == Approx(140.0 / 2.8));   // unchanged
    }

    e.side = st::Side::Left;   // the other side is another test
    st::addNcsResponse(s, e, response(2.8, 12.0));
    CHECK(s.tests.size() == 2);
    auto bad = e;
    bad.siteName = "  ";
    CHECK_THROWS_AS(st::addNcsResponse(s, bad, response(2.8, 12.0)), std::invalid_argument);
    bad = e;
    bad.kind = st::TestKind::FWave;
    CHECK_THROWS_AS(st::addNcsResponse(s, bad, response(2.8, 12.0)), std::invalid_argument);
    auto lost = response(2.8, 12.0);
    lost.found = false;
    CHECK_THROWS_AS(st::addNcsResponse(s, e, lost), std::invalid_argument);
    CHECK(s.tests.size() == 2);
}

TEST_CASE("NCS entry: an uncertain onset is stored marked with its reason, and so is the velocity resting on it", "[study][ncs]") {
    auto e = ncsEntry(st::TestKind::Motor, "ulnar", "abductor digiti minimi", st::Side::Left, "wrist", 70.0);
    st::Study s;
    auto distal = response(3.1, 900.0);
    distal.onsetUncertain = true;
    distal.note = "onset uncertain: peak 14 x the noise rms (< 20 x)";
    st::addNcsResponse(s, e, distal);
    e.siteName = "below elbow";
    e.distanceMm = 220.0;
    st::addNcsResponse(s, e, response(7.1, 850.0));   // confident: 220 mm / 4.0 ms = 55 m/s
    const auto& ulnar = std::get<st::MotorNcs>(s.tests.at(0));
    const auto* dl = st::findMeasurement(ulnar.sites[0].measurements, "distalLatencyMs");
    REQUIRE(dl != nullptr);
    CHECK(st::isUncertain(*dl));
    CHECK(dl->method.rfind("uncertain: onset: peak 14 x the noise rms (< 20 x); onset latency", 0) == 0);
    CHECK_FALSE(st::isUncertain(*st::findMeasurement(ulnar.sites[0].measurements, "amplitudeUv")));   // the amplitude is read
    const auto* cv = st::findMeasurement(ulnar.sites[1].measurements, "conductionVelocityMps");
    REQUIRE(cv != nullptr);
    CHECK(cv->value == Approx(55.0));
    CHECK(st::isUncertain(*cv));
    CHECK_FALSE(st::isUncertain(*st::findMeasurement(ulnar.sites[1].measurements, "latencyMs")));

    // the clinician moved the distal onset marker: the onset is theirs, the velocity confident again
    auto placed = response(3.0, 900.0);
    placed.provenance.markers.origin = emg::dsp::MarkerOrigin::Clinician;
    e.siteName = "wrist";
    e.distanceMm = 70.0;
    e.placedBy = "AB";
    st::addNcsResponse(s, e, placed);
    const auto& again = std::get<st::MotorNcs>(s.tests.at(0));
    CHECK_FALSE(st::isUncertain(*st::findMeasurement(again.sites[0].measurements, "distalLatencyMs")));
    const auto* cv2 = st::findMeasurement(again.sites[1].measurements, "conductionVelocityMps");
    REQUIRE(cv2 != nullptr);
    CHECK(cv2->value == Approx(220.0 / 4.1));
    CHECK_FALSE(st::isUncertain(*cv2));
}

namespace {
/// A confident automatic response whose take-off fit gave the onset a (noise-only) SE.
emg::dsp::ResponseResult timedResponse(double onsetMs, double amplitudeUv, double onsetSeMs, double sampleRateHz) {
    auto r = response(onsetMs, amplitudeUv);
    r.onsetSeMs = onsetSeMs;
    r.sampleRateHz = sampleRateHz;
    return r;
}
}  // namespace

// Velocity SE as `emgws-cli analyze motor` gives it (dsp/conduction_velocity_se.h): each onset's
// SE for velocities is hypot(noise SE, Ts/6, 0.012 ms); a segment is uncertain when CV +- 1.96 SE
// is wider than +-5 %. At 5 kHz with a 0.02 ms noise SE an onset's velocity SE is 0.0407 ms: a
// 230 mm forearm segment at 60 m/s (3.83 ms) gives +-2.9 % (confident), 80 mm inching across the
// elbow at 50 m/s (1.6 ms) +-7.0 % (uncertain). At 48 kHz with 0.004 ms: 0.0131 ms, +-2.3 % over
// 1.6 ms (confident). The SE is stored with the onset, so velocities recomputed from a stored
// study (a later save, another session) keep it; a clinician's onset carries none.
TEST_CASE("NCS entry: a velocity over a segment too short for its onsets' SEs is stored uncertain", "[study][session][ncs][cv]") {
    StoreFixture f;
    st::StudySession session(*f.store, f.studyId);
    auto e = ncsEntry(st::TestKind::Motor, "ulnar", "abductor digiti minimi", st::Side::Right, "wrist", 70.0);
    session.saveNcsResponse(e, timedResponse(3.0, 9000.0, 0.02, 5000.0));
    e.siteName = "below elbow";
    e.distanceMm = 230.0;
    session.saveNcsResponse(e, timedResponse(3.0 + 230.0 / 60.0, 8600.0, 0.02, 5000.0));
    e.siteName = "above elbow";
    e.distanceMm = 80.0;
    session.saveNcsResponse(e, timedResponse(3.0 + 230.0 / 60.0 + 1.6, 8400.0, 0.02, 5000.0));
    {
        const auto s = f.stored();
        const auto& ulnar = std::get<st::MotorNcs>(s.tests.at(0));
        REQUIRE(ulnar.sites.size() == 3);
        const auto* forearm = st::findMeasurement(ulnar.sites[1].measurements, "conductionVelocityMps");
        const auto* elbow = st::findMeasurement(ulnar.sites[2].measurements, "conductionVelocityMps");
        REQUIRE(forearm != nullptr);
        REQUIRE(elbow != nullptr);
        CHECK(forearm->value == Approx(60.0));
        CHECK_FALSE(st::isUncertain(*forearm));
        CHECK(elbow->value == Approx(50.0));
        CHECK(st::isUncertain(*elbow));
        INFO(elbow->method);
        CHECK(elbow->method.find("+-7.0 %") != std::string::npos);
        // the onsets themselves are confident: only the velocity over 1.6 ms is not
        CHECK_FALSE(st::isUncertain(*st::findMeasurement(ulnar.sites[2].measurements, "latencyMs")));
    }
    // the same sites sampled at 48 kHz: the inching segment's velocity is confident
    for (const auto& [name, distanceMm, onsetMs] : {std::tuple{"wrist", 70.0, 3.0}, std::tuple{"below elbow", 230.0, 3.0 + 230.0 / 60.0},
                                                    std::tuple{"above elbow", 80.0, 3.0 + 230.0 / 60.0 + 1.6}}) {
        e.siteName = name;
        e.distanceMm = distanceMm;
        session.saveNcsResponse(e, timedResponse(onsetMs, 9000.0, 0.004, 48000.0));
    }
    {
        const auto s = f.stored();
        const auto& ulnar = std::get<st::MotorNcs>(s.tests.at(0));
        const auto* elbow = st::findMeasurement(ulnar.sites[2].measurements, "conductionVelocityMps");
        REQUIRE(elbow != nullptr);
        CHECK(elbow->value == Approx(50.0));
        CHECK_FALSE(st::isUncertain(*elbow));
    }
    // back to 5 kHz, but the clinician placed the above-elbow onset: no SE is known, no flag
    auto placed = timedResponse(3.0 + 230.0 / 60.0 + 1.6, 8400.0, 0.0, 5000.0);
    placed.provenance.markers.origin = emg::dsp::MarkerOrigin::Clinician;
    e.placedBy = "AB";
    session.saveNcsResponse(e, placed);
    const auto s = f.stored();
    const auto* elbow = st::findMeasurement(std::get<st::MotorNcs>(s.tests.at(0)).sites[2].measurements, "conductionVelocityMps");
    REQUIRE(elbow != nullptr);
    CHECK_FALSE(st::isUncertain(*elbow));
}

// A sensory velocity divides by the onset latency itself: a 2.0 ms onset read at 4 kHz with a
// 0.05 ms noise SE (velocity SE hypot(0.05, 0.0417, 0.012) = 0.066 ms) is +-6.5 %: uncertain;
// a 2.8 ms onset at 20 kHz with 0.01 ms (0.0178 ms) is +-1.2 %: confident.
TEST_CASE("NCS entry: a sensory velocity is uncertain when its onset's SE is large against the latency", "[study][ncs][cv]") {
    const auto e = ncsEntry(st::TestKind::Sensory, "sural", "lateral malleolus", st::Side::Left, "calf", 100.0);
    st::Study s;
    st::addNcsResponse(s, e, timedResponse(2.0, 12.0, 0.05, 4000.0));
    const auto* cv = st::findMeasurement(std::get<st::SensoryNcs>(s.tests.at(0)).sites[0].measurements, "conductionVelocityMps");
    REQUIRE(cv != nullptr);
    CHECK(cv->value == Approx(50.0));
    CHECK(st::isUncertain(*cv));
    CHECK(cv->method.find("+-6.5 %") != std::string::npos);
    st::addNcsResponse(s, e, timedResponse(2.8, 12.0, 0.01, 20000.0));
    const auto* cv2 = st::findMeasurement(std::get<st::SensoryNcs>(s.tests.at(0)).sites[0].measurements, "conductionVelocityMps");
    REQUIRE(cv2 != nullptr);
    CHECK_FALSE(st::isUncertain(*cv2));
}

TEST_CASE("late entry: an absent H is stored without a latency and read as an abnormal S1 pathway", "[study][late]") {
    emg::dsp::HReflexResult r;
    r.sweeps.resize(12);
    r.hMaxUv = 14.0;
    r.mMaxUv = 9000.0;
    r.hmRatio = r.hMaxUv / r.mMaxUv;
    r.method = "peak to peak after M";
    st::LateTestTarget where;
    where.side = st::Side::Left;   // nerve, sites left empty: the H-reflex defaults
    const auto h = st::hreflexTestFrom(r, where);
    CHECK(h.nerve == "tibial");
    CHECK(h.recordingSite == "soleus");
    CHECK(st::findMeasurement(h.measurements, "hLatencyMs") == nullptr);
    CHECK(h.note.find("H absent") != std::string::npos);
    const auto* ratio = st::findMeasurement(h.measurements, "hmRatio");
    REQUIRE(ratio != nullptr);
    CHECK(ratio->value == Approx(14.0 / 9000.0));
    CHECK(ratio->method.find("peak to peak after M") != std::string::npos);
    CHECK(st::findMeasurement(h.measurements, "mAmplitudeUv")->unit == "uV");

    {
        // a latency the take-off does not vouch for: stored, marked uncertain, the reason in the note
        auto u = r;
        u.hLatencyMs = 31.0;
        u.hMaxUv = 950.0;
        u.hLatencyNote = "a lobe of the other sign just before H's main phase reaches about the onset level";
        const auto hu = st::hreflexTestFrom(u, where);
        const auto* lat = st::findMeasurement(hu.measurements, "hLatencyMs");
        REQUIRE(lat != nullptr);
        CHECK(st::isUncertain(*lat));
        CHECK(lat->method.find("a lobe of the other sign") != std::string::npos);
        CHECK(hu.note.find("H latency uncertain") != std::string::npos);
    }
    r.hLatencyMs = 30.0;   // a normal right H (≤ 35 ms at an adult height), Hmax 1.8 mV
    r.hMaxUv = 1800.0;
    r.hmRatio = r.hMaxUv / r.mMaxUv;
    where.side = st::Side::Right;
    st::Study both;
    st::upsertTest(both, h);
    st::upsertTest(both, st::hreflexTestFrom(r, where));
    const auto norms = st::NormativeTable::loadDirectory(st::test::resources() / "normative");
    const auto obs = st::observationsFrom(both, norms, st::SubjectInfo{});
    REQUIRE(obs.nerves.size() == 2);
    for (const auto& n : obs.nerves) {
        INFO(st::toString(n.side));
        CHECK(n.abnormal == (n.side == st::Side::Left));
    }
}

TEST_CASE("late entry: a side difference from an uncertain H latency is marked uncertain and does not mark S1 abnormal", "[study][late]") {
    // left H read 2.5 ms later than the right (beyond the 1.5 ms side-difference limit): as confident
    // values the left S1 pathway is abnormal; with the left latency flagged uncertain by the engine (read
    // on H's main phase past a small first lobe) the difference is uncertain too and is no evidence
    const auto norms = st::NormativeTable::loadDirectory(st::test::resources() / "normative");
    const auto study = [&](bool leftUncertain) {
        emg::dsp::HReflexResult r;
        r.sweeps.resize(12);
        r.hMaxUv = 1800.0;
        r.mMaxUv = 9000.0;
        r.hmRatio = r.hMaxUv / r.mMaxUv;
        st::LateTestTarget where;
        where.side = st::Side::Right;
        r.hLatencyMs = 30.0;
        st::Study both;
        st::upsertTest(both, st::hreflexTestFrom(r, where));
        where.side = st::Side::Left;
        r.hLatencyMs = 32.5;
        if (leftUncertain) r.hLatencyNote = "a lobe of the other sign just before H's main phase reaches about the onset level";
        st::upsertTest(both, st::hreflexTestFrom(r, where));
        return both;
    };
    for (const bool uncertain : {false, true}) {
        INFO("left latency uncertain: " << uncertain);
        const auto both = study(uncertain);
        const auto diffs = st::hReflexSideToSide(both, norms, st::SubjectInfo{});
        REQUIRE(diffs.size() >= 1);
        const auto& d = diffs.front();
        CHECK(d.evaluation.measurement.name == "hLatencySideDiffMs");
        CHECK(d.evaluation.measurement.value == Approx(2.5));
        CHECK(d.evaluation.evaluation.abnormal);
        CHECK(st::isUncertain(d.evaluation.measurement) == uncertain);
        const auto obs = st::observationsFrom(both, norms, st::SubjectInfo{});
        REQUIRE(obs.nerves.size() == 2);
        for (const auto& n : obs.nerves) {
            INFO(st::toString(n.side));
            CHECK(n.abnormal == (!uncertain && n.side == st::Side::Left));
        }
    }
}

TEST_CASE("needle entry: grades, readings and refusals of a findings row", "[study][needle]") {
    st::NeedleFindingsRow row;
    row.muscle = "  vastus lateralis ";
    row.side = st::Side::Right;
    row.cells = {{{"reduced", true}, {"3+ (4.2/s)", false}, {"", false}, {"present (12/min)", false}, {"reduced (180 uV)", false},
                  {"short (6.1 ms)", false}, {"increased (40 %)", false}, {"early", true}, {"myopathic", false}}};
    const auto t = st::needleTestFrom(row);
    CHECK(t.muscle == "vastus lateralis");
    CHECK(t.insertional == st::Grade3::Decreased);
    CHECK(t.fibrillations == 3);
    CHECK(t.positiveSharpWaves == 0);
    CHECK(t.fasciculations == 1);
    CHECK(t.muapAmplitude == st::Grade3::Decreased);
    CHECK(t.muapDuration == st::Grade3::Decreased);
    CHECK(t.polyphasia == st::Grade3::Increased);
    CHECK(t.recruitment == st::Recruitment::Early);
    CHECK(t.interference == st::Interference::Full);
    CHECK(st::findMeasurement(t.measurements, "fibrillationRatePerS")->value == Approx(4.2));
    CHECK(st::findMeasurement(t.measurements, "fibrillationRatePerS")->unit == "1/s");
    CHECK(st::findMeasurement(t.measurements, "fasciculationRatePerMin")->unit == "1/min");
    CHECK(st::findMeasurement(t.measurements, "muapAmplitudeUv")->value == Approx(180));
    CHECK(st::findMeasurement(t.measurements, "polyphasicPct")->value == Approx(40));

    for (auto [cell, text] : {std::pair{1, "5+"}, std::pair{4, "huge"}, std::pair{7, "fast"}, std::pair{8, "partial"}}) {
        auto bad = row;
        bad.cells[static_cast<std::size_t>(cell)].text = text;
        CHECK_THROWS_AS(st::needleTestFrom(bad), std::invalid_argument);
    }
    auto unnamed = row;
    unnamed.muscle = " ";
    CHECK_THROWS_AS(st::needleTestFrom(unnamed), std::invalid_argument);
}

TEST_CASE("emgws-cli studies put-test saves through the study session: the same test in another case is replaced", "[study][session][cli]") {
    StoreFixture f;
    const auto db = "sqlite:" + (f.dir / "s.sqlite").string();
    const auto testFile = f.dir / "fwave.json";
    auto put = [&](const std::string& nerve, double fMinMs) {
        std::ofstream(testFile) << R"({"kind": "fwave", "nerve": ")" << nerve
                                << R"(", "side": "left", "recordingSite": "abductor hallucis", "stimuli": 20,
                                      "measurements": [{"name": "fMinLatencyMs", "value": )"
                                << fMinMs << R"(, "unit": "ms"}, {"name": "persistencePercent", "value": 85, "unit": "%"}]})";
        const auto out = f.dir / "out.json";
        const std::string cmd = std::string(EMGWS_CLI_PATH) + " studies put-test " + f.studyId + " --json " + testFile.string() +
                                " --db " + db + " >" + out.string() + " 2>" + (f.dir / "err.txt").string();
        REQUIRE(std::system(cmd.c_str()) == 0);
        std::ifstream in(out);
        return nlohmann::json::parse(in);
    };
    CHECK(put("tibial", 50.5)["replaced"] == false);
    const auto again = put("Tibial", 48.0);
    CHECK(again["replaced"] == true);
    CHECK(again["kind"] == "fwave");
    f.store = st::SessionStore::open(db);   // what the CLI wrote
    const auto s = f.stored();
    REQUIRE(countKind(s, st::TestKind::FWave) == 1);
    const auto& t = std::get<st::FWave>(s.tests.at(0));
    CHECK(st::findMeasurement(t.measurements, "fMinLatencyMs")->value == Approx(48.0));
    CHECK(st::findMeasurement(t.measurements, "persistencePct") != nullptr);   // the old name, read as today's
}

TEST_CASE("one test-kind enum: the study's kinds and the NCS analyzers' test are one type with one text form", "[study][kind]") {
    STATIC_REQUIRE(std::is_same_v<emg::dsp::NcsTest, st::TestKind>);
    for (auto k : {st::TestKind::Motor, st::TestKind::Sensory, st::TestKind::FWave, st::TestKind::HReflex, st::TestKind::Rns,
                   st::TestKind::Needle})
        CHECK(std::string(emg::dsp::toString(k)) == std::string(st::toString(k)));
    CHECK(emg::dsp::ncsSettingsFor(st::TestKind::FWave).sweep.windowMs == Approx(100.0));   // F waves need a 100 ms window
    CHECK_THROWS_AS(emg::dsp::ncsSettingsFor(st::TestKind::Needle), std::invalid_argument);
    CHECK(st::testKindOf(st::LateMode::HReflex) == st::TestKind::HReflex);
    CHECK_FALSE(st::testKindOf(st::LateMode::Supramaximal).has_value());
}

TEST_CASE("late entry: an uncertain F-wave minimal latency is stored marked uncertain, the reason in the note", "[study][late]") {
    // the engine's minLatencyNote (a sweep's F may begin at a lead-in lobe near the onset level,
    // before the minimal latency read): the value is kept, marked, so the study takes no evidence
    // from it and the report shows it with "?"
    emg::dsp::FWaveResult r;
    r.stimuli = 16;
    r.present = 8;
    r.persistencePercent = 50.0;
    r.minLatencyMs = 53.54;
    r.meanLatencyMs = 53.9;
    r.maxLatencyMs = 54.4;
    r.chronodispersionMs = 0.9;
    r.method = "F present when ...";
    st::LateTestTarget where;
    where.side = st::Side::Left;
    const auto confident = st::fwaveTestFrom(r, where);
    const auto* lat = st::findMeasurement(confident.measurements, "fMinLatencyMs");
    REQUIRE(lat != nullptr);
    CHECK_FALSE(st::isUncertain(*lat));
    CHECK(confident.note.find("uncertain") == std::string::npos);
    r.minLatencyNote = "stimulus 11: a lobe of the other sign reaching about the onset level at 52.80 ms leads into its F";
    const auto flagged = st::fwaveTestFrom(r, where);
    lat = st::findMeasurement(flagged.measurements, "fMinLatencyMs");
    REQUIRE(lat != nullptr);
    CHECK(lat->value == Approx(53.54));
    CHECK(st::isUncertain(*lat));
    CHECK(lat->method.find("stimulus 11") != std::string::npos);
    CHECK(flagged.note.find("F min latency uncertain: stimulus 11") != std::string::npos);
    // the other F measures are not touched
    const auto* mean = st::findMeasurement(flagged.measurements, "fMeanLatencyMs");
    REQUIRE(mean != nullptr);
    CHECK_FALSE(st::isUncertain(*mean));
}

TEST_CASE("study session: names a file gave in Latin-1 are stored as UTF-8, the save is not refused", "[study][session][text]") {
    // a German system's RNS phase and stimulation sites, and a note, in Latin-1 ("\xDC" = Ü)
    StoreFixture f;
    st::StudySession session(*f.store, f.studyId);
    auto r = rnsTrain(5, 8000.0, 8000.0, 3.0);
    r.decrement4AmplitudePercent = 2.0;
    st::LateTestTarget where{"ulnar", st::Side::Left, "abductor digiti minimi", "Handgelenk (\xDC" "bung)", "nach \xDC" "bung", ""};
    // (as it was: the study's JSON cannot hold these bytes)
    st::Rns raw = st::rnsTestFrom(r, where);
    CHECK_THROWS(nlohmann::json(raw.condition).dump());
    session.saveRns(r, where);
    st::FWave fw = st::fwaveTestFrom(fwave(45.0, 80.0), {"tibial", st::Side::Right, "abductor hallucis", "Kn\xF6" "chel", "", ""});
    fw.note = "Elektrode \xFC" "ber dem Muskel";
    session.saveTest(fw);
    const auto s = f.stored();
    REQUIRE(s.tests.size() == 2);
    const auto* rns = std::get_if<st::Rns>(&s.tests[0]);
    const auto* f2 = std::get_if<st::FWave>(&s.tests[1]);
    REQUIRE(rns);
    REQUIRE(f2);
    CHECK(rns->condition == "nach \xC3\x9C" "bung");
    CHECK(rns->note == "stimulated at Handgelenk (\xC3\x9C" "bung)");
    CHECK(f2->stimSite == "Kn\xC3\xB6" "chel");
    CHECK(f2->note == "Elektrode \xC3\xBC" "ber dem Muskel");
}
