#include "fuzz_entries.h"

#include <emg/io/file_convert.h>
#include <emg/io/raw_signal.h>
#include <emg/io/recording_io.h>
#include <emg/io/wfdb.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include <unistd.h>

namespace emg::fuzz {

int fuzzEdf(const std::uint8_t* data, std::size_t size) {
    try {
        io::ReadInfo info;
        const Recording rec = io::parseEdf(data, size, info, "fuzz");
        // touch the result: every sample must be finite
        for (const auto& c : rec.channels)
            for (double v : c.samples)
                if (!std::isfinite(v)) return 1;
    } catch (const io::FormatError&) {
    }
    return 0;
}

int fuzzWfdbHeader(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (io::isWfdbMultiSegmentHeader(text)) {   // a multi-segment record's header: its own parser
        try {
            const auto m = io::parseWfdbMultiSegmentHeader(text, "fuzz");
            if (m.segments.empty()) return 1;   // it promises at least one
        } catch (const io::FormatError&) {
        }
        return 0;
    }
    try {
        const auto h = io::parseWfdbHeader(text, "fuzz");
        // decode a little data with what the header says
        static const std::uint8_t bytes[64] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 255, 254, 253};
        std::size_t invalid = 0;
        std::size_t i = 0;
        while (i < h.signals.size()) {
            std::vector<int> group{static_cast<int>(i)};
            std::size_t j = i + 1;
            while (j < h.signals.size() && h.signals[j].fileName == h.signals[i].fileName) group.push_back(static_cast<int>(j++));
            io::decodeWfdbSignalFile(h, group, bytes, sizeof bytes, h.samplesPerSignal, invalid, "fuzz");
            i = j;
        }
    } catch (const io::FormatError&) {
    }
    return 0;
}

int fuzzWfdbSignal(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    static const int kFormats[] = {8, 16, 24, 32, 61, 80, 160, 212, 310, 311};
    io::WfdbHeader h;
    const int format = kFormats[data[0] % 10];
    const int signals = 1 + (data[1] & 0x3);
    h.signalCount = signals;
    h.signals.resize(static_cast<std::size_t>(signals));
    std::vector<int> group;
    for (int s = 0; s < signals; ++s) {
        auto& sig = h.signals[static_cast<std::size_t>(s)];
        sig.fileName = "f.dat";
        sig.format = format;
        sig.samplesPerFrame = 1 + ((data[1] >> (2 + s)) & 1);
        sig.initialValue = static_cast<long long>(data[1]) - 128;
        sig.byteOffset = (data[1] & 0x80) ? 3 : 0;
        group.push_back(s);
    }
    try {
        std::size_t invalid = 0;
        io::decodeWfdbSignalFile(h, group, data + 2, size - 2, -1, invalid, "fuzz");
    } catch (const io::FormatError&) {
    }
    return 0;
}

int fuzzWfdbAnnotations(const std::uint8_t* data, std::size_t size) {
    std::vector<std::string> warnings;
    const auto ann = io::parseMitAnnotations(data, size, 360.0, warnings);
    for (const auto& a : ann)
        if (!std::isfinite(a.onsetSec)) return 1;
    return 0;
}

int fuzzRawSignal(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    static const io::RawSampleFormat kFormats[] = {io::RawSampleFormat::Ascii,    io::RawSampleFormat::Int16Le,
                                                   io::RawSampleFormat::Int16Be,  io::RawSampleFormat::Int32Le,
                                                   io::RawSampleFormat::Int32Be,  io::RawSampleFormat::Float32Le,
                                                   io::RawSampleFormat::Float32Be, io::RawSampleFormat::Ascii};
    io::RawSignalOptions o;
    o.format = kFormats[data[0] & 0x7];
    o.channels = 1 + ((data[0] >> 3) & 0x3);
    o.sampleRateHz = 23437.5;
    if (data[0] & 0x20) o.gainUvPerCount = 0.5;
    // ASCII may state its own rate (a time column, a "sampling rate" line); none is a clear error
    const bool rateFromFile = o.format == io::RawSampleFormat::Ascii && (data[0] & 0x40);
    if (rateFromFile) o.sampleRateHz = 0.0;
    // the reader takes a path: one scratch file per process, rewritten for each input
    static const std::filesystem::path scratch =
        std::filesystem::temp_directory_path() / ("emgws-fuzz-raw-" + std::to_string(::getpid()) + ".sig");
    {
        std::ofstream out(scratch, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
    }
    try {
        io::ReadInfo info;
        const Recording rec = io::readRawSignal(scratch, o, info);
        for (const auto& c : rec.channels) {
            if (c.samples.empty()) return 1;   // a recording without samples must have been refused
            for (double v : c.samples)
                if (!std::isfinite(v)) return 1;
        }
    } catch (const io::FormatError&) {
    } catch (const std::invalid_argument&) {
        if (!rateFromFile) return 1;   // only "no rate stated" may say so
    }
    return 0;
}

int fuzzBrainVision(const std::uint8_t* data, std::size_t size) {
    static const std::filesystem::path dir = [] {
        auto d = std::filesystem::temp_directory_path() / ("emgws-fuzz-bv-" + std::to_string(::getpid()));
        std::filesystem::create_directories(d);
        std::ofstream(d / "f.vmrk", std::ios::binary) << "Brain Vision Data Exchange Marker File, Version 1.0\n[Marker Infos]\n"
                                                        "Mk1=Stimulus,S  1,3,1,0\nMk2=Comment,x\\1y,999999999,1,0\nMk3=Bad,,-4,1,0\n";
        return d;
    }();
    const std::string_view all(reinterpret_cast<const char*>(data), size);
    const auto cut = all.find('\0');
    const std::string_view header = all.substr(0, cut), samples = cut == std::string_view::npos ? std::string_view{} : all.substr(cut + 1);
    std::ofstream(dir / "f.vhdr", std::ios::binary | std::ios::trunc).write(header.data(), static_cast<std::streamsize>(header.size()));
    std::ofstream(dir / "f.eeg", std::ios::binary | std::ios::trunc).write(samples.data(), static_cast<std::streamsize>(samples.size()));
    try {
        io::ReadInfo info;
        const Recording rec = io::readRecording(dir / "f.vhdr", info);
        for (const auto& c : rec.channels) {
            if (c.samples.empty()) return 1;   // a recording without samples must have been refused
            for (double v : c.samples)
                if (!std::isfinite(v)) return 1;
        }
        io::ConvertOptions options;
        options.target = io::FileFormat::EdfPlus;
        (void)io::convertFile(dir / "f.vhdr", dir / "f.edf", options);
        const Recording back = io::readRecording(dir / "f.edf");
        if (back.channels.size() != rec.channels.size()) return 1;
        for (std::size_t c = 0; c < rec.channels.size(); ++c)
            if (back.channels[c].samples.size() < rec.channels[c].samples.size()) return 1;
    } catch (const io::FormatError&) {
    }
    return 0;
}

}  // namespace emg::fuzz
