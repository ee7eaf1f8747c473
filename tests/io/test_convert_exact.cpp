// `emgws-cli convert` changes nothing it need not (issue 11): files from another system, built
// here byte by byte, keep labels, transducers, prefilters, dimensions, patient/recording fields,
// start time, record duration and samples per record (333 per 0.4 s = 832.5 Hz), annotations and
// digital samples. Checked by our bytes, by EDFlib's strict reader and by MNE-Python.
#include "edflib_strict.h"
#include "io_test_util.h"
#include "wfdb_test_bytes.h"

#include <emg/io/recording_io.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <sys/wait.h>

using namespace emg;

namespace {
std::string pad(const std::string& s, std::size_t w) {
    std::string o = s.substr(0, w);
    o.resize(w, ' ');
    return o;
}

struct ForeignSignal {
    std::string label, transducer, dim, pmin, pmax;
    int dmin = -32768, dmax = 32767;
    std::string prefilter;
    int spr = 1;
    bool annotation() const { return label == "EDF Annotations" || label == "BDF Annotations"; }
};

// A file as another system writes it (every field set by hand, nothing from our writer).
struct ForeignFile {
    bool bdf = false;
    std::string patient = "MCH-0234567 F 02-MAY-1951 Haagse_Harry";
    std::string recording = "Startdate 02-MAR-2002 EMG561 BK/JOP Sony. MNC R Median Nerve.";
    std::string date = "02.03.02", time = "14.27.00", reserved = "EDF+C", duration = "0.4";
    std::vector<ForeignSignal> sigs;
    std::vector<std::string> tals;   ///< per record: the annotation signal's bytes (NUL padded)
    std::vector<std::vector<std::vector<int>>> data;   ///< [record][signal] digital values

    std::string bytes() const {
        std::string h = bdf ? std::string("\xFF" "BIOSEMI") : pad("0", 8);
        h += pad(patient, 80) + pad(recording, 80) + date + time + pad(std::to_string(256 * (sigs.size() + 1)), 8);
        h += pad(reserved, 44) + pad(std::to_string(data.size()), 8) + pad(duration, 8) + pad(std::to_string(sigs.size()), 4);
        for (auto& s : sigs) h += pad(s.label, 16);
        for (auto& s : sigs) h += pad(s.transducer, 80);
        for (auto& s : sigs) h += pad(s.dim, 8);
        for (auto& s : sigs) h += pad(s.pmin, 8);
        for (auto& s : sigs) h += pad(s.pmax, 8);
        for (auto& s : sigs) h += pad(std::to_string(s.dmin), 8);
        for (auto& s : sigs) h += pad(std::to_string(s.dmax), 8);
        for (auto& s : sigs) h += pad(s.prefilter, 80);
        for (auto& s : sigs) h += pad(std::to_string(s.spr), 8);
        for (std::size_t i = 0; i < sigs.size(); ++i) h += pad("", 32);
        const std::size_t bps = bdf ? 3 : 2;
        for (std::size_t r = 0; r < data.size(); ++r) {
            for (std::size_t i = 0; i < sigs.size(); ++i) {
                if (sigs[i].annotation()) {
                    std::string a = tals[r];
                    a.resize(static_cast<std::size_t>(sigs[i].spr) * bps, '\0');
                    h += a;
                    continue;
                }
                for (int v : data[r][i]) {
                    h += static_cast<char>(v & 0xFF);
                    h += static_cast<char>((v >> 8) & 0xFF);
                    if (bdf) h += static_cast<char>((v >> 16) & 0xFF);
                }
            }
        }
        return h;
    }
    /// Deterministic digital values covering each signal's range, extremes included.
    void fill(std::size_t records, unsigned seed) {
        std::mt19937 rng(seed);
        data.assign(records, {});
        for (auto& rec : data)
            for (const auto& s : sigs) {
                std::vector<int> v;
                if (!s.annotation()) {
                    std::uniform_int_distribution<int> d(s.dmin, s.dmax);
                    for (int k = 0; k < s.spr; ++k) v.push_back(d(rng));
                    v[0] = s.dmin;
                    v.back() = s.dmax;
                }
                rec.push_back(std::move(v));
            }
    }
};

std::string tal(const std::string& onset, const std::string& rest = {}) { return "+" + onset + "\x14\x14" + std::string(1, '\0') + rest; }

// The foreign EDF+C of the issue: a 16-character label with no type, a typed one, another unit,
// 333 samples per 0.4 s record (832.5 Hz) next to 200 (500 Hz), UTF-8 annotations.
ForeignFile foreignEdf() {
    ForeignFile f;
    f.sigs = {{"Median wrist-APB", "AgAgCl cup electrodes", "uV", "-3276.8", "3276.7", -32768, 32767, "HP:3Hz LP:3kHz", 333},
              {"Temp rectal", "Thermistor", "degC", "34.4", "40.2", -2048, 2047, "LP:0.1Hz", 1},
              {"ulnar ADM", "bar electrode", "mV", "-10", "10", -20000, 20000, "HP:2Hz LP:10kHz N:off", 200},
              {"EDF Annotations", "", "", "-1", "1", -32768, 32767, "", 30}};   // 60 bytes: a whole number of BDF samples too
    f.fill(6, 7);
    for (int r = 0; r < 6; ++r) {
        const std::string onsets[] = {"0", "0.4", "0.8", "1.2", "1.6", "2"};
        std::string t = tal(onsets[r]);
        if (r == 0) t += std::string("+0.1\x15" "0.0002\x14Stim wrist\x14") + '\0';
        if (r == 2) t += std::string("+0.95\x14R\xC3\xA9ponse F\x14") + '\0';
        f.tals.push_back(t);
    }
    return f;
}

int run(const std::string& args, const std::filesystem::path& dir) {
    const std::string cmd = std::string(EMGWS_CLI_PATH) + " " + args + " >" + (dir / "stdout.txt").string() + " 2>" +
                            (dir / "stderr.txt").string();
    const int rc = std::system(cmd.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}
std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}
nlohmann::json convert(const std::filesystem::path& in, const std::filesystem::path& out, const std::filesystem::path& dir) {
    const int rc = run("convert " + in.string() + " " + out.string(), dir);
    INFO("stderr: " << slurp(dir / "stderr.txt"));
    REQUIRE(rc == 0);
    return nlohmann::json::parse(slurp(dir / "stdout.txt"));
}

void requireStrict(const test::EdflibResult& r, int filetype) {
    if (!r.available) return;
    INFO("EDFlib filetype/error " << r.filetype);
    REQUIRE(r.opened);
    CHECK(r.filetype == filetype);
}

bool haveMne() { return std::system("/usr/bin/python3 -c 'import mne' >/dev/null 2>&1") == 0; }

/// MNE's reading of `files` (tests/io/mne_read.py): {path: {sfreq, ch_names, data in uV, annotations}}.
nlohmann::json mneRead(const std::vector<std::filesystem::path>& files, const std::filesystem::path& dir) {
    const auto json = dir / "mne.json";
    std::string cmd = std::string("/usr/bin/python3 ") + EMGWS_IO_TEST_DIR + "/mne_read.py " + json.string();
    for (const auto& f : files) cmd += " " + f.string();
    REQUIRE(std::system(cmd.c_str()) == 0);
    return nlohmann::json::parse(slurp(json));
}
}  // namespace

#ifdef EMGWS_CLI_PATH
TEST_CASE("convert: a foreign EDF+ at 832.5 Hz survives EDF+ -> BDF+ -> EDF+ and EDF+ -> EDF+ byte for byte", "[io][cli][convert]") {
    const auto dir = test::ioTempDir("convert-foreign");
    const ForeignFile src = foreignEdf();
    const std::string original = src.bytes();
    test::writeText(dir / "a.edf", original);
    const auto strictIn = test::edflibRead(dir / "a.edf");
    if (!strictIn.available) WARN("EDFlib (Debian libedf-dev) not built in: strict-reader checks skipped");
    requireStrict(strictIn, 1);   // the fixture itself is a valid EDF+

    const auto jb = convert(dir / "a.edf", dir / "b.bdf", dir);
    const auto jc = convert(dir / "b.bdf", dir / "c.edf", dir);
    const auto jd = convert(dir / "a.edf", dir / "d.edf", dir);
    CHECK(slurp(dir / "c.edf") == original);   // EDF+ -> BDF+ -> EDF+: the same bytes
    CHECK(slurp(dir / "d.edf") == original);   // EDF+ -> EDF+: the same bytes

    // the JSON summary (keys as before, plus what the conversion kept)
    CHECK(jb.at("inputFormat") == "EDF+");
    CHECK(jb.at("outputFormat") == "BDF+");
    REQUIRE(jb.at("channels").size() == 3);
    CHECK(jb.at("channels")[0].at("label") == "Median wrist-APB");
    CHECK(jb.at("channels")[0].at("sampleRateHz").get<double>() == 832.5);
    CHECK(jb.at("channels")[0].at("samples").get<long long>() == 6 * 333);
    CHECK(jb.at("channels")[2].at("unit") == "mV");
    CHECK(jb.at("annotations").get<int>() == 2);
    CHECK(jb.at("durationSec").get<double>() == Approx(2.4).epsilon(1e-12));
    CHECK(jb.at("recordDurationSec").get<double>() == 0.4);
    CHECK(jb.at("dataRecords").get<int>() == 6);
    CHECK(jb.at("headerChanges").empty());
    CHECK(jb.at("warnings").empty());
    CHECK(jb.at("streamed").get<bool>());
    CHECK(jc.at("outputFormat") == "EDF+");

    // BDF+ header: the input's bytes except the format marks and the annotation signal's range
    const std::string b = slurp(dir / "b.bdf");
    REQUIRE(b.size() == 256 * 5 + 6 * (3 * (333 + 1 + 200) + 60));
    CHECK(b.substr(0, 8) == std::string("\xFF" "BIOSEMI"));
    CHECK(b.substr(8, 184) == original.substr(8, 184));     // patient, recording, date, time, header size
    CHECK(b.substr(192, 5) == "BDF+C");
    CHECK(b.substr(236, 20) == original.substr(236, 20));   // records, duration "0.4", ns
    CHECK(b.substr(256, 48) == original.substr(256, 48));   // the three labels, untouched
    CHECK(b.substr(256 + 48, 16) == "BDF Annotations ");
    if (strictIn.available) {
        const auto sb = test::edflibRead(dir / "b.bdf");
        requireStrict(sb, 3);
        const auto sc = test::edflibRead(dir / "c.edf");
        requireStrict(sc, 1);
        CHECK(sb.recordDuration100ns == 4'000'000);
        CHECK(sb.records == 6);
        CHECK(sb.patientCode == "MCH-0234567");
        CHECK(sb.patientName == "Haagse Harry");
        CHECK(sb.startYear == 2002);
        CHECK(sb.startHour == 14);
        CHECK(sb.startMinute == 27);
        REQUIRE(sb.signals.size() == 3);
        for (std::size_t i = 0; i < 3; ++i) {
            const auto& in = strictIn.signals[i];
            const auto& out = sb.signals[i];
            CHECK(out.label == in.label);
            CHECK(out.transducer == in.transducer);
            CHECK(out.prefilter == in.prefilter);
            CHECK(out.dimension == in.dimension);
            CHECK(out.physMin == in.physMin);
            CHECK(out.physMax == in.physMax);
            CHECK(out.digMin == in.digMin);   // EDF -> BDF: the same digital range ...
            CHECK(out.digMax == in.digMax);
            CHECK(out.samplesPerRecord == in.samplesPerRecord);
            CHECK(out.digital == in.digital);   // ... and the same digital values, every one
        }
        CHECK(strictIn.signals[0].label == "Median wrist-APB");
        CHECK(strictIn.signals[0].samplesPerRecord == 333);
        REQUIRE(sb.annotations.size() == 2);
        CHECK(sb.annotations[0].onset100ns == 1'000'000);
        CHECK(sb.annotations[0].duration100ns == 2'000);
        CHECK(sb.annotations[0].text == "Stim wrist");
        CHECK(sb.annotations[1].onset100ns == 9'500'000);
        CHECK(sb.annotations[1].text == "R\xC3\xA9ponse F");
    }

    if (!haveMne()) {
        WARN("python3-mne not importable by /usr/bin/python3: MNE check skipped");
    } else {
        const auto m = mneRead({dir / "b.bdf", dir / "c.edf"}, dir);
        for (const char* f : {"b.bdf", "c.edf"}) {
            INFO(f);
            const auto& r = m.at((dir / f).string());
            CHECK(r.at("sfreq").get<double>() == 832.5);
            REQUIRE(r.at("ch_names").size() == 3);
            CHECK(r.at("ch_names")[0] == "Median wrist-APB");
            CHECK(r.at("ch_names")[1] == "Temp rectal");
            CHECK(r.at("ch_names")[2] == "ulnar ADM");
            // the 832.5 Hz channel (µV): MNE's values are the digital ones through the header's scale
            const auto& d = r.at("data")[0];
            REQUIRE(d.size() == 6 * 333);
            double worst = 0;
            for (std::size_t rr = 0; rr < 6; ++rr)
                for (std::size_t k = 0; k < 333; ++k) {
                    const double dig = src.data[rr][0][k];
                    const double uv = -3276.8 + (dig + 32768) * (3276.7 + 3276.8) / 65535.0;
                    worst = std::max(worst, std::fabs(d[rr * 333 + k].get<double>() - uv));
                }
            CHECK(worst < 1e-6);   // µV; one LSB is 0.1 µV
            const auto& ann = r.at("annotations");
            REQUIRE(ann.size() == 2);
            CHECK(ann[0].at("text") == "Stim wrist");
            CHECK(ann[0].at("onset").get<double>() == Approx(0.1).margin(1e-9));
            CHECK(ann[1].at("text") == "R\xC3\xA9ponse F");
            CHECK(ann[1].at("onset").get<double>() == Approx(0.95).margin(1e-9));
        }
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("convert: a non-ASCII header byte becomes '_' and the original is kept in the JSON", "[io][cli][convert]") {
    const auto dir = test::ioTempDir("convert-nonascii");
    ForeignFile f = foreignEdf();
    f.sigs[0].label = "Fz\xC3\xA9";                    // UTF-8 é: two bytes
    f.sigs[0].dim = "\xC2\xB5V";                       // µV
    f.sigs[1].dim = "\xC2\xB0" "C";                      // °C: EDF+ spells it degC
    f.patient = "X F X M\xFCller";                     // Latin-1 ü
    test::writeText(dir / "a.edf", f.bytes());
    const auto j = convert(dir / "a.edf", dir / "b.bdf", dir);
    const std::string b = slurp(dir / "b.bdf");
    CHECK(b.substr(256, 16) == pad("Fz__", 16));
    CHECK(b.substr(256 + 4 * 96, 8) == pad("uV", 8));
    CHECK(b.substr(256 + 4 * 96 + 8, 8) == pad("degC", 8));
    CHECK(b.substr(8, 12) == "X F X M_ller");
    for (std::size_t i = 0; i < 256 * 5; ++i)
        if (i > 0) REQUIRE((static_cast<unsigned char>(b[i]) >= 32 && static_cast<unsigned char>(b[i]) <= 126));
    const auto& changes = j.at("headerChanges");
    REQUIRE(changes.size() == 4);
    bool sawDegrees = false;
    for (const auto& c : changes)
        sawDegrees = sawDegrees || (c.at("field") == "physical dimension" && c.at("signal") == 2 && c.at("written") == "degC");
    CHECK(sawDegrees);
    bool sawLabel = false;
    for (const auto& c : changes) {
        if (c.at("field") != "label") continue;
        sawLabel = true;
        CHECK(c.at("signal") == 1);
        CHECK(c.at("original") == "Fz\xC3\xA9");
        CHECK(c.at("originalHex") == "46 7A C3 A9");
        CHECK(c.at("written") == "Fz__");
    }
    CHECK(sawLabel);
    bool warned = false;
    for (const auto& w : j.at("warnings")) warned = warned || w.get<std::string>().find("'Fz\xC3\xA9'") != std::string::npos;
    CHECK(warned);
    // samples untouched: the data records after the header are the EDF's widened to 24 bits
    const auto s = test::edflibRead(dir / "b.bdf");
    requireStrict(s, 3);
    if (s.opened) {
        CHECK(s.signals[0].label == pad("Fz__", 16));
        CHECK(s.patientName == "M ller");   // EDF+ '_' is a space in subfields
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("convert: BDF -> EDF keeps digital values that fit 16 bits and rescales the others with a warning", "[io][cli][convert]") {
    const auto dir = test::ioTempDir("convert-bdf-edf");
    ForeignFile f;
    f.bdf = true;
    f.reserved = "BDF+C";
    f.duration = "1";
    // a BioSemi-like 24-bit channel (31.25 nV steps over ±262 mV) and a narrow one
    f.sigs = {{"Fits", "", "uV", "-3000", "3000", -30000, 30000, "", 512},
              {"Wide", "active electrode", "uV", "-262144", "262143", -8388608, 8388607, "HP:DC", 2048},
              {"BDF Annotations", "", "", "-1", "1", -8388608, 8388607, "", 20}};
    f.fill(3, 11);
    for (int r = 0; r < 3; ++r) f.tals.push_back(tal(std::to_string(r)));
    test::writeText(dir / "a.bdf", f.bytes());
    const auto j = convert(dir / "a.bdf", dir / "b.edf", dir);
    CHECK(j.at("outputFormat") == "EDF+");
    CHECK_FALSE(j.at("channels")[0].at("rescaled").get<bool>());
    CHECK(j.at("channels")[1].at("rescaled").get<bool>());
    bool warned = false;
    for (const auto& w : j.at("warnings")) warned = warned || w.get<std::string>().find("rescaled") != std::string::npos;
    CHECK(warned);

    const auto in = test::edflibRead(dir / "a.bdf");
    const auto out = test::edflibRead(dir / "b.edf");
    requireStrict(in, 3);
    requireStrict(out, 1);
    // read back with our reader as well (physical values in µV)
    const auto bdf = io::readRecording(dir / "a.bdf");
    const auto edf = io::readRecording(dir / "b.edf");
    REQUIRE(edf.channels.size() == 2);
    CHECK(edf.channels[0].samples == bdf.channels[0].samples);   // fits: identical values
    const double stepUv = (262143.0 + 262144.0) / 65535.0;          // 8 µV per 16-bit step
    double worst = 0;
    REQUIRE(edf.channels[1].samples.size() == bdf.channels[1].samples.size());
    for (std::size_t i = 0; i < edf.channels[1].samples.size(); ++i)
        worst = std::max(worst, std::fabs(edf.channels[1].samples[i] - bdf.channels[1].samples[i]));
    INFO("largest change of a rescaled sample: " << worst << " uV");
    CHECK(worst <= 0.5 * stepUv * 1.0001);
    if (out.opened) {
        CHECK(out.signals[0].digital == in.signals[0].digital);
        CHECK(out.signals[0].digMin == -30000);
        CHECK(out.signals[1].digMin == -32768);
        CHECK(out.signals[1].digMax == 32767);
        CHECK(out.signals[1].physMin == -262144.0);   // the physical range is kept
        CHECK(out.signals[1].physMax == 262143.0);
        CHECK(out.signals[1].transducer == in.signals[1].transducer);
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("convert: EDF+D stays discontinuous with its record time stamps, plain EDF stays plain", "[io][cli][convert]") {
    const auto dir = test::ioTempDir("convert-discontinuous");
    ForeignFile f;
    f.reserved = "EDF+D";
    f.duration = "1";
    f.sigs = {{"APB", "", "uV", "-500", "500", -32768, 32767, "", 100}, {"EDF Annotations", "", "", "-1", "1", -32768, 32767, "", 15}};
    f.fill(3, 5);
    f.tals = {tal("0"), tal("5", std::string("+5.5\x14Stim\x14") + '\0'), tal("6")};   // 4 s missing after the first record
    const std::string original = f.bytes();
    test::writeText(dir / "a.edf", original);
    const auto j = convert(dir / "a.edf", dir / "b.bdf", dir);
    CHECK(j.at("discontinuous").get<bool>());
    CHECK(j.at("gaps").get<int>() == 1);
    CHECK(j.at("annotations").get<int>() == 1);
    CHECK(j.at("durationSec").get<double>() == Approx(7.0));
    const std::string b = slurp(dir / "b.bdf");
    CHECK(b.substr(192, 5) == "BDF+D");
    CHECK(b.find(std::string("+5\x14\x14")) != std::string::npos);   // the record keeps its onset
    // EDFlib checks the whole header, then declines EDF+D files (it reads continuous ones only)
    const auto s = test::edflibRead(dir / "b.bdf");
    if (s.available) CHECK(s.discontinuous);
    io::ReadInfo info;
    const auto back = io::readRecording(dir / "b.bdf", info);
    REQUIRE(info.gaps.size() == 1);
    CHECK(info.gaps[0].onsetSec == Approx(1.0));
    CHECK(info.gaps[0].durationSec == Approx(4.0));
    (void)convert(dir / "b.bdf", dir / "c.edf", dir);
    CHECK(slurp(dir / "c.edf") == original);

    // plain EDF (no annotation signal) -> plain BDF ("24BIT") -> the same EDF
    ForeignFile p;
    p.reserved = "";
    p.patient = "Jan Jansen";   // no EDF+ subfields: fine in plain EDF, kept
    p.recording = "Polyman export";
    p.duration = "0.25";
    p.sigs = {{"EMG1", "", "uV", "-1000", "1000", -32768, 32767, "", 1000}, {"EMG2", "", "uV", "-1000", "1000", -32768, 32767, "", 1000}};
    p.fill(4, 9);
    test::writeText(dir / "p.edf", p.bytes());
    const auto jp = convert(dir / "p.edf", dir / "p.bdf", dir);
    CHECK(jp.at("outputFormat") == "BDF");
    CHECK(jp.at("channels")[0].at("sampleRateHz").get<double>() == 4000.0);
    CHECK(slurp(dir / "p.bdf").substr(192, 5) == "24BIT");
    CHECK(slurp(dir / "p.bdf").substr(8, 80) == pad("Jan Jansen", 80));
    requireStrict(test::edflibRead(dir / "p.bdf"), 2);
    (void)convert(dir / "p.bdf", dir / "q.edf", dir);
    CHECK(slurp(dir / "q.edf") == p.bytes());

    // a plain BDF whose reserved field is blank (no "24BIT", as MNE's test_bdf_stim_channel.bdf):
    // BDF -> BDF changes nothing, not even that field; BDF -> EDF -> BDF gives the mark
    ForeignFile blank = p;
    blank.bdf = true;
    blank.sigs[0].dmin = blank.sigs[1].dmin = -8388608;
    blank.sigs[0].dmax = blank.sigs[1].dmax = 8388607;
    test::writeText(dir / "blank.bdf", blank.bytes());
    REQUIRE(slurp(dir / "blank.bdf").substr(192, 44) == std::string(44, ' '));
    const auto jb = convert(dir / "blank.bdf", dir / "blank2.bdf", dir);
    CHECK(jb.at("headerChanges").empty());
    CHECK(slurp(dir / "blank2.bdf") == blank.bytes());
    std::filesystem::remove_all(dir);
}

TEST_CASE("convert: a failed conversion leaves an existing OUT as it was and no temporary file", "[io][cli][convert]") {
    const auto dir = test::ioTempDir("convert-fail");
    ForeignFile f = foreignEdf();
    std::string bytes = f.bytes();
    bytes.resize(bytes.size() - 2 * (2 * (333 + 1 + 200 + 30)) - 10);   // two and a bit records missing
    test::writeText(dir / "cut.edf", bytes);
    test::writeText(dir / "keep.bdf", "precious");
    CHECK(run("convert " + (dir / "cut.edf").string() + " " + (dir / "keep.bdf").string(), dir) == 1);
    CHECK(slurp(dir / "stderr.txt").find("inconsistent record count") != std::string::npos);
    CHECK(slurp(dir / "keep.bdf") == "precious");
    std::size_t files = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) files += e.path().filename().string().find(".tmp") == std::string::npos ? 1 : 100;
    CHECK(files == 4);   // cut.edf, keep.bdf, stdout.txt, stderr.txt
    std::filesystem::remove_all(dir);
}

TEST_CASE("convert: WFDB -> EDF+ keeps labels, units and gain (ADC values as digital samples)", "[io][cli][convert]") {
    const auto dir = test::ioTempDir("convert-wfdb");
    // 999 frames at 832.5 Hz, two signals in one format-16 file: 2000 units/mV with baseline 10,
    // and a temperature at 100 units/degC, 12-bit ADC
    std::vector<std::uint8_t> d;
    auto put16 = [&](int v) { d.push_back(static_cast<std::uint8_t>(v & 0xFF)); d.push_back(static_cast<std::uint8_t>((v >> 8) & 0xFF)); };
    for (int i = 0; i < 999; ++i) {
        put16((i * 331) % 60001 - 30000);
        put16(3700 + i % 50);   // 37.0..37.49 degC at 100/degC, baseline 0
    }
    test::writeBytes(dir / "rec.dat", d);
    test::writeText(dir / "rec.hea", "rec 2 832.5 999 10:20:30.25 02/03/2024\n"
                                     "rec.dat 16 2000(10)/mV 16 0 0 0 0 Median wrist-APB\n"
                                     "rec.dat 16 100/degC 16 0 0 0 0 Temperature, rectal probe\n");
    const auto j = convert(dir / "rec.hea", dir / "rec.edf", dir);
    CHECK(j.at("inputFormat") == "WFDB");
    CHECK(j.at("outputFormat") == "EDF+");
    CHECK(j.at("channels")[0].at("label") == "Median wrist-APB");
    CHECK(j.at("channels")[0].at("unit") == "mV");
    CHECK(j.at("channels")[0].at("sampleRateHz").get<double>() == 832.5);
    CHECK(j.at("channels")[1].at("label") == "Temperature, rec");   // cut to 16, original in headerChanges
    REQUIRE(j.at("headerChanges").size() == 1);
    CHECK(j.at("headerChanges")[0].at("original") == "Temperature, rectal probe");
    const auto s = test::edflibRead(dir / "rec.edf");
    requireStrict(s, 1);
    if (s.opened) {
        REQUIRE(s.signals.size() == 2);
        CHECK(s.signals[0].dimension == "mV      ");
        CHECK(s.signals[1].dimension == "degC    ");
        CHECK(s.startHour == 10);
        CHECK(s.startSecond == 30);
        CHECK(s.startSubsecond100ns == 2'500'000);
        CHECK(s.startYear == 2024);
        // gain kept: one digital step is 1/2000 mV, zero at ADC 10
        const double step = (s.signals[0].physMax - s.signals[0].physMin) / (s.signals[0].digMax - s.signals[0].digMin);
        CHECK(step == Approx(1.0 / 2000).epsilon(1e-9));
        CHECK(s.signals[0].physMin + (10 - s.signals[0].digMin) * step == Approx(0.0).margin(1e-9));
        CHECK(static_cast<double>(s.signals[0].samplesPerRecord) * 1e7 / static_cast<double>(s.recordDuration100ns) == Approx(832.5).epsilon(1e-12));
        REQUIRE(s.signals[0].digital.size() >= 999);
        for (int i = 0; i < 999; ++i) REQUIRE(s.signals[0].digital[static_cast<std::size_t>(i)] == (i * 331) % 60001 - 30000);
    }
    std::filesystem::remove_all(dir);
}
#endif

#ifdef EMGWS_CLI_PATH
TEST_CASE("convert: a PhysioNet-style WFDB record ('mv', age and sex in a comment) -> EDF+ that other readers scale right", "[io][cli][convert][mne]") {
    // As PhysioNet's EMG examples (emgdb) are written: gain 10000/mv in lower case, the initial
    // value and checksum given, "<age>: 57 <sex>: M" as the first comment, no newline at the end.
    const auto dir = test::ioTempDir("convert-physionet");
    std::vector<std::uint8_t> d;
    int checksum = 0;
    std::vector<int> counts;
    for (int i = 0; i < 4000; ++i) {
        const int v = static_cast<int>(std::lround(3000.0 * std::sin(i * 0.37) + ((i * 7919) % 401) - 200));   // +-0.32 mV
        counts.push_back(v);
        checksum += v;
        d.push_back(static_cast<std::uint8_t>(v & 0xFF));
        d.push_back(static_cast<std::uint8_t>((v >> 8) & 0xFF));
    }
    test::writeBytes(dir / "emg_myo.dat", d);
    test::writeText(dir / "emg_myo.hea", "emg_myo 1 4000 4000\r\nemg_myo.dat 16 10000/mv 16 0 " + std::to_string(counts[0]) + " " +
                                             std::to_string(static_cast<std::int16_t>(checksum & 0xFFFF)) +
                                             " 0 EMG\n# <age>: 57 <sex>: M\n# <diagnoses>: myopathy\n"
                                             "# patient dorsiflexed the foot gently against resistance, then relaxed");
    const auto j = convert(dir / "emg_myo.hea", dir / "emg_myo.edf", dir);
    for (const auto& w : j.at("warnings")) CHECK(w.get<std::string>().find("checksum") == std::string::npos);
    CHECK(j.at("channels")[0].at("unit") == "mV");
    // the one header change: the unit's spelling, with the original kept
    REQUIRE(j.at("headerChanges").size() == 1);
    CHECK(j.at("headerChanges")[0].at("field") == "physical dimension");
    CHECK(j.at("headerChanges")[0].at("original") == "mv");
    CHECK(j.at("headerChanges")[0].at("written") == "mV");
    const auto s = test::edflibRead(dir / "emg_myo.edf");
    requireStrict(s, 1);
    if (s.opened) {
        REQUIRE(s.signals.size() == 1);
        CHECK(s.signals[0].dimension == "mV      ");
        CHECK(s.sex == "Male");
        CHECK(s.patientAdditional.find("<age>:_57_<sex>:_M") != std::string::npos);
        REQUIRE(s.signals[0].digital.size() >= 4000);
        for (std::size_t i = 0; i < 4000; ++i) REQUIRE(s.signals[0].digital[i] == counts[i]);   // the ADC values themselves
    }
    if (!haveMne()) {
        WARN("python3-mne not importable by /usr/bin/python3: MNE check skipped");
    } else {
        // MNE scales by the dimension's SI spelling: 'mv' was read as an unknown unit (x 1), 1000 x too large
        const auto m = mneRead({dir / "emg_myo.edf"}, dir).at((dir / "emg_myo.edf").string());
        const auto& data = m.at("data")[0];
        REQUIRE(data.size() >= 4000);
        double worstUv = 0;
        for (std::size_t i = 0; i < 4000; ++i) worstUv = std::max(worstUv, std::fabs(data[i].get<double>() - counts[i] * 0.1));   // 10000 counts per mV
        CHECK(worstUv < 1e-6);
    }
    std::filesystem::remove_all(dir);
}
#endif

#ifdef EMGWS_CLI_PATH
TEST_CASE("convert: WFDB with a negative gain and a full-range 32-bit signal -> EDF+ that EDFlib and MNE read as our reader does", "[io][cli][convert][mne]") {
    // wfdb-python's sample records: wave_4 states "-19.3447902992(3064)/degC" (a signal recorded
    // inverted), refused here before as a "negative ADC gain"; binformats' format-32 signal spans
    // +-2^31 counts at 200 per mV, whose physical range (-10737418.19 mV) no 8-character EDF field
    // holds: the conversion failed. A negative gain becomes an inverted EDF physical range (the EDF+
    // specification's way); the 32-bit range is written in V, the change listed with its reason.
    const auto dir = test::ioTempDir("convert-neggain");
    std::vector<std::uint8_t> d16, d32;
    std::vector<int> counts16;
    std::vector<long long> counts32;
    for (int i = 0; i < 2000; ++i) {
        const int v = static_cast<int>(std::lround(2500.0 * std::sin(i * 0.11))) + 10;
        counts16.push_back(v);
        test::put16le(d16, v);
        const long long w = i == 0 ? -2147483638LL : i == 1 ? 2130643188LL : static_cast<long long>(std::lround(1.5e9 * std::sin(i * 0.05)));
        counts32.push_back(w);
        for (int b = 0; b < 4; ++b) d32.push_back(static_cast<std::uint8_t>((static_cast<std::uint64_t>(w) >> (8 * b)) & 0xFF));
    }
    test::writeBytes(dir / "n.dat", d16);
    test::writeBytes(dir / "w.dat", d32);
    test::writeBytes(dir / "t.dat", d16);
    // the third: wave_4's temperature line, its unit "°C" in UTF-8 ("degC" in EDF+, not "_C")
    test::writeText(dir / "mix.hea", "mix 3 2000 2000\nn.dat 16 -200(10)/mV 16 0 " + std::to_string(counts16[0]) +
                                         " 0 0 Inverted\nw.dat 32 200/mV 32 0 " + std::to_string(counts32[0]) +
                                         " 0 0 Wide\nt.dat 16 -19.3447902992(3064)/\xC2\xB0" "C 16 0 " + std::to_string(counts16[0]) +
                                         " 0 0 DEV_Temperature\n");
    io::ReadInfo info;
    const auto ours = io::readRecording(dir / "mix.hea", info);
    REQUIRE(ours.channels.size() == 3);
    CHECK(ours.channels[0].samples[5] == Approx((counts16[5] - 10) / -200.0 * 1000.0));   // uV, polarity inverted
    const auto j = convert(dir / "mix.hea", dir / "mix.edf", dir);
    bool unitChange = false, degrees = false;
    for (const auto& c : j.at("headerChanges")) {
        unitChange = unitChange || (c.at("signal") == 2 && c.at("field") == "physical dimension" && c.at("original") == "mV" && c.at("written") == "V");
        degrees = degrees || (c.at("signal") == 3 && c.at("field") == "physical dimension" && c.at("original") == "\xC2\xB0" "C" &&
                              c.at("written") == "degC");
    }
    CHECK(unitChange);
    CHECK(degrees);
    const auto s = test::edflibRead(dir / "mix.edf");
    requireStrict(s, 1);   // EDF+
    if (s.opened) {
        REQUIRE(s.signals.size() == 3);
        CHECK(s.signals[2].dimension == "degC    ");
        CHECK(s.signals[2].physMin > s.signals[2].physMax);
        CHECK(s.signals[0].physMin > s.signals[0].physMax);   // the inverted range
        REQUIRE(s.signals[0].digital.size() >= 2000);
        for (std::size_t i = 0; i < 2000; ++i) REQUIRE(s.signals[0].digital[i] == counts16[i]);   // the ADC values themselves
        CHECK(s.signals[1].dimension == "V       ");
    }
    if (!haveMne()) {
        WARN("python3-mne not importable by /usr/bin/python3: MNE check skipped");
    } else {
        const auto m = mneRead({dir / "mix.edf"}, dir).at((dir / "mix.edf").string());
        const auto& inverted = m.at("data")[0];
        const auto& wide = m.at("data")[1];
        REQUIRE(inverted.size() >= 2000);
        REQUIRE(wide.size() >= 2000);
        double worstInverted = 0, worstWide = 0;
        for (std::size_t i = 0; i < 2000; ++i) {
            worstInverted = std::max(worstInverted, std::fabs(inverted[i].get<double>() - ours.channels[0].samples[i]));
            worstWide = std::max(worstWide, std::fabs(wide[i].get<double>() - ours.channels[1].samples[i]));
        }
        CHECK(worstInverted < 1e-6);   // uV: exact
        // 2^32 counts rescaled onto EDF's 65536 steps: at most half a step (2^32 / 65535 / 200 mV / 2 = 164 mV)
        const double halfStepUv = 4294967296.0 / 65535.0 / 200.0 * 1000.0 / 2.0;
        CHECK(worstWide <= halfStepUv * 1.001);
    }
    std::filesystem::remove_all(dir);
}
#endif

#ifdef EMGWS_CLI_PATH
TEST_CASE("convert: header fields a strict reader refuses are repaired, each change listed with its original", "[io][cli][convert]") {
    const auto dir = test::ioTempDir("convert-repair");
    ForeignFile f = foreignEdf();
    f.patient = "Jan Jansen";            // EDF+ wants "code sex birthdate name"
    f.date = "2.3.02  ";                 // not dd.mm.yy
    f.sigs[2].pmin = " -10";             // leading space: our reader takes it, EDFlib does not
    f.sigs[2].pmax = "10,0";             // decimal comma
    test::writeText(dir / "a.edf", f.bytes());
    const auto in = test::edflibRead(dir / "a.edf");
    if (in.available) CHECK_FALSE(in.opened);   // the input itself is refused by the strict reader
    const auto j = convert(dir / "a.edf", dir / "b.edf", dir);
    std::map<std::string, std::string> changed;
    for (const auto& c : j.at("headerChanges")) changed[c.at("field").get<std::string>()] = c.at("original").get<std::string>();
    CHECK(changed.at("patient") == "Jan Jansen");
    CHECK(changed.at("start date") == "2.3.02");
    CHECK(changed.at("physical maximum") == "10,0");
    CHECK(changed.size() == 3);   // " -10" -> "-10" only moves the text: not a change of what the field says
    const std::string b = slurp(dir / "b.edf");
    CHECK(b.substr(8, 80) == pad("Jan_Jansen X X X", 80));
    CHECK(b.substr(168, 8) == "02.03.02");
    CHECK(b.substr(256 + 4 * 104 + 16, 8) == pad("-10", 8));
    CHECK(b.substr(256 + 4 * 112 + 16, 8) == pad("10", 8));
    CHECK(b.substr(256 * 5) == f.bytes().substr(256 * 5));   // the data records untouched
    const auto s = test::edflibRead(dir / "b.edf");
    requireStrict(s, 1);
    if (s.opened) {
        CHECK(s.patientCode == "Jan Jansen");
        CHECK(s.signals[2].physMin == -10.0);
        CHECK(s.signals[2].physMax == 10.0);
    }

    // the EDF+ specification's own nerve conduction example: its recording field says 02-MAR-2002,
    // its header start date 17.04.01; only the date is replaced, the rest of the field kept (it was
    // "Startdate 17-APR-2001 X X X Startdate 02-MAR-2002 EMG561 BK/JOP Sony. MNC R Medi", cut)
    ForeignFile spec = foreignEdf();
    spec.date = "17.04.01";
    test::writeText(dir / "spec.edf", spec.bytes());
    const auto js = convert(dir / "spec.edf", dir / "spec2.edf", dir);
    REQUIRE(js.at("headerChanges").size() == 1);
    CHECK(js.at("headerChanges")[0].at("field") == "recording");
    CHECK(js.at("headerChanges")[0].at("original") == "Startdate 02-MAR-2002 EMG561 BK/JOP Sony. MNC R Median Nerve.");
    CHECK(slurp(dir / "spec2.edf").substr(88, 80) == pad("Startdate 17-APR-2001 EMG561 BK/JOP Sony. MNC R Median Nerve.", 80));
    const auto ss = test::edflibRead(dir / "spec2.edf");
    requireStrict(ss, 1);
    if (ss.opened) CHECK(ss.startYear == 2001);
    std::filesystem::remove_all(dir);
}
#endif
