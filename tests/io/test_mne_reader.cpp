// Files we write must open in an independent reader: MNE-Python (Debian's python3-mne, for
// /usr/bin/python3) reads our EDF+ and BDF+ files, and its samples and annotations must match
// ours (samples within one LSB, onsets within one sample, texts equal).
#include "io_test_util.h"

#include <emg/io/edf_recorder.h>
#include <emg/io/recording_io.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>

using namespace emg;

namespace {
constexpr const char* kPython = "/usr/bin/python3";

bool haveMne() {
    const std::string cmd = std::string(kPython) + " -c 'import mne' >/dev/null 2>&1";
    return std::system(cmd.c_str()) == 0;
}

Recording mneRecording() {
    Recording rec;
    rec.patientId = "P-1 M 01-JAN-1970 Test";
    rec.startDateTime = "2024-06-01T08:30:00";
    rec.channels.push_back(test::syntheticChannel("APB", 2000, 3.0, 6000.0, 11));
    rec.channels.push_back(test::syntheticChannel("ADM", 2000, 3.0, 3000.0, 12));
    rec.channels.push_back(test::syntheticChannel("Sural", 2000, 3.0, 15.0, 13));
    // (MNE crops durations at the end of the data, so the long one sits in the middle)
    rec.annotations = {{0.1, 0.0002, "Stim wrist"}, {0.5005, 0.0002, "Stim elbow"}, {1.2, 1.5, "Marker: réponse F"},
                       {2.25, 0.0, "Stim wrist"}, {2.9995, 0.0, "Stim knee"}};
    return rec;
}
}  // namespace

TEST_CASE("MNE-Python reads our EDF+ and BDF+ files with the same samples and annotations", "[io][mne]") {
    if (!haveMne()) {
        WARN("python3-mne not importable by /usr/bin/python3: independent-reader check skipped");
        return;
    }
    const auto dir = test::ioTempDir("mne");
    const Recording rec = mneRecording();
    io::writeRecording(rec, dir / "ours.edf", io::FileFormat::EdfPlus);
    io::writeRecording(rec, dir / "ours.bdf", io::FileFormat::BdfPlus);

    // and a file from the incremental recorder: raw counts, stimuli as annotations
    const double fs = 4000;
    {
        AcquisitionConfig cfg;
        cfg.sampleRateHz = fs;
        ChannelInfo ci;
        ci.label = "FDI";
        ci.microvoltsPerCount = 0.0298;   // a scale that is not a round decimal
        ci.sampleRateHz = fs;
        cfg.channels = {ci};
        io::EdfRecorderOptions opt;
        opt.siteNames = {"wrist"};
        io::EdfRecorder r(dir / "recorder.bdf", opt);
        r.onStart(cfg);
        std::vector<std::int32_t> counts(400);
        std::vector<float> uv(400);
        for (std::int64_t s = 0; s < 8000; s += 400) {
            for (std::size_t i = 0; i < 400; ++i) counts[i] = static_cast<std::int32_t>(((s + static_cast<std::int64_t>(i)) * 4099) % 8000001 - 4000000);
            StimulusEvent e;
            e.sampleIndex = s + 123;
            e.siteId = 0;
            SampleBlockView v;
            v.firstSampleIndex = s;
            v.frames = 400;
            v.channelCount = 1;
            v.counts = counts.data();
            v.microvolts = uv.data();
            v.stimuli = &e;
            v.stimulusCount = 1;
            r.onBlock(v);
        }
        r.onStop();
    }

    const auto json = dir / "mne.json";
    const std::string cmd = std::string(kPython) + " " + EMGWS_IO_TEST_DIR + "/mne_read.py " + json.string() + " " +
                            (dir / "ours.edf").string() + " " + (dir / "ours.bdf").string() + " " + (dir / "recorder.bdf").string();
    REQUIRE(std::system(cmd.c_str()) == 0);
    nlohmann::json j;
    std::ifstream(json) >> j;

    for (const bool bdf : {false, true}) {
        const auto& m = j.at((dir / (bdf ? "ours.bdf" : "ours.edf")).string());
        CHECK(m.at("sfreq").get<double>() == 2000.0);
        REQUIRE(m.at("ch_names").size() == 3);
        double worstLsb = 0;
        for (std::size_t c = 0; c < 3; ++c) {
            // an independent reader sees the EDF+ standard label "EMG <name>"
            CHECK(m.at("ch_names")[c].get<std::string>() == "EMG " + rec.channels[c].label);
            const auto& ours = rec.channels[c].samples;
            auto [lo, hi] = std::minmax_element(ours.begin(), ours.end());
            const double lsb = (std::max(*hi, 0.0) - std::min(*lo, 0.0)) / (bdf ? 16777215.0 : 65535.0) * 1.001;
            const auto& theirs = m.at("data")[c];
            REQUIRE(theirs.size() == ours.size());
            for (std::size_t i = 0; i < ours.size(); ++i) worstLsb = std::max(worstLsb, std::fabs(theirs[i].get<double>() - ours[i]) / lsb);
        }
        INFO((bdf ? "BDF+" : "EDF+") << ": max |MNE - original| = " << worstLsb << " LSB");
        CHECK(worstLsb <= 1.0);
        const auto& ann = m.at("annotations");
        REQUIRE(ann.size() == rec.annotations.size());
        for (std::size_t i = 0; i < ann.size(); ++i) {
            CHECK(ann[i].at("text").get<std::string>() == rec.annotations[i].text);
            CHECK(std::fabs(ann[i].at("onset").get<double>() - rec.annotations[i].onsetSec) < 1.0 / 2000);
            CHECK(ann[i].at("duration").get<double>() == Approx(rec.annotations[i].durationSec).margin(1e-6));
        }
    }
    {
        const auto& m = j.at((dir / "recorder.bdf").string());
        CHECK(m.at("sfreq").get<double>() == fs);
        const auto& d = m.at("data")[0];
        REQUIRE(d.size() == 8000);
        double worstCounts = 0;
        for (std::size_t i = 0; i < 8000; ++i) {
            const double truth = static_cast<double>((static_cast<std::int64_t>(i) * 4099) % 8000001 - 4000000) * 0.0298;
            worstCounts = std::max(worstCounts, std::fabs(d[i].get<double>() - truth) / 0.0298);
        }
        INFO("recorder BDF+ via MNE: max error " << worstCounts << " counts");
        CHECK(worstCounts <= 1.0);
        const auto& ann = m.at("annotations");
        REQUIRE(ann.size() == 20);
        for (std::size_t k = 0; k < 20; ++k) {
            CHECK(ann[k].at("text").get<std::string>() == "Stim wrist");
            CHECK(std::fabs(ann[k].at("onset").get<double>() - (400.0 * k + 123) / fs) < 1.0 / fs);
        }
    }
    std::filesystem::remove_all(dir);
}
