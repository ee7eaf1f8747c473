// The report of a stored study: a left L5 radiculopathy work-up (the typical back-pain study)
// with values on both sides of the normative limits, drawn to tables, flags and a suggestion.
#include <emg/report/pdf_report_writer.h>
#include <emg/report/study_report.h>
#include <emg/study/evaluation.h>
#include <emg/study/json.h>
#include <emg/study/localization.h>
#include <emg/study/measurement_uncertainty.h>

#include <catch2/catch.hpp>

#include <QGuiApplication>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <unistd.h>

using namespace emg;
using namespace emg::study;

namespace {

std::filesystem::path resources() { return std::filesystem::path(EMGWS_SOURCE_DIR) / "resources"; }

Measurement m(const std::string& name, double value, const std::string& unit) { return {name, value, unit, Provenance::Auto, "auto", ""}; }

Patient patient() {
    Patient p;
    p.id = "MRN-0042";
    p.name = "Doe, Jane";
    p.birthDate = "1968-03-14";
    p.sex = Sex::Female;
    p.heightCm = 168;
    p.symptomSide = Side::Left;
    return p;
}

NeedleEmg needle(const std::string& id, const std::string& muscle, int fibs, int psw, Recruitment rec) {
    NeedleEmg n;
    n.id = id;
    n.side = Side::Left;
    n.muscle = muscle;
    n.insertional = fibs > 0 ? Grade3::Increased : Grade3::Normal;
    n.fibrillations = fibs;
    n.positiveSharpWaves = psw;
    n.muapAmplitude = rec == Recruitment::Reduced ? Grade3::Increased : Grade3::Normal;
    n.muapDuration = n.muapAmplitude;
    n.polyphasia = Grade3::Normal;
    n.recruitment = rec;
    n.interference = rec == Recruitment::Reduced ? Interference::Reduced : Interference::Full;
    return n;
}

Study l5Study() {
    Study s;
    s.id = "study-l5";
    s.patientId = "MRN-0042";
    s.date = "2026-11-20";
    s.indication = "low back pain with left leg symptoms";
    s.referringPhysician = "Dr. Referrer";
    s.examiner = "Dr. Examiner";
    s.technician = "T. Tech";
    s.limbTemperatureC = 32.5;
    s.protocolId = "lumbosacral-radiculopathy";

    MotorNcs per;
    per.id = "per-L";
    per.side = Side::Left;
    per.nerve = "peroneal";
    per.recordingSite = "extensor digitorum brevis";
    per.sites = {{"ankle", 90.0, {m("distalLatencyMs", 4.9, "ms"), m("amplitudeUv", 1500, "uV")}},   // low: < 2.0 mV
                 {"below fibular head", 300.0, {m("latencyMs", 11.6, "ms"), m("amplitudeUv", 1400, "uV")}}};
    per.measurements = {m("conductionVelocityMps", 44.8, "m/s")};  // normal: >= 44 m/s
    s.tests.push_back(per);

    MotorNcs tib;
    tib.id = "tib-L";
    tib.side = Side::Left;
    tib.nerve = "tibial";
    tib.recordingSite = "abductor hallucis";
    tib.sites = {{"ankle", 90.0, {m("distalLatencyMs", 6.4, "ms"), m("amplitudeUv", 9200, "uV")}}};  // latency high: > 5.8 ms
    s.tests.push_back(tib);

    SensoryNcs sural;
    sural.id = "sural-L";
    sural.side = Side::Left;
    sural.nerve = "sural";
    sural.recordingSite = "lateral malleolus";
    sural.sites = {{"calf", 140.0, {m("peakLatencyMs", 3.6, "ms"), m("amplitudeUv", 14, "uV")}}};
    s.tests.push_back(sural);

    FWave f;
    f.id = "F-per-L";
    f.side = Side::Left;
    f.nerve = "peroneal";
    f.recordingSite = "extensor digitorum brevis";
    f.stimSite = "ankle";
    f.stimuli = 20;
    f.measurements = {m("fMinLatencyMs", 52.3, "ms"), m("persistencePct", 60, "%")};
    s.tests.push_back(f);

    s.tests.push_back(needle("n1", "tibialis anterior", 2, 2, Recruitment::Reduced));
    s.tests.push_back(needle("n2", "tibialis posterior", 1, 1, Recruitment::Reduced));
    s.tests.push_back(needle("n3", "gluteus medius", 1, 0, Recruitment::Reduced));
    s.tests.push_back(needle("n4", "peroneus longus", 1, 1, Recruitment::Reduced));
    s.tests.push_back(needle("n5", "medial gastrocnemius", 0, 0, Recruitment::Normal));
    s.tests.push_back(needle("n6", "vastus medialis", 0, 0, Recruitment::Normal));
    return s;
}

const report::ReportTable* table(const report::ReportModel& r, const std::string& title) {
    for (const auto& t : r.tables)
        if (t.title == title) return &t;
    return nullptr;
}

int column(const report::ReportTable& t, const std::string& header) {
    const auto it = std::find(t.header.begin(), t.header.end(), header);
    return it == t.header.end() ? -1 : static_cast<int>(it - t.header.begin());
}

struct Models {
    NormativeTable norms = NormativeTable::loadDirectory(resources() / "normative");
    MyotomeMap myotomes = MyotomeMap::load(resources() / "myotomes.json");
};

const Models& models() {
    static const Models m;
    return m;
}

}  // namespace

TEST_CASE("column titles carry the unit from the measurement name", "[report][study-report]") {
    CHECK(report::columnTitle("distalLatencyMs") == "Distal latency (ms)");
    CHECK(report::columnTitle("amplitudeUv") == "Amplitude (µV)");
    CHECK(report::columnTitle("conductionVelocityMps") == "Conduction velocity (m/s)");
    CHECK(report::columnTitle("areaUvMs") == "Area (µV·ms)");
    CHECK(report::columnTitle("fMinLatencyMs") == "F min latency (ms)");
    CHECK(report::columnTitle("decrementPct") == "Decrement (%)");
    CHECK(report::formatValue(4.456, "distalLatencyMs") == "4.46");
    CHECK(report::formatValue(14.04, "amplitudeUv") == "14.0");
    CHECK(report::formatValue(1500.4, "amplitudeUv") == "1500");
}

TEST_CASE("a stored L5 work-up becomes tables flagged against the normative limits", "[report][study-report]") {
    const auto r = report::buildStudyReport(patient(), l5Study(), models().norms, models().myotomes);

    CHECK(std::find(r.patientFields.begin(), r.patientFields.end(),
                    std::pair<std::string, std::string>{"Born", "1968-03-14 (58 years)"}) != r.patientFields.end());
    CHECK(std::find(r.studyFields.begin(), r.studyFields.end(),
                    std::pair<std::string, std::string>{"Limb temperature", "32.5 °C"}) != r.studyFields.end());
    CHECK(r.signedBy == "Dr. Examiner");

    const auto* motor = table(r, "Motor nerve conduction");
    REQUIRE(motor);
    // peroneal ankle, below fibular head, segment; tibial ankle
    REQUIRE(motor->rows.size() == 4);
    const int amp = column(*motor, "Amplitude (mV)");
    const int dl = column(*motor, "Distal latency (ms)");
    const int cv = column(*motor, "Conduction velocity (m/s)");
    REQUIRE(amp > 0);
    REQUIRE(dl > 0);
    REQUIRE(cv > 0);
    // peroneal CMAP 1.5 mV against a lower limit of 2.0 mV: flagged, limit shown
    CHECK(motor->rows[0][amp].text == "1.5 (≥ 2.0)");
    CHECK(motor->rows[0][amp].abnormal);
    CHECK(motor->rows[0][dl].text == "4.90");      // 4.9 ms against <= 6.5 ms
    CHECK_FALSE(motor->rows[0][dl].abnormal);
    // the proximal CMAP (1.4 mV) is shown without the distal limit and not flagged: the same low
    // CMAP, judged by its drop from the distal one
    CHECK(motor->rows[1][amp].text == "1.4");
    CHECK_FALSE(motor->rows[1][amp].abnormal);
    CHECK(motor->rows[2][3].text == "segment");
    CHECK(motor->rows[2][cv].text == "44.8");      // 44.8 m/s against >= 44 m/s
    CHECK_FALSE(motor->rows[2][cv].abnormal);
    CHECK(motor->rows[3][dl].abnormal);            // tibial 6.4 ms against <= 5.8 ms
    CHECK(motor->rows[3][dl].text == "6.40 (≤ 5.80)");
    CHECK_FALSE(motor->rows[3][amp].abnormal);     // 9.2 mV
    CHECK_FALSE(motor->footnote.empty());          // the sources of the limits are cited
    CHECK(motor->footnote.find("..") == std::string::npos);   // a citation's own full stop is not doubled
    CHECK(motor->footnote.find(".;") == std::string::npos);

    const auto* sensory = table(r, "Sensory nerve conduction");
    REQUIRE(sensory);
    REQUIRE(sensory->rows.size() == 1);
    for (const auto& cell : sensory->rows[0]) CHECK_FALSE(cell.abnormal);  // normal sural: a root lesion spares the SNAP

    const auto* late = table(r, "Late responses");
    REQUIRE(late);
    const int fmin = column(*late, "F min latency (ms)");
    REQUIRE(fmin > 0);
    CHECK(late->rows[0][fmin].text == "52.30");    // against <= 56 ms
    CHECK_FALSE(late->rows[0][fmin].abnormal);

    const auto* emg = table(r, "Needle EMG");
    REQUIRE(emg);
    REQUIRE(emg->rows.size() == 6);
    const int fibs = column(*emg, "Fibs");
    const int rec = column(*emg, "Recruitment");
    const int roots = column(*emg, "Nerve / roots");
    CHECK(emg->rows[0][fibs].text == "2+");
    CHECK(emg->rows[0][fibs].abnormal);
    CHECK(emg->rows[0][rec].abnormal);
    CHECK(emg->rows[0][roots].text.find("L5") != std::string::npos);
    CHECK(emg->rows[4][fibs].text == "0");          // medial gastrocnemius normal
    CHECK_FALSE(emg->rows[4][rec].abnormal);

    // NCS: the peroneal distal CMAP and the tibial distal latency (the proximal CMAP is not judged
    // against the distal limit: it is the same low CMAP, and proximal amplitudes are judged by their
    // drop from the distal one); needle: 4 of 6 muscles
    CHECK(r.findings.rfind("2 conduction values are outside the reference limits (flagged). "
                           "Needle EMG: 4 of 6 muscles abnormal.", 0) == 0);
    CHECK(r.findings.find("left L5 radiculopathy") != std::string::npos);
    CHECK(r.findings.find("for the examiner to confirm") != std::string::npos);
    CHECK(r.impression == "(awaiting the examiner's interpretation)");
}

TEST_CASE("an uncertain value is shown marked (?), explained, and left out of the localization", "[report][study-report]") {
    auto study = l5Study();
    auto& tib = std::get<MotorNcs>(study.tests[1]);
    REQUIRE(tib.nerve == "tibial");
    tib.sites[0].measurements[0].method = uncertainMethod("onset uncertain: peak 12 x the noise rms (< 20 x)", "onset latency");
    const auto r = report::buildStudyReport(patient(), study, models().norms, models().myotomes);
    const auto* motor = table(r, "Motor nerve conduction");
    REQUIRE(motor);
    const int dl = column(*motor, "Distal latency (ms)");
    REQUIRE(dl > 0);
    CHECK(motor->rows[3][dl].text == "6.40 (?) (≤ 5.80)");   // still compared with its limit, and marked
    CHECK(motor->rows[3][dl].abnormal);
    CHECK(motor->rows[0][dl].text == "4.90");
    CHECK(motor->footnote.find("(?) marks a value the automatic reading could not place confidently") != std::string::npos);
    CHECK(r.findings.rfind("2 conduction values are outside the reference limits (flagged), 1 of them uncertain (?) and left out of the "
                           "localization.", 0) == 0);

    // the localization sees the tibial nerve abnormal only from a confident value
    const auto subject = subjectFor(patient(), study);
    auto tibialAbnormal = [&](const Study& s) {
        for (const auto& n : observationsFrom(s, models().norms, subject).nerves)
            if (n.nerve == "tibial" && n.kind == TestKind::Motor) return n.abnormal;
        FAIL("no tibial motor observation");
        return false;
    };
    CHECK(tibialAbnormal(l5Study()));
    CHECK_FALSE(tibialAbnormal(study));
}

TEST_CASE("a proximal sensory site is not judged against the distal site's limits, in the report or the localization",
          "[report][study-report]") {
    // sural stimulated at the calf (140 mm, peak 3.6 ms) and 100 mm more proximally (peak 5.5 ms, 10 uV):
    // against the distal limits that normal SNAP read "prolonged peak latency" and made the sural
    // abnormal, which the localization takes for a postganglionic lesion (against a radiculopathy)
    auto study = l5Study();
    auto& sural = std::get<SensoryNcs>(study.tests[2]);
    REQUIRE(sural.nerve == "sural");
    sural.sites.push_back({"mid calf", 100.0, {m("peakLatencyMs", 5.5, "ms"), m("amplitudeUv", 10, "uV")}});
    const auto r = report::buildStudyReport(patient(), study, models().norms, models().myotomes);
    const auto* sensory = table(r, "Sensory nerve conduction");
    REQUIRE(sensory);
    REQUIRE(sensory->rows.size() == 2);
    for (const auto& row : sensory->rows)
        for (const auto& cell : row) CHECK_FALSE(cell.abnormal);
    CHECK(r.findings.rfind("2 conduction values are outside the reference limits (flagged). ", 0) == 0);
    for (const auto& n : observationsFrom(study, models().norms, subjectFor(patient(), study)).nerves)
        if (n.nerve == "sural") CHECK_FALSE(n.abnormal);
    CHECK(r.findings.find("left L5 radiculopathy") != std::string::npos);
}

TEST_CASE("a confirmed interpretation replaces the suggestion in the report", "[report][study-report]") {
    auto s = l5Study();
    s.findings.push_back({"localization", "Left L5 radiculopathy with active denervation.", Provenance::Clinician, true});
    s.findings.push_back({"impression", "Electrodiagnostic evidence of a left L5 radiculopathy.", Provenance::Clinician, true});
    const auto r = report::buildStudyReport(patient(), s, models().norms, models().myotomes);
    CHECK(r.findings.find("for the examiner to confirm") == std::string::npos);
    CHECK(r.findings.find("Left L5 radiculopathy with active denervation.") != std::string::npos);
    CHECK(r.impression == "Electrodiagnostic evidence of a left L5 radiculopathy.");
}

TEST_CASE("a confirmed localization without an impression text is the report's impression", "[report][study-report]") {
    auto s = l5Study();
    s.findings.push_back({"localization", "Left L5 radiculopathy", Provenance::Clinician, true});
    const auto r = report::buildStudyReport(patient(), s, models().norms, models().myotomes);
    CHECK(r.impression == "Localization confirmed by the examiner: Left L5 radiculopathy");
}

TEST_CASE("the stored study's report prints to PDF through the command line", "[report][study-report][cli]") {
    const auto dir = std::filesystem::temp_directory_path() / ("emgws-study-report-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto db = "sqlite:" + (dir / "store.sqlite").string();
    {
        std::ofstream(dir / "patient.json") << study::toJson(patient()).dump();
        std::ofstream(dir / "study.json") << study::toJson(l5Study()).dump();
    }
    const std::string cli = EMGWS_CLI;
    auto run = [&](const std::string& args) {
        const std::string cmd = cli + " " + args + " > " + (dir / "out.txt").string() + " 2> " + (dir / "err.txt").string();
        return std::system(cmd.c_str());
    };
    REQUIRE(run("patients add --json " + (dir / "patient.json").string() + " --db " + db) == 0);
    REQUIRE(run("studies add --json " + (dir / "study.json").string() + " --db " + db) == 0);
    const auto pdf = dir / "report.pdf";
    const auto model = dir / "report.json";
    REQUIRE(run("report --study study-l5 --db " + db + " --model " + model.string() + " " + pdf.string()) == 0);
    REQUIRE(std::filesystem::file_size(pdf) > 2000);
    std::ifstream head(pdf, std::ios::binary);
    std::string magic(5, '\0');
    head.read(magic.data(), 5);
    CHECK(magic == "%PDF-");
    const auto j = nlohmann::json::parse(std::ifstream(model));
    const auto back = report::reportModelFromJson(j);
    CHECK(back.tables.size() == 4);

    // an unknown study is a clear error, not a crash
    CHECK(run("report --study nope --db " + db + " " + (dir / "x.pdf").string()) != 0);
    std::ifstream err(dir / "err.txt");
    const std::string msg((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
    CHECK(msg.find("no study 'nope'") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "x.pdf"));
    if (!std::getenv("EMGWS_KEEP_TEST_FILES")) std::filesystem::remove_all(dir);
}

TEST_CASE("an RNS study of a train at rest and one after exercise prints a row each, the facilitation on the later",
          "[report][study-report][rns]") {
    Study s;
    s.patientId = "MRN-0042";
    s.date = "2026-12-06";
    s.examiner = "Dr. Examiner";
    for (const auto& [condition, decrement, change] :
         std::vector<std::tuple<std::string, double, double>>{{"rest", 32.0, 0.0}, {"Post exercise", 18.0, 140.0}}) {
        Rns r;
        r.id = "rns-" + condition;
        r.side = Side::Right;
        r.nerve = "ulnar";
        r.recordingSite = "abductor digiti minimi";
        r.condition = condition;
        r.measurements = {m("rateHz", 3.0, "Hz"), m("decrementPct", decrement, "%")};
        if (change != 0.0) r.measurements.push_back(m("firstResponseChangePct", change, "%"));
        s.tests.push_back(r);
    }
    const auto r = report::buildStudyReport(patient(), s, models().norms, models().myotomes);
    const auto* rns = table(r, "Repetitive nerve stimulation");
    REQUIRE(rns);
    REQUIRE(rns->rows.size() == 2);
    const int cond = column(*rns, "Condition"), change = column(*rns, "1st response vs 1st train (%)");
    REQUIRE(cond >= 0);
    REQUIRE(change >= 0);
    CHECK(rns->rows[0][static_cast<std::size_t>(cond)].text == "rest");
    CHECK(rns->rows[1][static_cast<std::size_t>(cond)].text == "Post exercise");
    CHECK(rns->rows[0][static_cast<std::size_t>(change)].text.empty());
    CHECK(rns->rows[1][static_cast<std::size_t>(change)].text == "140");
}

TEST_CASE("the needle engine's reading is a column of its own, its reasons under the table where it was not normal",
          "[report][study-report]") {
    Study s = l5Study();
    // the engine read the tibialis anterior neuropathic by its interference pattern while its few units
    // left the MUAP grades unassessed; the gastrocnemius normal; typed findings carry no reading
    int withReading = 0;
    for (auto& t : s.tests)
        if (auto* n = std::get_if<NeedleEmg>(&t)) {
            if (n->muscle == "tibialis anterior") {
                n->muapDuration = Grade3::NotAssessed;
                n->automaticReading = NeedleAutoReading{
                    "neuropathic", {"interference: 12 epochs, 188 turns/s, 975 uV per turn; 100 % above the cloud: neuropathic",
                                    "spontaneous activity at rest (grade 2+): not a normal muscle"}};
                ++withReading;
            } else if (n->muscle == "medial gastrocnemius") {
                n->automaticReading = NeedleAutoReading{"normal", {"motor units: 12 units, mean duration 10.1 ms (-3 %): normal"}};
                ++withReading;
            }
        }
    REQUIRE(withReading == 2);
    const auto r = report::buildStudyReport(patient(), s, models().norms, models().myotomes);
    const auto* emg = table(r, "Needle EMG");
    REQUIRE(emg);
    const int reading = column(*emg, "Automatic reading");
    const int dur = column(*emg, "MUAP duration");
    REQUIRE(reading > 0);
    int ta = -1, gastro = -1, typed = 0;
    for (std::size_t i = 0; i < emg->rows.size(); ++i) {
        if (emg->rows[i][0].text == "Tibialis anterior") ta = static_cast<int>(i);
        else if (emg->rows[i][0].text == "Medial gastrocnemius") gastro = static_cast<int>(i);
        else if (emg->rows[i][reading].text == "—") ++typed;
    }
    REQUIRE(ta >= 0);
    REQUIRE(gastro >= 0);
    CHECK(emg->rows[ta][reading].text == "neuropathic");
    CHECK(emg->rows[ta][reading].abnormal);
    CHECK(emg->rows[ta][dur].text == "—");   // the grade stays what was confirmed: not assessed
    CHECK(emg->rows[gastro][reading].text == "normal");
    CHECK_FALSE(emg->rows[gastro][reading].abnormal);
    CHECK(typed == static_cast<int>(emg->rows.size()) - 2);
    // the tibialis anterior's reasons are printed (µV, not the engine's ASCII uV), the normal muscle's are not
    CHECK(emg->footnote.find("suggestion for the examiner to confirm") != std::string::npos);
    CHECK(emg->footnote.find("\nTibialis anterior L, neuropathic: interference: 12 epochs, 188 turns/s, 975 µV per turn") != std::string::npos);
    CHECK(emg->footnote.find("spontaneous activity at rest (grade 2+)") != std::string::npos);
    CHECK(emg->footnote.find("12 units, mean duration 10.1 ms") == std::string::npos);
    // the localization still goes by the confirmed grades: the L5 work-up reads as before
    CHECK(r.findings.find("left L5 radiculopathy") != std::string::npos);
}
