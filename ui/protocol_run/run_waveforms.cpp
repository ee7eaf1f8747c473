// A protocol run's tests kept as waveform files (run_waveforms.h).
#include "run_waveforms.h"

#include <emg/io/recording_io.h>
#include <emg/io/sha256.h>
#include <emg/io/stimulus_annotation.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <stdexcept>

namespace emg::ui::run_waveforms {

std::string fileSafe(std::string text) {
    for (auto& c : text)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '-';
    return text;
}

study::RawDataLink keep(const Recording& rec, const std::string& dataDirectory, const std::string& studyId, const std::string& name) {
    const auto dir = std::filesystem::path(dataDirectory) / "studies" / fileSafe(studyId);
    std::filesystem::create_directories(dir);
    const auto path = std::filesystem::absolute(dir / (fileSafe(name) + ".bdf"));
    io::writeRecording(rec, path, io::FileFormat::BdfPlus);
    study::RawDataLink link;
    link.path = path.string();
    link.sha256 = io::sha256OfFile(path);
    return link;
}

Recording sweepsRecording(const std::vector<SiteSweeps>& sites, const std::string& recordingId) {
    Recording rec;
    rec.recordingId = recordingId;
    RecordedChannel ch;
    ch.signalType = "EMG";
    ch.transducer = "surface electrode";
    std::size_t count = 0;
    for (const auto& s : sites) count += s.sweeps.size();
    if (count == 0) throw std::invalid_argument("no sweep to keep");
    double atSec = 0.0;
    for (const auto& s : sites)
        for (const auto& sweep : s.sweeps) {
            if (ch.sampleRateHz == 0.0) {
                ch.sampleRateHz = sweep.sampleRateHz;
                ch.label = sweep.channel.empty() ? std::string("response") : sweep.channel;
            } else if (sweep.sampleRateHz != ch.sampleRateHz) {
                throw std::invalid_argument("the sweeps of one test differ in sample rate");
            }
            const double sec = static_cast<double>(sweep.microvolts.size()) / sweep.sampleRateHz;
            if (count > 1) rec.segments.push_back({atSec, sec});
            ch.samples.insert(ch.samples.end(), sweep.microvolts.begin(), sweep.microvolts.end());
            rec.annotations.push_back({atSec + static_cast<double>(sweep.stimulusIndex) / sweep.sampleRateHz, sweep.pulseWidthMs / 1000.0,
                                       io::stimulusAnnotationText(s.site, sweep.stimulusMa)});
            atSec += std::max(1.0, std::ceil(sec + 0.5));   // a sweep of <= 0.5 s: 1 s apart
        }
    rec.channels.push_back(std::move(ch));
    return rec;
}

}  // namespace emg::ui::run_waveforms
