// `emgws-cli convert IN OUT`: EDF/EDF+/BDF/BDF+/WFDB in, .edf (16-bit) or .bdf (24-bit) out.
// Changes nothing it need not (emg/io/file_convert.h): EDF/BDF are streamed record by record with
// their header fields, record layout, digital samples and annotations kept. Prints a JSON summary.
#include "command_registry.h"
#include "error_context.h"
#include "raw_input_options.h"

#include <emg/io/file_convert.h>

#include <nlohmann/json.hpp>

#include <iostream>

namespace {
// JSON needs UTF-8: the bytes as they are when they already are UTF-8, else read as Latin-1.
std::string asUtf8(const std::string& bytes) {
    std::size_t i = 0;
    bool valid = true;
    while (i < bytes.size() && valid) {
        const auto c = static_cast<unsigned char>(bytes[i]);
        const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (n == 0 || i + n > bytes.size()) valid = false;
        for (std::size_t k = 1; valid && k < n; ++k) valid = (static_cast<unsigned char>(bytes[i + k]) >> 6) == 2;
        i += n;
    }
    if (valid) return bytes;
    std::string out;
    for (unsigned char c : bytes) {
        if (c < 0x80) out += static_cast<char>(c);
        else {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    return out;
}
std::string hexBytes(const std::string& bytes) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : bytes) {
        if (!out.empty()) out += ' ';
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
    return out;
}

/// A headerless signal file (read whole: such files are single recordings of seconds to minutes)
/// written as EDF+/BDF+ with its values as read; its label is the file's name, kept as it is. The
/// integers of a raw file (times --gain) and the numbers of an ASCII file as printed are the
/// digital samples where the output's bits hold them.
emg::io::ConvertReport convertHeaderless(const std::filesystem::path& in, const std::filesystem::path& out,
                                         const emg::io::ConvertOptions& options, const emg::cli::RawInputOptions& raw) {
    emg::io::ReadInfo info;
    const emg::Recording rec = emg::cli::readInput(in, raw, info);
    emg::io::ConvertReport rep = emg::io::convertRecording(rec, info, out, options.target, "a headerless file");
    rep.inputFormat = emg::io::FileFormat::RawSignal;
    return rep;
}

int runConvert(const std::vector<std::string>& args) {
    if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
        std::cerr << "usage: emgws-cli convert IN OUT [--discontinuous]\n"
                     "  IN:  EDF, EDF+, BDF, BDF+ file, or a WFDB record (.hea, .dat beside it, or record name)\n"
                     "  OUT: .edf (16-bit) or .bdf (24-bit). EDF/BDF input is streamed and kept as it is: labels and\n"
                     "       every header field, record duration and samples per record, digital samples (EDF -> BDF\n"
                     "       exactly; BDF -> EDF exactly where the digital range fits 16 bits, else rescaled with a\n"
                     "       warning), annotations; EDF+D stays EDF+D, plain EDF/BDF stay plain. Non-ASCII header\n"
                     "       bytes become '_' (the original is listed in headerChanges and warnings).\n"
                     "       A WFDB record is streamed too (its signal files read twice in chunks), skew, several\n"
                     "       signal files and null signals included; a record of null signals only is read whole.\n"
                     "  --discontinuous: for a continuous EDF+/BDF+ with recorder gaps ('Gap <n> samples'), leave out\n"
                     "       the records inside gaps and write EDF+D (in memory; the digital samples kept where they fit)\n"
                     "  OUT is written to a temporary file beside it and renamed at the end: a failure leaves OUT as it was.\n"
                     "  a headerless IN (one ASCII column, raw int16, ...) is read with the options below; its integers\n"
                     "       (times --gain) or its numbers as printed become the digital samples where OUT's bits hold them:\n"
                  << emg::cli::rawInputHelp();
        return 0;
    }
    std::vector<std::string> files;
    bool discontinuous = false;
    emg::cli::RawInputOptions raw;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        const auto eq = a.find('=');
        const std::string name = a.substr(0, eq);
        if (a == "--discontinuous") discontinuous = true;
        else if (name == "--format" || name == "--rate" || name == "--gain") {
            std::string value;
            if (eq != std::string::npos) value = a.substr(eq + 1);
            else if (i + 1 < args.size()) value = args[++i];
            else {
                std::cerr << "emgws-cli convert: " << name << " needs a value\n";
                return 2;
            }
            try {
                raw.take(name, value);
            } catch (const std::invalid_argument& e) {
                std::cerr << "emgws-cli convert: " << e.what() << "\n";
                return 2;
            }
        } else if (a.rfind("--", 0) == 0) {
            std::cerr << "emgws-cli convert: unknown option " << a << "\n";
            return 2;
        } else files.push_back(a);
    }
    if (files.size() != 2) {
        std::cerr << "emgws-cli convert: expected IN and OUT (see 'emgws-cli convert --help')\n";
        return 2;
    }
    const std::filesystem::path in = files[0], out = files[1];
    emg::io::ConvertOptions options;
    options.target = emg::io::writeFormatForPath(out);
    options.leaveOutGaps = discontinuous;
    const emg::io::ConvertReport rep = emg::cli::namingPath(in.string(), [&] {
        return emg::cli::isHeaderless(in, raw) ? convertHeaderless(in, out, options, raw) : emg::io::convertFile(in, out, options);
    });

    nlohmann::json j;
    j["input"] = in.string();
    j["inputFormat"] = emg::io::toString(rep.inputFormat);
    j["output"] = out.string();
    j["outputFormat"] = emg::io::toString(rep.outputFormat);
    j["channels"] = nlohmann::json::array();
    for (const auto& c : rep.signals)
        j["channels"].push_back({{"label", c.label}, {"sampleRateHz", c.sampleRateHz}, {"samples", c.samples}, {"unit", c.unit},
                                 {"rescaled", c.rescaled}, {"clippedSamples", c.clippedSamples}});
    j["annotations"] = rep.annotations;
    j["durationSec"] = rep.durationSec;
    j["gaps"] = rep.gaps;
    j["discontinuous"] = rep.discontinuous;
    j["dataRecords"] = rep.dataRecords;
    j["recordDurationSec"] = rep.recordDurationSec;
    j["streamed"] = rep.streamed;
    std::vector<std::string> warnings = rep.warnings;
    j["headerChanges"] = nlohmann::json::array();
    for (const auto& c : rep.headerChanges) {
        const std::string where = c.signal > 0 ? "signal " + std::to_string(c.signal) + " " + c.field : c.field;
        warnings.push_back(where + ": '" + c.written + "' written for the original '" + asUtf8(c.original) + "' (" + c.reason + ")");
        j["headerChanges"].push_back({{"field", c.field}, {"signal", c.signal}, {"original", asUtf8(c.original)},
                                      {"originalHex", hexBytes(c.original)}, {"written", c.written}, {"reason", c.reason}});
    }
    j["warnings"] = warnings;
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
}
const emg::cli::CommandRegistration reg{"convert", "convert EDF/BDF/WFDB/BrainVision to EDF(+) (.edf) or BDF(+) (.bdf), keeping what the file holds",
                                        &runConvert};
}  // namespace
