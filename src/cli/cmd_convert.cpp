// `emgws-cli convert IN OUT`: EDF/EDF+/BDF/BDF+/WFDB in, EDF+ (.edf, 16-bit) or BDF+ (.bdf,
// 24-bit) out, samples (within one LSB of the output) and annotations kept. Prints a JSON summary.
#include "command_registry.h"

#include <emg/io/recording_io.h>

#include <nlohmann/json.hpp>

#include <iostream>

namespace {
int runConvert(const std::vector<std::string>& args) {
    if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
        std::cerr << "usage: emgws-cli convert IN OUT [--discontinuous]\n"
                     "  IN:  EDF, EDF+, BDF, BDF+ file, or a WFDB record (.hea, .dat beside it, or record name)\n"
                     "  OUT: .edf (EDF+, 16-bit) or .bdf (BDF+, 24-bit); samples within one LSB, annotations kept\n"
                     "  gaps (EDF+D input, recorder gaps) are zero-filled and annotated 'Gap <n> samples' (EDF+C);\n"
                     "  --discontinuous writes EDF+D/BDF+D instead, leaving out records that lie inside a gap\n";
        return 0;
    }
    std::vector<std::string> files;
    bool discontinuous = false;
    for (const auto& a : args) {
        if (a == "--discontinuous") discontinuous = true;
        else if (a.rfind("--", 0) == 0) {
            std::cerr << "emgws-cli convert: unknown option " << a << "\n";
            return 2;
        } else files.push_back(a);
    }
    if (files.size() != 2) {
        std::cerr << "emgws-cli convert: expected IN and OUT (see 'emgws-cli convert --help')\n";
        return 2;
    }
    const std::filesystem::path in = files[0], out = files[1];
    const auto format = emg::io::writeFormatForPath(out);
    std::error_code ec;
    if (std::filesystem::exists(in, ec) && std::filesystem::exists(out, ec) && std::filesystem::equivalent(in, out, ec))
        throw std::invalid_argument("input and output are the same file");
    emg::io::ReadInfo info;
    const emg::Recording rec = emg::io::readRecording(in, info);
    if (discontinuous) emg::io::writeRecording(rec, out, format, info.gaps);
    else emg::io::writeRecording(rec, out, format);

    nlohmann::json j;
    j["input"] = in.string();
    j["inputFormat"] = emg::io::toString(info.format);
    j["output"] = out.string();
    j["outputFormat"] = emg::io::toString(format);
    j["channels"] = nlohmann::json::array();
    for (const auto& c : rec.channels)
        j["channels"].push_back({{"label", c.label}, {"sampleRateHz", c.sampleRateHz}, {"samples", c.samples.size()}, {"unit", c.physicalUnit}});
    j["annotations"] = rec.annotations.size();
    j["durationSec"] = rec.durationSec();
    j["gaps"] = info.gaps.size();
    j["discontinuous"] = discontinuous;
    j["warnings"] = info.warnings;
    std::cout << j.dump(2) << "\n";
    return 0;
}
const emg::cli::CommandRegistration reg{"convert", "convert EDF/BDF/WFDB to EDF+ (.edf) or BDF+ (.bdf)", &runConvert};
}  // namespace
