// `emgws-cli simulate --test motor|sensory|fwave|hreflex|rns|needle [...] OUT.(edf|bdf)`:
// writes a simulated recording (drivers/sim) with "Stim <site>" annotations, and optionally
// the truth as JSON. Prints a JSON summary on stdout.
#include "command_registry.h"
#include "simulate_lesion.h"

#include <emg/io/recording_io.h>
#include <emg/io/safe_file_writer.h>
#include <sim/sim_recording.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <iostream>
#include <stdexcept>
#include <string>

namespace {

void usage() {
    std::cerr << "usage: emgws-cli simulate --test motor|sensory|fwave|hreflex|rns|needle [options] OUT.(edf|bdf)\n"
                 "  --nerve NAME        preset (median-motor, ulnar-motor, peroneal-motor, tibial-motor, tibial-h,\n"
                 "                      median-sensory, ulnar-sensory, sural-sensory, superficial-peroneal-sensory)\n"
                 "  --pattern P         needle: normal | neuropathic | myopathic (default normal)\n"
                 "  --effort E          needle: 0..1 for one segment (default: rest, weak, strong segments)\n"
                 "  --seconds S         needle: seconds per segment (default 4)\n"
                 "  --denervation G     needle: fibrillation/PSW grade 0..4 (default neuropathic 2, else 0)\n"
                 "  --decrement PCT     rns: decrement of the 4th response in % (default 0 = normal)\n"
                 "  --ramp              motor/sensory: a rising intensity series at each site\n"
                 "  --sweeps N          motor/sensory: supramaximal sweeps per site\n"
                 "  --rate HZ           sample rate 4000..48000 (default 20000)\n"
                 "  --noise UV          noise rms (default surface 3, needle 7)\n"
                 "  --mains 50|60       mains frequency (default 50);  --mains-uv UV  its amplitude (default 3)\n"
                 "  --seed N            random seed (default 1): same seed, same file\n"
                 "  --truth FILE.json   write the simulated truth (latencies, amplitudes, units, firings)\n"
                 "usage: emgws-cli simulate --lesion ROOT|NERVE:left|right [--protocol ID] [--study ID | --patient ID] [--date D]\n"
                 "                          [--seed N] [--recordings DIR] [--db URL]\n"
                 "  a whole protocol study on the simulator with each test's expected findings from the myotome map\n"
                 "  (e.g. --lesion L5:left, S1:right, C7:left, peroneal:left), measured and saved to the study;\n"
                 "  --recordings DIR keeps each simulated recording there (BDF+) and links it with its SHA-256,\n"
                 "  so the study report draws its waveforms\n";
}

double number(const std::string& opt, const std::string& v) {
    try {
        std::size_t used = 0;
        const double d = std::stod(v, &used);
        if (used != v.size()) throw std::invalid_argument("trailing characters");
        return d;
    } catch (const std::exception&) {
        throw std::invalid_argument(opt + " needs a number, not '" + v + "'");
    }
}

/// A whole number within [lo, hi] (checked before any conversion).
double integer(const std::string& opt, const std::string& v, double lo, double hi) {
    const double d = number(opt, v);
    if (!(d >= lo && d <= hi) || d != std::floor(d))
        throw std::invalid_argument(opt + " needs a whole number from " + std::to_string(static_cast<long long>(lo)) + " to " +
                                    std::to_string(static_cast<unsigned long long>(hi)) + ", not '" + v + "'");
    return d;
}

int runSimulate(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        usage();
        return args.empty() ? 2 : 0;
    }
    for (const auto& a : args)
        if (a == "--lesion") return emg::cli::runSimulateLesion(args);
    emg::sim::SimRecordingOptions o;
    bool haveTest = false;
    std::string out, truthPath;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        const auto value = [&]() -> const std::string& {
            if (i + 1 >= args.size()) throw std::invalid_argument(a + " needs a value");
            return args[++i];
        };
        if (a == "--test") {
            o.test = emg::sim::parseSimTest(value());
            haveTest = true;
        } else if (a == "--nerve") o.nerve = value();
        else if (a == "--pattern") o.pattern = emg::sim::parseMusclePattern(value());
        else if (a == "--effort") o.effort = number(a, value());
        else if (a == "--seconds") o.seconds = number(a, value());
        else if (a == "--denervation") o.denervationGrade = static_cast<int>(integer(a, value(), 0, 4));
        else if (a == "--decrement") o.rnsDecrementPercent = number(a, value());
        else if (a == "--ramp") o.intensityRamp = true;
        else if (a == "--sweeps") o.sweepsPerSite = static_cast<int>(integer(a, value(), 1, 200));
        else if (a == "--rate") o.sampleRateHz = number(a, value());
        else if (a == "--noise") o.noiseRmsUv = number(a, value());
        else if (a == "--mains") o.mainsHz = number(a, value());
        else if (a == "--mains-uv") o.mainsAmplitudeUv = number(a, value());
        else if (a == "--seed") o.seed = static_cast<std::uint64_t>(integer(a, value(), 0, 9007199254740992.0));
        else if (a == "--truth") truthPath = value();
        else if (a.rfind("--", 0) == 0) {
            std::cerr << "emgws-cli simulate: unknown option " << a << " (see 'emgws-cli simulate --help')\n";
            return 2;
        } else if (out.empty()) out = a;
        else {
            std::cerr << "emgws-cli simulate: more than one output file given\n";
            return 2;
        }
    }
    if (!haveTest || out.empty()) {
        std::cerr << "emgws-cli simulate: --test and an output file are required (see 'emgws-cli simulate --help')\n";
        return 2;
    }
    if (o.effort > 1.0 || (o.effort < 0.0 && o.effort != -1.0)) throw std::invalid_argument("--effort must be 0..1");
    if (o.denervationGrade < -1 || o.denervationGrade > 4) throw std::invalid_argument("--denervation must be 0..4");
    if (o.rnsDecrementPercent < -1.0 || o.rnsDecrementPercent > 90.0) throw std::invalid_argument("--decrement must be 0..90");
    if (o.noiseRmsUv < -1.0) throw std::invalid_argument("--noise must be >= 0");
    const auto format = emg::io::writeFormatForPath(out);
    if (!truthPath.empty()) emg::io::refuseUnsafeTarget(truthPath);   // refused before the recording is written
    const auto sim = emg::sim::simulateRecording(o);
    emg::io::writeRecording(sim.recording, out, format);
    if (!truthPath.empty()) {
        emg::io::writeFileSafely(truthPath, emg::sim::truthToJson(sim.truth) + "\n");
    }
    nlohmann::json j;
    j["output"] = out;
    j["format"] = emg::io::toString(format);
    j["test"] = emg::sim::toString(o.test);
    j["seed"] = o.seed;
    j["durationSec"] = sim.recording.durationSec();
    j["channels"] = nlohmann::json::array();
    for (const auto& c : sim.recording.channels) j["channels"].push_back({{"label", c.label}, {"sampleRateHz", c.sampleRateHz}});
    j["annotations"] = sim.recording.annotations.size();
    if (!truthPath.empty()) j["truth"] = truthPath;
    std::cout << j.dump(2) << "\n";
    return 0;
}

const emg::cli::CommandRegistration reg{"simulate", "write a simulated NCS/needle recording (with its truth)", &runSimulate};

}  // namespace
