// Format sniffing and dispatch for readRecording().
#include "file_bytes.h"

#include <emg/io/recording_io.h>

#include <emg/io/brainvision.h>
#include <emg/io/wfdb.h>

#include <cctype>
#include <system_error>

namespace emg::io {

const char* toString(FileFormat format) noexcept {
    switch (format) {
        case FileFormat::Edf: return "EDF";
        case FileFormat::EdfPlus: return "EDF+";
        case FileFormat::Bdf: return "BDF";
        case FileFormat::BdfPlus: return "BDF+";
        case FileFormat::Wfdb: return "WFDB";
        case FileFormat::RawSignal: return "raw signal";
        case FileFormat::BrainVision: return "BrainVision";
    }
    return "?";
}

namespace {
std::string lowerExtension(const std::filesystem::path& p) {
    std::string e = p.extension().string();
    for (char& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return e;
}
bool isFile(const std::filesystem::path& p) {
    std::error_code ec;
    return std::filesystem::is_regular_file(p, ec);
}
bool pathExists(const std::filesystem::path& p) {
    std::error_code ec;
    return std::filesystem::exists(p, ec);
}
}  // namespace

Recording readRecording(const std::filesystem::path& path) {
    ReadInfo info;
    return readRecording(path, info);
}

Recording readRecording(const std::filesystem::path& path, ReadInfo& info) {
    const std::string ext = lowerExtension(path);
    if (ext == ".hea") return readWfdbRecord(path, info);
    if (ext == ".vhdr") return readBrainVision(path, info);
    if (pathExists(path)) detail::requireRegularFile(path);   // a directory, FIFO or device is named as such
    if (!isFile(path)) {
        // a WFDB record name ("data/emg_healthy") or a path without its .hea
        std::filesystem::path hea = path;
        hea += ".hea";
        if (isFile(hea)) return readWfdbRecord(hea, info);
        throw FormatError(path.string() + ": no such file (nor a WFDB record " + hea.string() + ")");
    }
    auto bytes = detail::readFileBytes(path);
    const bool looksEdf = bytes.size() >= 8 && (bytes[0] == 0xFF || (bytes[0] == '0' && bytes[1] == ' '));
    if (looksEdf) return parseEdf(bytes.data(), bytes.size(), info, path.string());
    if (looksLikeBrainVisionHeader(std::string_view(reinterpret_cast<const char*>(bytes.data()), std::min<std::size_t>(bytes.size(), 256))))
        return readBrainVision(path, info);
    if (ext == ".dat") {
        std::filesystem::path hea = path;
        hea.replace_extension(".hea");
        if (isFile(hea)) return readWfdbRecord(hea, info);
    }
    // a WFDB header under another name?
    if (!bytes.empty() && std::isalnum(bytes[0])) {
        try {
            return readWfdbRecord(path, info);
        } catch (const FormatError&) {
        }
    }
    throw FormatError(path.string() + ": not a recording this program reads (EDF, EDF+, BDF, BDF+, a WFDB .hea header or a BrainVision .vhdr header)");
}

}  // namespace emg::io
