#include "raw_input_options.h"

#include <emg/io/raw_signal.h>

#include <cctype>
#include <cmath>
#include <stdexcept>

namespace emg::cli {

namespace {
std::string lowerExtension(const std::filesystem::path& p) {
    std::string e = p.extension().string();
    for (char& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return e;
}
}  // namespace

double parseNumber(const std::string& text, const std::string& what) {
    std::size_t used = 0;
    double v = 0.0;
    try {
        v = std::stod(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size() || !std::isfinite(v)) throw std::invalid_argument(what + ": '" + text + "' is not a number");
    return v;
}

bool RawInputOptions::take(const std::string& name, const std::string& value) {
    if (name == "--format") {
        if (!io::parseRawSampleFormat(value))
            throw std::invalid_argument("--format must be ascii, int16le, int16be, int32le, int32be, float32le or float32be (got '" + value + "')");
        format = value;
    } else if (name == "--rate") {
        const double r = parseNumber(value, "--rate");
        if (!(r > 0.0) || r > 1e7) throw std::invalid_argument("--rate must be a sample rate in Hz (0 < HZ <= 10 MHz)");
        rateHz = r;
    } else if (name == "--gain") {
        const double g = parseNumber(value, "--gain");
        if (g == 0.0) throw std::invalid_argument("--gain must be non-zero (uV per count)");
        gainUvPerCount = g;
    } else {
        return false;
    }
    return true;
}

bool RawInputOptions::gainUnknown() const {
    return format && io::parseRawSampleFormat(*format) != io::RawSampleFormat::Ascii && !gainUvPerCount;
}

bool isHeaderless(const std::filesystem::path& path, const RawInputOptions& o) {
    const std::string ext = lowerExtension(path);
    return o.format || ext == ".asc" || ext == ".txt" || ext == ".csv";
}

std::optional<io::RawSignalOptions> binaryRawOptions(const std::filesystem::path& path, const RawInputOptions& o) {
    if (!isHeaderless(path, o) || !o.format || !o.rateHz) return std::nullopt;
    const auto format = io::parseRawSampleFormat(*o.format);
    if (!format || *format == io::RawSampleFormat::Ascii) return std::nullopt;
    io::RawSignalOptions r;
    r.format = *format;
    r.sampleRateHz = *o.rateHz;
    r.gainUvPerCount = o.gainUvPerCount;
    return r;
}

Recording readInput(const std::filesystem::path& path, const RawInputOptions& o, io::ReadInfo& info) {
    if (isHeaderless(path, o)) {
        io::RawSignalOptions r;
        r.format = o.format ? *io::parseRawSampleFormat(*o.format) : io::RawSampleFormat::Ascii;
        // an ASCII file may state its rate (a time column, a "sampling rate" line): the reader says
        // when it does not
        if (!o.rateHz && r.format != io::RawSampleFormat::Ascii)
            throw std::invalid_argument("'" + path.string() + "' is a headerless signal file (" + io::toString(r.format) +
                                        "): give its sample rate with --rate HZ");
        r.sampleRateHz = o.rateHz.value_or(0.0);
        r.gainUvPerCount = o.gainUvPerCount;
        return io::readRawSignal(path, r, info);
    }
    if (o.rateHz || o.gainUvPerCount)
        throw std::invalid_argument("--rate/--gain apply to headerless files only (with --format); '" + path.string() +
                                    "' is read with the rate and scale its header gives");
    return io::readRecording(path, info);
}

const char* rawInputHelp() noexcept {
    return "  --format ascii|int16le|int16be|int32le|int32be|float32le|float32be  a headerless signal file\n"
           "         (ASCII: columns of numbers in uV, or in the unit a heading names (\"EMG (mV)\"); a first time\n"
           "         or sample-number column is not a signal; ',' is the decimal mark in ';'-separated rows;\n"
           "         binary: interleaved channels); .asc/.txt/.csv are ASCII\n"
           "  --rate HZ            its sample rate (required for binary files; for ASCII unless a time column or a\n"
           "                       'sampling rate'/'Interval=' line states it; e.g. 32768, 23437.5)\n"
           "  --gain UV_PER_COUNT  its scale (binary default: 1, and the JSON warns that amplitudes are counts)\n";
}

}  // namespace emg::cli
