// `emgws-cli convert` of a large BrainVision recording (~160 MB of multiplexed INT_16) to EDF+ runs
// in bounded memory (issue 11: peak <= 200 MB whatever the file's size; read whole, its samples
// alone would take 640 MB as doubles), checked on the child's ru_maxrss; the stored integers are
// spot-checked as the output's digital samples, the markers as annotations.
#include "cli_child_run.h"
#include "edf_sample_probe.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <vector>

namespace fs = std::filesystem;

namespace {
constexpr long long kFrames = 40'000'003;   // 2 channels at 10 kHz: 4000 s and 3 frames (the last record padded)
constexpr int kChannels = 2;

std::int16_t stored(int c, long long f) { return static_cast<std::int16_t>((f * 7919 + c * 104729) % 65536 - 32768); }
}  // namespace

TEST_CASE("convert: a 160 MB BrainVision recording to EDF+ peaks below 200 MB, its integers the digital samples", "[cli][convert][brainvision][memory]") {
    const auto dir = emg::test::tempDir("bv-mem");
    struct RemoveAfter {   // 320 MB of input and output: removed whatever the outcome
        fs::path dir;
        ~RemoveAfter() {
            std::error_code ec;
            fs::remove_all(dir, ec);
        }
    } removeAfter{dir};
    {
        std::ofstream eeg(dir / "big.eeg", std::ios::binary);
        std::vector<char> buf;
        buf.reserve(1 << 22);
        for (long long f = 0; f < kFrames; ++f) {
            for (int c = 0; c < kChannels; ++c) {
                const auto v = static_cast<std::uint16_t>(stored(c, f));
                buf.push_back(static_cast<char>(v & 0xFF));
                buf.push_back(static_cast<char>(v >> 8));
            }
            if (buf.size() >= (1u << 22) - 8) {
                eeg.write(buf.data(), static_cast<std::streamsize>(buf.size()));
                buf.clear();
            }
        }
        eeg.write(buf.data(), static_cast<std::streamsize>(buf.size()));
        REQUIRE(eeg.good());
    }
    emg::test::writeFile(dir / "big.vhdr", "Brain Vision Data Exchange Header File Version 1.0\r\n[Common Infos]\r\nCodepage=UTF-8\r\n"
                                           "DataFile=big.eeg\r\nMarkerFile=big.vmrk\r\nDataFormat=BINARY\r\nDataOrientation=MULTIPLEXED\r\n"
                                           "NumberOfChannels=2\r\nSamplingInterval=100\r\n[Binary Infos]\r\nBinaryFormat=INT_16\r\n"
                                           "[Channel Infos]\r\nCh1=EMG APB,,0.1,\xC2\xB5V\r\nCh2=EMG ADM,,0.1,\xC2\xB5V\r\n");
    emg::test::writeFile(dir / "big.vmrk", "Brain Vision Data Exchange Marker File, Version 1.0\r\n[Marker Infos]\r\n"
                                           "Mk1=Stimulus,S  1,20001,1,0\r\nMk2=Stimulus,S  1,39000001,1,0\r\n");
    const auto run = emg::test::runCli({"convert", (dir / "big.vhdr").string(), (dir / "big.edf").string()}, dir, 0, 120);
    CHECK_FALSE(run.timedOut);
    INFO(run.err);
    REQUIRE(run.exitCode == 0);
    emg::test::checkPeakRss(run.maxRssKb, 200.0 * 1024);
    WARN("convert of a " << fs::file_size(dir / "big.eeg") / 1'000'000 << " MB BrainVision recording: peak RSS " << run.maxRssKb / 1024 << " MB");
    CHECK(run.out.find("\"streamed\": true") != std::string::npos);
    CHECK(run.out.find("\"rescaled\": true") == std::string::npos);

    emg::test::EdfSampleProbe p(dir / "big.edf");
    REQUIRE(p.signals == 3);
    CHECK(p.records == 4001);   // 1 s records of 10 000 samples, the last padded
    CHECK(p.digitalMin[0] == -32768);
    CHECK(p.digitalMax[0] == 32767);
    for (long long f : {0LL, 1LL, 9999LL, 10000LL, 12'345'678LL, 39'999'999LL, kFrames - 1})
        for (int c = 0; c < kChannels; ++c) {
            INFO("channel " << c << " frame " << f);
            CHECK(p.sample(c, f) == stored(c, f));
        }
    CHECK(p.sample(0, kFrames) == 0);   // padding: 0 µV
    // the markers, in the records where they start (2 s and 3900 s)
    const std::string bytes = emg::test::slurp(dir / "big.edf");
    CHECK(bytes.find("+2\x14Stimulus/S  1\x14") != std::string::npos);
    CHECK(bytes.find("+3900\x14Stimulus/S  1\x14") != std::string::npos);
}
