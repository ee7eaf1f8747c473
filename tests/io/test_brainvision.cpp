// BrainVision recordings (.vhdr / .eeg / .vmrk) written here byte by byte in the variants the format
// allows: multiplexed INT_16 with a resolution, vectorized IEEE_FLOAT_32, big-endian INT_32, a
// Latin-1 ("ANSI") header with CR line endings, channels in mV and in a unit that is not a voltage,
// markers with a "\1" comma. The samples are known; MNE-Python (an independent reader) must read
// the same values and markers as ours; analyze and convert take the file as they take EDF+.
#include "edflib_strict.h"
#include "io_test_util.h"

#include <emg/io/brainvision.h>
#include <emg/io/file_convert.h>
#include <emg/io/recording_io.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

using namespace emg;

namespace {

template <class T>
void put(std::string& out, T v, bool big) {
    unsigned char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    if (big != (std::endian::native == std::endian::big)) std::reverse(b, b + sizeof(T));
    out.append(reinterpret_cast<const char*>(b), sizeof(T));
}

/// A known signal per channel: counts of a 37 Hz sine and a ramp.
double count(std::size_t c, std::size_t i) { return std::round(1000.0 * std::sin(2.0 * M_PI * 37.0 * static_cast<double>(i) / 5000.0 + c) + static_cast<double>(i % 50) - 25.0); }

const char* kMarkers =
    "Brain Vision Data Exchange Marker File, Version 1.0\n\n[Common Infos]\nCodepage=UTF-8\nDataFile=rec.eeg\n\n[Marker Infos]\n"
    "; Each entry: Mk<Marker number>=<Type>,<Description>,<Position in data points>,<Size>,<Channel number>\n"
    "Mk1=New Segment,,1,1,0,20240101120000000000\nMk2=Stimulus,S  1,501,1,0\nMk3=Comment,wrist\\1 25 mA,1001,1,0\nMk4=Stimulus,S  2,1501,1,0\n";

}  // namespace

TEST_CASE("BrainVision: multiplexed INT_16 with resolutions and units, markers, read as written", "[io][brainvision]") {
    const auto dir = test::ioTempDir("bv-mux");
    const std::size_t n = 2000;
    std::string eeg;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t c = 0; c < 3; ++c) put<std::int16_t>(eeg, static_cast<std::int16_t>(count(c, i)), false);
    test::writeText(dir / "rec.eeg", eeg);
    test::writeText(dir / "rec.vhdr",
                    "Brain Vision Data Exchange Header File Version 1.0\r\n; a comment\r\n\r\n[Common Infos]\r\nCodepage=UTF-8\r\n"
                    "DataFile=rec.eeg\r\nMarkerFile=rec.vmrk\r\nDataFormat=BINARY\r\nDataOrientation=MULTIPLEXED\r\n"
                    "NumberOfChannels=3\r\nSamplingInterval=200\r\n\r\n[Binary Infos]\r\nBinaryFormat=INT_16\r\n\r\n"
                    "[Channel Infos]\r\nCh1=EMG APB,,0.1,\xC2\xB5V\r\nCh2=EMG ADM,REF,0.002,mV\r\nCh3=Force,,0.5,N\r\n");
    test::writeText(dir / "rec.vmrk", kMarkers);
    io::ReadInfo info;
    const Recording rec = io::readRecording(dir / "rec.vhdr", info);
    CHECK(info.format == io::FileFormat::BrainVision);
    REQUIRE(rec.channels.size() == 3);
    CHECK(rec.channels[0].label == "EMG APB");
    CHECK(rec.channels[0].sampleRateHz == 5000.0);
    CHECK(rec.channels[0].physicalUnit == "uV");
    CHECK(rec.channels[1].physicalUnit == "uV");   // mV read as µV
    CHECK(rec.channels[2].physicalUnit == "N");    // not a voltage: kept
    REQUIRE(rec.channels[0].samples.size() == n);
    for (std::size_t i : {std::size_t{0}, std::size_t{777}, n - 1}) {
        CHECK(rec.channels[0].samples[i] == Approx(0.1 * count(0, i)).margin(1e-9));
        CHECK(rec.channels[1].samples[i] == Approx(2.0 * count(1, i)).margin(1e-9));
        CHECK(rec.channels[2].samples[i] == Approx(0.5 * count(2, i)).margin(1e-9));
    }
    REQUIRE(rec.annotations.size() == 4);
    CHECK(rec.annotations[1].text == "Stimulus/S  1");
    CHECK(rec.annotations[1].onsetSec == Approx(0.1).margin(1e-12));   // position 501, counted from 1, at 5 kHz
    CHECK(rec.annotations[2].text == "Comment/wrist, 25 mA");

    SECTION("emgws-cli convert writes it as EDF+: the stored integers as its digital samples, the markers as annotations") {
        const auto edf = dir / "rec.edf";
        const std::string cmd = std::string(EMGWS_CLI_PATH) + " convert " + (dir / "rec.vhdr").string() + " " + edf.string() + " >/dev/null 2>&1";
        REQUIRE(std::system(cmd.c_str()) == 0);
        io::ReadInfo back;
        const Recording e = io::readRecording(edf, back);
        REQUIRE(e.channels.size() == 3);
        // the label as the file gave it, in the EDF header's label field (our reader then takes "EMG" for the
        // signal type, as EDF+'s standard texts write it)
        std::ifstream raw(edf, std::ios::binary);
        std::string head(256 + 4 * 16, '\0');
        raw.read(head.data(), static_cast<std::streamsize>(head.size()));
        CHECK(head.substr(256 + 16, 16) == "EMG ADM         ");
        CHECK(e.channels[2].label == "Force");
        // the values as read, to rounding (the resolution is the EDF gain, the integers the digital samples)
        for (std::size_t c = 0; c < 3; ++c)
            for (std::size_t i = 0; i < n; i += 97) CHECK(e.channels[c].samples[i] == Approx(rec.channels[c].samples[i]).margin(1e-6));
        const auto strict = test::edflibRead(edf);
        if (strict.available) {
            REQUIRE(strict.opened);
            REQUIRE(strict.signals.size() == 3);
            std::size_t differ = 0;
            for (std::size_t c = 0; c < 3; ++c)
                for (std::size_t i = 0; i < n; ++i) differ += strict.signals[c].digital[i] != static_cast<int>(count(c, i));
            CHECK(differ == 0);
            CHECK(strict.signals[0].physMin == -3276.8);   // 0.1 µV per step over INT_16
            CHECK(strict.signals[0].physMax == 3276.7);
            CHECK(strict.signals[2].dimension.rfind("N ", 0) == 0);
        } else {
            WARN("EDFlib not built in: digital samples not checked by an independent reader");
        }
        std::size_t stim = 0;
        for (const auto& a : e.annotations) stim += a.text == "Stimulus/S  2" && std::abs(a.onsetSec - 0.3) < 1e-9;
        CHECK(stim == 1);
    }

    SECTION("MNE-Python reads the same samples and markers") {
        if (std::system("/usr/bin/python3 -c 'import mne' >/dev/null 2>&1") != 0) {
            WARN("python3-mne not importable by /usr/bin/python3: independent-reader check skipped");
            return;
        }
        const auto out = dir / "mne.txt";
        const std::string cmd = "/usr/bin/python3 -c \"import mne;r=mne.io.read_raw_brainvision('" + (dir / "rec.vhdr").string() +
                                "',verbose=False,preload=True);d=r.get_data();print(r.info['sfreq']);print(d[0][777]*1e6,d[1][777]*1e6);"
                                "print(len(r.annotations));print(r.annotations.onset[1],r.annotations.description[1])\" > " + out.string() + " 2>/dev/null";
        REQUIRE(std::system(cmd.c_str()) == 0);
        std::ifstream in(out);
        double sfreq = 0, a = 0, b = 0, onset = 0;
        std::size_t markers = 0;
        std::string desc;
        in >> sfreq >> a >> b >> markers >> onset;
        std::getline(in >> std::ws, desc);
        CHECK(sfreq == 5000.0);
        CHECK(a == Approx(rec.channels[0].samples[777]).margin(1e-6));
        CHECK(b == Approx(rec.channels[1].samples[777]).margin(1e-6));
        CHECK(markers == rec.annotations.size());
        CHECK(onset == Approx(rec.annotations[1].onsetSec).margin(1e-9));
        CHECK(desc == rec.annotations[1].text);
    }
}

TEST_CASE("BrainVision: vectorized float, big-endian INT_32, a Latin-1 header with CR lines, a data file elsewhere named", "[io][brainvision]") {
    const auto dir = test::ioTempDir("bv-vec");
    const std::size_t n = 1000;
    std::string f32, i32;
    for (std::size_t c = 0; c < 2; ++c)
        for (std::size_t i = 0; i < n; ++i) put<float>(f32, static_cast<float>(count(c, i) * 0.25), false);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t c = 0; c < 2; ++c) put<std::int32_t>(i32, static_cast<std::int32_t>(count(c, i) * 1000), true);
    test::writeText(dir / "f.dat", f32);
    test::writeText(dir / "i.dat", i32);
    // ANSI code page: the micro sign as the Latin-1 byte 0xB5; the data file named with a Windows path
    test::writeText(dir / "f.vhdr", "Brain Vision Data Exchange Header File Version 2.0\r[Common Infos]\rCodepage=ANSI\r"
                                    "DataFile=C:\\rec\\f.dat\rDataOrientation=VECTORIZED\rNumberOfChannels=2\rSamplingInterval=100\r"
                                    "[Binary Infos]\rBinaryFormat=IEEE_FLOAT_32\r[Channel Infos]\rCh1=M\xFCller,,,\xB5V\rCh2=,,1,\r");
    test::writeText(dir / "i.vhdr", "BrainVision Core Data Format 1.0\n[Common Infos]\nDataFile=i.dat\nDataFormat=BINARY\n"
                                    "NumberOfChannels=2\nSamplingInterval=62.5\n[Binary Infos]\nBinaryFormat=INT_32\nUseBigEndianOrder=YES\n"
                                    "[Channel Infos]\nCh1=A,,0.001,uV\nCh2=B,,0.001,uV\n");
    io::ReadInfo info;
    const Recording f = io::readRecording(dir / "f.vhdr", info);
    REQUIRE(f.channels.size() == 2);
    CHECK(f.channels[0].label == "M\xC3\xBCller");   // Latin-1 "Müller" as UTF-8
    CHECK(f.channels[1].label == "Ch2");
    CHECK(f.channels[0].sampleRateHz == 10000.0);
    CHECK(f.channels[1].samples[321] == Approx(0.25 * count(1, 321)).margin(1e-6));
    {
        // converted: EDF holds printable ASCII, so "Müller" is written "M_ller", and the report says so with the original
        io::ConvertOptions options;
        options.target = io::FileFormat::EdfPlus;
        const auto rep = io::convertFile(dir / "f.vhdr", dir / "f.edf", options);
        REQUIRE(rep.signals.size() == 2);
        CHECK(rep.signals[0].label == "M_ller");
        REQUIRE(rep.headerChanges.size() == 1);
        CHECK(rep.headerChanges[0].field == "label");
        CHECK(rep.headerChanges[0].signal == 1);
        CHECK(rep.headerChanges[0].original == "M\xC3\xBCller");
        CHECK(rep.headerChanges[0].written == "M_ller");
        CHECK(rep.dataRecords >= 1);
        CHECK(rep.recordDurationSec > 0.0);
        const auto strict = test::edflibRead(dir / "f.edf");
        if (strict.available) {
            REQUIRE(strict.opened);
            CHECK(strict.signals.at(0).label.rfind("M_ller", 0) == 0);
        }
    }
    const Recording i = io::readRecording(dir / "i.vhdr", info);
    CHECK(i.channels[0].sampleRateHz == 16000.0);
    CHECK(i.channels[0].samples[999] == Approx(count(0, 999)).margin(1e-9));
    CHECK(i.channels[1].samples[5] == Approx(count(1, 5)).margin(1e-9));
}

TEST_CASE("BrainVision: what cannot be read is said clearly", "[io][brainvision]") {
    const auto dir = test::ioTempDir("bv-bad");
    io::ReadInfo info;
    test::writeText(dir / "ascii.vhdr", "Brain Vision Data Exchange Header File Version 1.0\n[Common Infos]\nDataFile=a.txt\nDataFormat=ASCII\n"
                                        "NumberOfChannels=1\nSamplingInterval=100\n");
    CHECK_THROWS_WITH(io::readRecording(dir / "ascii.vhdr", info), Catch::Contains("is missing"));   // ASCII is read; its file is not there
    test::writeText(dir / "xml.vhdr", "Brain Vision Data Exchange Header File Version 1.0\n[Common Infos]\nDataFile=a.txt\nDataFormat=XML\n"
                                      "NumberOfChannels=1\nSamplingInterval=100\n");
    CHECK_THROWS_WITH(io::readRecording(dir / "xml.vhdr", info), Catch::Contains("neither BINARY nor ASCII"));
    test::writeText(dir / "nodata.vhdr", "Brain Vision Data Exchange Header File Version 1.0\n[Common Infos]\nDataFile=none.eeg\n"
                                         "NumberOfChannels=1\nSamplingInterval=100\n");
    CHECK_THROWS_WITH(io::readRecording(dir / "nodata.vhdr", info), Catch::Contains("is missing"));
    test::writeText(dir / "norate.vhdr", "Brain Vision Data Exchange Header File Version 1.0\n[Common Infos]\nDataFile=x.eeg\nNumberOfChannels=1\n");
    CHECK_THROWS_WITH(io::readRecording(dir / "norate.vhdr", info), Catch::Contains("SamplingInterval"));
    test::writeText(dir / "x.eeg", std::string("\x01\x00\x02\x00\x03", 5));   // 2.5 INT_16 samples
    test::writeText(dir / "odd.vhdr", "Brain Vision Data Exchange Header File Version 1.0\n[Common Infos]\nDataFile=x.eeg\nMarkerFile=gone.vmrk\n"
                                      "NumberOfChannels=1\nSamplingInterval=100\n");
    io::ReadInfo odd;
    const Recording r = io::readRecording(dir / "odd.vhdr", odd);
    CHECK(r.channels[0].samples == std::vector<double>{1.0, 2.0});
    CHECK(odd.warnings.size() == 2);   // the trailing byte and the missing marker file
}

TEST_CASE("BrainVision: a data and a marker file named in another case than on the disk are found (one match), not guessed (two)", "[io][brainvision]") {
    const auto dir = test::ioTempDir("bv-case");
    std::string eeg;
    for (std::size_t i = 0; i < 2000; ++i) put<std::int16_t>(eeg, static_cast<std::int16_t>(count(0, i)), false);
    test::writeText(dir / "rec01.eeg", eeg);
    test::writeText(dir / "rec01.vmrk", kMarkers);
    // written on a file system that ignores case: the header names REC01.EEG and Rec01.VMRK
    test::writeText(dir / "rec01.vhdr", "Brain Vision Data Exchange Header File Version 1.0\r\n[Common Infos]\r\nDataFile=C:\\Data\\REC01.EEG\r\n"
                                        "MarkerFile=Rec01.VMRK\r\nDataFormat=BINARY\r\nNumberOfChannels=1\r\nSamplingInterval=200\r\n"
                                        "[Binary Infos]\r\nBinaryFormat=INT_16\r\n[Channel Infos]\r\nCh1=EMG,,0.1,uV\r\n");
    io::ReadInfo info;
    const Recording rec = io::readRecording(dir / "rec01.vhdr", info);
    REQUIRE(rec.channels.size() == 1);
    REQUIRE(rec.channels[0].samples.size() == 2000);
    CHECK(rec.channels[0].samples[123] == Approx(0.1 * count(0, 123)).margin(1e-9));
    CHECK(rec.annotations.size() >= 3);   // the markers were read from rec01.vmrk
    // two files that differ only in case: neither is taken, the file named is said to be missing
    test::writeText(dir / "twin.eeg", eeg);
    test::writeText(dir / "TWIN.eeg", eeg);
    test::writeText(dir / "twin.vhdr", "Brain Vision Data Exchange Header File Version 1.0\n[Common Infos]\nDataFile=Twin.EEG\n"
                                       "NumberOfChannels=1\nSamplingInterval=200\n");
    io::ReadInfo twin;
    CHECK_THROWS_WITH(io::readRecording(dir / "twin.vhdr", twin), Catch::Contains("is missing"));
}

namespace {
bool anyWarning(const io::ConvertReport& r, const std::string& part) {
    return std::any_of(r.warnings.begin(), r.warnings.end(), [&](const std::string& w) { return w.find(part) != std::string::npos; });
}
io::ConvertReport convertTo(const std::filesystem::path& in, const std::filesystem::path& out, io::FileFormat target) {
    io::ConvertOptions options;
    options.target = target;
    return io::convertFile(in, out, options);
}
}  // namespace

TEST_CASE("BrainVision -> EDF+/BDF+: the stored integers become the digital samples wherever the target holds them", "[io][brainvision][convert]") {
    const auto dir = test::ioTempDir("bv-exact");
    const std::size_t n = 3000;
    // UINT_16 over its whole range at 0.5 µV per step: EDF's 16 bits hold the span, shifted by 32768
    std::string u16;
    for (std::size_t i = 0; i < n; ++i) put<std::uint16_t>(u16, static_cast<std::uint16_t>((i * 7919u) % 65536u), false);
    test::writeText(dir / "u.eeg", u16);
    test::writeText(dir / "u.vhdr", "Brain Vision Data Exchange Header File Version 1.0\n[Common Infos]\nDataFile=u.eeg\nNumberOfChannels=1\n"
                                    "SamplingInterval=250\n[Binary Infos]\nBinaryFormat=UINT_16\n[Channel Infos]\nCh1=EMG TA,,0.5,uV\n");
    // INT_32 of ±1.03e6 counts at 1 nV: 24 bits hold them (BDF exact), 16 bits do not (EDF re-quantised)
    std::string i32;
    for (std::size_t i = 0; i < n; ++i) put<std::int32_t>(i32, static_cast<std::int32_t>(count(0, i) * 1000), true);
    test::writeText(dir / "i.eeg", i32);
    test::writeText(dir / "i.vhdr", "Brain Vision Data Exchange Header File Version 1.0\n[Common Infos]\nDataFile=i.eeg\nNumberOfChannels=1\n"
                                    "SamplingInterval=100\n[Binary Infos]\nBinaryFormat=INT_32\nUseBigEndianOrder=YES\n[Channel Infos]\nCh1=APB,,0.001,uV\n");
    // float samples: whole numbers times their resolution (0.25 µV) lie on an ADC grid; fractions do not
    std::string whole, fractions;
    for (std::size_t i = 0; i < n; ++i) put<float>(whole, static_cast<float>(count(1, i)), false);
    for (std::size_t i = 0; i < n; ++i) put<float>(fractions, static_cast<float>(count(1, i) * 0.37), false);
    test::writeText(dir / "q.eeg", whole);
    test::writeText(dir / "f.eeg", fractions);
    for (const char* name : {"f", "q"})
        test::writeText(dir / (std::string(name) + ".vhdr"),
                        std::string("Brain Vision Data Exchange Header File Version 1.0\n[Common Infos]\nDataFile=") + name +
                            ".eeg\nNumberOfChannels=1\nSamplingInterval=100\n[Binary Infos]\nBinaryFormat=IEEE_FLOAT_32\n[Channel Infos]\nCh1=ADM,,0.25,uV\n");
    const auto strictDigital = [](const std::filesystem::path& f) {
        const auto r = test::edflibRead(f);
        if (!r.available) return std::vector<int>{};
        REQUIRE(r.opened);
        return r.signals.at(0).digital;
    };

    SECTION("UINT_16 -> EDF+: shifted by 32768, its physical range 0 to 32767.5 uV; -> BDF+ as stored") {
        const auto rep = convertTo(dir / "u.vhdr", dir / "u.edf", io::FileFormat::EdfPlus);
        REQUIRE(rep.signals.size() == 1);
        CHECK_FALSE(rep.signals[0].rescaled);
        CHECK_FALSE(anyWarning(rep, "re-quantised"));
        const auto d = strictDigital(dir / "u.edf");
        if (!d.empty()) {
            REQUIRE(d.size() >= n);   // the last 1 s record padded
            std::size_t differ = 0;
            for (std::size_t i = 0; i < n; ++i) differ += d[i] != static_cast<int>((i * 7919u) % 65536u) - 32768;
            CHECK(differ == 0);
            const auto r = test::edflibRead(dir / "u.edf");
            CHECK(r.signals[0].physMin == 0.0);
            CHECK(r.signals[0].physMax == 32767.5);
        }
        CHECK_FALSE(convertTo(dir / "u.vhdr", dir / "u.bdf", io::FileFormat::BdfPlus).signals[0].rescaled);
        const auto b = strictDigital(dir / "u.bdf");
        if (!b.empty())
            for (std::size_t i = 0; i < n; i += 13) CHECK(b[i] == static_cast<int>((i * 7919u) % 65536u));
        const Recording src = io::readRecording(dir / "u.vhdr"), back = io::readRecording(dir / "u.edf");
        for (std::size_t i = 0; i < n; i += 7) CHECK(back.channels[0].samples[i] == Approx(src.channels[0].samples[i]).margin(1e-6));
    }
    SECTION("INT_32 -> BDF+: the counts as stored (24 bits hold them); -> EDF+: re-quantised, said, within half a step") {
        CHECK_FALSE(convertTo(dir / "i.vhdr", dir / "i.bdf", io::FileFormat::BdfPlus).signals[0].rescaled);
        const auto b = strictDigital(dir / "i.bdf");
        if (!b.empty()) {
            std::size_t differ = 0;
            for (std::size_t i = 0; i < n; ++i) differ += b[i] != static_cast<int>(count(0, i) * 1000);
            CHECK(differ == 0);
        }
        const auto rep = convertTo(dir / "i.vhdr", dir / "i.edf", io::FileFormat::EdfPlus);
        CHECK(rep.signals[0].rescaled);
        CHECK(anyWarning(rep, "re-quantised"));
        const Recording src = io::readRecording(dir / "i.vhdr"), back = io::readRecording(dir / "i.edf");
        const auto [lo, hi] = std::minmax_element(src.channels[0].samples.begin(), src.channels[0].samples.end());
        const double halfStep = 0.5 * (*hi - *lo) / 65535.0 * 1.01;
        for (std::size_t i = 0; i < n; i += 7) CHECK(back.channels[0].samples[i] == Approx(src.channels[0].samples[i]).margin(halfStep));
    }
    SECTION("IEEE_FLOAT_32 on its resolution's grid is kept exactly; off it re-quantised") {
        CHECK_FALSE(convertTo(dir / "q.vhdr", dir / "q.edf", io::FileFormat::EdfPlus).signals[0].rescaled);
        const auto d = strictDigital(dir / "q.edf");
        if (!d.empty())
            for (std::size_t i = 0; i < n; i += 11) CHECK(d[i] == static_cast<int>(count(1, i)));
        CHECK(convertTo(dir / "f.vhdr", dir / "f.edf", io::FileFormat::EdfPlus).signals[0].rescaled);
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("BrainVision ASCII data: multiplexed with a heading line and decimal commas, vectorized with channel names", "[io][brainvision]") {
    const auto dir = test::ioTempDir("bv-ascii");
    const std::size_t n = 400;
    // multiplexed: a line of channel names skipped (SkipLines=1), values separated by blanks with decimal commas, CRLF
    std::ostringstream mux;
    mux << "APB ADM\r\n";
    const auto text = [](double v) {
        std::ostringstream o;
        o.precision(6);
        o << v;
        std::string t = o.str();
        std::replace(t.begin(), t.end(), '.', ',');
        return t;
    };
    for (std::size_t i = 0; i < n; ++i) mux << text(count(0, i) * 0.125) << "    " << text(count(1, i) * 0.5 - 0.25) << "\r\n";
    test::writeText(dir / "m.dat", mux.str());
    test::writeText(dir / "m.vhdr", "Brain Vision Data Exchange Header File Version 1.0\r\n[Common Infos]\r\nDataFile=m.dat\r\nDataFormat=ASCII\r\n"
                                    "DataOrientation=MULTIPLEXED\r\nNumberOfChannels=2\r\nSamplingInterval=200\r\n[ASCII Infos]\r\n"
                                    "DecimalSymbol=,\r\nSkipLines=1\r\nSkipColumns=0\r\n[Channel Infos]\r\nCh1=APB,,1,\xC2\xB5V\r\nCh2=ADM,,1,mV\r\n");
    io::ReadInfo info;
    const Recording m = io::readRecording(dir / "m.vhdr", info);
    REQUIRE(m.channels.size() == 2);
    REQUIRE(m.channels[0].samples.size() == n);
    CHECK(m.channels[0].sampleRateHz == 5000.0);
    for (std::size_t i : {std::size_t{0}, std::size_t{123}, n - 1}) {
        CHECK(m.channels[0].samples[i] == Approx(count(0, i) * 0.125).margin(1e-9));
        CHECK(m.channels[1].samples[i] == Approx((count(1, i) * 0.5 - 0.25) * 1000.0).margin(1e-6));   // mV to µV
    }
    // vectorized: each channel's line starts with its name; a lone-CR file
    std::string vec;
    for (std::size_t c = 0; c < 2; ++c) {
        vec += c == 0 ? "APB" : "ADM";
        for (std::size_t i = 0; i < n; ++i) vec += " " + std::to_string(static_cast<int>(count(c, i)));
        vec += "\r";
    }
    test::writeText(dir / "v.dat", vec);
    test::writeText(dir / "v.vhdr", "Brain Vision Data Exchange Header File Version 1.0\n[Common Infos]\nDataFile=v.dat\nDataFormat=ASCII\n"
                                    "DataOrientation=VECTORIZED\nNumberOfChannels=2\nSamplingInterval=100\n[Channel Infos]\nCh1=APB,,0.1,uV\nCh2=ADM,,0.1,uV\n");
    const Recording v = io::readRecording(dir / "v.vhdr", info);
    REQUIRE(v.channels.size() == 2);
    REQUIRE(v.channels[1].samples.size() == n);
    CHECK(v.channels[1].samples[321] == Approx(0.1 * count(1, 321)).margin(1e-9));
    // integers times the resolution lie on its grid: converted to EDF+ they are the digital samples
    const auto rep = convertTo(dir / "v.vhdr", dir / "v.edf", io::FileFormat::EdfPlus);
    CHECK_FALSE(rep.signals[0].rescaled);
    const auto strict = test::edflibRead(dir / "v.edf");
    if (strict.available) {
        REQUIRE(strict.opened);
        CHECK(strict.signals.at(1).digital.at(321) == static_cast<int>(count(1, 321)));
    }
    // a field that is not a number is named with its line
    test::writeText(dir / "bad.dat", "1 2\n3 x\n");
    test::writeText(dir / "bad.vhdr", "Brain Vision Data Exchange Header File Version 1.0\n[Common Infos]\nDataFile=bad.dat\nDataFormat=ASCII\n"
                                      "NumberOfChannels=2\nSamplingInterval=100\n");
    CHECK_THROWS_WITH(io::readRecording(dir / "bad.vhdr", info), Catch::Contains("line 2"));

    SECTION("MNE-Python reads the multiplexed ASCII file to the same values") {
        if (std::system("/usr/bin/python3 -c 'import mne' >/dev/null 2>&1") != 0) {
            WARN("python3-mne not importable by /usr/bin/python3: independent-reader check skipped");
            return;
        }
        // MNE needs a marker file
        test::writeText(dir / "m.vmrk", "Brain Vision Data Exchange Marker File, Version 1.0\n[Common Infos]\nDataFile=m.dat\n[Marker Infos]\n");
        std::string hdr = "Brain Vision Data Exchange Header File Version 1.0\r\n[Common Infos]\r\nDataFile=m.dat\r\nMarkerFile=m.vmrk\r\n"
                          "DataFormat=ASCII\r\nDataOrientation=MULTIPLEXED\r\nNumberOfChannels=2\r\nSamplingInterval=200\r\n[ASCII Infos]\r\n"
                          "DecimalSymbol=,\r\nSkipLines=1\r\nSkipColumns=0\r\n[Channel Infos]\r\nCh1=APB,,1,\xC2\xB5V\r\nCh2=ADM,,1,mV\r\n";
        test::writeText(dir / "m.vhdr", hdr);
        const auto out = dir / "mne.txt";
        const std::string cmd = "/usr/bin/python3 -c \"import mne;r=mne.io.read_raw_brainvision('" + (dir / "m.vhdr").string() +
                                "',verbose=False,preload=True);d=r.get_data();print(d.shape[1],d[0][123]*1e6,d[1][123]*1e6)\" > " + out.string() +
                                " 2>/dev/null";
        REQUIRE(std::system(cmd.c_str()) == 0);
        std::ifstream in(out);
        std::size_t samples = 0;
        double a = 0, b = 0;
        in >> samples >> a >> b;
        CHECK(samples == n);
        CHECK(a == Approx(m.channels[0].samples[123]).margin(1e-6));
        CHECK(b == Approx(m.channels[1].samples[123]).margin(1e-6));
    }
}

TEST_CASE("BrainVision -> EDF+/BDF+ is streamed, and writes the bytes the conversion of the recording read whole writes", "[io][brainvision][convert]") {
    const auto dir = test::ioTempDir("bv-stream");
    const std::size_t n = 7001;   // not a whole number of records: the last one padded
    std::string mux, vec, i32;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t c = 0; c < 3; ++c) put<std::int16_t>(mux, static_cast<std::int16_t>(count(c, i)), false);
    for (std::size_t c = 0; c < 2; ++c)
        for (std::size_t i = 0; i < n; ++i) put<float>(vec, static_cast<float>(count(c, i) * 0.37), false);
    for (std::size_t i = 0; i < n; ++i) put<std::int32_t>(i32, static_cast<std::int32_t>(count(0, i) * 1000), true);
    test::writeText(dir / "m.eeg", mux);
    test::writeText(dir / "v.eeg", vec);
    test::writeText(dir / "i.eeg", i32);
    test::writeText(dir / "m.vmrk", kMarkers);
    test::writeText(dir / "m.vhdr", "Brain Vision Data Exchange Header File Version 1.0\n[Common Infos]\nDataFile=m.eeg\nMarkerFile=m.vmrk\n"
                                    "NumberOfChannels=3\nSamplingInterval=200\n[Binary Infos]\nBinaryFormat=INT_16\n[Channel Infos]\n"
                                    "Ch1=EMG APB,,0.1,\xC2\xB5V\nCh2=EMG ADM,REF,0.002,mV\nCh3=Force,,0.5,N\n");
    test::writeText(dir / "v.vhdr", "Brain Vision Data Exchange Header File Version 1.0\n[Common Infos]\nDataFile=v.eeg\nDataOrientation=VECTORIZED\n"
                                    "NumberOfChannels=2\nSamplingInterval=100\n[Binary Infos]\nBinaryFormat=IEEE_FLOAT_32\n[Channel Infos]\nCh1=A,,1,uV\nCh2=B,,1,uV\n");
    test::writeText(dir / "i.vhdr", "Brain Vision Data Exchange Header File Version 1.0\n[Common Infos]\nDataFile=i.eeg\nNumberOfChannels=1\n"
                                    "SamplingInterval=62.5\n[Binary Infos]\nBinaryFormat=INT_32\nUseBigEndianOrder=YES\n[Channel Infos]\nCh1=APB,,0.001,uV\n");
    for (const char* name : {"m", "v", "i"})
        for (const auto target : {io::FileFormat::EdfPlus, io::FileFormat::BdfPlus}) {
            const bool bdf = target == io::FileFormat::BdfPlus;
            INFO(name << (bdf ? " -> BDF+" : " -> EDF+"));
            const auto streamed = dir / (std::string(name) + (bdf ? "_s.bdf" : "_s.edf"));
            const auto whole = dir / (std::string(name) + (bdf ? "_w.bdf" : "_w.edf"));
            const auto rep = convertTo(dir / (std::string(name) + ".vhdr"), streamed, target);
            CHECK(rep.streamed);
            io::ReadInfo info;
            const Recording rec = io::readRecording(dir / (std::string(name) + ".vhdr"), info);
            const auto repWhole = io::convertRecording(rec, info, whole, target, "a BrainVision recording");
            CHECK(test::fileBytes(streamed) == test::fileBytes(whole));
            REQUIRE(rep.signals.size() == repWhole.signals.size());
            for (std::size_t c = 0; c < rep.signals.size(); ++c) {
                CHECK(rep.signals[c].rescaled == repWhole.signals[c].rescaled);
                CHECK(rep.signals[c].label == repWhole.signals[c].label);
                CHECK(rep.signals[c].samples == static_cast<std::int64_t>(n));
            }
            CHECK(rep.dataRecords == repWhole.dataRecords);
            CHECK(rep.durationSec == Approx(repWhole.durationSec));
            CHECK(rep.warnings == repWhole.warnings);
            const auto strict = test::edflibRead(streamed);
            if (strict.available) CHECK(strict.opened);
        }
    std::filesystem::remove_all(dir);
}

TEST_CASE("BrainVision: the amplifier's and the software filters become each channel's prefilter, DataPoints and DataType read", "[io][brainvision]") {
    const auto dir = test::ioTempDir("bv-filters");
    std::string eeg;
    for (std::size_t i = 0; i < 600; ++i)
        for (std::size_t c = 0; c < 3; ++c) put<std::int16_t>(eeg, static_cast<std::int16_t>(count(c, i)), false);
    test::writeText(dir / "f.eeg", eeg);
    // as BrainVision Recorder writes its comment: a time constant of 10 s is a high-pass at 1/(2 pi 10 s) = 0.0159 Hz;
    // a channel name with a space ("CP 6"); "DC" and "Off"; then software filters that narrow the band
    const std::string head = "Brain Vision Data Exchange Header File Version 1.0\r\n[Common Infos]\r\nDataFile=f.eeg\r\nNumberOfChannels=3\r\n"
                             "SamplingInterval=1000\r\n[Binary Infos]\r\nBinaryFormat=INT_16\r\n[Channel Infos]\r\nCh1=APB,,0.5,\xC2\xB5V\r\n"
                             "Ch2=CP 6,,0.5,\xC2\xB5V\r\nCh3=ADM,,0.5,\xC2\xB5V\r\n[Comment]\r\n\r\nA m p l i f i e r  S e t u p\r\n"
                             "============================\r\nNumber of channels: 3\r\n\r\nChannels\r\n--------\r\n"
                             "#     Name      Phys. Chn.    Resolution / Unit   Low Cutoff [s]   High Cutoff [Hz]   Notch [Hz]    Series Res. [kOhm]\r\n"
                             "1     APB         1                0.5 \xC2\xB5V             10              1000              50                0\r\n"
                             "2     CP 6        2                0.5 \xC2\xB5V             DC              250              Off                0\r\n"
                             "3     ADM         3                0.5 \xC2\xB5V             0.03            Off              Off                0\r\n\r\n";
    test::writeText(dir / "f.vhdr", head + "S o f t w a r e  F i l t e r s\r\n==============================\r\nDisabled\r\n");
    io::ReadInfo info;
    const Recording rec = io::readRecording(dir / "f.vhdr", info);
    REQUIRE(rec.channels.size() == 3);
    CHECK(rec.channels[0].prefilter == "HP:0.0159Hz LP:1e+03Hz N:50Hz");
    CHECK(rec.channels[1].label == "CP 6");
    CHECK(rec.channels[1].prefilter == "HP:DC LP:250Hz");
    CHECK(rec.channels[2].prefilter == "HP:5.31Hz");   // 1 / (2 pi 0.03 s), no low-pass
    test::writeText(dir / "s.vhdr", head + "S o f t w a r e  F i l t e r s\r\n==============================\r\n"
                                           "#     Low Cutoff [s]   High Cutoff [Hz]   Notch [Hz]\r\n1      0.9              50                 Off\r\n"
                                           "2      0.9              500                50\r\n3      0.9              50                 Off\r\n");
    const Recording soft = io::readRecording(dir / "s.vhdr", info);
    CHECK(soft.channels[0].prefilter == "HP:0.177Hz LP:50Hz N:50Hz");   // software HP above the hardware's, LP below
    CHECK(soft.channels[1].prefilter == "HP:0.177Hz LP:250Hz N:50Hz");  // the hardware's 250 Hz stays the lower
    // converted, the EDF+ carries them (EDFlib reads the prefilter field)
    const auto rep = convertTo(dir / "s.vhdr", dir / "s.edf", io::FileFormat::EdfPlus);
    CHECK(rep.headerChanges.empty());
    const auto strict = test::edflibRead(dir / "s.edf");
    if (strict.available) {
        REQUIRE(strict.opened);
        CHECK(strict.signals.at(1).prefilter.rfind("HP:0.177Hz LP:250Hz N:50Hz", 0) == 0);
    }
    // DataPoints: fewer than the file holds are read as stated (named); DataType other than time domain refused
    test::writeText(dir / "p.vhdr", "Brain Vision Data Exchange Header File Version 2.0\nDataFile=f.eeg\n[Common Infos]\nDataFile=f.eeg\n"
                                    "DataType=TIMEDOMAIN\nDataPoints=500\nNumberOfChannels=3\nSamplingInterval=1000\n");
    io::ReadInfo pInfo;
    const Recording p = io::readRecording(dir / "p.vhdr", pInfo);
    CHECK(p.channels[0].samples.size() == 500u);
    CHECK(std::any_of(pInfo.warnings.begin(), pInfo.warnings.end(), [](const std::string& w) { return w.find("DataPoints") != std::string::npos; }));
    test::writeText(dir / "q.vhdr", "Brain Vision Data Exchange Header File Version 2.0\n[Common Infos]\nDataFile=f.eeg\nDataType=FREQUENCYDOMAIN\n"
                                    "NumberOfChannels=3\nSamplingInterval=1\n");
    CHECK_THROWS_WITH(io::readRecording(dir / "q.vhdr", info), Catch::Contains("time-domain"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("BrainVision at MHz rates: converted in data records EDF readers take (<= 10 MiB), or refused with the reason", "[io][brainvision][convert]") {
    const auto dir = test::ioTempDir("bv-fast");
    // 64 channels at 1 MHz: a 1 s record would be 128 MB in EDF+; a 0.05 s one is 6.4 MB
    std::string eeg;
    for (std::size_t i = 0; i < 200; ++i)
        for (std::size_t c = 0; c < 64; ++c) put<std::int16_t>(eeg, static_cast<std::int16_t>(i + c), false);
    test::writeText(dir / "f.eeg", eeg);
    test::writeText(dir / "f.vhdr", "Brain Vision Data Exchange Header File Version 1.0\n[Common Infos]\nDataFile=f.eeg\nNumberOfChannels=64\n"
                                    "SamplingInterval=1\n");
    const auto rep = convertTo(dir / "f.vhdr", dir / "f.edf", io::FileFormat::EdfPlus);
    CHECK(rep.recordDurationSec == 0.05);   // 1 s ... 0.1 s hold more than 10 MiB at 3 bytes a sample; 0.05 s: 3.2 M samples
    const Recording back = io::readRecording(dir / "f.edf");
    REQUIRE(back.channels.size() == 64);
    CHECK(back.channels[63].samples[199] == Approx(199 + 63).margin(1e-9));
    // 4096 channels at 10 MHz: even a 1 ms record would be 123 MB: refused, saying why
    test::writeText(dir / "g.vhdr", "Brain Vision Data Exchange Header File Version 1.0\n[Common Infos]\nDataFile=f.eeg\nNumberOfChannels=4096\n"
                                    "SamplingInterval=0.1\n");
    CHECK_THROWS_WITH(convertTo(dir / "g.vhdr", dir / "g.edf", io::FileFormat::EdfPlus), Catch::Contains("10 MiB"));
    std::filesystem::remove_all(dir);
}
